//! Checking that a replayed step finds the program where the recorded execution had it: the
//! same threads waiting at the same operations, the same threads schedulable. A difference
//! is a `Nondeterminism` failure whose message names the first thread that differs.
//!
//! Between two scheduling points only the thread that ran changes its pending operation,
//! and only it spawns threads (numbered from the thread count before its step on). So once
//! a replay has compared step 0 in full, each later replayed step compares just those
//! threads: the others were equal one step earlier and have not moved, in either execution.
//! A difference found that way falls back to the full comparison, which words the message.
//!
//! Invariant: `checked` is the last replayed step of the current execution that compared
//! equal, with the number of threads it had; every replay starts at step 0.

use super::{waiting_ops, Dpor};
use crate::explore::{describe_pending, list_threads};
use crate::runtime::execution::Execution;
use crate::runtime::op::{Op, ThreadId};
use crate::runtime::thread_set::ThreadSet;

impl Dpor {
    /// Why the program is not where the recorded execution was at replayed `step`, if it
    /// is not.
    pub(super) fn diverged(
        &mut self,
        execution: &Execution,
        step: usize,
        schedulable: &ThreadSet,
    ) -> Option<String> {
        let node = &self.nodes[step];
        let end = self
            .nodes
            .get(step + 1)
            .map_or(self.pending_ops.len(), |next| next.ops_start);
        let recorded = &self.pending_ops[node.ops_start..end];
        let same = match self.checked {
            Some((last, threads)) if step > 0 && last == step - 1 => {
                let ran = self.nodes[last].thread;
                moved_alike(execution, recorded, ran, threads) && node.schedulable == *schedulable
            }
            _ => false,
        };
        let message = match same {
            true => None,
            false => compare_all(execution, step, recorded, &node.schedulable, schedulable),
        };
        self.checked = message.is_none().then_some((step, execution.threads.len()));
        message
    }
}

/// Whether the threads that may have moved since the last step, `ran` and those numbered
/// from `threads` on, wait where `recorded` (sorted by thread) has them.
fn moved_alike(
    execution: &Execution,
    recorded: &[(ThreadId, Op)],
    ran: ThreadId,
    threads: usize,
) -> bool {
    let was = recorded
        .binary_search_by_key(&ran, |&(t, _)| t)
        .ok()
        .map(|i| recorded[i].1);
    if execution.threads[ran].pending != was {
        return false;
    }
    let mut spawned = recorded[recorded.partition_point(|&(t, _)| t < threads)..].iter();
    for (t, thread) in execution.threads.iter().enumerate().skip(threads) {
        if let Some(op) = thread.pending {
            if spawned.next() != Some(&(t, op)) {
                return false;
            }
        }
    }
    spawned.next().is_none()
}

/// Every waiting thread and the schedulable set compared with the record.
fn compare_all(
    execution: &Execution,
    step: usize,
    recorded: &[(ThreadId, Op)],
    then: &ThreadSet,
    schedulable: &ThreadSet,
) -> Option<String> {
    let changed = recorded
        .iter()
        .find(|&&(t, op)| execution.threads.get(t).and_then(|th| th.pending) != Some(op));
    if let Some(&(thread, op)) = changed {
        Some(format!(
            "step {step}: in an earlier execution {} was at {} ({}) here; this time {}",
            execution.thread_label(thread),
            op.describe(),
            op.site,
            describe_pending(execution, thread)
        ))
    } else if let Some((thread, _)) = waiting_ops(execution).nth(recorded.len()) {
        Some(format!(
            "step {step}: in an earlier execution {} was not waiting here; this time {}",
            execution.thread_label(thread),
            describe_pending(execution, thread)
        ))
    } else if then != schedulable {
        Some(format!(
            "step {step}: in an earlier execution {} could run here; this time {}",
            list_threads(execution, then),
            list_threads(execution, schedulable)
        ))
    } else {
        None
    }
}

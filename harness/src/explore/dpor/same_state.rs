//! Recording where the threads wait at each node, and checking that a replayed step finds
//! the program there again: the same threads waiting at the same operations, the same
//! threads schedulable. A difference is a `Nondeterminism` failure whose message names the
//! first thread that differs.
//!
//! Between two scheduling points only the thread that ran changes its pending operation,
//! and only it spawns threads (numbered from the thread count before its step on). So a
//! node records only those threads (`moved`): the first node every thread, each later one
//! the thread that ran the step before and the threads spawned in it. Once a replay has
//! compared step 0, each later replayed step compares that record alone: the other threads
//! were equal one step earlier and have not moved, in either execution. Where it differs,
//! the full state is rebuilt from the records of the nodes above, and the full comparison
//! words the message.
//!
//! Invariant: `checked` is the last replayed step of the current execution that compared
//! equal; every replay starts at step 0.

use std::ops::Range;

use super::{waiting_ops, Dpor};
use crate::explore::{describe_pending, list_threads};
use crate::runtime::execution::Execution;
use crate::runtime::op::{Op, ThreadId};
use crate::runtime::thread_set::ThreadSet;

impl Dpor {
    /// Records the threads that moved since the last node, for the node about to be pushed
    /// (the `step`th); returns where the record starts.
    pub(super) fn record_waiting(&mut self, execution: &Execution, step: usize) -> usize {
        let start = self.pending_ops.len();
        let pending = |t: ThreadId| (t, execution.threads[t].pending);
        match step.checked_sub(1).map(|last| &self.nodes[last]) {
            None => (self.pending_ops).extend((0..execution.threads.len()).map(pending)),
            Some(last) => {
                let spawned = last.threads..execution.threads.len();
                self.pending_ops.push(pending(last.thread));
                self.pending_ops.extend(spawned.map(pending));
            }
        }
        start
    }

    /// Why the program is not where the recorded execution was at replayed `step`, if it
    /// is not.
    pub(super) fn diverged(
        &mut self,
        execution: &Execution,
        step: usize,
        schedulable: &ThreadSet,
    ) -> Option<String> {
        let node = &self.nodes[step];
        let moved = &self.pending_ops[self.record(step)];
        let same = step > 0
            && self.checked == Some(step - 1)
            && execution.threads.len() == node.threads
            && moved
                .iter()
                .all(|&(t, op)| execution.threads[t].pending == op)
            && node.schedulable == *schedulable;
        let message = match same {
            true => None,
            false => {
                let recorded = self.waiting_at(step);
                compare_all(execution, step, &recorded, &node.schedulable, schedulable)
            }
        };
        self.checked = message.is_none().then_some(step);
        message
    }

    /// Where node `step`'s record lies in `pending_ops`.
    fn record(&self, step: usize) -> Range<usize> {
        let end = self
            .nodes
            .get(step + 1)
            .map_or(self.pending_ops.len(), |next| next.ops_start);
        self.nodes[step].ops_start..end
    }

    /// Every thread waiting at node `step` in the recorded execution, by thread.
    fn waiting_at(&self, step: usize) -> Vec<(ThreadId, Op)> {
        let mut ops: Vec<Option<Op>> = Vec::new();
        for node in 0..=step {
            for &(t, op) in &self.pending_ops[self.record(node)] {
                if ops.len() <= t {
                    ops.resize(t + 1, None);
                }
                ops[t] = op;
            }
        }
        (ops.into_iter().enumerate())
            .filter_map(|(t, op)| op.map(|op| (t, op)))
            .collect()
    }
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

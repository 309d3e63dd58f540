//! Exploration strategies: at each scheduling point, given the schedulable threads and their
//! pending operations, which thread runs next; after each execution, whether another one is
//! worth running. One file per strategy: `dpor` (exhaustive, with `causality`), `random`
//! (uniform random walk), `pct` (random priorities and change points), `bytes` (a fuzzer's
//! input), `replay` (one recorded schedule); `rng` is the samplers' generator.
//!
//! Invariant: an explorer decides only from the execution state it is shown and its own
//! records, so the same explorer state and program always make the same choices.

pub(crate) mod bytes;
pub(crate) mod causality;
pub(crate) mod dpor;
mod fingerprint;
pub(crate) mod guided;
pub(crate) mod pct;
pub(crate) mod random;
pub(crate) mod replay;
mod reversal;
mod rng;
pub(crate) mod split;
mod step_accesses;
mod step_summary;
mod step_table;
mod summaries;
mod wakeup;

use std::ops::Range;

use crate::runtime::execution::Execution;
use crate::runtime::op::ThreadId;
use crate::runtime::thread_set::ThreadSet;
use crate::runtime::value_choice::Requested;

/// Who ran the step before a scheduling point.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Turn {
    /// The thread that ran it (the one to prefer, to keep executions natural).
    pub last: Option<ThreadId>,
    /// The thread whose switching away from is a preemption: `last`, unless its step only
    /// started it (it has done nothing visible yet).
    pub preemptible: Option<ThreadId>,
}

impl Turn {
    /// Whether running `thread` next switches away from a thread that could have continued.
    pub(crate) fn preempts(&self, schedulable: &ThreadSet, thread: ThreadId) -> bool {
        self.preemptible
            .is_some_and(|p| p != thread && schedulable.contains(p))
    }
}

pub(crate) enum Decision {
    /// Run this thread's pending operation.
    Run(ThreadId),
    /// Every schedulable thread is asleep: the rest of this execution only repeats explored
    /// interleavings. The runner finishes it without the explorer.
    Blocked,
    /// The program did not do what the recorded schedule says it did.
    Diverged(String),
}

pub(crate) trait Explorer {
    fn begin_execution(&mut self) {}

    /// The thread to run at scheduling point `step`.
    fn choose(
        &mut self,
        execution: &Execution,
        step: usize,
        turn: Turn,
        schedulable: &ThreadSet,
    ) -> Decision;

    /// The value choice to ask of the step at `step`, once `choose` chose its thread (see
    /// `runtime::value_choice`); the step's `execution.choice` then says what it had.
    fn alternative(&mut self, _step: usize) -> Requested {
        Requested::Exact(0)
    }

    /// Called after the step at `step` performed the events in `events`.
    fn after_step(&mut self, _execution: &Execution, _step: usize, _events: Range<usize>) {}

    /// Called when an execution stopped, however it ended, with its whole trace.
    fn execution_ended(&mut self, _execution: &Execution) {}

    /// Called when an execution ran out of runnable threads after `steps` steps; a message
    /// when that itself contradicts the explorer's record.
    fn end_execution(&mut self, _steps: usize) -> Option<String> {
        None
    }

    /// Whether the execution that just ended belongs to another explorer of a split
    /// exploration: the runner finished it without asking this one, and it does not count.
    fn skipped(&self) -> bool {
        false
    }

    /// In a split exploration, the unit of the execution that just ended.
    fn unit(&self) -> Option<split::UnitKey> {
        None
    }

    /// What the explorer's wakeup trees took (see `dpor::memory`); nothing for samplers.
    fn wakeup_memory(&self) -> dpor::WakeupMemory {
        dpor::WakeupMemory::default()
    }

    /// Prepares the next execution; false when nothing is left to explore.
    fn next_execution(&mut self) -> bool;

    /// Whether running out of executions (`next_execution` false) means every execution the
    /// strategy stands for was run, so `Stats::complete` is true. Samplers say no: they stop
    /// after their budget, not after the space.
    fn exhaustive(&self) -> bool {
        true
    }

    /// Called once the exploration is over: the explorer may leave its buffers for the next
    /// exploration on this OS thread (see `dpor::spare`).
    fn recycle(self: Box<Self>) {}

    /// A line for the report of the current execution when it fails: how this explorer came
    /// to it and how to repeat the search (samplers name their seed).
    fn describe_execution(&self) -> Option<String> {
        None
    }
}

/// `main, thread 2` for messages.
pub(crate) fn list_threads(execution: &Execution, threads: &ThreadSet) -> String {
    let names: Vec<String> = threads.iter().map(|t| execution.thread_label(t)).collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// What `thread` is doing at a scheduling point, for messages.
pub(crate) fn describe_pending(execution: &Execution, thread: ThreadId) -> String {
    match execution.threads.get(thread) {
        None => format!("thread {thread} does not exist in this execution"),
        Some(record) if record.finished => {
            format!("{} has finished", execution.thread_label(thread))
        }
        Some(record) => match record.pending {
            Some(op) => format!(
                "{} is at {} ({})",
                execution.thread_label(thread),
                op.describe(),
                op.site
            ),
            None => format!("{} is running", execution.thread_label(thread)),
        },
    }
}

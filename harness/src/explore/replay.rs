//! Replays one recorded schedule exactly.
//!
//! Invariant: the execution must take exactly the recorded choices, each one schedulable when
//! its turn comes, and end when the schedule ends; anything else is reported as divergence
//! naming the step.

use super::{describe_pending, list_threads, Decision, Explorer, Turn};
use crate::runtime::execution::Execution;
use crate::runtime::thread_set::ThreadSet;
use crate::runtime::value_choice::Requested;
use crate::schedule::Schedule;

pub(crate) struct Replay {
    schedule: Schedule,
}

impl Replay {
    pub(crate) fn new(schedule: Schedule) -> Replay {
        Replay { schedule }
    }
}

impl Explorer for Replay {
    fn choose(
        &mut self,
        execution: &Execution,
        step: usize,
        _turn: Turn,
        schedulable: &ThreadSet,
    ) -> Decision {
        let Some(&thread) = self.schedule.threads.get(step) else {
            return Decision::Diverged(format!(
                "step {step}: the schedule has only {} steps, but {} can still run",
                self.schedule.threads.len(),
                list_threads(execution, schedulable)
            ));
        };
        let thread = thread as usize;
        if schedulable.contains(thread) {
            Decision::Run(thread)
        } else {
            Decision::Diverged(format!(
                "step {step}: the schedule runs thread {thread} here, but {}; runnable: {}",
                describe_pending(execution, thread),
                list_threads(execution, schedulable)
            ))
        }
    }

    fn alternative(&mut self, step: usize) -> Requested {
        Requested::Exact(self.schedule.value(step))
    }

    fn end_execution(&mut self, steps: usize) -> Option<String> {
        (steps != self.schedule.threads.len()).then(|| {
            format!(
                "step {steps}: no thread can run any more, but the schedule has {} steps",
                self.schedule.threads.len()
            )
        })
    }

    fn next_execution(&mut self) -> bool {
        false
    }
}

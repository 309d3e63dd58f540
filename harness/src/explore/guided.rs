//! Follows a list of choices where it can and runs without preemption after it: the
//! candidates the shortener tries are built this way.
//!
//! Invariant: never diverges. A listed thread that cannot run is skipped in favour of the
//! fallback (the thread that ran last if it still can, else the lowest-numbered runnable
//! thread), so every list of choices gives exactly one execution.

use super::{Decision, Explorer, Turn};
use crate::runtime::execution::Execution;
use crate::runtime::thread_set::ThreadSet;
use crate::runtime::value_choice::Requested;

pub(crate) struct Guided {
    /// Each step's (thread, value choice).
    choices: Vec<(u32, u32)>,
}

impl Guided {
    pub(crate) fn new(choices: Vec<(u32, u32)>) -> Guided {
        Guided { choices }
    }
}

impl Explorer for Guided {
    fn choose(
        &mut self,
        _execution: &Execution,
        step: usize,
        turn: Turn,
        schedulable: &ThreadSet,
    ) -> Decision {
        let listed = self
            .choices
            .get(step)
            .map(|&(t, _)| t as usize)
            .filter(|&t| schedulable.contains(t));
        let thread = listed
            .or(turn.last.filter(|&t| schedulable.contains(t)))
            .or(schedulable.first());
        match thread {
            Some(thread) => Decision::Run(thread),
            None => Decision::Diverged("no thread can run".to_string()),
        }
    }

    /// The listed value choice, as far as the step's operation has one (the candidate may
    /// have moved it to another operation).
    fn alternative(&mut self, step: usize) -> Requested {
        Requested::Any(self.choices.get(step).map_or(0, |&(_, v)| v))
    }

    fn next_execution(&mut self) -> bool {
        false
    }
}

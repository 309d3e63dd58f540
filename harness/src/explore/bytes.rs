//! Fuzzer input as a schedule: every scheduling point that has a choice reads one byte.
//!
//! Encoding. At a scheduling point with `m >= 2` schedulable threads, list them in cyclic id
//! order starting from the thread that ran the previous step (or, when that thread cannot run,
//! from the next id after it): `c[0], c[1], ..., c[m-1]`. The next input byte `b` picks
//! `c[b % m]`. Points with one schedulable thread read nothing. Once the input is used up,
//! every byte reads as 0.
//!
//! So byte 0 means "keep running the current thread", the empty input (or all zeros) is the
//! schedule without preemptions, and each nonzero byte is one context switch at one point.
//! That is what makes mutation work: changing one byte moves or removes one switch and leaves
//! every other decision ("stay", "switch to the next thread") meaning what it meant;
//! inserting or erasing a byte shifts the later decisions by one scheduling point.
//!
//! Invariant: every input, of any length and content, is exactly one valid execution, always
//! the same one for the same input and program; the explorer never reports a failure of its
//! own (only the program can fail).

use std::ops::Range;

use super::{Decision, Explorer, Turn};
use crate::runtime::execution::Execution;
use crate::runtime::thread_set::ThreadSet;
use crate::runtime::value_choice::Requested;

pub(crate) struct Bytes {
    input: Vec<u8>,
    /// The next byte to read.
    next: usize,
    /// Scheduling points that had a choice.
    decisions: usize,
}

impl Bytes {
    pub(crate) fn new(input: Vec<u8>) -> Bytes {
        Bytes {
            input,
            next: 0,
            decisions: 0,
        }
    }
}

impl Explorer for Bytes {
    fn choose(
        &mut self,
        _execution: &Execution,
        _step: usize,
        turn: Turn,
        schedulable: &ThreadSet,
    ) -> Decision {
        let count = schedulable.len();
        let start = turn.last.unwrap_or(0);
        // Cyclic order from `start`: ids >= start ascending, then the smaller ones.
        let mut cyclic = schedulable
            .iter()
            .skip_while(|&t| t < start)
            .chain(schedulable.iter().take_while(|&t| t < start));
        let offset = if count >= 2 {
            self.decisions += 1;
            let byte = self.input.get(self.next).copied().unwrap_or(0);
            self.next = (self.next + 1).min(self.input.len());
            usize::from(byte) % count
        } else {
            0
        };
        match cyclic.nth(offset) {
            Some(thread) => Decision::Run(thread),
            None => Decision::Diverged("no schedulable thread to pick".to_string()),
        }
    }

    /// The next unread byte, read only if the step's operation had a value choice
    /// (`after_step`), so programs without one read the input as before.
    fn alternative(&mut self, _step: usize) -> Requested {
        Requested::Any(u32::from(self.input.get(self.next).copied().unwrap_or(0)))
    }

    fn after_step(&mut self, execution: &Execution, _step: usize, _events: Range<usize>) {
        if execution.choice.options > 1 {
            self.decisions += 1;
            self.next = (self.next + 1).min(self.input.len());
        }
    }

    fn next_execution(&mut self) -> bool {
        false
    }

    fn exhaustive(&self) -> bool {
        false
    }

    fn describe_execution(&self) -> Option<String> {
        Some(format!(
            "strategy: bytes, {} input byte{}, {} scheduling point{} with a choice ({} read \
             from the input, the rest as 0)",
            self.input.len(),
            if self.input.len() == 1 { "" } else { "s" },
            self.decisions,
            if self.decisions == 1 { "" } else { "s" },
            self.decisions.min(self.input.len())
        ))
    }
}

//! The probe: the program's first execution, run once before a split exploration, which
//! tells the split which objects look contended (`Split::uncontended`), what each thread
//! still does on them (`Split::futures`), and, with a checkpoint, the fingerprint the file
//! is checked against.
//!
//! Invariant: it runs the lowest thread first without preemption, so it is the same
//! execution on every machine and in every run of the same program.

use crate::explore::split::{fnv1a, Futures, FNV_START};
use crate::explore::{Decision, Explorer, Turn};
use crate::runtime::execution::Execution;
use crate::runtime::thread_set::ThreadSet;

/// Runs the program's first execution (lowest thread first, no preemption) and notes, by
/// key (an object's index may name another object in another execution: `ObjectInfo::key`),
/// the objects it accessed that no two threads accessed in conflicting ways (`uncontended`,
/// sorted), for the split's order of branches, and what each thread did on the others
/// (`futures`), for its estimates and unit roots (`Futures::of` finds both). With
/// `fingerprinting` (a checkpoint is used), it also hashes the execution's operations: the
/// fingerprint a checkpoint is checked against (formatting every event costs about 2% of a
/// 64-execution exploration, so only then).
#[derive(Default)]
pub(crate) struct Probe {
    pub fingerprinting: bool,
    pub fingerprint: u64,
    pub uncontended: Vec<u32>,
    pub futures: Futures,
}

impl Explorer for Probe {
    fn choose(&mut self, _: &Execution, _: usize, turn: Turn, schedulable: &ThreadSet) -> Decision {
        let thread = turn.last.filter(|&t| schedulable.contains(t));
        Decision::Run(thread.or(schedulable.first()).expect("not empty"))
    }

    fn execution_ended(&mut self, execution: &Execution) {
        if self.fingerprinting {
            // The kind's name only: values (pointers in an `AtomicPtr`) change between runs.
            self.fingerprint = execution.events.iter().fold(FNV_START, |hash, event| {
                let kind = format!("{:?}", event.kind);
                let name = kind.split([' ', '{', '(']).next().unwrap_or("");
                let text = format!("{} {name} {}", event.thread, event.site);
                fnv1a(hash, text.as_bytes())
            });
        }
        (self.futures, self.uncontended) = Futures::of(&execution.events);
    }

    fn next_execution(&mut self) -> bool {
        false
    }
}

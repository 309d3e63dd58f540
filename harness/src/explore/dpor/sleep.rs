//! Sleep sets: a thread explored from a node, or asleep there, sleeps in the node's later
//! branches until a step conflicts with the step it was explored with (`StepAccesses`:
//! every access of that step), and is never chosen freely while asleep.
//!
//! A step taken from a wakeup tree also wakes the sleepers its predicted accesses conflict
//! with (see the parent module on compare-exchanges): the tree placed the step for those
//! traces, so a sleeper it did not actually touch may still be needed below it.
//!
//! Invariant: `next_sleep` after a step holds exactly the carried sleepers that neither
//! the step's events nor its prediction conflict with.

use super::Dpor;
use crate::explore::step_accesses::StepAccesses;
use crate::runtime::op::{Event, ThreadId};

#[derive(Clone, Copy, Debug)]
pub(super) struct Sleeper {
    pub(super) thread: ThreadId,
    pub(super) accesses: StepAccesses,
    /// Asleep since above the cut of a split exploration: its step was explored in a
    /// sibling unit, whose races with this unit's steps are not reversed there (see
    /// `split`). It still never runs while asleep, but it does not stand for a reversal.
    pub(super) inherited: bool,
    /// Asleep since a node that went on as source-DPOR when the wakeup trees outgrew their
    /// budget (`memory`): below, optimal DPOR takes it as a unit takes an inherited
    /// sleeper, standing for a reversal only when it would run first in it.
    pub(super) from_source: bool,
}

impl Dpor {
    /// The sleepers of the node after `step` (which ran `step_events`): those carried to it
    /// that the step does not wake; records the step as explored from its node.
    pub(super) fn sleep_after(&mut self, step: usize, step_events: &[Event]) {
        let accesses = StepAccesses::of(step_events);
        // This node's newest explored step (the branch or a fresh node: the last node).
        self.explored.push((self.nodes[step].thread, accesses));
        // `None` inside: the tree knew too many accesses to remember, so it conflicts with all.
        let predicted = self.predicted.take();
        let wakes = |sleeper: &Sleeper| {
            let woken = match &accesses {
                Some(done) => sleeper.accesses.conflicts_with(done),
                None => step_events.iter().any(|e| {
                    e.keyed_access()
                        .is_some_and(|done| sleeper.accesses.conflicts(done))
                }),
            };
            woken
                || predicted.is_some_and(|p| p.is_none_or(|p| sleeper.accesses.conflicts_with(&p)))
        };
        self.next_sleep.clear();
        self.next_sleep
            .extend(self.carried.iter().filter(|s| !wakes(s)).copied());
    }
}

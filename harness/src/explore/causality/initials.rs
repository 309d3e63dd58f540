//! Source-DPOR's view of a race (Abdulla et al., POPL 2014), kept for executions with
//! blocking primitives (see `dpor`): the threads that can start its reversal, and whether
//! the later event is reached through the earlier one's successors too.
//!
//! Invariant: a thread is an initial when its first event among those after `e` that do not
//! happen after `e`, then `e2`, has no predecessor among them.

use super::Causality;
use crate::runtime::clock::VectorClock;
use crate::runtime::op::{Event, EventKind};
use crate::runtime::thread_set::ThreadSet;

impl Causality {
    /// When `e2` happens after `e` only through events that themselves happen after `e` (a
    /// blocking primitive's race with an operation reached through the one that enabled it:
    /// a send that waited for the receive which made room), the past `e2` keeps once those
    /// events are gone: its thread's previous event and the earlier conflicting events
    /// outside `e`'s future. `None` when `e2` does not happen after `e`.
    ///
    /// Without it, an event that precedes `e2` only through the enabler (the receiver's
    /// earlier step) would count as having to run before `e2`, so the reversal would start
    /// with it, and the executions where `e2` runs before it would never be tried.
    fn past_without_successors(&self, e: usize, e2: usize, trace: &[Event]) -> Option<VectorClock> {
        if !self.covers(&self.clocks[e2], e, trace) {
            return None;
        }
        let thread = trace[e2].thread;
        let access = trace[e2].access()?;
        let mut clock = VectorClock::default();
        if let Some(previous) = (0..e2).rev().find(|&k| trace[k].thread == thread) {
            clock.join(&self.clocks[previous]);
        }
        for k in 0..e2 {
            let conflicting = trace[k].access().is_some_and(|a| a.conflicts(access));
            if conflicting && !self.covers(&self.clocks[k], e, trace) {
                clock.join(&self.clocks[k]);
            }
        }
        Some(clock)
    }

    /// Whether `e2` happens after `e` through another event too: an earlier event it
    /// conflicts with (typically the one that let it go on) happens after `e`. Such a race is
    /// not one in the usual sense: `Racing::sync_conflicts` keeps it because the enabler
    /// cannot be reversed with `e2`.
    pub(crate) fn reached_through_successors(&self, e: usize, e2: usize, trace: &[Event]) -> bool {
        let Some(access) = trace[e2].access() else {
            return false;
        };
        ((e + 1)..e2).any(|k| {
            trace[k].access().is_some_and(|a| a.conflicts(access))
                && self.covers(&self.clocks[k], e, trace)
        })
    }

    /// The threads that can start the reversal of race (`e`, `e2`): the events after `e` that
    /// do not happen after it, then `e2`; a thread is an initial when its first event there
    /// has no predecessor among them.
    pub(crate) fn initials(&mut self, e: usize, e2: usize, trace: &[Event]) -> ThreadSet {
        let racer = trace[e].thread;
        let epoch = self.epoch(e, trace);
        let mut firsts = std::mem::take(&mut self.firsts);
        firsts.clear();
        let mut initials = ThreadSet::default();
        // Only a blocking primitive's event can be reached through its own enabler; for
        // atomics and mutexes the plain clock is exact (and this scan would cost a pass over
        // the trace per race).
        let reversed = match trace[e2].kind {
            EventKind::Sync { .. } => self.past_without_successors(e, e2, trace),
            _ => None,
        };
        for (k, event) in trace.iter().enumerate().take(e2 + 1).skip(e + 1) {
            let clock = match &reversed {
                Some(clock) if k == e2 => clock,
                _ => &self.clocks[k],
            };
            let thread = event.thread;
            if (k < e2 && clock.get(racer) >= epoch) || firsts.iter().any(|(t, _)| *t == thread) {
                continue;
            }
            if firsts
                .iter()
                .all(|(other, first)| clock.get(*other) < *first)
            {
                initials.insert(thread);
            }
            firsts.push((thread, clock.get(thread)));
        }
        self.firsts = firsts;
        initials
    }
}

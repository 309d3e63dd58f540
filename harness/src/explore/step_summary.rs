//! A step as optimal DPOR's wakeup trees see it: the thread that ran it and what it touched.
//! Two steps are dependent when they cannot be swapped: same thread, conflicting accesses, a
//! spawn and a step of the child, a step of a thread and a join of it. A summary that could
//! not record every access depends on everything (conservative: a dependence too many costs
//! a redundant execution, a dependence too few a missed one).
//!
//! Invariant: equal summaries behave the same in every dependence check, so an exploration
//! may keep one copy of each (`step_table`); `Hash` agrees with the derived `Eq`.

use std::hash::{Hash, Hasher};

use super::step_accesses::{MovedBefore, StepAccesses};
use crate::runtime::op::{Event, EventKind, ThreadId};

/// One step of a sequence: who ran it and what it did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct StepSummary {
    pub thread: ThreadId,
    /// Every access of the step; `None`: too many to remember (depends on everything).
    pub accesses: Option<StepAccesses>,
    /// The threads this step spawned, first and last: a step spawns consecutive ids (no
    /// other thread runs inside it), and may spawn several (a thread that spawns workers
    /// in a loop spawns them all in one step).
    pub spawns: Option<(u32, u32)>,
    /// The thread this step joined.
    pub joins: Option<ThreadId>,
}

impl StepSummary {
    /// The step of `thread` that performed `events`; with `reversed`, as it behaves when
    /// moved just before the event it raced with (see `StepAccesses::reversed`).
    #[inline]
    pub(crate) fn of(
        thread: ThreadId,
        events: &[Event],
        reversed: Option<MovedBefore>,
    ) -> StepSummary {
        let mut summary = StepSummary {
            thread,
            accesses: StepAccesses::of(events),
            spawns: None,
            joins: None,
        };
        if let Some(moved) = reversed {
            summary.accesses = summary.accesses.map(|a| a.reversed(events, moved));
        }
        for event in events {
            match event.kind {
                EventKind::Spawn { child } => {
                    let child = child as u32;
                    let first = summary.spawns.map_or(child, |(first, _)| first);
                    summary.spawns = Some((first, child));
                }
                EventKind::Join { target } => summary.joins = Some(target),
                _ => {}
            }
        }
        summary
    }

    /// A thread's next step known only by its accesses (a sleeping or explored thread).
    pub(crate) fn of_accesses(thread: ThreadId, accesses: StepAccesses) -> StepSummary {
        StepSummary {
            thread,
            accesses: Some(accesses),
            spawns: None,
            joins: None,
        }
    }

    /// A step of `thread` not known at all: it depends on every other step.
    pub(crate) fn unknown(thread: ThreadId) -> StepSummary {
        StepSummary {
            thread,
            accesses: None,
            spawns: None,
            joins: None,
        }
    }

    /// Whether `self`, run before `later`, cannot be swapped with it.
    #[inline(always)]
    pub(crate) fn precedes(&self, later: &StepSummary) -> bool {
        if self.thread == later.thread
            || self
                .spawns
                .is_some_and(|(first, last)| (first..=last).contains(&(later.thread as u32)))
            || later.joins == Some(self.thread)
        {
            return true;
        }
        match (&self.accesses, &later.accesses) {
            (Some(mine), Some(theirs)) => mine.conflicts_with(theirs),
            (None, Some(other)) | (Some(other), None) => !other.is_empty(),
            (None, None) => true,
        }
    }
}

impl Hash for StepSummary {
    /// The thread, the spawned and joined threads and the accesses' object mask: equal
    /// summaries agree on all of them; summaries that differ only in access kinds collide.
    fn hash<H: Hasher>(&self, state: &mut H) {
        let thread = |t: Option<ThreadId>| t.map_or(u64::MAX, |t| t as u64);
        state.write_u64(self.thread as u64);
        let spawned = |t: Option<u32>| t.map_or(u64::MAX, u64::from);
        state.write_u64(spawned(self.spawns.map(|(first, _)| first)));
        state.write_u64(spawned(self.spawns.map(|(_, last)| last)));
        state.write_u64(thread(self.joins));
        state.write_u64(self.accesses.as_ref().map_or(0, StepAccesses::mask));
    }
}

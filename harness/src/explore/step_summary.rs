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
use crate::runtime::thread_keys::ThreadKey;

/// One step of a sequence: who ran it and what it did. Threads are named by key (see
/// `runtime::thread_keys`), as the sequence may run in an execution that numbers them
/// otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct StepSummary {
    pub thread: ThreadKey,
    /// Every access of the step; `None`: too many to remember (depends on everything).
    pub accesses: Option<StepAccesses>,
    /// The ranks of the threads this step spawned, first and last: a step spawns
    /// consecutive children of its thread, and may spawn several (a thread that spawns
    /// workers in a loop spawns them all in one step).
    pub spawns: Option<(u32, u32)>,
    /// The key of the thread this step joined.
    pub joins: Option<u32>,
}

impl StepSummary {
    /// The step of `thread` that performed `events`, where `keys` gives the execution's
    /// threads' keys; with `reversed`, as it behaves when moved just before the event it
    /// raced with (see `StepAccesses::reversed`).
    #[inline]
    pub(crate) fn of(
        keys: &dyn Fn(ThreadId) -> ThreadKey,
        thread: ThreadId,
        events: &[Event],
        reversed: Option<MovedBefore>,
    ) -> StepSummary {
        let mut summary = StepSummary {
            thread: keys(thread),
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
                    let rank = keys(child).rank;
                    let first = summary.spawns.map_or(rank, |(first, _)| first);
                    summary.spawns = Some((first, rank));
                }
                EventKind::Join { target } => summary.joins = Some(keys(target).id),
                _ => {}
            }
        }
        summary
    }

    /// A thread's next step known only by its accesses (a sleeping or explored thread).
    pub(crate) fn of_accesses(thread: ThreadKey, accesses: StepAccesses) -> StepSummary {
        StepSummary {
            thread,
            accesses: Some(accesses),
            spawns: None,
            joins: None,
        }
    }

    /// A step of `thread` not known at all: it depends on every other step.
    pub(crate) fn unknown(thread: ThreadKey) -> StepSummary {
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
        if self.thread.id == later.thread.id
            || self.spawns.is_some_and(|(first, last)| {
                later.thread.parent == self.thread.id && (first..=last).contains(&later.thread.rank)
            })
            || later.joins == Some(self.thread.id)
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
        let key = |k: Option<u32>| k.map_or(u64::MAX, u64::from);
        state.write_u64(u64::from(self.thread.id));
        state.write_u64(key(self.spawns.map(|(first, _)| first)));
        state.write_u64(key(self.spawns.map(|(_, last)| last)));
        state.write_u64(key(self.joins));
        state.write_u64(self.accesses.as_ref().map_or(0, StepAccesses::mask));
    }
}

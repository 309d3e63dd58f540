//! Wakeup trees for optimal DPOR (Abdulla, Aronis, Jonsson, Sagonas, JACM 2017).
//!
//! A node's wakeup tree is an ordered forest of step sequences still to be explored from
//! it; a race adds the whole sequence that reverses it (`insert`), not only a first thread,
//! so exploring the branch reaches the reversal without guessing, and no run ends with every
//! thread asleep.
//!
//! A step is summarised by its thread and what it touched (`StepSummary`); two steps are
//! dependent when they cannot be swapped: same thread, conflicting accesses, a spawn and a
//! step of the child, a step of a thread and a join of it. A summary that could not record
//! every access depends on everything (conservative: a dependence too many costs a
//! redundant execution, a dependence too few a missed one).
//!
//! Invariant: a branch is added only when no existing branch (nor, see `dpor`, an explored
//! or sleeping thread) is a weak initial of the sequence at that point — that branch's
//! subtree already stands for the sequence's class.

use crate::runtime::op::{Event, EventKind, ThreadId};

use super::step_accesses::StepAccesses;

/// One step of a sequence: who ran it and what it did.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StepSummary {
    pub thread: ThreadId,
    /// Every access of the step; `None`: too many to remember (depends on everything).
    pub accesses: Option<StepAccesses>,
    /// The thread this step spawned.
    pub spawns: Option<ThreadId>,
    /// The thread this step joined.
    pub joins: Option<ThreadId>,
}

impl StepSummary {
    /// The step of `thread` that performed `events`; with `reversed`, as it behaves when
    /// moved before the event it raced with (see `StepAccesses::reversed`).
    pub(crate) fn of(thread: ThreadId, events: &[Event], reversed: bool) -> StepSummary {
        let mut summary = StepSummary {
            thread,
            accesses: StepAccesses::of(events),
            spawns: None,
            joins: None,
        };
        if reversed {
            summary.accesses = summary.accesses.map(|a| a.reversed(events));
        }
        for event in events {
            match event.kind {
                EventKind::Spawn { child } => summary.spawns = Some(child),
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

    /// Whether `self`, run before `later`, cannot be swapped with it.
    pub(crate) fn precedes(&self, later: &StepSummary) -> bool {
        if self.thread == later.thread
            || self.spawns == Some(later.thread)
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

/// Whether `step` (a thread's next step) can start a sequence equivalent to `v` or to a
/// prefix of `v` followed by it: either its thread's first step in `v` has no dependent
/// step before it, or its thread is absent from `v` and the step commutes with all of `v`.
pub(crate) fn weak_initial(step: &StepSummary, v: &[StepSummary]) -> bool {
    match v.iter().position(|s| s.thread == step.thread) {
        Some(i) => !v[..i].iter().any(|earlier| earlier.precedes(&v[i])),
        None => !v.iter().any(|s| step.precedes(s) || s.precedes(step)),
    }
}

/// The threads whose first step in `v` has no dependent step before it.
pub(crate) fn initials(v: &[StepSummary]) -> impl Iterator<Item = usize> + '_ {
    (0..v.len()).filter(move |&i| {
        let first = v[..i].iter().all(|s| s.thread != v[i].thread);
        first && !v[..i].iter().any(|earlier| earlier.precedes(&v[i]))
    })
}

/// One branch of a wakeup tree: a step and the sequences that continue it.
#[derive(Debug)]
pub(crate) struct Branch {
    pub step: StepSummary,
    pub children: Vec<Branch>,
}

/// Adds `v` to `forest`, unless a branch already stands for it. Walks down through the
/// first branch whose step is a weak initial of what remains of `v` (removing that thread's
/// first step from it); reaching a leaf, or using up `v`, means the class is covered;
/// otherwise the rest of `v` hangs as the new last branch there. Returns whether it added.
///
/// What remains of `v` is `v[start..]`: a removed step is dropped by moving the steps
/// before it one place on and `start` past it, which moves the few steps before it instead
/// of the many after it (removing from the vector made long insertions quadratic).
pub(crate) fn insert(forest: &mut Vec<Branch>, mut v: Vec<StepSummary>) -> bool {
    let mut forest = forest;
    let mut start = 0;
    loop {
        let rest = &v[start..];
        if rest.is_empty() {
            return false;
        }
        let Some(i) = forest.iter().position(|b| weak_initial(&b.step, rest)) else {
            forest.push(chain(v.into_iter().skip(start)));
            return true;
        };
        if let Some(at) = rest.iter().position(|s| s.thread == forest[i].step.thread) {
            v[start..=start + at].rotate_right(1);
            start += 1;
        }
        if forest[i].children.is_empty() {
            return false;
        }
        forest = &mut forest[i].children;
    }
}

/// `v` as a single path.
fn chain(v: impl DoubleEndedIterator<Item = StepSummary>) -> Branch {
    let mut steps = v.rev();
    let last = steps.next().expect("insert never chains an empty sequence");
    let mut branch = Branch {
        step: last,
        children: Vec::new(),
    };
    for step in steps {
        branch = Branch {
            step,
            children: vec![branch],
        };
    }
    branch
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::op::{Access, AccessKind};

    fn step(thread: ThreadId, object: u32, kind: AccessKind) -> StepSummary {
        StepSummary::of_accesses(thread, StepAccesses::one(Some(Access::new(object, kind))))
    }

    #[test]
    fn a_thread_absent_from_the_sequence_is_a_weak_initial_only_if_it_commutes() {
        let v = [step(1, 0, AccessKind::Write), step(2, 1, AccessKind::Read)];
        assert!(weak_initial(&step(3, 1, AccessKind::Read), &v));
        assert!(!weak_initial(&step(3, 1, AccessKind::Write), &v));
        assert!(weak_initial(&step(2, 1, AccessKind::Read), &v));
        let w = [step(1, 0, AccessKind::Write), step(2, 0, AccessKind::Read)];
        assert!(!weak_initial(&step(2, 0, AccessKind::Read), &w));
    }

    #[test]
    fn covered_sequences_add_no_branch() {
        let mut forest = Vec::new();
        let v = vec![step(1, 0, AccessKind::Write), step(2, 0, AccessKind::Write)];
        assert!(insert(&mut forest, v.clone()));
        assert!(!insert(&mut forest, v));
        // Thread 3 on another object commutes with everything: `1 2 3` ≃ `3 1 2`.
        let w = vec![step(3, 5, AccessKind::Write), step(1, 0, AccessKind::Write)];
        assert!(!insert(&mut forest, w));
        // Thread 2 first conflicts with thread 1's step: a new branch.
        let u = vec![step(2, 0, AccessKind::Write)];
        assert!(insert(&mut forest, u));
        assert_eq!(forest.len(), 2);
    }
}

//! The summaries of the current execution's steps, which reversals name by position, and
//! the dependence checks over such sequences (see `StepSummary::precedes`).
//!
//! A reversal is a sequence of positions here (4 bytes a step, not a copied summary), and a
//! step that a wakeup tree keeps is interned in the exploration's `StepTable` once per
//! execution, however many reversals hold it.
//!
//! Invariant: a position names the same summary until `clear`; its id, once cached, is the
//! table's id of that summary.

use super::step_summary::StepSummary;
use super::step_table::{StepId, StepTable};

/// A summary's position in `Summaries`.
pub(crate) type Pos = u32;

/// No id cached yet.
const UNINTERNED: StepId = StepId::MAX;

#[derive(Debug, Default)]
pub(crate) struct Summaries {
    list: Vec<StepSummary>,
    /// The table's id of each summary in `list`, or `UNINTERNED`.
    ids: Vec<StepId>,
}

impl Summaries {
    pub(crate) fn clear(&mut self) {
        self.list.clear();
        self.ids.clear();
    }

    /// Adds `summary` at the end; returns its position.
    pub(crate) fn push(&mut self, summary: StepSummary) -> Pos {
        self.list.push(summary);
        self.ids.push(UNINTERNED);
        Pos::try_from(self.list.len() - 1).expect("fewer than 2^32 steps")
    }

    pub(crate) fn extend(&mut self, summaries: impl Iterator<Item = StepSummary>) {
        self.list.extend(summaries);
        self.ids.resize(self.list.len(), UNINTERNED);
    }

    #[inline]
    pub(crate) fn get(&self, at: Pos) -> &StepSummary {
        &self.list[at as usize]
    }

    /// The id in `table` of the summary at `at`.
    pub(crate) fn id(&mut self, at: Pos, table: &mut StepTable) -> StepId {
        let id = &mut self.ids[at as usize];
        if *id == UNINTERNED {
            *id = table.intern(self.list[at as usize]);
        }
        *id
    }

    /// Whether `step` (a thread's next step) can start a sequence equivalent to `v` or to
    /// a prefix of `v` followed by it: either its thread's first step in `v` has no
    /// dependent step before it, or its thread is absent from `v` and the step commutes
    /// with all of `v`.
    #[inline]
    pub(crate) fn weak_initial(&self, step: &StepSummary, v: &[Pos]) -> bool {
        // By key id, which names the thread alone (the other fields follow from it).
        let thread = step.thread.id;
        match v.iter().position(|&s| self.get(s).thread.id == thread) {
            Some(i) => {
                let first = self.get(v[i]);
                !v[..i]
                    .iter()
                    .any(|&earlier| self.get(earlier).precedes(first))
            }
            None => !v.iter().any(|&s| {
                let s = self.get(s);
                step.precedes(s) || s.precedes(step)
            }),
        }
    }

    /// The indices in `v` of the threads whose first step in `v` has no dependent step
    /// before it.
    pub(crate) fn initials<'a>(&'a self, v: &'a [Pos]) -> impl Iterator<Item = usize> + 'a {
        (0..v.len()).filter(move |&i| self.initial(v, i))
    }

    /// Whether the first step in `v` of one of `threads` (key ids, repeats allowed) is an
    /// initial of `v`: a later step of a thread never is (its first precedes it), so each
    /// thread costs one `initial` check, however many steps it has in `v`. Leaves `threads`
    /// with those not met before the answer.
    pub(crate) fn first_step_initial(&self, v: &[Pos], threads: &mut Vec<u32>) -> bool {
        for i in 0..v.len() {
            if threads.is_empty() {
                return false;
            }
            let id = self.get(v[i]).thread.id;
            if threads.contains(&id) {
                threads.retain(|&t| t != id);
                if self.initial(v, i) {
                    return true;
                }
            }
        }
        false
    }

    /// Whether `v[i]` is an initial of `v`: no step before it in `v` precedes it (an earlier
    /// step of its thread does, so it is its thread's first). Linear in `i`: a caller that
    /// asks only about some threads' steps should filter by thread first.
    #[inline]
    pub(crate) fn initial(&self, v: &[Pos], i: usize) -> bool {
        let step = self.get(v[i]);
        !v[..i]
            .iter()
            .any(|&earlier| self.get(earlier).precedes(step))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::step_accesses::StepAccesses;
    use crate::runtime::op::{Access, AccessKind, ThreadId};
    use crate::runtime::thread_keys::ThreadKey;

    fn step(thread: ThreadId, object: u32, kind: AccessKind) -> StepSummary {
        StepSummary::of_accesses(
            ThreadKey::nth(thread),
            StepAccesses::one(Some(Access::new(object, kind))),
        )
    }

    #[test]
    fn a_thread_absent_from_the_sequence_is_a_weak_initial_only_if_it_commutes() {
        let mut pool = Summaries::default();
        let mut seq = |steps: [StepSummary; 2]| steps.map(|s| pool.push(s));
        let v = seq([step(1, 0, AccessKind::Write), step(2, 1, AccessKind::Read)]);
        let w = seq([step(1, 0, AccessKind::Write), step(2, 0, AccessKind::Read)]);
        assert!(pool.weak_initial(&step(3, 1, AccessKind::Read), &v));
        assert!(!pool.weak_initial(&step(3, 1, AccessKind::Write), &v));
        assert!(pool.weak_initial(&step(2, 1, AccessKind::Read), &v));
        assert!(!pool.weak_initial(&step(2, 0, AccessKind::Read), &w));
        assert_eq!(pool.initials(&v).collect::<Vec<_>>(), [0, 1]);
        assert_eq!(pool.initials(&w).collect::<Vec<_>>(), [0]);
    }

    #[test]
    fn only_a_threads_first_step_can_make_it_an_initial() {
        let mut pool = Summaries::default();
        // Thread 2 reads x after thread 1 wrote it, then reads y, which nothing else touches.
        let v = [
            step(1, 0, AccessKind::Write),
            step(2, 0, AccessKind::Read),
            step(2, 1, AccessKind::Read),
        ]
        .map(|s| pool.push(s));
        let ids = |threads: &[usize]| -> Vec<u32> {
            threads.iter().map(|&t| ThreadKey::nth(t).id).collect()
        };
        let mut threads = ids(&[2, 2]);
        assert!(!pool.first_step_initial(&v, &mut threads));
        assert!(
            threads.is_empty(),
            "both repeats of thread 2 are met at its first step"
        );
        let mut threads = ids(&[2, 1]);
        assert!(pool.first_step_initial(&v, &mut threads));
        assert_eq!(threads, ids(&[2]), "thread 1 answers at the first step");
        let mut threads = ids(&[3]);
        assert!(!pool.first_step_initial(&v, &mut threads));
    }

    #[test]
    fn a_summary_is_interned_once() {
        let (mut pool, mut table) = (Summaries::default(), StepTable::default());
        let a = pool.push(step(1, 0, AccessKind::Write));
        let b = pool.push(step(1, 0, AccessKind::Write));
        let c = pool.push(step(1, 0, AccessKind::Read));
        let id = pool.id(a, &mut table);
        assert_eq!(pool.id(b, &mut table), id);
        assert_ne!(pool.id(c, &mut table), id);
        assert_eq!(*table.get(id), step(1, 0, AccessKind::Write));
    }
}

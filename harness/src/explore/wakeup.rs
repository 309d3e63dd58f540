//! Wakeup trees for optimal DPOR (Abdulla, Aronis, Jonsson, Sagonas, JACM 2017).
//!
//! A node's wakeup tree is an ordered forest of step sequences still to be explored from
//! it; a race adds the whole sequence that reverses it (`insert`), not only a first thread,
//! so exploring the branch reaches the reversal without guessing, and no run ends with every
//! thread asleep. Dependence between steps is `StepSummary::precedes`.
//!
//! A forest is one vector in preorder: each entry is a step (its id in the exploration's
//! `StepTable`) and the size of its subtree, so the first tree is `entries[..size]` and its
//! children follow its root. A queued step costs 8 bytes and a forest one allocation, where
//! a tree of branches cost a 120-byte summary and an allocation per step. Consumed first
//! trees are skipped by a start offset (`head`); once they and the spare capacity outweigh
//! the live entries, the vector is compacted and shrunk (`tidy`), and it grows by a quarter
//! at a time, so a forest takes about its live entries' room, and an emptied one none.
//!
//! Invariants: the sizes nest (a subtree lies inside its parent's); a branch is added only
//! when no existing branch (nor, see `dpor`, an explored or sleeping thread) is a weak
//! initial of the sequence at that point — that branch's subtree already stands for the
//! sequence's class.

use super::step_table::{StepId, StepTable};
use super::summaries::{Pos, Summaries};

/// An ordered forest of step sequences, in preorder.
#[derive(Debug, Default)]
pub(crate) struct Forest {
    /// The forest is `entries[head..]`; the entries before `head` were consumed.
    entries: Vec<Entry>,
    head: usize,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    step: StepId,
    /// Entries in the subtree rooted here, this one included.
    size: u32,
}

/// Entries a forest may leave unused whatever its size (see `Forest::tidy`).
const SMALL: usize = 16;

impl Forest {
    /// A copy of the live entries (the consumed ones left out).
    pub(crate) fn copy(&self) -> Forest {
        Forest {
            entries: self.entries[self.head..].to_vec(),
            head: 0,
        }
    }

    /// The bytes the forest's vector takes.
    pub(crate) fn bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<Entry>()
    }

    /// Empties the forest and gives back its room.
    pub(crate) fn clear(&mut self) {
        *self = Forest::default();
    }

    /// The first step of each tree, in order.
    pub(crate) fn roots(&self) -> impl Iterator<Item = StepId> + '_ {
        let mut at = self.head;
        std::iter::from_fn(move || {
            let entry = self.entries.get(at)?;
            at += entry.size as usize;
            Some(entry.step)
        })
    }

    /// The first tree's root step.
    pub(crate) fn first(&self) -> Option<StepId> {
        self.entries.get(self.head).map(|e| e.step)
    }

    /// Removes the first tree; with `children`, its subtrees become that forest.
    pub(crate) fn pop_first(&mut self, children: Option<&mut Forest>) {
        let end = self.head + self.entries[self.head].size as usize;
        if let Some(children) = children {
            if end == self.entries.len() {
                // The last tree: its subtrees are the rest of this vector.
                let entries = std::mem::take(&mut self.entries);
                *children = Forest {
                    entries,
                    head: self.head + 1,
                };
                children.tidy();
            } else {
                *children = Forest {
                    entries: self.entries[self.head + 1..end].to_vec(),
                    head: 0,
                };
            }
        }
        self.head = end.min(self.entries.len());
        self.tidy();
    }

    /// Splits off the first tree: returns its root step and the trees after it, and keeps
    /// its subtrees as this forest.
    pub(crate) fn split_first(&mut self) -> Option<(StepId, Forest)> {
        let root = *self.entries.get(self.head)?;
        let end = self.head + root.size as usize;
        let rest = Forest {
            entries: self.entries[end..].to_vec(),
            head: 0,
        };
        self.entries.truncate(end);
        self.head += 1;
        self.tidy();
        Some((root.step, rest))
    }

    /// Gives back the room of consumed entries and spare capacity once they outweigh the
    /// forest (a few entries aside): each entry is moved a bounded number of times on
    /// average, and a forest takes at most about twice its entries.
    fn tidy(&mut self) {
        let live = self.entries.len() - self.head;
        if live == 0 {
            self.clear();
            return;
        }
        if self.entries.capacity() > 2 * live + SMALL {
            self.entries.drain(..self.head);
            self.head = 0;
            self.entries.shrink_to(live + live / 4);
        }
    }

    /// Makes room for `n` more entries, growing by a quarter rather than doubling.
    fn reserve(&mut self, n: usize) {
        if self.entries.capacity() - self.entries.len() < n {
            self.entries.reserve_exact(n.max(self.entries.len() / 4));
        }
    }

    /// Adds a one-step tree at the end.
    pub(crate) fn push(&mut self, step: StepId) {
        self.entries.push(Entry { step, size: 1 });
    }

    /// Keeps only the trees whose root step satisfies `keep`.
    pub(crate) fn retain_roots(&mut self, mut keep: impl FnMut(StepId) -> bool) {
        let (mut read, mut write) = (self.head, 0);
        while read < self.entries.len() {
            let size = self.entries[read].size as usize;
            if keep(self.entries[read].step) {
                self.entries.copy_within(read..read + size, write);
                write += size;
            }
            read += size;
        }
        self.entries.truncate(write);
        self.head = 0;
        self.tidy();
    }

    /// Adds `v` to the forest, unless a branch already stands for it. Walks down through
    /// the first branch whose step is a weak initial of what remains of `v` (removing that
    /// thread's first step from it); reaching a leaf, or using up `v`, means the class is
    /// covered; otherwise the rest of `v` hangs as the new last branch there. Returns
    /// whether it added.
    ///
    /// What remains of `v` is `v[start..]`: a removed step is dropped by moving the steps
    /// before it one place on and `start` past it, which moves the few steps before it
    /// instead of the many after it (removing from the vector made long insertions
    /// quadratic).
    ///
    /// `v` is positions in `summaries`; only the steps it adds are interned in `table`.
    pub(crate) fn insert(
        &mut self,
        v: &mut [Pos],
        summaries: &mut Summaries,
        table: &mut StepTable,
    ) -> bool {
        // The forest walked is `entries[lo..hi]`, the children of the branch at `lo - 1`
        // once the walk has gone down.
        let (mut lo, mut hi) = (self.head, self.entries.len());
        let mut start = 0;
        loop {
            let rest = &v[start..];
            if rest.is_empty() {
                return false;
            }
            let mut at = lo;
            let found = loop {
                if at == hi {
                    break None;
                }
                if summaries.weak_initial(table.get(self.entries[at].step), rest) {
                    break Some(at);
                }
                at += self.entries[at].size as usize;
            };
            let Some(i) = found else {
                let added = u32::try_from(rest.len()).expect("fewer than 2^32 steps");
                if lo > self.head {
                    self.grow_ancestors(lo - 1, added);
                }
                let chain = rest.iter().enumerate().map(|(k, &step)| Entry {
                    step: summaries.id(step, table),
                    size: added - k as u32,
                });
                // Appended, then turned into place: cheaper than `splice`.
                self.reserve(rest.len());
                self.entries.extend(chain);
                self.entries[hi..].rotate_right(rest.len());
                return true;
            };
            let thread = table.get(self.entries[i].step).thread;
            if let Some(at) = rest.iter().position(|&s| summaries.get(s).thread == thread) {
                v[start..=start + at].rotate_right(1);
                start += 1;
            }
            let size = self.entries[i].size as usize;
            if size == 1 {
                return false;
            }
            (lo, hi) = (i + 1, i + size);
        }
    }

    /// Adds `added` to the size of the entry at `parent` and of each branch above it.
    fn grow_ancestors(&mut self, parent: usize, added: u32) {
        let mut at = self.head;
        loop {
            let size = self.entries[at].size as usize;
            if parent >= at + size {
                // Not in this tree: on to its next sibling.
                at += size;
                continue;
            }
            self.entries[at].size += added;
            if at == parent {
                return;
            }
            at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::step_accesses::StepAccesses;
    use crate::explore::step_summary::StepSummary;
    use crate::runtime::op::{Access, AccessKind, ThreadId};
    use crate::runtime::thread_keys::ThreadKey;

    /// A one-access step of `thread` on `object`, by its position in `pool`.
    fn step(pool: &mut Summaries, thread: ThreadId, object: u32, kind: AccessKind) -> Pos {
        let accesses = StepAccesses::one(Some(Access::new(object, kind)));
        pool.push(StepSummary::of_accesses(ThreadKey::nth(thread), accesses))
    }

    /// The root steps of `forest`, by thread.
    fn roots(forest: &Forest, table: &StepTable) -> Vec<ThreadId> {
        forest
            .roots()
            .map(|s| table.get(s).thread.id as usize)
            .collect()
    }

    #[test]
    fn covered_sequences_add_no_branch() {
        let (mut forest, mut table) = (Forest::default(), StepTable::default());
        let pool = &mut Summaries::default();
        let w1 = step(pool, 1, 0, AccessKind::Write);
        let w2 = step(pool, 2, 0, AccessKind::Write);
        assert!(forest.insert(&mut [w1, w2], pool, &mut table));
        assert!(!forest.insert(&mut [w1, w2], pool, &mut table));
        // Thread 3 on another object commutes with everything: `1 2 3` ≃ `3 1 2`.
        let w3 = step(pool, 3, 5, AccessKind::Write);
        assert!(!forest.insert(&mut [w3, w1], pool, &mut table));
        // Thread 2 first conflicts with thread 1's step: a new branch.
        assert!(forest.insert(&mut [w2], pool, &mut table));
        assert_eq!(roots(&forest, &table), [1, 2]);
    }

    #[test]
    fn a_branch_hangs_inside_its_ancestors_and_splits_off_in_order() {
        let (mut forest, mut table) = (Forest::default(), StepTable::default());
        let pool = &mut Summaries::default();
        let [a, b, c] = [1, 2, 3].map(|t| step(pool, t, 0, AccessKind::Write));
        assert!(forest.insert(&mut [a, b, c], pool, &mut table));
        // Below thread 1's step, thread 3 before thread 2: a second child of it.
        assert!(forest.insert(&mut [a, c, b], pool, &mut table));
        assert!(forest.insert(&mut [b], pool, &mut table));
        assert_eq!(roots(&forest, &table), [1, 2]);
        let (first, rest) = forest.split_first().expect("two trees");
        assert_eq!(table.get(first).thread, ThreadKey::nth(1));
        assert_eq!(roots(&rest, &table), [2]);
        // What is left is the subtree of thread 1's step: `2 3`, then `3 2`.
        assert_eq!(roots(&forest, &table), [2, 3]);
        let mut children = Forest::default();
        forest.pop_first(Some(&mut children));
        assert_eq!(roots(&children, &table), [3]);
        assert_eq!(
            forest.first().map(|s| table.get(s).thread),
            Some(ThreadKey::nth(3))
        );
        forest.retain_roots(|s| table.get(s).thread != ThreadKey::nth(3));
        assert_eq!(forest.first(), None);
    }
}

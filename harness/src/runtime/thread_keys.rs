//! Threads' names across executions. A thread's id is its place in the order of spawns of
//! one execution, which depends on the interleaving when two threads spawn; its key is its
//! parent's key and its rank among the parent's children (the main thread is key 0), which
//! does not. DPOR compares steps of different executions (sleep sets, wakeup trees) by key,
//! so that spawns by different threads commute: a reversal that reorders them still names
//! the threads it means.
//!
//! Invariant: the table gives one key per (parent key, rank) for as long as it lives, and
//! lives across the executions of an exploration on one OS thread (`Buffers`), so equal
//! keys name the same thread in every execution an explorer compares.

use std::collections::HashMap;

/// A thread's key and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ThreadKey {
    pub id: u32,
    /// The parent's key id; `NO_PARENT` for the main thread.
    pub parent: u32,
    /// How many threads its parent spawned before it.
    pub rank: u32,
}

/// The main thread's parent.
const NO_PARENT: u32 = u32::MAX;

impl ThreadKey {
    pub(crate) const MAIN: ThreadKey = ThreadKey {
        id: 0,
        parent: NO_PARENT,
        rank: 0,
    };
}

#[cfg(test)]
impl ThreadKey {
    /// The key of thread `id` where the main thread spawned every other, in order.
    pub(crate) fn nth(id: usize) -> ThreadKey {
        match id {
            0 => ThreadKey::MAIN,
            _ => ThreadKey {
                id: id as u32,
                parent: 0,
                rank: id as u32 - 1,
            },
        }
    }
}

/// The keys handed out so far, by (parent key, rank).
#[derive(Debug, Default)]
pub(crate) struct ThreadKeys {
    ids: HashMap<(u32, u32), u32>,
}

impl ThreadKeys {
    /// The key of `parent`'s child of rank `rank`.
    pub(crate) fn child(&mut self, parent: ThreadKey, rank: u32) -> ThreadKey {
        let next = u32::try_from(self.ids.len() + 1).expect("fewer than 2^32 thread keys");
        let id = *self.ids.entry((parent.id, rank)).or_insert(next);
        ThreadKey {
            id,
            parent: parent.id,
            rank,
        }
    }

    /// Empties the table, for a new exploration: no key of the last one is compared with
    /// its keys, and keys stay small (object keys hold 16 bits of them).
    pub(crate) fn clear(&mut self) {
        self.ids.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_has_one_key_whoever_spawned_first() {
        let mut keys = ThreadKeys::default();
        let a = keys.child(ThreadKey::MAIN, 0);
        let b = keys.child(ThreadKey::MAIN, 1);
        let b_child = keys.child(b, 0);
        let a_child = keys.child(a, 0);
        assert_eq!(keys.child(a, 0), a_child);
        assert_eq!(keys.child(b, 0), b_child);
        assert_ne!(a_child.id, b_child.id);
        assert_eq!((a_child.parent, a_child.rank), (a.id, 0));
        assert!(![a, b, a_child, b_child].iter().any(|k| k.id == 0));
    }
}

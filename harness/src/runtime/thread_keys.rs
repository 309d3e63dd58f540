//! Threads' names across executions. A thread's id is its place in the order of spawns of
//! one execution, which depends on the interleaving when two threads spawn; its key is its
//! parent's key and its rank among the parent's children (the main thread is key 0), which
//! does not. DPOR compares steps of different executions (sleep sets, wakeup trees) by key,
//! so that spawns by different threads commute: a reversal that reorders them still names
//! the threads it means.
//!
//! A key's id is handed out in the order threads are first seen, so it depends on what the
//! explorer ran before: workers of one exploration number threads apart. What is compared
//! across workers and processes (objects' keys, which the split's probe lists) uses the
//! thread's `path` instead, a function of its place in the program alone.
//!
//! Invariant: the table gives one key per (parent key, rank) for as long as it lives, and
//! lives across the executions of an exploration on one OS thread (`Buffers`), so equal
//! key ids name the same thread in every execution an explorer compares; equal threads
//! have equal paths in every exploration.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A thread's key and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ThreadKey {
    pub id: u32,
    /// The parent's key id; `NO_PARENT` for the main thread.
    pub parent: u32,
    /// How many threads its parent spawned before it.
    pub rank: u32,
    /// Its place in the program: 0 for the main thread, `rank + 1` for the main thread's
    /// children, a mix of the parent's path and the rank below. Distinct for the main
    /// thread's first 2^32 - 1 children; deeper threads may share one (their objects are
    /// then taken for one another now and then: `Execution::object_key`).
    pub path: u32,
}

/// The main thread's parent.
const NO_PARENT: u32 = u32::MAX;

impl ThreadKey {
    pub(crate) const MAIN: ThreadKey = ThreadKey {
        id: 0,
        parent: NO_PARENT,
        rank: 0,
        path: 0,
    };

    /// The path of this thread's child of rank `rank`.
    fn child_path(&self, rank: u32) -> u32 {
        // An odd multiplier keeps a parent's children apart; the shift spreads small paths.
        (self.path.wrapping_mul(0x9e37_79b1) ^ (self.path >> 15)).wrapping_add(rank.wrapping_add(1))
    }
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
                path: id as u32,
            },
        }
    }
}

/// The keys handed out so far, by (parent key, rank).
#[derive(Debug, Default)]
pub(crate) struct ThreadKeys {
    ids: HashMap<(u32, u32), u32, BuildHasherDefault<PairHasher>>,
}

/// Hashes the table's (parent id, rank) pairs with a multiply per word: std's SipHash
/// guards against keys chosen to collide, which a model's own thread tree cannot be, and
/// cost about 300 instructions per spawn.
#[derive(Default)]
struct PairHasher(u64);

impl Hasher for PairHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u32(u32::from(byte));
        }
    }

    fn write_u32(&mut self, word: u32) {
        self.0 = (self.0.rotate_left(26) ^ u64::from(word)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn finish(&self) -> u64 {
        // The table takes a bucket from the low bits: fold the well-mixed high ones in.
        self.0 ^ (self.0 >> 32)
    }
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
            path: parent.child_path(rank),
        }
    }

    /// Empties the table, for a new exploration: no key of the last one is compared with
    /// its keys, so the table holds only the threads of the exploration under way.
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
        assert_eq!((a.path, b.path), (1, 2));
        assert_ne!(a_child.path, b_child.path);
    }

    #[test]
    fn paths_do_not_depend_on_the_order_threads_are_first_seen() {
        let (mut first, mut second) = (ThreadKeys::default(), ThreadKeys::default());
        let a = first.child(ThreadKey::MAIN, 0);
        let b = first.child(ThreadKey::MAIN, 1);
        let b_child = first.child(b, 0);
        let b2 = second.child(ThreadKey::MAIN, 1);
        let b2_child = second.child(b2, 0);
        assert_eq!((b2.path, b2_child.path), (b.path, b_child.path));
        assert_ne!(b2_child.id, b_child.id, "ids follow the order");
        assert_ne!(a.path, b_child.path);
    }
}

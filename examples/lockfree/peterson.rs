//! Peterson's mutual exclusion for two threads, from loads and stores only: to enter, a
//! thread raises its flag, gives the turn to the other, and waits while the other's flag is
//! up and the turn is the other's. The argument that both cannot enter needs each thread's
//! load of the other's flag to come after its own stores in one global order: it is store
//! buffering (SB) in disguise.
//!
//! - SeqCst flag and turn accesses: RC11 forbids SB's both-read-old outcome for SeqCst
//!   accesses, so at most one thread enters; the unlocking Release store and the Acquire
//!   part of the SeqCst loads order one critical section before the next.
//! - Release stores and Acquire loads: each thread may read the other's flag as still
//!   down (SB is allowed under release/acquire), both enter, and their increments of the
//!   counter race.
//!
//! Shared with the tests (`#[path]`). Invariant of a correct lock: the critical sections
//! never overlap, so the counter ends at 2 with no data race.
#![allow(dead_code)]

// std's Arc: its reference counts are no scheduling points, so explorations stay small.
use std::sync::Arc;

use weft::cell::UnsafeCell;
use weft::hint;
use weft::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use weft::thread;

/// The orderings of the flag and turn stores and of the loads in the wait loop.
#[derive(Clone, Copy, Debug)]
pub struct Orders {
    pub store: Ordering,
    pub load: Ordering,
}

impl Orders {
    pub const SEQ_CST: Orders = Orders {
        store: Ordering::SeqCst,
        load: Ordering::SeqCst,
    };
    pub const RELEASE_ACQUIRE: Orders = Orders {
        store: Ordering::Release,
        load: Ordering::Acquire,
    };
}

pub struct Peterson {
    /// `flag[i]`: thread i wants to enter.
    flag: [AtomicBool; 2],
    /// Which thread waits when both want to enter.
    turn: AtomicUsize,
    orders: Orders,
    /// What the lock protects.
    counter: UnsafeCell<usize>,
}

// SAFETY: `counter` is accessed only between `lock` and `unlock`; whether the orderings
// make those sections exclusive is what the model checks.
unsafe impl Sync for Peterson {}

impl Peterson {
    pub fn new(orders: Orders) -> Peterson {
        Peterson {
            flag: [AtomicBool::new(false), AtomicBool::new(false)],
            turn: AtomicUsize::new(0),
            orders,
            counter: UnsafeCell::new(0),
        }
    }

    /// Thread `me` (0 or 1) enters its critical section.
    pub fn lock(&self, me: usize) {
        let other = 1 - me;
        self.flag[me].store(true, self.orders.store);
        self.turn.store(other, self.orders.store);
        while self.flag[other].load(self.orders.load) && self.turn.load(self.orders.load) == other {
            hint::spin_loop();
        }
    }

    /// Thread `me` leaves its critical section.
    pub fn unlock(&self, me: usize) {
        self.flag[me].store(false, self.orders.store);
    }

    /// Thread `me` adds 1 to the counter under the lock.
    pub fn increment(&self, me: usize) {
        self.lock(me);
        // SAFETY: inside the critical section (see `Sync`).
        self.counter.with_mut(|p| unsafe { *p += 1 });
        self.unlock(me);
    }

    /// The counter, once both threads are done.
    pub fn count(&self) -> usize {
        // SAFETY: called after joining the other thread.
        self.counter.with(|p| unsafe { *p })
    }
}

/// Main (thread 0) and a spawned thread (thread 1) each increment the counter once under
/// the lock; it must end at 2.
pub fn two_increments(orders: Orders) -> impl Fn() + Send + Sync + 'static {
    move || {
        let lock = Arc::new(Peterson::new(orders));
        let other = {
            let lock = lock.clone();
            thread::spawn(move || lock.increment(1))
        };
        lock.increment(0);
        other.join().unwrap();
        assert_eq!(lock.count(), 2, "an increment was lost");
    }
}

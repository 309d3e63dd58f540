//! Happens-before between model threads, as the program's synchronisation defines it (not the
//! scheduler's order): spawn, join, mutexes, and atomics by their ordering. The race detector
//! asks it whether one access is in another's past.
//!
//! Each thread has a vector clock `now`. Its own component advances after every release
//! (a release store or RMW, a release fence, an unlock, a spawn), so an access's epoch
//! `(thread, now[thread])` is in another thread's past exactly when that thread acquired
//! something released after the access.
//!
//! Atomics (C++20 / Rust rules): a store carries a release clock (`sync`): the writer's clock
//! for a Release/AcqRel/SeqCst store, else its clock at its last release fence. An RMW also
//! carries the clock of the store it read, so release sequences continue through RMWs of any
//! ordering. An Acquire/AcqRel/SeqCst read joins the clock of the store it read; a Relaxed read
//! keeps it aside (`acquired_by_fence`) for a later acquire fence. SeqCst is treated as AcqRel
//! here; RC11's SeqCst order is checked separately (`seq_cst_order`).
//!
//! Invariant: a thread's `now` only grows, and a clock handed to another thread (store,
//! mutex, spawn, join) is a snapshot taken at the releasing event.

use std::sync::atomic::Ordering;

use super::clock::VectorClock;
use super::op::ThreadId;

/// The happens-before state of one model thread.
#[derive(Clone, Debug, Default)]
pub(crate) struct ThreadClocks {
    /// Everything this thread has synchronised with, and its own progress.
    pub now: VectorClock,
    /// `now` at this thread's last release fence: what its Relaxed stores release.
    pub released_by_fence: VectorClock,
    /// What its Relaxed reads read: an acquire fence makes it part of `now`.
    pub acquired_by_fence: VectorClock,
}

pub(crate) fn is_acquire(order: Ordering) -> bool {
    matches!(
        order,
        Ordering::Acquire | Ordering::AcqRel | Ordering::SeqCst
    )
}

pub(crate) fn is_release(order: Ordering) -> bool {
    matches!(
        order,
        Ordering::Release | Ordering::AcqRel | Ordering::SeqCst
    )
}

impl ThreadClocks {
    /// The clocks of a thread that starts now, after everything `parent` did so far.
    pub(crate) fn started(me: ThreadId, parent: Option<&VectorClock>) -> ThreadClocks {
        let mut now = VectorClock::default();
        if let Some(parent) = parent {
            now.assign(parent);
        }
        now.tick(me);
        ThreadClocks {
            now,
            ..ThreadClocks::default()
        }
    }

    /// The epoch of an access the thread makes now.
    pub(crate) fn epoch(&self, me: ThreadId) -> u32 {
        self.now.get(me)
    }

    /// Synchronises with a release (a mutex's last unlock, a finished thread's end).
    pub(crate) fn acquire(&mut self, released: &VectorClock) {
        self.now.join(released);
    }

    /// An atomic read of a store whose release clock is `sync`.
    pub(crate) fn read(&mut self, order: Ordering, sync: &VectorClock) {
        if is_acquire(order) {
            self.now.join(sync);
        } else {
            self.acquired_by_fence.join(sync);
        }
    }

    /// The release clock of an atomic store (or the store half of an RMW) made now; `read`
    /// is the release clock of the store an RMW read, which its store continues.
    pub(crate) fn write(
        &mut self,
        me: ThreadId,
        order: Ordering,
        read: Option<&VectorClock>,
    ) -> VectorClock {
        let mut sync = if is_release(order) {
            let snapshot = self.now.clone();
            self.now.tick(me);
            snapshot
        } else {
            self.released_by_fence.clone()
        };
        if let Some(read) = read {
            sync.join(read);
        }
        sync
    }

    pub(crate) fn fence(&mut self, me: ThreadId, order: Ordering) {
        if is_acquire(order) {
            self.now.join(&self.acquired_by_fence);
        }
        if is_release(order) {
            self.released_by_fence.assign(&self.now);
            self.now.tick(me);
        }
    }

    /// Hands this thread's clock to a lock, a child thread or a joiner, then moves on so
    /// later accesses are not covered by what was handed over.
    pub(crate) fn release(&mut self, me: ThreadId, into: &mut VectorClock) {
        into.assign(&self.now);
        self.now.tick(me);
    }

    /// Like `release`, but adds to what `into` already holds (several releasers whose
    /// releases one acquire takes together: read unlocks, reference drops).
    pub(crate) fn release_joining(&mut self, me: ThreadId, into: &mut VectorClock) {
        into.join(&self.now);
        self.now.tick(me);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_acquire_orders_relaxed_does_not() {
        let mut writer = ThreadClocks::started(1, None);
        let epoch = writer.epoch(1);
        let sync = writer.write(1, Ordering::Release, None);
        let mut relaxed = ThreadClocks::started(2, None);
        relaxed.read(Ordering::Relaxed, &sync);
        assert!(!relaxed.now.covers(1, epoch));
        relaxed.fence(2, Ordering::Acquire);
        assert!(relaxed.now.covers(1, epoch));
        let mut acquirer = ThreadClocks::started(3, None);
        acquirer.read(Ordering::Acquire, &sync);
        assert!(acquirer.now.covers(1, epoch));
        assert!(!acquirer.now.covers(1, writer.epoch(1)));
    }

    #[test]
    fn release_sequences_continue_through_relaxed_rmws() {
        let mut writer = ThreadClocks::started(1, None);
        let epoch = writer.epoch(1);
        let first = writer.write(1, Ordering::Release, None);
        let mut middle = ThreadClocks::started(2, None);
        middle.read(Ordering::Relaxed, &first);
        let second = middle.write(2, Ordering::Relaxed, Some(&first));
        let mut reader = ThreadClocks::started(3, None);
        reader.read(Ordering::Acquire, &second);
        assert!(reader.now.covers(1, epoch));
        assert!(!reader.now.covers(2, middle.epoch(2)));
    }
}

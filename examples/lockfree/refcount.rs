//! A reference-counted pointer, the heart of `std::sync::Arc`: clones bump a shared count,
//! and the drop that takes the count to zero frees the value. Every owner's last use of the
//! value must happen before the free, and that is what the decrement's ordering is for:
//!
//! - `fetch_sub(1, Release)` orders each owner's uses before its decrement;
//! - the owner that reads 1 (the last one) issues `fence(Acquire)` before freeing, which
//!   synchronises with every earlier Release decrement (the RMWs form one release
//!   sequence), so all uses happen before the free. An `AcqRel` decrement does the same at
//!   the price of an acquire on every drop; std's `Arc` uses the fence.
//!
//! With a Relaxed decrement, or without the acquire fence, the free is unordered with the
//! other owner's last read of the value: a data race (a use after free in real memory).
//! The free is modelled as the write the allocator may do at once: `with_mut` on the cell.
//!
//! Shared with the tests (`#[path]`). Invariant of a correct pointer: the value is freed
//! once, after every owner's last use.
#![allow(dead_code)]

use std::ptr::NonNull;

use weft::cell::UnsafeCell;
use weft::sync::atomic::{fence, AtomicUsize, Ordering};
use weft::thread;

/// The ordering of the decrement, and whether the last owner fences before freeing.
#[derive(Clone, Copy, Debug)]
pub struct Orders {
    pub decrement: Ordering,
    pub acquire_fence: bool,
}

impl Orders {
    /// std's `Arc`.
    pub const CORRECT: Orders = Orders {
        decrement: Ordering::Release,
        acquire_fence: true,
    };
    /// Also correct: every decrement acquires, so no fence is needed.
    pub const ACQ_REL: Orders = Orders {
        decrement: Ordering::AcqRel,
        acquire_fence: false,
    };
    /// Nothing orders the other owner's use before the free.
    pub const RELAXED: Orders = Orders {
        decrement: Ordering::Relaxed,
        acquire_fence: false,
    };
    /// The other owner's uses are released, but the freeing owner acquires nothing.
    pub const NO_FENCE: Orders = Orders {
        decrement: Ordering::Release,
        acquire_fence: false,
    };
}

/// What a freed value is overwritten with.
pub const FREED: usize = usize::MAX;

struct Inner {
    count: AtomicUsize,
    value: UnsafeCell<usize>,
}

/// One owner of a shared, immutable `usize`.
pub struct Counted {
    inner: NonNull<Inner>,
    orders: Orders,
}

// SAFETY: `Inner` is shared only through the count; whether the orderings make the free
// safe is what the model checks.
unsafe impl Send for Counted {}
unsafe impl Sync for Counted {}

impl Counted {
    pub fn new(value: usize, orders: Orders) -> Counted {
        let inner = Box::new(Inner {
            count: AtomicUsize::new(1),
            value: UnsafeCell::new(value),
        });
        Counted {
            inner: NonNull::from(Box::leak(inner)),
            orders,
        }
    }

    fn inner(&self) -> &Inner {
        // SAFETY: the allocation lives while this owner does.
        unsafe { self.inner.as_ref() }
    }

    /// The value.
    pub fn get(&self) -> usize {
        // SAFETY: the value is never written while owners exist.
        self.inner().value.with(|p| unsafe { *p })
    }
}

impl Clone for Counted {
    fn clone(&self) -> Counted {
        // Relaxed, as in std: the new owner comes from an existing one, which keeps the
        // value alive; no access needs ordering here.
        self.inner().count.fetch_add(1, Ordering::Relaxed);
        Counted {
            inner: self.inner,
            orders: self.orders,
        }
    }
}

impl Counted {
    /// Drops this owner; true when it was the last one and freed the value.
    pub fn release(self) -> bool {
        let freed = self.decrement();
        std::mem::forget(self);
        freed
    }

    /// The drop: one owner fewer, and the free if it was the last. Called once per owner.
    fn decrement(&self) -> bool {
        if self.inner().count.fetch_sub(1, self.orders.decrement) != 1 {
            return false;
        }
        if self.orders.acquire_fence {
            fence(Ordering::Acquire);
        }
        // The free: the allocator may reuse the memory at once, so to the race detector
        // it is a write of the value.
        // SAFETY: this was the last owner (if the orderings are right).
        self.inner().value.with_mut(|p| unsafe { *p = FREED });
        // SAFETY: allocated by `Box` in `new`, and no owner is left.
        drop(unsafe { Box::from_raw(self.inner.as_ptr()) });
        true
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.decrement();
    }
}

/// Main and a thread share a value: each reads it, then drops its owner; whichever drops
/// last frees it. `freer` hears which one did (true: the thread).
pub fn share(
    orders: Orders,
    freer: impl Fn(bool) + Send + Sync + 'static,
) -> impl Fn() + Send + Sync + 'static {
    move || {
        let mine = Counted::new(7, orders);
        let theirs = mine.clone();
        let thread = thread::spawn(move || {
            assert_eq!(theirs.get(), 7);
            theirs.release()
        });
        assert_eq!(mine.get(), 7);
        let main_freed = mine.release();
        let thread_freed = thread.join().unwrap();
        assert!(main_freed != thread_freed, "freed exactly once");
        freer(thread_freed);
    }
}

//! The part every modelled atomic shares: a handle to its location in the execution, the
//! conversion of its value to the engine's 64 bits, and std's ordering rules.
//!
//! Invariant: the value lives in the engine; `shadow` only holds it between a `get_mut` and
//! the next access, which publishes it first (`dirty`). `get_mut` needs `&mut self`, so no
//! access can run between the two.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool as StdAtomicBool, Ordering};

use weft_harness::rt::{self, ObjectId};

/// A value an atomic can hold, as the engine's 64 bits.
pub(crate) trait Bits: Copy {
    fn to_bits(self) -> u64;
    fn from_bits(bits: u64) -> Self;
}

pub(crate) struct Core<T> {
    object: ObjectId,
    shadow: UnsafeCell<T>,
    dirty: StdAtomicBool,
}

// SAFETY: `shadow` is written only through `&mut self` (`get_mut`) and read only when `dirty`
// says such a write happened, which exclusive access orders before any shared access; model
// threads run one at a time on one OS thread, and outside a model `sync` panics before
// reading it.
unsafe impl<T: Send> Sync for Core<T> {}
// SAFETY: as above; the engine handle is plain data.
unsafe impl<T: Send> Send for Core<T> {}

#[track_caller]
pub(crate) fn check_load(order: Ordering) {
    match order {
        Ordering::Release => panic!("there is no such thing as a release load"),
        Ordering::AcqRel => panic!("there is no such thing as an acquire-release load"),
        _ => {}
    }
}

#[track_caller]
pub(crate) fn check_store(order: Ordering) {
    match order {
        Ordering::Acquire => panic!("there is no such thing as an acquire store"),
        Ordering::AcqRel => panic!("there is no such thing as an acquire-release store"),
        _ => {}
    }
}

#[track_caller]
pub(crate) fn check_failure(order: Ordering) {
    match order {
        Ordering::Release => panic!("there is no such thing as a release failure ordering"),
        Ordering::AcqRel => panic!("there is no such thing as an acquire-release failure ordering"),
        _ => {}
    }
}

impl<T: Bits> Core<T> {
    #[track_caller]
    pub(crate) fn new(value: T, type_name: &'static str) -> Core<T> {
        Core {
            object: rt::atomic_new(value.to_bits(), type_name),
            shadow: UnsafeCell::new(value),
            dirty: StdAtomicBool::new(false),
        }
    }

    /// Publishes a value written through `get_mut`.
    #[track_caller]
    fn sync(&self) {
        if rt::in_model() && self.dirty.swap(false, Ordering::Relaxed) {
            // SAFETY: `dirty` was set by `get_mut` under exclusive access; see the type's
            // invariant.
            let value = unsafe { *self.shadow.get() };
            rt::atomic_overwrite(self.object, value.to_bits());
        }
    }

    #[track_caller]
    pub(crate) fn load(&self, order: Ordering) -> T {
        check_load(order);
        self.sync();
        T::from_bits(rt::atomic_load(self.object, order))
    }

    #[track_caller]
    pub(crate) fn store(&self, value: T, order: Ordering) {
        check_store(order);
        self.sync();
        rt::atomic_store(self.object, value.to_bits(), order);
    }

    /// Replaces `v` with `update(v)` atomically; returns `v`.
    #[track_caller]
    pub(crate) fn rmw(&self, order: Ordering, update: impl FnOnce(T) -> T) -> T {
        self.sync();
        T::from_bits(rt::atomic_rmw(self.object, order, |old| {
            update(T::from_bits(old)).to_bits()
        }))
    }

    #[track_caller]
    pub(crate) fn compare_exchange(
        &self,
        current: T,
        new: T,
        success: Ordering,
        failure: Ordering,
    ) -> Result<T, T> {
        self.exchange(current, new, success, failure, false)
    }

    /// May fail even when the value is `current` (an outcome the model explores).
    #[track_caller]
    pub(crate) fn compare_exchange_weak(
        &self,
        current: T,
        new: T,
        success: Ordering,
        failure: Ordering,
    ) -> Result<T, T> {
        self.exchange(current, new, success, failure, true)
    }

    #[track_caller]
    fn exchange(
        &self,
        current: T,
        new: T,
        success: Ordering,
        failure: Ordering,
        weak: bool,
    ) -> Result<T, T> {
        check_failure(failure);
        self.sync();
        rt::atomic_compare_exchange(
            self.object,
            current.to_bits(),
            new.to_bits(),
            success,
            failure,
            weak,
        )
        .map(T::from_bits)
        .map_err(T::from_bits)
    }

    /// std's `fetch_update`: a load, then compare-exchange until `f` declines or one succeeds.
    #[track_caller]
    pub(crate) fn fetch_update(
        &self,
        set_order: Ordering,
        fetch_order: Ordering,
        mut f: impl FnMut(T) -> Option<T>,
    ) -> Result<T, T> {
        let mut previous = self.load(fetch_order);
        while let Some(next) = f(previous) {
            match self.compare_exchange(previous, next, set_order, fetch_order) {
                Ok(value) => return Ok(value),
                Err(actual) => previous = actual,
            }
        }
        Err(previous)
    }

    /// std's `update`: `fetch_update` with a function that always gives a new value.
    #[track_caller]
    pub(crate) fn update(
        &self,
        set_order: Ordering,
        fetch_order: Ordering,
        mut f: impl FnMut(T) -> T,
    ) -> T {
        match self.fetch_update(set_order, fetch_order, |v| Some(f(v))) {
            Ok(previous) | Err(previous) => previous,
        }
    }

    /// A non-atomic read (loom's `unsync_load`), checked by the race detector.
    #[track_caller]
    pub(crate) fn unsync_load(&self) -> T {
        self.sync();
        T::from_bits(rt::atomic_unsync_load(self.object))
    }

    #[track_caller]
    pub(crate) fn get_mut(&mut self) -> &mut T {
        if !*self.dirty.get_mut() {
            *self.shadow.get_mut() = T::from_bits(rt::atomic_peek(self.object));
            *self.dirty.get_mut() = true;
        }
        self.shadow.get_mut()
    }

    #[track_caller]
    pub(crate) fn into_inner(mut self) -> T {
        *self.get_mut()
    }

    /// `Debug` like std's (the value), read without a scheduling point.
    pub(crate) fn debug(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result
    where
        T: std::fmt::Debug,
    {
        match self.peek() {
            Some(value) => std::fmt::Debug::fmt(&value, f),
            None => f.write_str("(outside the model)"),
        }
    }

    /// The current value without a scheduling point.
    pub(crate) fn peek(&self) -> Option<T> {
        if !rt::in_model() {
            return None;
        }
        if self.dirty.load(Ordering::Relaxed) {
            // SAFETY: see `sync`.
            return Some(unsafe { *self.shadow.get() });
        }
        Some(T::from_bits(rt::atomic_peek(self.object)))
    }
}

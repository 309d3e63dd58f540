//! The modelled `LazyLock`: a value computed by its function on first access, once, by
//! whichever thread gets through its [`Once`] first; the others wait and see that value.
//!
//! The idea: the function and then the value live in one modelled `UnsafeCell` (checked by
//! the race detector), moved from `Init(f)` to `Value(v)` by the initializer while it holds
//! the `Once`'s lock. If `f` panics the cell is left `Poisoned` and so is the `Once`: every
//! later access panics, as std's does.
//!
//! Invariant: the cell holds `Value` exactly when the `Once` is complete, `Init` before any
//! initializer ran, `Poisoned` after one panicked.
//!
//! Not `const` with `permute` (the `Once` and the cell are objects of the execution): create
//! a `LazyLock` inside the model closure; a `static` one is not modelled.

use std::fmt;
use std::ops::Deref;
use std::panic::{RefUnwindSafe, UnwindSafe};

use super::once::{Entry, Once};
use crate::cell::UnsafeCell;

enum Slot<T, F> {
    Init(F),
    Value(T),
    Poisoned,
}

/// A modelled `std::sync::LazyLock`.
pub struct LazyLock<T, F = fn() -> T> {
    once: Once,
    slot: UnsafeCell<Slot<T, F>>,
}

// SAFETY: the function is taken and the value written once, by the thread holding the
// `Once`'s lock, before the `Once` completes; afterwards threads only share `&T`. So, as in
// std, sharing needs `T: Sync + Send` and `F: Send` (another thread may run or drop `f`).
unsafe impl<T: Sync + Send, F: Send> Sync for LazyLock<T, F> {}

impl<T: RefUnwindSafe + UnwindSafe, F: UnwindSafe> RefUnwindSafe for LazyLock<T, F> {}
impl<T: UnwindSafe, F: UnwindSafe> UnwindSafe for LazyLock<T, F> {}

impl<T, F: FnOnce() -> T> LazyLock<T, F> {
    /// A lazy value computed by `f` on first access. Not `const` with `permute` (see the
    /// module docs).
    #[track_caller]
    pub fn new(f: F) -> LazyLock<T, F> {
        LazyLock {
            once: Once::named("LazyLock"),
            slot: UnsafeCell::new(Slot::Init(f)),
        }
    }

    /// The value, computing it first if no thread has. A thread that comes while another
    /// computes it blocks until that one is done.
    ///
    /// # Panics
    /// If the function panicked, in this call or an earlier one (the lock is poisoned).
    #[track_caller]
    pub fn force(this: &LazyLock<T, F>) -> &T {
        if let Entry::Run(init) = this.once.enter() {
            if init.poisoned() {
                panic!("LazyLock instance has previously been poisoned");
            }
            // SAFETY: `init` holds the `Once`'s lock and the `Once` is not complete, so no
            // other thread reads or writes the cell.
            let slot = this
                .slot
                .with_mut(|slot| unsafe { std::mem::replace(&mut *slot, Slot::Poisoned) });
            let Slot::Init(f) = slot else {
                unreachable!("an incomplete, unpoisoned LazyLock holds its function");
            };
            let value = f();
            // SAFETY: as above; the cell holds `Poisoned`, nothing to drop.
            this.slot
                .with_mut(|slot| unsafe { *slot = Slot::Value(value) });
            init.complete();
        }
        // SAFETY: the `Once` is complete, so the value was written before it completed and
        // that write happens before this read (the Acquire of the completion, or the lock);
        // it is never written again while `&self` exists.
        match this.slot.with(|slot| unsafe { &*slot }) {
            Slot::Value(value) => value,
            _ => unreachable!("a complete LazyLock holds its value"),
        }
    }
}

impl<T, F: FnOnce() -> T> Deref for LazyLock<T, F> {
    type Target = T;

    #[track_caller]
    fn deref(&self) -> &T {
        LazyLock::force(self)
    }
}

impl<T: Default> Default for LazyLock<T> {
    #[track_caller]
    fn default() -> LazyLock<T> {
        LazyLock::new(T::default)
    }
}

impl<T: fmt::Debug, F> fmt::Debug for LazyLock<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut tuple = f.debug_tuple("LazyLock");
        let value = if self.once.is_completed() {
            // SAFETY: as in `force`: complete, so the value is published and never written
            // again while `&self` exists.
            match self.slot.with(|slot| unsafe { &*slot }) {
                Slot::Value(value) => Some(value),
                _ => None,
            }
        } else {
            None
        };
        match value {
            Some(value) => tuple.field(value),
            None => tuple.field(&format_args!("<uninit>")),
        };
        tuple.finish()
    }
}

//! The poison flag of a modelled lock, as std keeps it: set when a guard that could write
//! is dropped while its thread panics, reported on every later acquisition as an `Err` that
//! still carries the guard.
//!
//! Invariant: only the engine's one-thread-at-a-time execution touches the flag, so Relaxed
//! std atomics suffice; the flag never changes what the engine explores.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LockResult, PoisonError};

#[derive(Default)]
pub(crate) struct Poison(AtomicBool);

impl Poison {
    pub(crate) fn is_poisoned(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub(crate) fn clear(&self) {
        self.0.store(false, Ordering::Relaxed);
    }

    /// Called by a writing guard's drop: poisons when the calling model thread panics.
    pub(crate) fn mark_if_panicking(&self) {
        if weft_harness::rt::panicking() {
            self.0.store(true, Ordering::Relaxed);
        }
    }

    /// `value` as std hands it out: `Err` (still holding it) once poisoned.
    pub(crate) fn check<T>(&self, value: T) -> LockResult<T> {
        if self.is_poisoned() {
            Err(PoisonError::new(value))
        } else {
            Ok(value)
        }
    }
}

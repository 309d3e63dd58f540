//! `std::sync` at loom's paths. With `permute`, `Mutex` and the atomics are modelled;
//! `Arc`/`Weak` are std's (reference counts add no scheduling points).

pub mod atomic;

#[cfg(not(feature = "permute"))]
pub use std::sync::{Mutex, MutexGuard};

#[cfg(feature = "permute")]
mod mutex;
#[cfg(feature = "permute")]
pub use mutex::{Mutex, MutexGuard};

pub use std::sync::{Arc, LockResult, PoisonError, TryLockError, TryLockResult, Weak};

//! `std::sync` at loom's paths. With `permute`, `Mutex`, the atomics, `Once`, `OnceLock` and
//! `LazyLock` are modelled; `Arc`/`Weak` are std's (reference counts add no scheduling
//! points).
//!
//! `Once`, `OnceLock` and `LazyLock` are built on the modelled `Mutex` (a thread that comes
//! while another initializes blocks until it is done; an initializer that re-enters its own
//! cell is a `Deadlock` failure), a modelled atomic state (an Acquire load of "complete"
//! synchronises with the initialization) and a modelled `UnsafeCell` for the value (the race
//! detector checks its publication). With `permute` their `new` is not `const`: they are
//! objects of the execution, so create them inside the model closure.

pub mod atomic;

#[cfg(not(feature = "permute"))]
pub use std::sync::{LazyLock, Mutex, MutexGuard, Once, OnceLock, OnceState};

#[cfg(feature = "permute")]
mod lazy_lock;
#[cfg(feature = "permute")]
mod mutex;
#[cfg(feature = "permute")]
mod once;
#[cfg(feature = "permute")]
mod once_lock;
#[cfg(feature = "permute")]
pub use lazy_lock::LazyLock;
#[cfg(feature = "permute")]
pub use mutex::{Mutex, MutexGuard};
#[cfg(feature = "permute")]
pub use once::{Once, OnceState};
#[cfg(feature = "permute")]
pub use once_lock::OnceLock;

pub use std::sync::{Arc, LockResult, PoisonError, TryLockError, TryLockResult, Weak};

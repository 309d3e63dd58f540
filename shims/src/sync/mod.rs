//! `std::sync` at loom's paths. With `permute`, `Arc`/`Weak` (reference counts), `Mutex`,
//! `RwLock`, `Condvar`, `Barrier`, `mpsc`, `Once`, `OnceLock`, `LazyLock` and the atomics
//! are modelled.
//!
//! `Once`, `OnceLock` and `LazyLock` are built on the modelled `Mutex` (a thread that comes
//! while another initializes blocks until it is done; an initializer that re-enters its own
//! cell is a `Deadlock` failure), a modelled atomic state (an Acquire load of "complete"
//! synchronises with the initialization) and a modelled `UnsafeCell` for the value (the race
//! detector checks its publication). With `permute` their `new` is not `const`: they are
//! objects of the execution, so create them inside the model closure.

pub mod atomic;

#[cfg(not(feature = "permute"))]
pub use std::sync::{
    mpsc, Arc, Barrier, BarrierWaitResult, Condvar, LazyLock, Mutex, MutexGuard, Once, OnceLock,
    OnceState, RwLock, RwLockReadGuard, RwLockWriteGuard, WaitTimeoutResult, Weak,
};

#[cfg(feature = "permute")]
mod arc;
#[cfg(feature = "permute")]
mod barrier;
#[cfg(feature = "permute")]
mod condvar;
#[cfg(feature = "permute")]
mod lazy_lock;
#[cfg(feature = "permute")]
pub mod mpsc;
#[cfg(feature = "permute")]
mod mutex;
#[cfg(feature = "permute")]
mod once;
#[cfg(feature = "permute")]
mod once_lock;
#[cfg(feature = "permute")]
mod poison;
#[cfg(feature = "permute")]
mod rwlock;

#[cfg(feature = "permute")]
pub use arc::{Arc, Weak};
#[cfg(feature = "permute")]
pub use barrier::{Barrier, BarrierWaitResult};
#[cfg(feature = "permute")]
pub use condvar::{Condvar, WaitTimeoutResult};
#[cfg(feature = "permute")]
pub use lazy_lock::LazyLock;
#[cfg(feature = "permute")]
pub use mutex::{Mutex, MutexGuard};
#[cfg(feature = "permute")]
pub use once::{Once, OnceState};
#[cfg(feature = "permute")]
pub use once_lock::OnceLock;
#[cfg(feature = "permute")]
pub use rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};

pub use std::sync::{LockResult, PoisonError, TryLockError, TryLockResult};

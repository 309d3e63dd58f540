//! `std::sync` at loom's paths. With `permute`, `Mutex`, `RwLock`, `Condvar`, `Barrier`,
//! `mpsc` and the atomics are modelled; `Arc`/`Weak` are std's (reference counts add no
//! scheduling points).

pub mod atomic;

#[cfg(not(feature = "permute"))]
pub use std::sync::{
    mpsc, Barrier, BarrierWaitResult, Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard,
    RwLockWriteGuard, WaitTimeoutResult,
};

#[cfg(feature = "permute")]
mod barrier;
#[cfg(feature = "permute")]
mod condvar;
#[cfg(feature = "permute")]
pub mod mpsc;
#[cfg(feature = "permute")]
mod mutex;
#[cfg(feature = "permute")]
mod rwlock;
#[cfg(feature = "permute")]
pub use barrier::{Barrier, BarrierWaitResult};
#[cfg(feature = "permute")]
pub use condvar::{Condvar, WaitTimeoutResult};
#[cfg(feature = "permute")]
pub use mutex::{Mutex, MutexGuard};
#[cfg(feature = "permute")]
pub use rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};

pub use std::sync::{Arc, LockResult, PoisonError, TryLockError, TryLockResult, Weak};

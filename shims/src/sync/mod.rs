//! `std::sync` at loom's paths. With `permute`, `Arc`/`Weak` (reference counts), `Mutex`,
//! `RwLock`, `Condvar`, `Barrier`, `mpsc` and the atomics are modelled.

pub mod atomic;

#[cfg(not(feature = "permute"))]
pub use std::sync::{
    mpsc, Barrier, BarrierWaitResult, Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard,
    RwLockWriteGuard, WaitTimeoutResult,
};

#[cfg(feature = "permute")]
mod arc;
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
pub use arc::{Arc, Weak};
#[cfg(feature = "permute")]
pub use barrier::{Barrier, BarrierWaitResult};
#[cfg(feature = "permute")]
pub use condvar::{Condvar, WaitTimeoutResult};
#[cfg(feature = "permute")]
pub use mutex::{Mutex, MutexGuard};
#[cfg(feature = "permute")]
pub use rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};

#[cfg(not(feature = "permute"))]
pub use std::sync::{Arc, Weak};

pub use std::sync::{LockResult, PoisonError, TryLockError, TryLockResult};

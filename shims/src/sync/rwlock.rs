//! The modelled `RwLock`: read and write locks (blocking or `try_*`) and their unlocks are
//! scheduling points; a write guard dropped during a panic poisons the lock, as in std
//! (read guards never poison).
//!
//! Invariant: shared references to the data exist only through read guards, the exclusive
//! one only through the write guard, and the engine never lets both kinds coexist.

use std::cell::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::panic::Location;
use std::sync::{LockResult, TryLockError, TryLockResult};

use weft_harness::rt::{self, ObjectId};

use super::poison::Poison;

/// A modelled `std::sync::RwLock`.
pub struct RwLock<T: ?Sized> {
    object: ObjectId,
    poison: Poison,
    data: UnsafeCell<T>,
}

// SAFETY: the engine admits either read guards (shared `&T`, so `T: Sync` is needed for
// sharing) or one write guard (`&mut T`, so `T: Send`), exactly std's bounds.
unsafe impl<T: ?Sized + Send> Send for RwLock<T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLock<T> {}

/// Shared access to a read-locked `RwLock`'s data.
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockReadGuard<'a, T: ?Sized + 'a> {
    lock: &'a RwLock<T>,
    locked_at: &'static Location<'static>,
    _not_send: PhantomData<*const ()>,
}

/// Exclusive access to a write-locked `RwLock`'s data.
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockWriteGuard<'a, T: ?Sized + 'a> {
    lock: &'a RwLock<T>,
    locked_at: &'static Location<'static>,
    _not_send: PhantomData<*const ()>,
}

// SAFETY: sharing a guard shares `&T`, which needs `T: Sync`, as for std's guards.
unsafe impl<T: ?Sized + Sync> Sync for RwLockReadGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Sync> Sync for RwLockWriteGuard<'_, T> {}

impl<T> RwLock<T> {
    #[track_caller]
    pub fn new(value: T) -> RwLock<T> {
        RwLock {
            object: rt::rwlock_new(),
            poison: Poison::default(),
            data: UnsafeCell::new(value),
        }
    }

    pub fn into_inner(self) -> LockResult<T> {
        let Self { poison, data, .. } = self;
        poison.check(data.into_inner())
    }
}

impl<T: ?Sized> RwLock<T> {
    #[track_caller]
    fn read_guard(&self) -> RwLockReadGuard<'_, T> {
        RwLockReadGuard {
            lock: self,
            locked_at: Location::caller(),
            _not_send: PhantomData,
        }
    }

    #[track_caller]
    fn write_guard(&self) -> RwLockWriteGuard<'_, T> {
        RwLockWriteGuard {
            lock: self,
            locked_at: Location::caller(),
            _not_send: PhantomData,
        }
    }

    /// Blocks while a writer holds the lock, then shares it.
    #[track_caller]
    pub fn read(&self) -> LockResult<RwLockReadGuard<'_, T>> {
        rt::rwlock_lock(self.object, false, true);
        self.poison.check(self.read_guard())
    }

    /// Blocks while anyone holds the lock, then takes it alone.
    #[track_caller]
    pub fn write(&self) -> LockResult<RwLockWriteGuard<'_, T>> {
        rt::rwlock_lock(self.object, true, true);
        self.poison.check(self.write_guard())
    }

    #[track_caller]
    pub fn try_read(&self) -> TryLockResult<RwLockReadGuard<'_, T>> {
        if rt::rwlock_lock(self.object, false, false) {
            self.poison
                .check(self.read_guard())
                .map_err(TryLockError::Poisoned)
        } else {
            Err(TryLockError::WouldBlock)
        }
    }

    #[track_caller]
    pub fn try_write(&self) -> TryLockResult<RwLockWriteGuard<'_, T>> {
        if rt::rwlock_lock(self.object, true, false) {
            self.poison
                .check(self.write_guard())
                .map_err(TryLockError::Poisoned)
        } else {
            Err(TryLockError::WouldBlock)
        }
    }

    pub fn is_poisoned(&self) -> bool {
        self.poison.is_poisoned()
    }

    pub fn clear_poison(&self) {
        self.poison.clear();
    }

    pub fn get_mut(&mut self) -> LockResult<&mut T> {
        let data = self.data.get_mut();
        self.poison.check(data)
    }
}

impl<T: Default> Default for RwLock<T> {
    #[track_caller]
    fn default() -> Self {
        RwLock::new(T::default())
    }
}

impl<T> From<T> for RwLock<T> {
    #[track_caller]
    fn from(value: T) -> Self {
        RwLock::new(value)
    }
}

impl<T: ?Sized> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RwLock")
            .field("poisoned", &self.is_poisoned())
            .finish_non_exhaustive()
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: a read guard exists only while no write guard does.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the write guard is the only guard of this lock.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the write guard is the only guard of this lock.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T: ?Sized> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        rt::rwlock_unlock(self.lock.object, false, self.locked_at);
    }
}

impl<T: ?Sized> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.poison.mark_if_panicking();
        rt::rwlock_unlock(self.lock.object, true, self.locked_at);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

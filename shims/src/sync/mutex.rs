//! The modelled `Mutex`: lock and `try_lock` are scheduling points, `lock` blocks while
//! another thread holds it, and a guard dropped during a panic poisons it, as in std.
//!
//! Invariant: the data is reachable only through a guard, and a guard exists only between
//! the engine's lock event and its unlock event for this mutex.

use std::cell::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::panic::Location;
use std::sync::{LockResult, TryLockError, TryLockResult};

use weft_harness::rt::{self, ObjectId};

use super::poison::Poison;

/// A modelled `std::sync::Mutex`.
pub struct Mutex<T: ?Sized> {
    object: ObjectId,
    poison: Poison,
    data: UnsafeCell<T>,
}

// SAFETY: the engine lets one guard exist at a time, so the data is accessed by one thread
// at a time, exactly like std's `Mutex<T: Send>`.
unsafe impl<T: ?Sized + Send> Send for Mutex<T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send> Sync for Mutex<T> {}

/// Access to a locked `Mutex`'s data; unlocks when dropped.
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct MutexGuard<'a, T: ?Sized + 'a> {
    mutex: &'a Mutex<T>,
    /// Where the lock was taken; the unlock event is reported there (drop glue has no
    /// caller location).
    locked_at: &'static Location<'static>,
    /// Like std's guard: not `Send` (the lock belongs to the thread that took it).
    _not_send: PhantomData<*const ()>,
}

// SAFETY: sharing the guard shares `&T`, which needs `T: Sync`, as for std's guard.
unsafe impl<T: ?Sized + Sync> Sync for MutexGuard<'_, T> {}

impl<T> Mutex<T> {
    #[track_caller]
    pub fn new(value: T) -> Mutex<T> {
        Mutex::named(value, "Mutex")
    }

    /// A mutex that reports (deadlocks, lock events) call `type_name`: the primitive built
    /// on it, such as `Once`.
    #[track_caller]
    pub(crate) fn named(value: T, type_name: &'static str) -> Mutex<T> {
        Mutex {
            object: rt::mutex_new(type_name),
            poison: Poison::default(),
            data: UnsafeCell::new(value),
        }
    }

    pub fn into_inner(self) -> LockResult<T> {
        let Self { poison, data, .. } = self;
        poison.check(data.into_inner())
    }
}

impl<T: ?Sized> Mutex<T> {
    fn guard(&self, locked_at: &'static Location<'static>) -> LockResult<MutexGuard<'_, T>> {
        let guard = MutexGuard {
            mutex: self,
            locked_at,
            _not_send: PhantomData,
        };
        self.poison.check(guard)
    }

    /// Blocks until the mutex is free, then takes it.
    #[track_caller]
    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
        rt::mutex_lock(self.object);
        self.guard(Location::caller())
    }

    #[track_caller]
    pub fn try_lock(&self) -> TryLockResult<MutexGuard<'_, T>> {
        if rt::mutex_try_lock(self.object) {
            self.guard(Location::caller())
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

impl<T: Default> Default for Mutex<T> {
    #[track_caller]
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    #[track_caller]
    fn from(value: T) -> Self {
        Mutex::new(value)
    }
}

impl<T: ?Sized> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mutex")
            .field("poisoned", &self.is_poisoned())
            .finish_non_exhaustive()
    }
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// The mutex this guard holds (for `Condvar`, which releases and retakes it).
    pub(crate) fn mutex(&self) -> &'a Mutex<T> {
        self.mutex
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard holds the lock, so no other reference to the data exists.
        unsafe { &*self.mutex.data.get() }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: this guard holds the lock, so no other reference to the data exists.
        unsafe { &mut *self.mutex.data.get() }
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.mutex.poison.mark_if_panicking();
        rt::mutex_unlock(self.mutex.object, self.locked_at);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

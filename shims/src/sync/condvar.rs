//! The modelled `Condvar`. `wait` joins the condvar's waiters while the mutex is still held,
//! releases the mutex, blocks until a notification picks it, and retakes the mutex: three
//! scheduling points, so every order of notifications and wakeups is explored.
//! `wait_timeout` may also time out whenever it runs; both outcomes are explored. Spurious
//! wakeups of `wait` happen only when `Builder::spurious_wakeups(true)` asks for them.
//!
//! Invariant: the guard handed back holds the same mutex as the one passed in, retaken
//! after the wait (poisoned if another thread panicked holding it meanwhile, as in std).

use std::fmt;
use std::sync::LockResult;
use std::time::Duration;

use weft_harness::rt::{self, ObjectId};

use super::mutex::MutexGuard;

/// A modelled `std::sync::Condvar`.
pub struct Condvar {
    object: ObjectId,
}

/// Whether a timed wait returned because its time ran out (std's type cannot be built
/// outside std; this one has the same method).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitTimeoutResult(bool);

impl WaitTimeoutResult {
    pub fn timed_out(&self) -> bool {
        self.0
    }
}

impl Condvar {
    #[track_caller]
    pub fn new() -> Condvar {
        Condvar {
            object: rt::condvar_new(),
        }
    }

    /// Releases the guard's mutex, waits for a notification, and retakes the mutex; true
    /// when a notification (not a timeout) ended the wait.
    #[track_caller]
    fn wait_once<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
        timeout: bool,
    ) -> (LockResult<MutexGuard<'a, T>>, bool) {
        let mutex = guard.mutex();
        rt::condvar_register(self.object);
        drop(guard);
        let notified = rt::condvar_wait(self.object, timeout);
        (mutex.lock(), notified)
    }

    /// Blocks until notified (or, with spurious wakeups on, possibly without).
    #[track_caller]
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> LockResult<MutexGuard<'a, T>> {
        self.wait_once(guard, false).0
    }

    /// Waits while `condition` holds of the protected value.
    #[track_caller]
    pub fn wait_while<'a, T, F>(
        &self,
        mut guard: MutexGuard<'a, T>,
        mut condition: F,
    ) -> LockResult<MutexGuard<'a, T>>
    where
        F: FnMut(&mut T) -> bool,
    {
        while condition(&mut *guard) {
            guard = self.wait(guard)?;
        }
        Ok(guard)
    }

    /// Like `wait`, but it may also time out; weft explores both (no real time passes).
    #[track_caller]
    pub fn wait_timeout<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
        _timeout: Duration,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)> {
        let (relocked, notified) = self.wait_once(guard, true);
        let result = WaitTimeoutResult(!notified);
        match relocked {
            Ok(guard) => Ok((guard, result)),
            Err(poisoned) => Err(std::sync::PoisonError::new((poisoned.into_inner(), result))),
        }
    }

    /// Waits while `condition` holds, or until a wait times out (then the condition may
    /// still hold: check `timed_out`).
    #[track_caller]
    pub fn wait_timeout_while<'a, T, F>(
        &self,
        mut guard: MutexGuard<'a, T>,
        timeout: Duration,
        mut condition: F,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)>
    where
        F: FnMut(&mut T) -> bool,
    {
        while condition(&mut *guard) {
            let (next, result) = self.wait_timeout(guard, timeout)?;
            guard = next;
            if result.timed_out() {
                let still = condition(&mut *guard);
                return Ok((guard, WaitTimeoutResult(still)));
            }
        }
        Ok((guard, WaitTimeoutResult(false)))
    }

    #[track_caller]
    pub fn notify_one(&self) {
        rt::condvar_notify(self.object, false);
    }

    #[track_caller]
    pub fn notify_all(&self) {
        rt::condvar_notify(self.object, true);
    }
}

impl Default for Condvar {
    #[track_caller]
    fn default() -> Self {
        Condvar::new()
    }
}

impl fmt::Debug for Condvar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condvar").finish_non_exhaustive()
    }
}

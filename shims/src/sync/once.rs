//! The modelled `Once`: one initializer runs, everyone else waits for it, and a panicking
//! initializer poisons the `Once`, as in std.
//!
//! The idea: a modelled atomic `state` (incomplete, poisoned, complete) answers the fast
//! path — a `Complete` seen by an Acquire load synchronises with the initializer's Release
//! store — and a modelled `Mutex` serialises initializers, so a thread that arrives while
//! another one initializes blocks at a real scheduling point until it is done, and an
//! initializer that re-enters its own `Once` waits for itself: a `Deadlock` failure that
//! names the `Once` and the line that locked it.
//!
//! Invariant: `state` changes only while `lock` is held, from incomplete or poisoned to
//! complete (the initializer returned) or poisoned (it panicked); once complete, it never
//! changes again. `OnceLock` and `LazyLock` build on `Once::enter`.
//!
//! Unlike std's, `Once::new` is not `const` with `permute`: the atomic and the mutex are
//! objects of the current execution, so a `Once` must be created inside the model closure
//! (a `static` one is not modelled).

use std::fmt;
use std::sync::atomic::Ordering::{Acquire, Release};
use std::sync::PoisonError;

use super::atomic::AtomicU8;
use super::mutex::{Mutex, MutexGuard};

const INCOMPLETE: u8 = 0;
const POISONED: u8 = 1;
const COMPLETE: u8 = 2;

/// A modelled `std::sync::Once`: runs one initialization, exactly once.
pub struct Once {
    state: AtomicU8,
    lock: Mutex<()>,
}

/// What an initializer passed to [`Once::call_once_force`] learns about earlier attempts.
#[derive(Debug)]
pub struct OnceState {
    poisoned: bool,
}

impl OnceState {
    /// Whether an earlier initializer panicked.
    pub fn is_poisoned(&self) -> bool {
        self.poisoned
    }
}

/// What a caller of [`Once::enter`] finds.
pub(crate) enum Entry<'a> {
    /// The initialization has completed (possibly while this thread waited for it).
    Complete,
    /// This thread initializes; the others wait until it completes or the guard drops.
    Run(Initializer<'a>),
}

/// The right and duty to initialize. [`Initializer::complete`] publishes the value;
/// dropping it without that (the initializer panicked) poisons the `Once`.
pub(crate) struct Initializer<'a> {
    once: &'a Once,
    poisoned: bool,
    completed: bool,
    _lock: MutexGuard<'a, ()>,
}

impl Once {
    /// A new, incomplete `Once`. Not `const` with `permute` (see the module docs).
    #[track_caller]
    #[allow(clippy::new_without_default)] // std's Once has no Default either
    pub fn new() -> Once {
        Once::named("Once")
    }

    /// A `Once` that reports call `type_name` (`OnceLock`, `LazyLock`).
    #[track_caller]
    pub(crate) fn named(type_name: &'static str) -> Once {
        Once {
            state: AtomicU8::new(INCOMPLETE),
            lock: Mutex::named((), type_name),
        }
    }

    /// Runs `f` if no call has completed yet; returns once some call completed.
    ///
    /// # Panics
    /// If an earlier initializer panicked (the `Once` is poisoned), like std; a panic in
    /// `f` poisons the `Once` and propagates.
    #[track_caller]
    pub fn call_once<F: FnOnce()>(&self, f: F) {
        if let Entry::Run(init) = self.enter() {
            if init.poisoned {
                panic!("Once instance has previously been poisoned");
            }
            f();
            init.complete();
        }
    }

    /// Like `call_once`, but also runs `f` on a poisoned `Once`; `f` is told whether it is.
    #[track_caller]
    pub fn call_once_force<F: FnOnce(&OnceState)>(&self, f: F) {
        if let Entry::Run(init) = self.enter() {
            f(&OnceState {
                poisoned: init.poisoned,
            });
            init.complete();
        }
    }

    /// Whether some call has completed; `true` synchronises with that call (Acquire).
    #[track_caller]
    pub fn is_completed(&self) -> bool {
        self.state.load(Acquire) == COMPLETE
    }

    /// Completed, seen through exclusive access (no scheduling point).
    pub(crate) fn is_completed_mut(&mut self) -> bool {
        *self.state.get_mut() == COMPLETE
    }

    /// Back to incomplete, through exclusive access (`OnceLock::take`).
    pub(crate) fn reset_mut(&mut self) {
        *self.state.get_mut() = INCOMPLETE;
    }

    /// The fast path (an Acquire load), then the lock: `Complete` if some call completed,
    /// else the right to initialize, held until the `Initializer` completes or drops.
    #[track_caller]
    pub(crate) fn enter(&self) -> Entry<'_> {
        if self.is_completed() {
            return Entry::Complete;
        }
        // The inner mutex is poisoned when an initializer panics; the `Once` keeps its own
        // poison in `state`.
        let guard = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        match self.state.load(Acquire) {
            COMPLETE => Entry::Complete,
            state => Entry::Run(Initializer {
                once: self,
                poisoned: state == POISONED,
                completed: false,
                _lock: guard,
            }),
        }
    }
}

impl Initializer<'_> {
    /// Whether an earlier initializer panicked.
    pub(crate) fn poisoned(&self) -> bool {
        self.poisoned
    }

    /// Marks the `Once` complete (Release) and lets the waiting threads in.
    #[track_caller]
    pub(crate) fn complete(mut self) {
        self.once.state.store(COMPLETE, Release);
        self.completed = true;
    }
}

impl Drop for Initializer<'_> {
    fn drop(&mut self) {
        if !self.completed {
            self.once.state.store(POISONED, Release);
        }
    }
}

impl fmt::Debug for Once {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Once").finish_non_exhaustive()
    }
}

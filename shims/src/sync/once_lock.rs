//! The modelled `OnceLock`: a cell written once, by the first `get_or_init`/`set` to get
//! through its [`Once`]; every later reader sees that value.
//!
//! The idea: the value lives in a modelled `UnsafeCell`, so the race detector checks its
//! publication — the initializer's write happens before the `Once`'s Release store, and a
//! reader's read after the Acquire load that saw it complete (or after taking the `Once`'s
//! lock). A panicking initializer leaves the cell empty and the next caller tries again
//! (std's `OnceLock` uses `call_once_force`: it is never poisoned).
//!
//! Invariant: the cell holds `Some` exactly when the `Once` is complete; it is written only
//! by the initializer (holding the `Once`'s lock, before completing) or through `&mut self`.
//!
//! Not `const` with `permute` (the `Once` and the cell are objects of the execution): create
//! a `OnceLock` inside the model closure; a `static` one is not modelled.

use std::fmt;
use std::panic::{RefUnwindSafe, UnwindSafe};

use super::once::{Entry, Once};
use crate::cell::UnsafeCell;

/// A modelled `std::sync::OnceLock`.
pub struct OnceLock<T> {
    once: Once,
    value: UnsafeCell<Option<T>>,
}

// SAFETY: the value is written once, by the thread that holds the `Once`'s lock, before the
// `Once` completes, and only read after it completed; so sharing needs `T: Sync` (readers
// share `&T`) and `T: Send` (the initializing thread's value is dropped by another), as in
// std.
unsafe impl<T: Sync + Send> Sync for OnceLock<T> {}

impl<T: RefUnwindSafe + UnwindSafe> RefUnwindSafe for OnceLock<T> {}
impl<T: UnwindSafe> UnwindSafe for OnceLock<T> {}

impl<T> OnceLock<T> {
    /// An empty cell. Not `const` with `permute` (see the module docs).
    #[track_caller]
    pub fn new() -> OnceLock<T> {
        OnceLock {
            once: Once::named("OnceLock"),
            value: UnsafeCell::new(None),
        }
    }

    /// The value, if initialized; `Some` synchronises with the initialization.
    #[track_caller]
    pub fn get(&self) -> Option<&T> {
        if self.once.is_completed() {
            Some(self.read())
        } else {
            None
        }
    }

    /// The value, through exclusive access (no scheduling point).
    pub fn get_mut(&mut self) -> Option<&mut T> {
        self.value.get_mut().as_mut()
    }

    /// Initializes the cell with `value` unless it is already initialized (then `Err(value)`).
    /// Blocks while another thread initializes it.
    #[track_caller]
    pub fn set(&self, value: T) -> Result<(), T> {
        let mut value = Some(value);
        self.get_or_init(|| value.take().expect("the initializer runs at most once"));
        match value {
            None => Ok(()),
            Some(value) => Err(value),
        }
    }

    /// The value, running `f` to initialize the cell if no one has. A thread that calls this
    /// while another runs its `f` blocks until that one returns (or panics: then it tries
    /// its own `f`). Re-entering `get_or_init` of the same cell from `f` is a `Deadlock`
    /// failure (std: "an error", which deadlocks).
    #[track_caller]
    pub fn get_or_init<F: FnOnce() -> T>(&self, f: F) -> &T {
        if let Entry::Run(init) = self.once.enter() {
            let value = f();
            // SAFETY: `init` holds the `Once`'s lock and the `Once` is not complete, so no
            // other thread reads or writes the cell (readers wait for completion).
            self.value.with_mut(|slot| unsafe { *slot = Some(value) });
            init.complete();
        }
        self.read()
    }

    /// The value, consuming the cell.
    pub fn into_inner(self) -> Option<T> {
        self.value.into_inner()
    }

    /// Takes the value out, leaving the cell uninitialized (exclusive access).
    pub fn take(&mut self) -> Option<T> {
        if self.once.is_completed_mut() {
            self.once.reset_mut();
        }
        self.value.get_mut().take()
    }

    /// The value of a cell whose `Once` this thread saw complete.
    #[track_caller]
    fn read(&self) -> &T {
        // SAFETY: the `Once` is complete, so the cell was written before it completed, that
        // write happens before this read (Acquire of the completion, or the `Once`'s lock),
        // and no one writes it again except through `&mut self`, which cannot coexist with
        // the returned `&T`.
        let value = self.value.with(|slot| unsafe { (*slot).as_ref() });
        value.expect("a complete OnceLock holds its value")
    }
}

impl<T> Default for OnceLock<T> {
    #[track_caller]
    fn default() -> OnceLock<T> {
        OnceLock::new()
    }
}

impl<T> From<T> for OnceLock<T> {
    #[track_caller]
    fn from(value: T) -> OnceLock<T> {
        let cell = OnceLock::new();
        if cell.set(value).is_err() {
            unreachable!("a new OnceLock is empty");
        }
        cell
    }
}

impl<T: Clone> Clone for OnceLock<T> {
    #[track_caller]
    fn clone(&self) -> OnceLock<T> {
        let cell = OnceLock::new();
        if let Some(value) = self.get() {
            if cell.set(value.clone()).is_err() {
                unreachable!("a new OnceLock is empty");
            }
        }
        cell
    }
}

impl<T: PartialEq> PartialEq for OnceLock<T> {
    #[track_caller]
    fn eq(&self, other: &OnceLock<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceLock<T> {}

impl<T: fmt::Debug> fmt::Debug for OnceLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut tuple = f.debug_tuple("OnceLock");
        match self.get() {
            Some(value) => tuple.field(value),
            None => tuple.field(&format_args!("<uninit>")),
        };
        tuple.finish()
    }
}

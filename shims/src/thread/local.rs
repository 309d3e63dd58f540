//! Modelled thread-locals: `weft::thread_local!` declares a [`LocalKey`] whose value is
//! per *model* thread. All model threads share one OS thread, so std's `thread_local!`
//! would give them one shared value; weft's keeps one per model thread in the engine.
//!
//! The idea: the key is a `static` holding the initializer; its address names it. On a
//! thread's first access the initializer runs (in that thread, outside the engine's state)
//! and the engine stores the boxed value on the thread's record; the value is dropped when
//! the thread's closure has returned, before the thread finishes, so a destructor may use
//! weft primitives and is ordered before a `join` of the thread. As in std, a key whose
//! value was destroyed cannot be accessed again (`AccessError`).
//!
//! Invariant: a `&T` handed out lives only for the closure it is passed to, and the value
//! stays boxed at one address until its thread exits, which cannot happen during that
//! closure. Accesses are not scheduling points (a thread-local is never shared).

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::error::Error;
use std::fmt;

use weft_harness::rt::{self, LocalValue};

/// A key for a per-model-thread value, declared with `weft::thread_local!`.
pub struct LocalKey<T: 'static> {
    init: fn() -> T,
}

/// A thread-local whose value was already dropped at thread exit was accessed (std's
/// `AccessError`).
#[derive(Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccessError;

/// std's panic message (`expect` appends `: AccessError`).
const DESTROYED: &str = "cannot access a Thread Local Storage value during or after destruction";

impl<T: 'static> LocalKey<T> {
    /// Used by `weft::thread_local!`; not part of the std API.
    #[doc(hidden)]
    pub const fn new(init: fn() -> T) -> LocalKey<T> {
        LocalKey { init }
    }

    /// Calls `f` with this thread's value, initializing it first if this thread has none.
    ///
    /// # Panics
    /// If the value was already dropped (a thread-local destructor accesses it), like std.
    #[track_caller]
    pub fn with<F, R>(&'static self, f: F) -> R
    where
        F: FnOnce(&T) -> R,
    {
        self.try_with(f).expect(DESTROYED)
    }

    /// Like `with`, but `Err(AccessError)` instead of the panic.
    #[track_caller]
    pub fn try_with<F, R>(&'static self, f: F) -> Result<R, AccessError>
    where
        F: FnOnce(&T) -> R,
    {
        self.with_initial(self.init, f)
    }

    /// Calls `f` with this thread's value, created by `init` if this thread has none.
    #[track_caller]
    fn with_initial<R>(
        &'static self,
        init: impl FnOnce() -> T,
        f: impl FnOnce(&T) -> R,
    ) -> Result<R, AccessError> {
        let key = self as *const LocalKey<T> as usize;
        let at = match rt::thread_local_get(key) {
            LocalValue::Present(at) => at,
            LocalValue::Destroyed => return Err(AccessError),
            LocalValue::Absent => {
                let value: Box<dyn Any> = Box::new(init());
                rt::thread_local_set(key, value)
            }
        };
        // SAFETY: the engine keeps the boxed value at `at` until this model thread exits,
        // which cannot happen while this thread runs `f`; only this thread reaches it, and
        // only through `&` (interior mutability is `T`'s own).
        let value: &dyn Any = unsafe { at.as_ref() };
        let value = value
            .downcast_ref::<T>()
            .expect("a thread-local key's value has the key's type");
        Ok(f(value))
    }
}

impl<T: 'static> LocalKey<Cell<T>> {
    /// Sets this thread's value, without running the initializer if it has none.
    #[track_caller]
    pub fn set(&'static self, value: T) {
        let value = Cell::new(Some(value));
        self.with_initial(
            || Cell::new(value.take().expect("taken once")),
            |cell| {
                if let Some(value) = value.take() {
                    cell.set(value);
                }
            },
        )
        .expect(DESTROYED);
    }

    /// A copy of this thread's value.
    #[track_caller]
    pub fn get(&'static self) -> T
    where
        T: Copy,
    {
        self.with(Cell::get)
    }

    /// Takes this thread's value, leaving `T::default()`.
    #[track_caller]
    pub fn take(&'static self) -> T
    where
        T: Default,
    {
        self.with(Cell::take)
    }

    /// Replaces this thread's value, returning the old one.
    #[track_caller]
    pub fn replace(&'static self, value: T) -> T {
        self.with(|cell| cell.replace(value))
    }
}

impl<T: 'static> LocalKey<RefCell<T>> {
    /// Calls `f` with a shared borrow of this thread's value.
    #[track_caller]
    pub fn with_borrow<F, R>(&'static self, f: F) -> R
    where
        F: FnOnce(&T) -> R,
    {
        self.with(|cell| f(&cell.borrow()))
    }

    /// Calls `f` with a mutable borrow of this thread's value.
    #[track_caller]
    pub fn with_borrow_mut<F, R>(&'static self, f: F) -> R
    where
        F: FnOnce(&mut T) -> R,
    {
        self.with(|cell| f(&mut cell.borrow_mut()))
    }

    /// Sets this thread's value, without running the initializer if it has none.
    #[track_caller]
    pub fn set(&'static self, value: T) {
        let value = Cell::new(Some(value));
        self.with_initial(
            || RefCell::new(value.take().expect("taken once")),
            |cell| {
                if let Some(value) = value.take() {
                    *cell.borrow_mut() = value;
                }
            },
        )
        .expect(DESTROYED);
    }

    /// Takes this thread's value, leaving `T::default()`.
    #[track_caller]
    pub fn take(&'static self) -> T
    where
        T: Default,
    {
        self.with(RefCell::take)
    }

    /// Replaces this thread's value, returning the old one.
    #[track_caller]
    pub fn replace(&'static self, value: T) -> T {
        self.with(|cell| cell.replace(value))
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalKey").finish_non_exhaustive()
    }
}

impl fmt::Debug for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessError")
    }
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("already destroyed")
    }
}

impl Error for AccessError {}

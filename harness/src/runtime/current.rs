//! The execution that model threads on this OS thread reach: set for the duration of a call
//! (`enter`), as a scoped thread-local. Every operation of a model thread looks it up, a few
//! times per scheduling point, so the look-up is one thread-local load.
//!
//! Invariant: the pointer is null or points to the `RefCell<Execution>` that the innermost
//! running `enter` call was given, which outlives that call; it is put back to what it was
//! when the call returns or unwinds. Model threads only run inside that call (the runner
//! resumes their coroutines from it and abandons, never resumes, the ones left suspended).

use std::cell::{Cell, RefCell};
use std::ptr;

use super::execution::Execution;

std::thread_local! {
    static CURRENT: Cell<*const RefCell<Execution>> = const { Cell::new(ptr::null()) };
}

/// Runs `f` with `execution` reachable through `with_current`.
pub(crate) fn enter<R>(execution: &RefCell<Execution>, f: impl FnOnce() -> R) -> R {
    /// Puts the previous pointer back, also when `f` unwinds.
    struct Restore(*const RefCell<Execution>);
    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT.with(|current| current.set(self.0));
        }
    }
    let _restore = Restore(CURRENT.with(|current| current.replace(execution)));
    f()
}

/// Runs `f` on the execution of the innermost running `enter` call on this OS thread, if
/// any.
#[inline]
pub(crate) fn with_current<R>(f: impl FnOnce(Option<&RefCell<Execution>>) -> R) -> R {
    let execution = CURRENT.with(Cell::get);
    // SAFETY: a non-null pointer came from the reference given to a running `enter` call,
    // which outlives that call, and is reset when the call ends. We run inside it (see the
    // invariant), and `f` cannot keep the reference past its own return, which comes before
    // the end of the `enter` call: `f` never switches coroutines (it borrows the execution,
    // and no borrow is held across a switch: see `execution`).
    f(unsafe { execution.as_ref() })
}

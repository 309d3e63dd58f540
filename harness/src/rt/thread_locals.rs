//! The engine's side of `thread_local!`: each model thread's own value per key (see
//! `runtime::thread_locals`). Not scheduling points: a thread-local is never shared.

use std::any::Any;
use std::ptr::NonNull;

use crate::runtime::execution::with;
pub use crate::runtime::thread_locals::LocalValue;

/// The calling model thread's value for the key at address `key`.
#[track_caller]
pub fn thread_local_get(key: usize) -> LocalValue {
    with(|e| {
        let me = e.current;
        e.threads[me].locals.get(key)
    })
}

/// Gives the calling model thread `value` for the key at address `key` (its initializer has
/// returned it); returns where it lives until the thread exits.
#[track_caller]
pub fn thread_local_set(key: usize, value: Box<dyn Any>) -> NonNull<dyn Any> {
    let (at, replaced) = with(|e| {
        let me = e.current;
        e.threads[me].locals.insert(key, value)
    });
    // A value replaced by a re-entrant initialization: dropped outside the borrow, since
    // its destructor is user code.
    drop(replaced);
    at
}

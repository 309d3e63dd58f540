//! `thread_local!` values of model threads. All model threads of an execution share one OS
//! thread, so std's thread-locals would be shared between them; instead each model thread
//! keeps its own values here, keyed by the address of the key's `static`.
//!
//! A value is created on the thread's first access (by the shim, outside any borrow of the
//! execution) and dropped when the thread's closure has returned or panicked, before its
//! `Finish` event: a destructor runs as part of the thread, so it may use weft primitives
//! (scheduling points, blocking) and its effects happen before a `join` of the thread.
//!
//! Invariant: no user code (an initializer or a destructor) runs while the execution is
//! borrowed: values leave the table before they are dropped. A key whose value was dropped
//! stays `destroyed` for the rest of the thread. Values are kept as leaked boxes: those
//! still here when the record itself drops (an abandoned execution) stay leaked, never
//! dropped outside their thread.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;

use super::execution;
use super::op::ThreadId;

/// One model thread's thread-local values.
#[derive(Default)]
pub(crate) struct ThreadLocals {
    /// Key address and value (a leaked `Box`, so that handing out its address again never
    /// re-borrows it while a `&T` to it is alive), in the order of initialization.
    values: Vec<(usize, NonNull<dyn Any>)>,
    /// Keys whose value was dropped at thread exit.
    destroyed: Vec<usize>,
}

/// What a thread has for a key.
pub enum LocalValue {
    /// The value; it stays at this address until the thread exits.
    Present(NonNull<dyn Any>),
    /// Not initialized in this thread yet.
    Absent,
    /// Dropped at thread exit (std's `AccessError`).
    Destroyed,
}

impl ThreadLocals {
    pub(crate) fn get(&self, key: usize) -> LocalValue {
        if let Some(&(_, value)) = self.values.iter().find(|(k, _)| *k == key) {
            LocalValue::Present(value)
        } else if self.destroyed.contains(&key) {
            LocalValue::Destroyed
        } else {
            LocalValue::Absent
        }
    }

    /// Stores `value` for `key`; returns where it lives and the value it replaced, if an
    /// initializer of the key accessed the key itself (the caller drops that one).
    pub(crate) fn insert(
        &mut self,
        key: usize,
        value: Box<dyn Any>,
    ) -> (NonNull<dyn Any>, Option<Box<dyn Any>>) {
        let at = NonNull::from(Box::leak(value));
        match self.values.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => {
                let old = std::mem::replace(old, at);
                // SAFETY: `old` came from `Box::leak` in an earlier `insert` and left the
                // table just now, so this is its only owner. The `&T` handed out for it
                // lived only in the nested `with` that initialized it, which has returned.
                (at, Some(unsafe { Box::from_raw(old.as_ptr()) }))
            }
            None => {
                self.values.push((key, at));
                (at, None)
            }
        }
    }

    /// The most recently initialized value, marked destroyed.
    fn take_last(&mut self) -> Option<Box<dyn Any>> {
        let (key, value) = self.values.pop()?;
        self.destroyed.push(key);
        // SAFETY: `value` came from `Box::leak` in `insert` and has just left the table,
        // so this is its only owner; the thread's closure has returned, so no `&T` handed
        // out by `with` is alive.
        Some(unsafe { Box::from_raw(value.as_ptr()) })
    }
}

/// Drops the thread-local values of `thread` (running now, its closure returned with
/// `outcome`), most recent first, including values that destructors initialize. A panicking
/// destructor (std aborts the process) makes the thread's outcome that panic, unless the
/// closure panicked already; the report keeps the first panic.
pub(crate) fn destroy_all(
    thread: ThreadId,
    mut outcome: Result<(), Box<dyn Any + Send>>,
) -> Result<(), Box<dyn Any + Send>> {
    loop {
        let next = execution::with(|e| {
            let record = &mut e.threads[thread];
            let panic = record.panic.clone();
            record.locals.take_last().map(|value| (value, panic))
        });
        let Some((value, panic_before)) = next else {
            return outcome;
        };
        if let Err(payload) = catch_unwind(AssertUnwindSafe(move || drop(value))) {
            if outcome.is_ok() {
                outcome = Err(payload);
            } else {
                execution::with(|e| e.threads[thread].panic = panic_before);
            }
        }
    }
}

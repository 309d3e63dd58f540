//! Modelled scoped threads (`std::thread::scope`): model threads that may borrow from the
//! stack of the thread that opened the scope, because the scope joins them all before it
//! returns.
//!
//! The idea: a scoped thread is an ordinary model thread whose closure's lifetime is erased
//! to `'static` for the engine. The scope records every thread spawned in it (by any of its
//! threads) and, when its closure returns or panics, joins each one the user did not join,
//! in spawn order; each join is a scheduling point with join's happens-before edge, so all
//! the scoped threads' effects are ordered before `scope` returns. As in std, if a scoped
//! thread panicked and the user did not join it, `scope` panics ("a scoped thread
//! panicked") after joining all; if the scope's closure panicked, that panic continues.
//!
//! Invariant: no scoped thread runs after `scope` returns or unwinds: every thread spawned
//! in the scope is joined first (or the whole execution is abandoned, its coroutines leaked
//! and never resumed, which frees nothing they borrow).

use std::marker::PhantomData;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Mutex as StdMutex, PoisonError};
use std::{fmt, thread::Result};

use weft_harness::rt::{self, ThreadHandle};

use super::Thread;

/// A scope to spawn scoped model threads in; see [`scope`].
pub struct Scope<'scope, 'env: 'scope> {
    /// Every thread spawned in the scope, with "the user joined it". Not modelled state:
    /// it only serves the scope's bookkeeping, and no scheduling point happens while it is
    /// locked (model threads run one at a time on one OS thread).
    threads: StdMutex<Vec<(ThreadHandle, Arc<AtomicBool>)>>,
    /// Invariance in both lifetimes, as std's `Scope`.
    scope: PhantomData<&'scope mut &'scope ()>,
    env: PhantomData<&'env mut &'env ()>,
}

/// Owns the permission to join a scoped model thread.
pub struct ScopedJoinHandle<'scope, T> {
    thread: Thread,
    result: Arc<StdMutex<Option<T>>>,
    joined: Arc<AtomicBool>,
    scope: PhantomData<&'scope ()>,
}

/// Runs `f` with a scope in which it can spawn threads that borrow non-`'static` data;
/// returns once every thread spawned in the scope has finished.
///
/// # Panics
/// If a scoped thread that was not joined panicked (after joining all threads), like std;
/// if `f` panicked, with `f`'s panic (after joining all threads).
#[track_caller]
pub fn scope<'env, F, T>(f: F) -> T
where
    F: for<'scope> FnOnce(&'scope Scope<'scope, 'env>) -> T,
{
    let scope = Scope {
        threads: StdMutex::new(Vec::new()),
        scope: PhantomData,
        env: PhantomData,
    };
    let mut joiner = JoinAll {
        scope: &scope,
        done: false,
        panicked: false,
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| f(&scope)));
    joiner.join_all();
    let panicked = joiner.panicked;
    drop(joiner);
    match outcome {
        Err(payload) => resume_unwind(payload),
        Ok(_) if panicked => panic!("a scoped thread panicked"),
        Ok(value) => value,
    }
}

/// Joins every thread of the scope that the user did not join: explicitly once `f` returned
/// or panicked, and again from `drop` should anything unwind past `scope` before that.
struct JoinAll<'a, 'scope, 'env> {
    scope: &'a Scope<'scope, 'env>,
    done: bool,
    /// A thread that the user did not join panicked.
    panicked: bool,
}

impl JoinAll<'_, '_, '_> {
    #[track_caller]
    fn join_all(&mut self) {
        let mut next = 0;
        loop {
            // Threads may spawn more threads into the scope while we wait for them.
            let entry = {
                let threads = self.scope.threads.lock();
                threads
                    .unwrap_or_else(PoisonError::into_inner)
                    .get(next)
                    .cloned()
            };
            let Some((handle, joined)) = entry else { break };
            if !joined.swap(true, Relaxed) && rt::join(handle).is_err() {
                self.panicked = true;
            }
            next += 1;
        }
        self.done = true;
    }
}

impl Drop for JoinAll<'_, '_, '_> {
    fn drop(&mut self) {
        if !self.done {
            self.join_all();
        }
    }
}

impl<'scope> Scope<'scope, '_> {
    /// Spawns a model thread that may borrow anything that outlives the scope.
    #[track_caller]
    pub fn spawn<F, T>(&'scope self, f: F) -> ScopedJoinHandle<'scope, T>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        self.spawn_named(f, None)
    }

    /// `spawn`, with the thread's name (`Builder::spawn_scoped`).
    #[track_caller]
    pub(crate) fn spawn_named<F, T>(
        &'scope self,
        f: F,
        name: Option<String>,
    ) -> ScopedJoinHandle<'scope, T>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        let result = Arc::new(StdMutex::new(None));
        let slot = result.clone();
        let body: Box<dyn FnOnce() + 'scope> = Box::new(move || {
            let value = f();
            *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(value);
        });
        // SAFETY: only the lifetime changes (same trait object, same layout). The engine
        // runs or drops the closure only before the thread finishes, and `scope` joins every
        // thread recorded below before it returns or unwinds (`JoinAll`, also as a drop
        // guard), so nothing the closure borrows for `'scope` is used after `'scope` ends.
        // If the execution is abandoned instead (a failure), its threads are never resumed
        // and their closures and stacks are leaked, not dropped.
        let body: Box<dyn FnOnce() + 'static> = unsafe {
            std::mem::transmute::<Box<dyn FnOnce() + 'scope>, Box<dyn FnOnce() + 'static>>(body)
        };
        let thread_name: Option<Arc<str>> = name.as_deref().map(Arc::from);
        let handle = rt::spawn(body, name);
        let joined = Arc::new(AtomicBool::new(false));
        self.threads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((handle, joined.clone()));
        ScopedJoinHandle {
            thread: Thread::from_handle(handle, thread_name),
            result,
            joined,
            scope: PhantomData,
        }
    }
}

impl<T> ScopedJoinHandle<'_, T> {
    /// Waits for the thread; `Err` carries its panic payload, like std (the scope then does
    /// not panic for it).
    #[track_caller]
    pub fn join(self) -> Result<T> {
        self.joined.store(true, Relaxed);
        rt::join(self.thread.handle())?;
        let value = self
            .result
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        Ok(value.expect("a thread that finished without panicking stored its result"))
    }

    /// The thread's handle.
    pub fn thread(&self) -> &Thread {
        &self.thread
    }
}

impl fmt::Debug for Scope<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spawned = self
            .threads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        f.debug_struct("Scope")
            .field("spawned", &spawned)
            .finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for ScopedJoinHandle<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopedJoinHandle")
            .field("thread", &self.thread)
            .finish_non_exhaustive()
    }
}

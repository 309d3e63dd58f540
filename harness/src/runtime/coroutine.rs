//! Model threads as stackful coroutines (corosensei) on the exploring OS thread, and a pool
//! that reuses their stacks across executions.
//!
//! Invariant: a coroutine body never lets a panic escape: the user's closure runs inside
//! `catch_unwind`, and its outcome is recorded on the thread before the coroutine returns.
//! Only a finished coroutine gives its stack back to the pool; an execution that ends with
//! suspended threads (a failure) leaks them rather than unwinding foreign stacks.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::NonNull;
use std::sync::Arc;

use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, CoroutineResult, Yielder};

use super::execution;
use super::op::{EventKind, ThreadId};
use super::{stack_overflow, thread_locals};
use crate::observe::stall::{self, Watched};

pub(crate) type ThreadCoroutine = Coroutine<(), (), (), DefaultStack>;

/// Stacks kept for reuse: a fresh one costs a mapping, a reused one almost nothing.
pub(crate) struct StackPool {
    size: usize,
    free: Vec<DefaultStack>,
    /// What the stall watchdog sees of this OS thread (`observe::stall`; `None`: off).
    watched: Option<Arc<Watched>>,
}

/// Stacks an exploration keeps for the next one on the same OS thread, at most.
const KEPT_BETWEEN_EXPLORATIONS: usize = 16;

std::thread_local! {
    /// The pool of the last exploration on this OS thread: a test that explores several
    /// models (or a benchmark repeating one) maps its stacks once.
    static SPARE: std::cell::RefCell<Option<StackPool>> = const { std::cell::RefCell::new(None) };
}

impl StackPool {
    pub(crate) fn new(size: usize) -> StackPool {
        StackPool {
            size,
            free: Vec::new(),
            watched: None,
        }
    }

    /// The pool the last exploration on this OS thread left, if its stacks have `size`
    /// bytes, else a new one.
    pub(crate) fn reuse(size: usize) -> StackPool {
        stack_overflow::prepare_thread();
        let mut pool = SPARE
            .with(|spare| spare.borrow_mut().take())
            .filter(|pool| pool.size == size)
            .unwrap_or_else(|| StackPool::new(size));
        match &pool.watched {
            Some(watched) => watched.explores_for(crate::report::test_name()),
            None => pool.watched = stall::watch(),
        }
        pool
    }

    /// Leaves this pool (a few of its stacks) for the next exploration on this OS thread.
    pub(crate) fn keep(mut self) {
        self.free.truncate(KEPT_BETWEEN_EXPLORATIONS);
        SPARE.with(|spare| *spare.borrow_mut() = Some(self));
    }

    fn take(&mut self) -> Result<DefaultStack, String> {
        match self.free.pop() {
            Some(stack) => Ok(stack),
            None => DefaultStack::new(self.size).map_err(|e| {
                format!(
                    "weft: cannot allocate a {}-byte thread stack: {e}",
                    self.size
                )
            }),
        }
    }
}

/// The coroutine that runs model thread `thread` (its body is in the execution).
pub(crate) fn start(pool: &mut StackPool, thread: ThreadId) -> Result<ThreadCoroutine, String> {
    let stack = pool.take()?;
    Ok(Coroutine::with_stack(
        stack,
        move |yielder: &Yielder<(), ()>, ()| thread_main(thread, yielder),
    ))
}

fn thread_main(thread: ThreadId, yielder: &Yielder<(), ()>) {
    let (body, site) = execution::with(|e| {
        let record = &mut e.threads[thread];
        record.yielder = Some(NonNull::from(yielder));
        let site = record.start_site;
        let body = record.body.take().expect("a thread starts once");
        e.record(EventKind::Start, None, site);
        (body, site)
    });
    let outcome = catch_unwind(AssertUnwindSafe(body));
    // Thread-local destructors run in the thread, before it finishes.
    let outcome = thread_locals::destroy_all(thread, outcome);
    execution::with(|e| e.finish(outcome, site));
}

/// Runs `coroutine`, model thread `thread`'s, until the thread's next scheduling point; true
/// when the thread finished, in which case its stack is back in `pool`.
pub(crate) fn resume(
    slot: &mut Option<ThreadCoroutine>,
    pool: &mut StackPool,
    thread: ThreadId,
) -> bool {
    let coroutine = slot.as_mut().expect("resume a started thread");
    stack_overflow::set_running(Some(stack_overflow::Running {
        stack: coroutine.trap_handler(),
        thread,
        stack_size: pool.size,
    }));
    if let Some(watched) = &pool.watched {
        watched.running(thread);
    }
    let result = coroutine.resume(());
    stack_overflow::set_running(None);
    if let Some(watched) = &pool.watched {
        watched.paused();
    }
    match result {
        CoroutineResult::Yield(()) => false,
        CoroutineResult::Return(()) => {
            let finished = slot.take().expect("checked above");
            pool.free.push(finished.into_stack());
            true
        }
    }
}

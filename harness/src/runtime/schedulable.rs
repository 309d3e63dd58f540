//! The threads the scheduler may choose at each scheduling point, kept from one point to
//! the next instead of asking every thread at every point.
//!
//! Between two scheduling points only the thread that ran changes its pending operation or
//! finishes, and only it spawns threads. An operation that cannot block (a load, a store,
//! an unlock, a start: not `OpKind::may_block`) stays enabled until its thread runs; one
//! that may block (a lock, a join, a blocking primitive's wait) depends on other threads'
//! steps, so it is asked again at every point, except a mutex's lock: whether it can go on
//! changes only with the mutex's owner, which only an event on the mutex changes (a lock,
//! a successful `try_lock`, an unlock), so its answer is kept until the step that ran last
//! touched the mutex. (A program whose threads wait on locks most of the time, indexer(13)
//! split across workers, asked 174,000 times for three explorations.) Enabled threads that
//! yielded give way to enabled ones that did not, if there are any.
//!
//! Invariant: after `update`, `ready` holds exactly the waiting threads whose operation
//! cannot block, `locks` those at a mutex's lock and `blocking` those at another operation
//! that may block; every thread below `known` is in one of them or not waiting;
//! `free_locks` holds the threads of `locks` whose mutex is free after the first
//! `events_seen` events.

use super::execution::Execution;
use super::op::{ObjectIndex, OpKind, ThreadId};
use super::thread_set::ThreadSet;

#[derive(Default)]
pub(crate) struct Schedulable {
    ready: ThreadSet,
    /// Waiters at a blocking operation other than a mutex's lock.
    blocking: ThreadSet,
    /// Waiters at a mutex's lock, with the mutex.
    locks: Vec<(ThreadId, ObjectIndex)>,
    /// Those of `locks` whose mutex is free.
    free_locks: ThreadSet,
    known: usize,
    events_seen: usize,
}

impl Schedulable {
    /// The threads the scheduler may choose now, into `out`, after `ran` ran the last step
    /// (`None` before the first).
    pub(crate) fn update(
        &mut self,
        execution: &Execution,
        ran: Option<ThreadId>,
        out: &mut ThreadSet,
    ) {
        let spawned = self.known..execution.threads.len();
        if let Some(t) = ran {
            self.ready.remove(t);
            self.blocking.remove(t);
            if let Some(at) = self.locks.iter().position(|&(waiter, _)| waiter == t) {
                self.locks.swap_remove(at);
                self.free_locks.remove(t);
            }
        }
        for t in ran.into_iter().chain(spawned) {
            let thread = &execution.threads[t];
            match thread.pending {
                Some(op) if !thread.finished && op.kind == OpKind::Lock => {
                    let mutex = op.object.expect("a lock names its mutex");
                    self.locks.push((t, mutex));
                    if execution.is_enabled(t, &op) {
                        self.free_locks.insert(t);
                    }
                }
                Some(op) if !thread.finished && op.kind.may_block() => self.blocking.insert(t),
                Some(_) if !thread.finished => self.ready.insert(t),
                _ => {}
            }
        }
        self.known = execution.threads.len();
        // A lock waiter's answer changes only with its mutex's owner, and only an event on
        // the mutex changes that.
        let since = match self.locks.is_empty() {
            true => execution.events.len(),
            false => self.events_seen,
        };
        for event in &execution.events[since..] {
            let Some(object) = event.object else {
                continue;
            };
            for &(t, mutex) in &self.locks {
                if mutex == object {
                    let op = execution.threads[t].pending.expect("a lock waiter waits");
                    match execution.is_enabled(t, &op) {
                        true => self.free_locks.insert(t),
                        false => self.free_locks.remove(t),
                    }
                }
            }
        }
        self.events_seen = execution.events.len();
        out.clone_from(&self.ready);
        out.union_with(&self.free_locks);
        for t in self.blocking.iter() {
            let op = execution.threads[t]
                .pending
                .expect("a blocking waiter waits");
            if execution.is_enabled(t, &op) {
                out.insert(t);
            }
        }
        if execution.spinning() {
            let yielded = |t: &ThreadId| execution.threads[*t].yielded;
            let spinners: ThreadSet = out.iter().filter(yielded).collect();
            if !spinners.is_empty() && spinners.len() < out.len() {
                for t in spinners.iter() {
                    out.remove(t);
                }
            }
        }
    }
}

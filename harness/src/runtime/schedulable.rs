//! The threads the scheduler may choose at each scheduling point, kept from one point to
//! the next instead of asking every thread at every point.
//!
//! Between two scheduling points only the thread that ran changes its pending operation or
//! finishes, and only it spawns threads. An operation that cannot block (a load, a store,
//! an unlock, a start: not `OpKind::may_block`) stays enabled until its thread runs; one
//! that may block (a lock, a join, a blocking primitive's wait) depends on other threads'
//! steps, so it is asked again at every point. Enabled threads that yielded give way to
//! enabled ones that did not, if there are any.
//!
//! Invariant: after `update`, `ready` holds exactly the waiting threads whose operation
//! cannot block and `blocking` those whose operation may; every thread below `known` is in
//! one of them or not waiting.

use super::execution::Execution;
use super::op::ThreadId;
use super::thread_set::ThreadSet;

#[derive(Default)]
pub(crate) struct Schedulable {
    ready: ThreadSet,
    blocking: ThreadSet,
    known: usize,
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
        for t in ran.into_iter().chain(spawned) {
            self.ready.remove(t);
            self.blocking.remove(t);
            let thread = &execution.threads[t];
            match thread.pending {
                Some(op) if !thread.finished && op.kind.may_block() => self.blocking.insert(t),
                Some(_) if !thread.finished => self.ready.insert(t),
                _ => {}
            }
        }
        self.known = execution.threads.len();
        out.clone_from(&self.ready);
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

//! Thread lifecycle inside an execution: spawn, start, finish, join.
//!
//! Happens-before: a child starts after everything its parent did before `spawn`; `join`
//! acquires everything the finished thread did.
//!
//! Invariant: a thread's panic payload is handed to exactly one `join`; a panic that no
//! `join` received is still reported when the execution ends.

use std::any::Any;

use super::execution::Execution;
use super::happens_before::ThreadClocks;
use super::model_thread::{ModelThread, PanicRecord};
use super::op::{EventKind, Op, OpKind, Site, ThreadId};

impl Execution {
    /// Adds a thread that will run `body`; it starts at its own first scheduling point.
    pub(crate) fn spawn(
        &mut self,
        body: Box<dyn FnOnce()>,
        name: Option<String>,
        site: Site,
    ) -> ThreadId {
        let child = self.threads.len();
        let start = Op {
            kind: OpKind::Start,
            object: None,
            site,
        };
        let parent = self.current;
        let clocks = ThreadClocks::started(child, Some(&self.threads[parent].clocks.now));
        let spawner = &mut self.threads[parent];
        spawner.clocks.now.tick(parent);
        let key = self.thread_keys.child(spawner.key, spawner.spawned);
        spawner.spawned += 1;
        let parentage = (Some(parent), key);
        self.threads
            .push(ModelThread::new(name, parentage, body, start, clocks));
        self.record(EventKind::Spawn { child }, None, site);
        child
    }

    /// Marks the current thread finished with `outcome`.
    pub(crate) fn finish(&mut self, outcome: Result<(), Box<dyn Any + Send>>, site: Site) {
        let me = self.current;
        let panicked = outcome.is_err();
        let thread = &mut self.threads[me];
        thread.finished = true;
        thread.unwinding = false;
        if let Err(payload) = outcome {
            if thread.panic.is_none() {
                thread.panic = Some(PanicRecord {
                    message: crate::panic_message(payload.as_ref()),
                    site: None,
                });
            }
            thread.payload = Some(payload);
        } else {
            thread.panic = None;
        }
        self.record(EventKind::Finish { panicked }, None, site);
    }

    /// Takes the outcome of a finished thread.
    pub(crate) fn join(&mut self, target: ThreadId, site: Site) -> Result<(), Box<dyn Any + Send>> {
        self.record(EventKind::Join { target }, None, site);
        let me = self.current;
        if target != me {
            let (joiner, finished) = if me < target {
                let (low, high) = self.threads.split_at_mut(target);
                (&mut low[me], &high[0])
            } else {
                let (low, high) = self.threads.split_at_mut(me);
                (&mut high[0], &low[target])
            };
            joiner.clocks.acquire(&finished.clocks.now);
        }
        let thread = &mut self.threads[target];
        thread.joined = true;
        match thread.payload.take() {
            Some(payload) => Err(payload),
            None => Ok(()),
        }
    }
}

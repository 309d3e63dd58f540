//! One model thread's record in an execution: where it stands (pending operation, finished),
//! how it ended, and where it came from.
//!
//! Invariant: `pending` is `Some` exactly while the thread waits at a scheduling point; the
//! runner takes it when it chooses the thread.

use std::any::Any;
use std::ptr::NonNull;

use corosensei::Yielder;

use super::happens_before::ThreadClocks;
use super::op::{ObjectIndex, Op, Site, ThreadId};
use super::store_past::StorePast;
use super::thread_keys::ThreadKey;
use super::thread_locals::ThreadLocals;

pub(crate) struct ModelThread {
    pub name: Option<String>,
    pub finished: bool,
    pub pending: Option<Op>,
    /// Where its code starts: the spawn site, or the model's entry point for main.
    pub start_site: Site,
    pub parent: Option<ThreadId>,
    /// Called `yield_now`/`spin_loop` and nothing changed since: runs only when every other
    /// runnable thread has yielded too.
    pub yielded: bool,
    /// How many times it yielded (`yield_now`, `spin_loop`). Its first load of a location
    /// after a yield reads the latest store (see `coherence::AtomicLocation::spun`).
    pub spins: u32,
    /// Which atomic stores may lie in the causal past of its next event; while they are
    /// stores to one location at most, its reads of that location skip older stores with
    /// none to another location in their own past (see `store_past`).
    pub store_past: StorePast,
    /// How many events it has recorded (its next event is number `events + 1`).
    pub events: u32,
    /// Its last compare-exchange failed spuriously, so its next one cannot.
    pub failed_spuriously: bool,
    /// Inside a panic's unwinding (set by the panic hook).
    pub unwinding: bool,
    pub panic: Option<PanicRecord>,
    /// The panic payload, until `join` takes it.
    pub payload: Option<Box<dyn Any + Send>>,
    /// A `join` returned this thread's outcome to the user.
    pub joined: bool,
    /// Its `thread_local!` values, dropped when its closure returns.
    pub locals: ThreadLocals,
    /// The closure to run, until the thread starts.
    pub body: Option<Box<dyn FnOnce()>>,
    /// The coroutine's yielder, set when the thread starts.
    pub yielder: Option<NonNull<Yielder<(), ()>>>,
    /// Its happens-before state.
    pub clocks: ThreadClocks,
    /// Its `park` token object, once it parked or was unparked.
    pub park_token: Option<ObjectIndex>,
    /// How many objects it has created: the next one's place in its key (`object_key`).
    pub objects_created: u32,
    /// Its name across executions (see `thread_keys`).
    pub key: ThreadKey,
    /// How many threads it has spawned: the next one's rank in its key.
    pub spawned: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct PanicRecord {
    pub message: String,
    pub site: Option<String>,
}

impl ModelThread {
    pub(crate) fn new(
        name: Option<String>,
        (parent, key): (Option<ThreadId>, ThreadKey),
        body: Box<dyn FnOnce()>,
        start: Op,
        clocks: ThreadClocks,
    ) -> ModelThread {
        ModelThread {
            name,
            finished: false,
            pending: Some(start),
            start_site: start.site,
            parent,
            yielded: false,
            spins: 0,
            store_past: StorePast::Empty,
            objects_created: 0,
            key,
            spawned: 0,
            events: 0,
            failed_spuriously: false,
            unwinding: false,
            panic: None,
            payload: None,
            joined: false,
            locals: ThreadLocals::default(),
            body: Some(body),
            yielder: None,
            clocks,
            park_token: None,
        }
    }
}

/// `main`, `thread 2`, or `thread 2 "worker"`.
pub(crate) fn thread_label(id: ThreadId, name: Option<&str>) -> String {
    match (id, name) {
        (0, _) => "main".to_string(),
        (_, Some(name)) => format!("thread {id} \"{name}\""),
        (_, None) => format!("thread {id}"),
    }
}

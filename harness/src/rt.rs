//! The engine's interface for `weft-shims`: objects are handles into the current execution,
//! and each function that touches shared state is a scheduling point (or, where it cannot
//! hide an interleaving, an event without one).
//!
//! Invariant: every function here is `#[track_caller]`, so events carry the user's source
//! location; a handle used in an execution other than the one that created it, or any call
//! outside a model, panics with a message that says how to fix the model.

use std::any::Any;
use std::panic::Location;
use std::sync::atomic::Ordering;

use crate::runtime::execution::{self, with};
use crate::runtime::scheduling_point::{self as point, scheduling_point};

mod blocking;
mod refcount;
use crate::runtime::op::{EventKind, ObjectIndex, OpKind, Site};
pub use blocking::*;
pub use refcount::*;

/// A modelled object (atomic location, mutex) of one execution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjectId {
    execution: u64,
    index: u32,
    type_name: &'static str,
}

/// A model thread of one execution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ThreadHandle {
    execution: u64,
    thread: usize,
}

impl ThreadHandle {
    /// The thread's number in its execution (0 is main).
    pub fn index(&self) -> usize {
        self.thread
    }
}

/// Whether the caller runs inside a model execution.
pub fn in_model() -> bool {
    execution::is_active()
}

#[track_caller]
fn resolve(object: ObjectId) -> ObjectIndex {
    let found = with(|e| e.object_index(object.execution, object.index, object.type_name));
    match found {
        Ok(index) => index,
        Err(message) => panic!("{message}"),
    }
}

/// The scheduling point of an operation on `object`: `resolve` and `scheduling_point` in
/// one borrow of the execution. Returns the object's index.
#[track_caller]
fn point_on(kind: OpKind, object: ObjectId, site: Site) -> ObjectIndex {
    let handle = (object.execution, object.index, object.type_name);
    match point::scheduling_point_on(kind, handle, site) {
        Ok(index) => index,
        Err(message) => panic!("{message}"),
    }
}

#[track_caller]
fn new_object(
    type_name: &'static str,
    create: impl FnOnce(&mut execution::Execution) -> ObjectIndex,
) -> ObjectId {
    with(|e| ObjectId {
        execution: e.id,
        index: create(e),
        type_name,
    })
}

/// A new atomic location holding `value` (the bits of the shim's value type).
#[track_caller]
pub fn atomic_new(value: u64, type_name: &'static str) -> ObjectId {
    let site = Location::caller();
    new_object(type_name, |e| e.atomic_new(value, type_name, site))
}

#[track_caller]
pub fn atomic_load(object: ObjectId, order: Ordering) -> u64 {
    let site = Location::caller();
    let index = point_on(OpKind::Load, object, site);
    with(|e| e.atomic_load(index, order, site))
}

#[track_caller]
pub fn atomic_store(object: ObjectId, value: u64, order: Ordering) {
    let site = Location::caller();
    let index = point_on(OpKind::Store, object, site);
    let raced = with(|e| {
        e.atomic_store(index, value, order, site);
        e.race.is_some()
    });
    halt_if(raced);
}

/// Atomically replaces the value `v` with `update(v)` and returns `v`.
#[track_caller]
pub fn atomic_rmw(object: ObjectId, order: Ordering, update: impl FnOnce(u64) -> u64) -> u64 {
    let site = Location::caller();
    let index = point_on(OpKind::Rmw, object, site);
    let (old, raced) = with(|e| (e.atomic_rmw(index, order, update, site), e.race.is_some()));
    halt_if(raced);
    old
}

/// A compare-exchange; a `weak` one may fail spuriously (an outcome the explorer chooses).
#[track_caller]
pub fn atomic_compare_exchange(
    object: ObjectId,
    expected: u64,
    new: u64,
    success: Ordering,
    failure: Ordering,
    weak: bool,
) -> Result<u64, u64> {
    let site = Location::caller();
    let index = point_on(OpKind::CompareExchange, object, site);
    let (result, raced) = with(|e| {
        let result = e.atomic_compare_exchange(index, expected, new, success, failure, weak, site);
        (result, e.race.is_some())
    });
    halt_if(raced);
    result
}

/// Stops the calling thread when its store completed a data race with an earlier
/// `unsync_load` (the execution then reports it).
fn halt_if(raced: bool) {
    if raced {
        point::halt();
    }
}

/// A non-atomic read of the location (loom's `unsync_load`): no scheduling point; a store
/// of another thread not ordered before it is a data race, and then the calling thread
/// never returns from this call.
#[track_caller]
pub fn atomic_unsync_load(object: ObjectId) -> u64 {
    let site = Location::caller();
    let index = resolve(object);
    let (value, raced) = with(|e| e.atomic_unsync_load(index, site));
    halt_if(raced);
    value
}

/// The latest value, for `get_mut`/`into_inner` (exclusive access: no scheduling point).
#[track_caller]
pub fn atomic_peek(object: ObjectId) -> u64 {
    let index = resolve(object);
    with(|e| e.atomic_peek(index))
}

/// Publishes a value written through `get_mut` (exclusive access: no scheduling point).
#[track_caller]
pub fn atomic_overwrite(object: ObjectId, value: u64) {
    let site = Location::caller();
    let index = resolve(object);
    with(|e| e.atomic_overwrite(index, value, site))
}

/// A memory fence. It takes part in happens-before: an acquire fence makes what earlier
/// Relaxed loads read synchronise, a release fence makes later Relaxed stores release. A
/// SeqCst fence also takes part in RC11's SeqCst order, which constrains what later
/// accesses may read (see `runtime::seq_cst_order`). No fence is a scheduling point: where
/// a fence runs among other threads' operations changes nothing.
#[track_caller]
pub fn fence(order: Ordering) {
    let site = Location::caller();
    with(|e| e.fence(order, site));
}

#[track_caller]
#[inline]
pub fn mutex_new(type_name: &'static str) -> ObjectId {
    let site = Location::caller();
    new_object(type_name, |e| e.mutex_new(type_name, site))
}

/// Blocks until the mutex is free, then takes it.
#[track_caller]
pub fn mutex_lock(object: ObjectId) {
    let site = Location::caller();
    let index = point_on(OpKind::Lock, object, site);
    with(|e| e.mutex_lock(index, site))
}

#[track_caller]
pub fn mutex_try_lock(object: ObjectId) -> bool {
    let site = Location::caller();
    let index = point_on(OpKind::TryLock, object, site);
    with(|e| e.mutex_try_lock(index, site))
}

/// Releases the mutex (held by the caller). A scheduling point: a `try_lock` of another
/// thread fails before it and succeeds after it. `site` is where the guard was taken (drop
/// glue has no caller location). Does nothing outside the execution that created the mutex,
/// so a guard that outlives its execution drops quietly.
pub fn mutex_unlock(object: ObjectId, site: &'static Location<'static>) {
    let handle = (object.execution, object.index, object.type_name);
    if let Some(index) = point::quiet_scheduling_point_on(OpKind::Unlock, handle, site) {
        with(|e| e.mutex_unlock(index, site));
    }
}

#[track_caller]
pub fn cell_new(type_name: &'static str) -> ObjectId {
    let site = Location::caller();
    new_object(type_name, |e| e.cell_new(type_name, site))
}

/// Checks a non-atomic access to a cell against happens-before (no scheduling point). On a
/// data race the execution stops here: the calling thread never returns from this call, and
/// the exploration reports the race.
#[track_caller]
pub fn cell_access(object: ObjectId, write: bool) {
    let site = Location::caller();
    let index = resolve(object);
    if with(|e| e.cell_access(index, write, site)) {
        point::halt();
    }
}

/// Starts a model thread running `body`; it runs from its own first scheduling point on.
#[track_caller]
pub fn spawn(body: Box<dyn FnOnce()>, name: Option<String>) -> ThreadHandle {
    let site = Location::caller();
    with(|e| ThreadHandle {
        execution: e.id,
        thread: e.spawn(body, name, site),
    })
}

/// Waits for the thread to finish; its panic, if any, comes back as `Err` (once).
#[track_caller]
pub fn join(handle: ThreadHandle) -> Result<(), Box<dyn Any + Send>> {
    let site = Location::caller();
    let valid = with(|e| e.id == handle.execution && handle.thread < e.threads.len());
    if !valid {
        panic!("weft: JoinHandle from another execution: spawn threads inside the model closure");
    }
    scheduling_point(OpKind::Join(handle.thread), None, site);
    with(|e| e.join(handle.thread, site))
}

/// Tells the scheduler this thread cannot progress until another thread acts.
#[track_caller]
pub fn yield_now() {
    let site = Location::caller();
    scheduling_point(OpKind::Yield, None, site);
    with(|e| e.record(EventKind::Yield, None, site));
}

/// `std::thread::panicking()` for the calling model thread. All model threads share one OS
/// thread, whose panic count also counts a panic that another model thread is unwinding
/// while it waits in a `Drop`; this answers for the caller alone.
pub fn panicking() -> bool {
    std::thread::panicking()
        && execution::try_with(|e| e.threads[e.current].unwinding).unwrap_or(true)
}

/// The calling model thread and its name.
#[track_caller]
pub fn current_thread() -> (ThreadHandle, Option<String>) {
    with(|e| {
        let handle = ThreadHandle {
            execution: e.id,
            thread: e.current,
        };
        (handle, e.threads[e.current].name.clone())
    })
}

mod thread_locals;
pub use thread_locals::{thread_local_get, thread_local_set, LocalValue};

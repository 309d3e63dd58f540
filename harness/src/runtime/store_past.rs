//! Loads that skip the initial value: a load (or a compare-exchange's failure, which only
//! reads) whose thread has no atomic store in its causal past reads a location's initial
//! value only while no store to it has run.
//!
//! The idea. A load `R` that runs after a store `W` to its location, where `W` is another
//! thread's and not in `R`'s past, may still read the initial value (weak memory). The same
//! execution graph comes from the interleaving where `R` runs before `W`, which DPOR also
//! explores (`R` and `W` conflict), so without care such graphs are explored twice or more
//! (IRIW Relaxed: 77 executions for 16 graphs). Moving `R` before every such `W` is
//! impossible only if the moves form a cycle with the orders every interleaving keeps
//! (program order, reads-from and the program's other orders: `R`'s *causal past*). Every
//! move goes from a load to a store, so a cycle through `R` comes back into `R` from a store
//! through `R`'s past, or through the store `R` read. The initial value has no past, so when
//! `R`'s past holds no atomic store either, no cycle passes through `R`: every graph where
//! `R` reads the initial value is reached with `R` run before the stores that follow it.
//!
//! Both conditions are needed. With stores in its past, store buffering (`x = 1; a = y`
//! beside `y = 1; b = x`, both loads reading 0) needs each load after the other thread's
//! store. And a store-free load reading a store `S` other than the initial one can need
//! moves that cycle through `S`'s past: it may need `S`'s thread's earlier stores before it
//! (`x.store(1); y.store(1)` in one thread, a load of `y` and a compare-exchange of `x` from
//! 0 to 3 in another, and a third thread's load of `x` reading 3 while `x` ends 1), or, with
//! two such loads, the stores of 2+2W in a cycle. Skipping every stale value for these loads
//! lost outcomes of both kinds on random programs (`tools/rc11/differential.py`).
//!
//! The past must be a property of the trace, the same in every interleaving DPOR takes for
//! equivalent, since DPOR's replays of a prefix must meet the same value choices. It is
//! built from the thread's own events; the store a load read (the initial value, no store,
//! unless its location was created after one); what a thread inherits at spawn and join;
//! and for mutexes and reference counts, exactly the earlier accesses to the object that do
//! not commute with the new one (`AccessKind::conflict`), through three bits per object (one
//! per class of access that commutes with its own class or not). Whatever is harder to
//! follow counts as a store in the past, which only saves less: every store and
//! read-modify-write, SeqCst loads and fences (RC11's SeqCst order may put other threads'
//! stores before them), a compare-exchange DPOR counts as a write, a non-atomic read of an
//! atomic, and every operation of a channel, condvar, rwlock, barrier or park.
//!
//! Invariant: `ModelThread::store_past` is false only if no atomic store other than initial
//! values lies in the causal past of the thread's next event; an object's bit of a class is
//! set only if an access of that class had such a store in its past.

use std::sync::atomic::Ordering;

use super::execution::Execution;
use super::objects::ObjectState;
use super::op::{AccessKind, Event, EventKind, ObjectIndex};

/// An access that observes the object (a read, a failed `try_lock`) had a store in its past.
const OBSERVED: u8 = 1;
/// A reference-count update that commutes with others (`AccessKind::Update`) had one.
const UPDATED: u8 = 2;
/// Another modification (a lock, an unlock, a decisive count change) had one.
const MODIFIED: u8 = 4;
/// An atomic location was created by a thread with a store in its past: its initial value
/// counts as a store.
const CREATED_AFTER: u8 = 8;

/// Per object, the classes of its accesses so far that had a store in their past.
#[derive(Default)]
pub(crate) struct StorePasts {
    objects: Vec<u8>,
}

impl StorePasts {
    pub(crate) fn clear(&mut self) {
        self.objects.clear();
    }

    fn bits(&self, object: ObjectIndex) -> u8 {
        self.objects.get(object as usize).copied().unwrap_or(0)
    }

    fn set(&mut self, object: ObjectIndex, bits: u8) {
        let index = object as usize;
        if self.objects.len() <= index {
            self.objects.resize(index + 1, 0);
        }
        self.objects[index] |= bits;
    }
}

/// The class of an access to a mutex or a reference count, and the classes it does not
/// commute with (`AccessKind::conflict`): `None` for the other kinds.
fn classes(kind: AccessKind) -> Option<(u8, u8)> {
    match kind {
        AccessKind::Read | AccessKind::Probe => Some((OBSERVED, UPDATED | MODIFIED)),
        AccessKind::Update => Some((UPDATED, OBSERVED | MODIFIED)),
        AccessKind::Write | AccessKind::Acquire | AccessKind::TryAcquire | AccessKind::Release => {
            Some((MODIFIED, OBSERVED | UPDATED | MODIFIED))
        }
        AccessKind::Placed | AccessKind::Sync(_) => None,
    }
}

impl Execution {
    /// The lowest position in modification order a load by the current thread may read:
    /// its floor (`Execution::floor`), past the initial value if `initial_value_skipped`
    /// and the load is not SeqCst.
    pub(crate) fn load_floor(&mut self, object: ObjectIndex, seq_cst: bool) -> usize {
        let floor = self.floor(object, self.weak(seq_cst), true);
        match !seq_cst && self.initial_value_skipped(object) {
            true => floor.max(1),
            false => floor,
        }
    }

    /// Whether a read of `object` by the current thread skips its initial value: no store
    /// lies in the thread's past, and a store to the location ran (module docs).
    pub(crate) fn initial_value_skipped(&self, object: ObjectIndex) -> bool {
        let ObjectState::Atomic(location) = self.objects.state(object) else {
            unreachable!("object {object} is not an atomic location");
        };
        !self.threads[self.current].store_past && location.len() > 1
    }

    /// An atomic location was just created as `object` by the current thread.
    pub(crate) fn note_creation(&mut self, object: ObjectIndex) {
        if self.threads[self.current].store_past {
            self.store_pasts.set(object, CREATED_AFTER);
        }
    }

    /// Brings the current thread's `store_past` up to date after `event`, and the bits of
    /// the object it accessed.
    pub(crate) fn note_store_past(&mut self, event: &Event) {
        let (kind, object) = (event.kind, event.object);
        let me = self.current;
        let mut past = self.threads[me].store_past;
        let read = |order: Ordering, reads_from: usize, pasts: &StorePasts| {
            let initial_after_store = object.is_some_and(|o| pasts.bits(o) & CREATED_AFTER != 0);
            order == Ordering::SeqCst || reads_from != 0 || initial_after_store
        };
        match kind {
            EventKind::Load {
                reads_from, order, ..
            }
            | EventKind::CompareExchangeFailed {
                reads_from,
                order,
                never_writes: true,
                ..
            } => past |= read(order, reads_from, &self.store_pasts),
            EventKind::Store { .. }
            | EventKind::Rmw { .. }
            | EventKind::CompareExchangeFailed { .. }
            | EventKind::UnsyncLoad { .. } => past = true,
            EventKind::Fence { order } => past |= order == Ordering::SeqCst,
            EventKind::Spawn { child } => self.threads[child].store_past = past,
            EventKind::Join { target } => past |= self.threads[target].store_past,
            EventKind::Lock
            | EventKind::TryLock { .. }
            | EventKind::Unlock
            | EventKind::Sync { .. } => {
                let classes = event
                    .access()
                    .and_then(|a| Some((a.object, classes(a.kind)?)));
                past = match classes {
                    Some((object, classes)) => self.object_access(object, classes, past),
                    None => true,
                };
            }
            EventKind::Start
            | EventKind::Finish { .. }
            | EventKind::Yield
            | EventKind::CellRead
            | EventKind::CellWrite => {}
        }
        self.threads[me].store_past = past;
    }

    /// An access of `class` to a mutex or a reference count by a thread whose past is
    /// `past`: its past after it, taking in the earlier accesses it does not commute with
    /// (`conflicting`).
    fn object_access(
        &mut self,
        object: ObjectIndex,
        (class, conflicting): (u8, u8),
        past: bool,
    ) -> bool {
        let past = past || self.store_pasts.bits(object) & conflicting != 0;
        if past {
            self.store_pasts.set(object, class);
        }
        past
    }
}

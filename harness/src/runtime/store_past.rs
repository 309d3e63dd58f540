//! Reads that skip older stores: a read (a load, a read-modify-write, or a compare-exchange,
//! whether it succeeds or fails) whose thread has no atomic store in its causal past reads
//! a store older than the latest only if that store's own past holds one. The initial
//! value counts as a store with an empty past (unless its location was created after a
//! store). SeqCst reads do not skip.
//!
//! The idea. A read `R` of a store `S` while a store `W` that follows `S` in modification
//! order has already run gives the same execution graph as the interleaving where `R` runs
//! before `W`, which DPOR explores too (`R` and `W` conflict): without care, such graphs
//! are explored twice or more (IRIW Relaxed: 77 executions for 16 graphs). Moving every
//! such `R` before its `W`s fails only if the moves close a cycle with the orders every
//! interleaving keeps (program order, reads-from and the program's other orders: the
//! *causal past*). Follow the cycle from one move's target store `W` to the next moved read
//! `R'` (of `S'`): `W` is in `R'`'s causal past, or is `R'` itself (a read-modify-write).
//! With no store in `R'`'s past nor in `S'`'s, `W` is `S'` or `R'`; either way `S` comes
//! before `S'` in modification order or is `S'`, and it is `S'` only when `R'` is a
//! read-modify-write that reads it right after `R` did. Two read-modify-writes never read
//! one store, so around a cycle the stores read would go strictly up somewhere and come back
//! down, which cannot be. So such a read takes the latest store or older stores whose past
//! holds a store: the same graphs, each reached fewer times.
//!
//! Both pasts matter. With stores in the load's past, store buffering (`x = 1; a = y`
//! beside `y = 1; b = x`, both loads reading 0) needs each load after the other thread's
//! store. With one in `S`'s past, `S`'s thread's earlier stores may have to precede the
//! load: `x.store(1); y.store(1)` in one thread, a load of `y` (reading 1) and a
//! compare-exchange of `x` from 0 to 3 in another, and a third thread's load of `x` reading
//! 3 while `x` ends 1. Skipping every older store for loads with no store in their past
//! lost outcomes of that kind on random programs (`tools/rc11/differential.py`).
//!
//! The past must be a property of the trace, the same in every interleaving DPOR takes for
//! equivalent, since DPOR's replays of a prefix must meet the same value choices. It is
//! built from the thread's own events; the store a load read (the initial value, no store,
//! unless its location was created after one); what a thread inherits at spawn and join;
//! and for mutexes and reference counts, exactly the earlier accesses to the object that do
//! not commute with the new one (`AccessKind::conflict`), through three bits per object (one
//! per class of access that commutes with its own class or not). Whatever is harder to
//! follow counts as a store in the past, which only saves less: SeqCst loads and fences
//! (RC11's SeqCst order may put other threads' stores before them), a compare-exchange
//! DPOR counts as a write, a non-atomic read of an atomic, every operation of a channel,
//! condvar, rwlock, barrier or park, and, for a read-modify-write's own record, the store
//! it read. A store's record takes its thread's past before it (`Execution::place_store`);
//! after it, the thread's past holds a store.
//!
//! Invariant: `ModelThread::store_past` is false only if no atomic store other than initial
//! values lies in the causal past of the thread's next event, and `StoreRecord::store_past`
//! likewise for the store's past before it; an object's bit of a class is set only if an
//! access of that class had such a store in its past.

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

/// Each class with a kind that stands for it: every kind of a class conflicts with the
/// same kinds as its representative.
const REPRESENTATIVES: [(u8, AccessKind); 3] = [
    (OBSERVED, AccessKind::Read),
    (UPDATED, AccessKind::Update),
    (MODIFIED, AccessKind::Write),
];

/// The class of an access to a mutex or a reference count, and the classes it does not
/// commute with, as `AccessKind::conflict` says: `None` for the other kinds.
fn classes(kind: AccessKind) -> Option<(u8, u8)> {
    let class = match kind {
        AccessKind::Read | AccessKind::Probe => OBSERVED,
        AccessKind::Update => UPDATED,
        AccessKind::Write | AccessKind::Acquire | AccessKind::TryAcquire | AccessKind::Release => {
            MODIFIED
        }
        AccessKind::Placed | AccessKind::Sync(_) => return None,
    };
    let conflicting = (REPRESENTATIVES.iter())
        .filter(|&&(_, representative)| AccessKind::conflict(kind, representative))
        .fold(0, |bits, &(bit, _)| bits | bit);
    Some((class, conflicting))
}

impl Execution {
    /// Whether a read (SeqCst or not) by the current thread may take the store at
    /// `position` in `object`'s modification order: not when it is not the last, neither
    /// the thread's past nor the store's holds a store, and the read is not SeqCst (module
    /// docs).
    pub(crate) fn may_read_older(
        &self,
        object: ObjectIndex,
        position: usize,
        seq_cst: bool,
    ) -> bool {
        if seq_cst || self.threads[self.current].store_past {
            return true;
        }
        let ObjectState::Atomic(location) = self.objects.state(object) else {
            unreachable!("object {object} is not an atomic location");
        };
        position + 1 == location.len() || location.stores[location.at(position)].store_past
    }

    /// Brings the current thread's `store_past` up to date after `event`, and the bits of
    /// the object it accessed.
    pub(crate) fn note_store_past(&mut self, event: &Event) {
        let (kind, object) = (event.kind, event.object);
        let me = self.current;
        let mut past = self.threads[me].store_past;
        let read = |order: Ordering, reads_from: usize, e: &Execution| {
            let initial = |o| match e.objects.state(o) {
                ObjectState::Atomic(location) => location.stores[0].store_past,
                _ => true,
            };
            order == Ordering::SeqCst || reads_from != 0 || object.is_none_or(initial)
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
            } => past |= read(order, reads_from, self),
            // A store's own record takes the past before it (`Execution::place_store`).
            EventKind::Store { .. } | EventKind::Rmw { .. } => {}
            EventKind::CompareExchangeFailed { .. } | EventKind::UnsyncLoad { .. } => past = true,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_conflict_relation() {
        use AccessKind::*;
        assert_eq!(classes(Probe), Some((OBSERVED, UPDATED | MODIFIED)));
        assert_eq!(classes(Update), Some((UPDATED, OBSERVED | MODIFIED)));
        let all = OBSERVED | UPDATED | MODIFIED;
        for kind in [Write, Acquire, TryAcquire, Release] {
            assert_eq!(classes(kind), Some((MODIFIED, all)), "{kind:?}");
        }
        assert_eq!(classes(Placed), None);
    }
}

//! Reads that skip older stores: a read (a load, a read-modify-write, or a compare-exchange,
//! whether it succeeds or fails) of a location `l` whose causal past holds no atomic store
//! to another location reads a store older than the latest only if that store's own past
//! holds a store to another location. The initial value counts as a store with an empty
//! past (unless its location was created after a store). SeqCst reads skip as others do.
//! Likewise a store whose thread has no store to another location in its past goes before
//! no store that a read took or that it does not commute with in DPOR.
//!
//! The idea. A read `R` of a store `S` while a store `W` that follows `S` in modification
//! order has already run gives the same execution graph as the interleaving where `R` runs
//! before `W`, which DPOR explores too (`R` and `W` conflict): without care, such graphs
//! are explored twice or more (IRIW Relaxed: 77 executions for 16 graphs). Moving every
//! such `R` before its `W`s fails only if the moves close a cycle with the orders every
//! interleaving keeps (program order, reads-from and the program's other orders: the
//! *causal past*). Follow the cycle from one move's target store `W` (a store to `l`) to
//! the next moved read `R'` (of `S'`, a store to `l'`): `W` is in `R'`'s causal past or in
//! `S'`'s, or is `S'` or `R'` itself (a read-modify-write). With no store to another
//! location than `l'` in either past, `l' = l`, and every path from `W` to `R'` runs
//! through happens-before and reads of stores to `l`, so coherence puts `S'` at `W` or
//! after it in `l`'s modification order, after `S`; `S'` is `S` only when `R'` is a
//! read-modify-write that reads it right after `R` did. Two read-modify-writes never read
//! one store, so around a cycle the stores read would go strictly up somewhere and come back
//! down, which cannot be. So such a read takes the latest store or older stores whose past
//! holds a store to another location: the same graphs, each reached fewer times. Until
//! 2026-11-28 the rule asked for no store at all in either past, which saves less (CoRR,
//! CoWR: a thread's own stores to the location it reads).
//!
//! Both pasts matter, and other locations in them. With a store to another location in the
//! load's past, store buffering (`x = 1; a = y` beside `y = 1; b = x`, both loads reading
//! 0) needs each load after the other thread's store. With one in `S`'s past, `S`'s
//! thread's earlier stores may have to precede the load: `x.store(1); y.store(1)` in one
//! thread, a load of `y` (reading 1) and a compare-exchange of `x` from 0 to 3 in another,
//! and a third thread's load of `x` reading 3 while `x` ends 1. Skipping every older store
//! for loads with no store in their past lost outcomes of that kind on random programs
//! (`tools/rc11/differential.py`).
//!
//! The past must be a property of the trace, the same in every interleaving DPOR takes for
//! equivalent, since DPOR's replays of a prefix must meet the same value choices. It is
//! built from the thread's own events; the store a read took, with that store's past (the
//! initial value adds nothing unless its location was created after a store, and then any
//! location); what a thread inherits at spawn and join; and for mutexes and reference
//! counts, exactly the earlier accesses to the object that do not commute with the new one
//! (`AccessKind::conflict`), through three bits per object (one per class of access that
//! commutes with its own class or not), which do not say where the stores were: a store
//! that comes through them counts as one to any location. So does whatever is harder to
//! follow, which only saves less: a compare-exchange DPOR counts as a write, a non-atomic
//! read of an atomic, and every operation of a channel, condvar, rwlock, barrier or park.
//! SeqCst changes nothing here: RC11's SeqCst order is checked on the execution graph
//! (`seq_cst_order`), which the moves do not change, so a SeqCst read skips and takes the
//! store it read and that store's past as any other read does (until 2026-11-29 SeqCst
//! loads neither skipped nor kept their past: 2 more of the litmus table's executions,
//! `tools/rc11/differential.py` finding no outcome lost either way). A fence, SeqCst or
//! not, adds nothing: it is no scheduling point, so no interleaving keeps an order through
//! it beyond program order. A store's record takes its thread's past before it, with the
//! store it read for a read-modify-write (`Execution::place_store`); after it, the
//! thread's past holds a store to its location.
//!
//! Stores placed early, likewise. A store `W` placed before the last store of its location
//! `l`, before a store `S'` that a read `R` already took, gives the graph where `W` runs
//! before `R`, which DPOR explores too (`W` and `R` conflict): there `R` still takes `S'`,
//! and whether `S'` is the latest store does not change. The same holds with `S'` itself
//! for `R` when `S'` and `W` do not commute in DPOR (one of them SeqCst, or `S'` a
//! read-modify-write: `StoreRecord::placed`): `S'` then runs after `W` and takes its place
//! after it. With no store to another location in `W`'s past, `R` is not in it (coherence
//! would put `W` after `S'`). Give a read the place of the store it took and a store its
//! own: each move puts an event before one of a later place (a read before a store newer
//! than the one it took, `W` before a read of a store after it or before such a store), and
//! the path from a move's target to the next moved event runs through a read or a store of
//! `l` (so that event, whose past is confined, is on `l` too) and through happens-before
//! and reads of `l`, where coherence keeps places from going down. Around a cycle the
//! places would go up and come back: no cycle. So such a store takes no place before a
//! store that was read or that it does not commute with (`Execution::placement_floor`):
//! CoWR and CoRR with two writers became one execution per graph (2026-11-29).
//!
//! Invariant: `ModelThread::store_past` is `Empty` only if no atomic store other than
//! initial values lies in the causal past of the thread's next event, and `Only(l)` only
//! if every such store is to `l` and reaches the event through happens-before and reads of
//! stores to `l`; `StoreRecord::store_past` likewise for the store's past before it; an
//! object's bit of a class is set only if an access of that class had such a store in its
//! past.

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

/// Which atomic stores may lie in a causal past (initial values aside): none, stores to
/// one location only, or any.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum StorePast {
    #[default]
    Empty,
    Only(ObjectIndex),
    Any,
}

impl StorePast {
    /// The past of an event whose past holds both.
    pub(crate) fn join(self, other: StorePast) -> StorePast {
        match (self, other) {
            (StorePast::Empty, past) | (past, StorePast::Empty) => past,
            (StorePast::Only(a), StorePast::Only(b)) if a == b => self,
            _ => StorePast::Any,
        }
    }

    /// It holds no store to a location other than `object`.
    fn confined_to(self, object: ObjectIndex) -> bool {
        self == StorePast::Empty || self == StorePast::Only(object)
    }
}

impl Execution {
    /// Whether a read (SeqCst or not) by the current thread may take the store at
    /// `position` in `object`'s modification order: not when it is not the last and neither
    /// the thread's past nor the store's holds a store to another location (module docs).
    pub(crate) fn may_read_older(&self, object: ObjectIndex, position: usize) -> bool {
        if !self.threads[self.current].store_past.confined_to(object) {
            return true;
        }
        let location = self.objects.atomic(object);
        let store = &location.stores[location.at(position)];
        position + 1 == location.len() || !store.store_past.confined_to(object)
    }

    /// The position in `object`'s modification order at or before which a store (`seq_cst`
    /// or not) by the current thread takes no place: its coherence floor `floor`, raised,
    /// when the thread's past holds no store to another location, to the last store after
    /// it that was read or that does not commute with this one in DPOR (module docs).
    pub(crate) fn placement_floor(
        &self,
        object: ObjectIndex,
        seq_cst: bool,
        floor: usize,
    ) -> usize {
        if !self.threads[self.current].store_past.confined_to(object) {
            return floor;
        }
        let location = self.objects.atomic(object);
        (floor + 1..location.len())
            .rev()
            .find(|&p| {
                let store = &location.stores[location.at(p)];
                store.read || seq_cst || !store.placed
            })
            .unwrap_or(floor)
    }

    /// The past of a read of `object` by a thread whose past is `past`, once it took the
    /// store `reads_from` (the store and the store's past join it; an initial value with
    /// nothing in its past adds nothing).
    pub(crate) fn past_after_read(
        &self,
        past: StorePast,
        object: ObjectIndex,
        reads_from: usize,
    ) -> StorePast {
        let ObjectState::Atomic(location) = self.objects.state(object) else {
            return StorePast::Any;
        };
        let store = location.stores[reads_from].store_past;
        match reads_from == 0 && store == StorePast::Empty {
            true => past,
            false => past.join(StorePast::Only(object)).join(store),
        }
    }

    /// Brings the current thread's `store_past` up to date after `event`, and the bits of
    /// the object it accessed.
    pub(crate) fn note_store_past(&mut self, event: &Event) {
        let (kind, object) = (event.kind, event.object);
        let me = self.current;
        let mut past = self.threads[me].store_past;
        match kind {
            EventKind::Load { reads_from, .. }
            | EventKind::CompareExchangeFailed {
                reads_from,
                never_writes: true,
                ..
            } => {
                past = match object {
                    None => StorePast::Any,
                    Some(object) => self.past_after_read(past, object, reads_from),
                }
            }
            // A store's own record takes the past before it (`Execution::place_store`).
            EventKind::Store { .. } | EventKind::Rmw { .. } => {}
            EventKind::CompareExchangeFailed { .. } | EventKind::UnsyncLoad { .. } => {
                past = StorePast::Any
            }
            EventKind::Fence { .. } => {}
            EventKind::Spawn { child } => self.threads[child].store_past = past,
            EventKind::Join { target } => past = past.join(self.threads[target].store_past),
            EventKind::Lock
            | EventKind::TryLock { .. }
            | EventKind::Unlock
            | EventKind::Sync { .. } => {
                let classes = event
                    .access()
                    .and_then(|a| Some((a.object, classes(a.kind)?)));
                past = match classes {
                    Some((object, classes)) => self.object_access(object, classes, past),
                    None => StorePast::Any,
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
    /// (`conflicting`), whose stores it does not tell apart.
    fn object_access(
        &mut self,
        object: ObjectIndex,
        (class, conflicting): (u8, u8),
        past: StorePast,
    ) -> StorePast {
        let past = match self.store_pasts.bits(object) & conflicting {
            0 => past,
            _ => StorePast::Any,
        };
        if past != StorePast::Empty {
            self.store_pasts.set(object, class);
        }
        past
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasts_join_to_one_location_or_any() {
        use StorePast::*;
        assert_eq!(Empty.join(Only(3)), Only(3));
        assert_eq!(Only(3).join(Empty), Only(3));
        assert_eq!(Only(3).join(Only(3)), Only(3));
        assert_eq!(Only(3).join(Only(4)), Any);
        assert_eq!(Any.join(Empty), Any);
        assert_eq!(Empty.join(Empty), Empty);
        assert!(Empty.confined_to(3) && Only(3).confined_to(3));
        assert!(!Only(4).confined_to(3) && !Any.confined_to(3));
    }

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

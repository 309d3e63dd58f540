//! Stale reads that could run earlier: a load (SeqCst or not), a read-modify-write or a
//! compare-exchange (whether it succeeds or fails) does not take a store `S` while a store
//! `W` after `S` in modification order has already run, when `W` is not in the read's
//! *causal cone*: that graph is reached where the read runs before `W`.
//!
//! The cone. DPOR orders every two accesses of an object that conflict (`AccessKind`), but
//! in an execution graph some of those orders are not fixed. A read `p` and a store `x` of
//! one location that `p` does not read may run in either order and give the same graph, as
//! long as `p` still takes its store, when `p` is a load and `x` a plain store (placed or
//! SeqCst) or a read-modify-write, or `p` a read-modify-write and `x` a plain store (a
//! SeqCst store takes the last place when it runs, and a read-modify-write that runs after
//! it and reads an older store puts its own before it: the same modification order). Call
//! their order *out of place* when `x` runs before `p` and follows `p`'s store in
//! modification order, or runs after `p` and precedes it (a read-modify-write's own store
//! comes right after the one it read). The cone of an event is what reaches it through
//! program order, spawn and join, and every conflict order except the out-of-place ones;
//! the read's own cone, for a store `S`, takes in every store of its location it would then
//! not be out of place with.
//!
//! Why a read may skip `S` when some such `W` is outside its cone. Move the read, with the
//! part of its cone that ran after `W`, to just before `W`, keeping their order. Whatever
//! they pass is outside the cone, so the only conflict orders that change are out-of-place
//! ones between a moved event and one it passes, which become in place: the same graph
//! (RC11's SeqCst order is checked on the graph, `seq_cst_order`), reached by an
//! interleaving with fewer out-of-place orders. Repeating this ends, at an interleaving of
//! the same graph where no read skips. The older-store skip and the store placement rule of
//! `store_past` make moves of the same kind (an event put before one it is out of place
//! with), so all three together still reach every graph. The latest store is never skipped
//! (no store follows it), so a read always has a choice. Under a preemption bound the moved
//! interleaving may take one preemption too many, so the skip is off there
//! (`Execution::early_reads`).
//!
//! A compare-exchange that fails is a load here, as the reader and wherever the scan meets
//! one. Moved, it may meet a store it could succeed on, or no longer meet one, and DPOR
//! then counts it as a write or as a read (`never_writes`): another trace, the same graph.
//! The orders the cone keeps for it (with stores) are ones DPOR keeps either way, so the
//! cone is still the same in every interleaving of a trace.
//!
//! The cone is a property of the trace (the conflict orders, the stores read and
//! modification order), the same in every interleaving DPOR takes for equivalent, as DPOR's
//! replays of a prefix must meet the same value choices. It is found by one scan of the
//! execution's events backwards from the read: an event is in the cone when a later event
//! of its thread is, or a later one in the cone conflicts with it in an order kept, or it
//! spawned a thread with an event in the cone, or, for a join in the cone, it is one of the
//! joined thread's events. The initial value's cone is its location's creator's events
//! before the location was made. An earlier version of the idea (README, "Weak memory"),
//! with what happened before the read in the trace in place of its cone, lost outcomes on
//! three random programs (`value_choice_skipping_regressions`), which this one passes.
//!
//! Invariant: `Execution::could_read_earlier` says yes only if a store after the position
//! in modification order, which the read would be out of place with, is outside the read's
//! cone, as defined above.

use std::sync::atomic::Ordering;

use super::coherence::AtomicLocation;
use super::execution::Execution;
use super::objects::ObjectState;
use super::op::{AccessKind, Event, EventKind, ObjectIndex};

/// How an access to an atomic location takes part in the cone.
#[derive(Clone, Copy)]
enum AtomicAccess {
    /// A load (SeqCst or not) or a compare-exchange that failed, of the store at this place
    /// in modification order.
    Load(u32),
    /// A store that chooses its place (`AccessKind::Placed`), at this place.
    Placed(u32),
    /// A SeqCst store, at this place: out of place with loads as a placed store is, and with
    /// read-modify-writes whose own store comes before it, but in conflict with every other
    /// store.
    SeqCstStore(u32),
    /// A read-modify-write (or a compare-exchange that succeeded) of the store at this place,
    /// its own store right after it: out of place with loads and plain stores as a load is
    /// and as a store is, in conflict with other read-modify-writes.
    Rmw(u32),
}

/// What the cone's events found so far (later in the trace than the scan) hold of one
/// object: what an earlier access to it must not conflict with to stay out of the cone.
#[derive(Clone, Default)]
struct Later {
    /// Access kinds of the cone's events, for objects that are not atomic locations.
    kinds: Vec<AccessKind>,
    /// The latest place of a store that a read-modify-write in the cone took.
    rmw: Option<u32>,
    /// The latest place of a store that a load in the cone took.
    loaded: Option<u32>,
    /// The latest place of a placed store in the cone.
    placed: Option<u32>,
    /// The latest place of a SeqCst store in the cone.
    seq_cst: Option<u32>,
    /// The location's stores that the scan has not met yet, once it met one event of it
    /// (the next store event it meets made the store with id `stores - 1`).
    stores: Option<usize>,
}

impl AtomicAccess {
    /// The place in modification order of the store it made, if it made one (a
    /// read-modify-write's is right after the one it read).
    fn store_place(self) -> Option<usize> {
        match self {
            AtomicAccess::Placed(at) | AtomicAccess::SeqCstStore(at) => Some(at as usize),
            AtomicAccess::Rmw(read) => Some(read as usize + 1),
            AtomicAccess::Load(_) => None,
        }
    }
}

impl Later {
    /// Whether an earlier `access` is in the cone through a conflict order kept.
    fn takes(&self, access: AtomicAccess) -> bool {
        let after = |at: u32, place: Option<u32>| place.is_some_and(|p| p > at);
        let read_at_or_after = |at: u32| self.loaded.is_some_and(|p| p >= at);
        let (seq_cst, rmw) = (self.seq_cst.is_some(), self.rmw.is_some());
        // A read-modify-write that read the store at `r` has its own at `r + 1`.
        let rmw_at_or_after = |at: u32| self.rmw.is_some_and(|r| r >= at);
        match access {
            AtomicAccess::Load(at) => {
                after(at, self.placed) || after(at, self.seq_cst) || rmw_at_or_after(at)
            }
            AtomicAccess::Placed(at) => read_at_or_after(at) || seq_cst || rmw_at_or_after(at),
            AtomicAccess::SeqCstStore(at) => {
                read_at_or_after(at) || self.placed.is_some() || seq_cst || rmw_at_or_after(at)
            }
            AtomicAccess::Rmw(at) => {
                self.loaded.is_some_and(|p| p > at)
                    || after(at, self.placed)
                    || after(at, self.seq_cst)
                    || rmw
            }
        }
    }

    fn add(&mut self, access: AtomicAccess) {
        let latest = |place: &mut Option<u32>, at| *place = Some(place.map_or(at, |p| p.max(at)));
        match access {
            AtomicAccess::Load(at) => latest(&mut self.loaded, at),
            AtomicAccess::Placed(at) => latest(&mut self.placed, at),
            AtomicAccess::SeqCstStore(at) => latest(&mut self.seq_cst, at),
            AtomicAccess::Rmw(at) => latest(&mut self.rmw, at),
        }
    }
}

/// The scan's state: each thread's events before `upto[thread]` (trace indices) are in
/// the cone, and each object's `Later`. Kept from one scan to the next (and across
/// executions, in `Execution::cone`) for its room.
#[derive(Default)]
pub(crate) struct Cone {
    upto: Vec<usize>,
    later: Vec<Later>,
}

impl Cone {
    /// Empty, for `threads` threads and `objects` objects.
    fn reset(&mut self, threads: usize, objects: usize) {
        self.upto.clear();
        self.upto.resize(threads, 0);
        self.later.truncate(objects);
        for later in &mut self.later {
            let mut kinds = std::mem::take(&mut later.kinds);
            kinds.clear();
            *later = Later {
                kinds,
                ..Later::default()
            };
        }
        self.later.resize(objects, Later::default());
    }

    fn include(&mut self, thread: usize, index: usize) {
        self.upto[thread] = self.upto[thread].max(index);
    }
}

impl Execution {
    /// Whether a read by the current thread (a read-modify-write when `rmw`) of the store at
    /// `position` in `object`'s modification order is an older store that repeats another
    /// trace's graph, and so not a value choice: `store_past`'s older-store skip, or this
    /// module's (off under a preemption bound: `Execution::early_reads`).
    pub(crate) fn repeats_graph(
        &mut self,
        object: ObjectIndex,
        position: usize,
        rmw: bool,
    ) -> bool {
        !self.may_read_older(object, position)
            || (self.early_reads && self.could_read_earlier(object, position, rmw))
    }

    /// Whether a read by the current thread (a load, or a read-modify-write when `rmw`) of
    /// the store at `position` in `object`'s modification order repeats the graph of an
    /// interleaving where it runs earlier: a store after `position` that it would be out
    /// of place with is outside its cone (module docs).
    fn could_read_earlier(&mut self, object: ObjectIndex, position: usize, rmw: bool) -> bool {
        if position + 1 == self.objects.atomic(object).len() {
            return false;
        }
        let mut cone = std::mem::take(&mut self.cone);
        cone.reset(self.threads.len(), self.objects.len());
        let outside = self.scan(&mut cone, object, position, rmw);
        self.cone = cone;
        outside
    }

    /// `could_read_earlier`'s scan of the events backwards, with `cone` empty.
    fn scan(&self, cone: &mut Cone, object: ObjectIndex, position: usize, rmw: bool) -> bool {
        let location = self.objects.atomic(object);
        cone.include(self.current, self.events.len());
        self.enter_location(cone, object);
        let read = match rmw {
            true => AtomicAccess::Rmw(position as u32),
            false => AtomicAccess::Load(position as u32),
        };
        cone.later[object as usize].add(read);
        // The stores after `position` that the scan has not met: once it met them all, what
        // lies before cannot change the answer.
        let mut newer = location.len() - 1 - position;
        for (index, event) in self.events.iter().enumerate().rev() {
            let mut inside = index < cone.upto[event.thread];
            match (event.kind, event.object) {
                (EventKind::Spawn { child }, _) => inside |= cone.upto[child] > 0,
                (EventKind::Join { target }, _) if inside => cone.include(target, index),
                (_, Some(at)) => match self.objects.state(at) {
                    ObjectState::Atomic(found) => {
                        let later = &mut cone.later[at as usize];
                        if let Some(access) = self.atomic_access(later, found, event) {
                            inside |= later.takes(access);
                            if at == object && access.store_place() > Some(position) {
                                // A newer store outside the cone that the read is out of
                                // place with (not two read-modify-writes: module docs).
                                let both_rmw = rmw && matches!(access, AtomicAccess::Rmw(_));
                                if !inside && !both_rmw {
                                    return true;
                                }
                                newer -= 1;
                                if newer == 0 {
                                    return false;
                                }
                            }
                            if inside {
                                later.add(access);
                                self.enter_location(cone, at);
                            }
                        }
                    }
                    _ => {
                        let later = &mut cone.later[at as usize];
                        if let Some(kind) = event.access().map(|access| access.kind) {
                            inside |= later.kinds.iter().any(|&k| AccessKind::conflict(kind, k));
                            if inside && !later.kinds.contains(&kind) {
                                later.kinds.push(kind);
                            }
                        }
                    }
                },
                _ => {}
            }
            if inside {
                cone.include(event.thread, index + 1);
            }
        }
        // Every store after `position` was made by an event met above.
        debug_assert!(
            false,
            "a store after position {position} that no event made"
        );
        false
    }

    /// An access to `location` in the cone brings in its initial value's past: its
    /// creator's events before it was made.
    fn enter_location(&self, cone: &mut Cone, object: ObjectIndex) {
        let (creator, events) = self.objects.atomic(object).created;
        cone.include(creator, events);
    }

    /// How `event`, on `location`, takes part in the cone (`None`: it is no access, such
    /// as a non-atomic read); a store event also counts off the location's stores in `later`.
    fn atomic_access(
        &self,
        later: &mut Later,
        location: &AtomicLocation,
        event: &Event,
    ) -> Option<AtomicAccess> {
        let mut place_of_store = || {
            let left = later.stores.unwrap_or(location.len()) - 1;
            later.stores = Some(left);
            location.stores[left].position
        };
        let place_read = |id: usize| location.stores[id].position;
        Some(match event.kind {
            EventKind::Load { reads_from, .. }
            | EventKind::CompareExchangeFailed { reads_from, .. } => {
                AtomicAccess::Load(place_read(reads_from))
            }
            EventKind::Store { order, .. } => {
                let place = place_of_store();
                match order {
                    Ordering::SeqCst => AtomicAccess::SeqCstStore(place),
                    _ => AtomicAccess::Placed(place),
                }
            }
            EventKind::Rmw { reads_from, .. } => {
                place_of_store();
                AtomicAccess::Rmw(place_read(reads_from))
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::AtomicAccess::{Load, Placed, Rmw, SeqCstStore};
    use super::*;

    fn after(access: AtomicAccess) -> Later {
        let mut later = Later::default();
        later.add(access);
        later
    }

    #[test]
    fn a_load_keeps_the_stores_up_to_the_one_it_read() {
        let load = after(Load(2));
        assert!(load.takes(Placed(1)) && load.takes(Placed(2)) && load.takes(SeqCstStore(2)));
        assert!(!load.takes(Placed(3)) && !load.takes(SeqCstStore(3)));
        assert!(load.takes(Rmw(1)) && !load.takes(Rmw(2)));
        assert!(
            !load.takes(Load(0)),
            "loads (and failed compare-exchanges) commute"
        );
    }

    #[test]
    fn a_store_keeps_the_loads_of_older_stores_and_the_stores_it_conflicts_with() {
        let placed = after(Placed(2));
        assert!(placed.takes(Load(1)) && !placed.takes(Load(2)) && !placed.takes(Load(3)));
        assert!(placed.takes(SeqCstStore(5)) && placed.takes(Rmw(0)) && !placed.takes(Rmw(3)));
        assert!(!placed.takes(Placed(1)), "placed stores commute");
        let seq_cst = after(SeqCstStore(2));
        assert!(seq_cst.takes(Load(1)) && !seq_cst.takes(Load(2)));
        assert!(seq_cst.takes(Placed(3)) && seq_cst.takes(SeqCstStore(0)));
    }

    #[test]
    fn a_read_modify_write_is_a_load_of_its_store_and_a_store_right_after_it() {
        // It read the store at 2; its own is between 2 and 3.
        let rmw = after(Rmw(2));
        assert!(
            rmw.takes(Load(2)) && !rmw.takes(Load(3)),
            "loads of older stores"
        );
        assert!(
            rmw.takes(Placed(2)) && !rmw.takes(Placed(3)),
            "stores up to the one read"
        );
        assert!(rmw.takes(Rmw(0)));
        assert!(
            rmw.takes(SeqCstStore(2)) && !rmw.takes(SeqCstStore(4)),
            "SeqCst stores up to the one read"
        );
        // Later accesses keep an earlier one that read the store at 2 when they are newer.
        assert!(after(Load(3)).takes(Rmw(2)) && !after(Load(2)).takes(Rmw(2)));
        assert!(after(Placed(3)).takes(Rmw(2)) && !after(Placed(1)).takes(Rmw(2)));
        assert!(after(SeqCstStore(4)).takes(Rmw(2)) && !after(SeqCstStore(1)).takes(Rmw(2)));
    }
}

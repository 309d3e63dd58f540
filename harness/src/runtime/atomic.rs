//! Atomic locations under sequential consistency: a load reads the latest store in
//! modification order, and records which store that was. Each store also carries the clock
//! a synchronising read acquires (`happens_before`), by the orderings of both sides.
//!
//! Invariant: every store (including read-modify-writes and the initial value) is appended to
//! the location's modification order, and every event that reads names the store it read
//! (`reads_from`), so that weak memory can make that a recorded choice without a rewrite.

use std::sync::atomic::Ordering;

use super::clock::VectorClock;
use super::execution::Execution;
use super::objects::{AtomicLocation, ObjectState, StoreRecord};
use super::op::{EventKind, ObjectIndex, Site};
use super::race::{CellAccess, Race};

impl Execution {
    pub(crate) fn atomic_new(
        &mut self,
        value: u64,
        type_name: &'static str,
        site: Site,
    ) -> ObjectIndex {
        let location = AtomicLocation {
            stores: vec![StoreRecord {
                value,
                sync: VectorClock::default(),
            }],
            writers: Vec::new(),
            unsync_reads: Vec::new(),
        };
        self.add_object(ObjectState::Atomic(location), type_name, site)
    }

    fn location(&mut self, object: ObjectIndex) -> &mut AtomicLocation {
        match &mut self.objects[object as usize].state {
            ObjectState::Atomic(location) => location,
            _ => unreachable!("object {object} is not an atomic location"),
        }
    }

    /// Reads the latest store with `order`: its index and value.
    fn read_latest(&mut self, object: ObjectIndex, order: Ordering) -> (usize, u64) {
        let me = self.current;
        let ObjectState::Atomic(location) = &self.objects[object as usize].state else {
            unreachable!("object {object} is not an atomic location");
        };
        let (index, store) = location.latest();
        self.threads[me].clocks.read(order, &store.sync);
        (index, store.value)
    }

    /// Appends a store of `value` with `order`; `continues` is the store an RMW read.
    fn push_store(
        &mut self,
        object: ObjectIndex,
        value: u64,
        order: Ordering,
        continues: Option<usize>,
    ) {
        let me = self.current;
        let ObjectState::Atomic(location) = &mut self.objects[object as usize].state else {
            unreachable!("object {object} is not an atomic location");
        };
        let read = continues.map(|i| &location.stores[i].sync);
        let clocks = &mut self.threads[me].clocks;
        let writer = CellAccess {
            thread: me,
            epoch: clocks.epoch(me),
            event: self.events.len() - 1,
        };
        let sync = clocks.write(me, order, read);
        location.stores.push(StoreRecord { value, sync });
        match location.writers.iter_mut().find(|w| w.thread == me) {
            Some(latest) => *latest = writer,
            None => location.writers.push(writer),
        }
        if !location.unsync_reads.is_empty() {
            let now = &self.threads[me].clocks.now;
            let unordered = location
                .unsync_reads
                .iter()
                .find(|r| r.thread != me && !now.covers(r.thread, r.epoch))
                .copied();
            self.race = self.race.or(unordered.map(|previous| Race {
                object,
                access: writer.event,
                previous: previous.event,
            }));
        }
    }

    /// A non-atomic read of the location (`unsync_load`): no scheduling point, checked like
    /// a cell read against every store not ordered before it. True (and `self.race` set)
    /// when it races.
    pub(crate) fn atomic_unsync_load(&mut self, object: ObjectIndex, site: Site) -> (u64, bool) {
        let me = self.current;
        let ObjectState::Atomic(location) = &self.objects[object as usize].state else {
            unreachable!("object {object} is not an atomic location");
        };
        let value = location.latest().1.value;
        let clocks = &self.threads[me].clocks;
        let unordered = location
            .writers
            .iter()
            .find(|w| w.thread != me && !clocks.now.covers(w.thread, w.epoch))
            .copied();
        let event = self.record(EventKind::UnsyncLoad { value }, Some(object), site);
        let read = CellAccess {
            thread: me,
            epoch: self.threads[me].clocks.epoch(me),
            event,
        };
        let ObjectState::Atomic(location) = &mut self.objects[object as usize].state else {
            unreachable!("checked above");
        };
        match location.unsync_reads.iter_mut().find(|r| r.thread == me) {
            Some(latest) => *latest = read,
            None => location.unsync_reads.push(read),
        }
        self.race = unordered.map(|previous| Race {
            object,
            access: event,
            previous: previous.event,
        });
        (value, self.race.is_some())
    }

    pub(crate) fn atomic_load(&mut self, object: ObjectIndex, order: Ordering, site: Site) -> u64 {
        let (reads_from, value) = self.read_latest(object, order);
        let kind = EventKind::Load {
            value,
            reads_from,
            order,
        };
        self.record(kind, Some(object), site);
        value
    }

    pub(crate) fn atomic_store(
        &mut self,
        object: ObjectIndex,
        value: u64,
        order: Ordering,
        site: Site,
    ) {
        self.record(EventKind::Store { value, order }, Some(object), site);
        self.push_store(object, value, order, None);
    }

    /// Reads the latest value, stores `update(old)`, returns `old`.
    pub(crate) fn atomic_rmw(
        &mut self,
        object: ObjectIndex,
        order: Ordering,
        update: impl FnOnce(u64) -> u64,
        site: Site,
    ) -> u64 {
        let (reads_from, old) = self.read_latest(object, order);
        let new = update(old);
        let kind = EventKind::Rmw {
            old,
            new,
            reads_from,
            order,
        };
        self.record(kind, Some(object), site);
        self.push_store(object, new, order, Some(reads_from));
        old
    }

    pub(crate) fn atomic_compare_exchange(
        &mut self,
        object: ObjectIndex,
        expected: u64,
        new: u64,
        success: Ordering,
        failure: Ordering,
        site: Site,
    ) -> Result<u64, u64> {
        let actual = self.location(object).latest().1.value;
        let order = if actual == expected { success } else { failure };
        let (reads_from, old) = self.read_latest(object, order);
        if old == expected {
            let kind = EventKind::Rmw {
                old,
                new,
                reads_from,
                order,
            };
            self.record(kind, Some(object), site);
            self.push_store(object, new, order, Some(reads_from));
            Ok(old)
        } else {
            let kind = EventKind::CompareExchangeFailed {
                actual: old,
                reads_from,
                order,
            };
            self.record(kind, Some(object), site);
            Err(old)
        }
    }

    /// The latest value, read without a scheduling point (`get_mut`, `into_inner`: the caller
    /// has exclusive access).
    pub(crate) fn atomic_peek(&mut self, object: ObjectIndex) -> u64 {
        self.location(object).latest().1.value
    }

    /// A write through `get_mut`, made visible to later accesses; exclusive access orders it,
    /// so it is recorded as a store without a scheduling point.
    pub(crate) fn atomic_overwrite(&mut self, object: ObjectIndex, value: u64, site: Site) {
        let order = Ordering::Relaxed;
        self.record(EventKind::Store { value, order }, Some(object), site);
        self.push_store(object, value, order, None);
    }

    /// A fence of the current thread (`happens_before`: acquire and release fences).
    pub(crate) fn fence(&mut self, order: Ordering, site: Site) {
        let me = self.current;
        self.threads[me].clocks.fence(me, order);
        self.record(EventKind::Fence { order }, None, site);
    }
}

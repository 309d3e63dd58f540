//! Atomic locations under sequential consistency: a load reads the latest store in
//! modification order, and records which store that was.
//!
//! Invariant: every store (including read-modify-writes and the initial value) is appended to
//! the location's modification order, and every event that reads names the store it read
//! (`reads_from`), so that weak memory can make that a recorded choice without a rewrite.

use std::sync::atomic::Ordering;

use super::execution::Execution;
use super::objects::{AtomicLocation, ObjectState, StoreRecord};
use super::op::{EventKind, ObjectIndex, Site};

impl Execution {
    pub(crate) fn atomic_new(
        &mut self,
        value: u64,
        type_name: &'static str,
        site: Site,
    ) -> ObjectIndex {
        let location = AtomicLocation {
            stores: vec![StoreRecord { value }],
        };
        self.add_object(ObjectState::Atomic(location), type_name, site)
    }

    fn location(&mut self, object: ObjectIndex) -> &mut AtomicLocation {
        match &mut self.objects[object as usize].state {
            ObjectState::Atomic(location) => location,
            _ => unreachable!("object {object} is not an atomic location"),
        }
    }

    fn push_store(&mut self, object: ObjectIndex, value: u64) {
        self.location(object).stores.push(StoreRecord { value });
    }

    pub(crate) fn atomic_load(&mut self, object: ObjectIndex, order: Ordering, site: Site) -> u64 {
        let (reads_from, store) = self.location(object).latest();
        let kind = EventKind::Load {
            value: store.value,
            reads_from,
            order,
        };
        self.record(kind, Some(object), site);
        store.value
    }

    pub(crate) fn atomic_store(
        &mut self,
        object: ObjectIndex,
        value: u64,
        order: Ordering,
        site: Site,
    ) {
        self.record(EventKind::Store { value, order }, Some(object), site);
        self.push_store(object, value);
    }

    /// Reads the latest value, stores `update(old)`, returns `old`.
    pub(crate) fn atomic_rmw(
        &mut self,
        object: ObjectIndex,
        order: Ordering,
        update: impl FnOnce(u64) -> u64,
        site: Site,
    ) -> u64 {
        let (reads_from, store) = self.location(object).latest();
        let old = store.value;
        let new = update(old);
        let kind = EventKind::Rmw {
            old,
            new,
            reads_from,
            order,
        };
        self.record(kind, Some(object), site);
        self.push_store(object, new);
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
        let (reads_from, store) = self.location(object).latest();
        if store.value == expected {
            let kind = EventKind::Rmw {
                old: store.value,
                new,
                reads_from,
                order: success,
            };
            self.record(kind, Some(object), site);
            self.push_store(object, new);
            Ok(store.value)
        } else {
            let kind = EventKind::CompareExchangeFailed {
                actual: store.value,
                reads_from,
                order: failure,
            };
            self.record(kind, Some(object), site);
            Err(store.value)
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
        let kind = EventKind::Store {
            value,
            order: Ordering::Relaxed,
        };
        self.record(kind, Some(object), site);
        self.push_store(object, value);
    }
}

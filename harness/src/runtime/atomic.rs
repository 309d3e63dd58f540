//! Atomic accesses of the running thread under weak memory (see `coherence`): a load reads a
//! store between its floor and the last in modification order, a store takes a place after
//! its floor, and which one is the step's value choice (`value_choice`), option 0 being the
//! sequentially consistent outcome (the latest store, the last place). Each store carries the
//! clock a synchronising read acquires (`happens_before`), by the orderings of both sides.
//!
//! Invariant: every access is observed by its location (coherence floors), every event that
//! reads names the store it read (`reads_from`, a store id), and only an access with more
//! than one outcome asks for a choice, so a sequentially consistent program makes none.

use std::sync::atomic::Ordering;

use super::coherence::{AtomicLocation, Reader, StoreRecord};
use super::execution::Execution;
use super::objects::ObjectState;
use super::op::{EventKind, ObjectIndex, Site};
use super::race::{CellAccess, Race};

/// What a compare-exchange does, by the position (in modification order) of the store it
/// reads.
#[derive(Clone, Copy)]
enum Exchange {
    /// The store holds the expected value: the exchange replaces it, right after it.
    Succeed(usize),
    /// The store does not hold the expected value: the exchange fails.
    Fail(usize),
    /// A weak compare-exchange reads the expected value and fails anyway.
    Spurious(usize),
}

impl Execution {
    pub(crate) fn atomic_new(
        &mut self,
        value: u64,
        type_name: &'static str,
        site: Site,
    ) -> ObjectIndex {
        let location = AtomicLocation::new(value);
        self.add_object(ObjectState::Atomic(location), type_name, site)
    }

    fn location(&mut self, object: ObjectIndex) -> &mut AtomicLocation {
        match &mut self.objects[object as usize].state {
            ObjectState::Atomic(location) => location,
            _ => unreachable!("object {object} is not an atomic location"),
        }
    }

    /// The lowest position in modification order the current thread may read (or place a
    /// store after) with `order`; for a load, the last position when the thread yielded
    /// since it last loaded the location (see `AtomicLocation::spun`).
    fn floor(&mut self, object: ObjectIndex, order: Ordering, load: bool) -> usize {
        let me = self.current;
        let seq_cst = order == Ordering::SeqCst;
        let ObjectState::Atomic(location) = &self.objects[object as usize].state else {
            unreachable!("object {object} is not an atomic location");
        };
        let last = location.len() - 1;
        let arena = &self.observations;
        let spun = || load && location.spun(arena, me, self.threads[me].spins);
        if last == 0 || (seq_cst && location.seq_cst_is_latest()) || spun() {
            return last;
        }
        let reader = Reader {
            thread: me,
            now: &self.threads[me].clocks.now,
            seq_cst,
        };
        location.floor(arena, reader)
    }

    /// Reads the store with id `id` with `order`: its value.
    fn read_store(&mut self, object: ObjectIndex, id: usize, order: Ordering) -> u64 {
        let me = self.current;
        let ObjectState::Atomic(location) = &mut self.objects[object as usize].state else {
            unreachable!("object {object} is not an atomic location");
        };
        let thread = &mut self.threads[me];
        thread.clocks.read(order, &location.stores[id].sync);
        let at = (thread.clocks.epoch(me), thread.spins);
        location.observe(&mut self.observations, me, at, id as u32);
        location.stores[id].value
    }

    /// Adds a store of `value` with `order` at `position` in modification order; `continues`
    /// is the store an RMW read (then `position` is right after it).
    fn place_store(
        &mut self,
        object: ObjectIndex,
        value: u64,
        order: Ordering,
        position: usize,
        continues: Option<usize>,
    ) {
        let me = self.current;
        let ObjectState::Atomic(location) = &mut self.objects[object as usize].state else {
            unreachable!("object {object} is not an atomic location");
        };
        let read = continues.map(|i| &location.stores[i].sync);
        let clocks = &mut self.threads[me].clocks;
        let epoch = clocks.epoch(me);
        let writer = CellAccess {
            thread: me,
            epoch,
            event: self.events.len() - 1,
        };
        let sync = clocks.write(me, order, read);
        let record = StoreRecord {
            value,
            sync,
            position: 0,
            rmw: continues.is_some(),
        };
        let id = location.insert(position, record);
        let at = (epoch, self.threads[me].spins);
        location.observe(&mut self.observations, me, at, id);
        if order == Ordering::SeqCst {
            location.seq_cst_store(id);
        }
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

    /// Reads a store between the thread's floor and the last one (the step's choice).
    pub(crate) fn atomic_load(&mut self, object: ObjectIndex, order: Ordering, site: Site) -> u64 {
        let floor = self.floor(object, order, true);
        let location = self.location(object);
        let last = location.len() - 1;
        let option = self.choice.take(last - floor + 1);
        let reads_from = self.location(object).at(last - option);
        let value = self.read_store(object, reads_from, order);
        let kind = EventKind::Load {
            value,
            reads_from,
            order,
            stale: option != 0,
        };
        self.record(kind, Some(object), site);
        value
    }

    /// Stores `value` at a place after the thread's floor (the step's choice).
    pub(crate) fn atomic_store(
        &mut self,
        object: ObjectIndex,
        value: u64,
        order: Ordering,
        site: Site,
    ) {
        let floor = self.floor(object, order, false);
        let location = self.location(object);
        let options = location.placements(floor).count();
        let option = self.choice.take(options);
        let position = self
            .location(object)
            .placements(floor)
            .nth(option)
            .expect("the last place is always allowed");
        let early = option != 0;
        let kind = EventKind::Store {
            value,
            order,
            early,
        };
        self.record(kind, Some(object), site);
        self.place_store(object, value, order, position, None);
    }

    /// Reads a store between the thread's floor and the last that no other read-modify-write
    /// read (the step's choice), stores `update(old)` right after it, returns `old`.
    pub(crate) fn atomic_rmw(
        &mut self,
        object: ObjectIndex,
        order: Ordering,
        update: impl FnOnce(u64) -> u64,
        site: Site,
    ) -> u64 {
        let floor = self.floor(object, order, true);
        let options = self.location(object).rmw_reads(floor).count();
        let option = self.choice.take(options);
        let position = (self.location(object).rmw_reads(floor).nth(option))
            .expect("the latest store is always free");
        let reads_from = self.location(object).at(position);
        let old = self.read_store(object, reads_from, order);
        let new = update(old);
        let kind = EventKind::Rmw {
            old,
            new,
            reads_from,
            order,
        };
        self.record(kind, Some(object), site);
        self.place_store(object, new, order, position + 1, Some(reads_from));
        old
    }

    /// The outcomes a compare-exchange may have, in option order, from the latest store
    /// down to the floor: success for a store holding `expected` that no other
    /// read-modify-write read (and then, when `weak`, a spurious failure), a failure for a
    /// store that does not hold it.
    fn exchanges(
        location: &AtomicLocation,
        floor: usize,
        expected: u64,
        weak: bool,
    ) -> impl Iterator<Item = Exchange> + '_ {
        (floor..location.len()).rev().flat_map(move |p| {
            let holds = location.stores[location.at(p)].value == expected;
            match (holds, location.rmw_may_read(p)) {
                (false, _) => [Some(Exchange::Fail(p)), None],
                (true, free) => [
                    free.then_some(Exchange::Succeed(p)),
                    weak.then_some(Exchange::Spurious(p)),
                ],
            }
            .into_iter()
            .flatten()
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn atomic_compare_exchange(
        &mut self,
        object: ObjectIndex,
        expected: u64,
        new: u64,
        success: Ordering,
        failure: Ordering,
        weak: bool,
        site: Site,
    ) -> Result<u64, u64> {
        let read_order = match success {
            Ordering::SeqCst => Ordering::SeqCst,
            _ => failure,
        };
        let floor = self.floor(object, read_order, true);
        // At most one spurious failure in a row (fairness: a retry loop ends).
        let thread = &mut self.threads[self.current];
        let weak = weak && !std::mem::take(&mut thread.failed_spuriously);
        let location = self.location(object);
        let options = Execution::exchanges(location, floor, expected, weak).count();
        let option = self.choice.take(options);
        let location = self.location(object);
        let exchange = Execution::exchanges(location, floor, expected, weak)
            .nth(option)
            .expect("a compare-exchange has an outcome");
        match exchange {
            Exchange::Succeed(position) => {
                let reads_from = self.location(object).at(position);
                let old = self.read_store(object, reads_from, success);
                let kind = EventKind::Rmw {
                    old,
                    new,
                    reads_from,
                    order: success,
                };
                self.record(kind, Some(object), site);
                self.place_store(object, new, success, position + 1, Some(reads_from));
                Ok(old)
            }
            Exchange::Fail(position) | Exchange::Spurious(position) => {
                if matches!(exchange, Exchange::Spurious(_)) {
                    self.threads[self.current].failed_spuriously = true;
                }
                let reads_from = self.location(object).at(position);
                let actual = self.read_store(object, reads_from, failure);
                let kind = EventKind::CompareExchangeFailed {
                    actual,
                    reads_from,
                    order: failure,
                };
                self.record(kind, Some(object), site);
                Err(actual)
            }
        }
    }

    /// The latest value, read without a scheduling point (`get_mut`, `into_inner`: the caller
    /// has exclusive access, so every store is in its past).
    pub(crate) fn atomic_peek(&mut self, object: ObjectIndex) -> u64 {
        self.location(object).latest().1.value
    }

    /// A write through `get_mut`, made visible to later accesses; exclusive access orders it,
    /// so it is recorded as a store without a scheduling point.
    pub(crate) fn atomic_overwrite(&mut self, object: ObjectIndex, value: u64, site: Site) {
        let order = Ordering::Relaxed;
        let early = false;
        let kind = EventKind::Store {
            value,
            order,
            early,
        };
        self.record(kind, Some(object), site);
        let end = self.location(object).len();
        self.place_store(object, value, order, end, None);
    }

    /// A fence of the current thread. Acquire and release fences act on happens-before
    /// only; a SeqCst fence (a scheduling point) also publishes, for every location, what
    /// the thread has seen to the fence floor, and takes back what earlier SeqCst fences and
    /// stores published (see `coherence`).
    pub(crate) fn fence(&mut self, order: Ordering, site: Site) {
        let me = self.current;
        if order == Ordering::SeqCst {
            let thread = &self.threads[me];
            let at = (thread.clocks.epoch(me), thread.spins);
            for object in &mut self.objects {
                if let ObjectState::Atomic(location) = &mut object.state {
                    let reader = Reader {
                        thread: me,
                        now: &thread.clocks.now,
                        seq_cst: true,
                    };
                    if let Some(store) = location.fence(&self.observations, reader) {
                        location.observe(&mut self.observations, me, at, store);
                    }
                }
            }
        }
        self.threads[me].clocks.fence(me, order);
        self.record(EventKind::Fence { order }, None, site);
    }
}

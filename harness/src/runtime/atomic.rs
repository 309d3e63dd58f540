//! Atomic accesses of the running thread under weak memory (see `coherence`): a load reads a
//! store between its floor and the last in modification order, a store takes a place after
//! its floor, and which one is the step's value choice (`value_choice`), option 0 being the
//! sequentially consistent outcome (the latest store, the last place). Other outcomes are
//! kept only if RC11's SeqCst order stays acyclic with them (`seq_cst_order`), and none is
//! offered to a SeqCst access while every access so far was SeqCst. Each store carries the
//! clock a synchronising read acquires (`happens_before`), by the orderings of both sides.
//!
//! Invariant: every access is observed by its location (coherence floors) and recorded in
//! the execution's graph (`seq_cst_order`), every event that reads names the store it read
//! (`reads_from`, a store id), and only an access with more than one outcome asks for a
//! choice, so a sequentially consistent program makes none.

use std::sync::atomic::Ordering;

use super::coherence::{AtomicLocation, Reader, StoreRecord};
use super::execution::Execution;
use super::happens_before::is_acquire;
use super::objects::ObjectState;
use super::op::{EventKind, ObjectIndex, Site};
use super::race::{CellAccess, Race};
use super::seq_cst_order::GraphAccess;
use super::store_past::StorePast;

impl Execution {
    pub(crate) fn atomic_new(
        &mut self,
        value: u64,
        type_name: &'static str,
        site: Site,
    ) -> ObjectIndex {
        let spare = self.objects.spare_location();
        let mut location = AtomicLocation::new(value, self.threads[self.current].store_past, spare);
        location.created = (self.current, self.events.len());
        self.add_object(ObjectState::Atomic(location), type_name, site)
    }

    pub(super) fn location(&mut self, object: ObjectIndex) -> &mut AtomicLocation {
        match self.objects.state_mut(object) {
            ObjectState::Atomic(location) => location,
            _ => unreachable!("object {object} is not an atomic location"),
        }
    }

    /// The lowest position in modification order the current thread may read (or place a
    /// store after): the latest store when the outcome is not `weak` (see `weak`), or for a
    /// load when the thread yielded since it last loaded the location (see
    /// `AtomicLocation::spun`); else its coherence floor.
    pub(super) fn floor(&mut self, object: ObjectIndex, weak: bool, load: bool) -> usize {
        let me = self.current;
        let location = self.objects.atomic(object);
        let last = location.len() - 1;
        let arena = &self.observations;
        let spun = || load && location.spun(arena, me, self.threads[me].spins);
        if last == 0 || !weak || spun() {
            return last;
        }
        let reader = Reader {
            thread: me,
            now: &self.threads[me].clocks.now,
        };
        location.floor(arena, reader)
    }

    /// Whether an access whose orderings are all SeqCst (`seq_cst`) or not may have an
    /// outcome other than the sequentially consistent one. While every access so far was
    /// SeqCst, a SeqCst access reads the latest store: each execution RC11 allows such a
    /// prefix is then some interleaving's, so other outcomes would only repeat them.
    pub(super) fn weak(&self, seq_cst: bool) -> bool {
        self.graph.mixed() || !seq_cst
    }

    /// Starts the current thread's atomic access or fence: its epoch.
    pub(super) fn begin_access(&mut self) -> u32 {
        let clocks = &self.threads[self.current].clocks;
        self.graph.begin(&clocks.now);
        clocks.epoch(self.current)
    }

    /// Records the access that began at `epoch` in the `psc` graph (`seq_cst_order`).
    pub(super) fn end_access(&mut self, access: GraphAccess, epoch: u32, weakens: bool) {
        let me = self.current;
        let clocks = &self.threads[me].clocks;
        let epochs = (epoch, clocks.epoch(me));
        let seq = self.threads[me].events;
        self.graph
            .record((access, seq), epochs, &clocks.now, weakens);
    }

    /// The current thread's access of `object` (`seq_cst` or not) reading the store at
    /// position `reads` with `order` and/or placing a store at position `writes`.
    pub(super) fn access_at(
        &self,
        object: ObjectIndex,
        seq_cst: bool,
        reads: Option<usize>,
        writes: Option<usize>,
    ) -> GraphAccess {
        let location = match self.objects.state(object) {
            ObjectState::Atomic(location) => location,
            _ => unreachable!("object {object} is not an atomic location"),
        };
        GraphAccess {
            thread: self.current,
            location: Some(object),
            seq_cst,
            reads: reads.map(|p| location.at(p) as u32),
            writes: writes.map(|_| location.len() as u32),
        }
    }

    /// Whether the current thread's next access (see `access_at`), reading with `order`
    /// and placing its store at position `place`, keeps RC11's SeqCst order acyclic.
    pub(super) fn admits(&mut self, access: GraphAccess, order: Ordering, place: usize) -> bool {
        if !self.graph.orders(access.seq_cst) {
            return true;
        }
        let me = self.current;
        let object = access.location.expect("an access has a location");
        let location = self.objects.atomic(object);
        let now = &self.threads[me].clocks.now;
        let mut after = now.clone();
        if let (Some(read), true) = (access.reads, is_acquire(order)) {
            after.join(&location.stores[read as usize].sync);
        }
        let objects = &self.objects;
        let key = |at: u32, store: u32| match objects.state(at) {
            ObjectState::Atomic(l) if at == object && Some(store) == access.writes => {
                2 * place as u32 - 1
            }
            ObjectState::Atomic(l) => 2 * l.stores[store as usize].position,
            _ => unreachable!("object {at} is not an atomic location"),
        };
        let epoch = now.get(me);
        let seq = self.threads[me].events + 1;
        let events = self.threads.iter().map(|t| t.events);
        self.graph
            .admits((access, seq), epoch, [now, &after], &key, events)
    }

    /// Reads the store with id `id` with `order`: its value.
    pub(super) fn read_store(&mut self, object: ObjectIndex, id: usize, order: Ordering) -> u64 {
        let me = self.current;
        let ObjectState::Atomic(location) = self.objects.state_mut(object) else {
            unreachable!("object {object} is not an atomic location");
        };
        let thread = &mut self.threads[me];
        thread.clocks.read(order, &location.stores[id].sync);
        let at = (thread.clocks.epoch(me), thread.spins);
        location.observe(&mut self.observations, me, at, id as u32);
        location.stores[id].read = true;
        location.stores[id].value
    }

    /// Adds a store of `value` with `order` at `position` in modification order; `continues`
    /// is the store an RMW read (then `position` is right after it).
    pub(super) fn place_store(
        &mut self,
        object: ObjectIndex,
        value: u64,
        order: Ordering,
        position: usize,
        continues: Option<usize>,
    ) {
        let me = self.current;
        // The thread's past before the store (an RMW's takes in the store it read); from
        // here on, it holds this store (see `store_past`).
        let mut store_past = self.threads[me].store_past;
        if let Some(read) = continues {
            store_past = self.past_after_read(store_past, object, read);
        }
        self.threads[me].store_past = store_past.join(StorePast::Only(object));
        let ObjectState::Atomic(location) = self.objects.state_mut(object) else {
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
            store_past,
            read: false,
            placed: continues.is_none() && order != Ordering::SeqCst,
        };
        let id = location.insert(position, record);
        let at = (epoch, self.threads[me].spins);
        location.observe(&mut self.observations, me, at, id);
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
        let location = self.objects.atomic(object);
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
        let ObjectState::Atomic(location) = self.objects.state_mut(object) else {
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

    /// The step's value choice among `first` (the sequentially consistent outcome, always
    /// allowed) and the `others` that `consistent` keeps: the option taken and its outcome.
    pub(super) fn pick<T: Copy>(
        &mut self,
        first: T,
        others: impl Iterator<Item = T>,
        mut consistent: impl FnMut(&mut Execution, T) -> bool,
    ) -> (usize, T) {
        let kept: Vec<T> = others.filter(|&c| consistent(self, c)).collect();
        let option = self.choice.take(kept.len() + 1);
        (option, if option == 0 { first } else { kept[option - 1] })
    }

    /// Reads a store between the thread's floor and the last one (the step's choice).
    pub(crate) fn atomic_load(&mut self, object: ObjectIndex, order: Ordering, site: Site) -> u64 {
        let epoch = self.begin_access();
        let seq_cst = order == Ordering::SeqCst;
        let floor = self.floor(object, self.weak(seq_cst), true);
        let last = self.location(object).len() - 1;
        let (option, position) = self.pick(last, (floor..last).rev(), |e, p| {
            if e.repeats_graph(object, p, false) {
                return false;
            }
            let access = e.access_at(object, seq_cst, Some(p), None);
            e.admits(access, order, 0)
        });
        let access = self.access_at(object, seq_cst, Some(position), None);
        let reads_from = self.location(object).at(position);
        let value = self.read_store(object, reads_from, order);
        let kind = EventKind::Load {
            value,
            reads_from,
            order,
            stale: option != 0,
        };
        self.record(kind, Some(object), site);
        self.end_access(access, epoch, !seq_cst);
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
        let epoch = self.begin_access();
        let seq_cst = order == Ordering::SeqCst;
        let floor = self.floor(object, self.weak(seq_cst), false);
        // Nor before a store that was read or that it does not commute with, where that
        // repeats another trace's graph (`store_past`).
        let floor = self.placement_floor(object, seq_cst, floor);
        let location = self.location(object);
        // The last place first, then the others (collected only when there are any).
        let end = location.len();
        let others = match floor + 1 < end {
            true => location.placements(floor).skip(1).collect(),
            false => Vec::new(),
        };
        let (option, position) = self.pick(end, others.into_iter(), |e, p| {
            let access = e.access_at(object, seq_cst, None, Some(p));
            e.admits(access, order, p)
        });
        let access = self.access_at(object, seq_cst, None, Some(position));
        let early = option != 0;
        let replaced = self.location(object).latest().1.value;
        let kind = EventKind::Store {
            value,
            order,
            early,
            replaced,
            stores_before: end as u32,
        };
        self.record(kind, Some(object), site);
        self.place_store(object, value, order, position, None);
        self.end_access(access, epoch, !seq_cst);
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
        let epoch = self.begin_access();
        let seq_cst = order == Ordering::SeqCst;
        let floor = self.floor(object, self.weak(seq_cst), true);
        let location = self.location(object);
        let last = location.len() - 1;
        let others = match floor < last {
            true => location.rmw_reads(floor).skip(1).collect(),
            false => Vec::new(),
        };
        let (_, position) = self.pick(last, others.into_iter(), |e, p| {
            let access = e.access_at(object, seq_cst, Some(p), Some(p + 1));
            !e.repeats_graph(object, p, true) && e.admits(access, order, p + 1)
        });
        let access = self.access_at(object, seq_cst, Some(position), Some(position + 1));
        let reads_from = self.location(object).at(position);
        let old = self.read_store(object, reads_from, order);
        let new = update(old);
        let kind = EventKind::Rmw {
            old,
            new,
            reads_from,
            order,
            exchange: false,
        };
        self.record(kind, Some(object), site);
        self.place_store(object, new, order, position + 1, Some(reads_from));
        self.end_access(access, epoch, !seq_cst);
        old
    }

    /// The latest value, read without a scheduling point (`get_mut`, `into_inner`: the caller
    /// has exclusive access, so every store is in its past).
    pub(crate) fn atomic_peek(&mut self, object: ObjectIndex) -> u64 {
        self.location(object).latest().1.value
    }

    /// A write through `get_mut`, made visible to later accesses; exclusive access orders it,
    /// so it is recorded as a store without a scheduling point.
    pub(crate) fn atomic_overwrite(&mut self, object: ObjectIndex, value: u64, site: Site) {
        let epoch = self.begin_access();
        let order = Ordering::Relaxed;
        let early = false;
        let replaced = self.location(object).latest().1.value;
        let end = self.location(object).len();
        let kind = EventKind::Store {
            value,
            order,
            early,
            replaced,
            stores_before: end as u32,
        };
        self.record(kind, Some(object), site);
        let access = self.access_at(object, false, None, Some(end));
        self.place_store(object, value, order, end, None);
        // Exclusive access orders it with every other access: it weakens nothing.
        self.end_access(access, epoch, false);
    }

    /// A fence of the current thread (never a scheduling point): acquire and release fences
    /// act on happens-before; a SeqCst fence also takes its place in RC11's SeqCst order, which
    /// constrains what later accesses may read (`seq_cst_order`).
    pub(crate) fn fence(&mut self, order: Ordering, site: Site) {
        let me = self.current;
        let epoch = self.begin_access();
        self.threads[me].clocks.fence(me, order);
        self.record(EventKind::Fence { order }, None, site);
        let access = GraphAccess {
            thread: me,
            location: None,
            seq_cst: order == Ordering::SeqCst,
            reads: None,
            writes: None,
        };
        self.end_access(access, epoch, false);
    }
}

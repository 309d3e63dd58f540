//! Happens-before for DPOR: program order, spawn and join, plus an edge between every two
//! conflicting events in the order they ran, tracked with one vector clock per event. Spawns
//! by different threads commute (DPOR names threads by key: `runtime::thread_keys`).
//! Finds races: conflicting events of different threads with no path between them other
//! than their own edge.
//!
//! Invariant: after `process(p)`, `clock(p)` holds, for every thread, the latest of its events
//! that happens before event `p`; an event `k` happens after event `e` exactly when
//! `clock(k)[thread(e)] >= clock(e)[thread(e)]`.
//!
//! Blocking primitives (channels, condvars, rwlocks, barriers, park tokens): an event races
//! with the latest earlier conflicting events on the object outside its thread's past,
//! leaving out the events that enabled it (a blocking operation cannot be reversed with
//! them); those only order it.
//!
//! Mutexes: blocking acquisitions race with the previous acquisition (reversing a lock with
//! the unlock before it only makes it wait); a successful `try_lock` races with the previous
//! unlock (before it, it would have failed); a failed `try_lock` races with the acquisition
//! it saw, and an unlock with the failed `try_lock`s it would have let succeed. A blocking
//! rwlock acquisition likewise races with earlier acquisitions, except one that a release
//! by a third thread happens after: it waits for that release, so it cannot run first.

mod initials;

use crate::runtime::clock::VectorClock;
use crate::runtime::op::{Access, AccessKind, Event, EventKind};
use crate::runtime::sync_access::{Dependence, SyncAccess};

/// How the event with access `later` depends on an earlier one with access `earlier`.
fn depends(later: AccessKind, earlier: AccessKind) -> Dependence {
    match (later, earlier) {
        (AccessKind::Sync(later), AccessKind::Sync(earlier)) => SyncAccess::depends(later, earlier),
        _ if AccessKind::conflict(later, earlier) => Dependence::Race,
        _ => Dependence::None,
    }
}

/// The accesses to one object that later accesses may race with. Atomics and mutexes alike:
/// a "write" is an event that modifies the object (store, read-modify-write, successful
/// compare-exchange; lock, successful `try_lock`, unlock), a "read" one that only observes
/// it (load, failed compare-exchange, failed `try_lock`).
///
/// Stores that are not SeqCst (`AccessKind::Placed`) commute with each other as reads do,
/// and conflict with reads: after the last write, the object's accesses form runs of reads
/// and runs of placed stores, each member of a run ordered after every member of the run
/// before it (or after the last write), and unordered with the rest of its own run.
/// Reference counts follow the same algebra (a count's updates commute with each other and
/// conflict with its queries; a decisive change conflicts with all), so their updates make
/// the runs of placed stores: ordering each event after the latest run it conflicts with
/// orders it after every earlier event it conflicts with, which `sync_conflicts`, scanning
/// them all, did in time quadratic in the count's events (lastzero(10) with weft's `Arc`
/// spent 10% of its instructions there).
#[derive(Default)]
struct History {
    last_write: Option<usize>,
    /// Observations since the last write: the latest run of them, or the run before the
    /// latest run of placed stores.
    reads: Vec<usize>,
    /// Placed stores since the last write: the latest run of them, or the run before the
    /// latest run of reads.
    placed: Vec<usize>,
    /// Whether the latest run is of placed stores.
    placed_last: bool,
    last_acquire: Option<usize>,
    last_release: Option<usize>,
    /// Every event so far, with its access: blocking primitives (channels, condvars,
    /// rwlocks, barriers, park tokens) race with and are ordered after all the conflicting
    /// ones.
    all: Vec<(usize, AccessKind)>,
}

impl History {
    fn reset(&mut self) {
        self.last_write = None;
        self.reads.clear();
        self.placed.clear();
        self.placed_last = false;
        self.last_acquire = None;
        self.last_release = None;
        self.all.clear();
    }
}

#[derive(Default)]
pub(crate) struct Causality {
    threads: Vec<VectorClock>,
    clocks: Vec<VectorClock>,
    objects: Vec<History>,
    /// Races found by `process`, as (earlier event, later event).
    pub races: Vec<(usize, usize)>,
    /// Scratch for `sync_conflicts`: the earlier events an event may race with.
    racers: Vec<usize>,
    /// Scratch for `initials`: each thread's first event in the reversed sequence.
    firsts: Vec<(crate::runtime::op::ThreadId, u32)>,
}

impl Causality {
    pub(crate) fn reset(&mut self) {
        self.threads.iter_mut().for_each(VectorClock::clear);
        self.objects.iter_mut().for_each(History::reset);
        self.races.clear();
    }

    /// How many events this has clocks for (the longest execution it processed).
    pub(crate) fn events(&self) -> usize {
        self.clocks.len()
    }

    fn epoch(&self, event: usize, trace: &[Event]) -> u32 {
        epoch(&self.clocks, event, trace)
    }

    fn covers(&self, clock: &VectorClock, event: usize, trace: &[Event]) -> bool {
        covers(&self.clocks, clock, event, trace)
    }

    /// The clock of event `e` (processed) in the trace's dependence order.
    pub(crate) fn clock(&self, e: usize) -> &VectorClock {
        &self.clocks[e]
    }

    /// Event `e` (processed) as its thread and its epoch there: an event `k` happens after
    /// `e` when `clock(k).covers(thread, epoch)`.
    pub(crate) fn point(&self, e: usize, trace: &[Event]) -> (usize, u32) {
        (trace[e].thread, self.epoch(e, trace))
    }

    /// Computes the clock of event `pos` of `trace` and appends the races it completes.
    pub(crate) fn process(&mut self, pos: usize, trace: &[Event]) {
        let event = &trace[pos];
        let me = event.thread;
        let needed = match event.kind {
            EventKind::Spawn { child } => me.max(child),
            _ => me,
        };
        if self.threads.len() <= needed {
            self.threads.resize_with(needed + 1, VectorClock::default);
        }
        if self.clocks.len() <= pos {
            self.clocks.resize_with(pos + 1, VectorClock::default);
        }
        // The thread's clock is updated in place, borrowed apart from the other fields.
        let clock = match event.kind {
            EventKind::Join { target } if target != me => {
                let (clock, joined) = mut_and_ref(&mut self.threads, me, target);
                clock.tick(me);
                clock.join(joined);
                clock
            }
            _ => {
                let clock = &mut self.threads[me];
                clock.tick(me);
                clock
            }
        };
        if let Some(access) = event.access() {
            let index = access.object as usize;
            if self.objects.len() <= index {
                self.objects.resize_with(index + 1, History::default);
            }
            // The object's history is borrowed apart from the clocks and races it updates.
            let mut racing = Racing {
                clocks: &self.clocks,
                races: &mut self.races,
                trace,
                pos,
            };
            let history = &mut self.objects[index];
            if matches!(access.kind, AccessKind::Sync(_)) {
                racing.sync_conflicts(access.kind, history, clock, &mut self.racers);
            } else {
                racing.conflicts(access.kind, history, clock);
            }
        }
        self.clocks[pos].assign(clock);
        if let EventKind::Spawn { child } = event.kind {
            self.threads[child].assign(&self.clocks[pos]);
        }
    }
}

/// `clocks[a]` to change and `clocks[b]` to read (`a != b`).
fn mut_and_ref(clocks: &mut [VectorClock], a: usize, b: usize) -> (&mut VectorClock, &VectorClock) {
    if a < b {
        let (low, high) = clocks.split_at_mut(b);
        (&mut low[a], &high[0])
    } else {
        let (low, high) = clocks.split_at_mut(a);
        (&mut high[0], &low[b])
    }
}

/// The epoch of `event`: its thread's component of its own clock.
fn epoch(clocks: &[VectorClock], event: usize, trace: &[Event]) -> u32 {
    clocks[event].get(trace[event].thread)
}

/// Whether `event` is in the past of `clock`.
fn covers(clocks: &[VectorClock], clock: &VectorClock, event: usize, trace: &[Event]) -> bool {
    clock.covers(trace[event].thread, epoch(clocks, event, trace))
}

/// Finding the races of event `pos`: the clocks of the events before it and where its races
/// go.
struct Racing<'a> {
    clocks: &'a [VectorClock],
    races: &'a mut Vec<(usize, usize)>,
    trace: &'a [Event],
    pos: usize,
}

impl Racing<'_> {
    /// A race, unless `pos` (of `clock`) happens after `earlier`'s step: after `earlier`
    /// or an event before it in the same step. Steps run whole, so a step that happens
    /// after an earlier event of `earlier`'s step (a lock that waited for the unlock before
    /// a spawn, say) cannot run before `earlier`: no reversal of it can run.
    fn race_unless_ordered(&mut self, earlier: usize, clock: &VectorClock) {
        let (trace, pos) = (self.trace, self.pos);
        let mut first = earlier;
        while first > 0 && trace[first - 1].step == trace[earlier].step {
            first -= 1;
        }
        if trace[earlier].thread != trace[pos].thread && !covers(self.clocks, clock, first, trace) {
            self.races.push((earlier, pos));
        }
    }

    /// Races of `pos` with the set `reads`, leaving out those ordered through another member.
    fn race_with_latest_of(&mut self, reads: &[usize], clock: &VectorClock) {
        for &read in reads {
            let shadowed = reads.iter().any(|&other| {
                other != read && covers(self.clocks, &self.clocks[other], read, self.trace)
            });
            if !shadowed {
                self.race_unless_ordered(read, clock);
            }
        }
    }

    /// A blocking primitive's event races with the latest earlier events it depends on
    /// outside its thread's past, except those that enabled it (`Dependence::Edge`):
    /// reversing it with its enabler is impossible, and the enabler must not hide the
    /// earlier event it could have run before (the send that filled the room it waited
    /// for). It is then ordered after exactly the events it depends on, so commuting ones
    /// (two read locks) stay unordered.
    fn sync_conflicts(
        &mut self,
        kind: AccessKind,
        h: &mut History,
        clock: &mut VectorClock,
        racers: &mut Vec<usize>,
    ) {
        racers.clear();
        racers.extend(h.all.iter().filter_map(|&(earlier, earlier_kind)| {
            (depends(kind, earlier_kind) == Dependence::Race).then_some(earlier)
        }));
        if matches!(
            kind,
            AccessKind::Sync(SyncAccess::Lock { blocking: true, .. })
        ) {
            // A blocking rwlock acquisition waits for every release before it. One by a
            // third thread that happens after an earlier acquisition keeps it after that
            // one too: not a race (the reversal could not run it, the lock still held).
            let (clocks, trace) = (self.clocks, self.trace);
            let released_after = |racer: usize| {
                h.all.iter().any(|&(release, release_kind)| {
                    depends(kind, release_kind) == Dependence::Edge
                        && trace[release].thread != trace[racer].thread
                        && covers(clocks, &clocks[release], racer, trace)
                })
            };
            racers.retain(|&racer| !released_after(racer));
        }
        self.race_with_latest_of(racers, clock);
        for &(earlier, earlier_kind) in &h.all {
            if depends(kind, earlier_kind) != Dependence::None {
                clock.join(&self.clocks[earlier]);
            }
        }
        h.all.push((self.pos, kind));
    }

    /// The run before the latest, or the last write: what a new member of the latest run
    /// conflicts with (`run`: that run's other kind's list).
    fn after_run(&mut self, run: &[usize], last_write: Option<usize>, clock: &mut VectorClock) {
        match (run.is_empty(), last_write) {
            (false, _) => {
                self.race_with_latest_of(run, clock);
                for &earlier in run {
                    clock.join(&self.clocks[earlier]);
                }
            }
            (true, Some(write)) => {
                self.race_unless_ordered(write, clock);
                clock.join(&self.clocks[write]);
            }
            (true, None) => {}
        }
    }

    /// A store that is not SeqCst: after the reads since the last run of placed stores (or
    /// after the last write), beside the placed stores of its own run.
    fn placed_store(&mut self, h: &mut History, clock: &mut VectorClock) {
        self.after_run(&h.reads, h.last_write, clock);
        if !h.placed_last {
            h.placed.clear();
            h.placed_last = true;
        }
        h.placed.push(self.pos);
    }

    fn conflicts(&mut self, kind: AccessKind, h: &mut History, clock: &mut VectorClock) {
        let pos = self.pos;
        match kind {
            // A reference count's update commutes with the others as placed stores do.
            AccessKind::Placed | AccessKind::Update => return self.placed_store(h, clock),
            AccessKind::Read if !h.placed.is_empty() => {
                self.after_run(&h.placed, h.last_write, clock);
                if h.placed_last {
                    h.reads.clear();
                    h.placed_last = false;
                }
                h.reads.push(pos);
                return;
            }
            // After a run of placed stores (each after the run of reads before it, if any).
            _ if h.placed_last => {
                self.after_run(&h.placed, h.last_write, clock);
                h.placed.clear();
                h.placed_last = false;
                h.reads.clear();
            }
            _ => {}
        }
        // Races first, against the thread's own past only.
        match kind {
            AccessKind::Read => {
                if let Some(write) = h.last_write {
                    self.race_unless_ordered(write, clock);
                }
            }
            AccessKind::Write => match h.last_write {
                Some(write) if h.reads.is_empty() => self.race_unless_ordered(write, clock),
                _ => self.race_with_latest_of(&h.reads, clock),
            },
            AccessKind::Acquire | AccessKind::Probe => {
                if let Some(acquire) = h.last_acquire {
                    self.race_unless_ordered(acquire, clock);
                }
            }
            AccessKind::TryAcquire => {
                if let Some(release) = h.last_release {
                    self.race_unless_ordered(release, clock);
                }
            }
            AccessKind::Release => self.race_with_latest_of(&h.reads, clock),
            AccessKind::Placed | AccessKind::Update => unreachable!("placed stores return above"),
            AccessKind::Sync(_) => unreachable!("blocking primitives go to sync_conflicts"),
        }
        // Then the dependence edges: an observing event comes after the last modification;
        // a modifying one after it and every observation since.
        if let Some(write) = h.last_write {
            clock.join(&self.clocks[write]);
        }
        if Access::modifies_kind(kind) {
            for &read in &h.reads {
                clock.join(&self.clocks[read]);
            }
            h.last_write = Some(pos);
            h.reads.clear();
            h.placed.clear();
            match kind {
                AccessKind::Acquire | AccessKind::TryAcquire => h.last_acquire = Some(pos),
                AccessKind::Release => h.last_release = Some(pos),
                _ => {}
            }
        } else {
            h.reads.push(pos);
        }
    }
}

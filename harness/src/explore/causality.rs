//! Happens-before for DPOR: program order, spawn and join, plus an edge between every two
//! conflicting events in the order they ran, tracked with one vector clock per event.
//! Finds races: conflicting events of different threads with no path between them other
//! than their own edge.
//!
//! Invariant: after `process(p)`, `clock(p)` holds, for every thread, the latest of its events
//! that happens before event `p`; an event `k` happens after event `e` exactly when
//! `clock(k)[thread(e)] >= clock(e)[thread(e)]`.
//!
//! Mutexes: blocking acquisitions race with the previous acquisition (reversing a lock with
//! the unlock before it only makes it wait); a successful `try_lock` races with the previous
//! unlock (before it, it would have failed); a failed `try_lock` races with the acquisition
//! it saw, and an unlock with the failed `try_lock`s it would have let succeed.

use crate::runtime::clock::VectorClock;
use crate::runtime::op::{AccessKind, Event, EventKind, ThreadId};
use crate::runtime::thread_set::ThreadSet;

#[derive(Default)]
struct History {
    last_write: Option<usize>,
    /// Reads since the last write (atomics), failed `try_lock`s since the last acquisition.
    reads: Vec<usize>,
    last_acquire: Option<usize>,
    last_release: Option<usize>,
    /// Join of every event on the object (mutexes: all their events conflict).
    clock: VectorClock,
}

impl History {
    fn reset(&mut self) {
        self.last_write = None;
        self.reads.clear();
        self.last_acquire = None;
        self.last_release = None;
        self.clock.clear();
    }
}

#[derive(Default)]
pub(crate) struct Causality {
    threads: Vec<VectorClock>,
    clocks: Vec<VectorClock>,
    objects: Vec<History>,
    /// Races found by `process`, as (earlier event, later event).
    pub races: Vec<(usize, usize)>,
}

impl Causality {
    pub(crate) fn reset(&mut self) {
        self.threads.iter_mut().for_each(VectorClock::clear);
        self.objects.iter_mut().for_each(History::reset);
        self.races.clear();
    }

    fn epoch(&self, event: usize, trace: &[Event]) -> u32 {
        self.clocks[event].get(trace[event].thread)
    }

    fn covers(&self, clock: &VectorClock, event: usize, trace: &[Event]) -> bool {
        clock.covers(trace[event].thread, self.epoch(event, trace))
    }

    /// Computes the clock of event `pos` of `trace` and appends the races it completes.
    pub(crate) fn process(&mut self, pos: usize, trace: &[Event]) {
        let event = &trace[pos];
        let me = event.thread;
        if self.threads.len() <= me {
            self.threads.resize_with(me + 1, VectorClock::default);
        }
        let mut clock = std::mem::take(&mut self.threads[me]);
        clock.tick(me);
        if let EventKind::Join { target } = event.kind {
            clock.join(&self.threads[target]);
        }
        if let Some(access) = event.access() {
            let index = access.object as usize;
            if self.objects.len() <= index {
                self.objects.resize_with(index + 1, History::default);
            }
            let mut history = std::mem::take(&mut self.objects[index]);
            self.conflicts(pos, access.kind, &mut history, &mut clock, trace);
            self.objects[index] = history;
        }
        if let EventKind::Spawn { child } = event.kind {
            if self.threads.len() <= child {
                self.threads.resize_with(child + 1, VectorClock::default);
            }
            self.threads[child].assign(&clock);
        }
        if self.clocks.len() <= pos {
            self.clocks.resize_with(pos + 1, VectorClock::default);
        }
        self.clocks[pos].assign(&clock);
        self.threads[me] = clock;
    }

    fn race_unless_ordered(
        &mut self,
        earlier: usize,
        pos: usize,
        clock: &VectorClock,
        trace: &[Event],
    ) {
        if trace[earlier].thread != trace[pos].thread && !self.covers(clock, earlier, trace) {
            self.races.push((earlier, pos));
        }
    }

    /// Races of `pos` with the set `reads`, leaving out those ordered through another member.
    fn race_with_latest_of(
        &mut self,
        reads: &[usize],
        pos: usize,
        clock: &VectorClock,
        trace: &[Event],
    ) {
        for &read in reads {
            let shadowed = reads
                .iter()
                .any(|&other| other != read && self.covers(&self.clocks[other], read, trace));
            if !shadowed {
                self.race_unless_ordered(read, pos, clock, trace);
            }
        }
    }

    fn conflicts(
        &mut self,
        pos: usize,
        kind: AccessKind,
        h: &mut History,
        clock: &mut VectorClock,
        trace: &[Event],
    ) {
        match kind {
            AccessKind::Read => {
                if let Some(write) = h.last_write {
                    self.race_unless_ordered(write, pos, clock, trace);
                    clock.join(&self.clocks[write]);
                }
                h.reads.push(pos);
            }
            AccessKind::Write => {
                if h.reads.is_empty() {
                    if let Some(write) = h.last_write {
                        self.race_unless_ordered(write, pos, clock, trace);
                    }
                } else {
                    self.race_with_latest_of(&h.reads, pos, clock, trace);
                }
                for &read in &h.reads {
                    clock.join(&self.clocks[read]);
                }
                if let Some(write) = h.last_write {
                    clock.join(&self.clocks[write]);
                }
                h.last_write = Some(pos);
                h.reads.clear();
            }
            AccessKind::Acquire
            | AccessKind::TryAcquire
            | AccessKind::Probe
            | AccessKind::Release => {
                let rival = match kind {
                    AccessKind::Acquire | AccessKind::Probe => h.last_acquire,
                    AccessKind::TryAcquire => h.last_release,
                    _ => None,
                };
                if let Some(rival) = rival {
                    self.race_unless_ordered(rival, pos, clock, trace);
                }
                if kind == AccessKind::Release {
                    self.race_with_latest_of(&h.reads, pos, clock, trace);
                }
                clock.join(&h.clock);
                h.clock.assign(clock);
                match kind {
                    AccessKind::Acquire | AccessKind::TryAcquire => {
                        h.last_acquire = Some(pos);
                        h.reads.clear();
                    }
                    AccessKind::Probe => h.reads.push(pos),
                    _ => h.last_release = Some(pos),
                }
            }
        }
    }

    /// The threads that can start the reversal of race (`e`, `e2`): the events after `e` that
    /// do not happen after it, then `e2`; a thread is an initial when its first event there
    /// has no predecessor among them.
    pub(crate) fn initials(&self, e: usize, e2: usize, trace: &[Event]) -> ThreadSet {
        let racer = trace[e].thread;
        let epoch = self.epoch(e, trace);
        let mut firsts: Vec<(ThreadId, u32)> = Vec::new();
        let mut initials = ThreadSet::default();
        for (k, event) in trace.iter().enumerate().take(e2 + 1).skip(e + 1) {
            let clock = &self.clocks[k];
            let thread = event.thread;
            if (k < e2 && clock.get(racer) >= epoch) || firsts.iter().any(|(t, _)| *t == thread) {
                continue;
            }
            if firsts
                .iter()
                .all(|(other, first)| clock.get(*other) < *first)
            {
                initials.insert(thread);
            }
            firsts.push((thread, clock.get(thread)));
        }
        initials
    }
}

//! RC11's partial order on SeqCst events (`psc`), checked as an execution grows: the graph
//! of every atomic access and fence (its thread, clocks, location, the store it read and the
//! store it wrote), and whether a candidate outcome of the next access keeps `psc` acyclic.
//!
//! RC11 (Lahav et al., PLDI 2017) orders SeqCst accesses and fences by
//! `psc = psc_base ∪ psc_F`, where
//! `psc_base = ([E_sc] ∪ [F_sc];hb?) ; scb ; ([E_sc] ∪ hb?;[F_sc])`,
//! `psc_F = [F_sc] ; (hb ∪ hb;eco;hb) ; [F_sc]`, and
//! `scb = sb ∪ sb|≠loc;hb;sb|≠loc ∪ hb|loc ∪ mo ∪ rb`, and requires it to be acyclic.
//! The order SeqCst operations run in is not `psc`: a SeqCst load may read a store older
//! than a SeqCst store that ran before it when nothing orders the two.
//!
//! Adding an event adds `psc` edges into it, and edges out of it only through the stores
//! after the one it reads or its own place in modification order (`rb`, `mo`): so the
//! sequentially consistent outcome (the latest store, the last place) never closes a cycle,
//! and only other outcomes are checked. `sb|≠loc;hb;sb|≠loc` from `x` to `y` holds when
//! the first event after `x` in its thread on another location than `x` happens before the
//! last event before `y` in its thread on another location than `y`; events that are not
//! atomic accesses (locks, spawns, cell accesses) count as on another location, and are
//! known by their place in their thread (`seq`) and the clocks around them.
//!
//! Invariant: events are in the order they ran; the graph without the candidate is
//! consistent, and an event's clocks are its thread's clocks just before and just after it.

use super::bit_graph::{BitRows, Cycles};
use super::clock::VectorClock;
use super::op::ThreadId;
use ends::SbEnds;

mod ends;

const NONE: u32 = u32::MAX;

/// An atomic access or fence, as `psc` needs it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GraphAccess {
    pub thread: ThreadId,
    /// The atomic location; `None` for a fence.
    pub location: Option<u32>,
    pub seq_cst: bool,
    /// The store it read (an id in its location), if it reads.
    pub reads: Option<u32>,
    /// The store it wrote, if it writes.
    pub writes: Option<u32>,
}

#[derive(Clone, Copy, Debug)]
struct Event {
    thread: u32,
    /// Its number among its thread's events (every event, not only atomic ones).
    seq: u32,
    /// Its epoch, and the epoch of its thread's next event.
    epoch: u32,
    next_epoch: u32,
    location: u32,
    seq_cst: bool,
    reads: u32,
    writes: u32,
    /// Its thread's clock just before and just after it: (start, length) in `clocks`.
    before: (u32, u32),
    after: (u32, u32),
}

/// Every atomic access and fence of one execution so far.
#[derive(Default)]
pub(crate) struct SeqCstGraph {
    events: Vec<Event>,
    clocks: Vec<u32>,
    /// The clock before the access running now (`begin`), in `clocks`.
    before: (u32, u32),
    /// How many events are SeqCst.
    seq_cst: usize,
    /// Whether some access so far was not SeqCst (until then, SeqCst accesses read the
    /// latest store: see `Execution::floor`).
    mixed: bool,
    /// The buffers of the checks (`acyclic`); boxed, so that lending them out moves a
    /// pointer.
    scratch: Option<Box<Scratch>>,
}

/// The buffers of one `psc` check (see `acyclic`), kept from one check to the next so that
/// a check allocates nothing once they have grown to the execution's size.
#[derive(Default)]
struct Scratch {
    /// How many events each thread has recorded (atomic or not).
    recorded: Vec<u32>,
    /// The SeqCst events, by index: the nodes of `psc`.
    nodes: Vec<usize>,
    /// Each thread's events, by index, in order.
    threads: Vec<Vec<usize>>,
    ends: SbEnds,
    /// Row `k`: the sources of node `k` (itself, and for a fence what happens after it),
    /// and its targets (itself, and for a fence what happens before it).
    sources: BitRows,
    targets: BitRows,
    /// Row 0: every target of some node.
    any_target: BitRows,
    /// Row `x`: `scb` from event `x` to the targets, once `computed[x]`.
    scb: BitRows,
    computed: Vec<bool>,
    /// Row `k`: where `scb` reaches from node `k`'s sources, and (for fences) `eco`.
    reach: BitRows,
    eco_reach: BitRows,
    /// `psc` on the nodes.
    psc: BitRows,
    cycles: Cycles,
}

/// The place of a store in modification order, by location and store id: comparable across
/// the stores of one location.
pub(crate) type MoKey<'a> = &'a dyn Fn(u32, u32) -> u32;

impl SeqCstGraph {
    /// Makes room for `events` accesses.
    pub(crate) fn reserve(&mut self, events: usize) {
        self.events.reserve(events);
        self.clocks.reserve(events * 8);
    }

    /// Empty again, keeping the allocations (for the next execution).
    pub(crate) fn clear(&mut self) {
        self.events.clear();
        self.clocks.clear();
        self.seq_cst = 0;
        self.mixed = false;
    }

    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether an access that is not SeqCst ran: from then on SeqCst accesses choose among
    /// the stores coherence allows, checked against `psc`.
    pub(crate) fn mixed(&self) -> bool {
        self.mixed
    }

    /// Whether `psc` could have a cycle with an access that is `seq_cst` or not.
    pub(crate) fn orders(&self, seq_cst: bool) -> bool {
        self.seq_cst > 0 || seq_cst
    }

    fn clock(&mut self, clock: &VectorClock) -> (u32, u32) {
        let start = self.clocks.len() as u32;
        self.clocks.extend_from_slice(clock.as_slice());
        (start, clock.as_slice().len() as u32)
    }

    fn push(
        &mut self,
        (access, seq): (GraphAccess, u32),
        epochs: (u32, u32),
        before: (u32, u32),
        after: (u32, u32),
    ) {
        self.events.push(Event {
            thread: access.thread as u32,
            seq,
            epoch: epochs.0,
            next_epoch: epochs.1,
            location: access.location.unwrap_or(NONE),
            seq_cst: access.seq_cst,
            reads: access.reads.unwrap_or(NONE),
            writes: access.writes.unwrap_or(NONE),
            before,
            after,
        });
    }

    /// An access or fence starts, its thread's clock being `before`.
    pub(crate) fn begin(&mut self, before: &VectorClock) {
        self.before = self.clock(before);
    }

    /// Adds the access that began, its thread's event number `seq`: `epochs` are its epoch
    /// and its thread's epoch after it, `after` its thread's clock after it. `weakens` says
    /// whether it makes the execution mixed (a non-SeqCst access made through a shared
    /// reference).
    pub(crate) fn record(
        &mut self,
        access: (GraphAccess, u32),
        epochs: (u32, u32),
        after: &VectorClock,
        weakens: bool,
    ) {
        self.seq_cst += access.0.seq_cst as usize;
        self.mixed |= weakens;
        let after = self.clock(after);
        self.push(access, epochs, self.before, after);
    }

    /// Whether `access` (with its thread's event number), made next at `epoch` with clocks
    /// `before` and `after`, keeps `psc` acyclic, stores placed by `key` (the candidate's
    /// own store among them); `events` are how many events each thread has recorded.
    pub(crate) fn admits(
        &mut self,
        access: (GraphAccess, u32),
        epoch: u32,
        clocks: [&VectorClock; 2],
        key: MoKey,
        events: impl Iterator<Item = u32>,
    ) -> bool {
        let (len, clocks_len) = (self.events.len(), self.clocks.len());
        let before = self.clock(clocks[0]);
        let after = self.clock(clocks[1]);
        self.push(access, (epoch, NONE), before, after);
        let mut scratch = self.scratch.take().unwrap_or_default();
        scratch.recorded.clear();
        scratch.recorded.extend(events);
        let acyclic = self.acyclic(key, &mut scratch);
        self.scratch = Some(scratch);
        self.events.truncate(len);
        self.clocks.truncate(clocks_len);
        acyclic
    }

    fn covers(&self, (start, len): (u32, u32), thread: u32, epoch: u32) -> bool {
        thread < len && self.clocks[(start + thread) as usize] >= epoch
    }

    /// `i` happens before `j` (events by index).
    fn hb(&self, i: usize, j: usize) -> bool {
        let (a, b) = (&self.events[i], &self.events[j]);
        match a.thread == b.thread {
            true => i < j,
            false => self.covers(b.after, a.thread, a.epoch),
        }
    }

    /// `scb` from `i` to `j`, `ends` giving `sb|≠loc`'s far ends (`SbEnds`).
    fn scb(&self, i: usize, j: usize, key: MoKey, ends: &SbEnds) -> bool {
        let (x, y) = (&self.events[i], &self.events[j]);
        if i == j || x.thread == y.thread {
            // sb; coherence rules out mo or rb against sb.
            return i < j;
        }
        if x.location != NONE && x.location == y.location {
            let at = |store| key(x.location, store);
            let mo = x.writes != NONE && y.writes != NONE && at(x.writes) < at(y.writes);
            let rb = x.reads != NONE && y.writes != NONE && at(x.reads) < at(y.writes);
            if mo || rb || self.hb(i, j) {
                return true;
            }
        }
        match (ends.after[i], ends.before[j]) {
            (Some(epoch), Some(clock)) => self.covers(clock, x.thread, epoch),
            _ => false,
        }
    }

    /// `eco` (`(rf ∪ mo ∪ rb)+`) from `i` to `j`.
    fn eco(&self, i: usize, j: usize, key: MoKey) -> bool {
        let (x, y) = (&self.events[i], &self.events[j]);
        if i == j || x.location == NONE || x.location != y.location {
            return false;
        }
        let at = |store| match store {
            NONE => None,
            store => Some(key(x.location, store)),
        };
        let (xr, xw, yr, yw) = (at(x.reads), at(x.writes), at(y.reads), at(y.writes));
        let after = |from: Option<u32>, to: Option<u32>, or_same: bool| match (from, to) {
            (Some(from), Some(to)) => to > from || (or_same && to == from),
            _ => false,
        };
        after(xw, yr, true) || after(xw, yw, false) || after(xr, yw, false) || after(xr, yr, false)
    }

    /// Whether `psc` is acyclic. For each SeqCst event `a`, its sources are `a` and, for a
    /// fence, what happens after it; for each `b`, its targets are `b` and, for a fence,
    /// what happens before it. `psc_base` is `scb` from a source of `a` to a target of
    /// `b`; `psc_F` (fences) is `hb` from `a` to `b`, or `eco` from something after `a` to
    /// something before `b`. Only the `scb` rows of sources are computed.
    fn acyclic(&self, key: MoKey, s: &mut Scratch) -> bool {
        let n = self.events.len();
        self.sb_ends(&s.recorded, &mut s.threads, &mut s.ends);
        s.nodes.clear();
        s.nodes.extend((0..n).filter(|&i| self.events[i].seq_cst));
        let m = s.nodes.len();
        let fence = |i: usize| self.events[i].location == NONE;
        s.sources.reset(m, n);
        s.targets.reset(m, n);
        s.any_target.reset(1, n);
        for (k, &a) in s.nodes.iter().enumerate() {
            s.sources.set(k, a);
            s.targets.set(k, a);
            if fence(a) {
                for x in 0..n {
                    if self.hb(a, x) {
                        s.sources.set(k, x);
                    }
                    if self.hb(x, a) {
                        s.targets.set(k, x);
                    }
                }
            }
            s.any_target.or(0, s.targets.row(k));
        }
        s.scb.reset(n, n);
        s.computed.clear();
        s.computed.resize(n, false);
        let fenced = s.nodes.iter().filter(|&&b| fence(b)).count() > 1;
        s.reach.reset(m, n);
        s.eco_reach.reset(m, n);
        for (k, &a) in s.nodes.iter().enumerate() {
            for x in s.sources.columns(k) {
                if !s.computed[x] {
                    for y in s.any_target.columns(0) {
                        if self.scb(x, y, key, &s.ends) {
                            s.scb.set(x, y);
                        }
                    }
                    s.computed[x] = true;
                }
                s.reach.or(k, s.scb.row(x));
                if fenced && fence(a) && x != a {
                    for y in (0..n).filter(|&y| self.eco(x, y, key)) {
                        s.eco_reach.set(k, y);
                    }
                }
            }
        }
        s.psc.reset(m, m);
        for (a, &ea) in s.nodes.iter().enumerate() {
            for (b, &eb) in s.nodes.iter().enumerate() {
                let edge = s.reach.meets(a, s.targets.row(b))
                    || fenced
                        && fence(ea)
                        && fence(eb)
                        && (self.hb(ea, eb) || s.eco_reach.meets(a, s.targets.row(b)));
                if edge {
                    s.psc.set(a, b);
                }
            }
        }
        !s.cycles.any(&s.psc)
    }
}

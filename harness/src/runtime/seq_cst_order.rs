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
//! and only other outcomes are checked. `sb|≠loc;hb;sb|≠loc` from `x` to `y` is taken as
//! "`x`'s next event happens before `y`'s previous one", whatever their locations, which
//! has every edge RC11 has and a few more (an over-approximation: it may hide an outcome
//! RC11 allows, never allow one it forbids).
//!
//! Invariant: events are in the order they ran; the graph without the candidate is
//! consistent, and an event's clocks are its thread's clocks just before and just after it.

use super::clock::VectorClock;
use super::op::ThreadId;

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
}

/// The place of a store in modification order, by location and store id: comparable across
/// the stores of one location.
pub(crate) type MoKey<'a> = &'a dyn Fn(u32, u32) -> u32;

impl SeqCstGraph {
    pub(crate) fn with_capacity(events: usize) -> SeqCstGraph {
        SeqCstGraph {
            events: Vec::with_capacity(events),
            clocks: Vec::with_capacity(events * 8),
            ..SeqCstGraph::default()
        }
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
        access: GraphAccess,
        epochs: (u32, u32),
        before: (u32, u32),
        after: (u32, u32),
    ) {
        self.events.push(Event {
            thread: access.thread as u32,
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

    /// Adds the access that began: `epochs` are its epoch and its thread's epoch after it,
    /// `after` its thread's clock after it. `weakens` says whether it makes the execution
    /// mixed (a non-SeqCst access made through a shared reference).
    pub(crate) fn record(
        &mut self,
        access: GraphAccess,
        epochs: (u32, u32),
        after: &VectorClock,
        weakens: bool,
    ) {
        self.seq_cst += access.seq_cst as usize;
        self.mixed |= weakens;
        let after = self.clock(after);
        self.push(access, epochs, self.before, after);
    }

    /// Whether `access`, made next at `epoch` with clocks `before` and `after`, keeps `psc`
    /// acyclic, stores placed by `key` (the candidate's own store among them).
    pub(crate) fn admits(
        &mut self,
        access: GraphAccess,
        epoch: u32,
        clocks: [&VectorClock; 2],
        key: MoKey,
    ) -> bool {
        let (events, clocks_len) = (self.events.len(), self.clocks.len());
        let before = self.clock(clocks[0]);
        let after = self.clock(clocks[1]);
        self.push(access, (epoch, NONE), before, after);
        let acyclic = self.acyclic(key);
        self.events.truncate(events);
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

    /// `scb` from `i` to `j`.
    fn scb(&self, i: usize, j: usize, key: MoKey) -> bool {
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
        self.covers(y.before, x.thread, x.next_epoch)
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
    fn acyclic(&self, key: MoKey) -> bool {
        let n = self.events.len();
        let nodes: Vec<usize> = (0..n).filter(|&i| self.events[i].seq_cst).collect();
        let fence = |i: usize| self.events[i].location == NONE;
        let around = |a: usize, after: bool| {
            let mut set = Bits::new(n);
            set.set(a);
            if fence(a) {
                for x in 0..n {
                    if (after && self.hb(a, x)) || (!after && self.hb(x, a)) {
                        set.set(x);
                    }
                }
            }
            set
        };
        let sources: Vec<Bits> = nodes.iter().map(|&a| around(a, true)).collect();
        let targets: Vec<Bits> = nodes.iter().map(|&b| around(b, false)).collect();
        let mut any_target = Bits::new(n);
        targets.iter().for_each(|t| any_target.or(t));
        let mut rows: Vec<Option<Bits>> = vec![None; n];
        let mut row = |x: usize| -> Bits {
            rows[x]
                .get_or_insert_with(|| {
                    let mut row = Bits::new(n);
                    for y in (0..n).filter(|&y| any_target.get(y) && self.scb(x, y, key)) {
                        row.set(y);
                    }
                    row
                })
                .clone()
        };
        let fenced = nodes.iter().filter(|&&b| fence(b)).count() > 1;
        let mut reach = Vec::with_capacity(nodes.len());
        let mut eco_reach = Vec::with_capacity(nodes.len());
        for (k, &a) in nodes.iter().enumerate() {
            let mut scb = Bits::new(n);
            let mut eco = Bits::new(n);
            for x in (0..n).filter(|&x| sources[k].get(x)) {
                scb.or(&row(x));
                if fenced && fence(a) && x != a {
                    for y in (0..n).filter(|&y| self.eco(x, y, key)) {
                        eco.set(y);
                    }
                }
            }
            reach.push(scb);
            eco_reach.push(eco);
        }
        let edge = |a: usize, b: usize| -> bool {
            if reach[a].meets(&targets[b]) {
                return true;
            }
            let (ea, eb) = (nodes[a], nodes[b]);
            fenced && fence(ea) && fence(eb) && (self.hb(ea, eb) || eco_reach[a].meets(&targets[b]))
        };
        !has_cycle(&Bits::matrix(nodes.len(), edge))
    }
}

/// A fixed-size set of small indices.
#[derive(Clone)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }

    fn matrix(n: usize, mut holds: impl FnMut(usize, usize) -> bool) -> Vec<Bits> {
        (0..n)
            .map(|i| {
                let mut row = Bits::new(n);
                for j in (0..n).filter(|&j| holds(i, j)) {
                    row.set(j);
                }
                row
            })
            .collect()
    }

    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    fn get(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 == 1
    }

    fn meets(&self, other: &Bits) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }

    fn or(&mut self, other: &Bits) {
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine |= theirs;
        }
    }
}

/// Whether the graph (rows of successors) has a cycle, self-loops included.
fn has_cycle(successors: &[Bits]) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let n = successors.len();
    let mut marks = vec![Mark::New; n];
    for root in 0..n {
        if marks[root] != Mark::New {
            continue;
        }
        // Depth-first, with each open node's next successor to try.
        let mut stack = vec![(root, 0)];
        marks[root] = Mark::Open;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            match (*next..n).find(|&s| successors[node].get(s)) {
                Some(s) => {
                    *next = s + 1;
                    match marks[s] {
                        Mark::Open => return true,
                        Mark::New => {
                            marks[s] = Mark::Open;
                            stack.push((s, 0));
                        }
                        Mark::Done => {}
                    }
                }
                None => {
                    marks[node] = Mark::Done;
                    stack.pop();
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(usize, usize)], n: usize) -> Vec<Bits> {
        Bits::matrix(n, |i, j| edges.contains(&(i, j)))
    }

    #[test]
    fn cycles_are_found_and_dags_pass() {
        assert!(!has_cycle(&graph(&[(0, 1), (1, 2), (0, 2)], 3)));
        assert!(has_cycle(&graph(&[(0, 1), (1, 2), (2, 1)], 3)));
        assert!(has_cycle(&graph(&[(3, 3)], 4)));
        assert!(!has_cycle(&graph(&[(1, 0), (2, 0), (2, 1)], 3)));
    }
}

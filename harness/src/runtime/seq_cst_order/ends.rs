//! `sb|≠loc`, the part of RC11's `scb` that runs through other locations: from `x` to `y`
//! when the first event after `x` in its thread on another location than `x` happens
//! before the last event before `y` in its thread on another location than `y`. This file
//! finds those two far ends for every event of the graph (`SbEnds`).
//!
//! Invariant: an event's thread list holds its thread's atomic events in order; a gap in
//! their numbers (`seq`) is an event that is not an atomic access (a lock, a spawn), which
//! is on another location than any access.

use super::{SeqCstGraph, NONE};

impl SeqCstGraph {
    /// Whether two events are on one location (fences are on none).
    pub(super) fn same_location(&self, i: usize, j: usize) -> bool {
        let (a, b) = (&self.events[i], &self.events[j]);
        a.location != NONE && a.location == b.location
    }

    /// For each event, `sb|≠loc`'s far ends in its thread, into `ends` (see `SbEnds`);
    /// `events` are how many events each thread has recorded, `threads` a buffer.
    pub(super) fn sb_ends(&self, events: &[u32], threads: &mut Vec<Vec<usize>>, ends: &mut SbEnds) {
        let n = self.events.len();
        ends.after.clear();
        ends.after.resize(n, None);
        ends.before.clear();
        ends.before.resize(n, None);
        threads.iter_mut().for_each(Vec::clear);
        for (i, e) in self.events.iter().enumerate() {
            let t = e.thread as usize;
            if threads.len() <= t {
                threads.resize_with(t + 1, Vec::new);
            }
            threads[t].push(i);
        }
        for (t, list) in threads.iter().enumerate() {
            let recorded = events.get(t).copied().unwrap_or(0);
            for (k, &i) in list.iter().enumerate() {
                // Forward: the first later event of the thread on another location.
                let mut previous = i;
                ends.after[i] = loop {
                    let next = list.get(previous_index(list, previous) + 1).copied();
                    let seq = self.events[previous].seq;
                    match next {
                        Some(j) if self.events[j].seq == seq + 1 => {
                            if !self.same_location(i, j) {
                                break Some(self.events[j].epoch);
                            }
                            previous = j;
                        }
                        // Something else ran next in the thread (or nothing yet).
                        _ if recorded > seq || next.is_some() => {
                            break Some(self.events[previous].next_epoch);
                        }
                        _ => break None,
                    }
                };
                // Backward: the last earlier event of the thread on another location.
                let mut current = (k, i);
                ends.before[i] = loop {
                    let (at, c) = current;
                    let seq = self.events[c].seq;
                    match at.checked_sub(1).map(|p| list[p]) {
                        Some(p) if self.events[p].seq + 1 == seq => {
                            if !self.same_location(i, p) {
                                break Some(self.events[p].after);
                            }
                            current = (at - 1, p);
                        }
                        // A thread's first event is its start, never an atomic access.
                        _ => break Some(self.events[c].before),
                    }
                };
            }
        }
    }
}

/// Where `sb|≠loc` reaches from each event: `after[x]`, the epoch of the first event after
/// `x` in its thread on another location (`None`: none ran yet); `before[y]`, the clock
/// after the last event before `y` in its thread on another location.
#[derive(Default)]
pub(super) struct SbEnds {
    pub(super) after: Vec<Option<u32>>,
    pub(super) before: Vec<Option<(u32, u32)>>,
}

/// The index in `list` of event `i`.
fn previous_index(list: &[usize], i: usize) -> usize {
    list.binary_search(&i)
        .expect("the event is in its thread's list")
}

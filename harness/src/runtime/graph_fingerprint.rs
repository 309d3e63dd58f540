//! A fingerprint of an execution's graph (`Builder::count_graphs`): two executions get the
//! same one when they are the same execution graph, however they were interleaved, so the
//! number of distinct fingerprints of an exploration is the number of graphs it explored.
//!
//! The graph: each thread's events in program order (what each did, with the values it read
//! and wrote), for every atomic read the store it took (named by the thread and event that
//! made it, or the location's initial value), every store's place in modification order,
//! and, for the other objects (locks, channels and the other primitives), which earlier
//! events each event conflicts with (`AccessKind::conflict`), which fixes their order as
//! DPOR does. Threads and objects are named by their keys, the same in every interleaving
//! (`ThreadKey::path`, `Event::key`); events by their thread and number in it.
//!
//! Invariant: the fingerprint depends only on the graph, not on the order in which the
//! threads' events interleaved (up to collisions of a 64-bit hash). Fences, spawns, joins
//! and the other events without an object count by what they are and where in their thread.

use super::execution::Execution;
use super::objects::ObjectState;
use super::op::{AccessKind, EventKind};
use crate::explore::split::{fnv1a, FNV_START};

/// An event's name in every interleaving: its thread's path and its number in the thread.
type EventName = (u32, u32);

/// The initial value of a location, as the writer of the store a read took.
const INITIAL: EventName = (u32::MAX, u32::MAX);

impl Execution {
    /// The fingerprint of this execution's graph (module docs).
    pub(crate) fn graph_fingerprint(&self) -> u64 {
        let mut numbers = vec![0u32; self.threads.len()];
        let objects = self.objects.len();
        // Per atomic location (by index), the writer of each store id (id 0: initial).
        let mut writers: Vec<Vec<EventName>> = vec![vec![INITIAL]; objects];
        // Per other object (by index), its accesses so far.
        let mut accesses: Vec<Vec<(EventName, AccessKind)>> = vec![Vec::new(); objects];
        let mut threads: Vec<u64> = vec![FNV_START; self.threads.len()];
        for event in &self.events {
            let name = (self.threads[event.thread].key.path, numbers[event.thread]);
            numbers[event.thread] += 1;
            let mut hash = fnv1a(threads[event.thread], &[tag(&event.kind)]);
            let mut mix = |word: u64| hash = fnv1a(hash, &word.to_le_bytes());
            mix(event.key.into());
            let path = |t: usize| u64::from(self.threads[t].key.path);
            match event.kind {
                EventKind::Spawn { child } => mix(path(child)),
                EventKind::Join { target } => mix(path(target)),
                EventKind::Finish { panicked } => mix(panicked.into()),
                EventKind::Fence { order } => mix(order as u64),
                EventKind::TryLock { acquired } => mix(acquired.into()),
                EventKind::UnsyncLoad { value } => mix(value),
                _ => {}
            }
            let atomic = event.object.and_then(|o| match self.objects.state(o) {
                ObjectState::Atomic(location) => Some((o, location)),
                _ => None,
            });
            if let Some((object, location)) = atomic {
                let made = &mut writers[object as usize];
                let took = |id: usize| made.get(id).copied().unwrap_or(INITIAL);
                let (read, value, stores) = match event.kind {
                    EventKind::Load {
                        value, reads_from, ..
                    } => (Some(took(reads_from)), value, false),
                    EventKind::CompareExchangeFailed {
                        actual, reads_from, ..
                    } => (Some(took(reads_from)), actual, false),
                    EventKind::Store { value, .. } => (None, value, true),
                    EventKind::Rmw {
                        new, reads_from, ..
                    } => (Some(took(reads_from)), new, true),
                    _ => (None, 0, false),
                };
                if let Some((thread, number)) = read {
                    mix(thread.into());
                    mix(number.into());
                }
                mix(value);
                if stores {
                    let id = made.len();
                    made.push(name);
                    let place = location.stores.get(id).map_or(u32::MAX, |s| s.position);
                    mix(place.into());
                }
            } else if let (Some(object), Some(access)) = (event.object, event.access()) {
                let seen = &mut accesses[object as usize];
                for &((thread, number), kind) in seen.iter() {
                    if AccessKind::conflict(kind, access.kind) {
                        mix(thread.into());
                        mix(number.into());
                    }
                }
                seen.push((name, access.kind));
            }
            threads[event.thread] = hash;
        }
        // Threads by path, so that creation order does not count.
        let mut keyed: Vec<(u32, u64)> = (self.threads.iter().zip(&threads))
            .map(|(thread, &hash)| (thread.key.path, hash))
            .collect();
        keyed.sort_unstable();
        keyed.iter().fold(FNV_START, |hash, &(path, thread)| {
            let hash = fnv1a(hash, &path.to_le_bytes());
            fnv1a(hash, &thread.to_le_bytes())
        })
    }
}

/// What kind of event it is, as a byte.
fn tag(kind: &EventKind) -> u8 {
    match kind {
        EventKind::Start => 0,
        EventKind::Finish { .. } => 1,
        EventKind::Yield => 2,
        EventKind::Spawn { .. } => 3,
        EventKind::Join { .. } => 4,
        EventKind::Load { .. } => 5,
        EventKind::Store { .. } => 6,
        EventKind::Rmw { .. } => 7,
        EventKind::CompareExchangeFailed { .. } => 8,
        EventKind::Fence { .. } => 9,
        EventKind::Lock => 10,
        EventKind::TryLock { .. } => 11,
        EventKind::Unlock => 12,
        EventKind::Sync { .. } => 13,
        EventKind::UnsyncLoad { .. } => 14,
        EventKind::CellRead => 15,
        EventKind::CellWrite => 16,
    }
}

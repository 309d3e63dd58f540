//! The object arena of one execution: every atomic location, mutex and cell the model creates,
//! with the state the engine needs to run and to report them.
//!
//! Invariant: objects are only ever appended, so an index names one object for the whole
//! execution, and the same program creates the same indices in every execution.

use super::barrier::BarrierState;
use super::channel::ChannelState;
use super::clock::VectorClock;
use super::condvar::CondvarState;
use super::op::{Site, ThreadId};
use super::park::ParkState;
use super::race::{CellAccess, CellState};
use super::refcount::RefCountState;
use super::rwlock::RwLockState;

pub(crate) struct Object {
    pub state: ObjectState,
    pub type_name: &'static str,
    pub created_at: Site,
}

pub(crate) enum ObjectState {
    Atomic(AtomicLocation),
    Mutex(MutexState),
    Cell(CellState),
    Condvar(CondvarState),
    Channel(ChannelState),
    RwLock(RwLockState),
    Barrier(BarrierState),
    Park(ParkState),
    RefCount(RefCountState),
}

/// An atomic location: its stores in modification order. A load records which store it read
/// (`reads_from`), so that weak memory can later make that a choice.
pub(crate) struct AtomicLocation {
    pub stores: Vec<StoreRecord>,
    /// Each thread's latest store (as a race-detector access), for non-atomic reads
    /// (`unsync_load`), which race with atomic stores they are not ordered after.
    pub writers: Vec<CellAccess>,
    /// Each thread's latest `unsync_load`, which later stores race with unless ordered.
    pub unsync_reads: Vec<CellAccess>,
}

#[derive(Clone, Debug)]
pub(crate) struct StoreRecord {
    pub value: u64,
    /// What a read that synchronises with this store acquires (see `happens_before`).
    pub sync: VectorClock,
}

impl AtomicLocation {
    /// Index (in modification order) and record of the store a sequentially consistent load
    /// reads: the latest one.
    pub(crate) fn latest(&self) -> (usize, &StoreRecord) {
        let index = self.stores.len() - 1;
        (index, &self.stores[index])
    }
}

pub(crate) struct MutexState {
    /// The thread holding the mutex and where it locked it.
    pub owner: Option<(ThreadId, Site)>,
    /// The clock of the last unlock, which the next lock acquires.
    pub released: VectorClock,
}

impl Object {
    /// `#3 AtomicUsize created at src/lib.rs:10:5`.
    pub(crate) fn describe(&self, index: usize) -> String {
        format!(
            "#{index} {} created at {}",
            short_type_name(self.type_name),
            self.created_at
        )
    }
}

/// `alloc::sync::Arc<my_crate::Node>` -> `Arc<Node>`: each path keeps its last segment.
pub(crate) fn short_type_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut segment = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            segment.push(c);
        } else {
            out.push_str(segment.rsplit("::").next().unwrap_or(""));
            segment.clear();
            out.push(c);
        }
    }
    out.push_str(segment.rsplit("::").next().unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::short_type_name;

    #[test]
    fn type_names_lose_their_paths() {
        assert_eq!(
            short_type_name("alloc::sync::Arc<weft_shims::sync::atomic::integer::AtomicUsize>"),
            "Arc<AtomicUsize>"
        );
        assert_eq!(
            short_type_name("alloc::sync::Arc<(a::B, [u8; 4], &str)>"),
            "Arc<(B, [u8; 4], &str)>"
        );
        assert_eq!(short_type_name("Mutex"), "Mutex");
    }
}

//! The state of each kind of object the model creates (atomic location, mutex, cell,
//! blocking primitive, reference count), which the engine needs to run and to report them;
//! `object_table` holds them.
//!
//! Invariant: objects are only ever appended, so an index names one object for the whole
//! execution, and the same program creates the same indices in every execution.

use super::barrier::BarrierState;
use super::channel::ChannelState;
use super::clock::VectorClock;
pub(crate) use super::coherence::AtomicLocation;
use super::condvar::CondvarState;
use super::op::{Site, ThreadId};
use super::park::ParkState;
use super::race::CellState;
use super::refcount::RefCountState;
use super::rwlock::RwLockState;

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

#[derive(Default)]
pub(crate) struct MutexState {
    /// The thread holding the mutex and where it locked it.
    pub owner: Option<(ThreadId, Site)>,
    /// The clock of the last unlock, which the next lock acquires.
    pub released: VectorClock,
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

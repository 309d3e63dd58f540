//! The data race detector for non-atomic cells (`UnsafeCell::with` / `with_mut`).
//!
//! Each cell remembers its last write and, since that write, the latest read of each thread
//! (FastTrack's idea: an access is an epoch `(thread, clock)`, not a whole vector clock).
//! An access races with a remembered one of another thread when that one's epoch is not in
//! the accessing thread's happens-before past (see `happens_before`). Reads race with the
//! last write; writes race with the last write and every remembered read.
//!
//! Invariant: the latest read per thread is enough. A thread's epochs only grow, so if a
//! write is unordered with an older read of some thread it is unordered with that thread's
//! latest read too. A write that races nothing is ordered after every remembered read, which
//! it then forgets.
//!
//! Cell accesses are events without a scheduling point: they commute with everything for the
//! explorer, which explores the synchronising operations around them.

use super::execution::Execution;
use super::objects::ObjectState;
use super::op::{EventKind, ObjectIndex, Site, ThreadId};

/// One access to a cell.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CellAccess {
    pub thread: ThreadId,
    pub epoch: u32,
    /// Its event in the execution's trace.
    pub event: usize,
}

/// What the detector remembers of one cell.
#[derive(Default)]
pub(crate) struct CellState {
    write: Option<CellAccess>,
    reads: Vec<CellAccess>,
}

/// Two accesses to one cell, at least one a write, unordered by happens-before.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Race {
    pub object: ObjectIndex,
    /// The access that found the race (its event).
    pub access: usize,
    /// The earlier conflicting access (its event).
    pub previous: usize,
}

impl Execution {
    pub(crate) fn cell_new(&mut self, type_name: &'static str, site: Site) -> ObjectIndex {
        self.add_object(ObjectState::Cell(CellState::default()), type_name, site)
    }

    /// Records an access of the current thread; true (and `self.race` set) when it races.
    pub(crate) fn cell_access(&mut self, object: ObjectIndex, write: bool, site: Site) -> bool {
        let me = self.current;
        let kind = if write {
            EventKind::CellWrite
        } else {
            EventKind::CellRead
        };
        let event = self.record(kind, Some(object), site);
        let clocks = &self.threads[me].clocks;
        let access = CellAccess {
            thread: me,
            epoch: clocks.epoch(me),
            event,
        };
        let ObjectState::Cell(cell) = self.objects.state_mut(object) else {
            unreachable!("object {object} is not a cell");
        };
        let unordered = |other: &CellAccess| {
            other.thread != me && !clocks.now.covers(other.thread, other.epoch)
        };
        let conflict = cell.write.filter(|w| unordered(w)).or_else(|| {
            write
                .then(|| cell.reads.iter().find(|r| unordered(r)).copied())
                .flatten()
        });
        if write {
            cell.write = Some(access);
            cell.reads.clear();
        } else if let Some(read) = cell.reads.iter_mut().find(|r| r.thread == me) {
            *read = access;
        } else {
            cell.reads.push(access);
        }
        self.race = conflict.map(|previous| Race {
            object,
            access: event,
            previous: previous.event,
        });
        self.race.is_some()
    }
}

//! Reader-writer locks: any number of readers or one writer. A read lock waits while a
//! writer holds the lock; a write lock waits while anyone does. Writers are not preferred
//! over readers (std leaves the policy to the platform; weft explores the orders the
//! program allows).
//!
//! Dependence (`SyncAccess`): read locks and read unlocks commute with each other; a write
//! lock conflicts with everything, a write unlock with every lock and failed `try_*`, a
//! read unlock with write locks and failed `try_write`s. A blocking lock races with the
//! earlier acquisitions, not with the unlocks that let it in (as a mutex lock does); a
//! failed `try_*` observes the acquisition it saw, and commutes with other failed ones.
//!
//! Happens-before: a write unlock happens before every later lock; a read unlock happens
//! before the next write lock.
//!
//! Invariant: `writer` is `Some` exactly between a write lock event and its unlock; `readers`
//! lists each read lock not yet unlocked (a thread may hold several).

use super::clock::VectorClock;
use super::execution::Execution;
use super::objects::ObjectState;
use super::op::{AccessKind, ObjectIndex, OpKind, Site, SyncOutcome, ThreadId};
use super::sync_access::SyncAccess;

#[derive(Default)]
pub(crate) struct RwLockState {
    readers: Vec<(ThreadId, Site)>,
    writer: Option<(ThreadId, Site)>,
    write_released: VectorClock,
    read_released: VectorClock,
}

impl Execution {
    pub(crate) fn rwlock_new(&mut self, type_name: &'static str, site: Site) -> ObjectIndex {
        self.add_object(ObjectState::RwLock(RwLockState::default()), type_name, site)
    }

    fn rwlock_ref(&self, object: ObjectIndex) -> &RwLockState {
        match self.objects.state(object) {
            ObjectState::RwLock(lock) => lock,
            _ => unreachable!("object {object} is not a rwlock"),
        }
    }

    pub(crate) fn rwlock_enabled(&self, op: OpKind, object: ObjectIndex) -> bool {
        let lock = self.rwlock_ref(object);
        match op {
            OpKind::ReadLock => lock.writer.is_none(),
            OpKind::WriteLock => lock.writer.is_none() && lock.readers.is_empty(),
            _ => true,
        }
    }

    pub(crate) fn rwlock_access(&self, op: OpKind, object: ObjectIndex) -> AccessKind {
        let write = matches!(
            op,
            OpKind::WriteLock | OpKind::TryWriteLock | OpKind::WriteUnlock
        );
        let access = match op {
            OpKind::ReadUnlock | OpKind::WriteUnlock => SyncAccess::Unlock { write },
            OpKind::TryReadLock if !self.rwlock_enabled(OpKind::ReadLock, object) => {
                SyncAccess::LockProbe { write }
            }
            OpKind::TryWriteLock if !self.rwlock_enabled(OpKind::WriteLock, object) => {
                SyncAccess::LockProbe { write }
            }
            _ => SyncAccess::Lock {
                write,
                blocking: matches!(op, OpKind::ReadLock | OpKind::WriteLock),
            },
        };
        AccessKind::Sync(access)
    }

    /// A read or write lock, blocking or `try_*` (by `op`); whether it was taken.
    pub(crate) fn rwlock_lock(&mut self, object: ObjectIndex, op: OpKind, site: Site) -> bool {
        let access = self.rwlock_access(op, object);
        let write = matches!(op, OpKind::WriteLock | OpKind::TryWriteLock);
        let wanted = if write {
            OpKind::WriteLock
        } else {
            OpKind::ReadLock
        };
        let taken = self.rwlock_enabled(wanted, object);
        let me = self.current;
        if taken {
            let clocks = &mut self.threads[me].clocks;
            let ObjectState::RwLock(lock) = self.objects.state_mut(object) else {
                unreachable!("object {object} is not a rwlock");
            };
            clocks.acquire(&lock.write_released);
            if write {
                clocks.acquire(&lock.read_released);
                lock.writer = Some((me, site));
            } else {
                lock.readers.push((me, site));
            }
        }
        let outcome = if taken {
            SyncOutcome::Done
        } else {
            SyncOutcome::Failed
        };
        self.record_sync(op, object, access, outcome, site);
        taken
    }

    pub(crate) fn rwlock_unlock(&mut self, object: ObjectIndex, write: bool, site: Site) {
        let me = self.current;
        let clocks = &mut self.threads[me].clocks;
        let ObjectState::RwLock(lock) = self.objects.state_mut(object) else {
            unreachable!("object {object} is not a rwlock");
        };
        if write {
            lock.writer = None;
            clocks.release(me, &mut lock.write_released);
        } else {
            if let Some(i) = lock.readers.iter().position(|(t, _)| *t == me) {
                lock.readers.swap_remove(i);
            }
            clocks.release_joining(me, &mut lock.read_released);
        }
        let op = if write {
            OpKind::WriteUnlock
        } else {
            OpKind::ReadUnlock
        };
        let access = AccessKind::Sync(SyncAccess::Unlock { write });
        self.record_sync(op, object, access, SyncOutcome::Done, site);
    }

    /// Who holds the lock, for deadlock reports.
    pub(crate) fn rwlock_describe(&self, object: ObjectIndex) -> String {
        let lock = self.rwlock_ref(object);
        if let Some((writer, site)) = lock.writer {
            return format!(
                "write-locked by {}, which locked it at {site}",
                self.thread_label(writer)
            );
        }
        let readers: Vec<String> = lock
            .readers
            .iter()
            .map(|(t, site)| format!("{} (at {site})", self.thread_label(*t)))
            .collect();
        format!("read-locked by {}", readers.join(", "))
    }
}

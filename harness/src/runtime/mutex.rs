//! Mutexes: an owner and the site where it locked. A blocking `lock` is disabled while the
//! mutex is held. `unlock` is a scheduling point too: it does not commute with another
//! thread's `try_lock`, which fails before it and succeeds after it.
//!
//! Happens-before: an unlock hands the owner's clock to the mutex; the next lock or successful
//! `try_lock` acquires it.
//!
//! Invariant: `owner` is `Some` exactly between a `Lock`/successful `TryLock` event and the
//! matching `Unlock` event.

use super::execution::Execution;
use super::object_table::ObjectInfo;
use super::objects::{MutexState, ObjectState};
use super::op::{EventKind, ObjectIndex, Site, ThreadId};

impl Execution {
    pub(crate) fn mutex_new(&mut self, type_name: &'static str, site: Site) -> ObjectIndex {
        let info = ObjectInfo {
            type_name,
            created_at: site,
            key: self.object_key(),
        };
        self.objects.add_mutex(info)
    }

    pub(crate) fn mutex(&mut self, object: ObjectIndex) -> &mut MutexState {
        match self.objects.state_mut(object) {
            ObjectState::Mutex(mutex) => mutex,
            _ => unreachable!("object {object} is not a mutex"),
        }
    }

    /// Takes the mutex; the scheduler only runs this when the mutex is free.
    pub(crate) fn mutex_lock(&mut self, object: ObjectIndex, site: Site) {
        let me = self.current;
        let mutex = self.mutex(object);
        debug_assert!(
            mutex.owner.is_none(),
            "lock scheduled while the mutex is held"
        );
        mutex.owner = Some((me, site));
        self.acquire_mutex(object);
        self.record(EventKind::Lock, Some(object), site);
    }

    pub(crate) fn mutex_try_lock(&mut self, object: ObjectIndex, site: Site) -> bool {
        let me = self.current;
        let mutex = self.mutex(object);
        let acquired = mutex.owner.is_none();
        if acquired {
            mutex.owner = Some((me, site));
            self.acquire_mutex(object);
        }
        self.record(EventKind::TryLock { acquired }, Some(object), site);
        acquired
    }

    pub(crate) fn mutex_unlock(&mut self, object: ObjectIndex, site: Site) {
        let me = self.current;
        let ObjectState::Mutex(mutex) = self.objects.state_mut(object) else {
            unreachable!("object {object} is not a mutex");
        };
        mutex.owner = None;
        self.threads[me].clocks.release(me, &mut mutex.released);
        self.record(EventKind::Unlock, Some(object), site);
    }

    /// The current thread synchronises with the mutex's last unlock.
    fn acquire_mutex(&mut self, object: ObjectIndex) {
        let me = self.current;
        if let ObjectState::Mutex(mutex) = self.objects.state(object) {
            self.threads[me].clocks.acquire(&mutex.released);
        }
    }

    pub(crate) fn mutex_owner(&self, object: ObjectIndex) -> Option<(ThreadId, Site)> {
        match self.objects.state(object) {
            ObjectState::Mutex(mutex) => mutex.owner,
            _ => None,
        }
    }
}

//! `thread::park` and `Thread::unpark`: each thread has a token (an object created the first
//! time the thread parks or is unparked). `unpark` sets it; `park` waits for it and takes it.
//! `park_timeout` (and, when the builder asks for spurious wakeups, `park`) may also return
//! without it; both outcomes are explored, as for `Condvar::wait_timeout`.
//!
//! Happens-before: an `unpark` happens before the `park` that takes its token (std documents
//! this synchronisation).
//!
//! Dependence (`SyncAccess`): unparks commute with each other (the token is a flag); a park
//! conflicts with the unparks since the token was last taken and, when it takes the token,
//! with the unparks right after it (before it, they would have been absorbed). A blocking
//! park cannot run before the unpark that set the token when no other unpark of its epoch
//! could have set it: an edge, not a race.
//!
//! Invariant: the token is a flag, not a count: several unparks before a park leave one;
//! `epoch` counts the parks that took it.

use super::clock::VectorClock;
use super::execution::Execution;
use super::objects::ObjectState;
use super::op::{AccessKind, ObjectIndex, OpKind, Site, SyncOutcome, ThreadId};
use super::sync_access::SyncAccess;

#[derive(Default)]
pub(crate) struct ParkState {
    token: bool,
    /// How many times a park took the token.
    epoch: u32,
    /// Unparks since the token was last taken.
    unparks: u32,
    clock: VectorClock,
}

impl Execution {
    /// The park token object of `thread`, created on first use. Whichever thread comes
    /// first creates it (a park, or an unpark from another thread), so its key names its
    /// owner, not its creator (see `Execution::object_key`): the thread whose `park` created
    /// it in one execution may find it created by an `unpark` in another.
    pub(crate) fn park_token(&mut self, thread: ThreadId) -> ObjectIndex {
        if let Some(object) = self.threads[thread].park_token {
            return object;
        }
        let site = self.threads[thread].start_site;
        let state = ObjectState::Park(ParkState::default());
        let key = u32::MAX - self.threads[thread].key.path;
        let object = self.add_keyed_object(state, "park token", site, key);
        self.threads[thread].park_token = Some(object);
        object
    }

    fn park_state(&mut self, object: ObjectIndex) -> &mut ParkState {
        match self.objects.state_mut(object) {
            ObjectState::Park(park) => park,
            _ => unreachable!("object {object} is not a park token"),
        }
    }

    fn park_ref(&self, object: ObjectIndex) -> &ParkState {
        match self.objects.state(object) {
            ObjectState::Park(park) => park,
            _ => unreachable!("object {object} is not a park token"),
        }
    }

    pub(crate) fn park_enabled(&self, op: OpKind, object: ObjectIndex) -> bool {
        match op {
            OpKind::Park { timeout } => {
                timeout || self.spurious_wakeups || self.park_ref(object).token
            }
            _ => true,
        }
    }

    pub(crate) fn park_access(&self, op: OpKind, object: ObjectIndex) -> AccessKind {
        let park = self.park_ref(object);
        let access = match op {
            OpKind::Park { timeout } => SyncAccess::Park {
                epoch: park.epoch,
                took: park.token,
                waited: !timeout && !self.spurious_wakeups && park.unparks == 1,
            },
            _ => SyncAccess::Unpark {
                epoch: park.epoch,
                first: !park.token,
            },
        };
        AccessKind::Sync(access)
    }

    /// Takes the token if there is one; false when the park returned without it.
    pub(crate) fn park(&mut self, object: ObjectIndex, timeout: bool, site: Site) -> bool {
        let op = OpKind::Park { timeout };
        let access = self.park_access(op, object);
        let me = self.current;
        let park = self.park_state(object);
        let had_token = std::mem::take(&mut park.token);
        if had_token {
            park.epoch += 1;
            park.unparks = 0;
            let clock = park.clock.clone();
            self.threads[me].clocks.acquire(&clock);
        }
        let outcome = if had_token {
            SyncOutcome::Done
        } else {
            SyncOutcome::TimedOut
        };
        self.record_sync(op, object, access, outcome, site);
        had_token
    }

    pub(crate) fn unpark(&mut self, object: ObjectIndex, site: Site) {
        let me = self.current;
        let op = OpKind::Unpark;
        let access = self.park_access(op, object);
        let mut released = VectorClock::default();
        self.threads[me].clocks.release(me, &mut released);
        let park = self.park_state(object);
        park.token = true;
        park.unparks += 1;
        park.clock.join(&released);
        self.record_sync(op, object, access, SyncOutcome::Done, site);
    }
}

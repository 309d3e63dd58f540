//! Condition variables. `wait` is two scheduling points around the mutex unlock the shim
//! makes between them: `CondvarRegister` joins the waiters while the mutex is still held (so
//! no notification can slip between the unlock and the wait, as std guarantees), and
//! `CondvarWait` blocks until a notification picked this waiter. A `wait_timeout` (and, when
//! the builder asks for spurious wakeups, any wait) may also return without one: both
//! outcomes are explored, because the wait is then always enabled and runs before or after
//! the notification.
//!
//! Happens-before comes from the mutex, as in std; notify and wake add none.
//!
//! Dependence (`SyncAccess`): registrations are numbered; registrations conflict with each
//! other (their order decides whom `notify_one` wakes), a notify with the registrations it
//! marks (and, for `notify_all` or one that marked nobody, the next registration), with
//! the notifies that would mark the same waiters, and with the wait it ends (an edge, not
//! a race, when the wait could not have returned without it); a wait that returned
//! without a notification conflicts with every notify.
//!
//! Invariant: a thread is in `waiters` exactly from its register event to its wait event,
//! in registration order, the notified ones first; `notify_one` picks the longest waiting
//! thread not yet notified.

use super::execution::Execution;
use super::objects::ObjectState;
use super::op::{AccessKind, ObjectIndex, OpKind, Site, SyncOutcome, ThreadId};
use super::sync_access::SyncAccess;

#[derive(Default)]
pub(crate) struct CondvarState {
    waiters: Vec<Waiter>,
    /// Registrations so far: the next one's number.
    registered: u32,
}

#[derive(Clone, Copy)]
struct Waiter {
    thread: ThreadId,
    ticket: u32,
    notified: bool,
}

impl CondvarState {
    fn waiter(&self, thread: ThreadId) -> Option<&Waiter> {
        self.waiters.iter().find(|w| w.thread == thread)
    }
}

impl Execution {
    pub(crate) fn condvar_new(&mut self, type_name: &'static str, site: Site) -> ObjectIndex {
        self.add_object(
            ObjectState::Condvar(CondvarState::default()),
            type_name,
            site,
        )
    }

    fn condvar(&mut self, object: ObjectIndex) -> &mut CondvarState {
        match self.objects.state_mut(object) {
            ObjectState::Condvar(condvar) => condvar,
            _ => unreachable!("object {object} is not a condvar"),
        }
    }

    fn condvar_ref(&self, object: ObjectIndex) -> &CondvarState {
        match self.objects.state(object) {
            ObjectState::Condvar(condvar) => condvar,
            _ => unreachable!("object {object} is not a condvar"),
        }
    }

    /// Whether `thread`'s wait on `object` can return now.
    pub(crate) fn condvar_wait_enabled(
        &self,
        thread: ThreadId,
        object: ObjectIndex,
        timeout: bool,
    ) -> bool {
        timeout
            || self.spurious_wakeups
            || self
                .condvar_ref(object)
                .waiter(thread)
                .is_some_and(|w| w.notified)
    }

    /// The registration number of the calling thread's wait.
    pub(crate) fn condvar_ticket(&self, object: ObjectIndex) -> u32 {
        let condvar = self.condvar_ref(object);
        condvar.waiter(self.current).map_or(u32::MAX, |w| w.ticket)
    }

    /// The access `op` on the condvar would make now: which registrations a notify marks
    /// (waiters are notified oldest first, so the ones not notified yet are the newest).
    pub(crate) fn condvar_access(&self, op: OpKind, object: ObjectIndex) -> AccessKind {
        let condvar = self.condvar_ref(object);
        let next = condvar.registered;
        let access = match op {
            OpKind::CondvarRegister => SyncAccess::Register { ticket: next },
            OpKind::CondvarWait { timeout, ticket } => {
                match condvar.waiters.iter().find(|w| w.ticket == ticket) {
                    Some(w) if w.notified => SyncAccess::Woken {
                        ticket,
                        blocking: !timeout && !self.spurious_wakeups,
                    },
                    _ => SyncAccess::WaitTimedOut,
                }
            }
            OpKind::Notify { all } => match condvar.waiters.iter().find(|w| !w.notified) {
                Some(first) => SyncAccess::Notify {
                    lo: first.ticket,
                    hi: if all { next } else { first.ticket + 1 },
                    all,
                },
                None => SyncAccess::Notify {
                    lo: next,
                    hi: next,
                    all,
                },
            },
            _ => unreachable!("{op:?} is no condvar operation"),
        };
        AccessKind::Sync(access)
    }

    pub(crate) fn condvar_register(&mut self, object: ObjectIndex, site: Site) {
        let thread = self.current;
        let op = OpKind::CondvarRegister;
        let access = self.condvar_access(op, object);
        let condvar = self.condvar(object);
        condvar.waiters.push(Waiter {
            thread,
            ticket: condvar.registered,
            notified: false,
        });
        condvar.registered += 1;
        self.record_sync(op, object, access, SyncOutcome::Done, site);
    }

    /// Leaves the waiters; true when a notification woke the thread, false on a timeout or
    /// spurious wakeup.
    pub(crate) fn condvar_wait(
        &mut self,
        object: ObjectIndex,
        timeout: bool,
        ticket: u32,
        site: Site,
    ) -> bool {
        let thread = self.current;
        let op = OpKind::CondvarWait { timeout, ticket };
        let access = self.condvar_access(op, object);
        let condvar = self.condvar(object);
        let position = condvar.waiters.iter().position(|w| w.thread == thread);
        let notified = position.is_some_and(|i| condvar.waiters.remove(i).notified);
        let outcome = if notified {
            SyncOutcome::Done
        } else {
            SyncOutcome::TimedOut
        };
        self.record_sync(op, object, access, outcome, site);
        notified
    }

    pub(crate) fn condvar_notify(&mut self, object: ObjectIndex, all: bool, site: Site) {
        let access = self.condvar_access(OpKind::Notify { all }, object);
        let mut woken = 0;
        for waiter in self
            .condvar(object)
            .waiters
            .iter_mut()
            .filter(|w| !w.notified)
        {
            waiter.notified = true;
            woken += 1;
            if !all {
                break;
            }
        }
        self.record_sync(
            OpKind::Notify { all },
            object,
            access,
            SyncOutcome::Value(woken),
            site,
        );
    }

    /// `not notified yet (2 threads wait)` for deadlock reports.
    pub(crate) fn condvar_describe(&self, object: ObjectIndex) -> String {
        let waiting = self.condvar_ref(object).waiters.len();
        format!(
            "nobody notified it ({waiting} thread{} wait{} on it)",
            if waiting == 1 { "" } else { "s" },
            if waiting == 1 { "s" } else { "" }
        )
    }
}

//! What a sleeping thread is remembered by in DPOR's sleep sets: every access its step
//! made when it was explored, the scheduling point's operation and the events after it in
//! the same step (reference-count clones and drops have no scheduling point of their own).
//!
//! Invariant: a sleeper wakes when an executed event conflicts with any remembered access;
//! a step with more accesses than fit is never put to sleep (conservative).
//!
//! Conflict checks run for every sleeper at every step and for every pair of steps a wakeup
//! tree insertion compares, so each set carries a one-word summary (`mask`): a bit per
//! object (its index modulo 64). Two accesses conflict only on the same object; when the
//! summaries share no bit, the accesses themselves are not compared.

use crate::runtime::op::{Access, AccessKind, Event, EventKind, ObjectIndex};
use crate::runtime::sync_access::{SyncAccess, ANY_EPOCH, ANY_TICKET, NONE};

/// The most accesses of one step a sleeping thread is remembered by; a step with more is
/// never put to sleep (explored again: conservative).
const STEP_ACCESSES: usize = 4;

/// The accesses one step makes: its scheduling point's operation and the events without a
/// scheduling point after it (reference counts, for instance). A sleeping thread wakes when
/// anything conflicts with any of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct StepAccesses {
    list: [Option<Access>; STEP_ACCESSES],
    /// `bit(a)` of every access `a` in `list`.
    mask: u64,
}

/// The events of a step that a sleeper is remembered by, with their keyed accesses.
fn recorded(events: &[Event]) -> impl Iterator<Item = (&Event, Access)> {
    (events.iter()).filter_map(|event| Some((event, event.keyed_access()?)))
}

/// An access's bit in a mask: one per object, by its index modulo 64.
fn bit(access: Access) -> u64 {
    1 << (access.object % 64)
}

/// Whether accesses with these masks may conflict: they share an object bit.
#[inline]
fn may_conflict(a: u64, b: u64) -> bool {
    a & b != 0
}

impl StepAccesses {
    fn new(list: [Option<Access>; STEP_ACCESSES]) -> StepAccesses {
        let mask = list.iter().flatten().fold(0, |mask, &a| mask | bit(a));
        StepAccesses { list, mask }
    }

    /// A step known only by one access (its scheduling point's operation's), or by none.
    pub(crate) fn one(access: Option<Access>) -> StepAccesses {
        let mut list = [None; STEP_ACCESSES];
        list[0] = access;
        StepAccesses::new(list)
    }

    /// The accesses of `events`, or `None` when there are too many to remember.
    pub(crate) fn of(events: &[Event]) -> Option<StepAccesses> {
        let mut list = [None; STEP_ACCESSES];
        let mut mask = 0;
        for (n, (_, access)) in recorded(events).enumerate() {
            *list.get_mut(n)? = Some(access);
            mask |= bit(access);
        }
        Some(StepAccesses { list, mask })
    }

    /// These accesses (of `events`) as the step makes them when moved just before the event
    /// it raced with (`moved`): a `try_lock` that failed now finds the mutex free (before
    /// the acquisition it saw) and one that succeeded finds it held (before the release it
    /// followed); a compare-exchange on that event's location reads the value the location
    /// held before it, when that is known (`MovedBefore`), so it succeeds exactly when that
    /// is the value it expects, and otherwise counts as a write; an unpark may fall in
    /// another epoch, so it counts as an unpark of any (`ANY_EPOCH`: it conflicts with
    /// every park, and still with no unpark); a channel's send or receive may take another
    /// message, so it counts as one of any (`ANY_TICKET`), and a send that found the
    /// receiver gone as a send (moved before the drop); another blocking primitive's
    /// operation, or a reference count's other than a commuting update, may find another
    /// state, so it counts as a write (conservative).
    ///
    /// A prediction may do more than the step will (DPOR then wakes the sleepers the
    /// prediction conflicts with: `dpor::sleep`), never less: a write predicted as a read
    /// would let a sleeping reader stand for a reversal it does not cover.
    pub(crate) fn reversed(mut self, events: &[Event], moved: MovedBefore) -> StepAccesses {
        // Only kinds change: objects, SeqCst and so the mask stay.
        for (slot, (event, _)) in self.list.iter_mut().zip(recorded(events)) {
            let Some(access) = slot.as_mut() else {
                continue;
            };
            let exchange = |expected: u64| match moved.value_before(event.object) {
                Some(value) if value != expected => AccessKind::Read,
                _ => AccessKind::Write,
            };
            access.kind = match event.kind {
                EventKind::TryLock { acquired: true } => AccessKind::Probe,
                EventKind::TryLock { acquired: false } => AccessKind::TryAcquire,
                EventKind::CompareExchangeFailed { expected, .. } => exchange(expected),
                EventKind::Rmw {
                    exchange: true,
                    old,
                    ..
                } => exchange(old),
                EventKind::Sync { .. } => match access.kind {
                    AccessKind::Sync(
                        SyncAccess::LockProbe { write }
                        | SyncAccess::Lock {
                            write,
                            blocking: false,
                        },
                    ) => AccessKind::Sync(moved.lock_try(event.object, write)),
                    kind => Self::moved_sync(kind),
                },
                _ => access.kind,
            };
        }
        self
    }

    /// A blocking primitive's or reference count's access as its operation makes it moved
    /// earlier. A reference count only gets further from zero: an update stays one; a
    /// blocking rwlock acquisition or a release, a rendezvous sender's return (its message
    /// was taken), a receiver's registration and a drop of a channel's end do the same
    /// wherever they run (a sender's drop moved earlier may not be the last: it does less);
    /// an unpark may fall in another epoch, but still commutes with every other unpark; a
    /// send or receive may take another message. Anything else may find another state: any
    /// write.
    fn moved_sync(kind: AccessKind) -> AccessKind {
        match kind {
            AccessKind::Update
            | AccessKind::Sync(
                SyncAccess::Lock { blocking: true, .. }
                | SyncAccess::Unlock { .. }
                | SyncAccess::Taken { .. }
                | SyncAccess::RecvRegister
                | SyncAccess::DropSender { .. }
                | SyncAccess::DropReceiver,
            ) => kind,
            AccessKind::Sync(SyncAccess::Unpark { .. }) => AccessKind::Sync(SyncAccess::Unpark {
                epoch: ANY_EPOCH,
                first: false,
            }),
            AccessKind::Sync(SyncAccess::Send {
                blocking, handoff, ..
            }) => AccessKind::Sync(SyncAccess::Send {
                ticket: ANY_TICKET,
                room: NONE,
                since: 0,
                blocking,
                handoff,
            }),
            // Moved before the receiver's drop, it sends after all.
            AccessKind::Sync(SyncAccess::SendClosed { .. }) => AccessKind::Sync(SyncAccess::Send {
                ticket: ANY_TICKET,
                room: NONE,
                since: 0,
                blocking: true,
                handoff: true,
            }),
            AccessKind::Sync(SyncAccess::Recv { blocking, .. }) => {
                AccessKind::Sync(SyncAccess::Recv {
                    ticket: ANY_TICKET,
                    blocking,
                })
            }
            _ => AccessKind::Write,
        }
    }

    /// The set's one-word summary: a bit per object it touches (see the module docs).
    pub(crate) fn mask(&self) -> u64 {
        self.mask
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = Access> + '_ {
        self.list.iter().flatten().copied()
    }

    #[inline]
    pub(crate) fn conflicts(&self, done: Access) -> bool {
        let compare = || self.iter().any(|mine| mine.conflicts(done));
        // The masks rest on `Access::conflicts` relating accesses to different objects only
        // through SeqCst: checked wherever debug assertions are on (the tests).
        debug_assert!(
            may_conflict(self.mask, bit(done)) || !compare(),
            "weft: an access conflict the step masks do not allow for"
        );
        may_conflict(self.mask, bit(done)) && compare()
    }

    /// Whether some access of `self` conflicts with some access of `other`.
    #[inline(always)]
    pub(crate) fn conflicts_with(&self, other: &StepAccesses) -> bool {
        may_conflict(self.mask, other.mask) && other.iter().any(|done| self.conflicts(done))
    }

    /// Whether there is no access at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.list.iter().all(Option::is_none)
    }
}

/// The event a racing step is moved before, as a reversal's prediction needs it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MovedBefore {
    object: Option<ObjectIndex>,
    /// The value its location held just before it, when certain to be what an access moved
    /// there reads.
    value: Option<u64>,
    /// Its access, when it is a blocking primitive's.
    sync: Option<SyncAccess>,
}

impl MovedBefore {
    /// `earlier`, in an execution that is `sequentially_consistent` (no access that is not
    /// SeqCst, so every read takes the latest store and nothing reads an older one): then
    /// nothing the reversal runs between `earlier`'s node and the moved step touches the
    /// location (it would conflict with `earlier` and so happen after it), and the step
    /// reads what the location held before `earlier`: what a store replaced, what a
    /// read-modify-write read, or the value a read saw. Under weak memory a moved access
    /// may read an older store, so nothing is predicted.
    pub(crate) fn new(earlier: &Event, sequentially_consistent: bool) -> MovedBefore {
        let value = match earlier.kind {
            _ if !sequentially_consistent => None,
            EventKind::Store { replaced, .. } => Some(replaced),
            EventKind::Rmw { old, .. } => Some(old),
            EventKind::Load { value, .. } => Some(value),
            EventKind::CompareExchangeFailed { actual, .. } => Some(actual),
            _ => None,
        };
        let sync = match earlier.access().map(|a| a.kind) {
            Some(AccessKind::Sync(access)) => Some(access),
            _ => None,
        };
        MovedBefore {
            object: earlier.object,
            value,
            sync,
        }
    }

    /// What an rwlock `try_*` (`write`: `try_write`) on `object` moved before the event
    /// does: nothing the reversal runs before it touches the lock (it would conflict with
    /// the event, so happen after it), so it finds the lock as the event did. Before a
    /// write lock's release the lock was held: the attempt fails, and so does a `try_write`
    /// before a read lock's release. Otherwise it may succeed, and an acquisition conflicts
    /// with all a failed attempt does.
    fn lock_try(self, object: Option<ObjectIndex>, write: bool) -> SyncAccess {
        let held = object.is_some()
            && object == self.object
            && match self.sync {
                Some(SyncAccess::Unlock { write: released }) => released || write,
                _ => false,
            };
        match held {
            true => SyncAccess::LockProbe { write },
            false => SyncAccess::Lock {
                write,
                blocking: false,
            },
        }
    }

    /// The value an access to `object` moved before the event reads, if known.
    fn value_before(self, object: Option<ObjectIndex>) -> Option<u64> {
        self.value
            .filter(|_| object.is_some() && object == self.object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(object: u32, kind: AccessKind) -> Access {
        Access::new(object, kind)
    }

    #[test]
    fn wakes_on_any_remembered_access() {
        let step = StepAccesses::new([
            Some(access(0, AccessKind::Read)),
            Some(access(3, AccessKind::Update)),
            None,
            None,
        ]);
        assert!(!step.conflicts(access(0, AccessKind::Read)));
        assert!(step.conflicts(access(0, AccessKind::Write)));
        assert!(
            !step.conflicts(access(3, AccessKind::Update)),
            "updates commute"
        );
        assert!(step.conflicts(access(3, AccessKind::Read)));
        assert!(!step.conflicts(access(5, AccessKind::Write)));
        assert!(
            !step.conflicts(access(64, AccessKind::Write)),
            "same mask bit, another object"
        );
        let load = StepAccesses::one(Some(access(7, AccessKind::Read)));
        let store = StepAccesses::one(Some(access(7, AccessKind::Write)));
        assert!(load.conflicts_with(&store) && store.conflicts_with(&load));
        assert!(!load.conflicts_with(&load), "loads commute");
        assert!(!step.conflicts_with(&store), "another object");
    }
}

//! The exact dependence of the blocking primitives' operations (channels, rwlocks,
//! condvars, barriers, park tokens): each event's access names what it touched (the message
//! ticket it sent or took, the registration a notify woke, the park token's epoch), so that
//! two accesses conflict exactly when the operations do not commute.
//!
//! Invariant (what sleep sets rely on): an access computed for a pending operation that can
//! run stays the operation's access until an event whose access conflicts with it runs. So
//! every parameter of an access (a ticket, an epoch, a leader flag) changes only through
//! conflicting operations; `Unpark::first` and `Park::waited` are only read by `enabled_by`,
//! never by `conflict`.
//!
//! Some dependences are happens-before edges but never races (`Dependence::Edge`): a
//! blocking operation cannot run before the event that let it go on (a `recv` before the
//! send of the message it took, a bounded `send` before the receive that made its room, a
//! `wait` before its notify), so that order is not explored.

/// No ticket (a send that needs no room, a full channel with nothing queued).
pub(crate) const NONE: u32 = u32::MAX;

/// The epoch of an `unpark` that a reversal moves, which may be any (`StepAccesses::
/// reversed`): it conflicts with every park.
pub(crate) const ANY_EPOCH: u32 = u32::MAX;

/// The message of a send or receive that a reversal moves earlier, which may be any
/// (`StepAccesses::reversed`): it conflicts with every send or receive of the channel, as
/// the operation might with whichever message it gets there.
pub(crate) const ANY_TICKET: u32 = u32::MAX - 1;

/// What an earlier event is to a later one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dependence {
    /// They commute in this order.
    None,
    /// The later one could not have run first: it happens after, with no race.
    Edge,
    /// Reversing them may change what either does.
    Race,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SyncAccess {
    /// Queued message `ticket`, in the room freed by the receive of message `room` (bounded
    /// channels; `NONE` otherwise). It conflicts with the receives of messages `since..=
    /// ticket` (see `one_way`). `handoff`: a rendezvous `try_send`, which needed a
    /// registered receiver.
    Send {
        ticket: u32,
        room: u32,
        since: u32,
        blocking: bool,
        handoff: bool,
    },
    /// `try_send` found no room: it would have succeeded before the send of message `filled`
    /// (`NONE`: no send took the room, or, rendezvous, the registered receiver) and after the
    /// receive of message `room` (`NONE`: rendezvous, after a receiver registers).
    Full {
        filled: u32,
        room: u32,
    },
    /// Took message `ticket`.
    Recv {
        ticket: u32,
        blocking: bool,
    },
    /// `try_recv` or `recv_timeout` found no message; the next one would be `next`.
    Empty {
        next: u32,
    },
    /// A rendezvous receiver announces it waits.
    RecvRegister,
    /// A rendezvous sender saw its message `ticket` received.
    Taken {
        ticket: u32,
    },
    /// A receive saw every sender gone.
    RecvClosed {
        blocking: bool,
    },
    /// A send (or a rendezvous sender's wait) saw the receiver gone. `waited`: the message
    /// it waited behind (a blocking send on a full channel: the last one queued; a
    /// rendezvous sender: its own), `NONE` if it could have gone on before the drop.
    SendClosed {
        waited: u32,
    },
    /// A sender goes away: the last one closes the channel.
    DropSender {
        last: bool,
    },
    DropReceiver,
    /// A read (`write: false`) or write lock acquisition.
    Lock {
        write: bool,
        blocking: bool,
    },
    /// A failed `try_read` / `try_write`.
    LockProbe {
        write: bool,
    },
    Unlock {
        write: bool,
    },
    /// A thread joins a condvar's waiters with this registration number.
    Register {
        ticket: u32,
    },
    /// A notify marked the registrations `[lo, hi)` (`lo == hi`: nobody; the next
    /// registration would be `hi`).
    Notify {
        lo: u32,
        hi: u32,
        all: bool,
    },
    /// The wait of registration `ticket` ended by a notification.
    Woken {
        ticket: u32,
        blocking: bool,
    },
    /// A wait that ended without a notification (timeout, spurious wakeup).
    WaitTimedOut,
    /// A barrier arrival; `leader`: it completed `generation`.
    Arrive {
        generation: u32,
        leader: bool,
    },
    /// A non-leader leaves `generation` once it passed.
    Pass {
        generation: u32,
    },
    /// `unpark` while the token has been taken `epoch` times (`ANY_EPOCH`: a reversal's
    /// prediction); `first`: it set the token.
    Unpark {
        epoch: u32,
        first: bool,
    },
    /// A park that took the token (the `epoch`-th) or, `took: false`, found none;
    /// `waited`: a blocking park that only the first unpark of its epoch let go on.
    Park {
        epoch: u32,
        took: bool,
        waited: bool,
    },
}

use SyncAccess::*;

impl SyncAccess {
    /// Whether the operations fail to commute (symmetric).
    pub(crate) fn conflict(a: SyncAccess, b: SyncAccess) -> bool {
        Self::one_way(a, b) || Self::one_way(b, a)
    }

    /// `conflict`, for the pairs listed with `a` first.
    fn one_way(a: SyncAccess, b: SyncAccess) -> bool {
        match (a, b) {
            // Channels: sends order the messages; receives decide who gets which.
            (Send { .. }, Send { .. }) => true,
            // Exact would be the message and the room only. But a receive between them (of
            // a bounded channel of capacity `n`: `ticket - n < j < ticket`) must come after
            // the send, so that reversing this send with an earlier one (where it takes an
            // earlier ticket and needs an earlier room) does not count that receive among
            // what must run first (`Causality::initials`).
            (Send { ticket, since, .. }, Recv { ticket: j, .. }) => {
                (since..=ticket).contains(&j) || [ticket, j].contains(&ANY_TICKET)
            }
            (Send { ticket, .. }, Empty { next }) => ticket == next || ticket == ANY_TICKET,
            (Send { ticket, .. }, Full { filled, .. }) => ticket == filled || ticket == ANY_TICKET,
            // The send that filled the channel disabled the one that then saw it closed.
            (Send { ticket, .. }, SendClosed { waited }) => {
                ticket == waited || ticket == ANY_TICKET
            }
            (Send { handoff, .. }, RecvRegister) => handoff,
            (Recv { .. } | Empty { .. } | RecvClosed { .. }, Recv { .. } | RecvClosed { .. }) => {
                true
            }
            (Recv { .. }, Empty { .. } | RecvRegister) => true,
            // A rendezvous receive clears the registration a `try_send` needs: a failed one
            // after it would, before it, have failed for the message it took instead.
            (Recv { ticket, .. }, Full { room, .. }) => {
                ticket == room || room == NONE || ticket == ANY_TICKET
            }
            (Recv { ticket: j, .. }, Taken { ticket }) => j == ticket || j == ANY_TICKET,
            (Full { room: NONE, .. }, RecvRegister) => true,
            // Not with a send: the last sender is dropped after every send (each is made
            // through a live sender), so there is no order to reverse. A thread that drops
            // its sender before another's send drops one that is not the last, which is no
            // event at all: the race only sent DPOR after that drop, in runs that ended
            // sleep-set blocked (the sender's step asleep, nothing conflicting with it),
            // and no edge is needed either: what observes the last drop (`Empty`,
            // `RecvClosed`) is ordered after the sends it depends on by itself.
            (DropSender { last: true }, Empty { .. } | RecvClosed { .. }) => true,
            // Another sender's drop only orders the receive that sees the channel closed
            // after it (`enabled_by`): before it, that receive would have found the channel
            // open, as before the last drop, which it races with.
            (DropSender { last: false }, RecvClosed { .. }) => true,
            // A rendezvous sender whose message was taken returns whether the receiver is
            // still there or not.
            (DropReceiver, DropSender { .. } | Taken { .. }) => false,
            (DropReceiver, _) => Self::on_channel(b),
            // Rwlocks: readers share.
            (Lock { write, .. } | Unlock { write }, Lock { write: w, .. }) => write || w,
            (Lock { write: true, .. }, LockProbe { .. } | Unlock { .. }) => true,
            (Lock { write: false, .. }, LockProbe { write: true }) => true,
            (Unlock { write }, LockProbe { write: w }) => write || w,
            // Failed `try_*`s only observe the lock held: they commute. (Optimal DPOR's
            // wakeup trees lost executions while they did and a moved `try_*` counted as
            // any write; it is predicted from the event it moves before now.)
            (LockProbe { .. }, LockProbe { .. }) => false,
            // Condvars: a notify and the registrations it marks (or, for `notify_all` and
            // a notify that marked nobody, the next one) or the wait it ends; a wait
            // without notification and every notify.
            (Register { .. }, Register { .. }) => true,
            (Notify { lo, hi, all }, Register { ticket }) => {
                (lo..hi).contains(&ticket) || ((all || lo == hi) && ticket == hi)
            }
            (Notify { lo, hi, .. }, Notify { lo: l, hi: h, .. }) => lo < h && l < hi,
            (Notify { lo, hi, .. }, Woken { ticket, .. }) => (lo..hi).contains(&ticket),
            (Notify { .. }, WaitTimedOut) => true,
            // Barriers: whether an arrival leads depends on every arrival before it.
            (Arrive { .. }, Arrive { .. }) => true,
            (Arrive { generation, leader }, Pass { generation: g }) => leader && g == generation,
            // Park tokens: a park and the unparks of its epoch, and those right after it.
            (Park { .. }, Park { .. }) => true,
            (Park { epoch, took, .. }, Unpark { epoch: e, .. }) => {
                e == epoch || (took && e == epoch + 1) || e == ANY_EPOCH
            }
            _ => false,
        }
    }

    fn on_channel(access: SyncAccess) -> bool {
        matches!(
            access,
            Send { .. }
                | Full { .. }
                | Recv { .. }
                | Empty { .. }
                | RecvRegister
                | Taken { .. }
                | RecvClosed { .. }
                | SendClosed { .. }
                | DropReceiver
        )
    }

    /// How `later` depends on `earlier`, an event that ran before it. `conflict` is the
    /// symmetric closure, for sleep sets, which do not know the order.
    pub(crate) fn depends(later: SyncAccess, earlier: SyncAccess) -> Dependence {
        if !Self::conflict(later, earlier) {
            return Dependence::None;
        }
        match (later, earlier) {
            // A rendezvous receive after a failed `try_send` commutes with it (no registered
            // receiver was free either way). An order here would hide the failure's race
            // with what would have let it succeed (the registration).
            (Recv { .. }, Full { room: NONE, .. }) => Dependence::None,
            _ if Self::enabled_by(later, earlier) => Dependence::Edge,
            // Among the races, a lock after a failed `try_*`. Left unordered (they commute:
            // the lock was held either way), a reversal of an earlier race could put the
            // lock before the failure and keep it failing, and split explorations lost
            // outcomes; ordered without a race, a reversal of the failure with the unlock
            // that lets it succeed left out the lock it must still follow
            // (`tests/blocking_differential.rs`, `tests/rwlocks_barriers_parking.rs`).
            _ => Dependence::Race,
        }
    }

    /// Whether `later` could not have run before `earlier` (which it conflicts with): a
    /// blocking operation and the event that let it go on.
    fn enabled_by(later: SyncAccess, earlier: SyncAccess) -> bool {
        match (later, earlier) {
            (Recv { ticket, blocking }, Send { ticket: t, .. }) => blocking && t == ticket,
            (Send { room, blocking, .. }, Recv { ticket, .. }) => blocking && room == ticket,
            (Taken { .. }, Recv { .. }) => true,
            (RecvClosed { blocking }, DropSender { last }) => blocking || !last,
            (SendClosed { waited }, DropReceiver) => waited != NONE,
            // A blocking lock waits for unlocks and does not race with them (as a mutex
            // lock races with the previous acquisition, not with the unlock before it).
            (Lock { blocking, .. }, Unlock { .. }) => blocking,
            (Woken { blocking, .. }, Notify { .. }) => blocking,
            (Pass { .. }, Arrive { .. }) => true,
            (Park { waited, .. }, Unpark { first, .. }) => waited && first,
            _ => false,
        }
    }

    /// Whether the access changes the object (wakes yielded spinners); the others only
    /// observe it.
    pub(crate) fn modifies(self) -> bool {
        !matches!(
            self,
            Full { .. }
                | Empty { .. }
                | RecvClosed { .. }
                | SendClosed { .. }
                | LockProbe { .. }
                | Pass { .. }
                | Park { took: false, .. }
        ) && !matches!(self, Lock { write: false, .. })
    }
}

#[cfg(test)]
mod tests;

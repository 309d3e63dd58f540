//! Which operations put an exploration in source-DPOR mode (see the parent module): those
//! whose reversals wakeup trees cannot run: a channel's `try_send` (reference counts, an
//! rwlock's locks, `try_*`s and unlocks, a condvar's, a barrier's and a park token's
//! operations, and a channel's sends, receives (`try_recv` and `recv_timeout` too, which
//! race as a receive does or, finding nothing, with the send they missed) and drops keep
//! optimal DPOR).
//!
//! Invariant: every reversal of the races of an operation that `optimal_sync` accepts can
//! run. It races as a mutex's or a reference count's do, or (a condvar's, a barrier's, a
//! park token's, a channel's) is ordered after the event that let it go on by an edge, not
//! a race (`causality`), and its races' reversals leave it enabled; the differential tests
//! check this on random programs (`tests/blocking_differential.rs`: `channel`, `condvar`,
//! `park-barrier`, `rwlock`). An rwlock's `try_*` moved by a reversal is predicted from the
//! event it moves before (`StepAccesses::reversed`): counted as an acquisition, it woke
//! sleepers the failed attempt commutes with and repeated traces. Channels kept optimal
//! DPOR once a rendezvous sender's return commuted with the receiver's later drop, a moved
//! send or receive was predicted as one of any message (`StepAccesses::reversed`) and every
//! sender's drop was an event (repeated traces and blocked runs before), and a split's unit
//! that waits behind a full channel goes on as source-DPOR (`nodes`).
//! Park tokens and barriers lost outcomes here until objects were named by key across
//! executions (`Event::keyed_access`: a park token's index depended on who touched it
//! first; `tests/rwlocks_barriers_parking.rs`:
//! `a_park_unparked_twice_beside_a_parked_thread_reaches_every_outcome`).

use crate::runtime::execution::Execution;
use crate::runtime::objects::ObjectState;
use crate::runtime::op::{Event, EventKind, Op, OpKind};

/// Whether `op` is an operation of a blocking primitive whose races `causality` tracks
/// with `sync_conflicts` (channels, condvars, rwlocks, barriers, park tokens).
pub(super) fn waits_on_primitive(execution: &Execution, op: Op) -> bool {
    op.object.is_some_and(|object| {
        matches!(
            *execution.objects.state(object),
            ObjectState::Channel(_)
                | ObjectState::Condvar(_)
                | ObjectState::RwLock(_)
                | ObjectState::Barrier(_)
                | ObjectState::Park(_)
        )
    })
}

/// Whether `events` include an operation of a blocking primitive (not a reference count).
pub(super) fn uses_blocking_primitive(events: &[Event]) -> bool {
    events
        .iter()
        .any(|e| matches!(e.kind, EventKind::Sync { op, .. } if !optimal_sync(op)))
}

/// Whether optimal DPOR handles this `Sync` operation: a reference count, an rwlock's
/// lock, `try_*` or unlock (acquisitions race with acquisitions, as a mutex's do; see the
/// module docs), a condvar's registration, wait or notify, a barrier's arrival or pass,
/// a park or unpark, or a channel's blocking send, any receive (with a rendezvous sender's
/// wait and a receiver's registration) or drop of an end.
fn optimal_sync(op: OpKind) -> bool {
    matches!(
        op,
        OpKind::RefCount(_)
            | OpKind::ReadLock
            | OpKind::WriteLock
            | OpKind::TryReadLock
            | OpKind::TryWriteLock
            | OpKind::ReadUnlock
            | OpKind::WriteUnlock
            | OpKind::CondvarRegister
            | OpKind::CondvarWait { .. }
            | OpKind::Notify { .. }
            | OpKind::BarrierArrive
            | OpKind::BarrierWait(_)
            | OpKind::Park { .. }
            | OpKind::Unpark
            | OpKind::Send
            | OpKind::AwaitTaken(_)
            | OpKind::RecvRegister
            | OpKind::Recv
            | OpKind::TryRecv
            | OpKind::RecvTimeout
            | OpKind::DropSender { .. }
            | OpKind::DropReceiver
    )
}

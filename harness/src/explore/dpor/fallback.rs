//! Source-DPOR's one remaining use (see the parent module): a split's unit in which every
//! schedulable thread sleeps while another waits on a channel, and an inherited sleeper could
//! go on (`nodes`). Every blocking primitive's operations keep optimal DPOR otherwise: each
//! races as a mutex's or a reference count's do, or (a condvar's, a barrier's, a park
//! token's, a channel's) is ordered after the event that let it go on by an edge, not a race
//! (`causality`), and its races' reversals leave it enabled; the differential tests check
//! this on random programs (`tests/blocking_differential.rs`: `channel`, `condvar`,
//! `park-barrier`, `rwlock`, and the default generator, which has `try_send`s).
//!
//! History, for what each rule guards: an rwlock's `try_*` moved by a reversal is predicted
//! from the event it moves before (`StepAccesses::reversed`): counted as an acquisition, it
//! woke sleepers the failed attempt commutes with and repeated traces. Channels kept optimal
//! DPOR once a rendezvous sender's return commuted with the receiver's later drop, a moved
//! send or receive was predicted as one of any message (`StepAccesses::reversed`) and every
//! sender's drop was an event (repeated traces and blocked runs before), and a split's unit
//! that waits behind a full channel goes on as source-DPOR (`nodes`). A channel's `try_send`
//! kept it once a rendezvous `try_send` that failed for want of a registered receiver no
//! longer counted a blocking sender's queued message as what filled the channel
//! (`channel_access`). Park tokens and barriers lost outcomes here until objects were named
//! by key across executions (`Event::keyed_access`: a park token's index depended on who
//! touched it first; `tests/rwlocks_barriers_parking.rs`:
//! `a_park_unparked_twice_beside_a_parked_thread_reaches_every_outcome`).
//!
//! Invariant: source-DPOR starts only inside a split's unit, and only for that unit, or for
//! the nodes on the stack when the wakeup trees reach their budget (`memory`).

use super::{waiting_ops, Sleeper};
use crate::runtime::execution::Execution;
use crate::runtime::objects::ObjectState;
use crate::runtime::op::{Op, ThreadId};
use crate::runtime::thread_set::ThreadSet;

/// Whether `op` is an operation of a blocking primitive whose races `causality` tracks
/// with `sync_conflicts` (channels, condvars, rwlocks, barriers, park tokens).
fn waits_on_primitive(execution: &Execution, op: Op) -> bool {
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

/// Source-DPOR: every schedulable thread sleeps, but a thread waits on a blocking
/// primitive, and a sleeper's next step is not on it: a later step of that sleeper may be
/// what lets the waiter go on, and the races of the operation it waits for show only once
/// it runs. Going on with the sleeper repeats an explored trace; abandoning the execution
/// would miss those races (a send waiting for room behind one it races with, until a
/// `try_recv`). The sleepers that may go on, in the order they sleep.
pub(super) fn sleepers_for_waiter<'a>(
    execution: &Execution,
    schedulable: &ThreadSet,
    sleep: &'a [Sleeper],
    bound: impl Fn(ThreadId) -> bool,
) -> Vec<&'a Sleeper> {
    let waited: Vec<_> = waiting_ops(execution)
        .filter(|&(t, op)| !schedulable.contains(t) && waits_on_primitive(execution, op))
        .filter_map(|(_, op)| op.object.map(|o| execution.objects.key(o)))
        .collect();
    if waited.is_empty() {
        return Vec::new();
    }
    (sleep.iter())
        .filter(|s| {
            let elsewhere = s.accesses.iter().all(|a| !waited.contains(&a.object));
            elsewhere && schedulable.contains(s.thread) && bound(s.thread)
        })
        .collect()
}

/// Whether a thread that cannot run waits on a channel.
pub(super) fn waits_on_channel(execution: &Execution, schedulable: &ThreadSet) -> bool {
    waiting_ops(execution).any(|(t, op)| {
        !schedulable.contains(t)
            && op
                .object
                .is_some_and(|o| matches!(*execution.objects.state(o), ObjectState::Channel(_)))
    })
}

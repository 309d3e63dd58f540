//! The engine's interface for blocking primitives: condition variables, channels,
//! reader-writer locks, barriers, and park/unpark. Each blocking call is a scheduling point
//! that the scheduler runs only once it can complete.
//!
//! Invariant: as for the rest of `rt`: `#[track_caller]` everywhere a user's call reaches,
//! handles checked against the current execution; drop-time calls (`*_drop_*`, unlocks)
//! take the site from the caller and do nothing outside the execution that made the object.

use std::panic::Location;

use super::{new_object, point_on, resolve, ObjectId, ThreadHandle};
use crate::runtime::execution::{self, with};
use crate::runtime::op::{ObjectIndex, OpKind, Site};
use crate::runtime::scheduling_point::scheduling_point;

pub use crate::runtime::channel::{Received, Sent};

/// How a receive waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecvMode {
    /// Blocks until a message comes or every sender is gone (`recv`).
    Block,
    /// Never blocks (`try_recv`).
    Try,
    /// Returns a message if one is queued when it runs, else times out (`recv_timeout`).
    Timeout,
}

/// The index of `object` if it belongs to the current execution (drop-time calls).
fn still_alive(object: ObjectId) -> Option<ObjectIndex> {
    execution::try_with(|e| {
        e.object_index(object.execution, object.index, object.type_name)
            .ok()
    })
    .flatten()
}

#[track_caller]
pub fn condvar_new() -> ObjectId {
    let site = Location::caller();
    new_object("Condvar", |e| e.condvar_new("Condvar", site))
}

/// First half of `wait`: joins the waiters while the caller still holds the mutex.
#[track_caller]
pub fn condvar_register(condvar: ObjectId) {
    let site = Location::caller();
    let index = point_on(OpKind::CondvarRegister, condvar, site);
    with(|e| e.condvar_register(index, site));
}

/// Second half of `wait` (after the mutex was released): blocks until notified; with
/// `timeout` it may also return at any time. True when a notification woke it.
#[track_caller]
pub fn condvar_wait(condvar: ObjectId, timeout: bool) -> bool {
    let site = Location::caller();
    let index = resolve(condvar);
    let ticket = with(|e| e.condvar_ticket(index));
    scheduling_point(OpKind::CondvarWait { timeout, ticket }, Some(index), site);
    with(|e| e.condvar_wait(index, timeout, ticket, site))
}

#[track_caller]
pub fn condvar_notify(condvar: ObjectId, all: bool) {
    let site = Location::caller();
    let index = resolve(condvar);
    scheduling_point(OpKind::Notify { all }, Some(index), site);
    with(|e| e.condvar_notify(index, all, site));
}

/// A channel with one sender and its receiver; `capacity` `None` is unbounded, `Some(0)` a
/// rendezvous channel.
#[track_caller]
pub fn channel_new(capacity: Option<usize>) -> ObjectId {
    let site = Location::caller();
    new_object("channel", |e| e.channel_new(capacity, "channel", site))
}

/// `send` (`blocking`: waits while a bounded channel is full) or `try_send`. A rendezvous
/// `send` returns `Sent::Queued { awaited: true, .. }`: the caller stores the value under
/// the ticket, then calls `channel_await_taken`.
#[track_caller]
pub fn channel_send(channel: ObjectId, blocking: bool) -> Sent {
    let site = Location::caller();
    let index = resolve(channel);
    let op = if blocking {
        OpKind::Send
    } else {
        OpKind::TrySend
    };
    scheduling_point(op, Some(index), site);
    with(|e| e.channel_send(index, blocking, site))
}

/// Waits until the rendezvous message `ticket` is received (true) or the receiver is gone
/// (false: the message is withdrawn and the caller takes its value back).
#[track_caller]
pub fn channel_await_taken(channel: ObjectId, ticket: u64) -> bool {
    let site = Location::caller();
    let index = point_on(OpKind::AwaitTaken(ticket), channel, site);
    with(|e| e.channel_await_taken(index, ticket, site))
}

#[track_caller]
pub fn channel_recv(channel: ObjectId, mode: RecvMode) -> Received {
    let site = Location::caller();
    let index = resolve(channel);
    let op = match mode {
        RecvMode::Block => OpKind::Recv,
        RecvMode::Try => OpKind::TryRecv,
        RecvMode::Timeout => OpKind::RecvTimeout,
    };
    if mode == RecvMode::Block && with(|e| e.channel_is_rendezvous(index)) {
        scheduling_point(OpKind::RecvRegister, Some(index), site);
        with(|e| e.channel_recv_register(index, site));
    }
    scheduling_point(op, Some(index), site);
    with(|e| e.channel_recv(index, op, site))
}

/// A `Sender` was cloned (no scheduling point: nobody can observe it).
#[track_caller]
pub fn channel_sender_cloned(channel: ObjectId) {
    let index = resolve(channel);
    with(|e| e.channel_sender_cloned(index));
}

/// A `Sender` was dropped; the last one disconnects the channel (a scheduling point).
pub fn channel_drop_sender(channel: ObjectId, site: Site) {
    let Some(index) = still_alive(channel) else {
        return;
    };
    if with(|e| e.channel_last_sender(index)) {
        scheduling_point(OpKind::DropSender { last: true }, Some(index), site);
    }
    with(|e| e.channel_drop_sender(index, site));
}

pub fn channel_drop_receiver(channel: ObjectId, site: Site) {
    let Some(index) = still_alive(channel) else {
        return;
    };
    scheduling_point(OpKind::DropReceiver, Some(index), site);
    with(|e| e.channel_drop_receiver(index, site));
}

#[track_caller]
pub fn rwlock_new() -> ObjectId {
    let site = Location::caller();
    new_object("RwLock", |e| e.rwlock_new("RwLock", site))
}

/// A read or write lock, blocking or not; whether it was taken (always, when blocking).
#[track_caller]
pub fn rwlock_lock(lock: ObjectId, write: bool, blocking: bool) -> bool {
    let site = Location::caller();
    let index = resolve(lock);
    let op = match (write, blocking) {
        (false, true) => OpKind::ReadLock,
        (false, false) => OpKind::TryReadLock,
        (true, true) => OpKind::WriteLock,
        (true, false) => OpKind::TryWriteLock,
    };
    scheduling_point(op, Some(index), site);
    with(|e| e.rwlock_lock(index, op, site))
}

pub fn rwlock_unlock(lock: ObjectId, write: bool, site: Site) {
    let Some(index) = still_alive(lock) else {
        return;
    };
    let op = if write {
        OpKind::WriteUnlock
    } else {
        OpKind::ReadUnlock
    };
    scheduling_point(op, Some(index), site);
    with(|e| e.rwlock_unlock(index, write, site));
}

#[track_caller]
pub fn barrier_new(parties: usize) -> ObjectId {
    let site = Location::caller();
    new_object("Barrier", |e| e.barrier_new(parties, "Barrier", site))
}

/// Waits until `parties` threads have called it; true for the one that arrived last.
#[track_caller]
pub fn barrier_wait(barrier: ObjectId) -> bool {
    let site = Location::caller();
    let index = point_on(OpKind::BarrierArrive, barrier, site);
    match with(|e| e.barrier_arrive(index, site)) {
        Ok(()) => true,
        Err(generation) => {
            scheduling_point(OpKind::BarrierWait(generation), Some(index), site);
            with(|e| e.barrier_wait(index, generation, site));
            false
        }
    }
}

/// Blocks until the calling thread's token is available and takes it; with `timeout` it
/// may also return without it. True when it took the token.
#[track_caller]
pub fn park(timeout: bool) -> bool {
    let site = Location::caller();
    let index = with(|e| e.park_token(e.current));
    scheduling_point(OpKind::Park { timeout }, Some(index), site);
    with(|e| e.park(index, timeout, site))
}

/// Makes `thread`'s token available.
#[track_caller]
pub fn unpark(thread: ThreadHandle) {
    let site = Location::caller();
    let index = with(|e| {
        if e.id != thread.execution || thread.thread >= e.threads.len() {
            None
        } else {
            Some(e.park_token(thread.thread))
        }
    });
    let Some(index) = index else {
        panic!("weft: Thread::unpark on a thread of another execution: spawn threads inside the model closure");
    };
    scheduling_point(OpKind::Unpark, Some(index), site);
    with(|e| e.unpark(index, site));
}

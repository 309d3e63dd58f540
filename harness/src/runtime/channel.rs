//! `mpsc` channels: a queue of message tickets (the values stay in the shim, in the same
//! order), the number of live senders, whether the receiver lives.
//!
//! Blocking: `recv` waits for a message or for every sender to be gone; `send` on a bounded
//! channel waits for room or for the receiver to be gone. A rendezvous channel
//! (`sync_channel(0)`) queues the message at once and the sender then waits until it is
//! received (`AwaitTaken`); its receiver announces itself (`RecvRegister`) so that
//! `try_send` succeeds exactly when a receiver waits and no message is pending for it.
//! `recv_timeout` never blocks: with nothing queued it times out, and since it conflicts with
//! the next send, DPOR also runs it after that, where it receives — both outcomes explored.
//!
//! Dependence (`SyncAccess`): sends conflict with each other (the message order); a receive
//! with the other receives and with the send of the message it took only (a send queued
//! behind it commutes with it); with capacity `n`, send `k` also with the receive of
//! message `k - n` (its room). A failed attempt conflicts with what would have changed its
//! answer: the next send for an empty queue, the last send and the next receive for a full
//! one; a disconnection with the drop that caused it.
//!
//! Happens-before: a send happens before the receive of its message; the drops that
//! disconnected a channel happen before what observes the disconnection.
//!
//! Invariant: `queue` holds, in order, the tickets of the messages sent and not yet
//! received; a ticket is in `taken` from the receive of a rendezvous message until its
//! sender's `AwaitTaken` returns.

use std::collections::VecDeque;

use super::clock::VectorClock;
use super::execution::Execution;
use super::objects::ObjectState;
use super::op::{AccessKind, ObjectIndex, OpKind, Site, SyncOutcome};
use super::sync_access::{SyncAccess, NONE};

/// A ticket as accesses carry it (no model sends four billion messages).
fn ticket(t: u64) -> u32 {
    u32::try_from(t).unwrap_or(NONE - 1)
}

pub(crate) struct ChannelState {
    /// `None`: unbounded; `Some(0)`: rendezvous.
    capacity: Option<usize>,
    queue: VecDeque<Message>,
    next_ticket: u64,
    taken: Vec<u64>,
    senders: usize,
    receiver: bool,
    receiver_waiting: bool,
    /// What the dropped senders (and the dropped receiver) released.
    disconnected: VectorClock,
}

struct Message {
    ticket: u64,
    clock: VectorClock,
    site: Site,
    /// A rendezvous sender waits for it.
    awaited: bool,
}

/// What a receive got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Received {
    /// The message with this ticket (the oldest queued).
    Message(u64),
    Empty,
    TimedOut,
    Disconnected,
}

/// What a send did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    /// Queued with this ticket; `awaited`: the sender must now wait for it to be taken.
    Queued {
        ticket: u64,
        awaited: bool,
    },
    Full,
    Disconnected,
}

impl Execution {
    pub(crate) fn channel_new(
        &mut self,
        capacity: Option<usize>,
        type_name: &'static str,
        site: Site,
    ) -> ObjectIndex {
        let state = ChannelState {
            capacity,
            queue: VecDeque::new(),
            next_ticket: 0,
            taken: Vec::new(),
            senders: 1,
            receiver: true,
            receiver_waiting: false,
            disconnected: VectorClock::default(),
        };
        self.add_object(ObjectState::Channel(state), type_name, site)
    }

    fn channel(&mut self, object: ObjectIndex) -> &mut ChannelState {
        match self.objects.state_mut(object) {
            ObjectState::Channel(channel) => channel,
            _ => unreachable!("object {object} is not a channel"),
        }
    }

    fn channel_ref(&self, object: ObjectIndex) -> &ChannelState {
        match self.objects.state(object) {
            ObjectState::Channel(channel) => channel,
            _ => unreachable!("object {object} is not a channel"),
        }
    }

    pub(crate) fn channel_enabled(&self, op: OpKind, object: ObjectIndex) -> bool {
        let c = self.channel_ref(object);
        match op {
            OpKind::Send => match c.capacity {
                Some(n) if n > 0 => c.queue.len() < n || !c.receiver,
                _ => true,
            },
            OpKind::Recv => !c.queue.is_empty() || c.senders == 0,
            OpKind::AwaitTaken(ticket) => c.taken.contains(&ticket) || !c.receiver,
            _ => true,
        }
    }

    /// The access `op` would make now (see `SyncAccess`): which message it sends or takes,
    /// which receive made its room, which send or receive would change a failed attempt.
    pub(crate) fn channel_access(&self, op: OpKind, object: ObjectIndex) -> AccessKind {
        let c = self.channel_ref(object);
        let next = ticket(c.next_ticket);
        let front = c.queue.front().map_or(next, |m| ticket(m.ticket));
        let blocking = matches!(op, OpKind::Send | OpKind::Recv);
        let access = match op {
            OpKind::Send | OpKind::TrySend if !c.receiver => SyncAccess::SendClosed {
                waited: match c.capacity {
                    Some(n) if blocking && n > 0 && c.queue.len() >= n => next - 1,
                    _ => NONE,
                },
            },
            OpKind::Send | OpKind::TrySend if blocking || Self::room(c) => SyncAccess::Send {
                ticket: next,
                room: match c.capacity {
                    Some(n) if n > 0 => next.checked_sub(ticket(n as u64)).unwrap_or(NONE),
                    _ => NONE,
                },
                since: match c.capacity {
                    Some(n) if n > 0 => next.saturating_sub(ticket(n as u64)),
                    _ => next,
                },
                blocking,
                handoff: !blocking && c.capacity == Some(0),
            },
            // A rendezvous `try_send` fails for want of a free receiver. A send filled it
            // only if it took the one registered: its message is queued while a receiver
            // waits, or was handed to it (a `try_send`'s, not awaited). A blocking sender's
            // message queued with no receiver registered took none.
            OpKind::TrySend if c.capacity == Some(0) => SyncAccess::Full {
                filled: match c.queue.front() {
                    Some(m) if c.receiver_waiting || !m.awaited => front,
                    _ => NONE,
                },
                room: NONE,
            },
            OpKind::TrySend => SyncAccess::Full {
                filled: next - 1,
                room: front,
            },
            OpKind::Recv | OpKind::TryRecv | OpKind::RecvTimeout if !c.queue.is_empty() => {
                SyncAccess::Recv {
                    ticket: front,
                    blocking,
                }
            }
            OpKind::Recv | OpKind::TryRecv | OpKind::RecvTimeout if c.senders == 0 => {
                SyncAccess::RecvClosed { blocking }
            }
            // Not enabled yet: it will take the next message.
            OpKind::Recv => SyncAccess::Recv {
                ticket: next,
                blocking,
            },
            OpKind::TryRecv | OpKind::RecvTimeout => SyncAccess::Empty { next },
            OpKind::AwaitTaken(t) if !c.receiver && !c.taken.contains(&t) => {
                SyncAccess::SendClosed { waited: ticket(t) }
            }
            OpKind::AwaitTaken(t) => SyncAccess::Taken { ticket: ticket(t) },
            OpKind::RecvRegister => SyncAccess::RecvRegister,
            OpKind::DropReceiver => SyncAccess::DropReceiver,
            _ => SyncAccess::DropSender {
                last: c.senders == 1,
            },
        };
        AccessKind::Sync(access)
    }

    fn room(c: &ChannelState) -> bool {
        match c.capacity {
            None => true,
            Some(0) => c.receiver_waiting && c.queue.is_empty(),
            Some(n) => c.queue.len() < n,
        }
    }

    /// `send` (blocking) or `try_send`.
    pub(crate) fn channel_send(&mut self, object: ObjectIndex, blocking: bool, site: Site) -> Sent {
        let op = if blocking {
            OpKind::Send
        } else {
            OpKind::TrySend
        };
        let access = self.channel_access(op, object);
        let me = self.current;
        let c = self.channel_ref(object);
        let sent = if !c.receiver {
            Sent::Disconnected
        } else if blocking || Self::room(c) {
            let awaited = blocking && c.capacity == Some(0);
            let mut clock = VectorClock::default();
            self.threads[me].clocks.release(me, &mut clock);
            let c = self.channel(object);
            let ticket = c.next_ticket;
            c.next_ticket += 1;
            c.queue.push_back(Message {
                ticket,
                clock,
                site,
                awaited,
            });
            if !awaited && c.capacity == Some(0) {
                c.receiver_waiting = false;
            }
            Sent::Queued { ticket, awaited }
        } else {
            Sent::Full
        };
        if sent == Sent::Disconnected {
            let clock = self.channel_ref(object).disconnected.clone();
            self.threads[me].clocks.acquire(&clock);
        }
        let outcome = match sent {
            Sent::Queued { ticket, .. } => SyncOutcome::Value(ticket),
            Sent::Full => SyncOutcome::Failed,
            Sent::Disconnected => SyncOutcome::Disconnected,
        };
        self.record_sync(op, object, access, outcome, site);
        sent
    }

    /// A rendezvous sender's wait for `ticket`: true when it was received, false when the
    /// receiver went away first (the message is withdrawn; the shim hands the value back).
    pub(crate) fn channel_await_taken(
        &mut self,
        object: ObjectIndex,
        ticket: u64,
        site: Site,
    ) -> bool {
        let op = OpKind::AwaitTaken(ticket);
        let access = self.channel_access(op, object);
        let c = self.channel(object);
        let taken = match c.taken.iter().position(|&t| t == ticket) {
            Some(i) => {
                c.taken.swap_remove(i);
                true
            }
            None => {
                c.queue.retain(|m| m.ticket != ticket);
                false
            }
        };
        let outcome = if taken {
            SyncOutcome::Done
        } else {
            SyncOutcome::Disconnected
        };
        self.record_sync(op, object, access, outcome, site);
        taken
    }

    /// Announces a receiver waiting on a rendezvous channel.
    pub(crate) fn channel_recv_register(&mut self, object: ObjectIndex, site: Site) {
        self.channel(object).receiver_waiting = true;
        let op = OpKind::RecvRegister;
        let access = AccessKind::Sync(SyncAccess::RecvRegister);
        self.record_sync(op, object, access, SyncOutcome::Done, site);
    }

    /// `recv`, `try_recv` or `recv_timeout` (by `op`).
    pub(crate) fn channel_recv(&mut self, object: ObjectIndex, op: OpKind, site: Site) -> Received {
        let access = self.channel_access(op, object);
        let me = self.current;
        let c = self.channel(object);
        let received = match c.queue.pop_front() {
            Some(message) => {
                if message.awaited {
                    c.taken.push(message.ticket);
                }
                if c.capacity == Some(0) {
                    c.receiver_waiting = false;
                }
                self.threads[me].clocks.acquire(&message.clock);
                Received::Message(message.ticket)
            }
            None if c.senders == 0 => {
                let clock = c.disconnected.clone();
                self.threads[me].clocks.acquire(&clock);
                Received::Disconnected
            }
            None if op == OpKind::RecvTimeout => Received::TimedOut,
            None => Received::Empty,
        };
        let outcome = match received {
            Received::Message(ticket) => SyncOutcome::Value(ticket),
            Received::Empty => SyncOutcome::Failed,
            Received::TimedOut => SyncOutcome::TimedOut,
            Received::Disconnected => SyncOutcome::Disconnected,
        };
        self.record_sync(op, object, access, outcome, site);
        received
    }

    pub(crate) fn channel_is_rendezvous(&self, object: ObjectIndex) -> bool {
        self.channel_ref(object).capacity == Some(0)
    }

    pub(crate) fn channel_sender_cloned(&mut self, object: ObjectIndex) {
        self.channel(object).senders += 1;
    }

    /// Whether dropping a sender now disconnects the channel (it is the last one).
    pub(crate) fn channel_last_sender(&self, object: ObjectIndex) -> bool {
        self.channel_ref(object).senders == 1
    }

    /// A sender goes away. Only the last one is an operation others can observe (and a
    /// scheduling point); dropping any other counts down, an event inside the current step
    /// that a receive seeing the channel closed is ordered after.
    pub(crate) fn channel_drop_sender(&mut self, object: ObjectIndex, site: Site) {
        let me = self.current;
        let mut clock = std::mem::take(&mut self.channel(object).disconnected);
        let mut released = VectorClock::default();
        self.threads[me].clocks.release(me, &mut released);
        clock.join(&released);
        let c = self.channel(object);
        c.disconnected = clock;
        c.senders -= 1;
        let last = c.senders == 0;
        let op = OpKind::DropSender { last };
        let access = AccessKind::Sync(SyncAccess::DropSender { last });
        self.record_sync(op, object, access, SyncOutcome::Done, site);
    }

    pub(crate) fn channel_drop_receiver(&mut self, object: ObjectIndex, site: Site) {
        let me = self.current;
        let mut released = VectorClock::default();
        self.threads[me].clocks.release(me, &mut released);
        let c = self.channel(object);
        c.disconnected.join(&released);
        c.receiver = false;
        c.receiver_waiting = false;
        let op = OpKind::DropReceiver;
        let access = AccessKind::Sync(SyncAccess::DropReceiver);
        self.record_sync(op, object, access, SyncOutcome::Done, site);
    }

    /// `empty, 1 sender alive` for deadlock reports.
    pub(crate) fn channel_describe(&self, object: ObjectIndex) -> String {
        let c = self.channel_ref(object);
        let capacity = match c.capacity {
            None => "unbounded".to_string(),
            Some(0) => "rendezvous".to_string(),
            Some(n) => format!("capacity {n}"),
        };
        format!(
            "{capacity}, {} message{} queued, {} sender{} alive, receiver {}",
            c.queue.len(),
            if c.queue.len() == 1 { "" } else { "s" },
            c.senders,
            if c.senders == 1 { "" } else { "s" },
            if c.receiver { "alive" } else { "dropped" }
        )
    }

    /// Messages still queued on a channel whose receiver lives: (count, first send site).
    pub(crate) fn channel_leftover(&self, object: ObjectIndex) -> Option<(usize, Site)> {
        let c = self.channel_ref(object);
        let first = c.queue.front()?;
        c.receiver.then_some((c.queue.len(), first.site))
    }
}

//! Modelled `std::sync::mpsc`: `channel`, `sync_channel` (including the rendezvous
//! `sync_channel(0)`), with std's blocking, disconnection and error values. The engine
//! decides every outcome (it queues message tickets and knows who waits); the values travel
//! in this module's queue, in the same order as the tickets.
//!
//! Invariant: `values` holds exactly the queued tickets' values, oldest first; a value
//! leaves it only through the receive of its ticket or, for a rendezvous send whose
//! receiver went away, back to its sender.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::panic::Location;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

pub use std::sync::mpsc::{RecvError, RecvTimeoutError, SendError, TryRecvError, TrySendError};

use weft_harness::rt::{self, ObjectId, Received, RecvMode, Sent};

struct Shared<T> {
    object: ObjectId,
    values: StdMutex<VecDeque<(u64, T)>>,
}

impl<T> Shared<T> {
    fn push(&self, ticket: u64, value: T) {
        self.values
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back((ticket, value));
    }

    fn take(&self, ticket: u64) -> T {
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        let at = values
            .iter()
            .position(|(t, _)| *t == ticket)
            .expect("the engine's ticket has a value");
        values.remove(at).expect("position is in range").1
    }

    /// The value of a received message: the oldest one.
    fn pop(&self, ticket: u64) -> T {
        let (front, value) = self
            .values
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
            .expect("a received ticket has a value");
        debug_assert_eq!(front, ticket, "values and tickets in the same order");
        value
    }

    /// A send as the engine decided it: `Ok` when the value was delivered or queued.
    #[track_caller]
    fn send(&self, value: T, blocking: bool) -> Result<(), TrySendError<T>> {
        match rt::channel_send(self.object, blocking) {
            Sent::Queued { ticket, awaited } => {
                self.push(ticket, value);
                if awaited && !rt::channel_await_taken(self.object, ticket) {
                    return Err(TrySendError::Disconnected(self.take(ticket)));
                }
                Ok(())
            }
            Sent::Full => Err(TrySendError::Full(value)),
            Sent::Disconnected => Err(TrySendError::Disconnected(value)),
        }
    }
}

/// The sending half of `channel()`.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
    /// Where this sender was made: its drop is reported there.
    site: &'static Location<'static>,
}

/// The sending half of `sync_channel(n)`.
pub struct SyncSender<T> {
    inner: Sender<T>,
}

/// The receiving half of a channel.
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    site: &'static Location<'static>,
    /// Like std's: may move to another thread, but not be shared.
    _not_sync: PhantomData<std::cell::Cell<()>>,
}

#[track_caller]
fn pair<T>(capacity: Option<usize>) -> (Sender<T>, Receiver<T>) {
    let site = Location::caller();
    let shared = Arc::new(Shared {
        object: rt::channel_new(capacity),
        values: StdMutex::new(VecDeque::new()),
    });
    let sender = Sender {
        shared: shared.clone(),
        site,
    };
    let receiver = Receiver {
        shared,
        site,
        _not_sync: PhantomData,
    };
    (sender, receiver)
}

/// An unbounded channel: `send` never blocks.
#[track_caller]
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    pair(None)
}

/// A bounded channel: `send` blocks while `bound` messages are queued; with `bound == 0`
/// every `send` waits until its message is received.
#[track_caller]
pub fn sync_channel<T>(bound: usize) -> (SyncSender<T>, Receiver<T>) {
    let (inner, receiver) = pair(Some(bound));
    (SyncSender { inner }, receiver)
}

impl<T> Sender<T> {
    /// Queues `value`; fails (giving it back) once the receiver is gone.
    #[track_caller]
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        self.shared.send(value, true).map_err(|e| match e {
            TrySendError::Full(v) | TrySendError::Disconnected(v) => SendError(v),
        })
    }
}

impl<T> SyncSender<T> {
    /// Queues `value`, waiting for room (or, on a rendezvous channel, for the receiver).
    #[track_caller]
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        self.inner.send(value)
    }

    /// Queues `value` only if there is room now (on a rendezvous channel: a receiver
    /// waits and nothing is pending for it).
    #[track_caller]
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        self.inner.shared.send(value, false)
    }
}

impl<T> Clone for Sender<T> {
    #[track_caller]
    fn clone(&self) -> Self {
        rt::channel_sender_cloned(self.shared.object);
        Sender {
            shared: self.shared.clone(),
            site: Location::caller(),
        }
    }
}

impl<T> Clone for SyncSender<T> {
    #[track_caller]
    fn clone(&self) -> Self {
        SyncSender {
            inner: self.inner.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        rt::channel_drop_sender(self.shared.object, self.site);
    }
}

impl<T> Receiver<T> {
    #[track_caller]
    fn receive(&self, mode: RecvMode) -> Received {
        rt::channel_recv(self.shared.object, mode)
    }

    fn value(&self, received: Received) -> Result<T, Received> {
        match received {
            Received::Message(ticket) => Ok(self.shared.pop(ticket)),
            other => Err(other),
        }
    }

    /// Waits for a message; `Err` once it is empty and every sender is gone.
    #[track_caller]
    pub fn recv(&self) -> Result<T, RecvError> {
        let received = self.receive(RecvMode::Block);
        self.value(received).map_err(|_| RecvError)
    }

    #[track_caller]
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        let received = self.receive(RecvMode::Try);
        self.value(received).map_err(|r| match r {
            Received::Disconnected => TryRecvError::Disconnected,
            _ => TryRecvError::Empty,
        })
    }

    /// A message if one is queued when this runs, else a timeout; since sends may run
    /// before or after it, weft explores both (no real time passes).
    #[track_caller]
    pub fn recv_timeout(&self, _timeout: Duration) -> Result<T, RecvTimeoutError> {
        let received = self.receive(RecvMode::Timeout);
        self.value(received).map_err(|r| match r {
            Received::Disconnected => RecvTimeoutError::Disconnected,
            _ => RecvTimeoutError::Timeout,
        })
    }

    /// Messages until every sender is gone.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter { receiver: self }
    }

    /// The messages queued now.
    pub fn try_iter(&self) -> TryIter<'_, T> {
        TryIter { receiver: self }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        rt::channel_drop_receiver(self.shared.object, self.site);
    }
}

/// `Receiver::iter`.
pub struct Iter<'a, T> {
    receiver: &'a Receiver<T>,
}

/// `Receiver::try_iter`.
pub struct TryIter<'a, T> {
    receiver: &'a Receiver<T>,
}

/// `Receiver::into_iter`.
pub struct IntoIter<T> {
    receiver: Receiver<T>,
}

impl<T> Iterator for Iter<'_, T> {
    type Item = T;
    #[track_caller]
    fn next(&mut self) -> Option<T> {
        self.receiver.recv().ok()
    }
}

impl<T> Iterator for TryIter<'_, T> {
    type Item = T;
    #[track_caller]
    fn next(&mut self) -> Option<T> {
        self.receiver.try_recv().ok()
    }
}

impl<T> Iterator for IntoIter<T> {
    type Item = T;
    #[track_caller]
    fn next(&mut self) -> Option<T> {
        self.receiver.recv().ok()
    }
}

impl<'a, T> IntoIterator for &'a Receiver<T> {
    type Item = T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<T> IntoIterator for Receiver<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;
    fn into_iter(self) -> IntoIter<T> {
        IntoIter { receiver: self }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for SyncSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncSender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}

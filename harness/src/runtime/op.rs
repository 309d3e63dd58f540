//! Operations: what a thread is about to do at a scheduling point (`Op`), what it did
//! (`Event`), and which of them conflict (`Access`).
//!
//! Invariant: two events conflict — swapping them could change what either observes or
//! whether either is enabled — exactly when their accesses are on one object and at least
//! one modifies it (loads and failed `try_lock`s only observe), or, for blocking primitives,
//! when `SyncAccess::conflict` says so. Events without an access (start, spawn, join, yield,
//! finish, fences, cell accesses) commute with everything;
//! spawn and join order threads through clocks instead.

use std::panic::Location;
use std::sync::atomic::Ordering;

pub use super::refcount::CountOp;
use super::sync_access::SyncAccess;

/// Index of a model thread in its execution; 0 is the main thread.
pub(crate) type ThreadId = usize;
/// Index of an object in its execution's arena.
pub(crate) type ObjectIndex = u32;
/// A source location captured with `#[track_caller]`.
pub(crate) type Site = &'static Location<'static>;

/// The operation a thread waits to perform at a scheduling point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OpKind {
    Start,
    Yield,
    Join(ThreadId),
    Load,
    Store,
    Rmw,
    /// A compare-exchange. Its expected value is not part of the operation: a program that
    /// compares pointers expects heap addresses, which differ from one execution to the
    /// next while it does the same thing (see `same_state`).
    CompareExchange,
    Lock,
    TryLock,
    Unlock,
    /// `Condvar::wait`, first half: join the waiters (the mutex is still held).
    CondvarRegister,
    /// `Condvar::wait`, second half: until notified (or, with `timeout`, any time).
    CondvarWait {
        timeout: bool,
        /// The waiter's registration number.
        ticket: u32,
    },
    Notify {
        all: bool,
    },
    /// Blocks while a bounded channel is full.
    Send,
    TrySend,
    /// A rendezvous `send` waits until its message (this ticket) is received.
    AwaitTaken(u64),
    /// A receiver announces it waits on a rendezvous channel (so `try_send` can succeed).
    RecvRegister,
    Recv,
    TryRecv,
    RecvTimeout,
    /// A `Sender` of a channel goes away: the last one (a scheduling point), or one of
    /// several (an event inside the step, so that the receive that sees the channel closed
    /// happens after it).
    DropSender {
        last: bool,
    },
    DropReceiver,
    ReadLock,
    TryReadLock,
    WriteLock,
    TryWriteLock,
    ReadUnlock,
    WriteUnlock,
    BarrierArrive,
    /// Waits until the barrier's generation passes this one.
    BarrierWait(u64),
    Park {
        timeout: bool,
    },
    Unpark,
    /// An `Arc`/`Weak` reference-count operation.
    RefCount(CountOp),
}

#[derive(Clone, Copy, Debug, Eq)]
pub(crate) struct Op {
    pub kind: OpKind,
    pub object: Option<ObjectIndex>,
    pub site: Site,
}

impl PartialEq for Op {
    /// Sites compare by address first (one static per call site, usually), then by
    /// content (a call site instantiated in several codegen units has several statics).
    fn eq(&self, other: &Op) -> bool {
        self.kind == other.kind
            && self.object == other.object
            && (std::ptr::eq(self.site, other.site) || self.site == other.site)
    }
}

impl Op {
    pub(crate) fn describe(&self) -> String {
        self.kind.describe()
    }
}

impl OpKind {
    /// Whether the operation may have to wait for other threads (a lock, a join, a blocking
    /// primitive's wait): every other operation is enabled whenever its thread waits at it.
    pub(crate) fn may_block(self) -> bool {
        matches!(
            self,
            OpKind::Join(_)
                | OpKind::Lock
                | OpKind::CondvarWait { .. }
                | OpKind::Send
                | OpKind::Recv
                | OpKind::AwaitTaken(_)
                | OpKind::ReadLock
                | OpKind::WriteLock
                | OpKind::BarrierWait(_)
                | OpKind::Park { .. }
        )
    }

    pub(crate) fn describe(self) -> String {
        match self {
            OpKind::Start => "start".into(),
            OpKind::Yield => "yield".into(),
            OpKind::Join(t) => format!("join thread {t}"),
            OpKind::Load => "atomic load".into(),
            OpKind::Store => "atomic store".into(),
            OpKind::Rmw => "atomic read-modify-write".into(),
            OpKind::CompareExchange => "compare_exchange".into(),
            OpKind::Lock => "lock".into(),
            OpKind::TryLock => "try_lock".into(),
            OpKind::Unlock => "unlock".into(),
            OpKind::CondvarRegister => "wait (register)".into(),
            OpKind::CondvarWait { timeout: false, .. } => "wait".into(),
            OpKind::CondvarWait { timeout: true, .. } => "wait_timeout".into(),
            OpKind::Notify { all: false } => "notify_one".into(),
            OpKind::Notify { all: true } => "notify_all".into(),
            OpKind::Send => "send".into(),
            OpKind::TrySend => "try_send".into(),
            OpKind::AwaitTaken(_) => "send (waiting for a receiver)".into(),
            OpKind::RecvRegister => "recv (register)".into(),
            OpKind::Recv => "recv".into(),
            OpKind::TryRecv => "try_recv".into(),
            OpKind::RecvTimeout => "recv_timeout".into(),
            OpKind::DropSender { last: true } => "drop the last Sender".into(),
            OpKind::DropSender { last: false } => "drop a Sender".into(),
            OpKind::DropReceiver => "drop the Receiver".into(),
            OpKind::ReadLock => "read lock".into(),
            OpKind::TryReadLock => "try_read".into(),
            OpKind::WriteLock => "write lock".into(),
            OpKind::TryWriteLock => "try_write".into(),
            OpKind::ReadUnlock => "read unlock".into(),
            OpKind::WriteUnlock => "write unlock".into(),
            OpKind::BarrierArrive => "barrier wait".into(),
            OpKind::BarrierWait(_) => "barrier wait".into(),
            OpKind::Park { timeout: false } => "park".into(),
            OpKind::Park { timeout: true } => "park_timeout".into(),
            OpKind::Unpark => "unpark".into(),
            OpKind::RefCount(op) => match op {
                CountOp::Clone => "Arc::clone".into(),
                CountOp::Drop => "drop Arc".into(),
                CountOp::AddWeak => "new Weak".into(),
                CountOp::DropWeak => "drop Weak".into(),
                CountOp::Upgrade => "Weak::upgrade".into(),
                CountOp::Claim { .. } => "claim Arc value".into(),
                CountOp::Count => "reference count".into(),
            },
        }
    }
}

/// What a blocking primitive's operation came to, for reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SyncOutcome {
    Done,
    /// Would have blocked (`try_*`), or the channel was full.
    Failed,
    TimedOut,
    Disconnected,
    /// A message (its ticket), a count of woken threads, a generation.
    Value(u64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AccessKind {
    /// Atomic load, failed compare-exchange.
    Read,
    /// SeqCst atomic store, read-modify-write, successful compare-exchange.
    Write,
    /// Atomic store that is not SeqCst: it takes its place in modification order as a value
    /// choice (`atomic_store`), after its thread's coherence floor, which the order of two
    /// such stores does not move. So two of them commute: run in either order, their
    /// choices reach the same modification orders and states. Conflicts like `Write` with
    /// everything else.
    Placed,
    /// Blocking mutex acquisition.
    Acquire,
    /// Successful `try_lock`.
    TryAcquire,
    /// Failed `try_lock` (observed the mutex held).
    Probe,
    /// Mutex release.
    Release,
    /// A modification that commutes with others of its kind (a reference count going up
    /// or down without reaching zero), but not with observations or other modifications.
    Update,
    /// A blocking primitive's operation, with its exact dependence.
    Sync(SyncAccess),
}

impl AccessKind {
    /// Whether two accesses to one object fail to commute.
    #[inline]
    pub(crate) fn conflict(a: AccessKind, b: AccessKind) -> bool {
        match (a, b) {
            (AccessKind::Sync(a), AccessKind::Sync(b)) => return SyncAccess::conflict(a, b),
            // A write to a blocking primitive stands for an operation whose exact access is
            // not known (DPOR's view of a step moved before its race): it conflicts with all.
            (AccessKind::Sync(_), AccessKind::Write | AccessKind::Placed)
            | (AccessKind::Write | AccessKind::Placed, AccessKind::Sync(_)) => return true,
            (AccessKind::Sync(_), _) | (_, AccessKind::Sync(_)) => return false,
            _ => {}
        }
        let commuting = matches!(
            (a, b),
            (AccessKind::Update, AccessKind::Update) | (AccessKind::Placed, AccessKind::Placed)
        );
        (Access::modifies_kind(a) || Access::modifies_kind(b)) && !commuting
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Access {
    pub object: ObjectIndex,
    pub kind: AccessKind,
}

impl Access {
    pub(crate) fn new(object: ObjectIndex, kind: AccessKind) -> Access {
        Access { object, kind }
    }

    /// Reads and failed `try_lock`s only observe the object: two of them commute.
    #[inline]
    pub(crate) fn conflicts(self, other: Access) -> bool {
        self.object == other.object && AccessKind::conflict(self.kind, other.kind)
    }

    /// Whether the access changes the object's state (wakes yielded spinners).
    pub(crate) fn modifies(self) -> bool {
        Access::modifies_kind(self.kind)
    }

    #[inline]
    pub(crate) fn modifies_kind(kind: AccessKind) -> bool {
        match kind {
            AccessKind::Read | AccessKind::Probe => false,
            AccessKind::Sync(access) => access.modifies(),
            _ => true,
        }
    }
}

/// What a thread did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EventKind {
    Start,
    Finish {
        panicked: bool,
    },
    Yield,
    Spawn {
        child: ThreadId,
    },
    Join {
        target: ThreadId,
    },
    Load {
        value: u64,
        reads_from: usize,
        order: Ordering,
        /// It read a store older than the latest (weak memory).
        stale: bool,
    },
    Store {
        value: u64,
        order: Ordering,
        /// It went before a store already made (weak memory: not last in modification
        /// order).
        early: bool,
        /// The value of the latest store when it ran: what an operation moved just before
        /// it reads (exactly so without weak memory; see `StepAccesses::reversed`).
        replaced: u64,
        /// How many stores its location held when it ran, the initial value included: its
        /// value choice names a place among them (see `dpor::repeats`).
        stores_before: u32,
    },
    Rmw {
        old: u64,
        new: u64,
        reads_from: usize,
        order: Ordering,
        /// A successful compare-exchange (which expected `old`), not an unconditional
        /// read-modify-write.
        exchange: bool,
    },
    CompareExchangeFailed {
        actual: u64,
        expected: u64,
        reads_from: usize,
        order: Ordering,
        /// No outcome explored here succeeds (its step never writes): it is a read. A
        /// success left out (a stale store whose graph another trace gives, `store_past`
        /// and `early_reads`, or an outcome RC11 forbids) does not count. With a success
        /// among its outcomes, each of them counts as a write, so that a sleeping thread is
        /// remembered by what any of its outcomes does.
        never_writes: bool,
    },
    Fence {
        order: Ordering,
    },
    Lock,
    TryLock {
        acquired: bool,
    },
    Unlock,
    /// An operation of a blocking primitive (condvar, channel, rwlock, barrier, park), with
    /// the access it made.
    Sync {
        op: OpKind,
        access: Option<AccessKind>,
        outcome: SyncOutcome,
    },
    /// A non-atomic read of an atomic location (`unsync_load`; no scheduling point).
    UnsyncLoad {
        value: u64,
    },
    /// A non-atomic read of a cell (no scheduling point).
    CellRead,
    /// A non-atomic write of a cell (no scheduling point).
    CellWrite,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Event {
    pub thread: ThreadId,
    /// The scheduling point (index in the schedule) whose step performed this event.
    pub step: usize,
    pub kind: EventKind,
    pub object: Option<ObjectIndex>,
    /// `object`'s key, its name across executions (`Execution::object_key`); 0 without one.
    pub key: u32,
    pub site: Site,
}

impl Event {
    /// `access`, naming the object by its key: for what outlives the execution (DPOR's
    /// sleep sets and wakeup trees), where an index, the order of creation in one
    /// execution, may name another object in the next.
    pub(crate) fn keyed_access(&self) -> Option<Access> {
        self.access()
            .map(|access| Access::new(self.key, access.kind))
    }

    pub(crate) fn access(&self) -> Option<Access> {
        let kind = match self.kind {
            EventKind::Load { .. }
            | EventKind::CompareExchangeFailed {
                never_writes: true, ..
            } => AccessKind::Read,
            EventKind::Store { order, .. } if order != Ordering::SeqCst => AccessKind::Placed,
            EventKind::Store { .. }
            | EventKind::Rmw { .. }
            | EventKind::CompareExchangeFailed { .. } => AccessKind::Write,
            EventKind::Lock => AccessKind::Acquire,
            EventKind::TryLock { acquired: true } => AccessKind::TryAcquire,
            EventKind::TryLock { acquired: false } => AccessKind::Probe,
            EventKind::Unlock => AccessKind::Release,
            EventKind::Sync { access, .. } => access?,
            EventKind::Start
            | EventKind::Finish { .. }
            | EventKind::Yield
            | EventKind::Spawn { .. }
            | EventKind::Join { .. }
            | EventKind::Fence { .. }
            | EventKind::CellRead
            | EventKind::CellWrite
            | EventKind::UnsyncLoad { .. } => return None,
        };
        self.object.map(|object| Access { object, kind })
    }

    /// Whether the event changes shared state that a yielded (spinning) thread may wait for.
    pub(crate) fn wakes_spinners(&self) -> bool {
        match self.kind {
            EventKind::Spawn { .. } | EventKind::Finish { .. } => true,
            _ => self.access().is_some_and(Access::modifies),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(object: ObjectIndex, kind: AccessKind) -> Access {
        Access::new(object, kind)
    }

    #[test]
    fn loads_commute_writes_do_not() {
        use AccessKind::*;
        assert!(!access(0, Read).conflicts(access(0, Read)));
        assert!(access(0, Read).conflicts(access(0, Write)));
        assert!(access(0, Write).conflicts(access(0, Write)));
        assert!(!access(0, Write).conflicts(access(1, Write)));
        assert!(access(2, Acquire).conflicts(access(2, Release)));
    }

    #[test]
    fn stores_that_choose_their_place_commute_with_each_other_alone() {
        use AccessKind::*;
        assert!(!access(0, Placed).conflicts(access(0, Placed)));
        for other in [Read, Write] {
            assert!(access(0, Placed).conflicts(access(0, other)));
            assert!(access(0, other).conflicts(access(0, Placed)));
        }
    }
}

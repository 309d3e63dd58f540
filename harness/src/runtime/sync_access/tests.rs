//! The dependence table's cases, one property per test.

use super::*;

fn send(ticket: u32, since: u32) -> SyncAccess {
    Send {
        ticket,
        room: NONE,
        since,
        blocking: true,
        handoff: false,
    }
}

fn recv(ticket: u32) -> SyncAccess {
    Recv {
        ticket,
        blocking: true,
    }
}

#[test]
fn a_receive_depends_on_the_send_of_its_message_only() {
    assert!(SyncAccess::conflict(send(0, 0), send(1, 1)));
    assert!(SyncAccess::conflict(send(1, 1), recv(1)));
    assert!(!SyncAccess::conflict(send(1, 1), recv(0)), "unbounded");
    assert!(
        SyncAccess::conflict(send(1, 0), recv(0)),
        "capacity 1: its room"
    );
    assert_eq!(SyncAccess::depends(recv(1), send(1, 1)), Dependence::Edge);
    let try_recv = Recv {
        ticket: 1,
        blocking: false,
    };
    assert_eq!(SyncAccess::depends(try_recv, send(1, 1)), Dependence::Race);
    assert!(SyncAccess::conflict(Empty { next: 2 }, send(2, 2)));
    assert!(!SyncAccess::conflict(Empty { next: 2 }, send(1, 1)));
}

#[test]
fn a_send_or_receive_of_any_message_conflicts_with_every_one_of_the_channel() {
    let any_send = Send {
        ticket: ANY_TICKET,
        room: NONE,
        since: 0,
        blocking: true,
        handoff: false,
    };
    let any_recv = Recv {
        ticket: ANY_TICKET,
        blocking: true,
    };
    for j in [0, 1, 7] {
        assert!(SyncAccess::conflict(any_send, recv(j)));
        assert!(SyncAccess::conflict(any_recv, send(j, j)));
        assert!(SyncAccess::conflict(any_send, Empty { next: j }));
        assert!(SyncAccess::conflict(any_recv, Taken { ticket: j }));
    }
    assert!(SyncAccess::conflict(any_send, SendClosed { waited: 3 }));
    for commuting in [
        DropSender { last: false },
        Taken { ticket: 2 },
        RecvRegister,
    ] {
        assert!(!SyncAccess::conflict(any_send, commuting));
    }
}

#[test]
fn a_senders_drop_orders_the_receive_that_sees_the_channel_closed() {
    let other = DropSender { last: false };
    let closed = RecvClosed { blocking: true };
    assert_eq!(SyncAccess::depends(closed, other), Dependence::Edge);
    let try_closed = RecvClosed { blocking: false };
    assert_eq!(SyncAccess::depends(try_closed, other), Dependence::Edge);
    for commuting in [send(1, 1), recv(1), Empty { next: 1 }, DropReceiver] {
        assert!(!SyncAccess::conflict(other, commuting));
    }
    assert!(!SyncAccess::conflict(DropReceiver, Taken { ticket: 0 }));
}

#[test]
fn the_last_drop_of_a_sender_commutes_with_sends() {
    let last = DropSender { last: true };
    assert!(!SyncAccess::conflict(last, send(3, 3)));
    assert!(SyncAccess::conflict(last, Empty { next: 3 }));
    let closed = RecvClosed { blocking: true };
    assert_eq!(SyncAccess::depends(closed, last), Dependence::Edge);
}

#[test]
fn readers_and_unparks_commute_a_lock_and_a_failed_attempt_race_both_ways() {
    let read = Lock {
        write: false,
        blocking: true,
    };
    let write = Lock {
        write: true,
        blocking: true,
    };
    assert!(!SyncAccess::conflict(read, read));
    assert!(!SyncAccess::conflict(read, Unlock { write: false }));
    assert!(SyncAccess::conflict(read, write));
    assert_eq!(
        SyncAccess::depends(write, Unlock { write: false }),
        Dependence::Edge
    );
    let probe = LockProbe { write: true };
    assert_eq!(SyncAccess::depends(probe, read), Dependence::Race);
    assert_eq!(SyncAccess::depends(read, probe), Dependence::Race);
    let unpark = Unpark {
        epoch: 0,
        first: true,
    };
    assert!(!SyncAccess::conflict(unpark, unpark));
    let moved = Unpark {
        epoch: ANY_EPOCH,
        first: false,
    };
    let park = |epoch| Park {
        epoch,
        took: false,
        waited: false,
    };
    assert!(SyncAccess::conflict(moved, park(0)));
    assert!(SyncAccess::conflict(park(3), moved));
    assert!(!SyncAccess::conflict(moved, unpark));
}

#[test]
fn a_notify_conflicts_with_the_registrations_it_marks() {
    let one = Notify {
        lo: 1,
        hi: 2,
        all: false,
    };
    assert!(SyncAccess::conflict(one, Register { ticket: 1 }));
    assert!(!SyncAccess::conflict(one, Register { ticket: 2 }));
    let nobody = Notify {
        lo: 2,
        hi: 2,
        all: false,
    };
    assert!(SyncAccess::conflict(nobody, Register { ticket: 2 }));
    assert!(!SyncAccess::conflict(nobody, nobody));
    assert!(SyncAccess::conflict(one, one));
}

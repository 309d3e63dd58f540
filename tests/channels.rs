//! `weft::sync::mpsc` against std's semantics: message order, blocking, disconnection,
//! bounded and rendezvous channels, the `try_*`/timeout variants explored both ways,
//! happens-before through messages, and the failures a channel can leave behind.
#![cfg(feature = "permute")]

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::outcome_set;
use weft::cell::UnsafeCell;
use weft::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use weft::sync::mpsc::{self, RecvTimeoutError, TryRecvError, TrySendError};
use weft::sync::Arc;
use weft::{thread, Builder, FailureKind};

#[test]
fn messages_from_two_senders_arrive_in_either_order() {
    let (orders, _) = outcome_set(|seen| {
        let (tx, rx) = mpsc::channel();
        let senders: Vec<_> = [1, 2]
            .into_iter()
            .map(|v| {
                let tx = tx.clone();
                thread::spawn(move || tx.send(v).unwrap())
            })
            .collect();
        drop(tx);
        let got = vec![rx.recv().unwrap(), rx.recv().unwrap()];
        assert_eq!(rx.recv(), Err(mpsc::RecvError), "every sender is gone");
        for s in senders {
            s.join().unwrap();
        }
        seen(got);
    });
    assert_eq!(orders, BTreeSet::from([vec![1, 2], vec![2, 1]]));
}

#[test]
fn queued_messages_outlive_the_senders_then_recv_fails() {
    let (results, _) = outcome_set(|seen| {
        let (tx, rx) = mpsc::channel();
        let sender = thread::spawn(move || {
            tx.send(1).unwrap();
            tx.send(2).unwrap();
        });
        let got: Vec<i32> = rx.iter().collect();
        sender.join().unwrap();
        seen(got);
    });
    assert_eq!(results, BTreeSet::from([vec![1, 2]]));
}

#[test]
fn send_to_a_dropped_receiver_gives_the_value_back() {
    let (results, executions) = outcome_set(|seen| {
        let (tx, rx) = mpsc::channel::<String>();
        let receiver = thread::spawn(move || drop(rx));
        let result = tx.send("hello".to_string()).map_err(|e| e.0);
        receiver.join().unwrap();
        seen(result);
    });
    assert_eq!(
        results,
        BTreeSet::from([Ok(()), Err("hello".to_string())]),
        "sent before or after the receiver was dropped"
    );
    assert_eq!(executions, 2);
}

#[test]
fn bounded_send_blocks_while_full() {
    // The sender sends two messages: with capacity 1 the second cannot complete before a
    // receive, so the sender never finishes before main's first `recv`; with capacity 2 it can.
    let model = |capacity: usize| {
        move || {
            let (tx, rx) = mpsc::sync_channel(capacity);
            let done = Arc::new(AtomicBool::new(false));
            let sender = {
                let done = done.clone();
                thread::spawn(move || {
                    tx.send(1).unwrap();
                    tx.send(2).unwrap();
                    done.store(true, SeqCst);
                })
            };
            assert!(
                !done.load(SeqCst),
                "both sends completed before any receive"
            );
            assert_eq!(rx.recv(), Ok(1));
            assert_eq!(rx.recv(), Ok(2));
            sender.join().unwrap();
        }
    };
    assert!(Builder::new().explore(model(1)).unwrap().complete);
    let failure = Builder::new().explore(model(2)).unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    assert!(failure.to_string().contains("both sends completed"));
    let full = Builder::new()
        .explore(|| {
            let (tx, _rx) = mpsc::sync_channel(1);
            tx.send(1).unwrap();
            tx.send(2).unwrap();
        })
        .unwrap_err();
    assert_eq!(full.kind(), FailureKind::Deadlock, "{full}");
    let report = full.to_string();
    assert!(
        report.contains("main is blocked at send (tests/channels.rs:"),
        "{report}"
    );
    assert!(
        report.contains("capacity 1, 1 message queued, 1 sender alive, receiver alive"),
        "{report}"
    );
}

#[test]
fn rendezvous_send_returns_only_after_the_receive() {
    let model = |capacity: usize| {
        move || {
            let (tx, rx) = mpsc::sync_channel(capacity);
            let sent = Arc::new(AtomicBool::new(false));
            let sender = {
                let sent = sent.clone();
                thread::spawn(move || {
                    tx.send(7).unwrap();
                    sent.store(true, SeqCst);
                })
            };
            assert!(
                !sent.load(SeqCst),
                "the send finished before anyone received"
            );
            assert_eq!(rx.recv(), Ok(7));
            sender.join().unwrap();
        }
    };
    let stats = Builder::new().explore(model(0)).unwrap();
    assert!(stats.complete);
    let failure = Builder::new().explore(model(1)).unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    assert!(failure.to_string().contains("the send finished before"));
}

#[test]
fn rendezvous_try_send_succeeds_only_when_a_receiver_waits() {
    let (results, _) = outcome_set(|seen| {
        let (tx, rx) = mpsc::sync_channel::<i32>(0);
        let receiver = thread::spawn(move || rx.recv().ok());
        let result = match tx.try_send(1) {
            Ok(()) => "sent",
            Err(TrySendError::Full(1)) => "full",
            Err(_) => "disconnected",
        };
        drop(tx);
        let got = receiver.join().unwrap();
        assert_eq!(got.is_some(), result == "sent");
        seen(result);
    });
    assert_eq!(results, BTreeSet::from(["full", "sent"]));
}

#[test]
fn try_recv_and_recv_timeout_see_both_orders() {
    let (results, _) = outcome_set(|seen| {
        let (tx, rx) = mpsc::channel();
        let sender = thread::spawn(move || tx.send(1).unwrap());
        let first = rx.try_recv();
        let second = rx.recv_timeout(Duration::from_secs(1));
        sender.join().unwrap();
        let third = rx.try_recv();
        seen(format!("{first:?} {second:?} {third:?}"));
    });
    let empty = TryRecvError::Empty;
    let gone = TryRecvError::Disconnected;
    let timeout = RecvTimeoutError::Timeout;
    assert_eq!(
        results,
        BTreeSet::from([
            format!(
                "Ok(1) Err({:?}) Err({gone:?})",
                RecvTimeoutError::Disconnected
            ),
            format!("Ok(1) Err({timeout:?}) Err({gone:?})"),
            format!("Err({empty:?}) Ok(1) Err({gone:?})"),
            format!("Err({empty:?}) Err({timeout:?}) Ok(1)"),
        ])
    );
}

#[test]
fn a_message_orders_the_senders_writes_before_the_receivers_reads() {
    struct Slot(UnsafeCell<i32>);
    // SAFETY: only used inside weft models (one OS thread; racing accesses halt first).
    unsafe impl Sync for Slot {}
    let stats = Builder::new()
        .explore(|| {
            let slot = Arc::new(Slot(UnsafeCell::new(0)));
            let (tx, rx) = mpsc::channel();
            let writer = {
                let slot = slot.clone();
                // SAFETY: see `Slot`.
                thread::spawn(move || {
                    slot.0.with_mut(|p| unsafe { *p = 5 });
                    tx.send(()).unwrap();
                })
            };
            rx.recv().unwrap();
            // SAFETY: see `Slot`.
            assert_eq!(slot.0.with(|p| unsafe { *p }), 5);
            writer.join().unwrap();
        })
        .unwrap();
    assert!(stats.complete);
}

#[test]
fn a_thread_blocked_on_a_channel_nobody_sends_to_is_leaked() {
    let failure = Builder::new()
        .explore(|| {
            let (tx, rx) = mpsc::channel::<i32>();
            thread::spawn(move || {
                let _ = rx.recv();
            });
            std::mem::forget(tx); // the sender is never dropped, so nothing wakes it
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::LeakedThread, "{failure}");
    let report = failure.to_string();
    assert!(
        report.contains("thread 1 is blocked at recv (tests/channels.rs:"),
        "{report}"
    );
    assert!(
        report.contains("unbounded, 0 messages queued, 1 sender alive, receiver alive"),
        "{report}"
    );
    assert!(
        report.contains("thread 1 spawned by main at tests/channels.rs:"),
        "{report}"
    );
}

#[test]
fn messages_left_in_a_live_channel_are_a_leak() {
    let failure = Builder::new()
        .explore(|| {
            let (tx, rx) = mpsc::channel();
            tx.send(1).unwrap();
            std::mem::forget(rx);
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Leak, "{failure}");
    let report = failure.to_string();
    assert!(
        report.starts_with(
            "weft: leak: 1 message never received on #0 channel created at tests/channels.rs:"
        ),
        "{report}"
    );
    assert!(
        report.contains("the oldest was sent at tests/channels.rs:"),
        "{report}"
    );
    // Dropping the receiver frees its messages: no leak.
    let stats = Builder::new()
        .explore(|| {
            let (tx, rx) = mpsc::channel();
            tx.send(1).unwrap();
            drop(rx);
        })
        .unwrap();
    assert_eq!(stats.executions, 1);
}

#[test]
fn senders_on_a_full_bounded_channel_still_race_for_the_order() {
    // The first send fills the channel; the other sender can only send after a receive.
    // Both orders of the two messages must still be explored.
    let (orders, _) = outcome_set(|seen| {
        let (tx, rx) = mpsc::sync_channel(1);
        let senders: Vec<_> = [1, 2]
            .into_iter()
            .map(|v| {
                let tx = tx.clone();
                thread::spawn(move || tx.send(v).unwrap())
            })
            .collect();
        let got = vec![rx.recv().unwrap(), rx.recv().unwrap()];
        for s in senders {
            s.join().unwrap();
        }
        seen(got);
    });
    assert_eq!(orders, BTreeSet::from([vec![1, 2], vec![2, 1]]));
}

/// Found by `blocking_differential`: thread 3's second send waits for room behind thread 2's
/// send, which only the receiver's `try_recv` makes; the receiver's first step (an atomic)
/// was asleep there, so the execution was abandoned before that race showed, and the
/// outcome where thread 2's send goes between thread 3's two was never explored.
#[test]
fn a_send_waiting_for_room_still_races_with_the_send_that_filled_it() {
    let (results, _) = outcome_set(|seen| {
        let x = Arc::new(AtomicU64::new(0));
        let (tx, rx) = mpsc::sync_channel::<u64>(2);
        let tx2 = tx.clone();
        let x0 = x.clone();
        let receiver = thread::spawn(move || {
            let before = x0.fetch_add(1, SeqCst);
            let got = rx.try_recv().ok();
            drop(rx);
            (before, got)
        });
        let x1 = x.clone();
        let first = thread::spawn(move || {
            let _ = tx.send(1);
            x1.fetch_add(1, SeqCst)
        });
        let second = thread::spawn(move || {
            let _ = tx2.send(3);
            tx2.send(4).is_ok()
        });
        let (before, got) = receiver.join().unwrap();
        seen((before, got, first.join().unwrap(), second.join().unwrap()));
    });
    // The receiver's add after thread 2's, and the message of thread 3's first send ahead of
    // thread 2's: thread 3's second send waited for the try_recv.
    assert!(results.contains(&(1, Some(3), 0, true)), "{results:?}");
    assert!(results.contains(&(1, Some(3), 0, false)), "{results:?}");
}

/// Found by `blocking_differential` with exact dependence: a `try_send` that failed after
/// the receive cleared the registration must still be tried between the registration and
/// the other sender's message (where it succeeds and its message is the one received).
#[test]
fn a_failed_rendezvous_try_send_races_back_past_the_receive() {
    let (results, _) = outcome_set(|seen| {
        let (tx, rx) = mpsc::sync_channel::<u64>(0);
        let tx2 = tx.clone();
        let receiver = thread::spawn(move || rx.recv().unwrap_or(100));
        let sender = thread::spawn(move || (tx2.send(1).is_ok(), tx2.send(2).is_ok()));
        let tried = thread::spawn(move || tx.try_send(3).is_ok());
        seen((
            receiver.join().unwrap(),
            sender.join().unwrap(),
            tried.join().unwrap(),
        ));
    });
    assert!(results.contains(&(3, (false, false), true)), "{results:?}");
    assert!(results.contains(&(1, (true, false), false)), "{results:?}");
}

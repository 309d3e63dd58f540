//! Programs with blocking primitives whose explorations (source-DPOR then, which channels
//! and an rwlock's `try_*`s meant; optimal DPOR now, see `dpor`'s module docs) used to end
//! runs sleep-set blocked for races that have no reversal to explore, or whose reversal a
//! sleeping thread already stands for: each now takes exactly its hand-counted Mazurkiewicz
//! traces and no blocked run, and finds every outcome.
#![cfg(feature = "permute")]

mod common;

use common::outcome_set;
use weft::sync::atomic::{AtomicU64, Ordering::SeqCst};
use weft::sync::mpsc;
use weft::sync::{Arc, RwLock};
use weft::thread;

/// Complete and sleep-set-blocked runs of exploring `f`.
fn runs(f: impl Fn() + Send + Sync + 'static) -> (u64, u64) {
    let stats = weft::Builder::new().explore(f).unwrap();
    assert!(stats.complete);
    (stats.executions, stats.blocked)
}

/// The last `Sender`'s drop comes after every send: it does not race with the other
/// thread's send (before, DPOR tried the drop first, where it is not the last and does
/// nothing, and that run ended with the sender asleep: 4 executions and 1 blocked run).
#[test]
fn the_last_senders_drop_does_not_race_with_the_other_senders_send() {
    let n = runs(|| {
        let x = Arc::new(AtomicU64::new(0));
        let (tx, rx) = mpsc::sync_channel::<u64>(1);
        let tx2 = tx.clone();
        let x0 = x.clone();
        let receiver = thread::spawn(move || {
            let v = x0.load(SeqCst);
            drop(rx);
            v
        });
        let sender = thread::spawn(move || tx.send(1).is_ok());
        let x2 = x.clone();
        let other = thread::spawn(move || {
            x2.fetch_add(1, SeqCst);
            drop(tx2);
        });
        receiver.join().unwrap();
        sender.join().unwrap();
        other.join().unwrap();
    });
    // The load before or after the add, times the send before or after the receiver's
    // drop (then it fails); the sender drops commute with everything else.
    assert_eq!(n, (4, 0));
}

/// Without a race between the send and the last drop, no order ties the sender's steps
/// before the send to the other thread's after its drop: the load still sees the store.
#[test]
fn a_step_before_a_send_still_races_with_a_step_after_the_other_senders_drop() {
    let (results, _) = outcome_set(|seen| {
        let y = Arc::new(AtomicU64::new(0));
        let (tx, rx) = mpsc::channel::<u64>();
        let tx2 = tx.clone();
        let y1 = y.clone();
        let sender = thread::spawn(move || {
            let r = y1.load(SeqCst);
            tx.send(1).unwrap();
            r
        });
        let y2 = y.clone();
        let dropper = thread::spawn(move || {
            drop(tx2);
            y2.store(1, SeqCst);
        });
        let got = rx.recv().ok();
        let r = sender.join().unwrap();
        dropper.join().unwrap();
        seen((r, got));
    });
    assert_eq!(
        results,
        std::collections::BTreeSet::from([(0, Some(1)), (1, Some(1))])
    );
}

/// A failed `try_read`'s race with the `try_write` before it: the writer, asleep where the
/// reader's `try_read` ran, stands for the reversal (its `try_write` there is independent
/// of the reader's earlier `try_send`). Before, DPOR passed over it and ran the adder
/// there instead, a run that ended with both asleep: 10 executions and 1 blocked run.
#[test]
fn a_sleeping_thread_stands_for_an_ordinary_race_of_a_blocking_primitive() {
    let n = runs(|| {
        let x = Arc::new(AtomicU64::new(0));
        let lock = Arc::new(RwLock::new(()));
        let (tx, rx) = mpsc::sync_channel::<u64>(1);
        let (l1, x1) = (lock.clone(), x.clone());
        let writer = thread::spawn(move || l1.try_write().map(|_g| x1.load(SeqCst)).ok());
        let (l2, x2) = (lock.clone(), x.clone());
        let reader = thread::spawn(move || {
            let sent = tx.try_send(1).is_ok();
            (sent, l2.try_read().map(|_g| x2.load(SeqCst)).ok())
        });
        let x3 = x.clone();
        let adder = thread::spawn(move || x3.fetch_add(1, SeqCst));
        writer.join().unwrap();
        reader.join().unwrap();
        adder.join().unwrap();
        drop(rx);
    });
    // Both try_* succeed (the writer's first or the reader's), each load before, between
    // or after the add: 3 + 3; one fails, the other's load before or after the add: 2 + 2.
    assert_eq!(n, (10, 0));
}

//! The dependence of the blocking primitives is exact: small programs take exactly as many
//! executions as they have Mazurkiewicz traces (counted by hand in each test), and every
//! outcome that only one order of two operations gives is still found (missing dependence
//! would be a missed bug). Spawns and joins are not counted: they only order threads.
#![cfg(feature = "permute")]

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::outcome_set;
use weft::sync::atomic::{AtomicBool, Ordering::SeqCst};
use weft::sync::mpsc::{self, TryRecvError, TrySendError};
use weft::sync::{Arc, Barrier, Condvar, Mutex, RwLock};
use weft::thread;

fn executions(f: impl Fn() + Send + Sync + 'static) -> u64 {
    let stats = weft::Builder::new().explore(f).unwrap();
    assert!(stats.complete);
    stats.executions
}

/// Two threads send one message each to a channel (of `capacity`, `None`: unbounded); main
/// receives both and returns them in order.
fn two_senders(capacity: Option<usize>, seen: &dyn Fn(Vec<u64>)) {
    let (tx, rx) = match capacity {
        None => {
            let (tx, rx) = mpsc::channel();
            (Ok(tx), rx)
        }
        Some(n) => {
            let (tx, rx) = mpsc::sync_channel(n);
            (Err(tx), rx)
        }
    };
    let senders: Vec<_> = [1, 2]
        .into_iter()
        .map(|v| {
            let tx = tx.clone();
            thread::spawn(move || match tx {
                Ok(tx) => tx.send(v).unwrap(),
                Err(tx) => tx.send(v).unwrap(),
            })
        })
        .collect();
    let got = vec![rx.recv().unwrap(), rx.recv().unwrap()];
    for s in senders {
        s.join().unwrap();
    }
    seen(got);
}

#[test]
fn two_senders_and_a_receiver_of_an_unbounded_channel_take_two_executions() {
    // Traces: the two send orders. Each receive depends only on the send of the message it
    // takes (a send appended behind a queued message commutes with its receive).
    let (orders, n) = outcome_set(|seen| two_senders(None, seen));
    assert_eq!(orders, BTreeSet::from([vec![1, 2], vec![2, 1]]));
    assert_eq!(n, 2);
}

#[test]
fn two_senders_and_a_receiver_of_a_bounded_channel_take_two_executions() {
    // Capacity 1: the second send waits for the first receive (a happens-before edge, not
    // a race), so again only the two send orders.
    let (orders, n) = outcome_set(|seen| two_senders(Some(1), seen));
    assert_eq!(orders, BTreeSet::from([vec![1, 2], vec![2, 1]]));
    assert_eq!(n, 2);
}

#[test]
fn sends_to_different_channels_commute() {
    // One trace: nothing on one channel depends on anything on the other.
    let n = executions(|| {
        let (tx1, rx1) = mpsc::channel();
        let (tx2, rx2) = mpsc::channel();
        let a = thread::spawn(move || tx1.send(1).unwrap());
        let b = thread::spawn(move || tx2.send(2).unwrap());
        assert_eq!(rx1.recv().unwrap() + rx2.recv().unwrap(), 3);
        a.join().unwrap();
        b.join().unwrap();
    });
    assert_eq!(n, 1);
}

#[test]
fn try_recv_racing_a_send_takes_two_executions() {
    // Traces: try_recv before the send (Empty) or after it (the message). The receiver is
    // dropped after the join, so its drop is ordered after the send.
    let (seen, n) = outcome_set(|seen| {
        let (tx, rx) = mpsc::channel();
        let t = thread::spawn(move || tx.send(7).unwrap());
        let got = rx.try_recv().map_err(|e| e == TryRecvError::Empty);
        t.join().unwrap();
        seen(got);
    });
    assert_eq!(seen, BTreeSet::from([Ok(7), Err(true)]));
    assert_eq!(n, 2);
}

#[test]
fn try_send_on_a_full_channel_races_with_the_receive_that_frees_room() {
    // Capacity 1, already full: try_send before main's receive fails, after it succeeds.
    let (seen, n) = outcome_set(|seen| {
        let (tx, rx) = mpsc::sync_channel(1);
        tx.send(1).unwrap();
        let t = thread::spawn(move || matches!(tx.try_send(2), Err(TrySendError::Full(_))));
        let first = rx.recv().unwrap();
        let full = t.join().unwrap();
        let rest: Vec<u64> = rx.try_iter().collect();
        seen((first, full, rest));
    });
    assert_eq!(
        seen,
        BTreeSet::from([(1, true, vec![]), (1, false, vec![2])])
    );
    assert_eq!(n, 2);
}

#[test]
fn two_readers_of_an_rwlock_commute() {
    // One trace: read locks and read unlocks commute with each other.
    let n = executions(|| {
        let lock = Arc::new(RwLock::new(5));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let lock = lock.clone();
                thread::spawn(move || *lock.read().unwrap())
            })
            .collect();
        for r in readers {
            assert_eq!(r.join().unwrap(), 5);
        }
    });
    assert_eq!(n, 1);
}

#[test]
fn a_reader_and_a_writer_race_for_the_lock() {
    // Traces: the reader acquires first or the writer does (the unlock that lets the other
    // in is a happens-before edge, not a race).
    let (seen, n) = outcome_set(|seen| {
        let lock = Arc::new(RwLock::new(0));
        let l = lock.clone();
        let w = thread::spawn(move || *l.write().unwrap() = 1);
        let read = *lock.read().unwrap();
        w.join().unwrap();
        seen(read);
    });
    assert_eq!(seen, BTreeSet::from([0, 1]));
    assert_eq!(n, 2);
}

#[test]
fn a_writer_between_two_read_sections_takes_one_execution_per_trace() {
    // The writer's section goes before or after the reader thread's, and before, between or
    // after the third thread's two: 6 traces, 6 outcomes. Optimal DPOR moves a read lock before a write
    // lock as a read lock (predicted as any write, it woke sleeping readers: 8 executions).
    let seen = std::sync::Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    let sink = seen.clone();
    let stats = weft::Builder::new()
        .explore(move || {
            let lock = Arc::new(RwLock::new(0));
            let l = lock.clone();
            let w = thread::spawn(move || *l.write().unwrap() = 1);
            let l = lock.clone();
            let r = thread::spawn(move || *l.read().unwrap());
            let l = lock.clone();
            let two = thread::spawn(move || {
                let first = *l.read().unwrap();
                (first, *l.read().unwrap())
            });
            w.join().unwrap();
            let (first, second) = two.join().unwrap();
            sink.lock()
                .unwrap()
                .insert((r.join().unwrap(), first, second));
        })
        .unwrap();
    let outcomes = [
        (0, 0, 0),
        (0, 0, 1),
        (0, 1, 1),
        (1, 0, 0),
        (1, 0, 1),
        (1, 1, 1),
    ];
    assert_eq!(*seen.lock().unwrap(), BTreeSet::from(outcomes));
    assert_eq!((stats.executions, stats.blocked), (6, 0));
}

#[test]
fn a_failed_try_write_is_an_observation_of_the_reader() {
    // Traces: try_write before the read lock, inside it (fails), after the unlock.
    let (seen, n) = outcome_set(|seen| {
        let lock = Arc::new(RwLock::new(0));
        let l = lock.clone();
        let w = thread::spawn(move || l.try_write().map(|mut g| *g = 1).is_ok());
        let read = *lock.read().unwrap();
        seen((read, w.join().unwrap()));
    });
    assert_eq!(seen, BTreeSet::from([(0, false), (0, true), (1, true)]));
    assert_eq!(n, 3);
}

#[test]
fn failed_try_writes_commute() {
    // Main holds a read lock until both have run: both fail, in one trace, whichever tries
    // first (two failed attempts only observe the lock held).
    let (seen, n) = outcome_set(|seen| {
        let lock = Arc::new(RwLock::new(0));
        let guard = lock.read().unwrap();
        let writers: Vec<_> = (0..2)
            .map(|_| {
                let l = lock.clone();
                thread::spawn(move || l.try_write().is_ok())
            })
            .collect();
        let results: Vec<bool> = writers.into_iter().map(|w| w.join().unwrap()).collect();
        drop(guard);
        seen(results);
    });
    assert_eq!(seen, BTreeSet::from([vec![false, false]]));
    assert_eq!(n, 1);
}

#[test]
fn a_failed_try_write_and_a_failed_try_read_under_a_writer_commute() {
    let (seen, n) = outcome_set(|seen| {
        let lock = Arc::new(RwLock::new(0));
        let guard = lock.write().unwrap();
        let (l1, l2) = (lock.clone(), lock.clone());
        let a = thread::spawn(move || l1.try_write().is_ok());
        let b = thread::spawn(move || l2.try_read().is_ok());
        let results = (a.join().unwrap(), b.join().unwrap());
        drop(guard);
        seen(results);
    });
    assert_eq!(seen, BTreeSet::from([(false, false)]));
    assert_eq!(n, 1);
}

/// Waits on a flag under a mutex; a thread sets it and notifies (`inside`: before its
/// unlock). Returns whether the waiter saw the flag already set.
fn flag_wait(inside: bool, seen: &dyn Fn(bool)) {
    let pair = Arc::new((Mutex::new(false), Condvar::new()));
    let p = pair.clone();
    let setter = thread::spawn(move || {
        let mut flag = p.0.lock().unwrap();
        *flag = true;
        if inside {
            p.1.notify_one();
        }
        drop(flag);
        if !inside {
            p.1.notify_one();
        }
    });
    let mut flag = pair.0.lock().unwrap();
    let already = *flag;
    while !*flag {
        flag = pair.1.wait(flag).unwrap();
    }
    drop(flag);
    setter.join().unwrap();
    seen(already);
}

#[test]
fn a_notify_and_the_wait_it_ends_take_two_executions() {
    // Traces: the setter locks first (the waiter never waits; the notify with no waiter
    // commutes with everything the waiter does) or the waiter does (it registers, the
    // notify wakes it: a happens-before edge to the wait). Same with the notify outside
    // the critical section: the waiter's registration happens before its unlock.
    for inside in [true, false] {
        let (seen, n) = outcome_set(move |seen| flag_wait(inside, seen));
        assert_eq!(seen, BTreeSet::from([false, true]), "inside: {inside}");
        assert_eq!(n, 2, "inside: {inside}");
    }
}

#[test]
fn wait_timeout_and_notify_take_three_executions() {
    // Traces: notify before the registration (nobody woken; the wait times out), between
    // the registration and the wait (woken), after the wait (timed out, nobody woken).
    let (seen, n) = outcome_set(|seen| {
        let pair = Arc::new((Mutex::new(()), Condvar::new()));
        let p = pair.clone();
        let t = thread::spawn(move || p.1.notify_one());
        let guard = pair.0.lock().unwrap();
        let (guard, result) = pair.1.wait_timeout(guard, Duration::from_secs(1)).unwrap();
        drop(guard);
        t.join().unwrap();
        seen(result.timed_out());
    });
    assert_eq!(seen, BTreeSet::from([false, true]));
    assert_eq!(n, 3);
}

#[test]
fn two_notifiers_without_waiters_commute() {
    let n = executions(|| {
        let cv = Arc::new(Condvar::new());
        let c = cv.clone();
        let t = thread::spawn(move || c.notify_one());
        cv.notify_all();
        t.join().unwrap();
    });
    assert_eq!(n, 1);
}

/// `parties` threads (main among them) wait at one barrier; the set of leaders seen.
fn barrier(parties: usize) -> (BTreeSet<usize>, u64) {
    outcome_set(move |seen| {
        let barrier = Arc::new(Barrier::new(parties));
        let others: Vec<_> = (1..parties)
            .map(|i| {
                let b = barrier.clone();
                thread::spawn(move || (i, b.wait().is_leader()))
            })
            .collect();
        let mut leader = if barrier.wait().is_leader() { 0 } else { 99 };
        for t in others {
            if let (i, true) = t.join().unwrap() {
                leader = i;
            }
        }
        seen(leader);
    })
}

#[test]
fn a_barrier_of_two_takes_two_executions() {
    // Traces: the two arrival orders; the later arrival is the leader. The waits after it
    // are happens-before edges.
    let (leaders, n) = barrier(2);
    assert_eq!(leaders, BTreeSet::from([0, 1]));
    assert_eq!(n, 2);
}

#[test]
fn a_barrier_of_three_takes_six_executions() {
    // Arrivals do not commute: whether an arrival is the leader changes with every
    // arrival before it, so every order of the three arrivals is a trace (3! = 6), though
    // only the last one is observable (3 leaders).
    let (leaders, n) = barrier(3);
    assert_eq!(leaders, BTreeSet::from([0, 1, 2]));
    assert_eq!(n, 6);
}

#[test]
fn a_park_is_ended_by_the_unpark_in_one_execution() {
    // One trace: the park waits for the token (the unpark is a happens-before edge).
    let n = executions(|| {
        let done = Arc::new(AtomicBool::new(false));
        let d = done.clone();
        let t = thread::spawn(move || {
            thread::park();
            d.store(true, SeqCst);
        });
        t.thread().unpark();
        t.join().unwrap();
        assert!(done.load(SeqCst));
    });
    assert_eq!(n, 1);
}

#[test]
fn park_timeout_races_with_the_unpark() {
    // Traces: the park before the unpark (times out; the token is left) or after it.
    let (seen, n) = outcome_set(|seen| {
        let t = thread::spawn(|| {
            thread::park_timeout(Duration::from_secs(1));
        });
        t.thread().unpark();
        t.join().unwrap();
        seen(());
    });
    assert_eq!(seen.len(), 1);
    assert_eq!(n, 2);
}

#[test]
fn two_unparks_and_a_park_take_three_executions() {
    // Traces: the park after both unparks (they commute: setting the token twice is setting
    // it once), or between them, after either (the token is then left set): 3.
    let n = executions(|| {
        let t = thread::spawn(|| {
            thread::park();
        });
        let h = t.thread().clone();
        let u = thread::spawn(move || h.unpark());
        t.thread().unpark();
        u.join().unwrap();
        t.join().unwrap();
    });
    assert_eq!(n, 3);
}

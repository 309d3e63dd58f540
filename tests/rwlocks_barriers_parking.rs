//! `RwLock`, `Barrier` and `thread::park`/`unpark` against std's semantics: who may hold a
//! lock together, what blocks, poisoning, the barrier's leader and ordering, the park token.
#![cfg(feature = "permute")]

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::outcome_set;
use weft::cell::UnsafeCell;
use weft::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use weft::sync::mpsc;
use weft::sync::{Arc, Barrier, RwLock, TryLockError};
use weft::{thread, Builder, FailureKind};

#[test]
fn readers_share_the_lock_and_writers_exclude_everyone() {
    // Each thread counts itself in while it holds the lock; the most seen at once is 2
    // for two readers, and never more than 1 when a writer is involved.
    let most = |writers: usize| {
        outcome_set(move |seen| {
            let lock = Arc::new(RwLock::new(()));
            let inside = Arc::new(AtomicUsize::new(0));
            let threads: Vec<_> = (0..2)
                .map(|i| {
                    let (lock, inside) = (lock.clone(), inside.clone());
                    thread::spawn(move || {
                        let _guard = if i < writers {
                            Err(lock.write().unwrap())
                        } else {
                            Ok(lock.read().unwrap())
                        };
                        let now = inside.fetch_add(1, SeqCst) + 1;
                        inside.fetch_sub(1, SeqCst);
                        now
                    })
                })
                .collect();
            let counts: Vec<usize> = threads.into_iter().map(|t| t.join().unwrap()).collect();
            seen(*counts.iter().max().unwrap());
        })
    };
    assert_eq!(most(0).0, BTreeSet::from([1, 2]));
    assert_eq!(most(1).0, BTreeSet::from([1]));
    assert_eq!(most(2).0, BTreeSet::from([1]));
}

#[test]
fn try_write_fails_exactly_while_someone_holds_the_lock() {
    let (results, _) = outcome_set(|seen| {
        let lock = Arc::new(RwLock::new(0));
        let reader = {
            let lock = lock.clone();
            thread::spawn(move || {
                let _guard = lock.read().unwrap();
            })
        };
        let result = match lock.try_write() {
            Ok(mut guard) => {
                *guard += 1;
                "written"
            }
            Err(TryLockError::WouldBlock) => "would block",
            Err(TryLockError::Poisoned(_)) => "poisoned",
        };
        reader.join().unwrap();
        seen(result);
    });
    assert_eq!(results, BTreeSet::from(["would block", "written"]));
}

#[test]
fn a_panicking_writer_poisons_the_lock() {
    let stats = Builder::new()
        .explore(|| {
            let lock = Arc::new(RwLock::new(0));
            let writer = {
                let lock = lock.clone();
                thread::spawn(move || {
                    let _guard = lock.write().unwrap();
                    panic!("writer fails");
                })
            };
            assert!(writer.join().is_err());
            assert!(lock.read().is_err(), "poisoned");
            assert!(lock.is_poisoned());
        })
        .unwrap();
    assert_eq!(stats.executions, 1);
}

#[test]
fn write_lock_while_holding_a_read_lock_deadlocks() {
    let failure = Builder::new()
        .explore(|| {
            let lock = RwLock::new(0);
            let _read = lock.read().unwrap();
            let _write = lock.write().unwrap();
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Deadlock);
    let report = failure.to_string();
    assert!(
        report.contains("main is blocked at write lock (tests/rwlocks_barriers_parking.rs:"),
        "{report}"
    );
    assert!(
        report.contains("read-locked by main (at tests/rwlocks_barriers_parking.rs:"),
        "{report}"
    );
}

struct Slots(Vec<UnsafeCell<usize>>);
// SAFETY: only used inside weft models (one OS thread; racing accesses halt first).
unsafe impl Sync for Slots {}

#[test]
fn a_barrier_orders_every_write_before_it_and_elects_one_leader() {
    let (leaders, _) = outcome_set(|seen| {
        let slots = Arc::new(Slots((0..3).map(|_| UnsafeCell::new(0)).collect()));
        let barrier = Arc::new(Barrier::new(3));
        let threads: Vec<_> = (0..3)
            .map(|i| {
                let (slots, barrier) = (slots.clone(), barrier.clone());
                thread::spawn(move || {
                    // SAFETY: see `Slots`.
                    slots.0[i].with_mut(|p| unsafe { *p = i + 1 });
                    let leader = barrier.wait().is_leader();
                    // SAFETY: see `Slots`; the barrier orders every write before this.
                    let sum: usize = slots.0.iter().map(|s| s.with(|p| unsafe { *p })).sum();
                    assert_eq!(sum, 6);
                    leader
                })
            })
            .collect();
        let leaders: Vec<bool> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(leaders.iter().filter(|l| **l).count(), 1);
        seen(leaders.iter().position(|l| *l).unwrap());
    });
    assert_eq!(
        leaders,
        BTreeSet::from([0, 1, 2]),
        "whoever arrives last leads"
    );
}

#[test]
fn a_barrier_short_of_threads_deadlocks() {
    let failure = Builder::new()
        .explore(|| {
            let barrier = Barrier::new(2);
            barrier.wait();
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Deadlock);
    assert!(
        failure.to_string().contains("1 of 2 threads arrived"),
        "{failure}"
    );
}

#[test]
fn unpark_before_park_leaves_the_token() {
    let stats = Builder::new()
        .explore(|| {
            let done = Arc::new(AtomicBool::new(false));
            let parked = {
                let done = done.clone();
                thread::spawn(move || {
                    thread::park();
                    assert!(done.load(SeqCst), "woke without the unpark");
                })
            };
            done.store(true, SeqCst);
            parked.thread().unpark();
            parked.join().unwrap();
        })
        .unwrap();
    assert!(stats.complete);
    // The park completes only after the unpark, whether the thread got there first (and
    // blocked) or the token was already waiting: one trace. The first execution runs main
    // first, so the token is set before the thread parks.
    assert_eq!(stats.executions, 1);
}

#[test]
fn park_without_unpark_deadlocks_and_park_timeout_does_not() {
    let failure = Builder::new()
        .explore(|| {
            let parked = thread::spawn(thread::park);
            parked.join().unwrap();
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Deadlock);
    assert!(
        failure.to_string().contains("nobody unparks it"),
        "{failure}"
    );
    let stats = Builder::new()
        .explore(|| {
            let parked = thread::spawn(|| thread::park_timeout(Duration::from_millis(1)));
            parked.join().unwrap();
        })
        .unwrap();
    assert_eq!(stats.executions, 1);
}

/// A `park_timeout` between two unparks, then an add that a load in one unparker races
/// with. Traces: the park times out before both unparks, takes the token of one with the
/// other after it (two), or takes it after both (the order of two unparks is no trace of
/// its own: the token is a flag); times the 2 orders of the add and the load: 8.
/// Source-DPOR, which a park meant before, ran these 8 and 3 sleep-set-blocked runs; with
/// an unpark moved by a reversal predicted as any write (it commutes with the other
/// unpark), optimal DPOR ran 10.
#[test]
fn a_timed_park_between_two_unparks_takes_one_execution_per_trace() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    let sink = seen.clone();
    let stats = Builder::new()
        .explore(move || {
            let x = Arc::new(AtomicU64::new(0));
            let x0 = x.clone();
            let parked = thread::spawn(move || {
                thread::park_timeout(Duration::from_millis(1));
                x0.fetch_add(1, SeqCst);
            });
            let target = parked.thread().clone();
            let unparker = thread::spawn(move || target.unpark());
            let target = parked.thread().clone();
            let loader = thread::spawn(move || {
                target.unpark();
                x.load(SeqCst)
            });
            parked.join().unwrap();
            unparker.join().unwrap();
            sink.lock().unwrap().insert(loader.join().unwrap());
        })
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), BTreeSet::from([0, 1]));
    assert_eq!((stats.executions, stats.blocked), (8, 0));
}

/// Main and one thread each add to two counters, then main parks and loads `x`; a third
/// thread parks; a fourth unparks main and the third, adds to `x`, and unparks main again.
/// Every interleaving (the preemption-bounded search with a bound no run reaches) gives 8
/// outcomes: which of the two came first at each counter, times whether main's load comes
/// before the add; optimal DPOR runs 12 executions and no blocked run. It once ran 10 and missed
/// main second at the first counter, first at the second and loading 0: a park token is
/// created by whoever touches it first, so the two tokens' indices swapped between
/// executions, and a sleeping unpark remembered by its index stayed asleep through the park
/// it conflicts with (objects are now named by key across executions:
/// `Event::keyed_access`).
#[test]
fn a_park_unparked_twice_beside_a_parked_thread_reaches_every_outcome() {
    let outcomes = |builder: Builder| {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(BTreeSet::new()));
        let sink = seen.clone();
        let stats = builder
            .explore(move || {
                let counters = Arc::new([AtomicU64::new(0), AtomicU64::new(0)]);
                let x = Arc::new(AtomicU64::new(0));
                let main = thread::current();
                let theirs = counters.clone();
                let adder = thread::spawn(move || {
                    theirs[0].fetch_add(1, SeqCst);
                    theirs[1].fetch_add(1, SeqCst);
                });
                let parked = thread::spawn(thread::park);
                let (target, x3) = (parked.thread().clone(), x.clone());
                let unparker = thread::spawn(move || {
                    main.unpark();
                    target.unpark();
                    x3.fetch_add(1, SeqCst);
                    main.unpark();
                });
                let first = counters[0].fetch_add(1, SeqCst);
                let second = counters[1].fetch_add(1, SeqCst);
                thread::park();
                let load = x.load(SeqCst);
                for handle in [adder, parked, unparker] {
                    handle.join().unwrap();
                }
                sink.lock().unwrap().insert((first, second, load));
            })
            .unwrap();
        let found = seen.lock().unwrap().clone();
        (found, stats)
    };
    let everything = outcomes(Builder::new().preemption_bound(100).strict_bound(true)).0;
    assert_eq!(everything.len(), 8, "{everything:?}");
    let (found, stats) = outcomes(Builder::new());
    assert_eq!(found, everything);
    assert_eq!((stats.executions, stats.blocked), (12, 0));
}

/// Found by `blocking_differential` with exact dependence: a failed `try_write` (a reader
/// holds the lock) must not be ordered before a later read lock, which would hide its race
/// with the unlock that lets it succeed.
#[test]
fn a_failed_try_write_still_races_with_the_unlock_after_a_later_read_lock() {
    let (results, _) = outcome_set(|seen| {
        let x = Arc::new([AtomicU64::new(0), AtomicU64::new(0)]);
        let lock = Arc::new(RwLock::new(()));
        let (tx, rx) = mpsc::sync_channel::<u64>(1);
        let tx2 = tx.clone();
        let (x0, l0) = (x.clone(), lock.clone());
        let receiver = thread::spawn(move || {
            let got = (rx.recv().unwrap(), rx.recv().unwrap());
            let guard = l0.read().unwrap();
            let seen = x0[0].load(SeqCst);
            drop(guard);
            (got, seen)
        });
        let (x1, l1) = (x.clone(), lock.clone());
        let writer = thread::spawn(move || {
            tx2.send(1).unwrap();
            l1.try_write().map(|_g| x1[1].store(5, SeqCst)).is_ok()
        });
        let (x2, l2) = (x.clone(), lock.clone());
        let reader = thread::spawn(move || {
            tx.send(2).unwrap();
            let guard = l2.read().unwrap();
            let v = x2[0].fetch_add(1, SeqCst);
            drop(guard);
            (v, x2[1].fetch_add(1, SeqCst))
        });
        seen((
            receiver.join().unwrap(),
            writer.join().unwrap(),
            reader.join().unwrap(),
        ));
    });
    // The reader's message first; the receiver reads before the reader's add; the
    // try_write after the reader's unlock and its second add.
    assert!(
        results.contains(&(((2, 1), 0), true, (0, 0))),
        "{results:?}"
    );
}

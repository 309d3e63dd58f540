//! The dependence of atomic operations is exact: two loads commute, and so do two failed
//! compare-exchanges or a failed one and a load (each only reads); a store, a
//! read-modify-write or a successful compare-exchange conflicts with every other access to
//! its location; accesses to different locations commute. Each program takes exactly as
//! many executions as it has Mazurkiewicz traces (counted by hand in each test), and every
//! outcome only one order gives is found (missing dependence would be a missed bug).
//! Under weak memory two stores that are not SeqCst commute: each chooses its place in
//! modification order, so one order of the two reaches every modification order.
//!
//! A compare-exchange is a read or a write depending on where it runs, which the explorer
//! must predict when it moves one before a race (`StepAccesses::reversed`); the last tests
//! are programs where a wrong prediction lost an outcome (tests/dpor_differential.rs found
//! them).
#![cfg(feature = "permute")]

mod common;

use std::collections::BTreeSet;

use common::outcome_set;
use weft::sync::atomic::{AtomicU64, Ordering::Relaxed, Ordering::Release, Ordering::SeqCst};
use weft::sync::{Arc, Mutex};
use weft::thread;

/// Each of `threads` runs on one shared location (initially 0) and reports what it saw;
/// main reports the final value last.
fn on_one_location(
    threads: Vec<fn(&AtomicU64) -> u64>,
) -> impl Fn(&dyn Fn(Vec<u64>)) + Send + Sync + 'static {
    move |seen| {
        let x = Arc::new(AtomicU64::new(0));
        let handles: Vec<_> = threads
            .iter()
            .map(|&body| {
                let x = x.clone();
                thread::spawn(move || body(&x))
            })
            .collect();
        let mut outcome: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        outcome.push(x.load(SeqCst));
        seen(outcome);
    }
}

/// A compare-exchange's result as one number: the value it read, plus 100 if it failed.
fn cas(x: &AtomicU64, expected: u64, new: u64) -> u64 {
    match x.compare_exchange(expected, new, SeqCst, SeqCst) {
        Ok(old) => old,
        Err(actual) => 100 + actual,
    }
}

#[test]
fn two_failed_compare_exchanges_commute() {
    let (seen, n) = outcome_set(on_one_location(vec![|x| cas(x, 5, 6), |x| cas(x, 7, 8)]));
    assert_eq!(seen, BTreeSet::from([vec![100, 100, 0]]));
    assert_eq!(n, 1, "both only read the location: one trace");
}

#[test]
fn a_failed_compare_exchange_and_a_load_commute() {
    let (seen, n) = outcome_set(on_one_location(vec![|x| cas(x, 5, 6), |x| x.load(SeqCst)]));
    assert_eq!(seen, BTreeSet::from([vec![100, 0, 0]]));
    assert_eq!(n, 1);
}

#[test]
fn a_failed_compare_exchange_and_a_store_conflict() {
    // Always fails, but reads 0 or 3: two traces.
    let (seen, n) = outcome_set(on_one_location(vec![|x| cas(x, 5, 6), |x| {
        x.store(3, SeqCst);
        0
    }]));
    assert_eq!(seen, BTreeSet::from([vec![100, 0, 3], vec![103, 0, 3]]));
    assert_eq!(n, 2);
}

#[test]
fn a_compare_exchange_that_fails_after_a_store_succeeds_before_it() {
    let (seen, n) = outcome_set(on_one_location(vec![|x| cas(x, 0, 1), |x| {
        x.store(3, SeqCst);
        0
    }]));
    assert_eq!(seen, BTreeSet::from([vec![0, 0, 3], vec![103, 0, 3]]));
    assert_eq!(n, 2);
}

#[test]
fn two_compare_exchanges_of_which_one_succeeds_conflict() {
    // Whichever runs first succeeds; the other then fails on its value.
    let (seen, n) = outcome_set(on_one_location(vec![|x| cas(x, 0, 1), |x| cas(x, 0, 2)]));
    assert_eq!(seen, BTreeSet::from([vec![0, 101, 1], vec![102, 0, 2]]));
    assert_eq!(n, 2);
}

#[test]
fn compare_exchanges_on_different_locations_commute() {
    let (seen, n) = outcome_set(|seen| {
        let (x, y) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let (x2, y2) = (x.clone(), y.clone());
        let a = thread::spawn(move || cas(&x2, 0, 1));
        let b = thread::spawn(move || cas(&y2, 0, 2));
        seen(vec![a.join().unwrap(), b.join().unwrap()]);
        let _ = (x, y);
    });
    assert_eq!(seen, BTreeSet::from([vec![0, 0]]));
    assert_eq!(n, 1);
}

#[test]
fn a_load_and_a_read_modify_write_conflict() {
    let (seen, n) = outcome_set(on_one_location(vec![|x| x.load(SeqCst), |x| {
        x.fetch_add(1, SeqCst)
    }]));
    assert_eq!(seen, BTreeSet::from([vec![0, 0, 1], vec![1, 0, 1]]));
    assert_eq!(n, 2);
}

/// The program `tests/dpor_differential.rs` found: a compare-exchange that succeeds after a
/// store was first moved before it as a write, ran there as a failed one (a read), and its
/// branch hid the outcome where a load inside another thread's critical section reads 0
/// while a third thread's loads both read the store.
#[test]
fn a_compare_exchange_moved_before_a_store_keeps_every_outcome() {
    let (seen, n) = outcome_set(|seen| {
        let x = Arc::new(AtomicU64::new(0));
        let lock = Arc::new(Mutex::new(()));
        let (x0, x1, x2, x3) = (x.clone(), x.clone(), x.clone(), x.clone());
        let (lock1, lock2) = (lock.clone(), lock.clone());
        let t0 = thread::spawn(move || x0.store(1, SeqCst));
        let t1 = thread::spawn(move || {
            let first = x1.load(SeqCst);
            let _guard = lock1.lock().unwrap();
            vec![first, x1.load(SeqCst)]
        });
        let t2 = thread::spawn(move || {
            let _guard = lock2.lock().unwrap();
            x2.load(SeqCst)
        });
        let t3 = thread::spawn(move || cas(&x3, 1, 3));
        t0.join().unwrap();
        let mut outcome = t1.join().unwrap();
        outcome.push(t2.join().unwrap());
        outcome.push(t3.join().unwrap());
        seen(outcome);
    });
    assert!(
        seen.contains(&vec![1, 1, 0, 100]),
        "T2 reads 0 under the lock, T3 fails on 0, T1 reads 1 twice: {seen:?}"
    );
    // Counted by tests/dpor_differential.rs's brute-force interpreter (its case 0 of four
    // threads): 33 traces when a failed compare-exchange is a read.
    assert_eq!(n, 33);
}

/// `x.store(value, order)` as a thread body that reports nothing (0).
macro_rules! store {
    ($value:expr, $order:expr) => {
        |x: &AtomicU64| {
            x.store($value, $order);
            0
        }
    };
}

#[test]
fn two_stores_that_are_not_seq_cst_take_one_execution_per_modification_order() {
    let (seen, n) = outcome_set(on_one_location(vec![
        store!(1, Relaxed),
        store!(2, Release),
    ]));
    assert_eq!(seen, BTreeSet::from([vec![0, 0, 1], vec![0, 0, 2]]));
    assert_eq!(n, 2, "one trace, one execution per modification order");
}

#[test]
fn two_seq_cst_stores_still_conflict() {
    let (seen, n) = outcome_set(on_one_location(vec![store!(1, SeqCst), store!(2, SeqCst)]));
    assert_eq!(seen, BTreeSet::from([vec![0, 0, 1], vec![0, 0, 2]]));
    assert_eq!(
        n, 2,
        "two traces, the later store last in modification order"
    );
}

#[test]
fn a_load_between_two_relaxed_stores_sees_each_order() {
    // The load conflicts with both stores: it may run before, between or after them, and
    // read any store its place allows.
    let (seen, _) = outcome_set(on_one_location(vec![
        store!(1, Relaxed),
        store!(2, Relaxed),
        |x| x.load(Relaxed),
    ]));
    let loads: BTreeSet<(u64, u64)> = seen.iter().map(|o| (o[2], o[3])).collect();
    for load in [0, 1, 2] {
        for last in [1, 2] {
            assert!(
                loads.contains(&(load, last)),
                "load {load}, final {last}: {seen:?}"
            );
        }
    }
}

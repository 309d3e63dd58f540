//! `Builder::preemption_bound(k)` explores every interleaving with at most k preemptions: a
//! bug that needs exactly two is missed with a bound of 1 and found with a bound of 2, and
//! a state reachable in bound only through an order of independent steps that no race
//! points to is still reached.
#![cfg(feature = "permute")]

use std::collections::BTreeSet;
use std::sync::Mutex as StdMutex;

use weft::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use weft::sync::{Arc, Mutex};
use weft::{thread, Builder, FailureKind};

/// Two writers each set their flag and clear it again; a checker fails when it sees both
/// set. That needs both writers stopped between their two stores while they could go on:
/// two preemptions (main blocks in `join`, so switching away from it is none).
fn both_flags_seen() {
    let flags = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let writers: Vec<_> = (0..2)
        .map(|i| {
            let flags = flags.clone();
            thread::spawn(move || {
                flags[i].store(1, SeqCst);
                flags[i].store(0, SeqCst);
            })
        })
        .collect();
    let checker = {
        let flags = flags.clone();
        thread::spawn(move || {
            let seen = (flags[0].load(SeqCst), flags[1].load(SeqCst));
            assert_ne!(seen, (1, 1), "both writers were caught in the middle");
        })
    };
    for w in writers {
        w.join().unwrap();
    }
    checker.join().unwrap();
}

#[test]
fn a_bug_two_preemptions_deep_needs_a_bound_of_two() {
    for bound in [0, 1] {
        let stats = Builder::new()
            .preemption_bound(bound)
            .explore(both_flags_seen)
            .expect("no failure within one preemption");
        assert!(
            stats.complete && stats.executions > 1,
            "bound {bound}: {stats:?}"
        );
    }
    let failure = Builder::new()
        .preemption_bound(2)
        .explore(both_flags_seen)
        .expect_err("found with two preemptions");
    assert_eq!(failure.kind(), FailureKind::Panic);
    let report = failure.to_string();
    assert!(
        report.contains("both writers were caught in the middle"),
        "{report}"
    );
    assert!(report.contains("2 preemptions"), "{report}");
    // Unbounded DPOR finds it too.
    let failure = Builder::new().explore(both_flags_seen).unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
}

/// Thread 0 loads `x`, then adds 1 under the lock; thread 1 loads `x` under the lock, then
/// adds 1 after it; thread 2 stores 1. The outcome where both loads see 0, thread 1's add
/// sees 1 and thread 0's sees 2 takes one preemption only in this order: thread 1 locks
/// and loads, is preempted by thread 0, which loads and then waits for the lock (a free
/// switch), so thread 2 stores and thread 1 goes on. Thread 0's load before thread 1's is
/// the same trace with two preemptions, and the two loads never race: the DPOR of Coons
/// et al. with conservative backtrack points missed it (the differential test's case 154).
fn lock_frees_a_switch(bound: Option<usize>) -> BTreeSet<[usize; 4]> {
    let outcomes = std::sync::Arc::new(StdMutex::new(BTreeSet::new()));
    let sink = outcomes.clone();
    let builder = match bound {
        Some(bound) => Builder::new().preemption_bound(bound).strict_bound(true),
        None => Builder::new(),
    };
    let stats = builder
        .explore(move || {
            let x = Arc::new(AtomicUsize::new(0));
            let lock = Arc::new(Mutex::new(()));
            let t0 = {
                let (x, lock) = (x.clone(), lock.clone());
                thread::spawn(move || {
                    let seen = x.load(SeqCst);
                    let _guard = lock.lock().unwrap();
                    [seen, x.fetch_add(1, SeqCst)]
                })
            };
            let t1 = {
                let (x, lock) = (x.clone(), lock.clone());
                thread::spawn(move || {
                    let seen = {
                        let _guard = lock.lock().unwrap();
                        x.load(SeqCst)
                    };
                    [seen, x.fetch_add(1, SeqCst)]
                })
            };
            let t2 = {
                let x = x.clone();
                thread::spawn(move || x.store(1, SeqCst))
            };
            let [a, b] = t0.join().unwrap();
            let [c, d] = t1.join().unwrap();
            t2.join().unwrap();
            sink.lock().unwrap().insert([a, b, c, d]);
        })
        .expect("no failure");
    assert!(stats.complete);
    let found = outcomes.lock().unwrap().clone();
    found
}

#[test]
fn a_held_lock_that_frees_a_switch_is_explored_within_the_bound() {
    let late_store = [0, 2, 0, 1];
    let unbounded = lock_frees_a_switch(None);
    assert!(unbounded.contains(&late_store));
    let none = lock_frees_a_switch(Some(0));
    assert!(!none.contains(&late_store), "needs a preemption: {none:?}");
    let one = lock_frees_a_switch(Some(1));
    assert!(one.contains(&late_store), "{one:?}");
}

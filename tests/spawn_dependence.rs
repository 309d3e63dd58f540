//! Spawn and join add no trace. A child's id is the number of threads spawned before it,
//! which depends on the order of spawns by different threads; DPOR names threads by key
//! instead (their parent's key and their rank among its children: `runtime::thread_keys`
//! in the harness), so a reversal computed in one execution names the same threads in the
//! next whatever order the spawns take there, and two spawns commute. Before keys, a
//! reversal followed where the spawns ran in another order ran other threads than the ones
//! it meant, and outcomes were lost (found by a differential run of random programs with
//! nested spawns against the random strategy; the first test is the shrunk program); then
//! spawns by different threads conflicted, which kept every outcome but added traces (14
//! executions instead of 8 there). (Shared state is in std's `Arc`, whose clones and drops
//! are no events, so that the counts are only the spawns' and loads'.)
#![cfg(feature = "permute")]

mod common;

use std::collections::BTreeSet;

use common::outcome_set;
use std::sync::Arc;
use weft::sync::atomic::{AtomicU64, Ordering::SeqCst};
use weft::thread;

/// Thread A stores `y` then spawns C, which spawns E and adds 10 to `x`; E loads `x`.
/// Thread B loads `y`, loads `x`, then spawns an empty thread D. Reports B's two loads and
/// E's.
fn children_spawned_at_once(seen: &dyn Fn((u64, u64, u64))) {
    let x = Arc::new(AtomicU64::new(0));
    let y = Arc::new(AtomicU64::new(0));
    let a = {
        let (x, y) = (x.clone(), y.clone());
        thread::spawn(move || {
            y.store(8, SeqCst);
            let c = thread::spawn(move || {
                let e = {
                    let x = x.clone();
                    thread::spawn(move || x.load(SeqCst))
                };
                x.fetch_add(10, SeqCst);
                e.join().unwrap()
            });
            c.join().unwrap()
        })
    };
    let b = thread::spawn(move || {
        let seen_y = y.load(SeqCst);
        let seen_x = x.load(SeqCst);
        thread::spawn(|| {}).join().unwrap();
        (seen_y, seen_x)
    });
    let e_saw = a.join().unwrap();
    let (b_saw_y, b_saw_x) = b.join().unwrap();
    seen((b_saw_y, b_saw_x, e_saw));
}

#[test]
fn threads_that_spawn_at_once_keep_every_outcome() {
    let (seen, executions) = outcome_set(children_spawned_at_once);
    // B's load of y before or after A's store, B's load of x and E's load each before or
    // after C's add: all eight combinations happen (the lost one was (0, 10, 0)).
    let all: BTreeSet<_> = [0, 8]
        .into_iter()
        .flat_map(|y| [0, 10].into_iter().map(move |x| (y, x)))
        .flat_map(|(y, x)| [0, 10].into_iter().map(move |e| (y, x, e)))
        .collect();
    assert_eq!(seen, all);
    // Steps: a1 = A's store and spawn of C; c0 = C's start and spawn of E; c1 = C's add;
    // e1 = E's load; b1, b2 = B's loads (b2 with the spawn of D). Conflicting pairs: a1-b1
    // (y), c1-b2 and c1-e1 (x); a1 precedes c0 (C's spawn), which precedes c1 and e1.
    // Every order of the three pairs is acyclic: 8 traces, one per outcome. (With the
    // spawns a1, c0 and b2 conflicting, 14.)
    assert_eq!(executions, 8);
}

#[test]
fn spawns_by_one_thread_add_no_trace() {
    // Main spawns two writers from two steps (a store between them): the two spawns are
    // ordered by main, so the only traces are the writers' two orders.
    let (seen, executions) = outcome_set(|seen: &dyn Fn(u64)| {
        let x = Arc::new(AtomicU64::new(0));
        let first = {
            let x = x.clone();
            thread::spawn(move || x.store(1, SeqCst))
        };
        let flag = AtomicU64::new(0);
        flag.store(1, SeqCst);
        let second = {
            let x = x.clone();
            thread::spawn(move || x.store(2, SeqCst))
        };
        first.join().unwrap();
        second.join().unwrap();
        seen(x.load(SeqCst));
    });
    assert_eq!(seen, BTreeSet::from([1, 2]));
    assert_eq!(executions, 2);
}

#[test]
fn spawns_by_different_threads_commute() {
    // A stores x, then spawns an empty child; B stores z, then spawns D, which loads x.
    // The two spawns commute: the only traces are D's load before and after A's store
    // (3 while spawns conflicted: their two orders, and both loads with B's spawn first).
    let (seen, executions) = outcome_set(|seen: &dyn Fn(u64)| {
        let x = Arc::new(AtomicU64::new(0));
        let z = Arc::new(AtomicU64::new(0));
        let a = {
            let x = x.clone();
            thread::spawn(move || {
                x.store(1, SeqCst);
                thread::spawn(|| {}).join().unwrap();
            })
        };
        let b = thread::spawn(move || {
            z.store(1, SeqCst);
            thread::spawn(move || x.load(SeqCst)).join().unwrap()
        });
        a.join().unwrap();
        seen(b.join().unwrap());
    });
    assert_eq!(seen, BTreeSet::from([0, 1]));
    assert_eq!(executions, 2);
}

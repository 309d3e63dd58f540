//! A bounded exploration races an unbounded one (`Builder::preemption_bound`, unless
//! `strict_bound`): when the unbounded exploration explores every trace first without a
//! failure, the run passes there, and a failure it finds beyond the bound is never
//! reported. The two take turns on the calling thread, so the runs are deterministic;
//! with the number of workers left to weft, on several cores, a race that outgrows 2,000
//! runs goes on on two threads, where only the verdict is.
#![cfg(feature = "permute")]

mod common;

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

use weft::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use weft::{thread, Builder, FailureKind};

fn runs(stats: &weft::Stats) -> u64 {
    stats.executions + stats.blocked
}

/// readers(6) has 64 traces, which optimal DPOR runs once each; within one preemption the
/// bounded search alone cuts runs by the thousand. Raced, the run ends once the unbounded
/// exploration does, after at most three times its runs (two of the search's for each).
#[test]
fn a_bound_that_saves_nothing_costs_at_most_three_unbounded_explorations() {
    let unbounded = Builder::new().explore(common::readers(6)).unwrap();
    assert_eq!((unbounded.executions, unbounded.blocked), (64, 0));
    let raced = Builder::new()
        .jobs(1)
        .preemption_bound(1)
        .explore(common::readers(6))
        .unwrap();
    assert!(raced.complete);
    assert!(runs(&raced) <= 3 * runs(&unbounded), "{raced:?}");
    let strict = Builder::new()
        .preemption_bound(1)
        .strict_bound(true)
        .explore(common::readers(6))
        .unwrap();
    assert!(strict.complete);
    assert!(
        runs(&strict) > 10 * runs(&raced),
        "{strict:?} against {raced:?}"
    );
}

/// Main stores 1 then 2; a reader that loads twice fails when it sees both. That needs two
/// preemptions.
fn intermediate_state_seen() {
    let x = weft::sync::Arc::new(AtomicUsize::new(0));
    let reader = {
        let x = x.clone();
        thread::spawn(move || {
            let (a, b) = (x.load(SeqCst), x.load(SeqCst));
            assert!(!(a == 1 && b == 2), "saw the intermediate state");
        })
    };
    x.store(1, SeqCst);
    x.store(2, SeqCst);
    reader.join().unwrap();
}

/// With a bound of 1, the unbounded exploration alongside finds the failure and stops: the
/// run passes, since no interleaving within the bound fails, and the model ran more often
/// than the bounded search alone runs it (every run counts in `Stats`).
#[test]
fn a_failure_beyond_the_bound_found_alongside_is_not_reported() {
    let unbounded = Builder::new().explore(intermediate_state_seen).unwrap_err();
    assert_eq!(unbounded.kind(), FailureKind::Panic);
    let strict = Builder::new()
        .preemption_bound(1)
        .strict_bound(true)
        .explore(intermediate_state_seen)
        .unwrap();
    let calls = Arc::new(AtomicU64::new(0));
    let counted = calls.clone();
    let raced = Builder::new()
        .jobs(1)
        .preemption_bound(1)
        .explore(move || {
            counted.fetch_add(1, Relaxed);
            intermediate_state_seen();
        })
        .unwrap();
    assert!(raced.complete);
    assert_eq!(calls.load(Relaxed), runs(&raced));
    assert!(runs(&raced) > runs(&strict), "{raced:?} against {strict:?}");
    // With a bound of 2 the bounded search finds it, within the bound.
    let failure = Builder::new()
        .preemption_bound(2)
        .explore(intermediate_state_seen)
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    assert!(failure.to_string().contains("2 preemptions"), "{failure}");
}

/// readers(10) within one preemption: 1,024 traces, so the race outgrows 2,000 runs and, on
/// a machine with several cores, goes on with the unbounded exploration on a thread of its
/// own (the model runs on two OS threads). The verdict is the same, and every run of either
/// side counts in `Stats`.
#[test]
fn a_long_race_goes_on_on_two_threads() {
    let threads = Arc::new(std::sync::Mutex::new(std::collections::HashSet::new()));
    let calls = Arc::new(AtomicU64::new(0));
    let (seen, counted) = (threads.clone(), calls.clone());
    let readers = common::readers(10);
    let stats = Builder::new()
        .preemption_bound(1)
        .explore(move || {
            counted.fetch_add(1, Relaxed);
            seen.lock().unwrap().insert(std::thread::current().id());
            readers();
        })
        .unwrap();
    assert!(stats.complete, "{stats:?}");
    assert_eq!(calls.load(Relaxed), runs(&stats));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let expected = if cores > 1 { 2 } else { 1 };
    assert_eq!(threads.lock().unwrap().len(), expected, "{stats:?}");
}

/// More workers do not split a raced bound (split, a bounded search runs more than on one
/// worker): below 2,000 runs `jobs(2)` runs exactly the race `jobs(1)` runs, and only
/// `strict_bound` splits it.
#[test]
fn more_workers_race_a_bound_instead_of_splitting_it() {
    let bounded = |jobs| Builder::new().jobs(jobs).preemption_bound(2);
    let one = bounded(1).explore(common::lastzero(4)).unwrap();
    let two = bounded(2).explore(common::lastzero(4)).unwrap();
    assert_eq!(two, one);
    assert!(runs(&one) <= 3 * 28, "{one:?}");
    let split = bounded(2).strict_bound(true);
    let split = split.explore(common::lastzero(4)).unwrap();
    assert!(split.complete && runs(&split) > runs(&one), "{split:?}");
}

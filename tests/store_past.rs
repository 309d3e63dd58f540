//! A read (load, read-modify-write, compare-exchange) whose thread has no atomic store to
//! another location in its causal past reads a store older than the latest only if that
//! store's own past holds a store to another location (the initial value counts as a store
//! with an empty past: `runtime/store_past.rs`). Otherwise that graph is the one where the
//! read runs before the newer stores, which DPOR explores anyway. Likewise a store whose
//! thread has no store to another location in its past goes before no store that was read
//! or that it does not commute with. The first tests count the executions this saves; the
//! others are programs where a store reaches a load's past (or the past of the store it
//! reads) by a path other than program order (a store read, a spawn, a join, a failed
//! `try_lock`, a reference-count query): if that path were not followed, the load would
//! skip a store it may read, and an outcome would be lost. Two tests show the cone's skip
//! beside this rule (`runtime/early_reads.rs`), and that a preemption bound turns it off.
#![cfg(feature = "permute")]

mod common;

use std::collections::BTreeSet;

use common::{outcome_set, outcome_set_with};
use weft::sync::atomic::{fence, AtomicU64, Ordering::Relaxed, Ordering::SeqCst};
use weft::sync::{Arc, Mutex};
use weft::{thread, Builder};

/// Locations `x` and `y` (0), and a thread that stores 1 to `x`, then to `y` (Relaxed).
fn x_then_y() -> (Arc<AtomicU64>, Arc<AtomicU64>, thread::JoinHandle<()>) {
    let (x, y) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let writer = two_stores_in_a_thread((&x, 1), (&y, 1));
    (x, y, writer)
}

/// A thread that stores a value to a location, then another (Relaxed).
fn two_stores_in_a_thread(
    (a, one): (&Arc<AtomicU64>, u64),
    (b, two): (&Arc<AtomicU64>, u64),
) -> thread::JoinHandle<()> {
    let (a, b) = (a.clone(), b.clone());
    thread::spawn(move || {
        a.store(one, Relaxed);
        b.store(two, Relaxed);
    })
}

/// A thread that loads `x` (Relaxed) and returns what it read.
fn load_in_a_thread(x: &Arc<AtomicU64>) -> thread::JoinHandle<u64> {
    let x = x.clone();
    thread::spawn(move || x.load(Relaxed))
}

/// A thread that stores `value` to `x` (Relaxed).
fn store_in_a_thread(x: &Arc<AtomicU64>, value: u64) -> thread::JoinHandle<()> {
    let x = x.clone();
    thread::spawn(move || x.store(value, Relaxed))
}

/// What `read(x, y)` returns in the main thread beside a thread that stores 1 to `x`
/// (Relaxed), both locations starting at 0, and the executions explored.
fn read_beside_a_store<T: Ord + Send + 'static>(
    read: fn(&AtomicU64, &AtomicU64) -> T,
) -> (BTreeSet<T>, u64) {
    read_beside_a_store_with(Builder::new(), read)
}

/// `read_beside_a_store` with `builder`'s settings.
fn read_beside_a_store_with<T: Ord + Send + 'static>(
    builder: Builder,
    read: fn(&AtomicU64, &AtomicU64) -> T,
) -> (BTreeSet<T>, u64) {
    outcome_set_with(builder, move |seen| {
        let (x, y) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let writer = store_in_a_thread(&x, 1);
        let value = read(&x, &y);
        writer.join().unwrap();
        seen(value);
    })
}

#[test]
fn a_load_with_no_store_in_its_past_skips_the_initial_value_once_a_store_ran() {
    let (seen, executions) = read_beside_a_store(|x, _| x.load(Relaxed));
    assert_eq!(seen, BTreeSet::from([0, 1]));
    assert_eq!(
        executions, 2,
        "the load before the store, and after it reading it (3 without the skip)"
    );
}

#[test]
fn a_load_with_no_store_in_its_past_skips_older_stores_with_none_in_theirs() {
    let (seen, executions) = outcome_set(|seen| {
        let x = Arc::new(AtomicU64::new(0));
        let writers: Vec<_> = [1, 2].map(|value| store_in_a_thread(&x, value)).into();
        let read = x.load(Relaxed);
        writers.into_iter().for_each(|w| w.join().unwrap());
        seen((read, x.load(Relaxed)));
    });
    assert_eq!(
        seen.len(),
        6,
        "each value read, either store last: {seen:?}"
    );
    // 6 graphs: 16 executions with no skip, 10 skipping only the initial value, 8 once the
    // load skipped a store older than the latest whose past holds no store either; now a
    // store is not placed before one the load took either.
    assert_eq!(executions, 6);
}

#[test]
fn a_failed_compare_exchange_skips_the_initial_value_as_a_load_does() {
    let (seen, executions) = read_beside_a_store(|x, _| x.compare_exchange(5, 6, Relaxed, Relaxed));
    assert_eq!(seen, BTreeSet::from([Err(0), Err(1)]));
    assert_eq!(executions, 2, "3 without the skip");
}

#[test]
fn a_read_modify_write_skips_older_stores_as_a_load_does() {
    let (seen, executions) = outcome_set(|seen| {
        let x = Arc::new(AtomicU64::new(0));
        let writer = store_in_a_thread(&x, 5);
        let old = x.fetch_add(1, Relaxed);
        writer.join().unwrap();
        seen((old, x.load(Relaxed)));
    });
    assert_eq!(seen, BTreeSet::from([(0, 5), (5, 6)]));
    // After the store, it reads 5 only: reading 0 there (and going right after it, before
    // the 5) is the graph where it runs first.
    assert_eq!(executions, 2, "3 without the skip");
}

#[test]
fn a_load_with_a_store_in_its_past_skips_the_initial_value_only_by_its_cone() {
    let (seen, executions) = read_beside_a_store(|x, z| {
        z.store(1, Relaxed);
        x.load(Relaxed)
    });
    assert_eq!(seen, BTreeSet::from([0, 1]));
    // The store to `z` keeps this rule from skipping (store buffering needs such reads,
    // each load after the other thread's store), but `x.store(1)` is outside the load's
    // cone, so reading 0 after it is the graph where the load runs first
    // (`runtime/early_reads.rs`).
    assert_eq!(executions, 2, "3 without the cone's skip");
}

/// Under a preemption bound the cone's skip is off: running a load earlier may take a
/// preemption more than the bound allows. The outcome is what the load read and whether
/// `x.store(1)` had run (a flag outside the model, set in the store's step).
#[test]
fn under_a_preemption_bound_a_load_reads_the_initial_value_after_a_store() {
    let reads = |builder: Builder| {
        outcome_set_with(builder, |seen| {
            let (x, z) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
            let stored = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let writer = {
                let (x, stored) = (x.clone(), stored.clone());
                thread::spawn(move || {
                    x.store(1, Relaxed);
                    stored.store(true, std::sync::atomic::Ordering::Relaxed);
                })
            };
            z.store(1, Relaxed);
            let value = x.load(Relaxed);
            seen((value, stored.load(std::sync::atomic::Ordering::Relaxed)));
            writer.join().unwrap();
        })
        .0
    };
    let (before, after) = ((0, false), (1, true));
    assert_eq!(reads(Builder::new()), BTreeSet::from([before, after]));
    let bounded = reads(Builder::new().preemption_bound(3));
    assert_eq!(bounded, BTreeSet::from([before, (0, true), after]));
}

/// `T1: x.store(1); x.load()`, `T2: x.store(2)`: T1's load has only its own location's
/// store in its past, so once `x.store(2)` ran after `x.store(1)`, reading 1 repeats the
/// graph where the load runs before `x.store(2)`. Stores to one location keep their reads
/// in coherence order, so such reads cannot close a cycle of moves; a store to another
/// location in the past (store buffering, above) can. And `x.store(2)`, run after the load
/// took 1, is not placed before that 1: that is the graph where it runs before the load.
#[test]
fn a_load_with_only_its_own_locations_stores_in_its_past_skips_too() {
    let (seen, executions) = outcome_set(|seen| {
        let x = Arc::new(AtomicU64::new(0));
        let other = store_in_a_thread(&x, 2);
        x.store(1, Relaxed);
        let read = x.load(Relaxed);
        other.join().unwrap();
        seen((read, x.load(Relaxed)));
    });
    // 1 then 2 in modification order: the load reads 1 or 2; 2 then 1: it reads 1.
    assert_eq!(seen, BTreeSet::from([(1, 1), (1, 2), (2, 2)]));
    assert_eq!(
        executions, 3,
        "one per graph (4 while `x.store(2)` went before the 1 the load took; 5 without the \
         skip: once more reading 1 after 2 was placed last)"
    );
}

/// The same program with `y.store(1)` before `x.store(2)`: with a store to another location
/// in its past, `x.store(2)` may still go before the 1 the load took (a cycle of moves
/// through `y` could need it), so the graph where it does comes twice.
#[test]
fn a_store_with_another_location_in_its_past_still_goes_before_a_store_read() {
    let (seen, executions) = outcome_set(|seen| {
        let (x, y) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let other = two_stores_in_a_thread((&y, 1), (&x, 2));
        x.store(1, Relaxed);
        let read = x.load(Relaxed);
        other.join().unwrap();
        seen((read, x.load(Relaxed)));
    });
    assert_eq!(seen, BTreeSet::from([(1, 1), (1, 2), (2, 2)]));
    assert_eq!(
        executions, 4,
        "3 if `x.store(2)` kept after the 1 the load took"
    );
}

/// Two SeqCst stores do not commute in DPOR, so both orders run; once a Relaxed access made
/// the execution mixed, the second could also go before the first in modification order,
/// which is the graph of the other order. A store with no store to another location in its
/// past goes before no store it does not commute with.
#[test]
fn a_seqcst_store_goes_before_no_store_it_does_not_commute_with() {
    let (seen, executions) = outcome_set(|seen| {
        let (x, y) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        y.load(Relaxed);
        let stores: Vec<_> = [1, 2]
            .map(|value| {
                let x = x.clone();
                thread::spawn(move || x.store(value, SeqCst))
            })
            .into();
        stores.into_iter().for_each(|s| s.join().unwrap());
        seen(x.load(Relaxed));
    });
    assert_eq!(seen, BTreeSet::from([1, 2]));
    assert_eq!(
        executions, 2,
        "4 while the second store could go before the first"
    );
}

/// A SeqCst fence is no store and orders nothing an interleaving keeps: a load after one,
/// with no store in its thread's past, still skips the initial value once `x.store(1)` ran.
#[test]
fn a_seqcst_fence_adds_no_store_to_the_past() {
    let (seen, executions) = read_beside_a_store(|x, _| {
        fence(SeqCst);
        x.load(Relaxed)
    });
    assert_eq!(seen, BTreeSet::from([0, 1]));
    assert_eq!(executions, 2, "3 if the fence counted as a store");
}

/// A SeqCst load skips as any other does: the SeqCst order it joins is checked on the
/// execution graph, which running the load before the store does not change. (While every
/// access is SeqCst, a SeqCst load reads the latest store anyway; the Relaxed store here
/// lets it read older ones.)
#[test]
fn a_seqcst_load_with_no_store_in_its_past_skips_the_initial_value() {
    let (seen, executions) = read_beside_a_store(|x, _| x.load(SeqCst));
    assert_eq!(seen, BTreeSet::from([0, 1]));
    assert_eq!(executions, 2, "3 while SeqCst loads did not skip");
}

/// A SeqCst load that reads the initial value brings no store into its thread's past, so a
/// later load there still skips.
#[test]
fn a_seqcst_load_of_the_initial_value_adds_no_store_to_the_past() {
    let (seen, executions) = read_beside_a_store(|x, y| (y.load(SeqCst), x.load(Relaxed)));
    assert_eq!(seen, BTreeSet::from([(0, 0), (0, 1)]));
    assert_eq!(executions, 2, "3 while a SeqCst load counted as any store");
}

/// The outcomes of `T0: a = y.load(); b = write_x(x)`, `T1: x.store(1); y.store(1)`, `T2: c =
/// x.load()`: `(a, b, c, x at the end)`.
fn after_reading_y(write_x: fn(&AtomicU64) -> u64) -> BTreeSet<(u64, u64, u64, u64)> {
    let (seen, _) = outcome_set(move |seen| {
        let (x, y, t1) = x_then_y();
        let t0 = {
            let (x, y) = (x.clone(), y.clone());
            thread::spawn(move || (y.load(Relaxed), write_x(&x)))
        };
        let t2 = load_in_a_thread(&x);
        let (a, b) = t0.join().unwrap();
        t1.join().unwrap();
        let c = t2.join().unwrap();
        seen((a, b, c, x.load(Relaxed)));
    });
    seen
}

/// `T0: y.load(); x.compare_exchange(0, 3)`, `T1: x.store(1); y.store(1)`, `T2: x.load()`:
/// T2 reading 3 while `x` ends 1 needs T2's load after `x.store(1)`, which precedes it
/// through the store it reads. Skipping every stale value of a load with no store in its
/// past (not only the initial one) lost this outcome; RC11 allows 10 outcomes here
/// (`tools/rc11/differential.py`, seed 605, program 6221).
#[test]
fn a_store_read_brings_its_own_past_along() {
    let seen = after_reading_y(|x| match x.compare_exchange(0, 3, Relaxed, Relaxed) {
        Ok(old) => old,
        Err(actual) => 100 + actual,
    });
    assert!(seen.contains(&(1, 0, 3, 1)), "{seen:?}");
    assert_eq!(seen.len(), 10, "RC11's outcomes: {seen:?}");
}

/// The same with a plain store, `T0: y.load(); x.store(3)`: `x.store(3)` has `x.store(1)`
/// in its past when T0 read `y == 1`, so T2 may read it after `x.store(1)` ran.
#[test]
fn a_stored_value_keeps_the_past_of_its_writer() {
    let seen = after_reading_y(|x| {
        x.store(3, Relaxed);
        3
    });
    assert!(seen.contains(&(1, 3, 3, 1)), "{seen:?}");
}

/// `T1: x.store(1); y.store(1)`; main reads `y == 1` (Relaxed: no synchronisation), then
/// spawns a thread that loads `x`: it may read 0, after `x.store(1)` ran.
#[test]
fn a_spawned_thread_inherits_its_parents_past() {
    let (seen, _) = outcome_set(|seen| {
        let (x, y, writer) = x_then_y();
        let child = (y.load(Relaxed) == 1).then(|| {
            let x = x.clone();
            thread::spawn(move || x.load(Relaxed))
        });
        let read = child.map(|child| child.join().unwrap());
        writer.join().unwrap();
        seen(read);
    });
    assert_eq!(seen, BTreeSet::from([None, Some(0), Some(1)]));
}

/// `T1: x.store(1); y.store(1)`, `T2: y.load()`; main joins T2 alone and loads `x`: after
/// T2 read 1 (Relaxed), main may still read 0.
#[test]
fn a_join_brings_the_joined_threads_past() {
    let (seen, _) = outcome_set(|seen| {
        let (x, y, writer) = x_then_y();
        let reader = {
            let y = y.clone();
            thread::spawn(move || y.load(Relaxed))
        };
        let saw = reader.join().unwrap();
        let read = x.load(Relaxed);
        writer.join().unwrap();
        seen((saw, read));
    });
    assert!(seen.contains(&(1, 0)), "{seen:?}");
    assert_eq!(seen.len(), 4, "{seen:?}");
}

/// `T1: x.store(1); lock; unlock`, `T2: try_lock; x.load()`: a failed `try_lock` saw T1
/// holding the lock, after its store, and does not synchronise, so T2 may read 0.
#[test]
fn a_failed_try_lock_brings_the_holders_past() {
    let (seen, _) = outcome_set(|seen| {
        let x = Arc::new(AtomicU64::new(0));
        let m = Arc::new(Mutex::new(()));
        let holder = {
            let (x, m) = (x.clone(), m.clone());
            thread::spawn(move || {
                x.store(1, Relaxed);
                drop(m.lock().unwrap());
            })
        };
        let prober = {
            let (x, m) = (x.clone(), m.clone());
            thread::spawn(move || {
                let failed = m.try_lock().is_err();
                (failed, x.load(Relaxed))
            })
        };
        holder.join().unwrap();
        seen(prober.join().unwrap());
    });
    assert!(seen.contains(&(true, 0)), "{seen:?}");
    assert_eq!(seen.len(), 4, "{seen:?}");
}

/// `T1: x.store(1); drop(its Arc)`, `T2: strong_count; x.load()`: a count that saw T1's
/// drop does not synchronise with it, so T2 may read 0.
#[test]
fn a_reference_count_query_brings_the_droppers_past() {
    let (seen, _) = outcome_set(|seen| {
        let x = Arc::new(AtomicU64::new(0));
        let shared = Arc::new(());
        let dropper = {
            let (x, mine) = (x.clone(), shared.clone());
            thread::spawn(move || {
                x.store(1, Relaxed);
                drop(mine);
            })
        };
        let counter = {
            let (x, mine) = (x.clone(), shared.clone());
            thread::spawn(move || (Arc::strong_count(&mine), x.load(Relaxed)))
        };
        dropper.join().unwrap();
        seen(counter.join().unwrap());
    });
    assert!(seen.contains(&(2, 0)), "{seen:?}");
    assert_eq!(seen.len(), 4, "{seen:?}");
}

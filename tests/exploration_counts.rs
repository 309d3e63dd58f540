//! DPOR explores exactly one complete execution per Mazurkiewicz trace on the programs whose
//! trace counts BENCHMARKS.md gives.
#![cfg(feature = "permute")]

mod common;

use weft::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use weft::sync::{Arc, Mutex};
use weft::{thread, Builder};

fn explore(model: impl Fn() + Send + Sync + 'static) -> weft::Stats {
    let stats = Builder::new()
        .explore(model)
        .expect("the benchmark programs are correct");
    assert!(stats.complete, "the whole space was explored");
    stats
}

#[test]
fn ainc_explores_n_factorial() {
    assert_eq!(explore(common::ainc(1)).executions, 1);
    assert_eq!(explore(common::ainc(2)).executions, 2);
    assert_eq!(explore(common::ainc(3)).executions, 6);
    assert_eq!(explore(common::ainc(4)).executions, 24);
}

#[test]
fn readers_explores_two_to_the_n() {
    for (n, traces) in [(1, 2), (2, 4), (3, 8), (4, 16)] {
        let stats = explore(common::readers(n));
        assert_eq!(stats.executions, traces, "readers({n})");
    }
}

#[test]
fn lastzero_explores_its_trace_counts() {
    for (n, traces) in [(1, 2), (2, 5), (3, 12), (4, 28)] {
        let stats = explore(common::lastzero(n));
        eprintln!("lastzero({n}): {stats:?}");
        assert_eq!(stats.executions, traces, "lastzero({n})");
    }
}

/// lost_update(n): n threads each increment one counter by a `load`, then a `store`.
fn lost_update(n: usize) -> impl Fn() + Send + Sync + 'static {
    move || {
        let x = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let x = x.clone();
                thread::spawn(move || {
                    let v = x.load(SeqCst);
                    x.store(v + 1, SeqCst);
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert!((1..=n).contains(&x.load(SeqCst)));
    }
}

/// mutex_counter(n): n threads each lock one mutex and increment the counter it guards.
fn mutex_counter(n: usize) -> impl Fn() + Send + Sync + 'static {
    move || {
        let counter = Arc::new(Mutex::new(0usize));
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let counter = counter.clone();
                thread::spawn(move || *counter.lock().unwrap() += 1)
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(*counter.lock().unwrap(), n);
    }
}

/// indexer(n) of BENCHMARKS.md: n threads insert 4 keys each into a 128-slot table of
/// mutexes, probing linearly from slot 7·w mod 128; keys collide only from n = 12 on.
fn indexer(n: usize) -> impl Fn() + Send + Sync + 'static {
    move || {
        let table: Arc<Vec<Mutex<usize>>> = Arc::new((0..128).map(|_| Mutex::new(0)).collect());
        let handles: Vec<_> = (0..n)
            .map(|tid| {
                let table = table.clone();
                thread::spawn(move || {
                    for m in 1..=4 {
                        let w = 11 * m + tid;
                        let mut h = (7 * w) % 128;
                        loop {
                            let mut slot = table[h].lock().unwrap();
                            if *slot == 0 {
                                *slot = w;
                                break;
                            }
                            drop(slot);
                            h = (h + 1) % 128;
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    }
}

#[test]
fn the_other_benchmark_programs_explore_their_trace_counts() {
    // Loads commute with each other, stores do not, and each load precedes its own store.
    // n = 2: the stores in either order; the first store's own load precedes it, and the
    // other thread's load goes before or after it: 2 · 2 = 4. n = 3: 36 (the count the
    // benchmark suite records).
    for (n, traces) in [(2, 4), (3, 36)] {
        let stats = explore(lost_update(n));
        assert_eq!(
            (stats.executions, stats.blocked),
            (traces, 0),
            "lost_update({n})"
        );
    }
    // The critical sections in every order: n!.
    for (n, traces) in [(2, 2), (3, 6), (4, 24)] {
        let stats = explore(mutex_counter(n));
        assert_eq!(
            (stats.executions, stats.blocked),
            (traces, 0),
            "mutex_counter({n})"
        );
    }
    // No two keys meet below 12 threads; at 12, 3 slots are contended by 2 threads each.
    for (n, traces) in [(4, 1), (11, 1), (12, 8)] {
        let stats = explore(indexer(n));
        assert_eq!(
            (stats.executions, stats.blocked),
            (traces, 0),
            "indexer({n})"
        );
    }
}

#[test]
fn no_sleep_set_blocked_runs_on_lastzero() {
    // (N+3)·2^(N-2) traces; source-DPOR also ran 532 blocked executions on lastzero(8).
    for (n, traces) in [(4, 28), (6, 144)] {
        let stats = explore(common::lastzero(n));
        assert_eq!(
            (stats.executions, stats.blocked),
            (traces, 0),
            "lastzero({n})"
        );
    }
}

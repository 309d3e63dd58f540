//! DPOR explores exactly one complete execution per Mazurkiewicz trace on the programs whose
//! trace counts BENCHMARKS.md gives.
#![cfg(feature = "permute")]

mod common;

use weft::Builder;

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

/// The benchmark suite's programs (`benches/src/programs.rs`, written against a runtime
/// alias), here on weft with its modelled `Arc`.
#[allow(dead_code)]
mod programs {
    use weft as rt;
    use weft::sync::Arc;
    include!("../benches/src/programs.rs");
}

use programs::{indexer, lost_update, mutex_counter, rwlock, Program};

/// Asserts that exploring `program` runs exactly `traces` complete executions and no
/// sleep-set-blocked one.
fn one_per_trace(program: Program, traces: u64, name: &str) {
    let stats = explore(program);
    assert_eq!((stats.executions, stats.blocked), (traces, 0), "{name}");
}

#[test]
fn the_other_benchmark_programs_explore_their_trace_counts() {
    // Loads commute with each other, stores do not, and each load precedes its own store.
    // n = 2: the stores in either order; the first store's own load precedes it, and the
    // other thread's load goes before or after it: 2 · 2 = 4. n = 3: 36 (the count the
    // benchmark suite records).
    for (n, traces) in [(2, 4), (3, 36)] {
        one_per_trace(lost_update(n), traces, &format!("lost_update({n})"));
    }
    // The critical sections in every order: n!.
    for (n, traces) in [(2, 2), (3, 6), (4, 24)] {
        one_per_trace(mutex_counter(n), traces, &format!("mutex_counter({n})"));
    }
    // The writers in either order, each reader before, between or after them: 2 · 3^n.
    for (n, traces) in [(1, 6), (2, 18), (3, 54)] {
        one_per_trace(rwlock(n), traces, &format!("rwlock({n})"));
    }
    // No two keys meet below 12 threads; at 12, 3 slots are contended by 2 threads each.
    for (n, traces) in [(4, 1), (11, 1), (12, 8)] {
        one_per_trace(indexer(n), traces, &format!("indexer({n})"));
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

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

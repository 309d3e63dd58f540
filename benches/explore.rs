//! Exploration throughput: for each program of BENCHMARKS.md, the executions one exhaustive
//! exploration takes and how many executions per second weft runs; rows named `/pbN` run
//! under `preemption_bound(N)` (their `blocked` column counts the runs cut as repeats).
//!
//! `cargo bench --features permute --bench explore [-- NAME...]` (release build). Each
//! exploration is repeated until `WEFT_BENCH_SECONDS` (default 1) have passed, so small
//! programs get stable rates; names given on the command line select programs by substring.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

fn measure(name: &str, model: impl Fn() + Send + Sync + 'static) {
    measure_bounded(name, None, model)
}

fn measure_bounded(name: &str, bound: Option<usize>, model: impl Fn() + Send + Sync + 'static) {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
        return;
    }
    let seconds: f64 = std::env::var("WEFT_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let model = Arc::new(model);
    let mut runs = 0u32;
    let mut executions = 0u64;
    let mut blocked = 0u64;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs_f64(seconds) || runs == 0 {
        let shared = model.clone();
        let builder = weft::Builder::new().jobs(1);
        let builder = match bound {
            Some(bound) => builder.preemption_bound(bound),
            None => builder,
        };
        let stats = builder
            .explore(move || shared())
            .expect("benchmark programs are correct");
        assert!(stats.complete);
        runs += 1;
        executions = stats.executions;
        blocked = stats.blocked;
    }
    let elapsed = started.elapsed();
    let per_exploration = elapsed / runs;
    let rate = (executions + blocked) as f64 * f64::from(runs) / elapsed.as_secs_f64();
    println!(
        "{name:<14} {executions:>9} {blocked:>8} {:>14.3} ms {rate:>14.0}",
        per_exploration.as_secs_f64() * 1e3
    );
}

/// Store buffering around a ring of `n` threads with SeqCst fences (weak memory, RC11's
/// SeqCst order checked at every stale read): thread `i` stores to `x[i]`, fences, and
/// loads `x[i + 1]`, all Relaxed; not every load may read 0.
fn fenced_ring(n: usize) -> impl Fn() + Send + Sync + 'static {
    use weft::sync::atomic::{fence, AtomicUsize, Ordering::*};
    move || {
        let x: Arc<Vec<AtomicUsize>> = Arc::new((0..n).map(|_| AtomicUsize::new(0)).collect());
        let threads: Vec<_> = (0..n)
            .map(|i| {
                let x = x.clone();
                weft::thread::spawn(move || {
                    x[i].store(1, Relaxed);
                    fence(SeqCst);
                    x[(i + 1) % n].load(Relaxed)
                })
            })
            .collect();
        let seen: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
        assert!(seen > 0, "SeqCst fences forbid every load reading 0");
    }
}

fn main() {
    println!(
        "{:<14} {:>9} {:>8} {:>17} {:>14}",
        "program", "executions", "blocked", "per exploration", "executions/s"
    );
    measure("ainc(3)", common::ainc(3));
    measure("readers(3)", common::readers(3));
    measure("lastzero(4)", common::lastzero(4));
    measure("ainc(6)", common::ainc(6));
    measure("readers(10)", common::readers(10));
    measure("lastzero(8)", common::lastzero(8));
    measure("fenced_ring(3)", fenced_ring(3));
    measure("fenced_ring(4)", fenced_ring(4));
    measure_bounded("readers(4)/pb2", Some(2), common::readers(4));
    measure_bounded("lastzero(4)/pb1", Some(1), common::lastzero(4));
    measure_bounded("lastzero(4)/pb2", Some(2), common::lastzero(4));
    measure_bounded("lastzero(5)/pb2", Some(2), common::lastzero(5));
}

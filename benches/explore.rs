//! Exploration throughput: for each program of BENCHMARKS.md, the executions one exhaustive
//! exploration takes and how many executions per second weft runs; rows named `/pbN` run
//! under `preemption_bound(N)` (their `blocked` column counts the runs cut as repeats), with
//! the unbounded exploration alongside on the same thread (`jobs(1)`), `/pbN 2 threads` with
//! the workers left to weft (past 2,000 runs the two sides go on on two threads), and
//! `/pbN strict` with `strict_bound(true)`.
//!
//! `cargo bench --features permute --bench explore [-- NAME...]` (release build). Each
//! exploration is repeated until `WEFT_BENCH_SECONDS` (default 1) have passed, so small
//! programs get stable rates; names given on the command line select programs by substring
//! (`'lastzero(8)$'`: that name alone, without its `/pbN` rows).

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

fn measure(name: &str, model: impl Fn() + Send + Sync + 'static) {
    measure_bounded(name, None, model)
}

/// A bounded row: the program's name, the bound, the model.
type Row = (&'static str, usize, Box<dyn Fn() + Send + Sync>);

/// How a bounded row explores.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Raced on one thread (`jobs(1)`).
    Raced,
    /// Raced on two threads (the number of workers left to weft).
    TwoThreads,
    /// `strict_bound(true)`.
    Strict,
}

/// `bound`: the preemption bound, and how the row explores with it.
fn measure_bounded(
    name: &str,
    bound: Option<(usize, Mode)>,
    model: impl Fn() + Send + Sync + 'static,
) {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let selects = |filter: &String| match filter.strip_suffix('$') {
        Some(exact) => name == exact,
        None => name.contains(filter.as_str()),
    };
    if !filters.is_empty() && !filters.iter().any(selects) {
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
        let builder = match bound {
            Some((bound, mode)) => {
                let builder = weft::Builder::new().preemption_bound(bound);
                match mode {
                    Mode::Raced => builder.jobs(1),
                    Mode::TwoThreads => builder,
                    Mode::Strict => builder.jobs(1).strict_bound(true),
                }
            }
            None => weft::Builder::new().jobs(1),
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

/// `threads` threads that each add 1 to one atomic `each` times: C(threads·each, each, ...)
/// traces (12,870 for 2 threads of 8), of which few need no more than a preemption or two.
/// The program where a bound pays.
fn adds(threads: usize, each: usize) -> impl Fn() + Send + Sync + 'static {
    use weft::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    move || {
        let x = Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let x = x.clone();
                weft::thread::spawn(move || {
                    for _ in 0..each {
                        x.fetch_add(1, SeqCst);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        assert_eq!(x.load(SeqCst), threads * each);
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
    for (mode, suffix) in [(Mode::Raced, ""), (Mode::Strict, " strict")] {
        let rows: [Row; 7] = [
            ("readers(4)", 2, Box::new(common::readers(4))),
            ("lastzero(4)", 1, Box::new(common::lastzero(4))),
            ("lastzero(4)", 2, Box::new(common::lastzero(4))),
            ("lastzero(5)", 2, Box::new(common::lastzero(5))),
            ("readers(8)", 1, Box::new(common::readers(8))),
            ("adds(2,8)", 2, Box::new(adds(2, 8))),
            ("adds(3,4)", 2, Box::new(adds(3, 4))),
        ];
        for (program, bound, model) in rows {
            let name = format!("{program}/pb{bound}{suffix}");
            measure_bounded(&name, Some((bound, mode)), model);
        }
    }
    // Without the race, 24.7 s.
    measure_bounded(
        "lastzero(8)/pb1",
        Some((1, Mode::Raced)),
        common::lastzero(8),
    );
    // Races that outgrow 2,000 runs, on one thread and (by default) on two.
    for (mode, suffix) in [(Mode::Raced, ""), (Mode::TwoThreads, " 2 threads")] {
        let rows: [Row; 3] = [
            ("lastzero(10)", 1, Box::new(common::lastzero(10))),
            ("readers(12)", 1, Box::new(common::readers(12))),
            ("adds(3,5)", 2, Box::new(adds(3, 5))),
        ];
        for (program, bound, model) in rows {
            let name = format!("{program}/pb{bound}{suffix}");
            measure_bounded(&name, Some((bound, mode)), model);
        }
    }
    measure("adds(2,8)", adds(2, 8));
    measure("adds(3,4)", adds(3, 4));
    measure("adds(3,5)", adds(3, 5));
}

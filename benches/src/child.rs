//! One side of one row, run in a child process so that the parent can stop it at the time
//! budget: explores one program on weft or on loom and prints what it measured.
//!
//! Output lines (stdout): `progress EXECUTIONS NANOS` about once a second while loom runs,
//! then `done EXECUTIONS BLOCKED NANOS PEAK_KIB` with the counts of one exhaustive
//! exploration, the wall time of one exploration, averaged over repetitions until
//! `WEFT_BENCH_SECONDS` (default 0.5) have passed, so small programs get stable times, and
//! the child's peak resident memory (`VmHWM`, KiB). With `WEFT_BENCH_RUNS=N` a weft child
//! runs exactly N explorations instead, whatever the time: under callgrind, the difference
//! between N and 1 runs is the steady-state cost of N - 1 explorations, without the process
//! start and the first exploration's stack mapping.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::{on_weft, Spec};

/// Executions loom has started in this process: incremented once per call of the model
/// closure, which loom makes once per execution.
static LOOM_EXECUTIONS: AtomicU64 = AtomicU64::new(0);

fn min_seconds() -> Duration {
    let seconds: f64 = std::env::var("WEFT_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.5);
    Duration::from_secs_f64(seconds)
}

/// `WEFT_BENCH_BOUND`: the preemption bound both checkers explore with, if set
/// (`Builder::preemption_bound` for weft, loom's `preemption_bound`).
fn bound() -> Option<usize> {
    std::env::var("WEFT_BENCH_BOUND").ok()?.parse().ok()
}

/// `WEFT_BENCH_RUNS`: a fixed number of explorations, if set.
fn fixed_runs() -> Option<u32> {
    std::env::var("WEFT_BENCH_RUNS").ok()?.parse().ok()
}

/// Explores `spec` on `checker` ("weft" or "loom") and prints the result lines.
pub fn run(checker: &str, spec: &Spec) {
    match checker {
        "weft" => run_weft(spec),
        "loom" => run_loom(spec),
        other => panic!("unknown checker {other}"),
    }
}

fn run_weft(spec: &Spec) {
    let program: Arc<on_weft::Program> = Arc::new((spec.weft)(spec.n));
    let (mut runs, mut executions, mut blocked) = (0u32, 0, 0);
    let started = Instant::now();
    let fixed = fixed_runs();
    let more = |runs: u32| match fixed {
        Some(n) => runs < n.max(1),
        None => runs == 0 || started.elapsed() < min_seconds(),
    };
    while more(runs) {
        let program = program.clone();
        let mut builder = weft::Builder::new().jobs(1);
        if let Some(bound) = bound() {
            builder = builder.preemption_bound(bound);
        }
        let stats = match builder.explore(move || program()) {
            Ok(stats) => stats,
            Err(failure) => {
                println!("failed {:?}", failure.kind());
                eprintln!("{failure}");
                std::process::exit(1);
            }
        };
        if !stats.complete {
            println!("failed incomplete");
            std::process::exit(1);
        }
        (executions, blocked) = (stats.executions, stats.blocked);
        runs += 1;
    }
    let nanos = started.elapsed().as_nanos() / u128::from(runs);
    println!("done {executions} {blocked} {nanos} {}", peak_kib());
}

/// This process's peak resident memory so far (`VmHWM` in `/proc/self/status`), in KiB; 0
/// where that file does not exist.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn run_loom(spec: &Spec) {
    let started = Instant::now();
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_secs(1));
        let executions = LOOM_EXECUTIONS.load(Relaxed);
        println!("progress {executions} {}", started.elapsed().as_nanos());
    });
    let (mut runs, mut executions) = (0u64, 0);
    while runs == 0 || started.elapsed() < min_seconds() {
        let program = (spec.loom)(spec.n);
        let before = LOOM_EXECUTIONS.load(Relaxed);
        let mut builder = loom::model::Builder::new();
        builder.preemption_bound = bound();
        builder.check(move || {
            LOOM_EXECUTIONS.fetch_add(1, Relaxed);
            program();
        });
        executions = LOOM_EXECUTIONS.load(Relaxed) - before;
        runs += 1;
    }
    let nanos = started.elapsed().as_nanos() / u128::from(runs);
    println!("done {executions} 0 {nanos} {}", peak_kib());
}

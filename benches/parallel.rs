//! Parallel exploration and sharding (`Builder::jobs`, `Builder::shard`): for large
//! programs of BENCHMARKS.md, the wall time of one exhaustive exploration on one worker
//! without the split, on one worker with it, and on `WEFT_BENCH_JOBS` (default 2) workers;
//! then how evenly `n` shards divide the executions, their blocked runs and the slowest
//! shard's wall time (shortest of `WEFT_BENCH_REPEAT`), and the peak resident memory of one
//! exploration with one worker and with all of them (each in a child process of its own).
//! The three timed explorations are run in turn, `WEFT_BENCH_REPEAT` times (default 10),
//! and each keeps its shortest and its median time; the speedup is given for both. On a
//! virtual machine whose cores change speed from one moment to the next (on this one, the
//! same loop of plain arithmetic takes 2.6 to 6.9 ms), the shortest time of one worker may
//! come from a fast moment that two busy workers never see together; the median is the
//! steadier figure.
//!
//! `cargo bench --features permute --bench parallel [-- NAME...]` (release build); names
//! select programs by substring, and `WEFT_BENCH_SHARDS=4,8,16` sets the shard counts
//! (default 4 and 8). Every row checks that the split explorations run exactly the
//! executions of the sequential one.

use std::sync::Arc;
use std::time::Instant;

#[allow(dead_code)]
mod programs {
    use weft as rt;
    use weft::sync::Arc;
    include!("../benches/src/programs.rs");
}

#[path = "support/peak.rs"]
mod peak;
use peak::peak_mib;

/// One exhaustive exploration: its stats and wall time.
fn explore(builder: weft::Builder, program: &Arc<programs::Program>) -> (weft::Stats, f64) {
    let started = Instant::now();
    let program = program.clone();
    let stats = builder
        .progress(false)
        .explore(move || program())
        .expect("benchmark programs are correct");
    assert!(stats.complete);
    (stats, started.elapsed().as_secs_f64())
}

/// One configuration's explorations: its stats and its shortest and median wall times.
#[derive(Clone, Debug)]
struct Timed {
    stats: weft::Stats,
    shortest: f64,
    median: f64,
}

/// The explorations of `builders`, taken in turn `WEFT_BENCH_REPEAT` times (default 10):
/// each one's stats and shortest and median wall times. Taking them in turn spreads a busy
/// machine's noise over all of them instead of one.
fn explore_in_turn(builders: &[weft::Builder], program: &Arc<programs::Program>) -> Vec<Timed> {
    let repeat: usize = std::env::var("WEFT_BENCH_REPEAT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let mut runs: Vec<(Option<weft::Stats>, Vec<f64>)> = vec![(None, Vec::new()); builders.len()];
    for _ in 0..repeat.max(1) {
        for (builder, (last, times)) in builders.iter().zip(&mut runs) {
            let (stats, time) = explore(builder.clone(), program);
            *last = Some(stats);
            times.push(time);
        }
    }
    runs.into_iter()
        .map(|(stats, mut times)| {
            times.sort_by(f64::total_cmp);
            Timed {
                stats: stats.expect("ran at least once"),
                shortest: times[0],
                median: times[times.len() / 2],
            }
        })
        .collect()
}

/// The peak resident memory of one exploration of row `name` with `jobs` workers, measured
/// in a child process of its own (this executable, `--rss NAME JOBS`), in MiB.
fn peak_in_child(name: &str, jobs: usize) -> f64 {
    let exe = std::env::current_exe().expect("own executable");
    let output = std::process::Command::new(exe)
        .args(["--rss", name, &jobs.to_string()])
        .output()
        .expect("the child runs");
    let text = String::from_utf8_lossy(&output.stdout);
    text.trim().parse().unwrap_or(f64::NAN)
}

fn main() {
    let rows: Vec<(String, Arc<programs::Program>)> = vec![
        ("lastzero(10)".into(), Arc::new(programs::lastzero(10))),
        ("readers(12)".into(), Arc::new(programs::readers(12))),
        ("indexer(13)".into(), Arc::new(programs::indexer(13))),
        // Long enough (about 0.8 s) for many shards to pay off.
        ("lastzero(12)".into(), Arc::new(programs::lastzero(12))),
    ];
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, name, jobs] = &args[..] {
        if flag == "--rss" {
            let program = &rows.iter().find(|(n, _)| n == name).expect("a row").1;
            explore(
                weft::Builder::new().jobs(jobs.parse().expect("a count")),
                program,
            );
            println!("{:.1}", peak_mib());
            return;
        }
    }
    let filters: Vec<String> = args.into_iter().filter(|a| !a.starts_with('-')).collect();
    let jobs: usize = std::env::var("WEFT_BENCH_JOBS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    // `WEFT_BENCH_SHARDS=4,8,16,32`: the shard counts of the balance columns.
    let shard_counts: Vec<u32> = std::env::var("WEFT_BENCH_SHARDS")
        .ok()
        .map(|s| {
            s.split(',')
                .map(|n| n.trim().parse().expect("shard counts"))
                .collect()
        })
        .unwrap_or(vec![4, 8]);
    let shard_columns: Vec<String> = (shard_counts.iter())
        .enumerate()
        .map(|(i, n)| match i {
            0 => format!("shards n={n}: largest/mean (each; blocked; slowest)"),
            _ => format!("n={n}: the same"),
        })
        .collect();
    println!(
        "| program | executions | 1 worker | 1 worker, split | {jobs} workers | speedup, shortest \
         / median | blocked (split) | {} | peak RSS, 1 / {jobs} workers |",
        shard_columns.join(" | ")
    );
    println!(
        "|---|---|---|---|---|---|---|{}---|",
        "---|".repeat(shard_counts.len())
    );
    for (name, program) in &rows {
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let builder = || weft::Builder::new();
        let timed = explore_in_turn(
            &[
                builder().jobs(1),
                builder().jobs(1).shard(0, 1),
                builder().jobs(jobs),
            ],
            program,
        );
        let [sequential, split, parallel] = <[_; 3]>::try_from(timed).expect("three explorations");
        let time = |t: &Timed| format!("{:.1} ({:.1}) ms", t.shortest * 1e3, t.median * 1e3);
        let speedup = format!(
            "{:.2}x / {:.2}x",
            sequential.shortest / parallel.shortest,
            sequential.median / parallel.median
        );
        let [t1, t1s, tn] = [&sequential, &split, &parallel].map(time);
        let (sequential, split, parallel) = (sequential.stats, split.stats, parallel.stats);
        assert_eq!(split.executions, sequential.executions, "{name}: split");
        // Runs, not whole `Stats`: the peak size of the wakeup trees is each worker's and
        // depends on which units it took.
        let runs = |s: &weft::Stats| (s.executions, s.blocked, s.complete);
        assert_eq!(runs(&parallel), runs(&split), "{name}: {jobs} workers");
        let mut balance = Vec::new();
        for &n in &shard_counts {
            let shard_builders: Vec<weft::Builder> =
                (0..n).map(|k| builder().jobs(1).shard(k, n)).collect();
            let runs = explore_in_turn(&shard_builders, program);
            let shards: Vec<u64> = runs.iter().map(|run| run.stats.executions).collect();
            let blocked: u64 = runs.iter().map(|run| run.stats.blocked).sum();
            let slowest = runs.iter().map(|run| run.shortest).fold(0.0, f64::max);
            assert_eq!(
                shards.iter().sum::<u64>(),
                sequential.executions,
                "{name}: {n} shards"
            );
            let mean = sequential.executions as f64 / f64::from(n);
            let largest = *shards.iter().max().unwrap() as f64;
            balance.push(format!(
                "{:.2} ({shards:?}; {blocked} blocked; slowest {:.0} ms)",
                largest / mean,
                slowest * 1e3
            ));
        }
        println!(
            "| {name} | {} | {t1} | {t1s} | {tn} | {speedup} | {} | {} | {:.1} / {:.1} MiB |",
            sequential.executions,
            split.blocked,
            balance.join(" | "),
            peak_in_child(name, 1),
            peak_in_child(name, jobs)
        );
    }
}

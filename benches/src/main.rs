//! weft and loom 0.7 side by side: the programs of BENCHMARKS.md (ainc, readers, lastzero,
//! indexer) at several sizes, the 3-thread load/store lost update and a mutex counter, each
//! explored exhaustively by both checkers in one run. Prints a Markdown table: executions
//! and wall time of one exploration for each, their ratios, and executions per second.
//!
//! `cargo run --release --manifest-path benches/Cargo.toml -- [FILTER...]` runs the rows
//! whose name contains one of the filters (all rows without one). Each side of a row runs
//! in a child process with a time budget of `WEFT_BENCH_TIMEOUT` seconds (default 60);
//! loom's exploration limits (`LOOM_MAX_PREEMPTIONS` and the like) are removed from the
//! child's environment so that loom explores exhaustively, and weft's likewise;
//! `WEFT_BENCH_BOUND=n` explores both with a preemption bound of `n` instead (weft's
//! `Builder::preemption_bound`, loom's `Builder::preemption_bound`).
//! `WEFT_BENCH_ROUNDS=k` measures each side k times, weft and loom in turn, and keeps each
//! side's fastest round.
//! loom 0.7 models at most 5 threads, main included (`MAX_THREADS`, a fixed array size in
//! its clocks); larger rows run on weft alone.

mod child;
mod table;

/// The programs written against weft, sharing through `std::sync::Arc`.
mod on_weft {
    use std::sync::Arc;
    use weft as rt;
    include!("programs.rs");
}

/// The same programs written against loom.
mod on_loom {
    use loom as rt;
    use std::sync::Arc;
    include!("programs.rs");
}

/// The programs against weft with weft's modelled `Arc` (its reference counts are events).
/// Only some of them have rows.
#[allow(dead_code)]
mod on_weft_arc {
    use weft as rt;
    use weft::sync::Arc;
    include!("programs.rs");
}

/// The same against loom with loom's modelled `Arc`.
#[allow(dead_code)]
mod on_loom_arc {
    use loom as rt;
    use loom::sync::Arc;
    include!("programs.rs");
}

/// Threads loom 0.7 can model, main included (`loom::MAX_THREADS`).
const LOOM_MAX_THREADS: usize = 5;

/// Builds a program at a size, against weft.
type WeftProgram = fn(usize) -> on_weft::Program;
/// Builds a program at a size, against loom.
type LoomProgram = fn(usize) -> on_loom::Program;

/// One row: a program at one size.
pub struct Spec {
    pub name: String,
    pub n: usize,
    /// Threads the program runs, main included.
    pub threads: usize,
    /// Mazurkiewicz traces (BENCHMARKS.md, or counted by hand where it gives none).
    pub traces: u64,
    pub weft: WeftProgram,
    pub loom: LoomProgram,
}

fn factorial(n: u64) -> u64 {
    (1..=n).product()
}

fn specs() -> Vec<Spec> {
    let mut specs = Vec::new();
    let mut add = |program: &str,
                   n: usize,
                   threads: usize,
                   traces: u64,
                   weft: WeftProgram,
                   loom: LoomProgram| {
        specs.push(Spec {
            name: format!("{program}({n})"),
            n,
            threads,
            traces,
            weft,
            loom,
        })
    };
    for n in [3, 4, 6] {
        let traces = factorial(n as u64);
        add("ainc", n, n + 1, traces, on_weft::ainc, on_loom::ainc);
    }
    for n in [2, 3, 4, 10, 12] {
        add(
            "readers",
            n,
            n + 2,
            1 << n,
            on_weft::readers,
            on_loom::readers,
        );
    }
    for n in [2, 3, 4, 8, 10, 12] {
        let traces = ((n as u64 + 3) << n) >> 2;
        add(
            "lastzero",
            n,
            n + 2,
            traces,
            on_weft::lastzero,
            on_loom::lastzero,
        );
    }
    for (n, traces) in [(4, 1), (11, 1), (12, 8), (13, 64)] {
        add(
            "indexer",
            n,
            n + 1,
            traces,
            on_weft::indexer,
            on_loom::indexer,
        );
    }
    // 36: the orders of the three stores, times where each load falls among them.
    add(
        "lost_update",
        3,
        4,
        36,
        on_weft::lost_update,
        on_loom::lost_update,
    );
    for n in [3, 4] {
        let traces = factorial(n as u64);
        add(
            "mutex_counter",
            n,
            n + 1,
            traces,
            on_weft::mutex_counter,
            on_loom::mutex_counter,
        );
    }
    // The two writers in either order, each reader before, between or after them.
    for n in [2, 4, 6] {
        add(
            "rwlock",
            n,
            n + 3,
            2 * 3u64.pow(n as u32),
            on_weft::rwlock,
            on_loom::rwlock,
        );
    }
    // With the checkers' own Arc, whose reference counts are events to both. loom's figures
    // in BENCHMARKS.md for ainc(3) with loom's Arc (6,225), the lost update (157,134) and the
    // mutex counter (not done in 580 s) match these rows, not the std-Arc ones.
    for (program, n, traces) in [
        ("ainc", 3, 6),
        ("lost_update", 3, 36),
        ("mutex_counter", 4, 24),
    ] {
        let (weft, loom): (WeftProgram, LoomProgram) = match program {
            "ainc" => (on_weft_arc::ainc, on_loom_arc::ainc),
            "lost_update" => (on_weft_arc::lost_update, on_loom_arc::lost_update),
            _ => (on_weft_arc::mutex_counter, on_loom_arc::mutex_counter),
        };
        specs.push(Spec {
            name: format!("{program}({n}), modelled Arc"),
            n,
            threads: n + 1,
            traces,
            weft,
            loom,
        });
    }
    specs
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, checker, name] = args.as_slice() {
        if flag == "--child" {
            let spec = specs().into_iter().find(|s| &s.name == name);
            child::run(checker, &spec.expect("known program"));
            return;
        }
    }
    let selected: Vec<Spec> = specs()
        .into_iter()
        .filter(|s| args.is_empty() || args.iter().any(|f| s.name.contains(f.as_str())))
        .collect();
    table::print(&selected);
}

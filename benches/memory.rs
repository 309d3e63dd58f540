//! The memory of long exhaustive explorations (`Builder::wakeup_memory`): lastzero(n) for
//! growing n, each explored once on one worker in a child process of its own (this
//! executable, `--child N`), first with the default budget for the wakeup trees, then with
//! `WEFT_WAKEUP_MEMORY` set to `WEFT_BENCH_BUDGET` (default `1M`), past which the exploration
//! goes on as source-DPOR. Each row gives the executions, the blocked runs, the trees' peak
//! (`Stats::wakeup_bytes`), whether they outgrew the budget, the wall time and the child's
//! peak resident memory (`VmHWM`, the process itself included).
//!
//! `cargo bench --features permute --bench memory [-- N...]` (release build; default n = 10
//! to 14).

#[allow(dead_code)]
mod programs {
    use weft as rt;
    use weft::sync::Arc;
    include!("../benches/src/programs.rs");
}

#[path = "support/peak.rs"]
mod peak;
use peak::peak_mib;

/// In the child: explores lastzero(n) and prints one line of figures for the parent.
fn child(n: usize) {
    let program = programs::lastzero(n);
    let started = std::time::Instant::now();
    let stats = weft::Builder::new()
        .jobs(1)
        .progress(false)
        .explore(program)
        .expect("lastzero is correct");
    assert!(stats.complete);
    println!(
        "{} {} {} {} {:.2} {:.1}",
        stats.executions,
        stats.blocked,
        stats.wakeup_bytes,
        stats.wakeup_over_budget,
        started.elapsed().as_secs_f64(),
        peak_mib()
    );
}

/// Runs the child for lastzero(n), with `WEFT_WAKEUP_MEMORY` set to `budget` if any, and
/// returns its table cells.
fn in_child(n: usize, budget: Option<&str>) -> String {
    let exe = std::env::current_exe().expect("own executable");
    let mut command = std::process::Command::new(exe);
    command.args(["--child", &n.to_string()]);
    command.env_remove("WEFT_WAKEUP_MEMORY");
    if let Some(budget) = budget {
        command.env("WEFT_WAKEUP_MEMORY", budget);
    }
    let output = command.output().expect("the child runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let cells: Vec<&str> = text.split_whitespace().collect();
    let [executions, blocked, bytes, over, seconds, peak] = cells[..] else {
        return format!("child failed: {}", String::from_utf8_lossy(&output.stderr));
    };
    let trees = bytes.parse::<f64>().unwrap_or(f64::NAN) / f64::from(1 << 20);
    let over = if over == "true" { ", over" } else { "" };
    format!("{executions} | {blocked} | {trees:.2} MiB{over} | {seconds} s | {peak} MiB")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, n] = &args[..] {
        if flag == "--child" {
            return child(n.parse().expect("a size"));
        }
    }
    let sizes: Vec<usize> = match args
        .iter()
        .filter_map(|a| a.parse().ok())
        .collect::<Vec<_>>()
    {
        sizes if sizes.is_empty() => (10..=14).collect(),
        sizes => sizes,
    };
    let budget = std::env::var("WEFT_BENCH_BUDGET").unwrap_or_else(|_| "1M".into());
    println!(
        "| program | default: executions | blocked | trees | time | peak RSS | \
         WEFT_WAKEUP_MEMORY={budget}: executions | blocked | trees | time | peak RSS |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for n in sizes {
        let free = in_child(n, None);
        let limited = in_child(n, Some(&budget));
        println!("| lastzero({n}) | {free} | {limited} |");
    }
}

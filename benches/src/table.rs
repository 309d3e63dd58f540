//! The parent side: runs each row's two children under the time budget and prints the
//! Markdown table.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::{Spec, LOOM_MAX_THREADS};

/// What one child reported.
enum Outcome {
    /// One exhaustive exploration: complete executions, blocked runs, wall time, and the
    /// child's peak resident memory in KiB.
    Done {
        executions: u64,
        blocked: u64,
        time: Duration,
        peak_kib: u64,
    },
    /// Over the budget; the executions it had started by its last progress line.
    TimedOut {
        budget: Duration,
        executions: u64,
        elapsed: Duration,
    },
    /// It failed (a panic, a weft failure, an incomplete exploration).
    Failed(String),
    /// loom cannot model this many threads.
    CannotRun,
}

/// Environment that would bound or steer an exploration: removed from the children.
const LIMITS: &[&str] = &[
    "LOOM_MAX_PREEMPTIONS",
    "LOOM_MAX_PERMUTATIONS",
    "LOOM_MAX_DURATION",
    "LOOM_CHECKPOINT_FILE",
    "WEFT_MAX_PREEMPTIONS",
    "WEFT_MAX_EXECUTIONS",
    "WEFT_MAX_DURATION",
    "WEFT_REPLAY",
];

fn budget() -> Duration {
    let seconds: f64 = std::env::var("WEFT_BENCH_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60.0);
    Duration::from_secs_f64(seconds)
}

/// Runs `checker` on `spec` in a child process, stopping it after the budget.
fn run_child(checker: &str, spec: &Spec) -> Outcome {
    let exe = std::env::current_exe().expect("own executable");
    let mut command = Command::new(exe);
    command.args(["--child", checker, &spec.name]);
    for var in LIMITS {
        command.env_remove(var);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the child");
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let reader = {
        let lines = lines.clone();
        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        })
    };
    let started = Instant::now();
    let budget = budget();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break Some(status);
        }
        if started.elapsed() > budget {
            child.kill().expect("stop the child");
            child.wait().expect("reap the child");
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    reader.join().expect("reader thread");
    let lines = lines.lock().unwrap();
    let last = |word: &str| -> Option<Vec<u128>> {
        let line = lines.iter().rev().find(|l| l.starts_with(word))?;
        Some(
            line.split(' ')
                .skip(1)
                .filter_map(|f| f.parse().ok())
                .collect(),
        )
    };
    match (status, last("done")) {
        (None, _) => {
            let progress = last("progress").unwrap_or_else(|| vec![0, 0]);
            Outcome::TimedOut {
                budget,
                executions: progress[0] as u64,
                elapsed: Duration::from_nanos(progress[1] as u64),
            }
        }
        (Some(status), Some(done)) if status.success() => Outcome::Done {
            executions: done[0] as u64,
            blocked: done[1] as u64,
            time: Duration::from_nanos(done[2] as u64),
            peak_kib: done.get(3).copied().unwrap_or(0) as u64,
        },
        (Some(status), _) => {
            let why = lines.iter().find(|l| l.starts_with("failed"));
            Outcome::Failed(why.cloned().unwrap_or_else(|| format!("failed ({status})")))
        }
    }
}

fn time(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.1} s")
    } else if s >= 0.01 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.3} ms", s * 1e3)
    }
}

/// Thousands separators, as BENCHMARKS.md writes counts.
fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One decimal for small ratios, none for large ones.
fn ratio(r: f64) -> String {
    if r < 10.0 {
        format!("{r:.1}")
    } else {
        count(r.round() as u64)
    }
}

fn rate(runs: u64, d: Duration) -> f64 {
    runs as f64 / d.as_secs_f64().max(1e-12)
}

/// Runs every row and prints the table, one line as soon as its row is measured.
pub fn print(specs: &[Spec]) {
    println!(
        "| program | traces | weft executions (blocked) | weft time | loom executions | loom time \
         | executions loom/weft | time loom/weft | weft exec/s | loom exec/s | exec/s weft/loom \
         | weft peak RSS | loom peak RSS |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for spec in specs {
        let mut weft = run_child("weft", spec);
        let mut loom = if spec.threads > LOOM_MAX_THREADS {
            Outcome::CannotRun
        } else {
            run_child("loom", spec)
        };
        for _ in 1..rounds() {
            weft = faster(weft, || run_child("weft", spec));
            loom = faster(loom, || run_child("loom", spec));
        }
        println!("{}", row(spec, &weft, &loom));
    }
}

/// `WEFT_BENCH_ROUNDS`: how many times each side of a row is measured, weft and loom in
/// turn (default 1). A row keeps each side's fastest round: on a shared machine the noise
/// only ever adds time, and taking turns exposes both sides to the same spells of it.
fn rounds() -> u32 {
    std::env::var("WEFT_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

/// The faster of `best` and another round, which runs only while every round so far
/// finished: a failure, a timeout or a side that cannot run stands.
fn faster(best: Outcome, round: impl FnOnce() -> Outcome) -> Outcome {
    let Outcome::Done {
        time: best_time, ..
    } = best
    else {
        return best;
    };
    match round() {
        Outcome::Done { time, .. } if time >= best_time => best,
        other => other,
    }
}

/// `12.3 MiB`, or a dash when the child did not finish.
fn peak(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Done { peak_kib, .. } if *peak_kib > 0 => {
            format!("{:.1} MiB", *peak_kib as f64 / 1024.0)
        }
        _ => "—".into(),
    }
}

fn row(spec: &Spec, weft: &Outcome, loom: &Outcome) -> String {
    let mut cells = row_cells(spec, weft, loom);
    cells.push(peak(weft));
    cells.push(peak(loom));
    format!("| {} |", cells.join(" | "))
}

fn row_cells(spec: &Spec, weft: &Outcome, loom: &Outcome) -> Vec<String> {
    let mut cells = vec![spec.name.clone(), count(spec.traces)];
    let (weft_runs, weft_time) = match weft {
        Outcome::Done {
            executions,
            blocked,
            time: t,
            ..
        } => {
            let mark = if *executions == spec.traces {
                ""
            } else {
                " ≠ traces"
            };
            cells.push(format!(
                "{} ({}){mark}",
                count(*executions),
                count(*blocked)
            ));
            cells.push(time(*t));
            (executions + blocked, *t)
        }
        other => {
            cells.push(describe(other));
            cells.push("—".into());
            cells.extend(std::iter::repeat_n("—".to_string(), 7));
            return cells;
        }
    };
    let weft_rate = rate(weft_runs, weft_time);
    match loom {
        Outcome::Done {
            executions,
            time: t,
            ..
        } => {
            let loom_rate = rate(*executions, *t);
            cells.push(count(*executions));
            cells.push(time(*t));
            cells.push(ratio(*executions as f64 / weft_runs as f64));
            cells.push(ratio(t.as_secs_f64() / weft_time.as_secs_f64()));
            cells.push(count(weft_rate as u64));
            cells.push(count(loom_rate as u64));
            cells.push(ratio(weft_rate / loom_rate));
        }
        Outcome::TimedOut {
            budget,
            executions,
            elapsed,
        } => {
            cells.push(format!("> {}", count(*executions)));
            cells.push(format!("not done in {} s", budget.as_secs()));
            cells.push(format!(
                "> {}",
                ratio(*executions as f64 / weft_runs as f64)
            ));
            cells.push(format!(
                "> {}",
                ratio(budget.as_secs_f64() / weft_time.as_secs_f64())
            ));
            cells.push(count(weft_rate as u64));
            let loom_rate = rate(*executions, *elapsed);
            cells.push(count(loom_rate as u64));
            cells.push(ratio(weft_rate / loom_rate));
        }
        other => {
            cells.push(describe(other));
            cells.extend(std::iter::repeat_n("—".to_string(), 3));
            cells.push(count(weft_rate as u64));
            cells.extend(std::iter::repeat_n("—".to_string(), 2));
        }
    }
    cells
}

fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::CannotRun => format!("loom: cannot run (more than {LOOM_MAX_THREADS} threads)"),
        Outcome::Failed(why) => why.clone(),
        Outcome::TimedOut { budget, .. } => format!("not done in {} s", budget.as_secs()),
        Outcome::Done { .. } => unreachable!("described only when not done"),
    }
}

//! The `WEFT_*` environment. weft reads it once per process, so each case runs in a child
//! process of this test binary, started with the case's variable set: the test below, run
//! without `WEFT_TEST_ENV_CASE`, starts one child per case, and each child (the same test,
//! with `WEFT_TEST_ENV_CASE` naming its case) runs the case's checks and reports what the
//! parent compares on its stdout.
#![cfg(feature = "permute")]

mod common;

use std::panic::catch_unwind;
use std::process::Command;

use weft::{Builder, FailureKind, Strategy};

/// In a child process: the case it runs.
const CASE: &str = "WEFT_TEST_ENV_CASE";
const TEST: &str = "environment_configures_every_builder";
/// What precedes the number a child reports to the parent (on the line libtest started).
const RESULT: &str = "weft-env-result ";

/// Runs `case` in a child process with `name=value` set and returns the number it reports,
/// if any; panics with the child's output when the child fails.
fn in_child(case: &str, name: &str, value: &str) -> Option<u64> {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
        .env(CASE, case)
        .env(name, value)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "case {case} with {name}={value} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .find_map(|line| line.split(RESULT).nth(1))
        .map(|n| n.trim().parse().unwrap())
}

/// Checks that `name=value` (set in this child) is reported as malformed by `Builder::new()`.
fn check_malformed(name: &str) {
    let value = std::env::var(name).unwrap();
    let payload = catch_unwind(Builder::new).unwrap_err();
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.contains(&format!("{name}={value:?} is not valid")),
        "{message}"
    );
    if name == "WEFT_SHARD" {
        assert!(
            message.contains("(expected k/n with 0 <= k < n"),
            "{message}"
        );
    }
}

/// The checks of one case, in a child process whose environment holds its variable.
fn run_case(case: &str) {
    let random = |seed| Strategy::Random {
        seed,
        executions: 100,
    };
    match case {
        "max_executions" => {
            let stats = Builder::new().explore(common::ainc(4)).unwrap();
            assert_eq!((stats.executions, stats.complete), (3, false));
        }
        "max_preemptions" => {
            let stats = Builder::new().explore(common::lost_update).unwrap();
            assert!(stats.complete, "the lost update needs a preemption");
        }
        // WEFT_STRICT_BOUND=1: the bounded search alone (see tests/bounded_racing.rs).
        "strict_bound" => {
            let stats = Builder::new()
                .preemption_bound(1)
                .explore(common::readers(4))
                .unwrap();
            println!("{RESULT}{}", stats.executions + stats.blocked);
        }
        "max_steps" => {
            let failure = Builder::new().explore(common::lost_update).unwrap_err();
            assert_eq!(failure.kind(), FailureKind::Livelock);
        }
        "max_duration" => {
            let stats = Builder::new().explore(common::ainc(4)).unwrap();
            assert_eq!((stats.executions, stats.complete), (1, false));
        }
        "replay" => {
            let schedule = std::env::var("WEFT_REPLAY").unwrap();
            let replayed = Builder::new().explore(common::lost_update).unwrap_err();
            assert_eq!(replayed.schedule(), schedule);
            assert!(replayed.to_string().contains("lost update"));
        }
        // WEFT_SEED (77) replaces the seed of a sampler chosen in code, and only that.
        "seed" => {
            let overridden = Builder::new()
                .strategy(random(1))
                .explore(common::lost_update)
                .unwrap_err();
            let direct = Builder::new()
                .strategy(random(77))
                .explore(common::lost_update)
                .unwrap_err();
            assert_eq!(overridden.to_string(), direct.to_string());
            assert!(
                overridden
                    .to_string()
                    .contains("strategy: random walk, seed 77, execution "),
                "{overridden}"
            );
            let exhaustive = Builder::new().explore(common::ainc(3)).unwrap();
            assert_eq!((exhaustive.executions, exhaustive.complete), (6, true));
        }
        "seed_pct" => {
            let pct = Builder::new()
                .strategy(Strategy::Pct {
                    seed: 1,
                    depth: 2,
                    executions: 100,
                })
                .explore(common::lost_update)
                .unwrap_err();
            assert!(
                pct.to_string().contains("strategy: PCT, seed 77, depth 2"),
                "{pct}"
            );
        }
        "trace_file" => {
            let path = std::env::var("WEFT_TRACE_FILE").unwrap();
            let failure = Builder::new().explore(common::lost_update).unwrap_err();
            assert!(failure.to_string().contains("trace: "), "{failure}");
            let trace = std::fs::read_to_string(&path).unwrap();
            std::fs::remove_file(&path).unwrap();
            assert!(trace.starts_with("{\"displayTimeUnit\""), "{trace}");
        }
        // WEFT_JOBS and WEFT_SHARD split the exploration: the same executions in all.
        "split" => {
            let stats = Builder::new().explore(common::lastzero(3)).unwrap();
            println!("{RESULT}{}", stats.executions);
        }
        // WEFT_WAKEUP_MEMORY=1K: lastzero(4)'s trees outgrow it, and it goes on as source-DPOR.
        "wakeup_memory" => {
            let stats = Builder::new().jobs(1).explore(common::lastzero(4)).unwrap();
            assert!(stats.wakeup_over_budget, "{stats:?}");
            println!("{RESULT}{}", stats.executions);
        }
        // WEFT_STALL is the stall watchdog's, read by the first exploration.
        "malformed WEFT_STALL" => {
            let payload = catch_unwind(|| Builder::new().explore(|| {})).unwrap_err();
            let message = payload.downcast_ref::<String>().cloned();
            let message = message.unwrap_or_default();
            assert!(
                message.contains("WEFT_STALL=\"soon\" is not valid"),
                "{message}"
            );
        }
        malformed => check_malformed(malformed.strip_prefix("malformed ").unwrap()),
    }
}

#[test]
fn environment_configures_every_builder() {
    if let Ok(case) = std::env::var(CASE) {
        return run_case(&case);
    }
    in_child("max_executions", "WEFT_MAX_EXECUTIONS", "3");
    in_child("max_preemptions", "WEFT_MAX_PREEMPTIONS", "0");
    let runs = |stats: weft::Stats| Some(stats.executions + stats.blocked);
    let bounded = || Builder::new().preemption_bound(1);
    let strict = bounded().strict_bound(true).explore(common::readers(4));
    let raced = bounded().jobs(1).explore(common::readers(4));
    let from_env = in_child("strict_bound", "WEFT_STRICT_BOUND", "1");
    assert_eq!(from_env, runs(strict.unwrap()));
    assert_ne!(from_env, runs(raced.unwrap()));
    in_child("max_steps", "WEFT_MAX_STEPS", "4");
    in_child("max_duration", "WEFT_MAX_DURATION", "0s");
    let failure = Builder::new().explore(common::lost_update).unwrap_err();
    in_child("replay", "WEFT_REPLAY", failure.schedule());
    in_child("seed", "WEFT_SEED", "77");
    in_child("seed_pct", "WEFT_SEED", "0x4d");
    let path = std::env::temp_dir().join(format!("weft-env-trace-{}.json", std::process::id()));
    in_child("trace_file", "WEFT_TRACE_FILE", path.to_str().unwrap());

    let whole = Builder::new().jobs(1).explore(common::lastzero(3)).unwrap();
    let parallel = in_child("split", "WEFT_JOBS", "2");
    assert_eq!(parallel, Some(whole.executions));
    let shards: u64 = (0..3)
        .map(|k| in_child("split", "WEFT_SHARD", &format!("{k}/3")).unwrap())
        .sum();
    assert_eq!(shards, whole.executions);

    let within = Builder::new().jobs(1).explore(common::lastzero(4)).unwrap();
    assert!(!within.wakeup_over_budget);
    let over = in_child("wakeup_memory", "WEFT_WAKEUP_MEMORY", "1K");
    assert_eq!(over, Some(within.executions));

    for (name, value) in [
        ("WEFT_SEED", "lucky"),
        ("WEFT_WAKEUP_MEMORY", "lots"),
        ("WEFT_LOG", "loud"),
        ("WEFT_STRICT_BOUND", "maybe"),
        ("WEFT_MAX_DURATION", "soon"),
        ("WEFT_SHARD", "3/3"),
        ("WEFT_STALL", "soon"),
    ] {
        in_child(&format!("malformed {name}"), name, value);
    }
}

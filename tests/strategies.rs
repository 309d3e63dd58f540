//! The sampling strategies: Random and PCT find the seed's lost update and the depth-2
//! programs below within stated budgets for fixed seeds, print the seed and a replay line,
//! and run exactly the executions asked for on correct programs. Every number is
//! deterministic: a seed fixes every choice of a search.
#![cfg(feature = "permute")]

mod common;

use weft::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use weft::sync::Arc;
use weft::thread;
use weft::{Builder, Failure, FailureKind, Strategy};

#[path = "../examples/seed/counter.rs"]
mod seed;

/// The execution number a report names: `interleaving (execution 17, ...` (or
/// `execution 17 simplified, ...` when weft simplified the failing schedule).
fn execution_number(failure: &Failure) -> u64 {
    let report = failure.to_string();
    let rest = report
        .split("interleaving (execution ")
        .nth(1)
        .expect("the report names the execution");
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap();
    rest[..digits].parse().unwrap()
}

fn seed_counter() -> impl Fn() + Send + Sync + 'static {
    seed::counter_model(seed::load_then_store, seed::expect_four)
}

fn sample(strategy: Strategy, model: impl Fn() + Send + Sync + 'static) -> Failure {
    Builder::new()
        .strategy(strategy.clone())
        .explore(model)
        .expect_err(&format!("{strategy:?} finds the bug"))
}

/// Thread A stores 1, 2, ..., `steps` into `progress`; thread B loads it once and fails if it
/// reads `bad`: B must run exactly between A's stores `bad` and `bad + 1`. Depth 2 (after
/// `bad`, before `bad + 1`), but a random walk must also keep B out for `bad` steps.
fn window(steps: usize, bad: usize) -> impl Fn() + Send + Sync + 'static {
    move || {
        let progress = Arc::new(AtomicUsize::new(0));
        let a = {
            let progress = progress.clone();
            thread::spawn(move || {
                for i in 1..=steps {
                    progress.store(i, SeqCst);
                }
            })
        };
        let b = {
            let progress = progress.clone();
            thread::spawn(move || {
                let seen = progress.load(SeqCst);
                assert_ne!(seen, bad, "thread B ran inside A's window");
            })
        };
        a.join().unwrap();
        b.join().unwrap();
    }
}

/// Two threads initialize once by check-then-act: both can see `false` before either sets
/// it. Depth 2: each thread's check must come before the other's set; no schedule without a
/// preemption shows it.
fn double_init() {
    let initialized = Arc::new(AtomicBool::new(false));
    let inits = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (initialized, inits) = (initialized.clone(), inits.clone());
            thread::spawn(move || {
                if !initialized.load(SeqCst) {
                    inits.fetch_add(1, SeqCst);
                    initialized.store(true, SeqCst);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(inits.load(SeqCst), 1, "initialized twice");
}

#[test]
fn random_finds_the_seed_lost_update_and_names_its_seed() {
    let failure = sample(
        Strategy::Random {
            seed: 1,
            executions: 50,
        },
        seed_counter(),
    );
    assert_eq!(failure.kind(), FailureKind::Panic);
    let report = failure.to_string();
    assert!(report.contains("an update was lost"), "{report}");
    assert!(report.contains("replay: WEFT_REPLAY="), "{report}");
    let n = execution_number(&failure);
    assert!(
        report.contains(&format!(
            "strategy: random walk, seed 1, execution {n} of 50 (WEFT_SEED=1 repeats this search)"
        )),
        "{report}"
    );
    // Seen: execution 1 (half of all random walks of this program lose an update).
    assert!(n <= 3, "found at execution {n}");
}

#[test]
fn pct_finds_the_seed_lost_update_and_names_its_seed() {
    let failure = sample(
        Strategy::Pct {
            seed: 1,
            depth: 2,
            executions: 50,
        },
        seed_counter(),
    );
    assert_eq!(failure.kind(), FailureKind::Panic);
    let report = failure.to_string();
    assert!(report.contains("an update was lost"), "{report}");
    assert!(report.contains("replay: WEFT_REPLAY="), "{report}");
    assert!(
        report.contains("strategy: PCT, seed 1, depth 2, execution "),
        "{report}"
    );
    assert!(
        report.contains("WEFT_SEED=1 repeats this search"),
        "{report}"
    );
    let n = execution_number(&failure);
    // The first execution has no change point, so it cannot preempt: n >= 2.
    assert!((2..=20).contains(&n), "found at execution {n}");
}

/// The replay of a sampled failure is the same failure: same kind, headline, drawing and
/// schedule.
fn assert_replays(failure: &Failure, model: impl Fn() + Send + Sync + 'static) {
    let replayed = Builder::new()
        .strategy(Strategy::Replay(failure.schedule().to_string()))
        .explore(model)
        .expect_err("the replay fails too");
    assert_eq!(replayed.kind(), failure.kind());
    assert_eq!(replayed.schedule(), failure.schedule());
    let drawing = |f: &Failure| {
        f.to_string()
            .lines()
            .filter(|l| !l.starts_with("interleaving") && !l.starts_with("strategy:"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(drawing(&replayed), drawing(failure));
    assert!(!replayed.to_string().contains("strategy:"));
}

#[test]
fn sampled_failures_replay_exactly() {
    let random = Strategy::Random {
        seed: 9,
        executions: 50,
    };
    assert_replays(&sample(random, seed_counter()), seed_counter());
    let pct = Strategy::Pct {
        seed: 9,
        depth: 2,
        executions: 50,
    };
    assert_replays(&sample(pct, seed_counter()), seed_counter());
    let window_bug = sample(
        Strategy::Pct {
            seed: 3,
            depth: 2,
            executions: 2_000,
        },
        window(50, 40),
    );
    assert_replays(&window_bug, window(50, 40));
}

#[test]
fn a_seed_fixes_the_whole_search() {
    for strategy in [
        Strategy::Random {
            seed: 5,
            executions: 100,
        },
        Strategy::Pct {
            seed: 5,
            depth: 3,
            executions: 100,
        },
    ] {
        let first = sample(strategy.clone(), double_init);
        let second = sample(strategy.clone(), double_init);
        assert_eq!(first.schedule(), second.schedule(), "{strategy:?}");
        assert_eq!(first.to_string(), second.to_string(), "{strategy:?}");
    }
    let schedules: std::collections::BTreeSet<String> = (0..8)
        .map(|seed| {
            sample(
                Strategy::Random {
                    seed,
                    executions: 100,
                },
                double_init,
            )
            .schedule()
            .to_string()
        })
        .collect();
    assert!(schedules.len() > 1, "different seeds sample differently");
}

#[test]
fn pct_depth_two_finds_double_initialization_and_depth_one_cannot() {
    let stats = Builder::new()
        .strategy(Strategy::Pct {
            seed: 2,
            depth: 1,
            executions: 200,
        })
        .explore(double_init)
        .expect("depth 1 never preempts a runnable thread");
    assert_eq!((stats.executions, stats.complete), (200, false));
    let failure = sample(
        Strategy::Pct {
            seed: 2,
            depth: 2,
            executions: 200,
        },
        double_init,
    );
    assert!(failure.to_string().contains("initialized twice"));
    let n = execution_number(&failure);
    assert!(n <= 50, "found at execution {n}");
}

#[test]
fn pct_finds_a_narrow_window_that_random_walk_misses() {
    // A: 50 stores; B fails only between A's 40th and 41st. PCT(depth 2) per run: A above B
    // (1/2) and the change point on A's 41st store (1/k, k = 56 steps): about 1/112.
    let budget = 2_000;
    let pct = sample(
        Strategy::Pct {
            seed: 3,
            depth: 2,
            executions: budget,
        },
        window(50, 40),
    );
    assert!(pct.to_string().contains("thread B ran inside A's window"));
    let n = execution_number(&pct);
    assert!(n <= 400, "PCT found it at execution {n}");
    // A random walk must keep B's load out for 40 of A's steps, then hit one: about 2^-40.
    for seed in [3, 4] {
        let stats = Builder::new()
            .strategy(Strategy::Random {
                seed,
                executions: budget,
            })
            .explore(window(50, 40))
            .expect("a random walk misses the window");
        assert_eq!(stats.executions, budget);
    }
}

#[test]
fn correct_programs_run_exactly_the_requested_executions() {
    for strategy in [
        Strategy::Random {
            seed: 11,
            executions: 37,
        },
        Strategy::Pct {
            seed: 11,
            depth: 3,
            executions: 37,
        },
        // "As deep as can be": every step a change point (it divided by zero).
        Strategy::Pct {
            seed: 11,
            depth: usize::MAX,
            executions: 37,
        },
    ] {
        let stats = Builder::new()
            .strategy(strategy.clone())
            .explore(common::ainc(3))
            .unwrap();
        assert_eq!(stats.executions, 37, "{strategy:?}");
        assert!(!stats.complete, "a sample never proves the whole space");
        let capped = Builder::new()
            .strategy(strategy.clone())
            .max_executions(5)
            .explore(common::ainc(3))
            .unwrap();
        assert_eq!((capped.executions, capped.complete), (5, false));
        let timed = Builder::new()
            .strategy(strategy)
            .max_duration(std::time::Duration::ZERO)
            .explore(common::ainc(3))
            .unwrap();
        assert_eq!((timed.executions, timed.complete), (1, false));
    }
    let none = Builder::new()
        .strategy(Strategy::Random {
            seed: 0,
            executions: 0,
        })
        .explore(|| panic!("never run"))
        .unwrap();
    assert_eq!((none.executions, none.complete), (0, false));
}

#[test]
fn sampled_failures_are_simplified_and_keep_their_seed() {
    let failure = sample(
        Strategy::Random {
            seed: 1,
            executions: 50,
        },
        seed_counter(),
    );
    let report = failure.to_string();
    // A random walk switches threads at will; the report shows a simpler schedule that
    // loses the update the same way (same headline and details).
    let found_at = execution_number(&failure);
    assert!(
        report.contains(&format!("interleaving (execution {found_at} simplified, ")),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "strategy: random walk, seed 1, execution {found_at} of 50"
        )),
        "{report}"
    );
    let replayed = Builder::new()
        .strategy(Strategy::Replay(failure.schedule().to_string()))
        .explore(seed_counter())
        .unwrap_err();
    assert_eq!(replayed.kind(), FailureKind::Panic);
}

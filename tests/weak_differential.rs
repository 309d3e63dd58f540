//! Differential test of DPOR's reduction under weak memory: random small programs of 2 or 3
//! threads of atomics with mixed orderings, fences and weak compare-exchanges are explored
//! by DPOR and by weft's bounded search with a bound no execution reaches (every
//! schedulable thread at every step, every value choice of every step but the stale stores
//! the older-store skip leaves out, without the cone skip, cutting only states already
//! explored: another reduction than DPOR's, resting on the trace alone deciding the state;
//! with 4 threads the two disagree on some programs: README, "Known gap"). Both
//! must reach exactly the same outcomes and the same number of distinct execution graphs
//! (`Builder::count_graphs`); so must two workers of a split exploration, and three shards
//! the same outcomes.
//! The outcomes themselves are pinned by the litmus tests (`tests/litmus.rs`).
#![cfg(feature = "permute")]

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex as StdMutex};

use common::Rng;
use weft::sync::atomic::{fence, AtomicU64, Ordering};
use weft::{thread, Builder};

#[derive(Clone, Copy, Debug)]
enum Op {
    Load(usize, Ordering),
    Store(usize, u64, Ordering),
    Add(usize, Ordering),
    /// Location, expected, new, ordering, weak.
    Cas(usize, u64, u64, Ordering, bool),
    Fence(Ordering),
}

type Program = Vec<Vec<Op>>;

fn ordering(rng: &mut Rng, load: bool) -> Ordering {
    match (rng.below(4), load) {
        (0, _) => Ordering::Relaxed,
        (1, true) => Ordering::Acquire,
        (1, false) => Ordering::Release,
        (2, _) => Ordering::AcqRel,
        _ => Ordering::SeqCst,
    }
}

fn op(rng: &mut Rng) -> Op {
    let loc = rng.below(2) as usize;
    match rng.below(9) {
        0..=2 => {
            let order = match ordering(rng, true) {
                Ordering::AcqRel => Ordering::Acquire,
                order => order,
            };
            Op::Load(loc, order)
        }
        3..=5 => {
            let order = match ordering(rng, false) {
                Ordering::AcqRel => Ordering::Release,
                order => order,
            };
            Op::Store(loc, 1 + rng.below(2), order)
        }
        6 => Op::Add(loc, ordering(rng, false)),
        7 => Op::Cas(
            loc,
            rng.below(2),
            3,
            ordering(rng, false),
            rng.below(2) == 0,
        ),
        _ => Op::Fence(match rng.below(3) {
            0 => Ordering::Acquire,
            1 => Ordering::Release,
            _ => Ordering::SeqCst,
        }),
    }
}

/// 2–3 threads of 1–3 operations.
fn program(rng: &mut Rng) -> Program {
    let threads = 2 + rng.below(2) as usize;
    (0..threads)
        .map(|_| (0..1 + rng.below(3)).map(|_| op(rng)).collect())
        .collect()
}

/// Each thread's results in order, then the final values.
type Observation = Vec<u64>;

fn run_thread(ops: &[Op], values: &[AtomicU64; 2]) -> Vec<u64> {
    let mut seen = Vec::new();
    for &op in ops {
        match op {
            Op::Load(x, order) => seen.push(values[x].load(order)),
            Op::Store(x, v, order) => values[x].store(v, order),
            Op::Add(x, order) => seen.push(values[x].fetch_add(1, order)),
            Op::Cas(x, expected, new, order, weak) => {
                let failure = match order {
                    Ordering::Release | Ordering::Relaxed => Ordering::Relaxed,
                    Ordering::SeqCst => Ordering::SeqCst,
                    _ => Ordering::Acquire,
                };
                let result = match weak {
                    true => values[x].compare_exchange_weak(expected, new, order, failure),
                    false => values[x].compare_exchange(expected, new, order, failure),
                };
                seen.push(match result {
                    Ok(v) => v,
                    Err(v) => 100 + v,
                });
            }
            Op::Fence(order) => fence(order),
        }
    }
    seen
}

/// The outcomes of every execution of `program`, and the distinct execution graphs among
/// them (`Builder::count_graphs`).
fn run_on_weft(program: &Program, builder: Builder) -> (BTreeSet<Observation>, u64) {
    let outcomes = Arc::new(StdMutex::new(BTreeSet::new()));
    let sink = outcomes.clone();
    let program = Arc::new(program.clone());
    let stats = builder
        .count_graphs(true)
        .explore(move || {
            let values = Arc::new([AtomicU64::new(0), AtomicU64::new(0)]);
            let handles: Vec<_> = (1..program.len())
                .map(|t| {
                    let (program, values) = (program.clone(), values.clone());
                    thread::spawn(move || run_thread(&program[t], &values))
                })
                .collect();
            let mut observation = run_thread(&program[0], &values);
            for handle in handles {
                observation.extend(handle.join().unwrap());
            }
            observation.extend(values.iter().map(|v| v.load(Ordering::SeqCst)));
            sink.lock().unwrap().insert(observation);
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    assert!(stats.complete);
    let found = outcomes.lock().unwrap().clone();
    (found, stats.graphs.expect("counted"))
}

fn compare(program: &Program, case: usize, split: bool) {
    let everything = run_on_weft(
        program,
        Builder::new().preemption_bound(1_000).strict_bound(true),
    );
    // The same outcomes, and the same graphs: every graph weft runs is one of the program's,
    // so as many distinct graphs as the unreduced search finds are all of them.
    let reduced = run_on_weft(program, Builder::new().jobs(1));
    assert_eq!(reduced, everything, "case {case}: DPOR on {program:?}");
    if split {
        let workers = run_on_weft(program, Builder::new().split_depth(2).jobs(2));
        assert_eq!(workers, everything, "case {case}: 2 workers on {program:?}");
        let mut shards = BTreeSet::new();
        for k in 0..3 {
            // Half the objects taken for uncontended: nodes above the cut end in units of
            // their own (`RestUnit`).
            let quiet = 0x5555_5555_5555_5555 << (case % 2);
            shards.extend(
                run_on_weft(
                    program,
                    Builder::new().split_depth(2).split_quiet(quiet).shard(k, 3),
                )
                .0,
            );
        }
        assert_eq!(shards, everything.0, "case {case}: 3 shards on {program:?}");
    }
}

#[test]
fn dpor_reaches_every_weak_outcome_of_random_programs() {
    let mut rng = Rng(0x3a7e_11c0_5eed_0001);
    for case in 0..30 {
        let program = program(&mut rng);
        compare(&program, case, case % 5 == 0);
    }
}

/// More and longer runs: `WEFT_DIFF_SEED=7 WEFT_DIFF_CASES=2000 cargo test --release
/// --features permute --test weak_differential -- --ignored`.
#[test]
#[ignore]
fn many_random_programs() {
    let var = |name, default| std::env::var(name).map_or(default, |s: String| s.parse().unwrap());
    let mut rng = Rng(var("WEFT_DIFF_SEED", 7) | 1);
    for case in 0..var("WEFT_DIFF_CASES", 2000) {
        let program = program(&mut rng);
        compare(&program, case as usize, case % 5 == 0);
    }
}

/// Programs whose outcomes DPOR once missed while it skipped value choices it took for
/// repeats of another trace (a stale read, an early store, an older store read by a
/// compare-exchange, when none of the stores it passed happens before it): with 2 workers
/// (seed 7, case 1170), alone (seed 7, case 1287), and a stale SeqCst read that the RC11
/// differential test caught (seed 66). Skipping broke optimal DPOR's sleep-set reasoning,
/// which takes a thread explored at a node to cover all its value choices; it is gone.
#[test]
fn value_choice_skipping_regressions() {
    use Op::*;
    use Ordering::*;
    let programs = [
        vec![
            vec![
                Cas(0, 0, 3, Relaxed, true),
                Fence(SeqCst),
                Store(1, 2, SeqCst),
            ],
            vec![
                Cas(1, 0, 3, SeqCst, true),
                Load(1, SeqCst),
                Load(1, Acquire),
            ],
            vec![Load(1, Relaxed), Cas(1, 1, 3, Release, true)],
        ],
        vec![
            vec![Store(1, 1, Release)],
            vec![Cas(0, 0, 3, SeqCst, true), Load(0, Acquire)],
            vec![Store(0, 1, Release), Store(1, 2, Release)],
        ],
        vec![
            vec![
                Cas(0, 2, 3, Acquire, true),
                Store(0, 2, Release),
                Store(1, 1, Release),
            ],
            vec![Store(0, 2, Relaxed), Load(1, Acquire)],
            vec![Load(1, SeqCst)],
        ],
    ];
    for (case, program) in programs.iter().enumerate() {
        compare(program, case, true);
    }
}

/// A program whose outcome DPOR missed while only a step's first value choice followed the
/// wakeup subtree the step came with (seed 13, case 747): the sequence that lets the third
/// thread's store run before the second thread's exchange was found in an execution where
/// the weak exchange failed spuriously, and below that choice the main thread, asleep since
/// the root, stood for it. Missed: the spurious failure, the exchange failing on 2, and
/// main's load reading 2.
#[test]
fn every_value_choice_follows_its_wakeup_subtree() {
    use Op::*;
    use Ordering::*;
    let program = vec![
        vec![Load(0, SeqCst)],
        vec![Cas(1, 0, 3, Relaxed, true), Cas(0, 0, 3, AcqRel, false)],
        vec![Load(0, Relaxed), Store(0, 2, Release)],
    ];
    let (outcomes, _) = run_on_weft(&program, Builder::new().jobs(1));
    assert!(
        outcomes.contains(&vec![2, 100, 102, 0, 2, 0]),
        "the spurious failure's continuation: {outcomes:?}"
    );
    compare(&program, 747, true);
}

//! Differential test of threads that spawn threads: random programs whose threads load,
//! store and add on two atomics and spawn children (up to grandchildren) are run by weft and
//! by a brute-force interpreter in this file that enumerates every interleaving. weft must
//! reach exactly the same outcomes and explore one execution per Mazurkiewicz trace.
//!
//! The interpreter cuts threads into steps as weft does: a spawn has no scheduling point
//! of its own, so it belongs to the step of the operation before it (or to the thread's
//! start); two steps that spawn conflict, since a child's id is the number of threads
//! spawned before it (`op::SPAWNS` in the harness). Each thread joins its children when its
//! operations are done; joins only order threads, so the interpreter leaves them out. A
//! trace is named by the order of the steps that spawn, and for each location by its
//! writes in order and, for each read, the writes before it. Threads are named by their
//! place in the program (not by id, which depends on the order of the spawns).
//!
//! Before spawns conflicted, this test found outcomes lost: a reversal computed in one
//! execution named threads by their ids there, and ran other threads where the spawns ran
//! in another order (`tests/spawn_dependence.rs`).
#![cfg(feature = "permute")]

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex as StdMutex};

use common::Rng;
use weft::sync::atomic::{AtomicU64, Ordering::SeqCst};
use weft::thread;

#[derive(Clone, Debug)]
enum Item {
    Load(usize),
    Store(usize, u64),
    /// `fetch_add(10)`: reports the value it replaced.
    Add(usize),
    Spawn(Vec<Item>),
}

/// 1–3 items; children only up to `depth` 2 (grandchildren of the top threads).
fn items(rng: &mut Rng, depth: u32) -> Vec<Item> {
    (0..1 + rng.below(3))
        .map(|_| match rng.below(if depth < 2 { 5 } else { 4 }) {
            0 | 1 => Item::Load(rng.below(2) as usize),
            2 => Item::Store(rng.below(2) as usize, 1 + rng.below(9)),
            3 => Item::Add(rng.below(2) as usize),
            _ => Item::Spawn(items(rng, depth + 1)),
        })
        .collect()
}

/// Two top threads, each spawned by main.
fn program(rng: &mut Rng) -> Vec<Vec<Item>> {
    (0..2).map(|_| items(rng, 0)).collect()
}

/// One thread's result: (its name, index of the operation, value), sorted; then the final
/// values of both locations.
type Observation = Vec<(Vec<usize>, usize, u64)>;

/// Runs `items` as the thread named `name`, spawning and then joining its children.
fn run(
    items: &[Item],
    name: Vec<usize>,
    xs: &Arc<[AtomicU64; 2]>,
    out: &Arc<StdMutex<Observation>>,
) {
    let mut children = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let seen = match item {
            Item::Load(x) => xs[*x].load(SeqCst),
            Item::Store(x, v) => {
                xs[*x].store(*v, SeqCst);
                continue;
            }
            Item::Add(x) => xs[*x].fetch_add(10, SeqCst),
            Item::Spawn(body) => {
                let (body, xs, out) = (body.clone(), xs.clone(), out.clone());
                let mut child = name.clone();
                child.push(i);
                children.push(thread::spawn(move || run(&body, child, &xs, &out)));
                continue;
            }
        };
        out.lock().unwrap().push((name.clone(), i, seen));
    }
    for child in children {
        child.join().unwrap();
    }
}

/// weft's outcomes and executions with `builder`.
fn on_weft(program: &[Vec<Item>], builder: weft::Builder) -> (BTreeSet<Observation>, u64) {
    let seen = Arc::new(StdMutex::new(BTreeSet::new()));
    let sink = seen.clone();
    let program = program.to_vec();
    let stats = builder
        .explore(move || {
            let xs = Arc::new([AtomicU64::new(0), AtomicU64::new(0)]);
            let out = Arc::new(StdMutex::new(Vec::new()));
            let tops: Vec<_> = (program.iter().enumerate())
                .map(|(t, items)| {
                    let (items, xs, out) = (items.clone(), xs.clone(), out.clone());
                    thread::spawn(move || run(&items, vec![t], &xs, &out))
                })
                .collect();
            for top in tops {
                top.join().unwrap();
            }
            let mut observation = std::mem::take(&mut *out.lock().unwrap());
            observation.sort();
            observation.push((Vec::new(), 0, xs[0].load(SeqCst)));
            observation.push((Vec::new(), 1, xs[1].load(SeqCst)));
            sink.lock().unwrap().insert(observation);
        })
        .unwrap();
    assert!(stats.complete);
    let outcomes = std::mem::take(&mut *seen.lock().unwrap());
    (outcomes, stats.executions)
}

/// One step of the interpreter: the operation (none: a start that only spawns) and the
/// children spawned right after it.
struct Step {
    op: Option<(usize, Item)>,
    spawns: Vec<usize>,
}

/// A thread of the interpreter: its name and steps; children are threads too.
struct Thread {
    name: Vec<usize>,
    steps: Vec<Step>,
}

/// Cuts `items` into steps, appending the thread and its descendants to `threads`; returns
/// the thread's index.
fn cut(items: &[Item], name: Vec<usize>, threads: &mut Vec<Thread>) -> usize {
    let me = threads.len();
    threads.push(Thread {
        name: name.clone(),
        steps: Vec::new(),
    });
    let mut steps = vec![Step {
        op: None,
        spawns: Vec::new(),
    }];
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Spawn(body) => {
                let mut child = name.clone();
                child.push(i);
                let index = cut(body, child, threads);
                steps.last_mut().expect("a start step").spawns.push(index);
            }
            op => steps.push(Step {
                op: Some((i, op.clone())),
                spawns: Vec::new(),
            }),
        }
    }
    // A start that spawns nothing commutes with everything and shows nothing: left out.
    if steps[0].spawns.is_empty() {
        steps.remove(0);
    }
    threads[me].steps = steps;
    me
}

/// The brute-force search's state along one interleaving.
struct Search<'a> {
    threads: &'a [Thread],
    /// Next step of each thread; `None`: not spawned yet.
    next: Vec<Option<usize>>,
    values: [u64; 2],
    observation: Observation,
    /// The trace so far: spawning steps in order (by thread name), and per location its
    /// events (a write's thread name and step, or a read's).
    spawn_order: Vec<(Vec<usize>, usize)>,
    accesses: [Vec<(bool, Vec<usize>, usize)>; 2],
    outcomes: BTreeSet<Observation>,
    traces: BTreeSet<String>,
}

impl Search<'_> {
    fn explore(&mut self) {
        let runnable: Vec<usize> = (0..self.threads.len())
            .filter(|&t| self.next[t].is_some_and(|s| s < self.threads[t].steps.len()))
            .collect();
        if runnable.is_empty() {
            let mut observation = self.observation.clone();
            observation.sort();
            observation.push((Vec::new(), 0, self.values[0]));
            observation.push((Vec::new(), 1, self.values[1]));
            self.outcomes.insert(observation);
            self.traces.insert(self.trace());
            return;
        }
        for t in runnable {
            let thread = &self.threads[t];
            let s = self.next[t].expect("runnable");
            let step = &thread.steps[s];
            let saved = (self.values, self.observation.len(), self.spawn_order.len());
            let saved_accesses = [self.accesses[0].len(), self.accesses[1].len()];
            if let Some((i, op)) = &step.op {
                let (x, write, seen) = match *op {
                    Item::Load(x) => (x, false, Some(self.values[x])),
                    Item::Store(x, v) => {
                        self.values[x] = v;
                        (x, true, None)
                    }
                    Item::Add(x) => {
                        let old = self.values[x];
                        self.values[x] += 10;
                        (x, true, Some(old))
                    }
                    Item::Spawn(_) => unreachable!("spawns are not operations"),
                };
                if let Some(seen) = seen {
                    self.observation.push((thread.name.clone(), *i, seen));
                }
                self.accesses[x].push((write, thread.name.clone(), s));
            }
            if !step.spawns.is_empty() {
                self.spawn_order.push((thread.name.clone(), s));
            }
            for &child in &step.spawns {
                self.next[child] = Some(0);
            }
            self.next[t] = Some(s + 1);
            self.explore();
            self.next[t] = Some(s);
            for &child in &step.spawns {
                self.next[child] = None;
            }
            self.values = saved.0;
            self.observation.truncate(saved.1);
            self.spawn_order.truncate(saved.2);
            self.accesses[0].truncate(saved_accesses[0]);
            self.accesses[1].truncate(saved_accesses[1]);
        }
    }

    /// The Mazurkiewicz trace of the current interleaving, as text.
    fn trace(&self) -> String {
        let mut text = format!("spawns {:?}", self.spawn_order);
        for events in &self.accesses {
            let mut writes = 0;
            let mut reads: Vec<(usize, &Vec<usize>, usize)> = Vec::new();
            let mut order = Vec::new();
            for (write, name, step) in events {
                match write {
                    true => {
                        writes += 1;
                        order.push((name, *step));
                    }
                    false => reads.push((writes, name, *step)),
                }
            }
            reads.sort();
            text += &format!("; writes {order:?} reads {reads:?}");
        }
        text
    }
}

/// Every interleaving's outcome, and the number of traces.
fn brute_force(program: &[Vec<Item>]) -> (BTreeSet<Observation>, usize) {
    let mut threads = Vec::new();
    let tops: Vec<usize> = (program.iter().enumerate())
        .map(|(t, items)| cut(items, vec![t], &mut threads))
        .collect();
    let mut next = vec![None; threads.len()];
    for top in tops {
        next[top] = Some(0);
    }
    let mut search = Search {
        threads: &threads,
        next,
        values: [0, 0],
        observation: Vec::new(),
        spawn_order: Vec::new(),
        accesses: [Vec::new(), Vec::new()],
        outcomes: BTreeSet::new(),
        traces: BTreeSet::new(),
    };
    search.explore();
    (search.outcomes, search.traces.len())
}

fn check(seed: u64, cases: std::ops::Range<u64>) {
    let mut rng = Rng(seed);
    for case in 0..cases.end {
        let program = program(&mut rng);
        if case < cases.start {
            continue;
        }
        agree(&program, &format!("case {case}"), case % 4 == 0);
    }
}

/// weft's outcomes are the interpreter's, with one execution per trace; with `split`, also
/// on two workers and on three shards, cut after 1, 2 and 3 choices (the shards taking
/// half the objects for uncontended at depths 1 and 2, as in `tests/dpor_differential.rs`).
fn agree(program: &[Vec<Item>], context: &str, split: bool) {
    let (expected, traces) = brute_force(program);
    let traces = traces as u64;
    let (outcomes, executions) = on_weft(program, weft::Builder::new());
    assert_eq!(outcomes, expected, "{context}: outcomes of {program:?}");
    assert_eq!(executions, traces, "{context}: executions of {program:?}");
    if !split {
        return;
    }
    for (depth, quiet) in [
        (1, 0x5555_5555_5555_5555),
        (2, !0x5555_5555_5555_5555),
        (3, 0),
    ] {
        let cut = || weft::Builder::new().split_depth(depth);
        let two = on_weft(program, cut().jobs(2));
        assert_eq!(
            two,
            (expected.clone(), traces),
            "{context}: 2 workers, depth {depth}"
        );
        let (mut union, mut runs) = (BTreeSet::new(), 0);
        for k in 0..3 {
            let (found, executions) =
                on_weft(program, cut().jobs(1).split_quiet(quiet).shard(k, 3));
            union.extend(found);
            runs += executions;
        }
        assert_eq!(
            (union, runs),
            (expected.clone(), traces),
            "{context}: 3 shards, depth {depth}"
        );
    }
}

#[test]
fn a_reversal_replaces_a_step_that_spawns_twice_whole() {
    // The second thread's child C spawns E (a writer) and F in one step, while the other
    // child D spawns G. A race of C's second spawn with D's took E's steps into the
    // sequence that runs instead of C's step, where E does not exist yet: 38 executions
    // for 36 traces. Shrunk from `more_programs` (seed 6).
    use Item::*;
    let program = vec![
        vec![Store(0, 4)],
        vec![
            Spawn(vec![Spawn(vec![Store(0, 5)]), Spawn(vec![])]),
            Spawn(vec![Spawn(vec![Load(0)]), Load(0)]),
        ],
    ];
    assert_eq!(brute_force(&program).1, 36);
    agree(&program, "shrunk", true);
}

#[test]
fn weft_matches_brute_force_on_threads_that_spawn() {
    check(0x5a17_0001, 0..60);
}

/// More programs: `WEFT_DIFF_SEED=7 WEFT_DIFF_CASES=2000 cargo test --release --features
/// permute --test spawn_differential -- --ignored` (`WEFT_DIFF_FROM=k`: from program `k`).
#[test]
#[ignore]
fn more_programs() {
    let var = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    let from = var("WEFT_DIFF_FROM", 0);
    check(var("WEFT_DIFF_SEED", 7), from..var("WEFT_DIFF_CASES", 1000));
}

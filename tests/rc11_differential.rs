//! weft's side of the differential test against RC11 (`tools/rc11/differential.py`, which
//! generates the programs, runs this test, and compares with a brute-force RC11 checker).
//!
//! Reads the programs (JSON) from the file named by `WEFT_RC11_PROGRAMS`, explores each with
//! DPOR and writes every outcome it reached to `WEFT_RC11_OUT`: one `{"outcomes": [[..]],
//! "executions": n, "graphs": g}` per program (`g`: the distinct execution graphs,
//! `Builder::count_graphs`). A program is `{"threads": [[op, ..], ..]}` over two
//! `AtomicU64` locations starting at 0, an op one of
//!
//! - `{"op": "load", "loc": l, "order": o}`
//! - `{"op": "store", "loc": l, "value": v, "order": o}`
//! - `{"op": "fetch_add", "loc": l, "value": v, "order": o}`
//! - `{"op": "cas", "loc": l, "expected": e, "new": n, "success": o, "failure": o, "weak": b}`
//! - `{"op": "fence", "order": o}`
//!
//! with `o` an `Ordering`'s name. Main spawns every program thread, joins them in order and
//! then loads each location. An outcome is every thread's results in order (a load's value,
//! a fetch_add's old value, a compare-exchange's old value, or 100 + the value it read when
//! it failed), then each location's final value.
//!
//! `cargo test --release --features permute --test rc11_differential -- --ignored`
#![cfg(feature = "permute")]

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use weft::sync::atomic::{fence, AtomicU64, Ordering};
use weft::{thread, Builder};

#[derive(Clone, Copy, Debug)]
enum Op {
    Load(usize, Ordering),
    Store(usize, u64, Ordering),
    FetchAdd(usize, u64, Ordering),
    /// Location, expected, new, success, failure, weak.
    Cas(usize, u64, u64, Ordering, Ordering, bool),
    Fence(Ordering),
}

fn ordering(v: &Value) -> Ordering {
    match v.as_str().expect("an ordering's name") {
        "Relaxed" => Ordering::Relaxed,
        "Acquire" => Ordering::Acquire,
        "Release" => Ordering::Release,
        "AcqRel" => Ordering::AcqRel,
        "SeqCst" => Ordering::SeqCst,
        other => panic!("unknown ordering {other}"),
    }
}

fn op(v: &Value) -> Op {
    let int = |key: &str| v[key].as_u64().unwrap_or_else(|| panic!("{key} in {v}"));
    let loc = || int("loc") as usize;
    match v["op"].as_str().expect("an op") {
        "load" => Op::Load(loc(), ordering(&v["order"])),
        "store" => Op::Store(loc(), int("value"), ordering(&v["order"])),
        "fetch_add" => Op::FetchAdd(loc(), int("value"), ordering(&v["order"])),
        "cas" => Op::Cas(
            loc(),
            int("expected"),
            int("new"),
            ordering(&v["success"]),
            ordering(&v["failure"]),
            v["weak"].as_bool().expect("weak"),
        ),
        "fence" => Op::Fence(ordering(&v["order"])),
        other => panic!("unknown op {other}"),
    }
}

type Program = Vec<Vec<Op>>;

fn program(v: &Value) -> Program {
    let threads = v["threads"].as_array().expect("threads");
    let ops = |t: &Value| t.as_array().expect("a thread").iter().map(op).collect();
    threads.iter().map(ops).collect()
}

fn run_thread(ops: &[Op], locations: &[AtomicU64; 2]) -> Vec<u64> {
    let mut seen = Vec::new();
    for &op in ops {
        match op {
            Op::Load(x, order) => seen.push(locations[x].load(order)),
            Op::Store(x, v, order) => locations[x].store(v, order),
            Op::FetchAdd(x, v, order) => seen.push(locations[x].fetch_add(v, order)),
            Op::Cas(x, expected, new, success, failure, weak) => {
                let result = match weak {
                    true => locations[x].compare_exchange_weak(expected, new, success, failure),
                    false => locations[x].compare_exchange(expected, new, success, failure),
                };
                seen.push(result.unwrap_or_else(|actual| 100 + actual));
            }
            Op::Fence(order) => fence(order),
        }
    }
    seen
}

/// Every outcome DPOR reaches, and the executions and distinct graphs it ran.
fn outcomes(program: &Program) -> (BTreeSet<Vec<u64>>, u64, u64) {
    let found = Arc::new(Mutex::new(BTreeSet::new()));
    let sink = found.clone();
    let program = Arc::new(program.clone());
    // `WEFT_RC11_UNREDUCED`: a bound no execution reaches, alone: no cone skip (the
    // older-store skip still applies).
    let builder = match std::env::var_os("WEFT_RC11_UNREDUCED") {
        Some(_) => Builder::new().preemption_bound(1_000).strict_bound(true),
        None => Builder::new(),
    };
    let stats = builder
        .jobs(1)
        .count_graphs(true)
        .explore(move || {
            let locations = Arc::new([AtomicU64::new(0), AtomicU64::new(0)]);
            let handles: Vec<_> = (0..program.len())
                .map(|t| {
                    let (program, locations) = (program.clone(), locations.clone());
                    thread::spawn(move || run_thread(&program[t], &locations))
                })
                .collect();
            let mut outcome = Vec::new();
            for handle in handles {
                outcome.extend(handle.join().unwrap());
            }
            outcome.extend(locations.iter().map(|x| x.load(Ordering::SeqCst)));
            sink.lock().unwrap().insert(outcome);
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    assert!(stats.complete);
    let found = found.lock().unwrap().clone();
    (found, stats.executions, stats.graphs.expect("counted"))
}

#[test]
#[ignore]
fn outcomes_of_the_programs_in_weft_rc11_programs() {
    let var = |name| std::env::var(name).unwrap_or_else(|_| panic!("set {name}"));
    let text = std::fs::read_to_string(var("WEFT_RC11_PROGRAMS")).expect("the programs");
    let programs: Value = serde_json::from_str(&text).expect("JSON");
    let results: Vec<Value> = programs
        .as_array()
        .expect("a list of programs")
        .iter()
        .map(|p| {
            let (outcomes, executions, graphs) = outcomes(&program(p));
            json!({ "outcomes": outcomes, "executions": executions, "graphs": graphs })
        })
        .collect();
    let out = serde_json::to_string(&results).expect("JSON");
    std::fs::write(var("WEFT_RC11_OUT"), out).expect("the outcomes file");
}

//! Weak-memory litmus tests: the outcomes weft must produce for the classic shapes (SB, MP,
//! LB, IRIW, 2+2W, the coherence tests, WRC, ISA2, R, S) and for read-modify-writes, under
//! each ordering that changes the answer. The expected sets are exactly what RC11 allows
//! (Lahav, Vafeiadis, Kang, Hur, Dreyer, "Repairing sequential consistency in C/C++11",
//! PLDI 2017): every outcome RC11 allows must appear and nothing else may. Each test says in
//! one line why its weak outcome is allowed or forbidden.
//!
//! Every program: all locations start at 0, main spawns the threads, joins them and records
//! the outcome (the threads' registers and, where the shape needs it, the final values of
//! locations, which main reads after the joins: every store happens before those loads, so
//! coherence makes each read the last store in modification order, whatever its ordering).
//! Locations are shared with `std::sync::Arc`, which adds no scheduling points.
//!
//! A test whose set contains a non-SC outcome fails on a sequentially consistent engine
//! (it misses that outcome): that is the point of the test.
#![cfg(feature = "permute")]

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use weft::cell::UnsafeCell;
use weft::sync::atomic::{fence, AtomicUsize, Ordering, Ordering::*};
use weft::thread::{self, JoinHandle};
use weft::{Builder, FailureKind};

// ---------------------------------------------------------------------------------------
// Helpers

/// For each program: the executions weft explores, and the RC11-consistent execution graphs
/// it has (what an optimal explorer such as TruSt would explore; counted by brute force
/// over every rf and mo). weft is optimal when every atomic is SeqCst (one execution per
/// graph); with weaker orderings it runs every Mazurkiewicz trace of the interleaving
/// times the value choices of its steps, which repeats graphs (see README, "Weak memory"),
/// except that two stores that are not SeqCst commute (each chooses its place in
/// modification order), that a read whose causal past holds no store to another location
/// skips older stores whose past holds none either, and that a store with no such store in
/// its past goes before no store that was read or that it does not commute with
/// (`runtime/store_past.rs`), and that a read (a load, a read-modify-write or a
/// compare-exchange) skips an older store when a newer store that ran is outside its causal
/// cone (`runtime/early_reads.rs`): MP,
/// LB, S, R, WRC, ISA2, CoRR (with one writer and with two), CoRW, CoWR, CoWW and 2+2W are
/// optimal with them too.
/// The executions are asserted, so a change in the exploration shows here.
const EXECUTIONS: &[(&str, u64, u64)] = &[
    ("2+2W (Relaxed, None)", 4, 4),
    ("2+2W (Relaxed, Some(SeqCst))", 3, 3),
    ("2+2W (Release, None)", 4, 4),
    ("2+2W (SeqCst, None)", 3, 3),
    ("CoRR (Relaxed, Relaxed)", 6, 6),
    ("CoRR (Release, Acquire)", 6, 6),
    ("CoRR (SeqCst, SeqCst)", 6, 6),
    ("CoRR two writers Relaxed", 12, 12),
    ("CoRW Relaxed", 3, 3),
    ("CoWR Relaxed", 3, 3),
    ("CoWW Relaxed", 3, 3),
    ("IRIW (Relaxed, Relaxed, None)", 17, 16),
    ("IRIW (Relaxed, Relaxed, Some(SeqCst))", 15, 15),
    ("IRIW (Release, Acquire, None)", 17, 16),
    ("IRIW (SeqCst, SeqCst, None)", 15, 15),
    ("ISA2 (Relaxed, Relaxed, Relaxed)", 8, 8),
    ("ISA2 (Relaxed, Release, Acquire)", 7, 7),
    ("ISA2 (SeqCst, SeqCst, SeqCst)", 7, 7),
    ("LB (Acquire, Release)", 3, 3),
    ("LB (Relaxed, Relaxed)", 3, 3),
    ("LB (SeqCst, SeqCst)", 3, 3),
    (
        "MP (Relaxed, Relaxed, Acquire, Relaxed, [None, None])",
        4,
        4,
    ),
    (
        "MP (Relaxed, Relaxed, Relaxed, Relaxed, [None, None])",
        4,
        4,
    ),
    (
        "MP (Relaxed, Relaxed, Relaxed, Relaxed, [Some(Release), Some(Acquire)])",
        3,
        3,
    ),
    (
        "MP (Relaxed, Release, Acquire, Relaxed, [None, None])",
        3,
        3,
    ),
    (
        "MP (Relaxed, Release, Relaxed, Relaxed, [None, None])",
        4,
        4,
    ),
    ("MP (SeqCst, SeqCst, SeqCst, SeqCst, [None, None])", 3, 3),
    ("R (Relaxed, Relaxed, None)", 4, 4),
    ("R (Relaxed, Relaxed, Some(SeqCst))", 3, 3),
    ("R (Release, Acquire, None)", 4, 4),
    ("R (SeqCst, SeqCst, None)", 3, 3),
    ("S (Relaxed, Relaxed, Relaxed, Relaxed, None)", 4, 4),
    ("S (Relaxed, Relaxed, Relaxed, Relaxed, Some(SeqCst))", 3, 3),
    ("S (Relaxed, Release, Acquire, Relaxed, None)", 3, 3),
    ("S (SeqCst, SeqCst, SeqCst, SeqCst, None)", 3, 3),
    (
        "SB (Relaxed, Relaxed, Relaxed, Relaxed, [None, None])",
        5,
        4,
    ),
    (
        "SB (Relaxed, Relaxed, Relaxed, Relaxed, [Some(SeqCst), None])",
        5,
        4,
    ),
    (
        "SB (Relaxed, Relaxed, Relaxed, Relaxed, [Some(SeqCst), Some(SeqCst)])",
        3,
        3,
    ),
    (
        "SB (Release, Acquire, Release, Acquire, [None, None])",
        5,
        4,
    ),
    ("SB (SeqCst, Acquire, SeqCst, Acquire, [None, None])", 5, 4),
    (
        "SB (SeqCst, SeqCst, Relaxed, Relaxed, [None, Some(SeqCst)])",
        3,
        3,
    ),
    ("SB (SeqCst, SeqCst, SeqCst, SeqCst, [None, None])", 3, 3),
    ("WRC (Relaxed, Relaxed)", 8, 8),
    ("WRC (Release, Acquire)", 7, 7),
    ("WRC (SeqCst, SeqCst)", 7, 7),
    ("RMW reads an old store", 10, 10),
    ("compare_exchange", 1, 1),
    ("compare_exchange_weak", 2, 2),
    ("fetch_add Relaxed", 2, 2),
    ("publish (SeqCst, [None, None], Load(SeqCst))", 4, 4),
    ("publish (SeqCst, [None, None], Store(SeqCst))", 4, 4),
    (
        "publish (SeqCst, [None, None], CompareExchange(1, SeqCst, Relaxed))",
        4,
        4,
    ),
    (
        "publish (SeqCst, [None, None], CompareExchange(0, Relaxed, SeqCst))",
        4,
        4,
    ),
    (
        "publish (Relaxed, [Some(SeqCst), None], Load(SeqCst))",
        4,
        4,
    ),
    (
        "publish (SeqCst, [None, Some(SeqCst)], Load(Relaxed))",
        4,
        4,
    ),
    (
        "publish (Relaxed, [Some(SeqCst), Some(SeqCst)], Load(Relaxed))",
        3,
        3,
    ),
    ("sb|≠loc ends ()", 33, 24),
    ("release sequence (Relaxed, true)", 7, 7),
    ("release sequence (Release, false)", 6, 6),
    ("release sequence (Release, true)", 6, 6),
];

/// The outcomes of every execution of one program, and how many executions there were.
struct Outcomes<T> {
    /// The shape and its orderings, for assertion messages.
    label: String,
    seen: BTreeSet<T>,
    executions: u64,
    /// The distinct execution graphs among them (`Builder::count_graphs`).
    graphs: u64,
}

impl<T: Ord + Debug> Outcomes<T> {
    /// Asserts that the outcomes are exactly `expected`.
    #[track_caller]
    fn are(&self, expected: impl IntoIterator<Item = T>) {
        let expected: BTreeSet<T> = expected.into_iter().collect();
        let missing: Vec<&T> = expected.difference(&self.seen).collect();
        let extra: Vec<&T> = self.seen.difference(&expected).collect();
        assert_eq!(
            self.seen, expected,
            "{}: missing {missing:?}, not allowed {extra:?} ({} executions)",
            self.label, self.executions
        );
        let (_, explored, graphs) = EXECUTIONS
            .iter()
            .find(|(label, ..)| *label == self.label)
            .unwrap_or_else(|| panic!("{}: not in EXECUTIONS", self.label));
        assert_eq!(
            self.executions, *explored,
            "{}: executions explored ({graphs} consistent graphs)",
            self.label
        );
        // Every consistent graph, as the brute-force checker counts them, and no other.
        assert_eq!(self.graphs, *graphs, "{}: distinct graphs", self.label);
    }
}

/// Explores every execution of `program`, which calls `record` once with its outcome.
/// Panics with the report unless the exploration passes and is complete.
fn outcomes<T>(
    label: impl Into<String>,
    program: impl Fn(&dyn Fn(T)) + Send + Sync + 'static,
) -> Outcomes<T>
where
    T: Ord + Send + 'static,
{
    let label = label.into();
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let sink = seen.clone();
    // One worker: these explorations are small, and the set is the same for any number.
    let stats = Builder::new()
        .jobs(1)
        .count_graphs(true)
        .explore(move || {
            program(&|outcome| {
                sink.lock().unwrap().insert(outcome);
            })
        })
        .unwrap_or_else(|failure| panic!("{label}: {failure}"));
    assert!(stats.complete, "{label}: {stats:?}");
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    Outcomes {
        label,
        seen,
        executions: stats.executions,
        graphs: stats.graphs.expect("counted"),
    }
}

/// `N` atomic locations, all 0 (x, y, z in the shapes).
type Memory<const N: usize> = Arc<[AtomicUsize; N]>;

fn memory<const N: usize>() -> Memory<N> {
    Arc::new(std::array::from_fn(|_| AtomicUsize::new(0)))
}

/// Spawns a model thread running `f` on the locations.
fn run<const N: usize, R: Send + 'static>(
    memory: &Memory<N>,
    f: impl FnOnce(&[AtomicUsize; N]) -> R + Send + 'static,
) -> JoinHandle<R> {
    let memory = memory.clone();
    thread::spawn(move || f(&memory))
}

/// A fence of `order`, or none.
fn fence_if(order: Option<Ordering>) {
    if let Some(order) = order {
        fence(order);
    }
}

/// The label of a program: its shape and orderings.
fn label(shape: &str, orders: impl Debug) -> String {
    format!("{shape} {orders:?}")
}

/// Every `(a, b, c, d)` of 0s and 1s (16 outcomes).
fn every_bit_quad() -> impl Iterator<Item = (usize, usize, usize, usize)> {
    (0..16).map(|i| (i >> 3 & 1, i >> 2 & 1, i >> 1 & 1, i & 1))
}

#[path = "litmus/coherence.rs"]
mod coherence;
#[path = "litmus/more_threads.rs"]
mod more_threads;
#[path = "litmus/read_modify_writes.rs"]
mod read_modify_writes;
#[path = "litmus/seq_cst_order.rs"]
mod seq_cst_order;
#[path = "litmus/two_threads.rs"]
mod two_threads;

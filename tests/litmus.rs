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
/// times the value choices of its steps, which repeats graphs (see README, "Weak memory").
/// The executions are asserted, so a change in the exploration shows here.
const EXECUTIONS: &[(&str, u64, u64)] = &[
    ("2+2W (Relaxed, None)", 12, 4),
    ("2+2W (Relaxed, Some(SeqCst))", 8, 3),
    ("2+2W (Release, None)", 12, 4),
    ("2+2W (SeqCst, None)", 3, 3),
    ("CoRR (Relaxed, Relaxed)", 20, 6),
    ("CoRR (Release, Acquire)", 20, 6),
    ("CoRR (SeqCst, SeqCst)", 6, 6),
    ("CoRR two writers Relaxed", 78, 12),
    ("CoRW Relaxed", 7, 3),
    ("CoWR Relaxed", 8, 3),
    ("CoWW Relaxed", 9, 3),
    ("IRIW (Relaxed, Relaxed, None)", 77, 16),
    ("IRIW (Relaxed, Relaxed, Some(SeqCst))", 108, 15),
    ("IRIW (Release, Acquire, None)", 77, 16),
    ("IRIW (SeqCst, SeqCst, None)", 15, 15),
    ("ISA2 (Relaxed, Relaxed, Relaxed)", 23, 8),
    ("ISA2 (Relaxed, Release, Acquire)", 22, 7),
    ("ISA2 (SeqCst, SeqCst, SeqCst)", 7, 7),
    ("LB (Acquire, Release)", 5, 3),
    ("LB (Relaxed, Relaxed)", 5, 3),
    ("LB (SeqCst, SeqCst)", 3, 3),
    (
        "MP (Relaxed, Relaxed, Acquire, Relaxed, [None, None])",
        7,
        4,
    ),
    (
        "MP (Relaxed, Relaxed, Relaxed, Relaxed, [None, None])",
        7,
        4,
    ),
    (
        "MP (Relaxed, Relaxed, Relaxed, Relaxed, [Some(Release), Some(Acquire)])",
        6,
        3,
    ),
    (
        "MP (Relaxed, Release, Acquire, Relaxed, [None, None])",
        6,
        3,
    ),
    (
        "MP (Relaxed, Release, Relaxed, Relaxed, [None, None])",
        7,
        4,
    ),
    ("MP (SeqCst, SeqCst, SeqCst, SeqCst, [None, None])", 3, 3),
    ("R (Relaxed, Relaxed, None)", 10, 4),
    ("R (Relaxed, Relaxed, Some(SeqCst))", 7, 3),
    ("R (Release, Acquire, None)", 10, 4),
    ("R (SeqCst, SeqCst, None)", 3, 3),
    ("S (Relaxed, Relaxed, Relaxed, Relaxed, None)", 8, 4),
    ("S (Relaxed, Relaxed, Relaxed, Relaxed, Some(SeqCst))", 7, 3),
    ("S (Relaxed, Release, Acquire, Relaxed, None)", 7, 3),
    ("S (SeqCst, SeqCst, SeqCst, SeqCst, None)", 3, 3),
    (
        "SB (Relaxed, Relaxed, Relaxed, Relaxed, [None, None])",
        8,
        4,
    ),
    (
        "SB (Relaxed, Relaxed, Relaxed, Relaxed, [Some(SeqCst), None])",
        8,
        4,
    ),
    (
        "SB (Relaxed, Relaxed, Relaxed, Relaxed, [Some(SeqCst), Some(SeqCst)])",
        6,
        3,
    ),
    (
        "SB (Release, Acquire, Release, Acquire, [None, None])",
        8,
        4,
    ),
    ("SB (SeqCst, Acquire, SeqCst, Acquire, [None, None])", 8, 4),
    (
        "SB (SeqCst, SeqCst, Relaxed, Relaxed, [None, Some(SeqCst)])",
        7,
        3,
    ),
    ("SB (SeqCst, SeqCst, SeqCst, SeqCst, [None, None])", 3, 3),
    ("WRC (Relaxed, Relaxed)", 23, 8),
    ("WRC (Release, Acquire)", 22, 7),
    ("WRC (SeqCst, SeqCst)", 7, 7),
    ("RMW reads an old store", 32, 10),
    ("compare_exchange", 1, 1),
    ("compare_exchange_weak", 2, 2),
    ("fetch_add Relaxed", 2, 2),
    ("release sequence (Relaxed, true)", 19, 7),
    ("release sequence (Release, false)", 18, 6),
    ("release sequence (Release, true)", 18, 6),
];

/// The outcomes of every execution of one program, and how many executions there were.
struct Outcomes<T> {
    /// The shape and its orderings, for assertion messages.
    label: String,
    seen: BTreeSet<T>,
    executions: u64,
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

// ---------------------------------------------------------------------------------------
// SB (store buffering): `x=1; a=y ‖ y=1; b=x`. Weak outcome: a=0, b=0.

/// SB with `store`/`load` orderings and an optional fence between each thread's accesses;
/// outcome `(a, b)`.
fn sb(
    (store1, load1): (Ordering, Ordering),
    (store2, load2): (Ordering, Ordering),
    fences: [Option<Ordering>; 2],
) -> Outcomes<(usize, usize)> {
    let name = label("SB", (store1, load1, store2, load2, fences));
    outcomes(name, move |record| {
        let m = memory::<2>();
        let t1 = run(&m, move |[x, y]| {
            x.store(1, store1);
            fence_if(fences[0]);
            y.load(load1)
        });
        let t2 = run(&m, move |[x, y]| {
            y.store(1, store2);
            fence_if(fences[1]);
            x.load(load2)
        });
        record((t1.join().unwrap(), t2.join().unwrap()));
    })
}

const NO_FENCES: [Option<Ordering>; 2] = [None, None];
const SC_FENCES: [Option<Ordering>; 2] = [Some(SeqCst), Some(SeqCst)];

#[test]
fn sb_seqcst_forbids_both_zero() {
    // Forbidden: the four SeqCst accesses form a cycle in RC11's psc (sb; rb; sb; rb).
    sb((SeqCst, SeqCst), (SeqCst, SeqCst), NO_FENCES).are([(0, 1), (1, 0), (1, 1)]);
}

#[test]
fn sb_release_acquire_allows_both_zero() {
    // Allowed: neither load reads from the other thread, so nothing synchronises.
    sb((Release, Acquire), (Release, Acquire), NO_FENCES).are([(0, 0), (0, 1), (1, 0), (1, 1)]);
}

#[test]
fn sb_relaxed_allows_both_zero() {
    // Allowed: Relaxed accesses take part in no order across locations.
    sb((Relaxed, Relaxed), (Relaxed, Relaxed), NO_FENCES).are([(0, 0), (0, 1), (1, 0), (1, 1)]);
}

#[test]
fn sb_seqcst_stores_with_acquire_loads_allow_both_zero() {
    // Allowed: psc only orders SeqCst events (and SeqCst fences); the loads are not SeqCst.
    sb((SeqCst, Acquire), (SeqCst, Acquire), NO_FENCES).are([(0, 0), (0, 1), (1, 0), (1, 1)]);
}

#[test]
fn sb_relaxed_with_seqcst_fences_forbids_both_zero() {
    // Forbidden: each fence reaches the other by sb; rb; sb, a cycle in psc_F.
    sb((Relaxed, Relaxed), (Relaxed, Relaxed), SC_FENCES).are([(0, 1), (1, 0), (1, 1)]);
}

#[test]
fn sb_relaxed_with_one_seqcst_fence_allows_both_zero() {
    // Allowed: a single SeqCst fence has no other SeqCst event to be ordered against.
    sb((Relaxed, Relaxed), (Relaxed, Relaxed), [Some(SeqCst), None]).are([
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
    ]);
}

#[test]
fn sb_seqcst_thread_and_fenced_relaxed_thread_forbid_both_zero() {
    // Forbidden: psc_base orders Wx before Ry (sb), Ry before F (rb; sb) and F before Wx
    // (sb; rb), a cycle (C++20 [atomics.order] p4 says the same of its order S).
    sb((SeqCst, SeqCst), (Relaxed, Relaxed), [None, Some(SeqCst)]).are([(0, 1), (1, 0), (1, 1)]);
}

// ---------------------------------------------------------------------------------------
// MP (message passing): `x=1; y=1 ‖ a=y; b=x`. Weak outcome: a=1, b=0.

/// MP: data `x` and flag `y` with the given store and load orderings, an optional fence
/// between the writer's stores and between the reader's loads; outcome `(a, b)`.
fn mp(
    (store_x, store_y): (Ordering, Ordering),
    (load_y, load_x): (Ordering, Ordering),
    fences: [Option<Ordering>; 2],
) -> Outcomes<(usize, usize)> {
    let name = label("MP", (store_x, store_y, load_y, load_x, fences));
    outcomes(name, move |record| {
        let m = memory::<2>();
        let writer = run(&m, move |[x, y]| {
            x.store(1, store_x);
            fence_if(fences[0]);
            y.store(1, store_y);
        });
        let reader = run(&m, move |[x, y]| {
            let a = y.load(load_y);
            fence_if(fences[1]);
            (a, x.load(load_x))
        });
        writer.join().unwrap();
        record(reader.join().unwrap());
    })
}

#[test]
fn mp_seqcst_forbids_stale_data() {
    // Forbidden: the SeqCst accesses are release/acquire too, so x=1 happens before b=x.
    mp((SeqCst, SeqCst), (SeqCst, SeqCst), NO_FENCES).are([(0, 0), (0, 1), (1, 1)]);
}

#[test]
fn mp_release_acquire_forbids_stale_data() {
    // Forbidden: the acquire load reading the release store synchronises with it, so x=1
    // happens before b=x, and coherence (CoWR through hb) forbids reading the initial 0.
    mp((Relaxed, Release), (Acquire, Relaxed), NO_FENCES).are([(0, 0), (0, 1), (1, 1)]);
}

#[test]
fn mp_relaxed_allows_stale_data() {
    // Allowed: a Relaxed load reading a Relaxed store does not synchronise.
    mp((Relaxed, Relaxed), (Relaxed, Relaxed), NO_FENCES).are([(0, 0), (0, 1), (1, 0), (1, 1)]);
}

#[test]
fn mp_release_store_with_relaxed_load_allows_stale_data() {
    // Allowed: synchronisation needs both halves; a Relaxed load acquires nothing.
    mp((Relaxed, Release), (Relaxed, Relaxed), NO_FENCES).are([(0, 0), (0, 1), (1, 0), (1, 1)]);
}

#[test]
fn mp_relaxed_store_with_acquire_load_allows_stale_data() {
    // Allowed: synchronisation needs both halves; a Relaxed store releases nothing.
    mp((Relaxed, Relaxed), (Acquire, Relaxed), NO_FENCES).are([(0, 0), (0, 1), (1, 0), (1, 1)]);
}

#[test]
fn mp_relaxed_with_release_and_acquire_fences_forbids_stale_data() {
    // Forbidden: release fence; y=1 read by a=y; acquire fence is fence-fence
    // synchronisation (RC11's sw), so x=1 happens before b=x.
    mp(
        (Relaxed, Relaxed),
        (Relaxed, Relaxed),
        [Some(Release), Some(Acquire)],
    )
    .are([(0, 0), (0, 1), (1, 1)]);
}

// ---------------------------------------------------------------------------------------
// LB (load buffering): `a=x; y=1 ‖ b=y; x=1`. Weak outcome: a=1, b=1.

/// LB with `load`/`store` orderings; outcome `(a, b)`.
fn lb(load: Ordering, store: Ordering) -> Outcomes<(usize, usize)> {
    outcomes(label("LB", (load, store)), move |record| {
        let m = memory::<2>();
        let t1 = run(&m, move |[x, y]| {
            let a = x.load(load);
            y.store(1, store);
            a
        });
        let t2 = run(&m, move |[x, y]| {
            let b = y.load(load);
            x.store(1, store);
            b
        });
        record((t1.join().unwrap(), t2.join().unwrap()));
    })
}

#[test]
fn lb_seqcst_forbids_both_one() {
    // Forbidden: a cycle in sb ∪ rf (and in psc).
    lb(SeqCst, SeqCst).are([(0, 0), (0, 1), (1, 0)]);
}

#[test]
fn lb_release_acquire_forbids_both_one() {
    // Forbidden: each load would read a store it happens before (coherence), and sb ∪ rf
    // would be cyclic.
    lb(Acquire, Release).are([(0, 0), (0, 1), (1, 0)]);
}

#[test]
fn lb_relaxed_forbids_both_one() {
    // Forbidden: RC11's no-thin-air axiom, acyclic(sb ∪ rf), holds for Relaxed too.
    lb(Relaxed, Relaxed).are([(0, 0), (0, 1), (1, 0)]);
}

// ---------------------------------------------------------------------------------------
// IRIW (independent reads of independent writes): `x=1 ‖ y=1 ‖ a=x; b=y ‖ c=y; d=x`.
// Weak outcome: a=1, b=0, c=1, d=0 (the readers see the writes in opposite orders).

/// IRIW with `store`/`load` orderings and an optional fence between each reader's loads;
/// outcome `(a, b, c, d)`.
fn iriw(
    store: Ordering,
    load: Ordering,
    reader_fence: Option<Ordering>,
) -> Outcomes<(usize, usize, usize, usize)> {
    let name = label("IRIW", (store, load, reader_fence));
    outcomes(name, move |record| {
        let m = memory::<2>();
        let w1 = run(&m, move |[x, _]| x.store(1, store));
        let w2 = run(&m, move |[_, y]| y.store(1, store));
        let r1 = run(&m, move |[x, y]| {
            let a = x.load(load);
            fence_if(reader_fence);
            (a, y.load(load))
        });
        let r2 = run(&m, move |[x, y]| {
            let c = y.load(load);
            fence_if(reader_fence);
            (c, x.load(load))
        });
        w1.join().unwrap();
        w2.join().unwrap();
        let ((a, b), (c, d)) = (r1.join().unwrap(), r2.join().unwrap());
        record((a, b, c, d));
    })
}

const READERS_DISAGREE: (usize, usize, usize, usize) = (1, 0, 1, 0);

#[test]
fn iriw_seqcst_forbids_readers_disagreeing() {
    // Forbidden: psc totally orders the two SeqCst stores, and both readers must agree.
    iriw(SeqCst, SeqCst, None).are(every_bit_quad().filter(|o| *o != READERS_DISAGREE));
}

#[test]
fn iriw_release_acquire_allows_readers_disagreeing() {
    // Allowed: RC11 (like Power) is not multi-copy atomic for release/acquire.
    iriw(Release, Acquire, None).are(every_bit_quad());
}

#[test]
fn iriw_relaxed_allows_readers_disagreeing() {
    // Allowed: Relaxed reads constrain nothing across locations.
    iriw(Relaxed, Relaxed, None).are(every_bit_quad());
}

#[test]
fn iriw_relaxed_with_seqcst_fences_in_readers_forbids_readers_disagreeing() {
    // Forbidden: each reader's fence reaches the other's by sb; rb; rf; sb (psc_F cycle).
    iriw(Relaxed, Relaxed, Some(SeqCst)).are(every_bit_quad().filter(|o| *o != READERS_DISAGREE));
}

// ---------------------------------------------------------------------------------------
// 2+2W: `x=1; y=2 ‖ y=1; x=2`, final x and y. Weak outcome: x=1, y=1 (each thread's first
// store is last in modification order).

/// 2+2W with `store` ordering and an optional fence between each thread's stores; outcome
/// the final `(x, y)`.
fn two_plus_two_w(store: Ordering, fences: Option<Ordering>) -> Outcomes<(usize, usize)> {
    outcomes(label("2+2W", (store, fences)), move |record| {
        let m = memory::<2>();
        let t1 = run(&m, move |[x, y]| {
            x.store(1, store);
            fence_if(fences);
            y.store(2, store);
        });
        let t2 = run(&m, move |[x, y]| {
            y.store(1, store);
            fence_if(fences);
            x.store(2, store);
        });
        t1.join().unwrap();
        t2.join().unwrap();
        let [x, y] = &*m;
        record((x.load(Relaxed), y.load(Relaxed)));
    })
}

#[test]
fn two_plus_two_w_seqcst_forbids_both_first_stores_last() {
    // Forbidden: sb and mo between the four SeqCst stores would form a psc cycle.
    two_plus_two_w(SeqCst, None).are([(1, 2), (2, 1), (2, 2)]);
}

#[test]
fn two_plus_two_w_release_allows_both_first_stores_last() {
    // Allowed: no load, so no synchronisation; RC11 does not require sb ∪ mo acyclic
    // (only the stronger SRA model forbids 2+2W under release/acquire).
    two_plus_two_w(Release, None).are([(1, 1), (1, 2), (2, 1), (2, 2)]);
}

#[test]
fn two_plus_two_w_relaxed_allows_both_first_stores_last() {
    // Allowed: Relaxed stores to different locations are unordered.
    two_plus_two_w(Relaxed, None).are([(1, 1), (1, 2), (2, 1), (2, 2)]);
}

#[test]
fn two_plus_two_w_relaxed_with_seqcst_fences_forbids_both_first_stores_last() {
    // Forbidden: each fence reaches the other by sb; mo; sb (psc_F cycle).
    two_plus_two_w(Relaxed, Some(SeqCst)).are([(1, 2), (2, 1), (2, 2)]);
}

// ---------------------------------------------------------------------------------------
// Coherence: the stores to one location are totally ordered (modification order) and every
// thread's accesses to that location agree with it, whatever the orderings.

const EVERY_ORDERING: [(Ordering, Ordering); 3] =
    [(Relaxed, Relaxed), (Release, Acquire), (SeqCst, SeqCst)];

/// CoRR, two threads: `x=1; x=2 ‖ a=x; b=x`; outcome `(a, b)`.
fn corr(store: Ordering, load: Ordering) -> Outcomes<(usize, usize)> {
    outcomes(label("CoRR", (store, load)), move |record| {
        let m = memory::<1>();
        let writer = run(&m, move |[x]| {
            x.store(1, store);
            x.store(2, store);
        });
        let reader = run(&m, move |[x]| (x.load(load), x.load(load)));
        writer.join().unwrap();
        record(reader.join().unwrap());
    })
}

#[test]
fn corr_reads_never_go_back_in_modification_order() {
    for (store, load) in EVERY_ORDERING {
        // Forbidden b from a store mo-before a's (1 then 0, 2 then 0, 2 then 1): CoRR
        // (a=x sb b=x is hb, b=x rb; rf a=x is eco, and coherence forbids hb; eco cycles).
        corr(store, load).are([(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)]);
    }
}

#[test]
fn corr_two_writers_reads_follow_modification_order() {
    // `x=1 ‖ x=2 ‖ a=x; b=x`, outcome (a, b, final x): the reader may see the stores in
    // either order, but only in the order the final value shows (mo is 1, 2 iff x ends 2).
    let seen = outcomes("CoRR two writers Relaxed", |record| {
        let m = memory::<1>();
        let w1 = run(&m, |[x]| x.store(1, Relaxed));
        let w2 = run(&m, |[x]| x.store(2, Relaxed));
        let reader = run(&m, |[x]| (x.load(Relaxed), x.load(Relaxed)));
        w1.join().unwrap();
        w2.join().unwrap();
        let (a, b) = reader.join().unwrap();
        record((a, b, m[0].load(Relaxed)));
    });
    seen.are([
        // mo 0, 1, 2 (x ends 2): b is a or a later store.
        (0, 0, 2),
        (0, 1, 2),
        (0, 2, 2),
        (1, 1, 2),
        (1, 2, 2),
        (2, 2, 2),
        // mo 0, 2, 1 (x ends 1).
        (0, 0, 1),
        (0, 2, 1),
        (0, 1, 1),
        (2, 2, 1),
        (2, 1, 1),
        (1, 1, 1),
    ]);
}

#[test]
fn corw_a_read_never_sees_a_store_coherence_puts_after_its_own() {
    // `a=x; x=1 ‖ x=2`, outcome (a, final x). Forbidden a=2 with x ending 2 (CoRW: the
    // read of 2 comes before x=1 in sb, so x=2 is before x=1 in mo), and a=1 (own later
    // store, a cycle in sb ∪ rf).
    outcomes("CoRW Relaxed", |record| {
        let m = memory::<1>();
        let t1 = run(&m, |[x]| {
            let a = x.load(Relaxed);
            x.store(1, Relaxed);
            a
        });
        let t2 = run(&m, |[x]| x.store(2, Relaxed));
        let a = t1.join().unwrap();
        t2.join().unwrap();
        record((a, m[0].load(Relaxed)));
    })
    .are([(0, 1), (0, 2), (2, 1)]);
}

#[test]
fn cowr_a_read_never_sees_a_store_older_than_its_own() {
    // `x=1; a=x ‖ x=2`, outcome (a, final x). Forbidden a=0 and a=2 with x ending 1 (CoWR:
    // the thread's own store happens before its read, so the read cannot take an
    // mo-earlier store).
    outcomes("CoWR Relaxed", |record| {
        let m = memory::<1>();
        let t1 = run(&m, |[x]| {
            x.store(1, Relaxed);
            x.load(Relaxed)
        });
        let t2 = run(&m, |[x]| x.store(2, Relaxed));
        let a = t1.join().unwrap();
        t2.join().unwrap();
        record((a, m[0].load(Relaxed)));
    })
    .are([(1, 1), (1, 2), (2, 2)]);
}

#[test]
fn coww_stores_of_one_thread_keep_their_order() {
    // `x=1; x=2 ‖ x=3`, outcome final x. Forbidden 1 (CoWW: sb between stores to one
    // location is in mo).
    outcomes("CoWW Relaxed", |record| {
        let m = memory::<1>();
        let t1 = run(&m, |[x]| {
            x.store(1, Relaxed);
            x.store(2, Relaxed);
        });
        let t2 = run(&m, |[x]| x.store(3, Relaxed));
        t1.join().unwrap();
        t2.join().unwrap();
        record(m[0].load(Relaxed));
    })
    .are([2, 3]);
}

// ---------------------------------------------------------------------------------------
// WRC (write-to-read causality): `x=1 ‖ a=x; y=1 ‖ b=y; c=x`. Weak outcome: a=1, b=1, c=0.

/// WRC with `store` ordering for both stores and `load` for the three loads; outcome
/// `(a, b, c)`.
fn wrc(store: Ordering, load: Ordering) -> Outcomes<(usize, usize, usize)> {
    outcomes(label("WRC", (store, load)), move |record| {
        let m = memory::<2>();
        let t1 = run(&m, move |[x, _]| x.store(1, store));
        let t2 = run(&m, move |[x, y]| {
            let a = x.load(load);
            y.store(1, store);
            a
        });
        let t3 = run(&m, move |[x, y]| (y.load(load), x.load(load)));
        t1.join().unwrap();
        let a = t2.join().unwrap();
        let (b, c) = t3.join().unwrap();
        record((a, b, c));
    })
}

/// Every `(a, b, c)` of 0s and 1s (8 outcomes).
fn every_bit_triple() -> impl Iterator<Item = (usize, usize, usize)> {
    (0..8).map(|i| (i >> 2 & 1, i >> 1 & 1, i & 1))
}

/// WRC's and ISA2's weak outcome: the last thread saw the end of the causal chain but not
/// its start.
const CHAIN_BROKEN: (usize, usize, usize) = (1, 1, 0);

#[test]
fn wrc_seqcst_forbids_stale_read_after_causal_chain() {
    // Forbidden: SeqCst accesses synchronise like release/acquire (see the next test).
    wrc(SeqCst, SeqCst).are(every_bit_triple().filter(|o| *o != CHAIN_BROKEN));
}

#[test]
fn wrc_release_acquire_forbids_stale_read_after_causal_chain() {
    // Forbidden: x=1 sw a=x sb y=1 sw b=y sb c=x, so x=1 happens before c=x (hb is
    // transitive).
    wrc(Release, Acquire).are(every_bit_triple().filter(|o| *o != CHAIN_BROKEN));
}

#[test]
fn wrc_relaxed_allows_stale_read_after_causal_chain() {
    // Allowed: without synchronisation nothing orders x=1 before c=x.
    wrc(Relaxed, Relaxed).are(every_bit_triple());
}

// ---------------------------------------------------------------------------------------
// ISA2: `x=1; y=1 ‖ a=y; z=1 ‖ b=z; c=x`. Weak outcome: a=1, b=1, c=0.

/// ISA2 with `x_order` for both accesses of the data x, `store`/`load` for those of the
/// flags y and z; outcome `(a, b, c)`.
fn isa2(x_order: Ordering, (store, load): (Ordering, Ordering)) -> Outcomes<(usize, usize, usize)> {
    outcomes(label("ISA2", (x_order, store, load)), move |record| {
        let m = memory::<3>();
        let t1 = run(&m, move |[x, y, _]| {
            x.store(1, x_order);
            y.store(1, store);
        });
        let t2 = run(&m, move |[_, y, z]| {
            let a = y.load(load);
            z.store(1, store);
            a
        });
        let t3 = run(&m, move |[x, _, z]| (z.load(load), x.load(x_order)));
        t1.join().unwrap();
        let a = t2.join().unwrap();
        let (b, c) = t3.join().unwrap();
        record((a, b, c));
    })
}

#[test]
fn isa2_seqcst_forbids_stale_read_after_causal_chain() {
    // Forbidden: SeqCst accesses synchronise like release/acquire (see the next test).
    isa2(SeqCst, (SeqCst, SeqCst)).are(every_bit_triple().filter(|o| *o != CHAIN_BROKEN));
}

#[test]
fn isa2_release_acquire_flags_forbid_stale_read_after_causal_chain() {
    // Forbidden: x=1 sb y=1 sw a=y sb z=1 sw b=z sb c=x puts x=1 before c=x in hb.
    isa2(Relaxed, (Release, Acquire)).are(every_bit_triple().filter(|o| *o != CHAIN_BROKEN));
}

#[test]
fn isa2_relaxed_allows_stale_read_after_causal_chain() {
    // Allowed: without synchronisation nothing orders x=1 before c=x.
    isa2(Relaxed, (Relaxed, Relaxed)).are(every_bit_triple());
}

// ---------------------------------------------------------------------------------------
// R: `x=1; y=1 ‖ y=2; a=x`, outcome (final y, a). Weak outcome: y=2 (y=1 before y=2 in mo)
// and a=0.

/// R with `store`/`load` orderings and an optional fence between each thread's accesses.
fn r(store: Ordering, load: Ordering, fences: Option<Ordering>) -> Outcomes<(usize, usize)> {
    outcomes(label("R", (store, load, fences)), move |record| {
        let m = memory::<2>();
        let t1 = run(&m, move |[x, y]| {
            x.store(1, store);
            fence_if(fences);
            y.store(1, store);
        });
        let t2 = run(&m, move |[x, y]| {
            y.store(2, store);
            fence_if(fences);
            x.load(load)
        });
        t1.join().unwrap();
        let a = t2.join().unwrap();
        record((m[1].load(Relaxed), a));
    })
}

#[test]
fn r_seqcst_forbids_stale_read_after_later_store() {
    // Forbidden: x=1 sb y=1 mo y=2 sb a=x rb x=1 is a psc cycle of SeqCst events.
    r(SeqCst, SeqCst, None).are([(1, 0), (1, 1), (2, 1)]);
}

#[test]
fn r_release_acquire_allows_stale_read_after_later_store() {
    // Allowed: mo between the y stores creates no happens-before (nothing reads y), and
    // the cycle sb; mo; sb; rb is not of the form hb; eco that coherence forbids.
    r(Release, Acquire, None).are([(1, 0), (1, 1), (2, 0), (2, 1)]);
}

#[test]
fn r_relaxed_allows_stale_read_after_later_store() {
    // Allowed: as with release/acquire, and Relaxed orders even less.
    r(Relaxed, Relaxed, None).are([(1, 0), (1, 1), (2, 0), (2, 1)]);
}

#[test]
fn r_relaxed_with_seqcst_fences_forbids_stale_read_after_later_store() {
    // Forbidden: F1 sb; mo; sb F2 and F2 sb; rb; sb F1 form a psc_F cycle.
    r(Relaxed, Relaxed, Some(SeqCst)).are([(1, 0), (1, 1), (2, 1)]);
}

// ---------------------------------------------------------------------------------------
// S: `x=2; y=1 ‖ a=y; x=1`, outcome (a, final x). Weak outcome: a=1 and x ends 2 (x=1
// before x=2 in mo).

/// S with the orderings of `x=2`, `y=1`, `a=y`, `x=1` and an optional fence between each
/// thread's accesses.
fn s(
    (store_x2, store_y): (Ordering, Ordering),
    (load_y, store_x1): (Ordering, Ordering),
    fences: Option<Ordering>,
) -> Outcomes<(usize, usize)> {
    let name = label("S", (store_x2, store_y, load_y, store_x1, fences));
    outcomes(name, move |record| {
        let m = memory::<2>();
        let t1 = run(&m, move |[x, y]| {
            x.store(2, store_x2);
            fence_if(fences);
            y.store(1, store_y);
        });
        let t2 = run(&m, move |[x, y]| {
            let a = y.load(load_y);
            fence_if(fences);
            x.store(1, store_x1);
            a
        });
        t1.join().unwrap();
        let a = t2.join().unwrap();
        record((a, m[0].load(Relaxed)));
    })
}

#[test]
fn s_seqcst_forbids_overwritten_store_last() {
    // Forbidden: SeqCst accesses synchronise like release/acquire (see the next test).
    s((SeqCst, SeqCst), (SeqCst, SeqCst), None).are([(0, 1), (0, 2), (1, 1)]);
}

#[test]
fn s_release_acquire_forbids_overwritten_store_last() {
    // Forbidden: x=2 sb y=1 sw a=y sb x=1 puts x=2 before x=1 in hb, hence in mo (CoWW).
    s((Relaxed, Release), (Acquire, Relaxed), None).are([(0, 1), (0, 2), (1, 1)]);
}

#[test]
fn s_relaxed_allows_overwritten_store_last() {
    // Allowed: without synchronisation x=2 and x=1 may take either order in mo.
    s((Relaxed, Relaxed), (Relaxed, Relaxed), None).are([(0, 1), (0, 2), (1, 1), (1, 2)]);
}

#[test]
fn s_relaxed_with_seqcst_fences_forbids_overwritten_store_last() {
    // Forbidden: a SeqCst fence is a release and an acquire fence, so the fences
    // synchronise through y and x=2 happens before x=1.
    s((Relaxed, Relaxed), (Relaxed, Relaxed), Some(SeqCst)).are([(0, 1), (0, 2), (1, 1)]);
}

// ---------------------------------------------------------------------------------------
// Read-modify-writes.

#[test]
fn fetch_add_relaxed_never_loses_an_update() {
    // Two `fetch_add(1, Relaxed)`, outcome (each one's old value, final x). Forbidden both
    // reading 0: RC11's atomicity axiom (an RMW reads the store just before it in mo).
    outcomes("fetch_add Relaxed", |record| {
        let m = memory::<1>();
        let t1 = run(&m, |[x]| x.fetch_add(1, Relaxed));
        let t2 = run(&m, |[x]| x.fetch_add(1, Relaxed));
        let (a, b) = (t1.join().unwrap(), t2.join().unwrap());
        record((a, b, m[0].load(Relaxed)));
    })
    .are([(0, 1, 2), (1, 0, 2)]);
}

#[test]
fn relaxed_rmw_may_read_a_store_older_than_one_its_thread_heard_of() {
    // `x=1 ‖ r1=x; y=1 ‖ r2=y; r3=x.fetch_add(2)`, outcome (r1, r2, r3, final x). Allowed
    // r1=1, r2=1, r3=0, x=1: the RMW reads the initial store and goes before `x=1` in mo;
    // nothing orders `x=1` before it (Relaxed rf is no synchronisation), so coherence
    // allows it although `x=1` ran first.
    outcomes("RMW reads an old store", |record| {
        let m = memory::<2>();
        let t1 = run(&m, |[x, _]| x.store(1, Relaxed));
        let t2 = run(&m, |[x, y]| {
            let r1 = x.load(Relaxed);
            y.store(1, Relaxed);
            r1
        });
        let t3 = run(&m, |[x, y]| (y.load(Relaxed), x.fetch_add(2, Relaxed)));
        t1.join().unwrap();
        let r1 = t2.join().unwrap();
        let (r2, r3) = t3.join().unwrap();
        record((r1, r2, r3, m[0].load(Relaxed)));
    })
    .are([
        (0, 0, 0, 1),
        (0, 0, 1, 3),
        (0, 1, 0, 1),
        (0, 1, 1, 3),
        (1, 0, 0, 1),
        (1, 0, 1, 3),
        (1, 1, 0, 1),
        (1, 1, 1, 3),
        (2, 0, 0, 1),
        (3, 0, 1, 3),
    ]);
}

/// The locations of the release-sequence program: a flag and the data it publishes, as a
/// cell (checked for races) or as a Relaxed atomic.
struct Published {
    flag: AtomicUsize,
    data: UnsafeCell<usize>,
    atomic_data: AtomicUsize,
}

// SAFETY: `data` is written by thread 1 only, and read by thread 3 only when the flag says
// it was published; whether the orderings make that so is what the race detector checks.
unsafe impl Sync for Published {}

/// The outcomes of `release_sequence_program`.
fn release_sequence(flag_store: Ordering, atomic_data: bool) -> Outcomes<(usize, Option<usize>)> {
    let name = label("release sequence", (flag_store, atomic_data));
    outcomes(name, move |record| {
        release_sequence_program(flag_store, atomic_data, record)
    })
}

/// The release-sequence program: thread 1 writes data (the cell, or the atomic if
/// `atomic_data`), then `flag.store(1, flag_store)`; thread 2 does
/// `flag.fetch_add(1, Relaxed)`; thread 3 loads the flag with Acquire and, if it reads 2,
/// reads the data. Outcome: (flag, data read).
fn release_sequence_program(
    flag_store: Ordering,
    atomic_data: bool,
    record: &dyn Fn((usize, Option<usize>)),
) {
    let shared = Arc::new(Published {
        flag: AtomicUsize::new(0),
        data: UnsafeCell::new(0),
        atomic_data: AtomicUsize::new(0),
    });
    let writer = {
        let shared = shared.clone();
        thread::spawn(move || {
            if atomic_data {
                shared.atomic_data.store(1, Relaxed);
            } else {
                // SAFETY: see `Sync`.
                shared.data.with_mut(|p| unsafe { *p = 1 });
            }
            shared.flag.store(1, flag_store);
        })
    };
    let rmw = {
        let shared = shared.clone();
        thread::spawn(move || shared.flag.fetch_add(1, Relaxed))
    };
    let reader = {
        let shared = shared.clone();
        thread::spawn(move || {
            let flag = shared.flag.load(Acquire);
            let data = (flag == 2).then(|| {
                if atomic_data {
                    shared.atomic_data.load(Relaxed)
                } else {
                    // SAFETY: see `Sync`.
                    shared.data.with(|p| unsafe { *p })
                }
            });
            (flag, data)
        })
    };
    writer.join().unwrap();
    rmw.join().unwrap();
    record(reader.join().unwrap());
}

#[test]
fn release_sequence_through_relaxed_rmw_publishes_data() {
    // Reading 2 means reading the RMW that read the release store: the RMW continues the
    // store's release sequence, so the acquire load synchronises with the store and the
    // write of data happens before its read (no race, and it reads 1).
    release_sequence(Release, false).are([(0, None), (1, None), (2, Some(1))]);
}

#[test]
fn release_sequence_with_atomic_data_forbids_stale_data() {
    // The same with data a Relaxed atomic: data=0 is forbidden (CoWR through hb).
    release_sequence(Release, true).are([(0, None), (1, None), (2, Some(1))]);
}

#[test]
fn relaxed_flag_store_heads_no_release_sequence_so_atomic_data_may_be_stale() {
    // Allowed (2, Some(0)): a Relaxed store heads no release sequence, nothing synchronises.
    release_sequence(Relaxed, true).are([(0, None), (1, None), (2, Some(0)), (2, Some(1))]);
}

#[test]
fn relaxed_flag_store_heads_no_release_sequence_so_the_data_read_races() {
    // With data a cell, the missing synchronisation is a data race: the read of data is not
    // ordered after the write.
    let failure = Builder::new()
        .jobs(1)
        .explore(|| release_sequence_program(Relaxed, false, &|_| {}))
        .expect_err("a Relaxed flag store publishes nothing");
    assert_eq!(failure.kind(), FailureKind::DataRace, "{failure}");
    let report = failure.to_string();
    assert!(
        report.starts_with("weft: data race on UnsafeCell"),
        "{report}"
    );
    let read = format!(
        "  read at tests/litmus.rs:{}:",
        line_of("shared.data.with(|p|")
    );
    let write = format!(
        "  previous write at tests/litmus.rs:{}:",
        line_of("shared.data.with_mut(|p|")
    );
    assert!(report.contains(&read), "{read:?} in {report}");
    assert!(report.contains(&write), "{write:?} in {report}");
}

#[test]
fn compare_exchange_weak_may_fail_spuriously() {
    // Allowed Err(0) although x is 0: a weak compare-exchange may fail spuriously (C++
    // [atomics.types.operations], Rust's `compare_exchange_weak` docs); exploring it must
    // cover both results.
    outcomes("compare_exchange_weak", |record| {
        let x = AtomicUsize::new(0);
        record(x.compare_exchange_weak(0, 1, Relaxed, Relaxed));
    })
    .are([Ok(0), Err(0)]);
}

#[test]
fn compare_exchange_never_fails_spuriously() {
    // Forbidden Err(0): a strong compare-exchange fails only when the value differs.
    outcomes("compare_exchange", |record| {
        let x = AtomicUsize::new(0);
        record(x.compare_exchange(0, 1, Relaxed, Relaxed));
    })
    .are([Ok(0)]);
}

/// The line of this file that contains `text` (first occurrence).
fn line_of(text: &str) -> usize {
    include_str!("litmus.rs")
        .lines()
        .position(|line| line.contains(text))
        .expect("the line exists")
        + 1
}

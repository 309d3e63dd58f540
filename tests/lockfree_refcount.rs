//! The reference-counted pointer of `examples/lockfree/refcount.rs`: with a Release
//! decrement and an Acquire fence before the free (std's `Arc`), or an AcqRel decrement,
//! every owner's use happens before the free; with a Relaxed decrement, or without the
//! fence, weft reports the free racing with the other owner's read.
#![cfg(feature = "permute")]

#[path = "../examples/lockfree/refcount.rs"]
mod refcount;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use refcount::{share, Orders};
use weft::{Builder, FailureKind};

/// Explores `share` with `orders`, which must pass; both main and the thread must free
/// in some execution.
fn frees_safely(orders: Orders) {
    let freers = Arc::new(Mutex::new(BTreeSet::new()));
    let sink = freers.clone();
    let stats = Builder::new()
        .jobs(1)
        .explore(share(orders, move |thread_freed| {
            sink.lock().unwrap().insert(thread_freed);
        }))
        .unwrap_or_else(|failure| panic!("{orders:?} is correct: {failure}"));
    assert!(stats.complete);
    assert_eq!(
        *freers.lock().unwrap(),
        BTreeSet::from([false, true]),
        "main frees in some execution, the thread in others"
    );
}

#[test]
fn release_decrement_and_acquire_fence_free_safely() {
    frees_safely(Orders::CORRECT);
}

#[test]
fn acq_rel_decrement_frees_safely_without_fence() {
    frees_safely(Orders::ACQ_REL);
}

/// The report of the failing exploration with `orders`: the free (a write) races with the
/// other owner's read of the value, each named by its line of `refcount.rs`.
fn free_races(orders: Orders) -> String {
    let failure = Builder::new()
        .jobs(1)
        .explore(share(orders, |_| {}))
        .expect_err("the free is not ordered after the other owner's read");
    assert_eq!(failure.kind(), FailureKind::DataRace, "{failure}");
    let report = failure.to_string();
    assert!(
        report.starts_with("weft: data race on UnsafeCell"),
        "{report}"
    );
    let write = format!(
        "  write at tests/../examples/lockfree/refcount.rs:{}:",
        line_of("value.with_mut(|p| unsafe { *p = FREED })")
    );
    let read = format!(
        "  previous read at tests/../examples/lockfree/refcount.rs:{}:",
        line_of("value.with(|p| unsafe { *p })")
    );
    assert!(report.contains(&write), "{write:?} in {report}");
    assert!(report.contains(&read), "{read:?} in {report}");
    report
}

#[test]
fn relaxed_decrement_lets_the_free_race_with_a_read() {
    // The other owner's decrement releases nothing.
    free_races(Orders::RELAXED);
}

#[test]
fn release_decrement_without_acquire_fence_lets_the_free_race_with_a_read() {
    // The other owner's decrement releases its read, but the freeing owner acquires nothing.
    free_races(Orders::NO_FENCE);
}

/// The line of `examples/lockfree/refcount.rs` that contains `text`.
fn line_of(text: &str) -> usize {
    let source = include_str!("../examples/lockfree/refcount.rs");
    source
        .lines()
        .position(|line| line.contains(text))
        .expect("the line exists")
        + 1
}

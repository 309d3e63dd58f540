//! The seqlock of `examples/lockfree/seqlock.rs`: with Boehm's orderings a reader that
//! overlaps the writer either retries or returns one write's data, never a torn pair; drop
//! any one of the writer's release fence, its Release end increment, the reader's Acquire
//! begin load or its acquire fence, and weak memory lets the reader return half old, half
//! new data (which sequential consistency never shows).
#![cfg(feature = "permute")]

#[path = "../examples/lockfree/seqlock.rs"]
mod seqlock;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use seqlock::{write_while_reading, Orders};
use weft::{Builder, FailureKind};

#[test]
fn boehm_seqlock_never_returns_a_torn_pair() {
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let sink = seen.clone();
    let stats = Builder::new()
        .jobs(1)
        .explore(write_while_reading(Orders::CORRECT, move |read| {
            sink.lock().unwrap().insert(read);
        }))
        .expect("Boehm's orderings are correct");
    assert!(stats.complete);
    // The reader retries (None), or reads the data before or after the write.
    let expected = BTreeSet::from([None, Some((0, 0)), Some((1, 1))]);
    assert_eq!(
        *seen.lock().unwrap(),
        expected,
        "{} executions",
        stats.executions
    );
}

/// The report of the failing exploration with `orders`: the reader returned a torn pair.
fn torn(orders: Orders) -> String {
    let failure = Builder::new()
        .jobs(1)
        .explore(write_while_reading(orders, |_| {}))
        .expect_err("a weak ordering lets the reader return a torn pair");
    assert_eq!(failure.kind(), FailureKind::Panic, "{failure}");
    let report = failure.to_string();
    assert!(report.contains("seqlock: torn read Some("), "{report}");
    report
}

#[test]
fn reader_without_acquire_fence_returns_a_torn_pair() {
    // Its second load of the count may read the old even count after reading new data.
    torn(Orders::NO_READER_FENCE);
}

#[test]
fn writer_without_release_fence_returns_a_torn_pair() {
    // The reader's acquire fence has no release fence to synchronise with: reading new
    // data says nothing about the count.
    torn(Orders::NO_WRITER_FENCE);
}

#[test]
fn relaxed_begin_load_returns_a_torn_pair() {
    // Reading the final even count Relaxed acquires nothing: the data loads before the
    // reader's fence may still read the old values.
    torn(Orders::RELAXED_BEGIN);
}

#[test]
fn relaxed_end_increment_returns_a_torn_pair() {
    // The final even count releases nothing: a reader that reads it may still read old
    // data.
    torn(Orders::RELAXED_END);
}

//! The SPSC ring buffer of `examples/lockfree/spsc.rs`: with Release/Acquire on both
//! indices weft passes every interleaving, including those where the ring fills up and
//! runs empty; with either index Relaxed it reports the data race on the slot.
#![cfg(feature = "permute")]

#[path = "../examples/lockfree/spsc.rs"]
mod spsc;

use std::sync::{Arc as StdArc, Mutex as StdMutex};

use spsc::{transfer, Orders, Seen};
use weft::{Builder, FailureKind};

#[test]
fn release_acquire_ring_passes_through_full_and_empty() {
    let seen = StdArc::new(StdMutex::new(Vec::<Seen>::new()));
    let sink = seen.clone();
    let stats = Builder::new()
        .jobs(1)
        .explore(transfer(2, 3, Orders::CORRECT, move |s| {
            sink.lock().unwrap().push(s)
        }))
        .expect("Release/Acquire on both indices is correct");
    assert!(stats.complete);
    assert_eq!(stats.blocked, 0);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len() as u64, stats.executions);
    assert!(seen.iter().any(|s| s.full), "some execution fills the ring");
    assert!(seen.iter().any(|s| s.empty), "some execution empties it");
    assert!(
        seen.iter().any(|s| !s.full && !s.empty),
        "and some needs no wait"
    );
}

/// The report of the failing exploration with `orders`.
fn race(orders: Orders) -> String {
    let failure = Builder::new()
        .explore(transfer(2, 3, orders, |_| {}))
        .expect_err("a Relaxed index lets a slot access race");
    assert_eq!(failure.kind(), FailureKind::DataRace, "{failure}");
    failure.to_string()
}

#[test]
fn relaxed_tail_lets_the_consumer_read_an_unpublished_slot() {
    let report = race(Orders::RELAXED_TAIL);
    assert!(
        report.starts_with("weft: data race on UnsafeCell"),
        "{report}"
    );
    // The consumer's read (spsc.rs, `pop`) races with the producer's write (`push`).
    let read_site = format!("spsc.rs:{}", line_of("let value = slot.with"));
    let write_site = format!("spsc.rs:{}", line_of("slot.with_mut"));
    assert!(report.contains(&read_site), "{report}");
    assert!(report.contains(&write_site), "{report}");
}

#[test]
fn relaxed_head_lets_the_producer_overwrite_a_slot_being_read() {
    let report = race(Orders::RELAXED_HEAD);
    assert!(
        report.starts_with("weft: data race on UnsafeCell"),
        "{report}"
    );
    // The producer's write one lap later races with the consumer's read.
    let read_site = format!("spsc.rs:{}", line_of("let value = slot.with"));
    let write_site = format!("spsc.rs:{}", line_of("slot.with_mut"));
    assert!(report.contains(&read_site), "{report}");
    assert!(report.contains(&write_site), "{report}");
}

/// The line of `examples/lockfree/spsc.rs` that contains `text`.
fn line_of(text: &str) -> usize {
    let source = include_str!("../examples/lockfree/spsc.rs");
    source
        .lines()
        .position(|line| line.contains(text))
        .expect("the line exists")
        + 1
}

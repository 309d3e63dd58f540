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
    assert!(stats.complete, "{stats:?}");
    let seen = seen.lock().unwrap();
    // Sleep-set-blocked runs (weak memory's value choices and spinning threads make some)
    // still run the program to its end.
    assert_eq!(seen.len() as u64, stats.executions + stats.blocked);
    assert!(seen.iter().any(|s| s.full), "some execution fills the ring");
    assert!(seen.iter().any(|s| s.empty), "some execution empties it");
    assert!(
        seen.iter().any(|s| !s.full && !s.empty),
        "and some needs no wait"
    );
}

/// The report of the failing exploration with `orders`: a data race on a slot whose racing
/// access is `racing` (`"read"` or `"write"`) and whose previous access is the other one,
/// each named by its line of `spsc.rs`.
fn race(orders: Orders, racing: &str, previous: &str) -> String {
    let failure = Builder::new()
        .explore(transfer(2, 3, orders, |_| {}))
        .expect_err("a Relaxed index lets a slot access race");
    assert_eq!(failure.kind(), FailureKind::DataRace, "{failure}");
    let report = failure.to_string();
    assert!(
        report.starts_with("weft: data race on UnsafeCell"),
        "{report}"
    );
    let site = |access: &str| match access {
        "read" => line_of("let value = slot.with"),
        _ => line_of("slot.with_mut"),
    };
    let racing = format!(
        "  {racing} at tests/../examples/lockfree/spsc.rs:{}:",
        site(racing)
    );
    let previous = format!(
        "  previous {previous} at tests/../examples/lockfree/spsc.rs:{}:",
        site(previous)
    );
    assert!(report.contains(&racing), "{racing:?} in {report}");
    assert!(report.contains(&previous), "{previous:?} in {report}");
    report
}

#[test]
fn relaxed_tail_lets_the_consumer_read_an_unpublished_slot() {
    // The consumer's read (`pop`) races with the producer's write (`push`) before it.
    race(Orders::RELAXED_TAIL, "read", "write");
}

#[test]
fn relaxed_head_lets_the_producer_overwrite_a_slot_being_read() {
    // The producer's write one lap later races with the consumer's read before it.
    race(Orders::RELAXED_HEAD, "write", "read");
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

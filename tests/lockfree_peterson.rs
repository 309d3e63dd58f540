//! Peterson's lock of `examples/lockfree/peterson.rs`: with SeqCst flag and turn accesses
//! the two critical sections never overlap; with Release stores and Acquire loads both
//! threads can read the other's flag as down (store buffering), enter together, and weft
//! reports their increments of the counter as a data race.
#![cfg(feature = "permute")]

#[path = "../examples/lockfree/peterson.rs"]
mod peterson;

use peterson::{two_increments, Orders};
use weft::{Builder, FailureKind};

/// Enough for every execution of the correct lock; a spin loop that never ends is a
/// Livelock failure instead of a hang.
const MAX_STEPS: usize = 1_000;

#[test]
fn seqcst_peterson_excludes() {
    let stats = Builder::new()
        .jobs(1)
        .max_steps(MAX_STEPS)
        .explore(two_increments(Orders::SEQ_CST))
        .unwrap_or_else(|failure| panic!("SeqCst Peterson is correct: {failure}"));
    assert!(stats.complete);
}

#[test]
fn release_acquire_peterson_lets_both_threads_in() {
    let failure = Builder::new()
        .jobs(1)
        .max_steps(MAX_STEPS)
        .explore(two_increments(Orders::RELEASE_ACQUIRE))
        .expect_err("release/acquire allows store buffering on the flags");
    assert_eq!(failure.kind(), FailureKind::DataRace, "{failure}");
    let report = failure.to_string();
    assert!(
        report.starts_with("weft: data race on UnsafeCell"),
        "{report}"
    );
    // Both threads' increments are the same line: a write racing with a write.
    let line = line_of("self.counter.with_mut");
    let write = format!("  write at tests/../examples/lockfree/peterson.rs:{line}:");
    let previous = format!("  previous write at tests/../examples/lockfree/peterson.rs:{line}:");
    assert!(report.contains(&write), "{write:?} in {report}");
    assert!(report.contains(&previous), "{previous:?} in {report}");
}

/// The line of `examples/lockfree/peterson.rs` that contains `text`.
fn line_of(text: &str) -> usize {
    let source = include_str!("../examples/lockfree/peterson.rs");
    source
        .lines()
        .position(|line| line.contains(text))
        .expect("the line exists")
        + 1
}

/// Under a preemption bound the spin loops' yields are part of the state the bounded search
/// keys its repeats on (`explore/dpor/repeats.rs`): the correct lock still passes every
/// bound, and the Release/Acquire lock is still caught, with the bound kept.
#[test]
fn peterson_under_preemption_bounds() {
    for bound in 0..=2 {
        let stats = Builder::new()
            .jobs(1)
            .max_steps(MAX_STEPS)
            .preemption_bound(bound)
            .explore(two_increments(Orders::SEQ_CST))
            .unwrap_or_else(|failure| panic!("bound {bound}: SeqCst Peterson: {failure}"));
        assert!(stats.complete, "bound {bound}");
        let failure = Builder::new()
            .jobs(1)
            .max_steps(MAX_STEPS)
            .preemption_bound(bound)
            .explore(two_increments(Orders::RELEASE_ACQUIRE))
            .expect_err("release/acquire allows store buffering on the flags");
        assert_eq!(
            failure.kind(),
            FailureKind::DataRace,
            "bound {bound}: {failure}"
        );
        // Stale flag reads need no preemption: the first thread runs alone, then the second
        // reads its flag's initial value, older than the raise and the lowering, so nothing
        // orders the two increments.
        let report = failure.to_string();
        assert!(
            report.contains(", 0 preemptions, "),
            "bound {bound}: {report}"
        );
    }
}

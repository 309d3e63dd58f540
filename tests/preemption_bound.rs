//! `Builder::preemption_bound(k)` explores every interleaving with at most k preemptions: a
//! bug that needs exactly two is missed with a bound of 1 and found with a bound of 2.
#![cfg(feature = "permute")]

use weft::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use weft::sync::Arc;
use weft::{thread, Builder, FailureKind};

/// Two writers each set their flag and clear it again; a checker fails when it sees both
/// set. That needs both writers stopped between their two stores while they could go on:
/// two preemptions (main blocks in `join`, so switching away from it is none).
fn both_flags_seen() {
    let flags = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let writers: Vec<_> = (0..2)
        .map(|i| {
            let flags = flags.clone();
            thread::spawn(move || {
                flags[i].store(1, SeqCst);
                flags[i].store(0, SeqCst);
            })
        })
        .collect();
    let checker = {
        let flags = flags.clone();
        thread::spawn(move || {
            let seen = (flags[0].load(SeqCst), flags[1].load(SeqCst));
            assert_ne!(seen, (1, 1), "both writers were caught in the middle");
        })
    };
    for w in writers {
        w.join().unwrap();
    }
    checker.join().unwrap();
}

#[test]
fn a_bug_two_preemptions_deep_needs_a_bound_of_two() {
    for bound in [0, 1] {
        let stats = Builder::new()
            .preemption_bound(bound)
            .explore(both_flags_seen)
            .expect("no failure within one preemption");
        assert!(
            stats.complete && stats.executions > 1,
            "bound {bound}: {stats:?}"
        );
    }
    let failure = Builder::new()
        .preemption_bound(2)
        .explore(both_flags_seen)
        .expect_err("found with two preemptions");
    assert_eq!(failure.kind(), FailureKind::Panic);
    let report = failure.to_string();
    assert!(
        report.contains("both writers were caught in the middle"),
        "{report}"
    );
    assert!(report.contains("2 preemptions"), "{report}");
    // Unbounded DPOR finds it too.
    let failure = Builder::new().explore(both_flags_seen).unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
}

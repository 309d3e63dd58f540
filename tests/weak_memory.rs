//! Weak memory as a user meets it: a stale read is a bug weft finds, reports (the report
//! marks the stale load) and replays from its schedule (whose `T~K` steps are value
//! choices); every strategy can make such choices; a schedule whose value choice the program
//! cannot take is refused; and spin loops and weak compare-exchange loops end although loads
//! may read old stores. The litmus tests (`tests/litmus.rs`) pin the exact outcome sets.
#![cfg(feature = "permute")]

use std::sync::Arc;

use weft::sync::atomic::{AtomicBool, AtomicUsize, Ordering, Ordering::*};
use weft::{thread, Builder, FailureKind, Strategy};

/// Message passing: the writer sets `data` then `ready`; the reader, if it sees `ready`,
/// expects `data`. Correct only when the flag's store releases and its load acquires.
fn message_passing(store: Ordering, load: Ordering) -> impl Fn() + Send + Sync + 'static {
    move || {
        let data = Arc::new(AtomicUsize::new(0));
        let ready = Arc::new(AtomicBool::new(false));
        let writer = {
            let (data, ready) = (data.clone(), ready.clone());
            thread::spawn(move || {
                data.store(42, Relaxed);
                ready.store(true, store);
            })
        };
        if ready.load(load) {
            assert_eq!(data.load(Relaxed), 42, "saw the flag, not the data");
        }
        writer.join().unwrap();
    }
}

#[test]
fn a_stale_read_is_found_reported_and_replayed() {
    let failure = Builder::new()
        .explore(message_passing(Relaxed, Relaxed))
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    let report = failure.to_string();
    assert!(report.contains("saw the flag, not the data"), "{report}");
    assert!(
        report.contains("= 0 (stale)"),
        "the drawing marks it: {report}"
    );
    assert!(
        failure.schedule().contains('~'),
        "the stale read is a value choice: {}",
        failure.schedule()
    );
    let again = Builder::new()
        .strategy(Strategy::Replay(failure.schedule().to_string()))
        .explore(message_passing(Relaxed, Relaxed))
        .unwrap_err();
    assert_eq!(again.kind(), FailureKind::Panic);
    assert_eq!(again.schedule(), failure.schedule());
}

#[test]
fn release_acquire_message_passing_passes_every_execution() {
    let stats = Builder::new()
        .explore(message_passing(Release, Acquire))
        .unwrap();
    assert!(stats.complete);
    // The flag read before the store, or after it and reading it (`false` there would
    // repeat the first graph: main has no store in its past, `runtime/store_past.rs`), and
    // with it read, `data` read at its only allowed store.
    assert_eq!(stats.executions, 2);
}

#[test]
fn every_strategy_makes_value_choices() {
    let found = |strategy: Strategy| {
        let failure = Builder::new()
            .strategy(strategy.clone())
            .explore(message_passing(Relaxed, Relaxed))
            .expect_err(&format!("{strategy:?} reads the stale data"));
        assert_eq!(failure.kind(), FailureKind::Panic);
    };
    found(Strategy::Random {
        seed: 1,
        executions: 200,
    });
    found(Strategy::Pct {
        seed: 1,
        depth: 2,
        executions: 200,
    });
    // Every input of 8 bytes, each 0 or 1 (a choice among two threads or two stores).
    let input = (0..=255u8)
        .map(|bits| (0..8).map(|i| (bits >> i) & 1).collect::<Vec<u8>>())
        .find(|input| {
            Builder::new()
                .strategy(Strategy::Bytes(input.to_vec()))
                .explore(message_passing(Relaxed, Relaxed))
                .is_err()
        });
    assert!(input.is_some(), "some fuzz input reads the stale data");
}

#[test]
fn a_value_choice_the_program_does_not_have_is_refused() {
    // The stale read's schedule, replayed on the same program with SeqCst atomics: the same
    // operations at the same lines, but the load has only the latest store to read.
    let failure = Builder::new()
        .explore(message_passing(Relaxed, Relaxed))
        .unwrap_err();
    let refused = Builder::new()
        .strategy(Strategy::Replay(failure.schedule().to_string()))
        .explore(message_passing(SeqCst, SeqCst))
        .unwrap_err();
    assert_eq!(refused.kind(), FailureKind::Nondeterminism, "{refused}");
    assert!(
        refused
            .to_string()
            .contains("had 1 outcome to choose from, and the schedule asks for outcome 1"),
        "{refused}"
    );
}

#[test]
fn a_spin_loop_on_a_relaxed_flag_ends() {
    let stats = Builder::new()
        .explore(|| {
            let flag = Arc::new(AtomicBool::new(false));
            let setter = {
                let flag = flag.clone();
                thread::spawn(move || flag.store(true, Relaxed))
            };
            while !flag.load(Relaxed) {
                weft::hint::spin_loop();
            }
            setter.join().unwrap();
        })
        .unwrap();
    assert!(stats.complete);
}

#[test]
fn a_weak_compare_exchange_loop_ends() {
    let stats = Builder::new()
        .explore(|| {
            let counter = Arc::new(AtomicUsize::new(0));
            let other = {
                let counter = counter.clone();
                thread::spawn(move || {
                    counter.fetch_add(1, Relaxed);
                })
            };
            let mut seen = counter.load(Relaxed);
            while let Err(actual) = counter.compare_exchange_weak(seen, seen + 1, Relaxed, Relaxed)
            {
                seen = actual;
            }
            other.join().unwrap();
            assert_eq!(counter.load(Relaxed), 2, "no increment lost");
        })
        .unwrap();
    assert!(stats.complete);
}

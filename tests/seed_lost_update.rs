//! The seed's first bug: two goroutines each doing `value := counter; counter = value + 1`
//! twice. weft must find the lost update, replay it, and pass the fixed counter.
#![cfg(feature = "permute")]

use std::collections::BTreeSet;
use std::sync::Mutex as StdMutex;

use weft::sync::Arc;
use weft::{Builder, FailureKind, Strategy};

#[path = "../examples/seed/counter.rs"]
mod seed;

use seed::{counter_model, expect_four, fetch_add, load_then_store};

/// The seed's buggy counter; `check` gets the total.
fn counter(check: impl Fn(usize) + Send + Sync + 'static) -> impl Fn() + Send + Sync + 'static {
    counter_model(load_then_store, check)
}

#[test]
fn lost_update_is_found_and_reported() {
    let failure = Builder::new().explore(counter(expect_four)).unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    let report = failure.to_string();
    assert!(
        report.starts_with("weft: main panicked at tests/../examples/seed/counter.rs:"),
        "{report}"
    );
    assert!(report.contains("Final Counter: "), "{report}");
    assert!(report.contains("an update was lost"), "{report}");
    assert!(report.contains("interleaving (execution "), "{report}");
    assert!(
        report.contains("1 preemption"),
        "the simplest lost update needs one preemption:\n{report}"
    );
    assert!(report.contains("store #0 = "), "{report}");
    assert!(
        report.contains("thread 1 spawned by main at tests/../examples/seed/counter.rs:"),
        "{report}"
    );
    let replay_line = format!(
        "replay: WEFT_REPLAY={} cargo test --features permute -- ",
        failure.schedule()
    );
    assert!(report.contains(&replay_line), "{report}");
    assert!(
        report.contains("lost_update_is_found_and_reported --exact"),
        "{report}"
    );
}

#[test]
fn lost_update_schedule_replays_the_same_failure() {
    let failure = Builder::new().explore(counter(expect_four)).unwrap_err();
    let replayed = Builder::new()
        .strategy(Strategy::Replay(failure.schedule().to_string()))
        .explore(counter(expect_four))
        .unwrap_err();
    assert_eq!(replayed.kind(), FailureKind::Panic);
    assert_eq!(replayed.schedule(), failure.schedule());
    let headline = |r: &str| r.lines().next().unwrap().to_string();
    assert_eq!(
        headline(&replayed.to_string()),
        headline(&failure.to_string())
    );
    // The drawing is the same interleaving too (only the execution number differs).
    let drawing = |r: &str| {
        r.lines()
            .skip_while(|l| !l.starts_with("interleaving"))
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        drawing(&replayed.to_string()),
        drawing(&failure.to_string())
    );
}

#[test]
fn replay_entry_point_panics_with_the_report() {
    let failure = Builder::new().explore(counter(expect_four)).unwrap_err();
    let schedule = failure.schedule().to_string();
    let payload = std::panic::catch_unwind(move || weft::replay(&schedule, counter(expect_four)))
        .unwrap_err();
    let message = payload
        .downcast_ref::<String>()
        .expect("check panics with the report text");
    assert!(message.starts_with("weft: main panicked"), "{message}");
}

#[test]
fn load_store_counter_reaches_exactly_two_three_and_four() {
    let totals = Arc::new(StdMutex::new(BTreeSet::new()));
    let seen = totals.clone();
    let stats = Builder::new()
        .explore(counter(move |total| {
            seen.lock().unwrap().insert(total);
        }))
        .unwrap();
    assert!(stats.complete);
    assert_eq!(*totals.lock().unwrap(), BTreeSet::from([2, 3, 4]));
    // The 70 interleavings of two (load, store, load, store) sequences fall into 34 classes
    // up to swapping adjacent loads (counted by brute-force enumeration).
    assert_eq!(stats.executions, 34);
}

#[test]
fn fetch_add_counter_passes_every_interleaving() {
    let model = counter_model(fetch_add, expect_four);
    let stats = Builder::new().explore(model).unwrap();
    assert!(stats.complete);
    // The orders of two threads' two increments: C(4, 2).
    assert_eq!(stats.executions, 6);
    assert_eq!(stats.blocked, 0);
}

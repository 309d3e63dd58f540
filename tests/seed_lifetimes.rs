//! The seed's goroutine-lifetime programs: weft turns each hang, leak or lost work into a
//! deterministic failure with its report, and passes each fix in every interleaving.
#![cfg(feature = "permute")]

use weft::{Builder, FailureKind};

#[path = "../examples/seed/lifetimes.rs"]
mod lifetimes;

const SEED: &str = "tests/../examples/seed/lifetimes.rs";

#[test]
fn hidden_background_service_hangs_main_forever() {
    let failure = Builder::new()
        .explore(lifetimes::hidden_background_service)
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Deadlock, "{failure}");
    let report = failure.to_string();
    assert!(
        report.contains(&format!("main is blocked at recv ({SEED}:")),
        "{report}"
    );
    assert!(
        report.contains("thread 1 \"server\" panicked")
            && report.contains("http server err: listen tcp :8080"),
        "{report}"
    );
}

#[test]
fn service_in_the_foreground_passes() {
    let stats = Builder::new()
        .explore(|| lifetimes::service_in_the_foreground().unwrap())
        .unwrap();
    assert_eq!(stats.executions, 1);
}

#[test]
fn server_pair_without_stop_waits_for_the_app_forever() {
    let failure = Builder::new()
        .explore(lifetimes::server_pair_without_stop)
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Deadlock, "{failure}");
    let report = failure.to_string();
    assert!(report.contains("main is blocked at recv"), "{report}");
    assert!(
        report.contains("thread 2 \"app\" is blocked at recv")
            && report.contains("unbounded, 0 messages queued, 1 sender alive"),
        "{report}"
    );
}

#[test]
fn server_pair_with_stop_always_exits() {
    let stats = Builder::new()
        .explore(lifetimes::server_pair_with_stop)
        .unwrap();
    assert!(stats.complete);
    assert!(stats.executions > 1, "{stats:?}");
}

#[test]
fn leaking_handler_is_a_leaked_thread_with_its_origin() {
    let failure = Builder::new()
        .explore(|| {
            lifetimes::handler_leaks_a_blocked_thread();
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::LeakedThread, "{failure}");
    let report = failure.to_string();
    assert!(
        report.contains("thread 1 \"async task\" stays blocked forever"),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "thread 1 \"async task\" is blocked at recv ({SEED}:"
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "thread 1 \"async task\" spawned by main at {SEED}:"
        )),
        "{report}"
    );
}

#[test]
fn handler_owning_its_thread_passes() {
    let stats = Builder::new()
        .explore(|| assert_eq!(lifetimes::handler_owns_its_thread(), "done"))
        .unwrap();
    assert!(stats.complete);
}

#[test]
fn unflushed_reporters_lose_events_at_exit() {
    let failure = Builder::new()
        .explore(lifetimes::reporters_not_flushed)
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic, "{failure}");
    assert!(
        failure.to_string().contains("the rest were lost"),
        "{failure}"
    );
}

#[test]
fn tracker_drains_before_exit_passes() {
    let stats = Builder::new()
        .explore(lifetimes::tracker_drains_before_exit)
        .unwrap();
    assert!(stats.complete);
}

//! Bad input must give one clear error, never a hang, abort or double panic: corrupted
//! schedule strings, a schedule from another program, a model that changes between
//! executions, shims used outside a model or kept from another execution.
#![cfg(feature = "permute")]

use std::sync::atomic::AtomicU32 as StdAtomicU32;
use std::sync::atomic::Ordering::Relaxed;

use weft::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use weft::sync::Arc;
use weft::{thread, Builder, FailureKind, Strategy};

#[test]
fn corrupted_schedule_string_is_one_clear_error() {
    for bad in [
        "w1:0-3.1:ffff",
        "w1:0-3.1",
        "hello",
        "",
        "w1:0-99999999999:0000",
    ] {
        if bad.is_empty() {
            continue; // an empty WEFT_REPLAY means "not set"; an empty string here is tested below
        }
        let failure = Builder::new()
            .strategy(Strategy::Replay(bad.into()))
            .explore(|| {})
            .unwrap_err();
        assert_eq!(failure.kind(), FailureKind::InvalidSchedule, "{bad}");
        assert!(
            failure
                .to_string()
                .starts_with("weft: invalid schedule string"),
            "{failure}"
        );
    }
    let failure = Builder::new()
        .strategy(Strategy::Replay(String::new()))
        .explore(|| {})
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::InvalidSchedule);
}

#[test]
fn schedule_of_another_program_is_nondeterminism_naming_the_step() {
    let two_threads = || {
        let t = thread::spawn(|| {});
        t.join().unwrap();
    };
    let failure = Builder::new()
        .explore(|| {
            let x = Arc::new(AtomicUsize::new(0));
            let x2 = x.clone();
            let t = thread::spawn(move || x2.store(1, SeqCst));
            assert_eq!(x.load(SeqCst), 0);
            t.join().unwrap();
        })
        .unwrap_err();
    let replayed = Builder::new()
        .strategy(Strategy::Replay(failure.schedule().into()))
        .explore(two_threads)
        .unwrap_err();
    assert_eq!(replayed.kind(), FailureKind::Nondeterminism);
    assert!(
        replayed
            .to_string()
            .starts_with("weft: nondeterminism: step "),
        "{replayed}"
    );
}

/// Explores a model whose main thread runs `main(later, &x)` while a writer stores to `x`,
/// where `later` is false in the first execution only: a model that changes between
/// executions. Returns the report, which must be a `Nondeterminism` failure.
fn changing_model(runs: &'static StdAtomicU32, main: fn(bool, &AtomicUsize)) -> String {
    let failure = Builder::new()
        .explore(move || {
            let later = runs.fetch_add(1, Relaxed) > 0;
            let x = Arc::new(AtomicUsize::new(0));
            let x2 = x.clone();
            let t = thread::spawn(move || x2.store(1, SeqCst));
            main(later, &x);
            t.join().unwrap();
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Nondeterminism);
    failure.to_string()
}

/// A replay compares only the threads that moved at each step (`dpor::same_state`): a
/// thread spawned only in later executions, after the first scheduling points, must still
/// be found.
#[test]
fn thread_spawned_only_in_later_executions_is_nondeterminism() {
    static RUNS: StdAtomicU32 = StdAtomicU32::new(0);
    let report = changing_model(&RUNS, |later, x| {
        x.load(SeqCst);
        if later {
            drop(thread::spawn(|| {}));
        }
        x.load(SeqCst);
    });
    assert!(
        report.contains("in an earlier execution thread 2 was not waiting here"),
        "{report}"
    );
}

#[test]
fn model_that_changes_between_executions_is_nondeterminism() {
    static RUNS: StdAtomicU32 = StdAtomicU32::new(0);
    let report = changing_model(&RUNS, |later, x| {
        if later {
            x.fetch_add(1, SeqCst); // a different operation once the first run is over
        }
        x.load(SeqCst);
    });
    assert!(
        report.contains("in an earlier execution main was at atomic load (tests/bad_input.rs:"),
        "{report}"
    );
    assert!(
        report.contains("this time main is at atomic read-modify-write"),
        "{report}"
    );
    assert!(
        report.contains("must not depend on time, randomness"),
        "{report}"
    );
}

#[test]
#[should_panic(expected = "a weft primitive was used outside weft::model")]
fn shims_outside_a_model_are_one_clear_error() {
    let _ = AtomicUsize::new(0);
}

#[test]
fn object_kept_from_another_execution_is_reported() {
    // The atomic is kept in a std Arc (a weft Arc kept past its execution is a leak).
    let kept: std::sync::Arc<std::sync::Mutex<Option<std::sync::Arc<AtomicUsize>>>> =
        Default::default();
    let k2 = kept.clone();
    let failure = Builder::new()
        .explore(move || {
            let mut slot = k2.lock().unwrap();
            match slot.as_ref() {
                None => *slot = Some(std::sync::Arc::new(AtomicUsize::new(0))),
                Some(old) => {
                    old.load(SeqCst);
                }
            }
            drop(slot);
            let x = Arc::new(AtomicUsize::new(0));
            let x2 = x.clone();
            let t = thread::spawn(move || x2.store(1, SeqCst));
            x.load(SeqCst);
            t.join().unwrap();
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    assert!(
        failure
            .to_string()
            .contains("was created outside the current execution"),
        "{failure}"
    );
}

/// A stack too small for weft's own frames is refused when it is set, not found out by a
/// segmentation fault in the first model thread (4 KiB did that).
#[test]
fn a_stack_too_small_for_weft_is_refused_clearly() {
    let payload =
        std::panic::catch_unwind(|| Builder::new().stack_size(4096)).expect_err("refused");
    let text = (payload.downcast_ref::<String>()).expect("a formatted message");
    assert!(
        text.contains("stack_size(4096) is too small: a model thread needs at least 16384 bytes"),
        "{text}"
    );
    let stats = Builder::new().stack_size(16 << 10).explore(|| {
        let counter = Arc::new(AtomicUsize::new(0));
        let other = counter.clone();
        let child = thread::spawn(move || other.fetch_add(1, SeqCst));
        counter.fetch_add(1, SeqCst);
        child.join().unwrap();
    });
    assert_eq!(stats.expect("a correct program").executions, 2);
}

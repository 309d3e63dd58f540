//! Failing executions leave their stuck threads' stacks mapped, and the report shortener
//! runs up to 300 more executions per failure: past a budget of such stacks per process
//! (`WEFT_MAX_LEAKED_STACKS`, set low here; this file is its own process), reports are kept
//! as found, with a note, so that a process finding thousands of deadlocks never reaches the
//! system's limit on mappings, where creating a thread aborts it.
#![cfg(feature = "permute")]

use weft::sync::{Arc, Mutex};
use weft::{thread, Builder, FailureKind, Strategy};

/// Two threads take two locks in opposite orders after a few steps of their own.
fn lock_order_deadlock(builder: Builder) -> weft::Failure {
    builder
        .explore(|| {
            let a = Arc::new(Mutex::new(0));
            let b = Arc::new(Mutex::new(0));
            let (a2, b2) = (a.clone(), b.clone());
            let t = thread::spawn(move || {
                *a2.lock().unwrap() += 1;
                let _b = b2.lock().unwrap();
                let _a = a2.lock().unwrap();
            });
            *b.lock().unwrap() += 1;
            let _a = a.lock().unwrap();
            let _b = b.lock().unwrap();
            drop((_b, _a));
            t.join().unwrap();
        })
        .unwrap_err()
}

#[test]
fn reports_stop_being_simplified_past_the_budget_of_leaked_stacks() {
    std::env::set_var("WEFT_MAX_LEAKED_STACKS", "3");
    let note = "not simplified: this process has left";
    // The first report is simplified: its exploration left 2 stacks (both threads wait).
    let first = lock_order_deadlock(Builder::new());
    assert_eq!(first.kind(), FailureKind::Deadlock);
    assert!(!first.to_string().contains(note), "{first}");
    // Its shortener's failing candidates left more, past the budget of 3.
    let second = lock_order_deadlock(Builder::new());
    assert_eq!(second.kind(), FailureKind::Deadlock);
    let report = second.to_string();
    assert!(report.contains(note), "{report}");
    assert!(report.contains("replay: WEFT_REPLAY="), "{report}");
    // The report as found still replays to the same deadlock, by the same schedule, in
    // the replay's one execution (the exploration reached it in its third).
    assert!(report.contains("interleaving (execution 3,"), "{report}");
    let schedule = second.schedule().to_string();
    let replay = Builder::new().strategy(Strategy::Replay(schedule.clone()));
    let replayed = lock_order_deadlock(replay);
    assert_eq!(replayed.kind(), FailureKind::Deadlock);
    assert_eq!(replayed.schedule(), schedule);
    let replayed = replayed.to_string();
    assert!(
        replayed.contains("interleaving (execution 1,"),
        "{replayed}"
    );
}

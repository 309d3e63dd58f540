//! Each failure kind of the engine, with the content its report must carry (bad inputs are
//! in `bad_input.rs`).
#![cfg(feature = "permute")]

use std::sync::atomic::AtomicU32 as StdAtomicU32;
use std::sync::atomic::Ordering::Relaxed;

use weft::sync::atomic::{AtomicBool, Ordering::SeqCst};
use weft::sync::{Arc, Mutex};
use weft::{hint, thread, Builder, FailureKind, Strategy};

#[test]
fn lock_order_deadlock_names_both_lock_sites() {
    static FIRST: StdAtomicU32 = StdAtomicU32::new(0);
    static SECOND: StdAtomicU32 = StdAtomicU32::new(0);
    let failure = Builder::new()
        .explore(|| {
            let a = Arc::new(Mutex::new(()));
            let b = Arc::new(Mutex::new(()));
            let (a2, b2) = (a.clone(), b.clone());
            let t = thread::spawn(move || {
                let (_b, line) = (b2.lock().unwrap(), line!());
                FIRST.store(line, Relaxed);
                let _a = a2.lock().unwrap();
            });
            let (_a, line) = (a.lock().unwrap(), line!());
            SECOND.store(line, Relaxed);
            let _b = b.lock().unwrap();
            drop(_b);
            drop(_a);
            t.join().unwrap();
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Deadlock);
    let report = failure.to_string();
    assert!(
        report.starts_with("weft: deadlock: no thread can run"),
        "{report}"
    );
    let held = |line: u32| format!("which locked it at tests/failures.rs:{line}:");
    assert!(report.contains(&held(FIRST.load(Relaxed))), "{report}");
    assert!(report.contains(&held(SECOND.load(Relaxed))), "{report}");
    assert!(
        report.contains("main is blocked at lock (tests/failures.rs:"),
        "{report}"
    );
    assert!(
        report.contains("thread 1 is blocked at lock (tests/failures.rs:"),
        "{report}"
    );
    assert!(report.contains("replay: WEFT_REPLAY="), "{report}");
}

#[test]
fn deadlock_schedule_replays_to_the_same_deadlock() {
    let model = || {
        let a = Arc::new(Mutex::new(0));
        let a2 = a.clone();
        let t = thread::spawn(move || {
            let _g = a2.lock().unwrap();
        });
        let g = a.lock().unwrap();
        std::mem::forget(g);
        t.join().unwrap();
    };
    let failure = Builder::new().explore(model).unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Deadlock);
    let replayed = weft::Builder::new()
        .strategy(Strategy::Replay(failure.schedule().into()))
        .explore(model)
        .unwrap_err();
    assert_eq!(replayed.kind(), FailureKind::Deadlock);
    let headline = |f: &weft::Failure| f.to_string().lines().take(3).collect::<Vec<_>>().join("\n");
    assert_eq!(headline(&replayed), headline(&failure));
    assert!(replayed.to_string().contains("held by main"), "{replayed}");
}

#[test]
fn thread_blocked_forever_after_main_returns_is_a_leaked_thread() {
    let failure = Builder::new()
        .explore(|| {
            let m = Arc::new(Mutex::new(()));
            let guard = m.lock().unwrap();
            let m2 = m.clone();
            thread::spawn(move || {
                let _g = m2.lock().unwrap();
            });
            std::mem::forget(guard);
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::LeakedThread);
    let report = failure.to_string();
    assert!(
        report
            .starts_with("weft: leaked thread: main returned while thread 1 stays blocked forever"),
        "{report}"
    );
    assert!(report.contains("held by main"), "{report}");
    assert!(
        report.contains("thread 1 spawned by main at tests/failures.rs:"),
        "{report}"
    );
}

#[test]
fn spawned_thread_panic_is_returned_by_join() {
    let stats = Builder::new()
        .explore(|| {
            let t = thread::spawn(|| panic!("worker gave up"));
            let payload = t.join().unwrap_err();
            assert_eq!(payload.downcast_ref::<&str>(), Some(&"worker gave up"));
        })
        .unwrap();
    assert_eq!(stats.executions, 1);
}

#[test]
fn unjoined_thread_panic_fails_the_execution() {
    let failure = Builder::new()
        .explore(|| {
            thread::Builder::new()
                .name("worker".into())
                .spawn(|| panic!("nobody joins me"))
                .unwrap();
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    let report = failure.to_string();
    assert!(
        report.starts_with("weft: thread 1 \"worker\" panicked at tests/failures.rs:"),
        "{report}"
    );
    assert!(report.contains(": nobody joins me"), "{report}");
}

#[test]
fn panic_in_joined_thread_is_named_when_main_unwraps_it() {
    let failure = Builder::new()
        .explore(|| {
            let t = thread::spawn(|| assert_eq!(1 + 1, 3, "arithmetic"));
            t.join().unwrap();
        })
        .unwrap_err();
    let report = failure.to_string();
    assert!(report.starts_with("weft: main panicked"), "{report}");
    assert!(
        report.contains("thread 1 also panicked at tests/failures.rs:"),
        "{report}"
    );
    assert!(report.contains("arithmetic"), "{report}");
}

#[test]
fn panic_while_holding_a_lock_poisons_it_and_unwinds_cleanly() {
    let stats = Builder::new()
        .explore(|| {
            let m = Arc::new(Mutex::new(5));
            let m2 = m.clone();
            let t = thread::spawn(move || {
                let _guard = m2.lock().unwrap();
                let _keep = m2.clone(); // dropped during unwinding too
                panic!("poison it");
            });
            assert!(t.join().is_err());
            assert!(m.is_poisoned());
            let value = *m.lock().unwrap_or_else(|e| e.into_inner());
            assert_eq!(value, 5);
        })
        .unwrap();
    assert!(stats.complete);
}

struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        panic!("panic in Drop");
    }
}

#[test]
fn panic_in_drop_is_a_failure_not_an_abort() {
    let failure = Builder::new()
        .explore(|| {
            let t = thread::spawn(|| {
                let _value = PanicsOnDrop;
            });
            t.join().unwrap();
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    assert!(failure.to_string().contains("panic in Drop"), "{failure}");
}

#[test]
fn check_panics_once_with_the_whole_report() {
    let payload = std::panic::catch_unwind(|| {
        Builder::new().check(|| {
            let flag = Arc::new(AtomicBool::new(false));
            let f2 = flag.clone();
            let t = thread::spawn(move || f2.store(true, SeqCst));
            assert!(!flag.load(SeqCst), "saw the store");
            t.join().unwrap();
        })
    })
    .unwrap_err();
    let report = payload
        .downcast_ref::<String>()
        .expect("one panic carrying the report");
    assert!(
        report.starts_with("weft: main panicked at tests/failures.rs:"),
        "{report}"
    );
    assert!(report.contains("saw the store"), "{report}");
    assert!(report.contains("replay: WEFT_REPLAY="), "{report}");
}

#[test]
fn spin_loop_without_progress_is_a_livelock() {
    let failure = Builder::new()
        .max_steps(500)
        .explore(|| {
            let ready = Arc::new(AtomicBool::new(false));
            let r2 = ready.clone();
            let waiter = thread::spawn(move || {
                while !r2.load(SeqCst) {
                    hint::spin_loop();
                }
            });
            waiter.join().unwrap();
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Livelock);
    let report = failure.to_string();
    assert!(
        report.starts_with("weft: livelock: the execution took more than 500 scheduling points"),
        "{report}"
    );
    assert!(report.contains("main is at join thread 1"), "{report}");
    assert!(report.contains("WEFT_MAX_STEPS"), "{report}");
}

#[test]
fn busy_loop_without_a_hint_is_a_livelock_too() {
    let failure = Builder::new()
        .max_steps(300)
        .explore(|| {
            let ready = Arc::new(AtomicBool::new(false));
            let r2 = ready.clone();
            let setter = thread::spawn(move || r2.store(true, SeqCst));
            while !ready.load(SeqCst) {}
            setter.join().unwrap();
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Livelock);
    assert!(failure.to_string().contains("spin_loop"), "{failure}");
}

#[test]
fn spin_loop_that_others_release_passes() {
    let stats = Builder::new()
        .explore(|| {
            let ready = Arc::new(AtomicBool::new(false));
            let r2 = ready.clone();
            let setter = thread::spawn(move || r2.store(true, SeqCst));
            while !ready.load(SeqCst) {
                thread::yield_now();
            }
            setter.join().unwrap();
        })
        .unwrap();
    assert!(stats.complete);
    // The load sees the store either at once or after one yield.
    assert_eq!(stats.executions, 2);
}

/// Locks the mutex when dropped, as some cleanup code does; counts poisoned locks.
struct LocksOnDrop(Arc<Mutex<u32>>);

static POISONED_CLEANUPS: StdAtomicU32 = StdAtomicU32::new(0);

impl Drop for LocksOnDrop {
    fn drop(&mut self) {
        let mut guard = self.0.lock().unwrap_or_else(|e| {
            POISONED_CLEANUPS.fetch_add(1, Relaxed);
            e.into_inner()
        });
        *guard += 1;
    }
}

#[test]
fn drop_that_blocks_during_unwinding_waits_and_the_panic_is_reported() {
    let failure = Builder::new()
        .explore(|| {
            let m = Arc::new(Mutex::new(0));
            let holding = Arc::new(AtomicBool::new(false));
            let gave_up = Arc::new(AtomicBool::new(false));
            let (m2, h2, g2) = (m.clone(), holding.clone(), gave_up.clone());
            let t = thread::spawn(move || {
                let mut guard = m2.lock().unwrap();
                h2.store(true, SeqCst);
                // Keep the lock until main has panicked (and blocked in its cleanup).
                while !g2.load(SeqCst) {
                    thread::yield_now();
                }
                *guard += 1;
            });
            let _cleanup = LocksOnDrop(m.clone());
            while !holding.load(SeqCst) {
                thread::yield_now();
            }
            let _keep_t = t;
            gave_up.store(true, SeqCst);
            panic!("main gives up while thread 1 holds the lock");
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    let report = failure.to_string();
    assert!(
        report.starts_with("weft: main panicked at tests/failures.rs:"),
        "{report}"
    );
    assert!(
        report.contains("main gives up while thread 1 holds the lock"),
        "{report}"
    );
    // Main blocked in its cleanup's `lock`, mid-unwind, until thread 1 released the guard.
    let drawing: Vec<&str> = report.lines().collect();
    let unlock = drawing
        .iter()
        .position(|l| l.contains("| unlock #0"))
        .expect("thread 1 unlocks");
    let cleanup_lock = drawing
        .iter()
        .position(|l| l.starts_with("  lock #0"))
        .expect("main locks");
    assert!(unlock < cleanup_lock, "{report}");
    // Thread 1 was not panicking when it dropped its guard: like std, no poison.
    assert_eq!(POISONED_CLEANUPS.load(Relaxed), 0);
}

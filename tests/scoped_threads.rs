//! `thread::scope` and `thread::sleep` under the model: scoped threads borrow the enclosing
//! stack, are all joined before `scope` returns, and panic like std's; `sleep` is a yield.
#![cfg(feature = "permute")]

mod common;

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex as StdMutex;
use std::time::{Duration, Instant};

use common::panic_text;
use weft::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed, Ordering::SeqCst};
use weft::sync::Arc;
use weft::{thread, Builder, FailureKind};

#[test]
fn scoped_threads_borrow_the_stack_and_independent_work_is_one_execution() {
    let stats = Builder::new()
        .explore(|| {
            let mut counts = [0usize; 2];
            let offset = 10;
            thread::scope(|s| {
                for (i, count) in counts.iter_mut().enumerate() {
                    s.spawn(move || *count += offset + i);
                }
            });
            assert_eq!(counts, [10, 11]);
        })
        .unwrap();
    // Each thread writes only its own element (plain memory, no scheduling point); the
    // starts and the scope's joins commute with everything: one class of interleavings.
    assert_eq!(stats.executions, 1);
    assert!(stats.complete);
}

#[test]
fn scoped_threads_interleave_like_any_model_threads() {
    let totals = Arc::new(StdMutex::new(BTreeSet::new()));
    let seen = totals.clone();
    Builder::new()
        .explore(move || {
            let counter = AtomicUsize::new(0);
            thread::scope(|s| {
                for _ in 0..2 {
                    s.spawn(|| {
                        let value = counter.load(SeqCst);
                        counter.store(value + 1, SeqCst);
                    });
                }
            });
            // After the scope, both threads are joined: their stores are visible.
            seen.lock().unwrap().insert(counter.load(Relaxed));
        })
        .unwrap();
    // The lost update (1) and the serial outcome (2): the scoped threads are interleaved.
    assert_eq!(*totals.lock().unwrap(), BTreeSet::from([1, 2]));
}

#[test]
fn scope_returns_its_value_and_join_returns_the_threads() {
    Builder::new()
        .explore(|| {
            let name = String::from("borrowed");
            let (value, ids) = thread::scope(|s| {
                let h = s.spawn(|| (name.len(), thread::current().id()));
                let handle_id = h.thread().id();
                let (len, inside_id) = h.join().unwrap();
                (len + 1, (handle_id, inside_id))
            });
            assert_eq!(value, "borrowed".len() + 1);
            assert_eq!(ids.0, ids.1, "thread() names the scoped thread");
        })
        .unwrap();
}

#[test]
fn builder_spawn_scoped_names_the_thread() {
    Builder::new()
        .explore(|| {
            let greeting = String::from("hello");
            thread::scope(|s| {
                let h = thread::Builder::new()
                    .name("scoped".to_string())
                    .spawn_scoped(s, || {
                        let me = thread::current();
                        (me.name().map(str::to_string), greeting.len())
                    })
                    .unwrap();
                assert_eq!(h.thread().name(), Some("scoped"));
                assert_eq!(h.join().unwrap(), (Some("scoped".to_string()), 5));
            });
        })
        .unwrap();
}

#[test]
fn an_unjoined_panicking_thread_makes_scope_panic_after_joining_all() {
    Builder::new()
        .explore(|| {
            let done = AtomicBool::new(false);
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                thread::scope(|s| {
                    s.spawn(|| panic!("boom"));
                    s.spawn(|| done.store(true, Relaxed));
                })
            }));
            let payload = outcome.expect_err("scope panics for the panicked thread");
            assert_eq!(panic_text(payload.as_ref()), "a scoped thread panicked");
            // The other thread was joined before the panic: its store is ordered before.
            assert!(done.load(Relaxed));
        })
        .unwrap();
}

#[test]
fn an_uncaught_scope_panic_is_reported_with_the_threads_panic() {
    let failure = Builder::new()
        .explore(|| {
            thread::scope(|s| {
                s.spawn(|| panic!("boom"));
            });
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    let report = failure.to_string();
    assert!(
        report.starts_with("weft: main panicked at tests/scoped_threads.rs:")
            && report.contains("a scoped thread panicked"),
        "{report}"
    );
    assert!(report.contains("thread 1 also panicked at"), "{report}");
    assert!(report.contains("boom"), "{report}");
}

#[test]
fn a_panic_the_user_joined_does_not_make_scope_panic() {
    Builder::new()
        .explore(|| {
            let value = thread::scope(|s| {
                let h = s.spawn(|| panic!("boom"));
                assert_eq!(panic_text(h.join().unwrap_err().as_ref()), "boom");
                7
            });
            assert_eq!(value, 7);
        })
        .unwrap();
}

#[test]
fn a_panic_in_the_scope_closure_continues_after_joining_all() {
    Builder::new()
        .explore(|| {
            let done = AtomicBool::new(false);
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                thread::scope(|s| {
                    s.spawn(|| done.store(true, Relaxed));
                    panic!("closure failed");
                })
            }));
            assert_eq!(panic_text(outcome.unwrap_err().as_ref()), "closure failed");
            assert!(
                done.load(Relaxed),
                "the thread was joined before the panic went on"
            );
        })
        .unwrap();
}

#[test]
fn threads_spawned_by_scoped_threads_are_joined_too() {
    let stats = Builder::new()
        .explore(|| {
            let hits = AtomicUsize::new(0);
            thread::scope(|s| {
                s.spawn(|| {
                    s.spawn(|| hits.fetch_add(1, Relaxed));
                    hits.fetch_add(1, Relaxed)
                });
            });
            assert_eq!(hits.load(Relaxed), 2);
        })
        .unwrap();
    // The two fetch_adds conflict: one execution per order.
    assert_eq!(stats.executions, 2);
}

#[test]
fn sleep_is_a_yield_and_takes_no_time() {
    let started = Instant::now();
    let stats = Builder::new()
        .explore(|| {
            let ready = Arc::new(AtomicBool::new(false));
            let setter = ready.clone();
            let t = thread::spawn(move || setter.store(true, SeqCst));
            // A wait loop: without a yield it would be a livelock; sleep is that yield.
            while !ready.load(SeqCst) {
                thread::sleep(Duration::from_secs(1));
            }
            t.join().unwrap();
        })
        .unwrap();
    // Two classes: main's first load reads false (it sleeps, and runs again only after the
    // store) or true. Were sleep not a yield, the loop would be a livelock failure.
    assert!(stats.complete);
    assert_eq!(stats.executions, 2);
    // The first class sleeps once: a real one-second sleep would take a second.
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn a_data_race_between_scoped_threads_on_borrowed_cells_is_reported() {
    let failure = Builder::new()
        .explore(|| {
            let cell = weft::cell::UnsafeCell::new(0);
            /// Lets scoped threads share the cell (the race detector checks it).
            struct Shared<'a>(&'a weft::cell::UnsafeCell<i32>);
            // SAFETY: model threads run one at a time on one OS thread, and the detector
            // stops a racing access before it touches memory.
            unsafe impl Sync for Shared<'_> {}
            let shared = Shared(&cell);
            let shared = &shared;
            thread::scope(|s| {
                // SAFETY: see `Sync` above.
                s.spawn(move || shared.0.with_mut(|p| unsafe { *p += 1 }));
                // SAFETY: see `Sync` above.
                shared.0.with_mut(|p| unsafe { *p += 1 });
            });
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::DataRace);
}

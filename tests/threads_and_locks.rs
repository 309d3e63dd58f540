//! Threads and mutexes under the model: std's semantics, the exact space DPOR explores, and
//! the exploration limits.
#![cfg(feature = "permute")]

mod common;

use std::collections::BTreeSet;
use std::sync::Mutex as StdMutex;
use std::time::Duration;

use weft::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use weft::sync::{Arc, Mutex, TryLockError};
use weft::{thread, Builder, FailureKind};

/// Values collected from inside a model, one per execution.
type Outcomes<T> = Arc<StdMutex<BTreeSet<T>>>;

/// Two handles to one outcome set: one to move into the model, one to read afterwards.
fn outcomes<T: Ord + Send + 'static>() -> (Outcomes<T>, Outcomes<T>) {
    let set = Arc::new(StdMutex::new(BTreeSet::new()));
    (set.clone(), set)
}

#[test]
fn operations_on_different_atomics_explore_one_execution() {
    let stats = Builder::new()
        .explore(|| {
            let a = Arc::new(AtomicUsize::new(0));
            let b = Arc::new(AtomicUsize::new(0));
            let (a2, b2) = (a.clone(), b.clone());
            let t1 = thread::spawn(move || a2.fetch_add(1, SeqCst));
            let t2 = thread::spawn(move || b2.fetch_add(1, SeqCst));
            t1.join().unwrap();
            t2.join().unwrap();
            assert_eq!(a.load(SeqCst) + b.load(SeqCst), 2);
        })
        .unwrap();
    assert_eq!(stats.executions, 1);
    assert_eq!(stats.blocked, 0);
}

#[test]
fn sixteen_threads_run_without_a_thread_limit() {
    let stats = Builder::new()
        .explore(|| {
            let cells: Arc<Vec<AtomicUsize>> = Arc::new((0..16).map(AtomicUsize::new).collect());
            let handles: Vec<_> = (0..16)
                .map(|i| {
                    let cells = cells.clone();
                    thread::spawn(move || cells[i].fetch_add(100, SeqCst))
                })
                .collect();
            let olds: Vec<usize> = handles.into_iter().map(|h| h.join().unwrap()).collect();
            assert_eq!(olds, (0..16).collect::<Vec<_>>());
        })
        .unwrap();
    assert_eq!(stats.executions, 1);
}

#[test]
fn sixteen_threads_on_one_mutex_explore_within_a_budget() {
    let stats = Builder::new()
        .max_executions(40)
        .explore(|| {
            let total = Arc::new(Mutex::new(0));
            let handles: Vec<_> = (0..16)
                .map(|_| {
                    let total = total.clone();
                    thread::spawn(move || *total.lock().unwrap() += 1)
                })
                .collect();
            for h in handles {
                h.join().unwrap();
            }
            assert_eq!(*total.lock().unwrap(), 16);
        })
        .unwrap();
    assert_eq!(stats.executions + stats.blocked, 40);
    assert!(!stats.complete);
}

#[test]
fn mutex_counter_explores_one_execution_per_lock_order() {
    let stats = Builder::new()
        .explore(|| {
            let total = Arc::new(Mutex::new(0));
            let handles: Vec<_> = (0..3)
                .map(|_| {
                    let total = total.clone();
                    thread::spawn(move || {
                        let mut guard = total.lock().unwrap();
                        let seen = *guard;
                        *guard = seen + 1;
                    })
                })
                .collect();
            for h in handles {
                h.join().unwrap();
            }
            assert_eq!(*total.lock().unwrap(), 3);
        })
        .unwrap();
    assert!(stats.complete);
    assert_eq!(stats.executions, 6, "3! orders of the critical sections");
}

#[test]
fn try_lock_outcomes_are_exactly_those_std_allows() {
    let (seen, out) = outcomes::<(bool, bool)>();
    let stats = Builder::new()
        .explore(move || {
            let m = Arc::new(Mutex::new(()));
            let m2 = m.clone();
            let t = thread::spawn(move || m2.try_lock().is_ok());
            let mine = m.try_lock().is_ok();
            let theirs = t.join().unwrap();
            seen.lock().unwrap().insert((mine, theirs));
        })
        .unwrap();
    assert!(stats.complete);
    let all = out.lock().unwrap().clone();
    // Both succeed when one releases before the other tries; never both fail.
    assert_eq!(
        all,
        BTreeSet::from([(true, true), (true, false), (false, true)])
    );
}

#[test]
fn try_lock_on_a_held_mutex_would_block() {
    Builder::new()
        .explore(|| {
            let m = Mutex::new(1);
            let guard = m.lock().unwrap();
            assert!(matches!(m.try_lock(), Err(TryLockError::WouldBlock)));
            drop(guard);
            assert_eq!(*m.try_lock().unwrap(), 1);
        })
        .unwrap();
}

#[test]
fn join_returns_the_value_and_threads_have_names() {
    Builder::new()
        .explore(|| {
            let t = thread::Builder::new()
                .name("worker".to_string())
                .spawn(|| {
                    let me = thread::current();
                    (me.name().map(str::to_string), me.id())
                })
                .unwrap();
            assert_eq!(t.thread().name(), Some("worker"));
            let (name, id) = t.join().unwrap();
            assert_eq!(name.as_deref(), Some("worker"));
            assert_ne!(id, thread::current().id());
            assert_eq!(thread::current().name(), Some("main"));
        })
        .unwrap();
}

#[test]
fn detached_thread_still_runs_after_main_returns() {
    let failure = Builder::new()
        .explore(|| {
            thread::spawn(|| panic!("the detached thread's assertion still counts"));
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    let report = failure.to_string();
    assert!(
        report.starts_with("weft: thread 1 panicked at tests/threads_and_locks.rs:"),
        "{report}"
    );
    assert!(
        report.contains("the detached thread's assertion still counts"),
        "{report}"
    );
}

/// Thread 1 stores 1 then 2; main reads twice. Main seeing (1, then 0) is impossible; main
/// seeing 2 then 1 is impossible. Every other ordered pair is reachable.
#[test]
fn sequentially_consistent_reads_never_go_back_in_time() {
    let (seen, out) = outcomes::<(usize, usize)>();
    Builder::new()
        .explore(move || {
            let x = Arc::new(AtomicUsize::new(0));
            let x2 = x.clone();
            let t = thread::spawn(move || {
                x2.store(1, SeqCst);
                x2.store(2, SeqCst);
            });
            let first = x.load(SeqCst);
            let second = x.load(SeqCst);
            seen.lock().unwrap().insert((first, second));
            t.join().unwrap();
        })
        .unwrap();
    let all = out.lock().unwrap().clone();
    assert_eq!(
        all,
        BTreeSet::from([(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)])
    );
}

/// The lost update needs one preemption: a bound of 0 cannot see it, 1 can.
#[test]
fn preemption_bound_limits_the_interleavings() {
    let model = common::lost_update;
    let bounded = Builder::new().preemption_bound(0).explore(model).unwrap();
    assert!(bounded.complete);
    let failure = Builder::new()
        .preemption_bound(1)
        .explore(model)
        .unwrap_err();
    assert!(failure.to_string().contains("lost update"));
    assert!(failure.to_string().contains("1 preemption"));
}

/// A bug that needs two preemptions: thread 1 must run between main's two stores and again
/// between main's second store and main's check.
#[test]
fn depth_two_bug_is_found_with_preemption_bound_two_only() {
    let model = || {
        let x = Arc::new(AtomicUsize::new(0));
        let x2 = x.clone();
        let t = thread::spawn(move || {
            let a = x2.load(SeqCst);
            let b = x2.load(SeqCst);
            assert!(!(a == 1 && b == 2), "saw the intermediate state");
        });
        x.store(1, SeqCst);
        x.store(2, SeqCst);
        t.join().unwrap();
    };
    assert!(Builder::new().preemption_bound(1).explore(model).is_ok());
    let failure = Builder::new()
        .preemption_bound(2)
        .explore(model)
        .unwrap_err();
    assert!(
        failure.to_string().contains("saw the intermediate state"),
        "{failure}"
    );
    assert!(
        Builder::new().explore(model).is_err(),
        "unbounded DPOR finds it too"
    );
}

#[test]
fn max_executions_and_max_duration_stop_without_failing() {
    let model = common::ainc(4);
    let stats = Builder::new().max_executions(5).explore(model).unwrap();
    assert_eq!(stats.executions, 5);
    assert!(!stats.complete);
    let stats = Builder::new()
        .max_duration(Duration::ZERO)
        .explore(common::ainc(4))
        .unwrap();
    assert_eq!(stats.executions, 1);
    assert!(!stats.complete);
}

//! `weft::sync::Condvar` against std's semantics: no lost wakeups for the flag-and-loop
//! pattern, the lost wakeup found when the flag is missing, `notify_all`, `wait_timeout`
//! explored both ways, and spurious wakeups when the builder asks for them.
#![cfg(feature = "permute")]

use std::collections::BTreeSet;
use std::sync::Mutex as StdMutex;
use std::time::Duration;

use weft::sync::{Arc, Condvar, Mutex};
use weft::{thread, Builder, FailureKind};

type Flag = Arc<(Mutex<bool>, Condvar)>;

fn flag() -> Flag {
    Arc::new((Mutex::new(false), Condvar::new()))
}

fn raise(flag: &Flag) {
    *flag.0.lock().unwrap() = true;
    flag.1.notify_one();
}

#[test]
fn waiting_in_a_loop_on_a_flag_never_misses_the_notification() {
    let stats = Builder::new()
        .explore(|| {
            let ready = flag();
            let waiter = {
                let ready = ready.clone();
                thread::spawn(move || {
                    let mut raised = ready.0.lock().unwrap();
                    while !*raised {
                        raised = ready.1.wait(raised).unwrap();
                    }
                })
            };
            raise(&ready);
            waiter.join().unwrap();
        })
        .unwrap();
    assert!(stats.complete);
    assert!(stats.executions >= 2, "notified before or while it waits");
}

#[test]
fn wait_while_is_the_same_loop() {
    let stats = Builder::new()
        .explore(|| {
            let ready = flag();
            let waiter = {
                let ready = ready.clone();
                thread::spawn(move || {
                    let raised = ready.1.wait_while(ready.0.lock().unwrap(), |r| !*r);
                    assert!(*raised.unwrap());
                })
            };
            raise(&ready);
            waiter.join().unwrap();
        })
        .unwrap();
    assert!(stats.complete);
}

#[test]
fn a_notification_without_a_flag_can_be_lost() {
    let failure = Builder::new()
        .explore(|| {
            let pair = flag();
            let waiter = {
                let pair = pair.clone();
                thread::spawn(move || {
                    let guard = pair.0.lock().unwrap();
                    let _guard = pair.1.wait(guard).unwrap();
                })
            };
            pair.1.notify_one(); // may run before the waiter waits: nobody to wake
            waiter.join().unwrap();
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Deadlock, "{failure}");
    let report = failure.to_string();
    assert!(
        report.contains("thread 1 is blocked at wait (tests/condvars.rs:"),
        "{report}"
    );
    assert!(
        report.contains("Condvar created at tests/condvars.rs:")
            && report.contains("nobody notified it"),
        "{report}"
    );
    assert!(
        report.contains("main is blocked at join thread 1"),
        "{report}"
    );
}

/// Two threads wait in a loop for the flag; main raises it and wakes them with
/// `notify_all` (or, wrongly, `notify_one`).
fn two_waiters(notify_all: bool) -> impl Fn() + Send + Sync + 'static {
    move || {
        let ready = flag();
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let ready = ready.clone();
                thread::spawn(move || {
                    let mut raised = ready.0.lock().unwrap();
                    while !*raised {
                        raised = ready.1.wait(raised).unwrap();
                    }
                })
            })
            .collect();
        *ready.0.lock().unwrap() = true;
        if notify_all {
            ready.1.notify_all();
        } else {
            ready.1.notify_one();
        }
        for w in waiters {
            w.join().unwrap();
        }
    }
}

#[test]
fn notify_all_wakes_every_waiter() {
    let stats = Builder::new().explore(two_waiters(true)).unwrap();
    assert!(stats.complete);
    // notify_one instead leaves one waiter asleep in some execution.
    let failure = Builder::new().explore(two_waiters(false)).unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Deadlock, "{failure}");
}

#[test]
fn wait_timeout_is_explored_notified_and_timed_out() {
    let seen = Arc::new(StdMutex::new(BTreeSet::new()));
    let sink = seen.clone();
    Builder::new()
        .explore(move || {
            let pair = flag();
            let notifier = {
                let pair = pair.clone();
                thread::spawn(move || raise(&pair))
            };
            let guard = pair.0.lock().unwrap();
            let (guard, result) = pair
                .1
                .wait_timeout(guard, Duration::from_millis(10))
                .unwrap();
            sink.lock().unwrap().insert((result.timed_out(), *guard));
            drop(guard);
            notifier.join().unwrap();
        })
        .unwrap();
    // Notified (the flag is then set), or timed out before or after the flag was set.
    assert_eq!(
        *seen.lock().unwrap(),
        BTreeSet::from([(false, true), (true, false), (true, true)])
    );
}

#[test]
fn spurious_wakeups_only_when_asked_for() {
    // Waits once without a loop: correct only if every wakeup is a notification.
    let model = || {
        let ready = flag();
        let waiter = {
            let ready = ready.clone();
            thread::spawn(move || {
                let raised = ready.0.lock().unwrap();
                if !*raised {
                    let raised = ready.1.wait(raised).unwrap();
                    assert!(*raised, "woke up without the flag");
                }
            })
        };
        raise(&ready);
        waiter.join().unwrap();
    };
    assert!(Builder::new().explore(model).is_ok());
    let failure = Builder::new()
        .spurious_wakeups(true)
        .explore(model)
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    assert!(failure.to_string().contains("woke up without the flag"));
}

/// Two threads raise the flag, one notifying inside its critical section and one after it,
/// then each adds to a counter; a third waits for the flag. Traces: the waiter locks
/// first and waits, and is woken by the notifier that locks first, relocking before or
/// after the other one (4: which one notifies first among two whose locks are ordered is
/// no trace of its own, as notifications mark waiters oldest first whoever sends them), or
/// it locks second or third and does not wait (4); times the 2 orders of the adds: 16.
/// Source-DPOR, which condvars meant before, ran these 16 and 2 sleep-set-blocked runs.
#[test]
fn a_waiter_between_two_notifiers_takes_one_execution_per_trace() {
    use weft::sync::atomic::{AtomicU64, Ordering::SeqCst};
    let seen = std::sync::Arc::new(StdMutex::new(BTreeSet::new()));
    let sink = seen.clone();
    let stats = Builder::new()
        .explore(move || {
            let (ready, count) = (flag(), Arc::new(AtomicU64::new(0)));
            let notifier = |inside: bool| {
                let (ready, count) = (ready.clone(), count.clone());
                thread::spawn(move || {
                    let mut raised = ready.0.lock().unwrap();
                    *raised = true;
                    if inside {
                        ready.1.notify_all();
                    }
                    drop(raised);
                    if !inside {
                        ready.1.notify_all();
                    }
                    count.fetch_add(1, SeqCst)
                })
            };
            let after = notifier(false);
            let r = ready.clone();
            let waiter = thread::spawn(move || {
                let mut raised = r.0.lock().unwrap();
                let waited = !*raised;
                while !*raised {
                    raised = r.1.wait(raised).unwrap();
                }
                waited
            });
            let inside = notifier(true);
            let outcome = (after.join().unwrap(), waiter.join().unwrap());
            inside.join().unwrap();
            sink.lock().unwrap().insert(outcome);
        })
        .unwrap();
    let outcomes = [(0, false), (0, true), (1, false), (1, true)];
    assert_eq!(*seen.lock().unwrap(), BTreeSet::from(outcomes));
    assert_eq!((stats.executions, stats.blocked), (16, 0));
}

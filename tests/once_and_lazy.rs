//! `Once`, `OnceLock` and `LazyLock` under the model: std's semantics (one initializer,
//! waiters see its value, poisoning), the interleavings explored, and the happens-before
//! edge from the initialization to every reader.
#![cfg(feature = "permute")]

mod common;

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::AtomicUsize as StdAtomicUsize;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Mutex as StdMutex;

use common::panic_text;
use weft::cell::UnsafeCell;
use weft::sync::atomic::AtomicBool;
use weft::sync::{Arc, LazyLock, Once, OnceLock};
use weft::{thread, Builder, FailureKind};

/// Values collected from inside a model, one per execution.
type Outcomes<T> = Arc<StdMutex<BTreeSet<T>>>;

/// Two handles to one outcome set: one to move into the model, one to read afterwards.
fn outcomes<T: Ord + Send + 'static>() -> (Outcomes<T>, Outcomes<T>) {
    let set = Arc::new(StdMutex::new(BTreeSet::new()));
    (set.clone(), set)
}

/// Plain (non-atomic) data shared between model threads; the race detector checks every
/// access.
struct Shared(UnsafeCell<u32>);

// SAFETY: used only inside weft models, where model threads run one at a time on one OS
// thread and the race detector stops a thread at the first racing access, before it touches
// memory.
unsafe impl Sync for Shared {}

impl Shared {
    #[track_caller]
    fn new() -> Shared {
        Shared(UnsafeCell::new(0))
    }

    #[track_caller]
    fn get(&self) -> u32 {
        // SAFETY: see `Sync` above.
        self.0.with(|p| unsafe { *p })
    }

    #[track_caller]
    fn set(&self, value: u32) {
        // SAFETY: see `Sync` above.
        self.0.with_mut(|p| unsafe { *p = value })
    }
}

#[test]
fn racing_get_or_init_runs_one_initializer_and_explores_both_winners() {
    let (winners, out) = outcomes::<usize>();
    let stats = Builder::new()
        .explore(move || {
            let cell = Arc::new(OnceLock::new());
            // Not modelled (no scheduling point): counts initializer runs in this execution.
            let runs = Arc::new(StdAtomicUsize::new(0));
            let racers: Vec<_> = [1, 2]
                .into_iter()
                .map(|id| {
                    let (cell, runs) = (cell.clone(), runs.clone());
                    thread::spawn(move || {
                        *cell.get_or_init(|| {
                            runs.fetch_add(1, Relaxed);
                            id
                        })
                    })
                })
                .collect();
            let seen: Vec<usize> = racers.into_iter().map(|t| t.join().unwrap()).collect();
            assert_eq!(runs.load(Relaxed), 1, "exactly one initializer runs");
            assert_eq!(seen[0], seen[1], "both threads see the winner's value");
            assert_eq!(cell.get(), Some(&seen[0]));
            winners.lock().unwrap().insert(seen[0]);
        })
        .unwrap();
    assert!(stats.complete);
    assert_eq!(*out.lock().unwrap(), BTreeSet::from([1, 2]));
}

#[test]
fn readers_of_an_initialized_lock_explore_one_execution() {
    let stats = Builder::new()
        .explore(|| {
            let cell = Arc::new(OnceLock::from(3));
            let readers: Vec<_> = (0..2)
                .map(|_| {
                    let cell = cell.clone();
                    thread::spawn(move || *cell.get().unwrap())
                })
                .collect();
            for reader in readers {
                assert_eq!(reader.join().unwrap(), 3);
            }
        })
        .unwrap();
    // `get` on an initialized lock is one Acquire load of its state (no lock): two loads
    // commute, so both orders of the readers are one class.
    assert_eq!(stats.executions, 1);
}

#[test]
fn get_does_not_block_and_sees_none_or_the_value() {
    let (seen, out) = outcomes::<Option<u32>>();
    Builder::new()
        .explore(move || {
            let cell = Arc::new(OnceLock::new());
            let writer = cell.clone();
            let t = thread::spawn(move || writer.set(7).unwrap());
            seen.lock().unwrap().insert(cell.get().copied());
            t.join().unwrap();
            assert_eq!(cell.get(), Some(&7));
        })
        .unwrap();
    assert_eq!(*out.lock().unwrap(), BTreeSet::from([None, Some(7)]));
}

/// A thread writes plain data, then publishes through `publish`; main reads the data only
/// if `ready` says it was published. Whether that read races depends on `ready`/`publish`.
fn publication(
    publish: impl Fn() + Send + Sync + 'static,
    ready: impl Fn() -> bool + Send + Sync + 'static,
) -> impl Fn() + Send + Sync + 'static {
    let (publish, ready) = (Arc::new(publish), Arc::new(ready));
    move || {
        let data = Arc::new(Shared::new());
        let (writer, publish) = (data.clone(), publish.clone());
        let t = thread::spawn(move || {
            writer.set(42);
            publish();
        });
        if ready() {
            assert_eq!(data.get(), 42);
        }
        t.join().unwrap();
    }
}

#[test]
fn once_lock_publication_orders_the_initializers_writes_before_get() {
    let explored = Builder::new().explore(|| {
        let cell = Arc::new(OnceLock::new());
        let (a, b) = (cell.clone(), cell.clone());
        publication(move || a.set(()).unwrap(), move || b.get().is_some())();
    });
    assert!(explored.is_ok(), "{}", explored.unwrap_err());

    // The control: a Relaxed flag orders nothing, and the detector says so.
    let failure = Builder::new()
        .explore(|| {
            let flag = Arc::new(AtomicBool::new(false));
            let (a, b) = (flag.clone(), flag.clone());
            publication(move || a.store(true, Relaxed), move || b.load(Relaxed))();
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::DataRace);
}

#[test]
fn once_waiters_return_only_after_the_initializer_finished() {
    Builder::new()
        .explore(|| {
            let once = Arc::new(Once::new());
            let data = Arc::new(Shared::new());
            let callers: Vec<_> = (0..2)
                .map(|_| {
                    let (once, data) = (once.clone(), data.clone());
                    thread::spawn(move || {
                        once.call_once(|| data.set(data.get() + 1));
                        // Whoever initialized, its write is complete and ordered before
                        // this read (else: a wrong value or a DataRace failure).
                        data.get()
                    })
                })
                .collect();
            for caller in callers {
                assert_eq!(caller.join().unwrap(), 1);
            }
            assert!(once.is_completed());
        })
        .unwrap();
}

#[test]
fn a_panicking_initializer_poisons_the_once_like_std() {
    Builder::new()
        .explore(|| {
            let once = Arc::new(Once::new());
            let other = once.clone();
            let failed = thread::spawn(move || other.call_once(|| panic!("init failed")));
            assert_eq!(
                panic_text(failed.join().unwrap_err().as_ref()),
                "init failed"
            );
            assert!(!once.is_completed());

            let again = catch_unwind(AssertUnwindSafe(|| once.call_once(|| {})));
            let payload = again.expect_err("call_once on a poisoned Once panics");
            assert_eq!(
                panic_text(payload.as_ref()),
                "Once instance has previously been poisoned"
            );

            let mut ran = false;
            once.call_once_force(|state| {
                assert!(state.is_poisoned());
                ran = true;
            });
            assert!(ran && once.is_completed());
            once.call_once_force(|_| unreachable!("a complete Once runs nothing"));
            once.call_once(|| unreachable!("a complete Once runs nothing"));
        })
        .unwrap();
}

#[test]
fn a_panicking_get_or_init_leaves_the_cell_empty_for_the_next_caller() {
    Builder::new()
        .explore(|| {
            let cell = Arc::new(OnceLock::<u32>::new());
            let other = cell.clone();
            let failed = thread::spawn(move || *other.get_or_init(|| panic!("no value")));
            assert!(failed.join().is_err());
            assert_eq!(cell.get(), None, "std's OnceLock is not poisoned");
            assert_eq!(*cell.get_or_init(|| 5), 5);
        })
        .unwrap();
}

#[test]
fn reentrant_get_or_init_is_a_deadlock_on_the_once_lock() {
    let failure = Builder::new()
        .explore(|| {
            let cell = OnceLock::new();
            let value = cell.get_or_init(|| *cell.get_or_init(|| 1) + 1);
            assert_eq!(*value, 2);
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Deadlock);
    let report = failure.to_string();
    assert!(
        report.contains("OnceLock created at tests/once_and_lazy.rs"),
        "{report}"
    );
    assert!(report.contains("held by main itself"), "{report}");
    // One execution: main alone, blocked on the lock it holds.
    assert!(report.contains("(execution 1,"), "{report}");
}

#[test]
fn a_waiter_blocked_behind_a_stuck_initializer_is_named_in_the_deadlock() {
    let failure = Builder::new()
        .explore(|| {
            let once = Arc::new(Once::new());
            let gate = Arc::new(weft::sync::Mutex::new(()));
            let held = gate.lock().unwrap();
            let (once2, gate2) = (once.clone(), gate.clone());
            let initializer = thread::spawn(move || {
                once2.call_once(|| drop(gate2.lock().unwrap()));
            });
            // Main waits for the initialization while holding what the initializer needs.
            once.call_once(|| {});
            drop(held);
            initializer.join().unwrap();
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Deadlock);
    let report = failure.to_string();
    // In the reported execution the thread got into its initializer first; main then
    // waits on the Once's lock, held by thread 1, which waits on main's mutex.
    assert!(
        report.contains("main is blocked at lock") && report.contains("Once created at"),
        "{report}"
    );
    assert!(report.contains("held by thread 1"), "{report}");
}

#[test]
fn once_lock_methods_follow_std() {
    Builder::new()
        .explore(|| {
            let mut cell = OnceLock::new();
            assert_eq!(format!("{cell:?}"), "OnceLock(<uninit>)");
            assert_eq!(cell.get_mut(), None);
            assert_eq!(cell.set(1), Ok(()));
            assert_eq!(cell.set(2), Err(2));
            assert_eq!(*cell.get_or_init(|| unreachable!()), 1);
            assert_eq!(format!("{cell:?}"), "OnceLock(1)");
            *cell.get_mut().unwrap() += 10;
            assert_eq!(cell.clone().get(), Some(&11));
            assert_eq!(cell, OnceLock::from(11));
            assert_eq!(cell.take(), Some(11));
            assert_eq!(cell.get(), None, "take leaves it uninitialized");
            assert_eq!(*cell.get_or_init(|| 3), 3, "and initializable again");
            assert_eq!(cell.into_inner(), Some(3));
            assert_eq!(OnceLock::<u8>::default().into_inner(), None);
        })
        .unwrap();
}

#[test]
fn lazy_lock_runs_its_function_once_and_either_thread_may_run_it() {
    let (initializers, out) = outcomes::<usize>();
    Builder::new()
        .explore(move || {
            // Not modelled: which threads ran the function in this execution.
            let ran_in = Arc::new(StdMutex::new(Vec::new()));
            let log = ran_in.clone();
            let lazy = Arc::new(LazyLock::new(move || {
                log.lock().unwrap().push(thread::current().id().as_index());
                100
            }));
            let other = lazy.clone();
            let t = thread::spawn(move || **other);
            let mine = **lazy;
            assert_eq!((mine, t.join().unwrap()), (100, 100));
            let ran_in = ran_in.lock().unwrap().clone();
            assert_eq!(ran_in.len(), 1, "the function runs once: {ran_in:?}");
            initializers.lock().unwrap().insert(ran_in[0]);
        })
        .unwrap();
    // Main (0) or the spawned thread (1) forces it first.
    assert_eq!(*out.lock().unwrap(), BTreeSet::from([0, 1]));
}

#[test]
fn a_panicking_lazy_lock_is_poisoned_for_every_later_access() {
    Builder::new()
        .explore(|| {
            let lazy = Arc::new(LazyLock::new(|| -> u32 { panic!("no value") }));
            let other = lazy.clone();
            let failed = thread::spawn(move || *LazyLock::force(&other));
            assert_eq!(panic_text(failed.join().unwrap_err().as_ref()), "no value");
            let payload = catch_unwind(AssertUnwindSafe(|| **lazy)).unwrap_err();
            assert_eq!(
                panic_text(payload.as_ref()),
                "LazyLock instance has previously been poisoned"
            );
            assert_eq!(format!("{lazy:?}"), "LazyLock(<uninit>)");
        })
        .unwrap();
}

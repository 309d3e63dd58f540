//! `weft::thread_local!` under the model: one value per model thread (model threads share
//! one OS thread, so std's thread-locals would be shared), initialized lazily in the thread
//! that accesses it, and dropped when that thread exits, before `join` returns.
#![cfg(feature = "permute")]

use std::cell::{Cell, RefCell};
use std::sync::atomic::AtomicUsize as StdAtomicUsize;
use std::sync::atomic::Ordering::Relaxed;

use weft::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use weft::sync::{Arc, Mutex};
use weft::{thread, Builder};

/// Sets its flag (a modelled atomic, a scheduling point) and records itself in a modelled
/// `Mutex` when dropped.
struct Notify {
    dropped: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<usize>>>,
}

impl Drop for Notify {
    fn drop(&mut self) {
        self.log
            .lock()
            .unwrap()
            .push(thread::current().id().as_index());
        self.dropped.store(true, SeqCst);
    }
}

#[test]
fn each_model_thread_counts_in_its_own_value() {
    weft::thread_local! {
        static COUNTER: Cell<u32> = const {
            let start = 0;
            Cell::new(start)
        };
    }
    let stats = Builder::new()
        .explore(|| {
            // Main's value of the previous execution was dropped when main returned.
            assert_eq!(COUNTER.get(), 0);
            let shared = Arc::new(AtomicUsize::new(0));
            let workers: Vec<_> = (0..2)
                .map(|_| {
                    let shared = shared.clone();
                    thread::spawn(move || {
                        COUNTER.set(COUNTER.get() + 1);
                        shared.fetch_add(1, SeqCst);
                        COUNTER.get()
                    })
                })
                .collect();
            for w in workers {
                assert_eq!(
                    w.join().unwrap(),
                    1,
                    "each thread sees only its own increment"
                );
            }
            assert_eq!(COUNTER.get(), 0, "main's value is untouched");
            COUNTER.set(7);
        })
        .unwrap();
    // The two fetch_adds conflict (two orders); the thread-local accesses are not
    // scheduling points and add none.
    assert_eq!(stats.executions, 2);
}

#[test]
fn a_value_is_initialized_lazily_in_the_thread_that_first_uses_it() {
    static INITS: StdAtomicUsize = StdAtomicUsize::new(0);
    weft::thread_local! {
        /// The index of the thread that initialized it.
        static OWNER: usize = {
            INITS.fetch_add(1, Relaxed);
            thread::current().id().as_index()
        };
    }
    let stats = Builder::new()
        .explore(|| {
            let user = thread::spawn(|| OWNER.with(|owner| *owner));
            let idle = thread::spawn(|| thread::current().id().as_index());
            assert_eq!(user.join().unwrap(), 1);
            assert_eq!(idle.join().unwrap(), 2);
            assert_eq!(OWNER.with(|owner| *owner), 0);
            assert_eq!(OWNER.with(|owner| *owner), 0);
        })
        .unwrap();
    // No operation conflicts: one execution.
    assert_eq!(stats.executions, 1);
    // Main and thread 1 accessed the key (main twice), thread 2 never did.
    assert_eq!(INITS.load(Relaxed), 2);
}

#[test]
fn destructors_run_at_thread_exit_and_happen_before_join() {
    weft::thread_local! {
        static GUARD: RefCell<Option<Notify>> = const { RefCell::new(None) };
    }
    let seen = Arc::new(std::sync::Mutex::new(std::collections::BTreeSet::new()));
    let out = seen.clone();
    Builder::new()
        .explore(move || {
            let dropped = Arc::new(AtomicBool::new(false));
            let log = Arc::new(Mutex::new(Vec::new()));
            let notify = Notify {
                dropped: dropped.clone(),
                log: log.clone(),
            };
            let t = thread::spawn(move || GUARD.set(Some(notify)));
            let before_join = dropped.load(SeqCst);
            t.join().unwrap();
            assert!(dropped.load(SeqCst), "dropped before join returned");
            assert_eq!(*log.lock().unwrap(), [1], "dropped once, in thread 1");
            seen.lock().unwrap().insert(before_join);
        })
        .unwrap();
    // Main may look before or after the thread (and its destructor) ran.
    assert_eq!(
        *out.lock().unwrap(),
        std::collections::BTreeSet::from([false, true])
    );
}

#[test]
fn main_threads_values_are_dropped_when_main_returns() {
    static DROPS: StdAtomicUsize = StdAtomicUsize::new(0);
    struct Counted;
    impl Drop for Counted {
        fn drop(&mut self) {
            DROPS.fetch_add(1, Relaxed);
        }
    }
    weft::thread_local! {
        static VALUE: Counted = const { Counted };
    }
    let stats = Builder::new()
        .explore(|| {
            let flag = Arc::new(AtomicBool::new(false));
            let other = flag.clone();
            let t = thread::spawn(move || {
                VALUE.with(|_| ());
                other.store(true, SeqCst)
            });
            VALUE.with(|_| ());
            flag.load(SeqCst);
            t.join().unwrap();
        })
        .unwrap();
    // Two executions (the load before or after the store), each dropping main's and
    // thread 1's value (every run counts, also one abandoned as blocked).
    assert_eq!(stats.executions, 2);
    assert_eq!(
        DROPS.load(Relaxed) as u64,
        2 * (stats.executions + stats.blocked)
    );
}

#[test]
fn a_destructor_cannot_reach_a_value_destroyed_before_it() {
    // The same macro at `weft::thread` (both paths work).
    weft::thread::thread_local! {
        static FIRST: RefCell<Option<Probe>> = const { RefCell::new(None) };
        static SECOND: u8 = const { 0 };
    }
    /// In its destructor, records whether `SECOND` is still accessible.
    struct Probe(Arc<AtomicUsize>);
    impl Drop for Probe {
        fn drop(&mut self) {
            let error = SECOND.try_with(|_| ()).unwrap_err();
            assert_eq!(error.to_string(), "already destroyed");
            self.0.store(1, SeqCst);
        }
    }
    Builder::new()
        .explore(|| {
            let checked = Arc::new(AtomicUsize::new(0));
            let probe = Probe(checked.clone());
            thread::spawn(move || {
                FIRST.set(Some(probe));
                // Initialized after FIRST, so destroyed before it (most recent first).
                SECOND.with(|_| ());
            })
            .join()
            .unwrap();
            assert_eq!(checked.load(SeqCst), 1, "the destructor ran its check");
        })
        .unwrap();
}

#[test]
fn a_panicking_destructor_is_the_threads_panic() {
    struct Explodes;
    impl Drop for Explodes {
        fn drop(&mut self) {
            panic!("destructor failed");
        }
    }
    weft::thread_local! {
        static BOMB: Explodes = const { Explodes };
    }
    Builder::new()
        .explore(|| {
            let t = thread::spawn(|| BOMB.with(|_| ()));
            // std aborts the process here; weft reports it as the thread's panic.
            let payload = t.join().unwrap_err();
            assert_eq!(payload.downcast_ref::<&str>(), Some(&"destructor failed"));
        })
        .unwrap();
}

#[test]
fn cell_and_refcell_helpers_follow_std() {
    fn never() -> Cell<u32> {
        panic!("set does not run the initializer")
    }
    weft::thread_local! {
        static NUMBER: Cell<u32> = never();
        pub(crate) static LIST: RefCell<Vec<u32>> = RefCell::new(vec![1]);
    }
    Builder::new()
        .explore(|| {
            NUMBER.set(5);
            assert_eq!(NUMBER.get(), 5);
            assert_eq!(NUMBER.replace(6), 5);
            assert_eq!(NUMBER.take(), 6);
            assert_eq!(NUMBER.get(), 0);

            LIST.with_borrow_mut(|list| list.push(2));
            assert_eq!(LIST.with_borrow(|list| list.clone()), [1, 2]);
            assert_eq!(LIST.replace(vec![3]), [1, 2]);
            assert_eq!(LIST.take(), [3]);
            LIST.set(vec![4]);
            assert_eq!(LIST.with_borrow(Vec::len), 1);
        })
        .unwrap();
}

#[test]
fn join_waits_for_the_destructors_so_a_blocking_one_deadlocks() {
    /// Locks its mutex when dropped.
    struct LocksOnDrop(Arc<Mutex<()>>);
    impl Drop for LocksOnDrop {
        fn drop(&mut self) {
            let _guard = self.0.lock().unwrap();
        }
    }
    weft::thread_local! {
        static HOLDER: RefCell<Option<LocksOnDrop>> = const { RefCell::new(None) };
    }
    let failure = Builder::new()
        .explore(|| {
            let mutex = Arc::new(Mutex::new(()));
            let held = mutex.lock().unwrap();
            let theirs = LocksOnDrop(mutex.clone());
            let t = thread::spawn(move || HOLDER.set(Some(theirs)));
            // The thread's closure returns at once, but its destructor needs the mutex.
            t.join().unwrap();
            drop(held);
        })
        .unwrap_err();
    assert_eq!(failure.kind(), weft::FailureKind::Deadlock);
    let report = failure.to_string();
    assert!(
        report.contains("main is blocked at join thread 1"),
        "{report}"
    );
    assert!(
        report.contains("thread 1 is blocked at lock (tests/thread_locals.rs:"),
        "{report}"
    );
}

#[test]
fn an_initializer_that_reads_its_own_key_is_replaced_by_the_outer_value() {
    weft::thread_local! {
        static DEPTH: Cell<u32> = const { Cell::new(0) };
        /// Its initializer reads the key once more (the inner read initializes it to 1).
        static NESTED: u32 = {
            DEPTH.set(DEPTH.get() + 1);
            if DEPTH.get() == 1 {
                NESTED.with(|inner| *inner) + 10
            } else {
                1
            }
        };
    }
    Builder::new()
        .explore(|| {
            // The outer initializer returns 11 and replaces the inner value 1, which is
            // dropped then; every later access sees 11.
            assert_eq!(NESTED.with(|value| *value), 11);
            assert_eq!(NESTED.with(|value| *value), 11);
            assert_eq!(DEPTH.get(), 2);
        })
        .unwrap();
}

#[test]
fn values_of_a_failed_execution_are_leaked_not_dropped_outside_the_model() {
    static DROPPED: StdAtomicUsize = StdAtomicUsize::new(0);
    /// Its destructor uses a weft primitive, which panics outside a model.
    struct UsesWeft(AtomicBool);
    impl Drop for UsesWeft {
        fn drop(&mut self) {
            self.0.store(true, SeqCst);
            DROPPED.fetch_add(1, Relaxed);
        }
    }
    weft::thread_local! {
        static HELD: RefCell<Option<UsesWeft>> = const { RefCell::new(None) };
    }
    let failure = Builder::new()
        .explore(|| {
            HELD.set(Some(UsesWeft(AtomicBool::new(false))));
            let m = Mutex::new(());
            let _first = m.lock().unwrap();
            let _second = m.lock().unwrap(); // main waits for itself forever
        })
        .unwrap_err();
    // Main never finished: its value stays with the abandoned execution (the report, not
    // a panic from a destructor run outside the model).
    assert_eq!(failure.kind(), weft::FailureKind::Deadlock);
    assert_eq!(DROPPED.load(Relaxed), 0);
}

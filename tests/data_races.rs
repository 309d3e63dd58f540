//! Happens-before as the race detector sees it: which synchronisation orders two cell
//! accesses (spawn, join, locks, Release/Acquire atomics, release sequences, fences) and
//! which does not (Relaxed), each asserted both ways.
#![cfg(feature = "permute")]

use weft::cell::UnsafeCell;
use weft::sync::atomic::{fence, AtomicBool, AtomicUsize, Ordering};
use weft::sync::{Arc, Mutex};
use weft::{thread, Builder, FailureKind};

/// A cell shared by model threads (the race detector watches every access).
struct Cell(UnsafeCell<usize>);

// SAFETY: used only inside weft models, where model threads run one at a time on one OS
// thread and a racing access halts its thread before it touches memory.
unsafe impl Sync for Cell {}

impl Cell {
    #[track_caller]
    fn new() -> Cell {
        Cell(UnsafeCell::new(0))
    }

    #[track_caller]
    fn read(&self) -> usize {
        // SAFETY: see `Sync` above.
        self.0.with(|p| unsafe { *p })
    }

    #[track_caller]
    fn write(&self, value: usize) {
        // SAFETY: see `Sync` above.
        self.0.with_mut(|p| unsafe { *p = value })
    }
}

/// Message passing: a writer fills the cell and raises a flag with `store`; a reader that
/// sees the flag with `load` reads the cell.
fn message_passing(store: Ordering, load: Ordering) -> impl Fn() + Send + Sync + 'static {
    move || {
        let data = Arc::new(Cell::new());
        let ready = Arc::new(AtomicBool::new(false));
        let writer = {
            let (data, ready) = (data.clone(), ready.clone());
            thread::spawn(move || {
                data.write(42);
                ready.store(true, store);
            })
        };
        if ready.load(load) {
            assert_eq!(data.read(), 42);
        }
        writer.join().unwrap();
    }
}

#[test]
fn message_passing_with_release_acquire_passes() {
    let stats = Builder::new()
        .explore(message_passing(Ordering::Release, Ordering::Acquire))
        .unwrap();
    assert!(stats.complete);
    // The load before the store, and after it reading it. After it, it cannot read the
    // initial `false`: main has no store in its past, so that graph is the first one's
    // (`runtime/store_past.rs`; 3 executions before).
    assert_eq!(stats.executions, 2);
    let stats = Builder::new()
        .explore(message_passing(Ordering::SeqCst, Ordering::SeqCst))
        .unwrap();
    assert_eq!(
        stats.executions, 2,
        "SeqCst: the load before or after the store"
    );
}

#[test]
fn message_passing_with_a_relaxed_flag_races() {
    for (store, load) in [
        (Ordering::Relaxed, Ordering::Acquire),
        (Ordering::Release, Ordering::Relaxed),
        (Ordering::Relaxed, Ordering::Relaxed),
    ] {
        let failure = Builder::new()
            .explore(message_passing(store, load))
            .unwrap_err();
        assert_eq!(failure.kind(), FailureKind::DataRace, "{store:?}/{load:?}");
        let report = failure.to_string();
        assert!(
            report.contains("  read at tests/data_races.rs:"),
            "{report}"
        );
        assert!(report.contains("by main"), "{report}");
        assert!(
            report.contains("  previous write at tests/data_races.rs:"),
            "{report}"
        );
        assert!(report.contains("by thread 1"), "{report}");
    }
}

#[test]
fn relaxed_load_then_acquire_fence_synchronises() {
    let model = || {
        let data = Arc::new(Cell::new());
        let ready = Arc::new(AtomicBool::new(false));
        let writer = {
            let (data, ready) = (data.clone(), ready.clone());
            thread::spawn(move || {
                data.write(7);
                fence(Ordering::Release);
                ready.store(true, Ordering::Relaxed);
            })
        };
        if ready.load(Ordering::Relaxed) {
            fence(Ordering::Acquire);
            assert_eq!(data.read(), 7);
        }
        writer.join().unwrap();
    };
    let stats = Builder::new().explore(model).unwrap();
    // The load before the store, and after it reading it (not the initial `false`, which
    // only repeats the first graph).
    assert_eq!(stats.executions, 2);
}

/// Two owners of a shared value; each uses it, then drops its reference with `fetch_sub`,
/// and the last one frees it (writes the cell). `decrement` and `fence_before_free` are the
/// orderings under test.
fn reference_count(decrement: Ordering, fence_before_free: bool) -> impl Fn() + Send + Sync {
    move || {
        let value = Arc::new(Cell::new());
        let count = Arc::new(AtomicUsize::new(2));
        let release = {
            let (value, count) = (value.clone(), count.clone());
            move || {
                let _ = value.read();
                if count.fetch_sub(1, decrement) == 1 {
                    if fence_before_free {
                        fence(Ordering::Acquire);
                    }
                    value.write(usize::MAX); // free
                }
            }
        };
        let other = thread::spawn(release.clone());
        release();
        other.join().unwrap();
    }
}

#[test]
fn relaxed_reference_count_races_on_free() {
    let failure = Builder::new()
        .explore(reference_count(Ordering::Relaxed, true))
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::DataRace, "{failure}");
    let report = failure.to_string();
    assert!(
        report.contains("  write at tests/data_races.rs:"),
        "{report}"
    );
    assert!(
        report.contains("  previous read at tests/data_races.rs:"),
        "{report}"
    );
    // Release without the acquire fence is just as wrong.
    let failure = Builder::new()
        .explore(reference_count(Ordering::Release, false))
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::DataRace, "{failure}");
}

#[test]
fn release_decrement_with_acquire_fence_passes() {
    let stats = Builder::new()
        .explore(reference_count(Ordering::Release, true))
        .unwrap();
    assert_eq!(stats.executions, 2, "which thread decrements first");
    let stats = Builder::new()
        .explore(reference_count(Ordering::AcqRel, false))
        .unwrap();
    assert_eq!(stats.executions, 2);
}

#[test]
fn release_sequence_continues_through_a_relaxed_rmw() {
    // The writer publishes with a Release store; a relaxed fetch_add by a third thread
    // continues its release sequence, so a reader that acquires the RMW's value is ordered
    // after the writer's cell write.
    let model = || {
        let data = Arc::new(Cell::new());
        let flag = Arc::new(AtomicUsize::new(0));
        let writer = {
            let (data, flag) = (data.clone(), flag.clone());
            thread::spawn(move || {
                data.write(1);
                flag.store(1, Ordering::Release);
            })
        };
        let bumper = {
            let flag = flag.clone();
            thread::spawn(move || {
                let _ = flag.fetch_add(1, Ordering::Relaxed);
            })
        };
        if flag.load(Ordering::Acquire) == 2 {
            assert_eq!(data.read(), 1);
        }
        writer.join().unwrap();
        bumper.join().unwrap();
    };
    let stats = Builder::new().explore(model).unwrap();
    assert!(stats.complete);
}

#[test]
fn two_readers_never_race() {
    let model = || {
        let data = Arc::new(Cell::new());
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let data = data.clone();
                thread::spawn(move || data.read())
            })
            .collect();
        let sum: usize = readers.into_iter().map(|r| r.join().unwrap()).sum();
        assert_eq!(sum, 0);
        data.write(1); // after both joins: ordered
    };
    let stats = Builder::new().explore(model).unwrap();
    assert_eq!(stats.executions, 1);
}

#[test]
fn spawn_join_and_mutex_order_accesses() {
    let model = || {
        let data = Arc::new(Cell::new());
        let lock = Arc::new(Mutex::new(()));
        data.write(1); // before spawn
        let worker = {
            let (data, lock) = (data.clone(), lock.clone());
            thread::spawn(move || {
                let _guard = lock.lock().unwrap();
                data.write(data.read() + 1);
            })
        };
        {
            let _guard = lock.lock().unwrap();
            data.write(data.read() + 1);
        }
        worker.join().unwrap();
        assert_eq!(data.read(), 3); // after join
    };
    let stats = Builder::new().explore(model).unwrap();
    assert_eq!(stats.executions, 2, "which thread locks first");
}

#[test]
fn race_behind_a_preemption_is_found() {
    // The worker writes the cell only if it runs while `phase` is 1, which main sets and
    // overwrites in two consecutive steps; main then reads the cell without synchronising
    // with the worker. Only executions that preempt main between its two stores race.
    let model = || {
        let data = Arc::new(Cell::new());
        let phase = Arc::new(AtomicUsize::new(0));
        let worker = {
            let (data, phase) = (data.clone(), phase.clone());
            thread::spawn(move || {
                if phase.load(Ordering::SeqCst) == 1 {
                    data.write(5);
                }
            })
        };
        // SeqCst: a load that runs after both stores reads 2 (with Release/Acquire it may
        // read 1, a race without any preemption).
        phase.store(1, Ordering::SeqCst);
        phase.store(2, Ordering::SeqCst);
        let _ = data.read();
        worker.join().unwrap();
    };
    let stats = Builder::new().preemption_bound(0).explore(model).unwrap();
    assert!(stats.complete);
    let failure = Builder::new()
        .preemption_bound(1)
        .explore(model)
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::DataRace, "{failure}");
    assert!(failure.to_string().contains(", 1 preemption,"), "{failure}");
    let failure = Builder::new().explore(model).unwrap_err();
    assert_eq!(failure.kind(), FailureKind::DataRace, "{failure}");
}

#[test]
fn unsync_load_races_with_an_unordered_store_and_not_with_an_ordered_one() {
    use weft::sync::atomic::NonAtomicAccess;
    // Loom's `unsync_load`: a plain read of an atomic. After `join` it is ordered after the
    // worker's store; before it, it races with the store.
    let model = |read_before_join: bool| {
        move || {
            let value = Arc::new(AtomicUsize::new(0));
            let worker = {
                let value = value.clone();
                thread::spawn(move || value.store(1, Ordering::Relaxed))
            };
            if read_before_join {
                // SAFETY: the race detector halts this read if it races (it does).
                let _ = unsafe { value.unsync_load() };
            }
            worker.join().unwrap();
            // SAFETY: the worker's store happens before this read (join).
            assert_eq!(unsafe { value.unsync_load() }, 1);
        }
    };
    let stats = Builder::new().explore(model(false)).unwrap();
    assert_eq!(stats.executions, 1);
    let failure = Builder::new().explore(model(true)).unwrap_err();
    assert_eq!(failure.kind(), FailureKind::DataRace, "{failure}");
    let report = failure.to_string();
    assert!(
        report.starts_with("weft: data race on AtomicUsize #"),
        "{report}"
    );
    // Main's read runs first (before the worker starts); the worker's store then races.
    assert!(
        report.contains("  atomic write at tests/data_races.rs:") && report.contains("by thread 1"),
        "{report}"
    );
    assert!(
        report.contains("  previous non-atomic read at tests/data_races.rs:"),
        "{report}"
    );
    let stats = Builder::new()
        .explore(|| {
            let mut exclusive = AtomicUsize::new(3);
            exclusive.with_mut(|v| *v += 1);
            assert_eq!(exclusive.load(Ordering::Relaxed), 4);
        })
        .unwrap();
    assert_eq!(stats.executions, 1);
}

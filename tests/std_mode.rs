//! Without `permute`, weft's primitives are std's own and a model runs once on real threads.
#![cfg(not(feature = "permute"))]

use weft::cell::UnsafeCell;
use weft::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use weft::sync::{Arc, Mutex};
use weft::{thread, Builder, FailureKind, Strategy};

#[test]
fn primitives_are_std_types() {
    let _: std::sync::atomic::AtomicUsize = AtomicUsize::new(0);
    let _: std::sync::Mutex<u8> = Mutex::new(0);
    let handle: std::thread::JoinHandle<()> = thread::spawn(|| {});
    handle.join().unwrap();
}

#[test]
fn model_runs_once_on_real_threads() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let stats = Builder::new()
        .explore(move || {
            counted.fetch_add(1, SeqCst);
            let main_id = std::thread::current().id();
            let other = thread::spawn(move || std::thread::current().id())
                .join()
                .unwrap();
            assert_ne!(main_id, other, "a spawned thread is a real OS thread");
        })
        .unwrap();
    assert_eq!(runs.load(SeqCst), 1);
    assert_eq!(stats.executions, 1);
    weft::model(|| {});
}

#[test]
fn panic_in_the_model_is_a_failure_value() {
    let failure = Builder::new()
        .explore(|| panic!("plain failure"))
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    assert!(failure.to_string().contains("plain failure"));
    assert!(failure.to_string().contains("`permute` feature is off"));
}

#[test]
fn unsafe_cell_wrapper_reads_and_writes() {
    let mut cell = UnsafeCell::new(1);
    // SAFETY: no other reference to the cell's contents exists.
    cell.with_mut(|p| unsafe { *p += 1 });
    // SAFETY: as above.
    assert_eq!(cell.with(|p| unsafe { *p }), 2);
    *cell.get_mut() += 1;
    assert_eq!(cell.into_inner(), 3);
}

#[test]
fn every_strategy_runs_the_model_once() {
    for strategy in [
        Strategy::Random {
            seed: 1,
            executions: 10,
        },
        Strategy::Pct {
            seed: 1,
            depth: 2,
            executions: 10,
        },
        Strategy::Bytes(vec![1, 2, 3]),
    ] {
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = runs.clone();
        let stats = Builder::new()
            .strategy(strategy)
            .explore(move || {
                counted.fetch_add(1, SeqCst);
            })
            .unwrap();
        assert_eq!((runs.load(SeqCst), stats.executions), (1, 1));
    }
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    weft::fuzz(&[7, 7], move || {
        counted.fetch_add(1, SeqCst);
    });
    assert_eq!(runs.load(SeqCst), 1);
}

#[test]
fn once_cells_scopes_sleep_and_thread_locals_are_std_items() {
    use std::cell::Cell;
    use weft::sync::{LazyLock, Once, OnceLock};

    // `const` in std mode, exactly as std's.
    static STARTED: Once = Once::new();
    static CONFIG: OnceLock<u8> = OnceLock::new();
    static LAZY: LazyLock<u8> = LazyLock::new(|| 3);
    let _: &std::sync::Once = &STARTED;
    let _: &std::sync::OnceLock<u8> = &CONFIG;
    let _: &std::sync::LazyLock<u8> = &LAZY;
    STARTED.call_once(|| {});
    assert!(STARTED.is_completed());
    assert_eq!(*CONFIG.get_or_init(|| 2), 2);
    assert_eq!(*LAZY, 3);

    weft::thread_local! {
        static LOCAL: Cell<u8> = const { Cell::new(1) };
    }
    weft::thread::thread_local! {
        static OTHER: u8 = 2;
    }
    let _: &'static std::thread::LocalKey<Cell<u8>> = &LOCAL;
    let _: &'static std::thread::LocalKey<u8> = &OTHER;
    LOCAL.set(5);
    let other = thread::spawn(|| LOCAL.get()).join().unwrap();
    assert_eq!((LOCAL.get(), other), (5, 1), "one value per OS thread");

    let mut total = 0;
    thread::scope(|s: &std::thread::Scope<'_, '_>| {
        let h: std::thread::ScopedJoinHandle<'_, u32> = s.spawn(|| 4);
        total += h.join().unwrap();
    });
    assert_eq!(total, 4);
    thread::sleep(std::time::Duration::ZERO);
}

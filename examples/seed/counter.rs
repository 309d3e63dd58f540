//! The seed's counter: two goroutines each add 1 twice to a shared `counter`, in the buggy
//! version by `value := counter; value++; counter = value`. Shared by the `lost_update`
//! example and the tests (`#[path]`), so both exercise the same program.
#![allow(dead_code)]

use weft::sync::atomic::{AtomicUsize, Ordering};
use weft::sync::Arc;
use weft::thread;

/// The Go program's `routine`: a load, then a store of the value plus one, twice.
pub fn load_then_store(counter: &AtomicUsize) {
    for _ in 0..2 {
        let value = counter.load(Ordering::SeqCst);
        counter.store(value + 1, Ordering::SeqCst);
    }
}

/// The fix: one atomic read-modify-write per increment.
pub fn fetch_add(counter: &AtomicUsize) {
    for _ in 0..2 {
        counter.fetch_add(1, Ordering::SeqCst);
    }
}

/// Two threads run `routine` on one counter; main joins them and calls `check` with it.
pub fn counter_model(
    routine: fn(&AtomicUsize),
    check: impl Fn(usize) + Send + Sync + 'static,
) -> impl Fn() + Send + Sync + 'static {
    move || {
        let counter = Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let counter = counter.clone();
                thread::spawn(move || routine(&counter))
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
        check(counter.load(Ordering::SeqCst));
    }
}

/// What the Go program expects: `Final Counter: 4`.
pub fn expect_four(total: usize) {
    assert_eq!(
        total, 4,
        "Final Counter: {total}, expected 4: an update was lost"
    );
}

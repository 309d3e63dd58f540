//! The seed's lost update: two threads each add 1 to a shared counter twice, by loading it
//! and storing the value plus one. Run without locking, some interleavings lose updates.
//!
//! `cargo run --example lost_update --features permute` prints weft's report for the buggy
//! counter, then shows that the fixed counter (`fetch_add`) passes in every interleaving.

use weft::sync::atomic::{AtomicUsize, Ordering};
use weft::sync::Arc;
use weft::thread;

/// The Go program's `routine`: `value := counter; value++; counter = value`, twice.
fn buggy_routine(counter: &AtomicUsize) {
    for _ in 0..2 {
        let value = counter.load(Ordering::SeqCst);
        counter.store(value + 1, Ordering::SeqCst);
    }
}

/// The fix: one atomic read-modify-write per increment.
fn fixed_routine(counter: &AtomicUsize) {
    for _ in 0..2 {
        counter.fetch_add(1, Ordering::SeqCst);
    }
}

/// Two threads run `routine` on one counter; main joins them and checks the total.
fn counter_model(routine: fn(&AtomicUsize)) -> impl Fn() + Send + Sync + 'static {
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
        let total = counter.load(Ordering::SeqCst);
        assert_eq!(
            total, 4,
            "Final Counter: {total}, expected 4: an update was lost"
        );
    }
}

fn main() {
    if std::env::var_os("WEFT_REPLAY").is_some() {
        // A replay line from the report below: re-run that one execution of the buggy counter.
        println!("== replaying WEFT_REPLAY on the seed's counter ==");
        weft::model(counter_model(buggy_routine));
        return;
    }
    println!("== the seed's counter: load, then store (lost updates) ==");
    match weft::Builder::new().explore(counter_model(buggy_routine)) {
        Ok(stats) => {
            println!(
                "no failure found in {} executions (unexpected)",
                stats.executions
            );
            std::process::exit(1);
        }
        Err(failure) => println!("{failure}"),
    }
    println!("== the fixed counter: fetch_add ==");
    match weft::Builder::new().explore(counter_model(fixed_routine)) {
        Ok(stats) => println!(
            "passed: {} executions, every interleaving explored: {}",
            stats.executions, stats.complete
        ),
        Err(failure) => {
            println!("{failure}");
            std::process::exit(1);
        }
    }
}

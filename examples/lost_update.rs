//! The seed's lost update: two threads each add 1 to a shared counter twice, by loading it
//! and storing the value plus one. Run without locking, some interleavings lose updates.
//!
//! `cargo run --example lost_update --features permute` prints weft's report for the buggy
//! counter, then shows that the fixed counter (`fetch_add`) passes in every interleaving.

#[path = "seed/counter.rs"]
mod counter;

use counter::{counter_model, expect_four, fetch_add, load_then_store};

fn main() {
    if std::env::var_os("WEFT_REPLAY").is_some() {
        // A replay line from the report below: re-run that one execution of the buggy counter.
        println!("== replaying WEFT_REPLAY on the seed's counter ==");
        weft::model(counter_model(load_then_store, expect_four));
        return;
    }
    println!("== the seed's counter: load, then store (lost updates) ==");
    match weft::Builder::new().explore(counter_model(load_then_store, expect_four)) {
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
    match weft::Builder::new().explore(counter_model(fetch_add, expect_four)) {
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

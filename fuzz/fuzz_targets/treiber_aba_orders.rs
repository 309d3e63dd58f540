//! `treiber_aba` plus concurrency coverage: after each execution, every dependence edge
//! between threads that it ran (`Stats::interleaving`: thread A's access at one site, then
//! another thread's conflicting access at another) bumps one of libFuzzer's extra 8-bit
//! counters, so inputs that reach new orders of racing operations are kept as interesting
//! even when they run no new code. Compare it with `treiber_aba` (README, "cargo fuzz").
#![no_main]

use std::sync::atomic::{AtomicU8, Ordering::Relaxed};

use libfuzzer_sys::fuzz_target;
use weft::{Builder, Strategy};

#[path = "../../examples/lockfree/treiber.rs"]
mod treiber;

const COUNTERS: usize = 4096;

/// libFuzzer treats the bytes of this section as extra coverage counters: it clears them
/// before each input and keeps an input that sets a new counter or a new hit-count bucket.
#[used]
#[link_section = "__libfuzzer_extra_counters"]
static ORDERS: [AtomicU8; COUNTERS] = [const { AtomicU8::new(0) }; COUNTERS];

fuzz_target!(|schedule: &[u8]| {
    let outcome = Builder::new()
        .strategy(Strategy::Bytes(schedule.to_vec()))
        .explore(treiber::aba_model(false));
    match outcome {
        Ok(stats) => {
            for edge in stats.interleaving {
                let counter = &ORDERS[edge as usize % COUNTERS];
                counter.store(counter.load(Relaxed).saturating_add(1), Relaxed);
            }
        }
        Err(failure) => panic!("{failure}"),
    }
});

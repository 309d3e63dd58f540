//! The seed's lost-update counter, its schedule driven by the fuzzer's bytes
//! (`weft::fuzz`: one byte per scheduling point with a choice). A found bug panics with
//! weft's report, whose last line replays the execution.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../examples/seed/counter.rs"]
mod counter;

fuzz_target!(|schedule: &[u8]| {
    weft::fuzz(
        schedule,
        counter::counter_model(counter::load_then_store, counter::expect_four),
    );
});

//! The untagged Treiber stack of `examples/lockfree/treiber.rs` under fuzzer-chosen
//! schedules: the ABA bug needs a pop preempted between reading `next` and its
//! compare-exchange while another thread pops twice and pushes back.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../examples/lockfree/treiber.rs"]
mod treiber;

fuzz_target!(|schedule: &[u8]| {
    weft::fuzz(schedule, treiber::aba_model(false));
});

//! The seed's three data races — the counter, the loop variable, the shared `err` — found by
//! weft's race detector, each followed by its fix passing every interleaving.
//!
//! `cargo run --example data_races --features permute` (or `-- <n>` for one case)

#[path = "seed/cases.rs"]
mod cases;
#[path = "seed/races.rs"]
mod races;

use cases::Case;

fn main() {
    cases::main(&[
        Case {
            title: "case 1: counter on a plain variable",
            buggy: races::counter_on_a_plain_variable,
            fix: "fixed with a Mutex",
            fixed: races::counter_under_a_mutex,
        },
        Case {
            title: "case 2: loop variable read by the threads it starts",
            buggy: races::loop_variable_shared,
            fix: "fixed by moving a copy into each thread",
            fixed: races::loop_variable_copied,
        },
        Case {
            title: "case 3: ParallelWrite sharing one err",
            buggy: races::parallel_write_shared_err,
            fix: "fixed with one error per writer, sent back on a channel",
            fixed: races::parallel_write_own_err,
        },
    ]);
}

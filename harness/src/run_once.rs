//! `permute` off: the model runs once, on real threads, exactly as plain std code would.
//!
//! Invariant: the closure runs exactly once; a panic in it becomes a `Panic` failure whose
//! report says that interleavings were not explored.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::config::Builder;
use crate::failure::{Failure, FailureKind, Stats};

pub(crate) fn run_once<F: Fn()>(_builder: &Builder, f: F) -> Result<Stats, Failure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(()) => Ok(Stats {
            executions: 1,
            ..Stats::default()
        }),
        Err(payload) => {
            let message = crate::panic_message(payload.as_ref());
            let report = format!(
                "weft: the model panicked: {message}\n(the `permute` feature is off: the model ran \
                 once on real threads; enable it to explore every interleaving)\n"
            );
            Err(Failure::new(FailureKind::Panic, report, String::new()))
        }
    }
}

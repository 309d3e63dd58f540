//! `WEFT_LOG`: every operation of every execution as a `tracing` event (target `weft`):
//! `DEBUG` for operations, `INFO` for the start of each execution. A program with its own
//! subscriber gets the events there; otherwise weft prints them with a plain fmt subscriber
//! for the duration of the exploration (through the test harness's capture, like `println!`).
//!
//! Invariant: logging only reads the execution; it is off unless asked for.

use std::ops::Range;

use crate::report;
use crate::runtime::execution::Execution;

/// Runs `explore` under `with_subscriber` when `log` is on, else as is.
pub(crate) fn maybe_with_subscriber<R>(log: bool, explore: impl FnOnce() -> R) -> R {
    if log {
        with_subscriber(explore)
    } else {
        explore()
    }
}

/// Runs `explore` with a subscriber that prints weft's events, unless the program has one
/// in force (global or scoped).
pub(crate) fn with_subscriber<R>(explore: impl FnOnce() -> R) -> R {
    let has_own =
        tracing::dispatcher::get_default(|d| !d.is::<tracing::subscriber::NoSubscriber>());
    if has_own {
        return explore();
    }
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_target(false)
        .without_time()
        .with_test_writer()
        .finish();
    tracing::subscriber::with_default(subscriber, explore)
}

pub(crate) fn execution_started(number: u64) {
    tracing::info!(target: "weft", execution = number, "execution {number} begins");
}

/// One line per event performed by the step at `step`.
pub(crate) fn step(e: &Execution, number: u64, step: usize, events: Range<usize>) {
    for event in &e.events[events] {
        tracing::debug!(
            target: "weft",
            execution = number,
            step,
            "{:<14} {:<28} {}",
            e.thread_label(event.thread),
            report::event_label(event),
            event.site
        );
    }
}

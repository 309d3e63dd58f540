//! `thread::sleep` under the model: a yield, not a wait.
//!
//! weft explores orders, not durations: there is no clock in a model, so a sleep cannot
//! make anything happen "later". What a sleep means to a concurrent program — "let the
//! others run first" — is what `yield_now` tells the scheduler, so a loop that sleeps until
//! another thread acts explores like a loop that yields, and a sleep never proves an order:
//! every interleaving the sleep was meant to prevent is still explored.

use std::time::Duration;

use weft_harness::rt;

/// Under the model, a scheduling point at which the thread yields (see the module docs):
/// `duration` is ignored. Without `permute`, std's `sleep`.
#[track_caller]
pub fn sleep(duration: Duration) {
    let _ = duration;
    rt::yield_now();
}

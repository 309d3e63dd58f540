//! weft's engine. It knows threads, objects, operations and clocks — never `Mutex` or
//! `Sender`: the std-shaped primitives live in `weft-shims` and call the functions of `rt`.
//!
//! With the `engine` feature a model closure is run as coroutines on the calling OS thread,
//! once per explored interleaving (`runner`), each choice made by an explorer (`explore`),
//! every choice recorded (`schedule`) and every failure turned into a report (`report`).
//! Without it only the public types exist and a model runs once on real threads.

#[cfg(feature = "engine")]
mod checkpoint;
mod config;
mod failure;

#[cfg(feature = "engine")]
mod coverage;
#[cfg(feature = "engine")]
mod explore;
#[cfg(feature = "engine")]
mod observe;
#[cfg(feature = "engine")]
mod parallel;
#[cfg(feature = "engine")]
mod report;
#[cfg(feature = "engine")]
pub mod rt;
#[cfg(not(feature = "engine"))]
mod run_once;
#[cfg(feature = "engine")]
mod runner;
#[cfg(feature = "engine")]
mod runtime;
#[cfg(feature = "engine")]
mod schedule;
#[cfg(feature = "engine")]
mod shorten;
#[cfg(feature = "engine")]
mod verdict;
#[cfg(feature = "engine")]
mod worker_pool;

pub use config::{
    Builder, Strategy, DEFAULT_MAX_STEPS, DEFAULT_STACK_SIZE, DEFAULT_WAKEUP_MEMORY, MIN_STACK_SIZE,
};
pub use failure::{Failure, FailureKind, Stats};

/// The text of a panic payload (`&str` or `String`), or a placeholder for other types.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "Box<dyn Any>".to_string()
    }
}

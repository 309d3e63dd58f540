//! weft: deterministic concurrency testing for Rust.
//!
//! Write a test with weft's std-shaped primitives (`weft::thread`, `weft::sync`,
//! `weft::cell`, `weft::hint`, [`thread_local!`]) and run it with [`model`]. With the
//! `permute` feature on, weft runs the closure once per distinct interleaving of its
//! threads (dynamic partial-order reduction), checks non-atomic accesses for data races, and
//! reports the first failing one — panic, data race, deadlock, leaked thread, leak, livelock
//! — with a schedule string that replays it exactly. Where that space is too big,
//! [`Strategy::Random`] and [`Strategy::Pct`] sample it from a seed, and [`fuzz`] runs the
//! one execution a fuzzer's input describes. With `permute` off, the primitives are std's
//! own and the closure runs once.
//!
//! ```
//! use weft::sync::atomic::{AtomicUsize, Ordering};
//! use weft::sync::Arc;
//!
//! weft::model(|| {
//!     let hits = Arc::new(AtomicUsize::new(0));
//!     let other = hits.clone();
//!     let t = weft::thread::spawn(move || other.fetch_add(1, Ordering::SeqCst));
//!     hits.fetch_add(1, Ordering::SeqCst);
//!     t.join().unwrap();
//!     assert_eq!(hits.load(Ordering::SeqCst), 2);
//! });
//! ```

pub use weft_harness::{Builder, Failure, FailureKind, Stats, Strategy};
pub use weft_shims::{cell, hint, sync, thread, thread_local};

/// Explores every interleaving of `f` (with `permute`; else runs it once) and panics with
/// the full report on the first failure. Same as `Builder::new().check(f)`.
#[track_caller]
pub fn model<F>(f: F)
where
    F: Fn() + Send + Sync + 'static,
{
    Builder::new().check(f);
}

/// Re-runs exactly the execution a report's schedule string describes, and panics with the
/// report if it fails (as it should, until the bug is fixed).
#[track_caller]
pub fn replay<F>(schedule: &str, f: F)
where
    F: Fn() + Send + Sync + 'static,
{
    Builder::new()
        .strategy(Strategy::Replay(schedule.to_string()))
        .check(f);
}

/// Runs the one execution of `f` that the fuzzer input `bytes` describes, and panics with the
/// full report (including the replay command) if it fails. Same as
/// `Builder::new().strategy(Strategy::Bytes(bytes.to_vec())).check(f)`; use
/// [`Builder::explore`] for the failure as a value.
///
/// Every input is one valid execution: each scheduling point with `m >= 2` runnable threads
/// reads one byte `b` and runs entry `b % m` of those threads listed in cyclic id order from
/// the one that ran last; when the input runs out, the rest read as 0 (keep running the
/// current thread). See `Strategy::Bytes` and the README's "Random, PCT and fuzzing".
///
/// ```
/// use weft::sync::atomic::{AtomicUsize, Ordering::SeqCst};
/// use weft::sync::Arc;
///
/// // The bytes would come from a fuzzer (cargo fuzz, bolero).
/// weft::fuzz(&[1, 0, 3], || {
///     let hits = Arc::new(AtomicUsize::new(0));
///     let other = hits.clone();
///     let t = weft::thread::spawn(move || other.fetch_add(1, SeqCst));
///     hits.fetch_add(1, SeqCst);
///     t.join().unwrap();
///     assert_eq!(hits.load(SeqCst), 2);
/// });
/// ```
#[track_caller]
pub fn fuzz<F>(bytes: &[u8], f: F)
where
    F: Fn() + Send + Sync + 'static,
{
    Builder::new()
        .strategy(Strategy::Bytes(bytes.to_vec()))
        .check(f);
}

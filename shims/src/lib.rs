//! std-shaped concurrency primitives at loom-compatible paths.
//!
//! Without the `permute` feature every item is std's own (or, for `cell::UnsafeCell`, a
//! zero-cost wrapper), so code that imports them costs nothing in production. With it, every
//! operation is a scheduling point of weft's engine.
//!
//! Invariant: an item exists under the same path and signature in both modes, so switching
//! the feature never breaks a build of code that only uses std's API.

pub mod cell;
pub mod hint;
mod macros;
pub mod sync;
pub mod thread;

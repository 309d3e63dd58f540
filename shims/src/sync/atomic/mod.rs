//! `std::sync::atomic`: std's own types without `permute`; with it, every access is a
//! scheduling point of the model and records which store each load read.
//!
//! Invariant: the modelled types have std's method names, signatures and ordering rules
//! (including std's panics for orderings that do not exist, such as a release load).

pub use std::sync::atomic::{compiler_fence, Ordering};

#[cfg(not(feature = "permute"))]
pub use std::sync::atomic::{
    fence, AtomicBool, AtomicI16, AtomicI32, AtomicI64, AtomicI8, AtomicIsize, AtomicPtr,
    AtomicU16, AtomicU32, AtomicU64, AtomicU8, AtomicUsize,
};

mod non_atomic;
pub use non_atomic::NonAtomicAccess;

#[cfg(feature = "permute")]
mod bool_and_ptr;
#[cfg(feature = "permute")]
mod core;
#[cfg(feature = "permute")]
mod integer;
#[cfg(feature = "permute")]
mod value_atomic;

#[cfg(feature = "permute")]
pub use bool_and_ptr::{AtomicBool, AtomicPtr};
#[cfg(feature = "permute")]
pub use integer::{
    AtomicI16, AtomicI32, AtomicI64, AtomicI8, AtomicIsize, AtomicU16, AtomicU32, AtomicU64,
    AtomicU8, AtomicUsize,
};

/// A memory fence (`std::sync::atomic::fence`).
///
/// # Panics
/// With `Ordering::Relaxed`, like std.
#[cfg(feature = "permute")]
#[track_caller]
pub fn fence(order: Ordering) {
    if order == Ordering::Relaxed {
        panic!("there is no such thing as a relaxed fence");
    }
    weft_harness::rt::fence(order);
}

//! `spin_loop`: with `permute`, tells the scheduler this thread waits for another one (the
//! same as `thread::yield_now`), so a spin loop lets other threads run instead of looping.

pub use std::hint::black_box;

#[cfg(not(feature = "permute"))]
pub use std::hint::spin_loop;

/// Signals a spin-wait iteration; under the model, other threads run before this one again.
#[cfg(feature = "permute")]
#[track_caller]
pub fn spin_loop() {
    weft_harness::rt::yield_now();
}

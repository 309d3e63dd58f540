//! loom's non-atomic accesses to atomics, for code ported from loom: `unsync_load` (a plain
//! read of an atomic's memory) and `with_mut` (exclusive access). They are a trait, so the
//! same code compiles in both modes: without `permute` it is implemented for std's atomics;
//! with it, `unsync_load` is checked by the race detector against every atomic store that is
//! not ordered before it.
//!
//! Invariant: `with_mut` needs `&mut self` (no race is possible); `unsync_load` is `unsafe`
//! exactly as a plain read of shared memory is.

/// Non-atomic access to an atomic (loom's `unsync_load` and `with_mut`).
pub trait NonAtomicAccess {
    type Value;

    /// Reads the value without atomicity.
    ///
    /// # Safety
    /// No store of another thread may be unordered with this read (happens-before); under
    /// weft's model such a store makes this read a `DataRace` failure.
    unsafe fn unsync_load(&self) -> Self::Value;

    /// Runs `f` with exclusive access to the value.
    fn with_mut<R>(&mut self, f: impl FnOnce(&mut Self::Value) -> R) -> R;
}

#[cfg(not(feature = "permute"))]
macro_rules! std_non_atomic {
    ($($name:ident: $value:ty),* $(,)?) => {$(
        impl NonAtomicAccess for std::sync::atomic::$name {
            type Value = $value;

            unsafe fn unsync_load(&self) -> $value {
                // SAFETY: the caller guarantees no concurrent store (this trait's contract);
                // `as_ptr` points at the atomic's value, valid for reads while `self` lives.
                unsafe { *self.as_ptr() }
            }

            fn with_mut<R>(&mut self, f: impl FnOnce(&mut $value) -> R) -> R {
                f(self.get_mut())
            }
        }
    )*};
}

#[cfg(not(feature = "permute"))]
std_non_atomic!(
    AtomicBool: bool, AtomicU8: u8, AtomicU16: u16, AtomicU32: u32, AtomicU64: u64,
    AtomicUsize: usize, AtomicI8: i8, AtomicI16: i16, AtomicI32: i32, AtomicI64: i64,
    AtomicIsize: isize,
);

#[cfg(not(feature = "permute"))]
impl<T> NonAtomicAccess for std::sync::atomic::AtomicPtr<T> {
    type Value = *mut T;

    unsafe fn unsync_load(&self) -> *mut T {
        // SAFETY: as for the integers above.
        unsafe { *self.as_ptr() }
    }

    fn with_mut<R>(&mut self, f: impl FnOnce(&mut *mut T) -> R) -> R {
        f(self.get_mut())
    }
}

//! The modelled `AtomicBool` (the shared `value_atomic!` methods plus `fetch_not`) and
//! `AtomicPtr<T>`.
//!
//! Invariant: a pointer crosses the engine as its exposed address and comes back with
//! `with_exposed_provenance_mut`, so its provenance survives the round trip.

use std::fmt;
use std::sync::atomic::Ordering;

use super::core::{Bits, Core};
use super::value_atomic::value_atomic;

impl Bits for bool {
    fn to_bits(self) -> u64 {
        u64::from(self)
    }
    fn from_bits(bits: u64) -> Self {
        bits != 0
    }
}

value_atomic!(AtomicBool, bool, false);

impl AtomicBool {
    #[track_caller]
    pub fn fetch_not(&self, order: Ordering) -> bool {
        self.0.rmw(order, |old| !old)
    }
}

/// A raw pointer stored in an atomic; `Copy` so it can sit in `Core`.
struct Pointer<T>(*mut T);

impl<T> Clone for Pointer<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Pointer<T> {}

impl<T> fmt::Debug for Pointer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<T> Bits for Pointer<T> {
    fn to_bits(self) -> u64 {
        self.0.expose_provenance() as u64
    }
    fn from_bits(bits: u64) -> Self {
        Pointer(std::ptr::with_exposed_provenance_mut(bits as usize))
    }
}

// SAFETY: like std's `AtomicPtr`, the atomic only moves the pointer value between threads;
// dereferencing it is the user's `unsafe` responsibility.
unsafe impl<T> Send for Pointer<T> {}

/// A modelled `std::sync::atomic::AtomicPtr<T>`.
pub struct AtomicPtr<T>(Core<Pointer<T>>);

impl<T> super::NonAtomicAccess for AtomicPtr<T> {
    type Value = *mut T;

    #[track_caller]
    unsafe fn unsync_load(&self) -> *mut T {
        self.0.unsync_load().0
    }

    #[track_caller]
    fn with_mut<R>(&mut self, f: impl FnOnce(&mut *mut T) -> R) -> R {
        f(&mut self.0.get_mut().0)
    }
}

impl<T> AtomicPtr<T> {
    #[track_caller]
    pub fn new(value: *mut T) -> Self {
        AtomicPtr(Core::new(Pointer(value), "AtomicPtr"))
    }

    #[track_caller]
    pub fn get_mut(&mut self) -> &mut *mut T {
        &mut self.0.get_mut().0
    }

    #[track_caller]
    pub fn into_inner(self) -> *mut T {
        self.0.into_inner().0
    }

    #[track_caller]
    pub fn load(&self, order: Ordering) -> *mut T {
        self.0.load(order).0
    }

    #[track_caller]
    pub fn store(&self, value: *mut T, order: Ordering) {
        self.0.store(Pointer(value), order)
    }

    #[track_caller]
    pub fn swap(&self, value: *mut T, order: Ordering) -> *mut T {
        self.0.rmw(order, |_| Pointer(value)).0
    }

    #[track_caller]
    pub fn compare_exchange(
        &self,
        current: *mut T,
        new: *mut T,
        success: Ordering,
        failure: Ordering,
    ) -> Result<*mut T, *mut T> {
        self.0
            .compare_exchange(Pointer(current), Pointer(new), success, failure)
            .map(|p| p.0)
            .map_err(|p| p.0)
    }

    /// May fail spuriously: the model explores that outcome too (once in a row per thread,
    /// so a retry loop ends).
    #[track_caller]
    pub fn compare_exchange_weak(
        &self,
        current: *mut T,
        new: *mut T,
        success: Ordering,
        failure: Ordering,
    ) -> Result<*mut T, *mut T> {
        self.0
            .compare_exchange_weak(Pointer(current), Pointer(new), success, failure)
            .map(|p| p.0)
            .map_err(|p| p.0)
    }

    #[track_caller]
    pub fn fetch_update<F>(
        &self,
        set_order: Ordering,
        fetch_order: Ordering,
        mut f: F,
    ) -> Result<*mut T, *mut T>
    where
        F: FnMut(*mut T) -> Option<*mut T>,
    {
        self.0
            .fetch_update(set_order, fetch_order, |p| f(p.0).map(Pointer))
            .map(|p| p.0)
            .map_err(|p| p.0)
    }

    /// std's `try_update`: the same as `fetch_update`.
    #[track_caller]
    pub fn try_update(
        &self,
        set_order: Ordering,
        fetch_order: Ordering,
        f: impl FnMut(*mut T) -> Option<*mut T>,
    ) -> Result<*mut T, *mut T> {
        self.fetch_update(set_order, fetch_order, f)
    }

    /// std's `update`: applies `f` until it sticks; returns the previous value.
    #[track_caller]
    pub fn update(
        &self,
        set_order: Ordering,
        fetch_order: Ordering,
        mut f: impl FnMut(*mut T) -> *mut T,
    ) -> *mut T {
        self.0.update(set_order, fetch_order, |p| Pointer(f(p.0))).0
    }

    /// Offsets the pointer by `count` elements of `T` (wrapping); returns the previous one.
    #[track_caller]
    pub fn fetch_ptr_add(&self, count: usize, order: Ordering) -> *mut T {
        self.0.rmw(order, |p| Pointer(p.0.wrapping_add(count))).0
    }

    #[track_caller]
    pub fn fetch_ptr_sub(&self, count: usize, order: Ordering) -> *mut T {
        self.0.rmw(order, |p| Pointer(p.0.wrapping_sub(count))).0
    }

    #[track_caller]
    pub fn fetch_byte_add(&self, bytes: usize, order: Ordering) -> *mut T {
        self.0
            .rmw(order, |p| Pointer(p.0.wrapping_byte_add(bytes)))
            .0
    }

    #[track_caller]
    pub fn fetch_byte_sub(&self, bytes: usize, order: Ordering) -> *mut T {
        self.0
            .rmw(order, |p| Pointer(p.0.wrapping_byte_sub(bytes)))
            .0
    }

    /// Bitwise-or of the address with `bits`, keeping provenance; returns the previous one.
    #[track_caller]
    pub fn fetch_or(&self, bits: usize, order: Ordering) -> *mut T {
        self.0.rmw(order, |p| Pointer(p.0.map_addr(|a| a | bits))).0
    }

    #[track_caller]
    pub fn fetch_and(&self, bits: usize, order: Ordering) -> *mut T {
        self.0.rmw(order, |p| Pointer(p.0.map_addr(|a| a & bits))).0
    }

    #[track_caller]
    pub fn fetch_xor(&self, bits: usize, order: Ordering) -> *mut T {
        self.0.rmw(order, |p| Pointer(p.0.map_addr(|a| a ^ bits))).0
    }
}

impl<T> Default for AtomicPtr<T> {
    #[track_caller]
    fn default() -> Self {
        AtomicPtr::new(std::ptr::null_mut())
    }
}

impl<T> From<*mut T> for AtomicPtr<T> {
    #[track_caller]
    fn from(value: *mut T) -> Self {
        AtomicPtr::new(value)
    }
}

impl<T> fmt::Debug for AtomicPtr<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.debug(f)
    }
}

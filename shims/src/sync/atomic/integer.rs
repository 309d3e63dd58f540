//! The modelled integer atomics, one macro expansion per std type.
//!
//! Invariant: arithmetic wraps like std's (`fetch_add` on `u8::MAX` gives 0), and signed
//! values keep their sign through the engine's 64 bits (sign-extended, then truncated).

use std::fmt;
use std::sync::atomic::Ordering;

use super::core::{Bits, Core};

macro_rules! integer_atomic {
    ($name:ident, $int:ty) => {
        impl Bits for $int {
            fn to_bits(self) -> u64 {
                self as u64
            }
            fn from_bits(bits: u64) -> Self {
                bits as $int
            }
        }

        #[doc = concat!("A modelled `std::sync::atomic::", stringify!($name), "`.")]
        pub struct $name(Core<$int>);

        impl $name {
            #[track_caller]
            pub fn new(value: $int) -> Self {
                $name(Core::new(value, stringify!($name)))
            }

            #[track_caller]
            pub fn get_mut(&mut self) -> &mut $int {
                self.0.get_mut()
            }

            #[track_caller]
            pub fn into_inner(self) -> $int {
                self.0.into_inner()
            }

            #[track_caller]
            pub fn load(&self, order: Ordering) -> $int {
                self.0.load(order)
            }

            #[track_caller]
            pub fn store(&self, value: $int, order: Ordering) {
                self.0.store(value, order)
            }

            #[track_caller]
            pub fn swap(&self, value: $int, order: Ordering) -> $int {
                self.0.rmw(order, |_| value)
            }

            #[track_caller]
            pub fn compare_exchange(
                &self,
                current: $int,
                new: $int,
                success: Ordering,
                failure: Ordering,
            ) -> Result<$int, $int> {
                self.0.compare_exchange(current, new, success, failure)
            }

            /// Never fails spuriously in this model (sequentially consistent atomics).
            #[track_caller]
            pub fn compare_exchange_weak(
                &self,
                current: $int,
                new: $int,
                success: Ordering,
                failure: Ordering,
            ) -> Result<$int, $int> {
                self.0.compare_exchange(current, new, success, failure)
            }

            #[track_caller]
            pub fn fetch_add(&self, value: $int, order: Ordering) -> $int {
                self.0.rmw(order, |old| old.wrapping_add(value))
            }

            #[track_caller]
            pub fn fetch_sub(&self, value: $int, order: Ordering) -> $int {
                self.0.rmw(order, |old| old.wrapping_sub(value))
            }

            #[track_caller]
            pub fn fetch_and(&self, value: $int, order: Ordering) -> $int {
                self.0.rmw(order, |old| old & value)
            }

            #[track_caller]
            pub fn fetch_nand(&self, value: $int, order: Ordering) -> $int {
                self.0.rmw(order, |old| !(old & value))
            }

            #[track_caller]
            pub fn fetch_or(&self, value: $int, order: Ordering) -> $int {
                self.0.rmw(order, |old| old | value)
            }

            #[track_caller]
            pub fn fetch_xor(&self, value: $int, order: Ordering) -> $int {
                self.0.rmw(order, |old| old ^ value)
            }

            #[track_caller]
            pub fn fetch_max(&self, value: $int, order: Ordering) -> $int {
                self.0.rmw(order, |old| old.max(value))
            }

            #[track_caller]
            pub fn fetch_min(&self, value: $int, order: Ordering) -> $int {
                self.0.rmw(order, |old| old.min(value))
            }

            #[track_caller]
            pub fn fetch_update<F>(
                &self,
                set_order: Ordering,
                fetch_order: Ordering,
                f: F,
            ) -> Result<$int, $int>
            where
                F: FnMut($int) -> Option<$int>,
            {
                self.0.fetch_update(set_order, fetch_order, f)
            }

            /// std's `try_update`: the same as `fetch_update`.
            #[track_caller]
            pub fn try_update(
                &self,
                set_order: Ordering,
                fetch_order: Ordering,
                f: impl FnMut($int) -> Option<$int>,
            ) -> Result<$int, $int> {
                self.0.fetch_update(set_order, fetch_order, f)
            }

            /// std's `update`: applies `f` until it sticks; returns the previous value.
            #[track_caller]
            pub fn update(
                &self,
                set_order: Ordering,
                fetch_order: Ordering,
                mut f: impl FnMut($int) -> $int,
            ) -> $int {
                self.0.update(set_order, fetch_order, move |v| f(v))
            }
        }

        impl Default for $name {
            #[track_caller]
            fn default() -> Self {
                $name::new(0)
            }
        }

        impl From<$int> for $name {
            #[track_caller]
            fn from(value: $int) -> Self {
                $name::new(value)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.debug(f)
            }
        }
    };
}

integer_atomic!(AtomicU8, u8);
integer_atomic!(AtomicU16, u16);
integer_atomic!(AtomicU32, u32);
integer_atomic!(AtomicU64, u64);
integer_atomic!(AtomicUsize, usize);
integer_atomic!(AtomicI8, i8);
integer_atomic!(AtomicI16, i16);
integer_atomic!(AtomicI32, i32);
integer_atomic!(AtomicI64, i64);
integer_atomic!(AtomicIsize, isize);

//! The modelled integer atomics, one macro expansion per std type: the shared methods of
//! `value_atomic!` plus the arithmetic ones.
//!
//! Invariant: arithmetic wraps like std's (`fetch_add` on `u8::MAX` gives 0), and signed
//! values keep their sign through the engine's 64 bits (sign-extended, then truncated).

use std::sync::atomic::Ordering;

use super::core::Bits;
use super::value_atomic::value_atomic;

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

        value_atomic!($name, $int, 0);

        impl $name {
            #[track_caller]
            pub fn fetch_add(&self, value: $int, order: Ordering) -> $int {
                self.0.rmw(order, |old| old.wrapping_add(value))
            }

            #[track_caller]
            pub fn fetch_sub(&self, value: $int, order: Ordering) -> $int {
                self.0.rmw(order, |old| old.wrapping_sub(value))
            }

            #[track_caller]
            pub fn fetch_max(&self, value: $int, order: Ordering) -> $int {
                self.0.rmw(order, |old| old.max(value))
            }

            #[track_caller]
            pub fn fetch_min(&self, value: $int, order: Ordering) -> $int {
                self.0.rmw(order, |old| old.min(value))
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

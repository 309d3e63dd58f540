//! The methods that every modelled atomic over a plain value shares (`AtomicBool` and the
//! integers): construction, load/store/swap, compare-exchange, the bitwise read-modify-writes,
//! the update family, and `Default`/`From`/`Debug`. One macro, so the types cannot drift.
//!
//! Invariant: each method is one call into `Core`, with std's name and signature.

/// Defines `pub struct $name(Core<$value>)` with the shared methods; `$zero` is `Default`.
macro_rules! value_atomic {
    ($name:ident, $value:ty, $zero:expr) => {
        #[doc = concat!("A modelled `std::sync::atomic::", stringify!($name), "`.")]
        pub struct $name($crate::sync::atomic::core::Core<$value>);

        impl $crate::sync::atomic::NonAtomicAccess for $name {
            type Value = $value;

            #[track_caller]
            unsafe fn unsync_load(&self) -> $value {
                self.0.unsync_load()
            }

            #[track_caller]
            fn with_mut<R>(&mut self, f: impl FnOnce(&mut $value) -> R) -> R {
                f(self.0.get_mut())
            }
        }

        impl $name {
            #[track_caller]
            pub fn new(value: $value) -> Self {
                $name($crate::sync::atomic::core::Core::new(
                    value,
                    stringify!($name),
                ))
            }

            #[track_caller]
            pub fn get_mut(&mut self) -> &mut $value {
                self.0.get_mut()
            }

            #[track_caller]
            pub fn into_inner(self) -> $value {
                self.0.into_inner()
            }

            #[track_caller]
            pub fn load(&self, order: std::sync::atomic::Ordering) -> $value {
                self.0.load(order)
            }

            #[track_caller]
            pub fn store(&self, value: $value, order: std::sync::atomic::Ordering) {
                self.0.store(value, order)
            }

            #[track_caller]
            pub fn swap(&self, value: $value, order: std::sync::atomic::Ordering) -> $value {
                self.0.rmw(order, |_| value)
            }

            #[track_caller]
            pub fn compare_exchange(
                &self,
                current: $value,
                new: $value,
                success: std::sync::atomic::Ordering,
                failure: std::sync::atomic::Ordering,
            ) -> Result<$value, $value> {
                self.0.compare_exchange(current, new, success, failure)
            }

            /// May fail spuriously: the model explores that outcome too (once in a row per
            /// thread, so a retry loop ends).
            #[track_caller]
            pub fn compare_exchange_weak(
                &self,
                current: $value,
                new: $value,
                success: std::sync::atomic::Ordering,
                failure: std::sync::atomic::Ordering,
            ) -> Result<$value, $value> {
                self.0.compare_exchange_weak(current, new, success, failure)
            }

            #[track_caller]
            pub fn fetch_and(&self, value: $value, order: std::sync::atomic::Ordering) -> $value {
                self.0.rmw(order, |old| old & value)
            }

            #[track_caller]
            pub fn fetch_nand(&self, value: $value, order: std::sync::atomic::Ordering) -> $value {
                self.0.rmw(order, |old| !(old & value))
            }

            #[track_caller]
            pub fn fetch_or(&self, value: $value, order: std::sync::atomic::Ordering) -> $value {
                self.0.rmw(order, |old| old | value)
            }

            #[track_caller]
            pub fn fetch_xor(&self, value: $value, order: std::sync::atomic::Ordering) -> $value {
                self.0.rmw(order, |old| old ^ value)
            }

            #[track_caller]
            pub fn fetch_update<F>(
                &self,
                set_order: std::sync::atomic::Ordering,
                fetch_order: std::sync::atomic::Ordering,
                f: F,
            ) -> Result<$value, $value>
            where
                F: FnMut($value) -> Option<$value>,
            {
                self.0.fetch_update(set_order, fetch_order, f)
            }

            /// std's `try_update`: the same as `fetch_update`.
            #[track_caller]
            pub fn try_update(
                &self,
                set_order: std::sync::atomic::Ordering,
                fetch_order: std::sync::atomic::Ordering,
                f: impl FnMut($value) -> Option<$value>,
            ) -> Result<$value, $value> {
                self.0.fetch_update(set_order, fetch_order, f)
            }

            /// std's `update`: applies `f` until it sticks; returns the previous value.
            #[track_caller]
            pub fn update(
                &self,
                set_order: std::sync::atomic::Ordering,
                fetch_order: std::sync::atomic::Ordering,
                f: impl FnMut($value) -> $value,
            ) -> $value {
                self.0.update(set_order, fetch_order, f)
            }
        }

        impl Default for $name {
            #[track_caller]
            fn default() -> Self {
                $name::new($zero)
            }
        }

        impl From<$value> for $name {
            #[track_caller]
            fn from(value: $value) -> Self {
                $name::new(value)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.debug(f)
            }
        }
    };
}

pub(crate) use value_atomic;

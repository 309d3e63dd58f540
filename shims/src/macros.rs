//! `thread_local!`, exported at the crate root (and re-exported as `weft::thread_local!`,
//! loom's path). Without `permute` it is std's `thread_local!`; with it, each declared
//! `static` is a `weft::thread::LocalKey`, whose value is per model thread.
//!
//! Invariant: both forms accept std's syntax — attributes, visibility, `static NAME: T =
//! init;` repeated, and `const { init }` initializers (with `permute` a `const` initializer
//! is evaluated lazily like any other; the value is the same).

/// Declares thread-local keys, as `std::thread_local!` does.
#[cfg(not(feature = "permute"))]
#[macro_export]
macro_rules! thread_local {
    ($($tokens:tt)*) => {
        ::std::thread_local!($($tokens)*);
    };
}

/// Declares thread-local keys whose values are per model thread (see `LocalKey`).
#[cfg(feature = "permute")]
#[macro_export]
macro_rules! thread_local {
    () => {};
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty = const $init:block; $($rest:tt)*) => {
        $crate::thread_local!($(#[$attr])* $vis static $name: $t = $init);
        $crate::thread_local!($($rest)*);
    };
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty = const $init:block) => {
        $crate::thread_local!($(#[$attr])* $vis static $name: $t = $init);
    };
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty = $init:expr; $($rest:tt)*) => {
        $crate::thread_local!($(#[$attr])* $vis static $name: $t = $init);
        $crate::thread_local!($($rest)*);
    };
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty = $init:expr) => {
        $(#[$attr])* $vis static $name: $crate::thread::LocalKey<$t> = {
            fn __weft_thread_local_init() -> $t {
                $init
            }
            $crate::thread::LocalKey::new(__weft_thread_local_init)
        };
    };
}

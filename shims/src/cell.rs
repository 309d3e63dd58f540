//! `UnsafeCell` with loom's closure API (`with`, `with_mut`), so every access to shared
//! non-atomic memory goes through one place the model can observe.
//!
//! With `permute`, each cell is an object of the execution and every `with` (a read) and
//! `with_mut` (a write) is checked against happens-before: two accesses of different threads,
//! at least one a write, that no synchronisation orders are a `DataRace` failure. The access
//! happens when `with`/`with_mut` is called; it is not a scheduling point.
//!
//! Invariant: without `permute` the wrapper adds no state and no work; in both modes the
//! pointers handed to the closures are `std::cell::UnsafeCell::get` of the wrapped value.
//! `get_mut` and `into_inner` need exclusive access, so they are never checked.

#[cfg(feature = "permute")]
use weft_harness::rt::{self, ObjectId};

/// A cell whose contents are accessed through raw pointers in closures.
#[cfg(not(feature = "permute"))]
#[derive(Debug, Default)]
#[repr(transparent)]
pub struct UnsafeCell<T: ?Sized>(std::cell::UnsafeCell<T>);

/// A cell whose contents are accessed through raw pointers in closures; every access is
/// checked for data races.
#[cfg(feature = "permute")]
#[derive(Debug)]
pub struct UnsafeCell<T: ?Sized> {
    object: ObjectId,
    value: std::cell::UnsafeCell<T>,
}

#[cfg(not(feature = "permute"))]
impl<T> UnsafeCell<T> {
    /// Wraps `value`.
    pub const fn new(value: T) -> UnsafeCell<T> {
        UnsafeCell(std::cell::UnsafeCell::new(value))
    }

    /// The value, consuming the cell.
    pub fn into_inner(self) -> T {
        self.0.into_inner()
    }
}

#[cfg(not(feature = "permute"))]
impl<T: ?Sized> UnsafeCell<T> {
    /// Calls `f` with a pointer for reading the contents.
    #[track_caller]
    pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    /// Calls `f` with a pointer for writing the contents.
    #[track_caller]
    pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }

    /// The contents, through exclusive access.
    pub fn get_mut(&mut self) -> &mut T {
        self.0.get_mut()
    }
}

#[cfg(feature = "permute")]
impl<T> UnsafeCell<T> {
    /// Wraps `value`. In a model (not `const` with `permute`: the cell is registered with the
    /// execution, so it must be created inside the model closure).
    #[track_caller]
    pub fn new(value: T) -> UnsafeCell<T> {
        UnsafeCell {
            object: rt::cell_new("UnsafeCell"),
            value: std::cell::UnsafeCell::new(value),
        }
    }

    /// The value, consuming the cell.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

#[cfg(feature = "permute")]
impl<T: ?Sized> UnsafeCell<T> {
    /// Calls `f` with a pointer for reading the contents; a read for the race detector.
    #[track_caller]
    pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        rt::cell_access(self.object, false);
        f(self.value.get())
    }

    /// Calls `f` with a pointer for writing the contents; a write for the race detector.
    #[track_caller]
    pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        rt::cell_access(self.object, true);
        f(self.value.get())
    }

    /// The contents, through exclusive access.
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }
}

#[cfg(feature = "permute")]
impl<T: Default> Default for UnsafeCell<T> {
    #[track_caller]
    fn default() -> Self {
        UnsafeCell::new(T::default())
    }
}

impl<T> From<T> for UnsafeCell<T> {
    #[track_caller]
    fn from(value: T) -> Self {
        UnsafeCell::new(value)
    }
}

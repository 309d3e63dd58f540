//! Modelled `Arc` and `Weak`: std's own `Arc` holds the value; the engine tracks the
//! reference counts, so every clone, drop, upgrade, count and claim is an event the explorer
//! sees (a `Weak::upgrade` racing with the last drop is explored both ways; upgrades, counts
//! and claims are scheduling points, clones and drops happen inside the current step) and an
//! allocation still referenced when every thread has finished is reported as a `Leak` with
//! the line that made it.
//!
//! Invariant: the engine's strong count equals the number of live weft `Arc` handles of the
//! allocation, which is std's strong count, so both always agree on upgrades and claims.
//! `Arc`s made outside a model are not tracked and behave exactly like std's.
//!
//! Limitation: `Arc<Concrete>` does not coerce to `Arc<dyn Trait>` implicitly (that needs an
//! unstable trait); build the std `Arc` and wrap it with `Arc::from_std`.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::panic::Location;
use std::sync::Arc as StdArc;
use std::sync::Weak as StdWeak;

use weft_harness::rt::{self, CountOp, ObjectId};

/// A modelled `std::sync::Arc`.
pub struct Arc<T: ?Sized> {
    std: StdArc<T>,
    count: Option<ObjectId>,
    /// Where this handle was made: its drop is reported there.
    site: &'static Location<'static>,
}

/// A modelled `std::sync::Weak`.
pub struct Weak<T: ?Sized> {
    std: StdWeak<T>,
    count: Option<ObjectId>,
    site: &'static Location<'static>,
}

impl<T> Arc<T> {
    #[track_caller]
    pub fn new(value: T) -> Arc<T> {
        Arc::from_std(StdArc::new(value))
    }

    /// The value if this is the only strong handle (else the handle back).
    #[track_caller]
    pub fn try_unwrap(this: Arc<T>) -> Result<T, Arc<T>> {
        let claim = CountOp::Claim { weak_too: false };
        let sole = StdArc::strong_count(&this.std) == 1;
        if !rt::refcount_op(this.count, claim, Location::caller(), sole) {
            return Err(this);
        }
        let this = std::mem::ManuallyDrop::new(this);
        // SAFETY: `this` is never used again (ManuallyDrop): the std handle is moved out once.
        let std = unsafe { std::ptr::read(&this.std) };
        let value = StdArc::try_unwrap(std)
            .unwrap_or_else(|_| unreachable!("the engine's count says this is the only handle"));
        rt::refcount_op(this.count, CountOp::Drop, this.site, true);
        Ok(value)
    }

    /// The value if this is the only strong handle, else `None` (the handle is dropped).
    #[track_caller]
    pub fn into_inner(this: Arc<T>) -> Option<T> {
        Arc::try_unwrap(this).ok()
    }

    /// The value, cloned unless this is the only strong handle.
    #[track_caller]
    pub fn unwrap_or_clone(this: Arc<T>) -> T
    where
        T: Clone,
    {
        Arc::try_unwrap(this).unwrap_or_else(|arc| (*arc).clone())
    }
}

impl<T: ?Sized> Arc<T> {
    /// Tracks an existing std `Arc` as a new allocation (std's counts must be 1).
    #[track_caller]
    pub fn from_std(std: StdArc<T>) -> Arc<T> {
        Arc {
            count: rt::refcount_new(std::any::type_name::<StdArc<T>>()),
            std,
            site: Location::caller(),
        }
    }

    #[track_caller]
    pub fn downgrade(this: &Arc<T>) -> Weak<T> {
        let site = Location::caller();
        rt::refcount_op(this.count, CountOp::AddWeak, site, true);
        Weak {
            std: StdArc::downgrade(&this.std),
            count: this.count,
            site,
        }
    }

    #[track_caller]
    pub fn strong_count(this: &Arc<T>) -> usize {
        rt::refcount_op(this.count, CountOp::Count, Location::caller(), true);
        StdArc::strong_count(&this.std)
    }

    #[track_caller]
    pub fn weak_count(this: &Arc<T>) -> usize {
        rt::refcount_op(this.count, CountOp::Count, Location::caller(), true);
        StdArc::weak_count(&this.std)
    }

    /// Mutable access if no other strong or weak handle exists.
    #[track_caller]
    pub fn get_mut(this: &mut Arc<T>) -> Option<&mut T> {
        let claim = CountOp::Claim { weak_too: true };
        let sole = StdArc::strong_count(&this.std) == 1 && StdArc::weak_count(&this.std) == 0;
        if rt::refcount_op(this.count, claim, Location::caller(), sole) {
            StdArc::get_mut(&mut this.std)
        } else {
            None
        }
    }

    pub fn ptr_eq(this: &Arc<T>, other: &Arc<T>) -> bool {
        StdArc::ptr_eq(&this.std, &other.std)
    }

    pub fn as_ptr(this: &Arc<T>) -> *const T {
        StdArc::as_ptr(&this.std)
    }
}

impl<T: Clone> Arc<T> {
    /// Mutable access, cloning the value first unless this is the only handle.
    #[track_caller]
    pub fn make_mut(this: &mut Arc<T>) -> &mut T {
        let claim = CountOp::Claim { weak_too: true };
        let sole = StdArc::strong_count(&this.std) == 1 && StdArc::weak_count(&this.std) == 0;
        if !rt::refcount_op(this.count, claim, Location::caller(), sole) {
            *this = Arc::new((*this.std).clone());
        }
        StdArc::get_mut(&mut this.std).expect("the only handle of a fresh or claimed value")
    }
}

impl<T: ?Sized> Clone for Arc<T> {
    #[track_caller]
    fn clone(&self) -> Arc<T> {
        let site = Location::caller();
        rt::refcount_op(self.count, CountOp::Clone, site, true);
        Arc {
            std: self.std.clone(),
            count: self.count,
            site,
        }
    }
}

impl<T: ?Sized> Drop for Arc<T> {
    fn drop(&mut self) {
        rt::refcount_op(self.count, CountOp::Drop, self.site, true);
    }
}

impl<T: ?Sized> Deref for Arc<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.std
    }
}

impl<T> Weak<T> {
    /// A `Weak` that never upgrades (no allocation).
    #[track_caller]
    pub fn new() -> Weak<T> {
        Weak {
            std: StdWeak::new(),
            count: None,
            site: Location::caller(),
        }
    }
}

impl<T: ?Sized> Weak<T> {
    /// A strong handle if the value is still alive.
    #[track_caller]
    pub fn upgrade(&self) -> Option<Arc<T>> {
        let site = Location::caller();
        let alive = self.std.strong_count() > 0;
        if !rt::refcount_op(self.count, CountOp::Upgrade, site, alive) {
            return None;
        }
        let std = self
            .std
            .upgrade()
            .expect("the engine's count says the value lives");
        Some(Arc {
            std,
            count: self.count,
            site,
        })
    }

    #[track_caller]
    pub fn strong_count(&self) -> usize {
        rt::refcount_op(self.count, CountOp::Count, Location::caller(), true);
        self.std.strong_count()
    }

    #[track_caller]
    pub fn weak_count(&self) -> usize {
        rt::refcount_op(self.count, CountOp::Count, Location::caller(), true);
        self.std.weak_count()
    }

    pub fn ptr_eq(&self, other: &Weak<T>) -> bool {
        self.std.ptr_eq(&other.std)
    }
}

impl<T: ?Sized> Clone for Weak<T> {
    #[track_caller]
    fn clone(&self) -> Weak<T> {
        let site = Location::caller();
        rt::refcount_op(self.count, CountOp::AddWeak, site, true);
        Weak {
            std: self.std.clone(),
            count: self.count,
            site,
        }
    }
}

impl<T: ?Sized> Drop for Weak<T> {
    fn drop(&mut self) {
        rt::refcount_op(self.count, CountOp::DropWeak, self.site, true);
    }
}

impl<T> Default for Weak<T> {
    #[track_caller]
    fn default() -> Weak<T> {
        Weak::new()
    }
}

impl<T: Default> Default for Arc<T> {
    #[track_caller]
    fn default() -> Arc<T> {
        Arc::new(T::default())
    }
}

impl<T> From<T> for Arc<T> {
    #[track_caller]
    fn from(value: T) -> Arc<T> {
        Arc::new(value)
    }
}

impl From<&str> for Arc<str> {
    #[track_caller]
    fn from(value: &str) -> Arc<str> {
        Arc::from_std(StdArc::from(value))
    }
}

impl From<String> for Arc<str> {
    #[track_caller]
    fn from(value: String) -> Arc<str> {
        Arc::from_std(StdArc::from(value))
    }
}

impl<T> From<Vec<T>> for Arc<[T]> {
    #[track_caller]
    fn from(value: Vec<T>) -> Arc<[T]> {
        Arc::from_std(StdArc::from(value))
    }
}

impl<T: ?Sized> From<Box<T>> for Arc<T> {
    #[track_caller]
    fn from(value: Box<T>) -> Arc<T> {
        Arc::from_std(StdArc::from(value))
    }
}

impl<T: ?Sized> AsRef<T> for Arc<T> {
    fn as_ref(&self) -> &T {
        &self.std
    }
}

impl<T: ?Sized> Borrow<T> for Arc<T> {
    fn borrow(&self) -> &T {
        &self.std
    }
}

impl<T: ?Sized + PartialEq> PartialEq for Arc<T> {
    fn eq(&self, other: &Arc<T>) -> bool {
        *self.std == *other.std
    }
}

impl<T: ?Sized + Eq> Eq for Arc<T> {}

impl<T: ?Sized + PartialOrd> PartialOrd for Arc<T> {
    fn partial_cmp(&self, other: &Arc<T>) -> Option<Ordering> {
        (*self.std).partial_cmp(&*other.std)
    }
}

impl<T: ?Sized + Ord> Ord for Arc<T> {
    fn cmp(&self, other: &Arc<T>) -> Ordering {
        (*self.std).cmp(&*other.std)
    }
}

impl<T: ?Sized + Hash> Hash for Arc<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (*self.std).hash(state)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Arc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.std, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for Arc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.std, f)
    }
}

impl<T: ?Sized> fmt::Pointer for Arc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Pointer::fmt(&self.std, f)
    }
}

impl<T: ?Sized> fmt::Debug for Weak<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(Weak)")
    }
}

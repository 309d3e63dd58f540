//! Reference counts of `Arc`/`Weak` allocations: how many strong and weak handles exist,
//! where the allocation was made, and whether its value was dropped.
//!
//! Upgrades, claims and count queries are scheduling points; clones and drops are events
//! inside the step that makes them (`rt::refcount_op`). Either way the explorer sees their
//! accesses, so `Weak::upgrade` racing with the last `drop`, or `strong_count`/`try_unwrap`
//! racing with a clone elsewhere, are explored both ways. Dependence is exact: a clone or a drop that does not reach zero is an `Update`
//! (two of them commute), the drop that releases the value and a successful `try_unwrap`/
//! `get_mut`-style claim are writes, count queries and failed upgrades or claims observe.
//!
//! Happens-before: every drop releases (std's `Release` decrement); the drop that runs the
//! value's destructor, and a successful claim of the value, acquire all of them (std's
//! `Acquire` fence).
//!
//! Invariant: `strong` is the number of live strong handles the model holds; an allocation
//! with `strong > 0` when every thread has finished is a leak (a cycle, or a forgotten or
//! static handle).

use super::clock::VectorClock;
use super::execution::Execution;
use super::objects::ObjectState;
use super::op::{AccessKind, ObjectIndex, OpKind, Site, SyncOutcome};

pub(crate) struct RefCountState {
    pub strong: usize,
    pub weak: usize,
    released: VectorClock,
}

/// A reference-count operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountOp {
    /// `Arc::clone`.
    Clone,
    /// Dropping an `Arc`.
    Drop,
    /// `Arc::downgrade` or `Weak::clone`.
    AddWeak,
    /// Dropping a `Weak`.
    DropWeak,
    /// `Weak::upgrade`: succeeds while a strong handle lives.
    Upgrade,
    /// Taking the value when the caller's handle is the only strong one (`try_unwrap`,
    /// `get_mut`, `into_inner`, `make_mut`); `weak_too` also requires no weak handle.
    Claim { weak_too: bool },
    /// `strong_count` / `weak_count`.
    Count,
}

impl Execution {
    pub(crate) fn refcount_new(&mut self, type_name: &'static str, site: Site) -> ObjectIndex {
        let state = RefCountState {
            strong: 1,
            weak: 0,
            released: VectorClock::default(),
        };
        self.add_object(ObjectState::RefCount(state), type_name, site)
    }

    pub(crate) fn refcount_ref(&self, object: ObjectIndex) -> &RefCountState {
        match self.objects.state(object) {
            ObjectState::RefCount(count) => count,
            _ => unreachable!("object {object} is not a reference count"),
        }
    }

    /// Whether `op` would succeed now (a claim, an upgrade) or reach zero (a drop).
    fn refcount_decisive(&self, op: CountOp, object: ObjectIndex) -> bool {
        let c = self.refcount_ref(object);
        match op {
            CountOp::Drop => c.strong == 1,
            CountOp::Upgrade => c.strong > 0,
            CountOp::Claim { weak_too } => c.strong == 1 && (!weak_too || c.weak == 0),
            CountOp::DropWeak => c.strong == 0 && c.weak == 1,
            CountOp::Clone | CountOp::AddWeak | CountOp::Count => false,
        }
    }

    pub(crate) fn refcount_access(&self, op: OpKind, object: ObjectIndex) -> AccessKind {
        let OpKind::RefCount(op) = op else {
            return AccessKind::Write;
        };
        let decisive = self.refcount_decisive(op, object);
        match op {
            CountOp::Clone | CountOp::AddWeak => AccessKind::Update,
            CountOp::Drop | CountOp::DropWeak if decisive => AccessKind::Write,
            CountOp::Drop | CountOp::DropWeak => AccessKind::Update,
            CountOp::Upgrade if decisive => AccessKind::Update,
            CountOp::Claim { .. } if decisive => AccessKind::Write,
            CountOp::Upgrade | CountOp::Claim { .. } | CountOp::Count => AccessKind::Read,
        }
    }

    /// Performs `op`; for `Upgrade`/`Claim` whether it succeeded, for `Drop` whether it was
    /// the last strong handle (the caller then drops the value).
    pub(crate) fn refcount_op(&mut self, object: ObjectIndex, op: CountOp, site: Site) -> bool {
        let access = self.refcount_access(OpKind::RefCount(op), object);
        let decisive = self.refcount_decisive(op, object);
        let me = self.current;
        let clocks = &mut self.threads[me].clocks;
        let ObjectState::RefCount(c) = self.objects.state_mut(object) else {
            unreachable!("object {object} is not a reference count");
        };
        if matches!(op, CountOp::Drop | CountOp::DropWeak) {
            clocks.release_joining(me, &mut c.released);
        }
        match op {
            CountOp::Clone => c.strong += 1,
            CountOp::Drop => c.strong -= 1,
            CountOp::AddWeak => c.weak += 1,
            CountOp::DropWeak => c.weak -= 1,
            CountOp::Upgrade if decisive => c.strong += 1,
            CountOp::Upgrade | CountOp::Claim { .. } | CountOp::Count => {}
        }
        if decisive && matches!(op, CountOp::Drop | CountOp::Claim { .. }) {
            clocks.acquire(&c.released);
        }
        let outcome = match op {
            CountOp::Upgrade | CountOp::Claim { .. } if !decisive => SyncOutcome::Failed,
            _ => SyncOutcome::Done,
        };
        self.record_sync(OpKind::RefCount(op), object, access, outcome, site);
        decisive
    }

    /// Allocations the model still holds: (object, strong handles).
    pub(crate) fn refcount_leftover(&self, object: ObjectIndex) -> Option<usize> {
        let strong = self.refcount_ref(object).strong;
        (strong > 0).then_some(strong)
    }
}

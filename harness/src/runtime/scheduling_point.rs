//! The scheduling point every visible operation goes through: the thread announces its
//! operation (`arrive`), suspends, and returns once the runner has chosen it to perform the
//! operation.
//!
//! Invariant: no borrow of the execution is held across the suspension (see `execution`);
//! a thread that is unwinding from a panic suspends only at an operation that must block.

use std::ptr::NonNull;

use corosensei::Yielder;

use super::execution::{try_with, with, Execution};
use super::op::{ObjectIndex, Op, OpKind, Site};

/// Where a model thread suspends (its coroutine's yielder).
type YielderPtr = NonNull<Yielder<(), ()>>;

/// Announces `op` and waits until the runner chooses this thread to perform it.
///
/// A thread that is unwinding from a panic does not stop at enabled operations: its
/// remaining drops run in the step that panicked, so other coroutines do not run while this
/// OS thread's panic count is raised. Only an operation that must block (a `Drop` that locks
/// a mutex another thread holds) suspends an unwinding thread; until it resumes, other
/// threads see `std::thread::panicking()` as true.
pub(crate) fn scheduling_point(kind: OpKind, object: Option<ObjectIndex>, site: Site) {
    let yielder = with(|e| e.arrive(Op { kind, object, site }));
    suspend(yielder);
}

/// `scheduling_point` for an operation on the object a handle names (`execution`, `index`,
/// `type_name`), checked to belong to this execution in the same borrow: its index, or
/// (before any scheduling point) why it does not belong.
pub(crate) fn scheduling_point_on(
    kind: OpKind,
    handle: (u64, u32, &str),
    site: Site,
) -> Result<ObjectIndex, String> {
    let (index, yielder) = with(|e| e.arrive_on(kind, handle, site))?;
    suspend(yielder);
    Ok(index)
}

/// `scheduling_point_on` that does nothing (`None`) outside a model, while the execution is
/// borrowed, or for an object of another execution: for drop glue, which may run after the
/// execution that created its object (a guard kept past it).
pub(crate) fn quiet_scheduling_point_on(
    kind: OpKind,
    handle: (u64, u32, &str),
    site: Site,
) -> Option<ObjectIndex> {
    let (index, yielder) = try_with(|e| e.arrive_on(kind, handle, site))?.ok()?;
    suspend(yielder);
    Some(index)
}

/// Suspends the running model thread at its scheduling point, if it is to wait there.
fn suspend(yielder: Option<YielderPtr>) {
    if let Some(yielder) = yielder {
        // SAFETY: the pointer was taken by this thread's coroutine body from the `&Yielder`
        // it received, and we are running on that coroutine's stack now, so the yielder is
        // alive; no borrow of the execution is held across the switch.
        unsafe { yielder.as_ref().suspend(()) };
    }
}

/// Stops the calling model thread for good: the execution has failed (a data race) and the
/// runner ends it as soon as this thread gives control back. The thread's coroutine is
/// abandoned, never resumed.
pub(crate) fn halt() {
    let yielder = with(|e| {
        let thread = &mut e.threads[e.current];
        thread.pending = None;
        thread.yielder
    });
    if let Some(yielder) = yielder {
        // SAFETY: as in `scheduling_point`: the yielder belongs to the coroutine running
        // now and no borrow of the execution is held across the switch.
        unsafe { yielder.as_ref().suspend(()) };
    }
    unreachable!("weft: a halted model thread was resumed");
}

impl Execution {
    /// `arrive` at an operation on the object a handle names, once it is known to belong
    /// to this execution.
    #[inline]
    fn arrive_on(
        &mut self,
        kind: OpKind,
        (execution, index, type_name): (u64, u32, &str),
        site: Site,
    ) -> Result<(ObjectIndex, Option<YielderPtr>), String> {
        let object = self.object_index(execution, index, type_name)?;
        let yielder = self.arrive(Op {
            kind,
            object: Some(object),
            site,
        });
        Ok((object, yielder))
    }

    fn arrive(&mut self, op: Op) -> Option<YielderPtr> {
        let enabled = self.is_enabled(self.current, &op);
        let thread = &mut self.threads[self.current];
        if thread.unwinding {
            if std::thread::panicking() {
                if enabled {
                    return None;
                }
            } else {
                // The panic was caught inside the thread; it runs normally again.
                thread.unwinding = false;
            }
        }
        thread.pending = Some(op);
        thread.yielder
    }
}

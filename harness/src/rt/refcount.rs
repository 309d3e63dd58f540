//! The engine's interface for `Arc`/`Weak` reference counts. Outside a model an allocation
//! is simply not tracked (`None`), so `Arc`s made before `weft::model` still work.

use std::panic::Location;

use super::ObjectId;
use crate::runtime::execution::{self, with};
use crate::runtime::op::{OpKind, Site};
use crate::runtime::scheduling_point::scheduling_point;

pub use crate::runtime::op::CountOp;

/// Registers a new allocation with one strong handle; `None` outside a model.
#[track_caller]
pub fn refcount_new(type_name: &'static str) -> Option<ObjectId> {
    let site = Location::caller();
    execution::try_with(|e| ObjectId {
        execution: e.id,
        index: e.refcount_new(type_name, site),
        type_name,
    })
}

/// Performs `op` on `object` (a scheduling point for observations and claims); see `CountOp`
/// for what the result means.
/// Does nothing (and returns what std's counts say, `fallback`) when the allocation is not
/// tracked or belongs to another execution.
pub fn refcount_op(object: Option<ObjectId>, op: CountOp, site: Site, fallback: bool) -> bool {
    let index = object.and_then(|object| {
        execution::try_with(|e| {
            e.object_index(object.execution, object.index, object.type_name)
                .ok()
        })
        .flatten()
    });
    let Some(index) = index else {
        return fallback;
    };
    // Clones and drops are events of the step they happen in, not scheduling points of their
    // own: the explorer still sees their accesses (races, and the sleep sets remember whole
    // steps), and an ordinary model does not get a step per `Arc` handle. Observations and
    // claims, whose result depends on where they run, are scheduling points.
    let in_step = matches!(
        op,
        CountOp::Clone | CountOp::Drop | CountOp::AddWeak | CountOp::DropWeak
    );
    if !in_step {
        scheduling_point(OpKind::RefCount(op), Some(index), site);
    }
    with(|e| e.refcount_op(index, op, site))
}

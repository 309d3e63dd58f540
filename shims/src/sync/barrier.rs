//! The modelled `Barrier`: `wait` blocks until `n` threads have called it, then releases
//! them all; the thread whose arrival completed the group is the leader.
//!
//! Invariant: exactly one `wait` per group of `n` returns a leader result.

use std::fmt;

use weft_harness::rt::{self, ObjectId};

/// A modelled `std::sync::Barrier`.
pub struct Barrier {
    object: ObjectId,
}

/// What `Barrier::wait` returns (std's type cannot be built outside std; this one has the
/// same method).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

impl Barrier {
    /// A barrier for `n` threads (`0` acts like `1`, as in std).
    #[track_caller]
    pub fn new(n: usize) -> Barrier {
        Barrier {
            object: rt::barrier_new(n),
        }
    }

    #[track_caller]
    pub fn wait(&self) -> BarrierWaitResult {
        BarrierWaitResult(rt::barrier_wait(self.object))
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier").finish_non_exhaustive()
    }
}

//! What an exploration leaves to the next one on the same OS thread, besides its stacks
//! (`StackPool::keep`): the sizes its executions reached and their emptied vectors (see
//! `execution::Buffers`). A test that explores several models, or a benchmark repeating one,
//! then allocates them once; within an exploration each execution takes the previous one's.
//!
//! Invariant: what is kept holds no state of an execution: the vectors are empty, only their
//! capacity remains.

use std::cell::RefCell;

use crate::runtime::execution::{Buffers, Sizes};

/// The most events (steps, objects...) an exploration may pass on: a small model after a
/// huge one should not keep the huge one's memory.
const KEPT_EVENTS: usize = 1 << 12;

#[derive(Default)]
pub(super) struct Kept {
    pub sizes: Sizes,
    /// The most steps an execution took.
    pub steps: usize,
    pub buffers: Buffers,
}

std::thread_local! {
    static KEPT: RefCell<Option<Kept>> = const { RefCell::new(None) };
}

impl Kept {
    /// What the last exploration on this OS thread left, or nothing.
    pub(super) fn take() -> Kept {
        KEPT.with(|kept| kept.borrow_mut().take())
            .unwrap_or_default()
    }

    /// Leaves this for the next exploration on this OS thread, unless it is too big.
    pub(super) fn keep(self) {
        let Sizes {
            threads,
            objects,
            events,
            observations,
            graph,
        } = self.sizes;
        if [threads, objects, events, observations, graph, self.steps]
            .iter()
            .all(|&n| n <= KEPT_EVENTS)
        {
            KEPT.with(|kept| *kept.borrow_mut() = Some(self));
        }
    }
}

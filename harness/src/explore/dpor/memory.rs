//! Keeping optimal DPOR's memory within a budget (`Builder::wakeup_memory`).
//!
//! Wakeup trees hold every sequence still to explore, so on some programs they grow with
//! the exploration: lastzero(12) peaks at 6,143 pending sequences of 11.5 steps on average,
//! and lastzero(n) takes about 75 bytes more per execution as n grows. (Parsimonious
//! optimal DPOR, CAV 2024, keeps that polynomial by reversing races eagerly; weft does not
//! implement it.) So after every execution the explorer adds up what its trees and its step
//! table take (`wakeup_bytes`), and past the budget it goes on as source-DPOR, which a
//! split's unit already falls back to (see `fallback`): each tree's first steps become its
//! node's backtrack points, the trees are freed, and from then on a race adds one thread to
//! a backtrack set instead of a sequence to a tree. The same executions are explored (one
//! per trace), the explorer's memory stays that of its stack, and runs may end sleep-set
//! blocked (lastzero(12) in source-DPOR throughout: 146,500 blocked runs beside its 15,360
//! executions, five times the time).
//!
//! Invariant: the trees exceed the budget by at most what one execution's races add; once
//! over it, an explorer stays in source-DPOR until its exploration ends (or, split, until
//! its unit does: the next unit starts with empty trees).

use super::node::Node;
use super::{thread_of, Dpor};
use crate::explore::step_table::StepTable;
use crate::runtime::thread_keys::ThreadKey;

/// What the wakeup trees took at most, and whether they outgrew the budget.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct WakeupMemory {
    /// The most bytes the trees and the step table took at once, after an execution.
    pub peak_bytes: usize,
    /// The trees outgrew the budget, and the exploration went on as source-DPOR.
    pub over_budget: bool,
}

impl Dpor {
    /// Sets the most bytes the wakeup trees may take (see the module docs).
    pub(crate) fn limit_wakeup_memory(&mut self, bytes: usize) {
        self.wakeup_budget = bytes;
    }

    /// After an execution: records what the trees take, and falls back to source-DPOR
    /// when that is over the budget.
    pub(super) fn watch_wakeup_memory(&mut self) {
        if self.bound.is_some() {
            // A bounded search keeps no wakeup trees.
            return;
        }
        let bytes = self.wakeup_bytes();
        let memory = &mut self.wakeup_memory;
        memory.peak_bytes = memory.peak_bytes.max(bytes);
        if bytes <= self.wakeup_budget || self.source {
            return;
        }
        memory.over_budget = true;
        self.source = true;
        for node in &mut self.nodes {
            wakeup_to_backtrack(node, &self.keys, &self.table);
        }
        self.guide.clear();
    }

    /// The bytes the wakeup trees (each node's, the guide and the subtrees kept for value
    /// choices) and the step table they name take.
    fn wakeup_bytes(&self) -> usize {
        let nodes: usize = (self.nodes.iter())
            .map(|node| {
                let kept = node.value_branch.as_ref().map_or(0, |b| b.guide.bytes());
                node.wakeup.bytes() + kept
            })
            .sum();
        nodes + self.guide.bytes() + self.table.bytes()
    }
}

/// Source-DPOR from here on: the first step of each sequence still to explore from `node`
/// becomes a backtrack point (every schedulable thread, when its thread is not known here),
/// where `keys` are the last execution's threads' keys; the tree is emptied.
pub(super) fn wakeup_to_backtrack(node: &mut Node, keys: &[ThreadKey], table: &StepTable) {
    for step in std::mem::take(&mut node.wakeup).roots() {
        match thread_of(keys, table.get(step).thread) {
            Some(thread) => node.backtrack.insert(thread),
            None => (node.schedulable.iter()).for_each(|t| node.backtrack.insert(t)),
        }
    }
}

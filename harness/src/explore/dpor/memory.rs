//! Keeping optimal DPOR's memory within a budget (`Builder::wakeup_memory`).
//!
//! Wakeup trees hold every sequence still to explore, so on some programs they grow with
//! the exploration: lastzero(12) peaks at 6,143 pending sequences of 11.5 steps on average,
//! and lastzero(n) takes about 75 bytes more per execution as n grows. (Parsimonious
//! optimal DPOR, CAV 2024, keeps that polynomial by reversing races eagerly; weft does not
//! implement it.) So after every execution the explorer adds up what its trees and its step
//! table take (`wakeup_bytes`), and past the budget the nodes then on the stack go on as
//! source-DPOR, which a split's unit already falls back to (see `fallback`): each one's tree
//! gives its first steps to the node's backtrack set and is freed, and a race whose first
//! event ran at one of them adds a thread to its backtrack set instead of a sequence to a
//! tree. The nodes pushed below them later stay optimal, and their trees grow again until
//! the next time the budget is reached.
//!
//! Below such a node, optimal DPOR takes a thread that sleeps since it (`Sleeper::from_source`)
//! as a split's unit takes one asleep since above its cut: it stands for a reversal only when
//! it would run first in it (source-DPOR's own rule), not whenever it commutes with the
//! whole reversal, and when only such sleepers could go on while a thread waits on a
//! channel, the exploration goes on as source-DPOR throughout (`nodes`). Taken for plain
//! sleepers, they hid traces: lastzero(3) with a 2 KiB budget ran 5 of its 12 executions.
//! At the source-DPOR nodes themselves they stand for reversals as source-DPOR's sleepers do
//! (`add_backtrack` does not ask): taken for inherited there too, they made the rwlock
//! programs of the differential test run 13 traces twice in 6,940.
//!
//! Whole-exploration source-DPOR, which this replaced, ran lastzero(14) with 1 MiB of trees
//! in 56.7 s with 1,130,602 blocked runs; this runs it in 3.2 to 3.6 s with 1,115 (5.7 s
//! without a budget). With budgets too small for one execution's trees, where nearly every
//! node goes on as source-DPOR, it can run more blocked runs than that did (lastzero(8) with
//! 8 KiB: 1,611 against 1,068). The differential tests, run with budgets of 1 byte to 12
//! KiB, reach every outcome, and one execution per trace on the programs where optimal DPOR
//! runs exactly that (atomics, mutexes and rwlocks).
//!
//! Invariant: the trees exceed the budget by at most what one execution's races add; nodes
//! `[0, source_depth)` go on as source-DPOR, and every node below them is optimal.

use super::node::Node;
use super::{thread_of, Dpor};
use crate::explore::step_table::StepTable;
use crate::runtime::thread_keys::ThreadKey;

/// What the wakeup trees took at most, and whether they reached the budget.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct WakeupMemory {
    /// The most bytes the trees and the step table took at once, after an execution.
    pub peak_bytes: usize,
    /// The trees reached the budget, and the nodes then on the stack went on as source-DPOR.
    pub over_budget: bool,
}

impl Dpor {
    /// Sets the most bytes the wakeup trees may take (see the module docs).
    pub(crate) fn limit_wakeup_memory(&mut self, bytes: usize) {
        self.wakeup_budget = bytes;
    }

    /// After an execution: records what the trees take, and when that is over the budget,
    /// turns the nodes on the stack to source-DPOR.
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
        self.over_budget_depth = self.nodes.len();
        for node in &mut self.nodes {
            wakeup_to_backtrack(node, &self.keys, &self.table);
        }
        self.guide.clear();
    }

    /// The nodes below this index go on as source-DPOR: all of a split's unit that fell back
    /// to it (`source`), else those on the stack when the trees last outgrew the budget.
    pub(super) fn source_depth(&self) -> usize {
        match self.source {
            true => usize::MAX,
            false => self.over_budget_depth,
        }
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

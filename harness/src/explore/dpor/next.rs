//! Moving to the next execution: the deepest node with a branch left (the next value choice
//! of its thread's step, else a backtrack point in bounded, source-DPOR or above-the-cut
//! nodes, else the next wakeup-tree branch) becomes the last node to replay; nodes with
//! nothing left are popped. A node above the cut whose branches left all look uncontended
//! becomes the root of one unit there (`RestUnit`).
//!
//! A node's value choices all lie in its thread's branch, and only when the last is done
//! does the thread count as explored for the node's other branches and sleep sets. Each
//! choice follows the wakeup subtree the branch came with: a sequence in it was found in an
//! execution where the step may have taken any of its choices (a race reversed from above
//! the node), and DPOR below the node cannot find it again, since a thread asleep there
//! stands for it (weak differential test, seed 13, case 747: a spurious failure's
//! continuation was lost when only the first choice followed it).
//!
//! Invariant: a thread explored from a node (in `done`) or asleep there is never chosen there
//! again.

use super::memory::wakeup_to_backtrack;
use super::races::add_every_thread;
use super::{thread_of, Dpor};

impl Dpor {
    /// Moves to the next branch to explore: false when none is left.
    pub(super) fn next_branch(&mut self) -> bool {
        self.predicted = None;
        if self.skipping {
            // Another explorer's unit: when it is rooted at a node of the stack (a node's
            // rest, `RestUnit`), that node's other value choices and branches are all in it.
            if let Some(root) = self.nodes.iter().rposition(|node| node.rest().is_some()) {
                let node = &self.nodes[root];
                let (ops_start, explored_start) = (node.ops_start, node.explored_start);
                self.nodes.truncate(root);
                self.pending_ops.truncate(ops_start);
                self.explored.truncate(explored_start);
            }
        }
        while let Some(index) = self.nodes.len().checked_sub(1) {
            let source = index < self.source_depth();
            let node = &mut self.nodes[index];
            if node.value + 1 < node.values {
                node.value += 1;
                if let Some(branch) = &node.value_branch {
                    self.guide = branch.guide.copy();
                    self.predicted = Some(branch.predicted);
                }
                self.replay = self.nodes.len();
                return true;
            }
            node.value = 0;
            node.values = 1;
            node.value_branch = None;
            if source {
                wakeup_to_backtrack(node, &self.keys, &self.table);
            }
            if self.bound.is_some() || source || node.top() {
                let (bound, repeats) = (self.bound, &self.repeats);
                let open = |t: usize| {
                    let preemption = node.is_preemption(t);
                    let preemptions = node.preemptions + usize::from(preemption);
                    !node.done.contains(t)
                        && !node.asleep(t)
                        && node.schedulable.contains(t)
                        && bound.is_none_or(|b| preemptions <= b)
                        // Under a bound, a state known to be explored is skipped (not
                        // above the cut, where the units must not depend on the past).
                        && !(bound.is_some()
                            && !node.top()
                            && repeats.predicts_seen(index, t, preemptions))
                };
                // Above the cut, loud threads first (see `AboveCut::quiet`), late ones last
                // among them (`AboveCut::late`); once only quiet ones are left, the node's
                // rest is one unit (`RestUnit`), except under a bound, where every node tries
                // every thread the bound allows.
                let quiet = |t| node.above.as_ref().is_some_and(|a| a.quiet.contains(t));
                let late = |t| node.above.as_ref().is_some_and(|a| a.late.contains(t));
                let next = (node.backtrack.iter())
                    .find(|&t| open(t) && !quiet(t) && !late(t))
                    .or_else(|| node.backtrack.iter().find(|&t| open(t) && !quiet(t)))
                    .or_else(|| node.backtrack.iter().find(|&t| open(t)));
                if let Some(thread) = next {
                    if node.top() && quiet(thread) && bound.is_none() {
                        node.make_rest_unit(thread);
                    }
                    node.done.insert(thread);
                    node.thread = thread;
                    self.replay = self.nodes.len();
                    return true;
                }
            }
            let keys = &self.keys;
            while let Some(step) = node.wakeup.first() {
                let thread = thread_of(keys, self.table.get(step).thread);
                if thread.is_some_and(|t| node.done.contains(t) || node.asleep(t)) {
                    node.wakeup.pop_first(None);
                    continue;
                }
                let Some(thread) = thread.filter(|&t| node.schedulable.contains(t)) else {
                    // It yielded here: every thread that can run stands in for it.
                    node.wakeup.pop_first(None);
                    let table = &mut self.table;
                    let key = |t: usize| keys[t];
                    let threads = (&node.schedulable, &key as _);
                    add_every_thread(&mut node.wakeup, threads, &node.sleep, table);
                    let done = &node.done;
                    let explored =
                        |key| thread_of(keys, key).is_some_and(|t: usize| done.contains(t));
                    (node.wakeup).retain_roots(|s| !explored(table.get(s).thread));
                    continue;
                };
                node.done.insert(thread);
                node.thread = thread;
                self.predicted = Some(self.table.get(step).accesses);
                node.wakeup.pop_first(Some(&mut self.guide));
                self.replay = self.nodes.len();
                return true;
            }
            let (ops_start, explored_start) = (node.ops_start, node.explored_start);
            if node.sleep.capacity() > 0 {
                let mut sleep = std::mem::take(&mut node.sleep);
                sleep.clear();
                self.spare_sleeps.push(sleep);
            }
            // Dropped in place: `pop` would move the whole node out first.
            self.nodes.truncate(self.nodes.len() - 1);
            self.pending_ops.truncate(ops_start);
            self.explored.truncate(explored_start);
        }
        false
    }
}

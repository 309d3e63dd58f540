//! The exploration tree's node: one per scheduling point of the current execution, with
//! the branches explored and still to explore there, its sleep set and, above the cut of a
//! split exploration, what the split needs (see the parent module).
//!
//! Invariant: `done` holds every thread explored from the node; a thread in `sleep` is never
//! chosen freely there (parent module's exceptions aside).

use super::Sleeper;
use crate::explore::step_accesses::StepAccesses;
use crate::explore::wakeup::Forest;
use crate::explore::Turn;
use crate::runtime::op::ThreadId;
use crate::runtime::thread_set::ThreadSet;

pub(super) struct Node {
    pub(super) thread: ThreadId,
    /// The value choice the chosen thread's step takes (see `runtime::value_choice`), and
    /// how many it had: each is explored, in order, before the node's next thread.
    pub(super) value: u32,
    pub(super) values: u32,
    /// The wakeup subtree and prediction the step came with from a wakeup tree, kept when
    /// it has several value choices: each choice follows it (see `next`).
    pub(super) value_branch: Option<Box<ValueBranch>>,
    /// Where this node's record of the threads that moved since the last node starts in
    /// `pending_ops` (see `same_state`).
    pub(super) ops_start: usize,
    /// How many threads the execution had here.
    pub(super) threads: usize,
    /// Where the accesses of the steps explored from this node start in `explored`.
    pub(super) explored_start: usize,
    pub(super) schedulable: ThreadSet,
    /// Bounded search: every thread the bound may run here.
    pub(super) backtrack: ThreadSet,
    /// Unbounded: the sequences still to explore from here, in order.
    pub(super) wakeup: Forest,
    pub(super) done: ThreadSet,
    pub(super) sleep: Vec<Sleeper>,
    pub(super) turn: Turn,
    /// Preemptions before this node's choice.
    pub(super) preemptions: usize,
    /// Nodes with a choice above the cut, this one included.
    pub(super) choices: usize,
    /// Above the cut of a split exploration (see `split`): every allowed thread is a
    /// branch. Boxed: most nodes lie below the cut, and nodes are pushed at every step.
    pub(super) above: Option<Box<AboveCut>>,
}

/// What a step taken from a wakeup tree came with: the sequences to follow after it and
/// the accesses the tree predicted for it.
pub(super) struct ValueBranch {
    pub(super) guide: Forest,
    pub(super) predicted: Option<StepAccesses>,
}

/// What a node above the cut keeps besides the others' fields.
pub(super) struct AboveCut {
    /// Where a thread started without a choice: the threads that become this node's
    /// branches if its start step touches an object (see `fresh_node`).
    pub(super) alternatives: ThreadSet,
    /// The threads whose next operation looks uncontended (see `Split::contended`): not
    /// branched on one by one; once only they are left, the node's rest is one unit.
    pub(super) quiet: ThreadSet,
    /// The loud threads tried after the other loud ones: those whose next access conflicts
    /// with the first branch's (`cut::conflicting_with`).
    pub(super) late: ThreadSet,
    /// Set once every branch left is quiet: the node's remaining traces are one unit rooted
    /// here, and the node is no longer above the cut (see `cut`).
    pub(super) rest: Option<RestUnit>,
}

/// The last unit of a node above the cut, rooted at the node (see `cut`): the traces from it
/// that none of the threads branched on there starts. All its branches and value choices at
/// the node are in it (one key), so an explorer that does not take it leaves the node at
/// once (`next_branch`).
pub(super) struct RestUnit {
    /// Its key's entry: the number of branches taken at the node before it.
    pub(super) position: u32,
    /// The threads branched on at the node, each under units of its own: as an inherited
    /// sleeper (`Sleeper::inherited`), one stands for a reversal only if it runs first in it.
    pub(super) branched: ThreadSet,
}

impl Node {
    pub(super) fn is_preemption(&self, thread: ThreadId) -> bool {
        self.turn.preempts(&self.schedulable, thread)
    }

    /// Above the cut: every allowed thread is a branch, each under units of its own.
    pub(super) fn top(&self) -> bool {
        self.above.as_ref().is_some_and(|a| a.rest.is_none())
    }

    /// The unit rooted here, once the node's branches left are one (see `RestUnit`).
    pub(super) fn rest(&self) -> Option<&RestUnit> {
        self.above.as_ref()?.rest.as_ref()
    }

    pub(super) fn asleep(&self, thread: ThreadId) -> bool {
        self.sleep.iter().any(|s| s.thread == thread)
    }

    /// Makes the node's remaining traces one unit rooted here (`RestUnit`), whose first
    /// branch is `thread`: from here on the node is explored as below the cut, by races, and
    /// what sleeps here sleeps since above it.
    pub(super) fn make_rest_unit(&mut self, thread: ThreadId) {
        let above = self
            .above
            .as_mut()
            .expect("only a node above the cut has a rest");
        debug_assert!(
            self.wakeup.first().is_none(),
            "no race is reversed above the cut"
        );
        above.rest = Some(RestUnit {
            position: self.done.len() as u32,
            branched: self.done.clone(),
        });
        self.backtrack = self.done.clone();
        self.backtrack.insert(thread);
        self.sleep.iter_mut().for_each(|s| s.inherited = true);
    }

    /// Whether some thread's traces from here lie in a sibling unit (`inherited`).
    pub(super) fn inherits(&self) -> bool {
        self.rest().is_some() || self.sleep.iter().any(|s| s.inherited)
    }

    /// Whether `thread`'s traces from here lie in a sibling unit: it sleeps here since
    /// above the cut, or it was branched on here before the node's rest became a unit.
    pub(super) fn inherited(&self, thread: ThreadId) -> bool {
        self.sleep.iter().any(|s| s.thread == thread && s.inherited) || self.branched_above(thread)
    }

    /// The threads that stand for a reversal only when they would run first in it: every
    /// thread `inherited` holds for, and the sleepers since a node that went on as
    /// source-DPOR (`Sleeper::from_source`), once or more.
    pub(super) fn first_only_threads(&self) -> impl Iterator<Item = ThreadId> + '_ {
        let from_source = self.sleep.iter().filter(|s| s.from_source);
        (self.inherited_threads()).chain(from_source.map(|s| s.thread))
    }

    /// Every thread `inherited` holds for, once or more.
    pub(super) fn inherited_threads(&self) -> impl Iterator<Item = ThreadId> + '_ {
        let asleep = self.sleep.iter().filter(|s| s.inherited).map(|s| s.thread);
        asleep.chain(
            self.rest()
                .into_iter()
                .flat_map(|rest| rest.branched.iter()),
        )
    }

    /// Whether `thread` was branched on here while the node lay above the cut, before its
    /// rest became a unit (`RestUnit::branched`).
    pub(super) fn branched_above(&self, thread: ThreadId) -> bool {
        self.rest()
            .is_some_and(|rest| rest.branched.contains(thread))
    }
}

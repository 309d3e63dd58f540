//! The explorer's side of a split exploration (see `explore::split`): where the cut lies,
//! which unit the current execution is in, taking it or leaving it to another explorer, and
//! telling the others when a unit is done.
//!
//! Invariant: `unit` is the key of the unit whose nodes lie below the cut of the stack, and
//! it is set only once `Split::take` gave it to this explorer. Whether a node lies above the
//! cut depends only on the choices above it and on the probe (the state those choices reach,
//! and what the probe saw the threads do), so every explorer cuts every prefix alike.

use super::{Dpor, Sleeper};
use crate::explore::split::{estimate, Futures, UnitKey};
use crate::runtime::execution::Execution;
use crate::runtime::op::{Access, ThreadId};
use crate::runtime::thread_set::ThreadSet;

impl Dpor {
    /// The choices made above the cut of the current stack: at each node there, which of
    /// its threads (high bits) and which value choice of its step (low 16 bits).
    pub(super) fn position(&self) -> UnitKey {
        (self.nodes.iter())
            .filter_map(|node| match (node.top(), node.rest()) {
                (true, _) => Some((node.done.len() as u32 - 1) << 16 | node.value.min(0xffff)),
                (false, Some(rest)) => Some(rest.position << 16),
                (false, None) => None,
            })
            .collect()
    }

    /// Whether a node opened now, where `schedulable` may run and `sleep` sleeps, lies above
    /// the cut: the nodes above it (a prefix of the stack) count, at each choice, one plus
    /// the position of the branch taken there (times `Split::position_weight`), and add up
    /// to less than `Split::depth`; and no thread that could run there sleeps with nobody
    /// left to wake it, as the probe saw the threads (`sleeps_for_good`). Every run from
    /// such a node would end blocked, so branching on its threads would only deal out more
    /// units where all runs do: on 8 shards, lastzero(10) ran 3,284 blocked runs so and
    /// 2,905 now, readers(12) 672 and 379, lastzero(12) 14,856 and 13,357. (A wrong guess
    /// changes only how the traces are divided into units.)
    pub(super) fn above_cut(
        &self,
        execution: &Execution,
        schedulable: &ThreadSet,
        sleep: &[Sleeper],
    ) -> bool {
        let Some(split) = &self.split else {
            return false;
        };
        if self.nodes.last().is_some_and(|node| !node.top()) {
            return false;
        }
        let mut choices_before = 0;
        let cost: usize = (self.nodes.iter())
            .map(|node| {
                let choice = node.choices > choices_before;
                choices_before = node.choices;
                match choice {
                    true => 1 + split.position_weight * (node.done.len() - 1),
                    false => 0,
                }
            })
            .sum();
        cost < split.depth && !sleeps_for_good(&split.futures, execution, schedulable, sleep)
    }

    /// The execution leaves the nodes above the cut at a point where `schedulable` may run
    /// and `sleep` sleeps: takes the unit it enters, unless it is already this explorer's.
    /// False when another explorer takes it: the execution is then finished without this
    /// explorer and not counted.
    pub(super) fn enter_unit(
        &mut self,
        execution: &Execution,
        schedulable: &ThreadSet,
        sleep: &[Sleeper],
    ) -> bool {
        if self.unit.is_some() {
            return true;
        }
        let key = self.position();
        let split = self
            .split
            .as_mut()
            .expect("only split explorations have units");
        // One shard takes every unit: its workers need no estimate.
        let estimate = match split.shard.count {
            0 | 1 => 1.0,
            _ => unit_estimate(&split.futures, execution, schedulable, sleep),
        };
        if !split.take(&key, estimate) {
            self.skipping = true;
            return false;
        }
        self.unit = Some(key);
        self.unit_runs = (0, 0);
        // Nor does it share states with other units (`repeats`).
        self.repeats.forget_states();
        // A unit is explored as if it were the whole exploration: it starts in optimal DPOR
        // whatever another unit went on as (`nodes`).
        self.source = false;
        true
    }

    /// Counts the execution that just ended in its unit's runs.
    pub(super) fn count_unit_run(&mut self) {
        if self.unit.is_some() && !self.skipping {
            match self.blocked_run {
                true => self.unit_runs.1 += 1,
                false => self.unit_runs.0 += 1,
            }
        }
    }

    /// After the next branch is chosen: when it lies above the cut (or nothing is left),
    /// the unit the stack was in is done.
    pub(super) fn leave_finished_unit(&mut self) {
        // A node's rest unit starts with the branch that made it one: the node's first
        // branch that is not one it had above the cut, with its first value choice.
        let rest_starts = |node: &super::Node| {
            node.rest()
                .is_some_and(|rest| node.done.len() == rest.branched.len() + 1 && node.value == 0)
        };
        if self
            .nodes
            .last()
            .is_none_or(|node| node.top() || rest_starts(node))
        {
            if let (Some(unit), Some(split)) = (self.unit.take(), &self.split) {
                split.shared.finish(unit, self.unit_runs);
            }
        }
    }

    /// A failure was found in a unit before the current one: nothing this explorer finds
    /// from here on would be the one reported.
    pub(super) fn stop_for_earlier_failure(&self) -> bool {
        self.split
            .as_ref()
            .is_some_and(|split| split.shared.failed_before(&self.position()))
    }
}

/// Whether a thread that could run where `schedulable` may run sleeps there (in `sleep`)
/// with nobody left to wake it: the probe saw no other thread that still accesses the object
/// of its next step in a conflicting way (see `Futures`), except threads that sleep for good
/// themselves (two sleepers each waiting for the other's step).
fn sleeps_for_good(
    futures: &Futures,
    execution: &Execution,
    schedulable: &ThreadSet,
    sleep: &[Sleeper],
) -> bool {
    let recorded = |t: ThreadId| recorded(execution, t);
    let keyed = |t: ThreadId| {
        next_access(execution, t).map(|a| Access::new(execution.objects.key(a.object), a.kind))
    };
    // The sleepers not known to wake, until no more of them is found to.
    let mut stuck: ThreadSet = (sleep.iter().map(|s| s.thread))
        .filter(|&t| schedulable.contains(t) && keyed(t).is_some())
        .collect();
    loop {
        let waking = stuck.iter().find(|&t| {
            let next = keyed(t).expect("kept only with a next access");
            futures.may_wake(t, next, recorded, |u| !stuck.contains(u))
        });
        match waking {
            Some(t) => stuck.remove(t),
            None => return !stuck.is_empty(),
        }
    }
}

/// The estimated executions of the unit rooted where `schedulable` may run and `sleep`
/// sleeps (see `split::balance`): none when a thread there sleeps for good
/// (`sleeps_for_good`), as every run of the unit would then end blocked.
fn unit_estimate(
    futures: &Futures,
    execution: &Execution,
    schedulable: &ThreadSet,
    sleep: &[Sleeper],
) -> f64 {
    if sleeps_for_good(futures, execution, schedulable, sleep) {
        return 0.0;
    }
    let asleep = (sleep.iter())
        .filter(|s| schedulable.contains(s.thread))
        .count();
    estimate(
        asleep as u32,
        futures.conflicting_pairs(|t| recorded(execution, t)),
    )
}

/// How many events `thread` has recorded in `execution` (none before it is spawned).
fn recorded(execution: &Execution, thread: ThreadId) -> u32 {
    execution.threads.get(thread).map_or(0, |t| t.events)
}

/// The loud threads of `branches` whose next access conflicts with the next access of
/// `first`, the node's first branch: they are tried after the other loud ones
/// (`AboveCut::late`). Tried second, such a thread leaves both asleep in the units of every
/// later branch, where nothing else may ever wake them (lastzero's scanner reading the last
/// slot and the thread about to write it), and each of those units explores its other
/// threads' orders to the end, every run blocked: with std's `Arc`, a split lastzero(10) on
/// one shard ran 585 blocked runs beside its 3,328 executions, and runs 9 now; with weft's
/// `Arc`, 8 shards of lastzero(12) ran 27,478 and run 14,856.
pub(super) fn conflicting_with(
    execution: &Execution,
    first: ThreadId,
    branches: &ThreadSet,
    quiet: &ThreadSet,
) -> ThreadSet {
    let access = |t: ThreadId| next_access(execution, t);
    let Some(first_access) = access(first) else {
        return ThreadSet::default();
    };
    (branches.iter())
        .filter(|&t| t != first && !quiet.contains(t))
        .filter(|&t| access(t).is_some_and(|a| a.conflicts(first_access)))
        .collect()
}

/// What `thread`'s next operation would access, if it accesses an object.
fn next_access(execution: &Execution, thread: ThreadId) -> Option<Access> {
    let op = execution.threads[thread].pending?;
    execution.pending_access(&op)
}

//! Choosing at a scheduling point: re-running a recorded node (checking the program
//! reached the same state) or opening a fresh one (following the wakeup tree's guide, the
//! split's rules above the cut, or choosing freely outside the sleep set).
//!
//! Invariant: a fresh node never chooses a sleeping thread freely, except where the parent
//! module's docs say (a waiter on a blocking primitive below the cut).

use super::fallback::{sleepers_for_waiter, waits_on_channel};
use super::races::add_every_thread;
use super::{AboveCut, Dpor, Node, RestUnit, Sleeper};
use crate::explore::step_accesses::StepAccesses;
use crate::explore::wakeup::Forest;
use crate::explore::{Decision, Turn};
use crate::runtime::execution::Execution;
use crate::runtime::op::{OpKind, ThreadId};
use crate::runtime::thread_set::ThreadSet;

impl Dpor {
    pub(super) fn replay_node(
        &mut self,
        execution: &Execution,
        step: usize,
        schedulable: &ThreadSet,
    ) -> Decision {
        if let Some(message) = self.diverged(execution, step, schedulable) {
            return Decision::Diverged(message);
        }
        let node = &self.nodes[step];
        if step + 1 == self.replay {
            let chosen = node.thread;
            self.carried.clear();
            self.carried.extend_from_slice(&node.sleep);
            let explored = &self.explored[node.explored_start..];
            for thread in node.done.iter() {
                if thread == chosen || node.asleep(thread) {
                    continue;
                }
                let accesses = match explored.iter().find(|(t, _)| *t == thread) {
                    Some(&(_, recorded)) => recorded,
                    None => Some(StepAccesses::one(
                        execution.threads[thread]
                            .pending
                            .and_then(|op| execution.pending_keyed_access(&op)),
                    )),
                };
                if let Some(accesses) = accesses {
                    self.carried.push(Sleeper {
                        thread,
                        accesses,
                        // Not asleep here: inherited only if branched on above the cut.
                        inherited: node.branched_above(thread),
                        from_source: false,
                    });
                }
            }
            if step < self.over_budget_depth {
                self.carried.iter_mut().for_each(|s| s.from_source = true);
            }
        }
        Decision::Run(node.thread)
    }

    pub(super) fn fresh_node(
        &mut self,
        execution: &Execution,
        turn: Turn,
        schedulable: &ThreadSet,
    ) -> Decision {
        if let Some(decision) = self.plain_node(execution, turn, schedulable) {
            return decision;
        }
        // An empty sleep set leaves `next_sleep` its allocation for the next node; a node's
        // sleep set takes it, and `next_sleep` a popped node's, if there is one.
        let mut sleep = match self.next_sleep.is_empty() {
            true => Vec::new(),
            false => {
                let spare = self.spare_sleeps.pop().unwrap_or_default();
                std::mem::replace(&mut self.next_sleep, spare)
            }
        };
        let preemptions = match self.nodes.last() {
            Some(node) => node.preemptions + usize::from(node.is_preemption(node.thread)),
            None => 0,
        };
        let mut wakeup = Forest::default();
        let mut guided = None;
        // The guide keeps its first branch's subtree, to follow from the next node.
        if let Some((first, rest)) = self.guide.split_first() {
            wakeup = rest;
            let step = self.table.get(first);
            match execution.thread_with_key(step.thread.id) {
                Some(thread) if schedulable.contains(thread) => {
                    guided = Some((thread, step.accesses));
                }
                _ => {
                    // The sequence cannot go on here (its thread yielded or waits): every
                    // thread that can run becomes an alternative instead.
                    self.guide.clear();
                    let key = |t: ThreadId| execution.threads[t].key;
                    let table = &mut self.table;
                    add_every_thread(&mut wakeup, (schedulable, &key), &sleep, table);
                }
            }
        }
        let choices = self.nodes.last().map_or(0, |node| node.choices);
        let top = self.above_cut(execution, schedulable, &sleep);
        if self.split.is_some() && !top && self.nodes.last().is_none_or(|node| node.top()) {
            // The root of a unit: whatever sleeps here sleeps since above the cut.
            sleep.iter_mut().for_each(|s| s.inherited = true);
        }
        if self.split.is_some() && !top && !self.enter_unit(execution, schedulable, &sleep) {
            // Below the cut: the unit is taken before anything is chosen in it, so its
            // choices depend only on its prefix.
            return Decision::Blocked;
        }
        let index = self.nodes.len();
        let allowed = |thread: ThreadId| {
            let preemption = turn.preempts(schedulable, thread);
            let after = preemptions + usize::from(preemption);
            !sleep.iter().any(|s| s.thread == thread)
                && self.bound_allows(preemption, preemptions)
                // Under a bound, a state known to be explored is not entered again (except
                // above the cut: see `next`).
                && !(self.bound.is_some()
                    && !top
                    && self.repeats.predicts_seen(index, thread, after))
        };
        // Above the cut, a thread that has not started starts at once, not as a choice: its
        // start step runs no operation, so every trace has an execution where it starts
        // right away, and branching on starts would only add sleep-set-blocked runs. So
        // does a join that can run: the thread it waits for has ended, and nothing else
        // conflicts with it (branched on, it left the sibling branches' prefixes blocked: a
        // split ainc(3) with std's `Arc` ran 2 blocked runs beside its 6 executions). (A
        // step that does touch an object makes its node a choice after all, in
        // `after_step`.)
        let starting = top
            .then(|| {
                schedulable.iter().find(|&t| {
                    allowed(t)
                        && execution.threads[t]
                            .pending
                            .is_some_and(|op| matches!(op.kind, OpKind::Start | OpKind::Join(_)))
                })
            })
            .flatten();
        let quiet: ThreadSet = match (&self.split, top) {
            (Some(split), true) => schedulable
                .iter()
                .filter(|&t| {
                    let op = execution.threads[t].pending;
                    let key = op.and_then(|op| op.object.map(|o| execution.objects.key(o)));
                    allowed(t) && !split.contended(key)
                })
                .collect(),
            _ => ThreadSet::default(),
        };
        // A thread that just yielded while every schedulable thread has yielded (they all
        // spin) runs again only if no other can: the others go first, a sleeping one too
        // (which repeats an explored trace). Otherwise the spinner could loop alone
        // forever while the one whose step would end its wait sleeps.
        let spinner = turn
            .last
            .filter(|&p| !top && schedulable.contains(p) && execution.threads[p].yielded);
        let after_spinner = spinner.and_then(|p| {
            let others = || {
                (schedulable.iter().filter(move |&t| t > p))
                    .chain(schedulable.iter().filter(move |&t| t < p))
            };
            let bound = |t| self.bound_allows(turn.preempts(schedulable, t), preemptions);
            others()
                .find(|&t| allowed(t))
                .or_else(|| others().find(|&t| bound(t)))
        });
        let pick = starting
            .or(guided.map(|(thread, _)| thread))
            .or(after_spinner)
            .or_else(|| {
                let loud = |t: ThreadId| allowed(t) && !quiet.contains(t);
                turn.last
                    .filter(|&p| schedulable.contains(p) && loud(p))
                    .or_else(|| schedulable.iter().find(|&t| loud(t)))
            })
            .or_else(|| {
                turn.last
                    .filter(|&p| schedulable.contains(p) && allowed(p))
                    .or_else(|| schedulable.iter().find(|&t| allowed(t)))
            });
        // Every thread that could run sleeps (or the bound forbids it).
        let mut to_source = false;
        let pick = pick.or_else(|| {
            if top {
                // Above the cut every thread is tried: a sleeping one stands for its
                // continuations.
                return None;
            }
            let source = self.source || self.bound.is_some();
            // (A sleeper since a source-DPOR node counts as inherited here.)
            let inherited = |s: &Sleeper| s.inherited || s.from_source;
            if !source && !sleep.iter().any(inherited) {
                // Optimal DPOR without an inherited sleeper: the run ends blocked (below).
                return None;
            }
            let bound = |t| self.bound_allows(turn.preempts(schedulable, t), preemptions);
            let sleepers = sleepers_for_waiter(execution, schedulable, &sleep, bound);
            let first = sleepers.first()?.thread;
            if source {
                return Some(first);
            }
            // Optimal DPOR ends the run blocked. Going on with a split's inherited sleeper
            // (`Sleeper::inherited`) repeats a sibling unit's trace, whose races put the
            // sleeper's steps first in their reversals; `add_race` leaves those to that
            // unit, though the traces further reversals reach from them are not its (a
            // condvar program's split exploration lost two outcomes so, in
            // `tests/blocking_differential/regressions.rs`). But a send that waits for room
            // races with the send that filled the channel, and that race shows only once it
            // runs: when only an inherited sleeper can get there (its later step drops the
            // receiver), the unit goes on as source-DPOR, which reverses the race the
            // sibling unit leaves to this one (the same file's split over a full channel).
            to_source =
                sleepers.iter().any(|s| inherited(s)) && waits_on_channel(execution, schedulable);
            to_source.then_some(first)
        });
        let mut every_allowed: ThreadSet = match top {
            true => schedulable.iter().filter(|&t| allowed(t)).collect(),
            false => ThreadSet::default(),
        };
        if to_source {
            self.source = true;
        }
        if self.split.is_some()
            && top
            && pick.is_none()
            && !self.enter_unit(execution, schedulable, &sleep)
        {
            return Decision::Blocked;
        }
        if self.bound.is_some()
            && !top
            && (self.repeats).seen_before(execution, (turn, schedulable), preemptions)
        {
            // Everything in bound from here was explored from an equivalent prefix.
            self.blocked_run = true;
            return Decision::Blocked;
        }
        let Some(thread) = pick else {
            self.blocked_run = true;
            return Decision::Blocked;
        };
        // Above the cut, a node where every thread allowed looks uncontended (the loud ones
        // are picked first) is the root of one unit instead (`RestUnit`): its first branch
        // would hold its traces, and branching on the others would mostly leave prefixes
        // that end sleep-set blocked.
        let rest_root = top && self.bound.is_none() && starting.is_none() && quiet.contains(thread);
        if rest_root {
            sleep.iter_mut().for_each(|s| s.inherited = true);
        }
        self.predicted = guided
            .filter(|&(guide, _)| guide == thread)
            .map(|(_, accesses)| accesses);
        let ops_start = self.record_waiting(execution, self.nodes.len());
        self.carried.clear();
        self.carried
            .extend(sleep.iter().filter(|s| s.thread != thread));
        let mut chosen = ThreadSet::default();
        chosen.insert(thread);
        let alternatives = match starting {
            Some(_) => std::mem::take(&mut every_allowed),
            None => ThreadSet::default(),
        };
        let backtrack = if self.bound.is_some() {
            schedulable.clone()
        } else if top && starting.is_none() && !rest_root {
            every_allowed
        } else {
            chosen.clone()
        };
        let choices = choices + usize::from(top && !rest_root && backtrack.len() > 1);
        let late = match top && !rest_root {
            true => super::cut::conflicting_with(execution, thread, &backtrack, &quiet),
            false => ThreadSet::default(),
        };
        self.nodes.push(Node {
            thread,
            value: 0,
            values: 1,
            value_branch: None,
            ops_start,
            threads: execution.threads.len(),
            explored_start: self.explored.len(),
            schedulable: schedulable.clone(),
            backtrack,
            wakeup,
            done: chosen,
            sleep,
            turn,
            preemptions,
            choices,
            above: top.then(|| {
                Box::new(AboveCut {
                    alternatives,
                    quiet,
                    late,
                    rest: rest_root.then(|| RestUnit {
                        position: 0,
                        branched: ThreadSet::default(),
                    }),
                })
            }),
        });
        Decision::Run(thread)
    }

    /// `fresh_node` where nothing constrains the choice (most nodes of an exploration's
    /// first execution, and of a unit's): no bound, no wakeup sequence to follow, no
    /// sleeping thread, the thread that ran last did not yield, and no split or a node
    /// inside a unit already taken, below its root. The rules above then pick the thread
    /// that ran last if it can go on, else the first schedulable one; this picks it without
    /// evaluating them. `None` when the node is not such a one.
    fn plain_node(
        &mut self,
        execution: &Execution,
        turn: Turn,
        schedulable: &ThreadSet,
    ) -> Option<Decision> {
        let in_unit = || self.unit.is_some() && self.nodes.last().is_some_and(|n| !n.top());
        let plain = (self.split.is_none() || in_unit())
            && self.bound.is_none()
            && self.guide.first().is_none()
            && self.next_sleep.is_empty()
            && turn.last.is_none_or(|p| !execution.threads[p].yielded);
        if !plain {
            return None;
        }
        let thread =
            (turn.last.filter(|&p| schedulable.contains(p))).or_else(|| schedulable.first())?;
        let (preemptions, choices) = match self.nodes.last() {
            Some(node) => (
                node.preemptions + usize::from(node.is_preemption(node.thread)),
                node.choices,
            ),
            None => (0, 0),
        };
        let ops_start = self.record_waiting(execution, self.nodes.len());
        self.carried.clear();
        self.predicted = None;
        let mut chosen = ThreadSet::default();
        chosen.insert(thread);
        // Written out as in `fresh_node`, not shared through a constructor: built in the
        // push, the node is not moved, and a shared constructor cost indexer(4) 1,700
        // instructions per exploration (2%) in moves.
        self.nodes.push(Node {
            thread,
            value: 0,
            values: 1,
            value_branch: None,
            ops_start,
            threads: execution.threads.len(),
            explored_start: self.explored.len(),
            schedulable: schedulable.clone(),
            backtrack: chosen.clone(),
            wakeup: Forest::default(),
            done: chosen,
            sleep: Vec::new(),
            turn,
            preemptions,
            choices,
            above: None,
        });
        Some(Decision::Run(thread))
    }
}

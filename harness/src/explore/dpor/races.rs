//! How DPOR answers a race: optimal DPOR adds the sequence that reverses it to a wakeup
//! tree (`add_race`); once blocking primitives are in play, source-DPOR adds one initial of
//! it to a backtrack set (`add_backtrack`). See the parent module for when each applies.
//!
//! Invariant: a race is dropped only when an explored or sleeping thread, or a branch or
//! backtrack point already at its node, stands for its reversal.

use super::{thread_of, Dpor, Sleeper};
use crate::explore::reversal::{reversal, Reversal};
use crate::explore::step_summary::StepSummary;
use crate::explore::step_table::StepTable;
use crate::explore::wakeup::Forest;
use crate::runtime::op::{Event, EventKind, OpKind, ThreadId};
use crate::runtime::thread_keys::ThreadKey;
use crate::runtime::thread_set::ThreadSet;

impl Dpor {
    /// Makes sure the reversal of race (`earlier`, `later`) will be explored: adds the
    /// sequence that reverses it to the wakeup tree of the node where `earlier` ran. In a
    /// `sequentially_consistent` execution, the racing step's outcome there is predicted
    /// exactly (`MovedBefore`).
    pub(super) fn add_race(
        &mut self,
        (earlier, later): (usize, usize),
        trace: &[Event],
        sequentially_consistent: bool,
    ) {
        let at = trace[earlier].step;
        reversal(
            &mut self.reversal,
            &self.causality,
            (earlier, later),
            (trace, &self.keys),
            &self.steps,
            (&mut self.summaries, self.summarised_from.unwrap_or(0)),
            sequentially_consistent,
        );
        let Reversal {
            sequence: v,
            threads,
            ..
        } = &mut self.reversal;
        let v = &mut v[..];
        let (summaries, keys) = (&self.summaries, &self.keys);
        let node = &self.nodes[at];
        // Only split explorations have inherited threads, and only those past the wakeup
        // budget sleepers since a source-DPOR node: without, nothing below is asked.
        let inherits = node.inherits();
        let first_only = inherits || node.sleep.iter().any(|s| s.from_source);
        let end = self
            .nodes
            .get(at + 1)
            .map_or(self.explored.len(), |next| next.explored_start);
        let explored = self.explored[node.explored_start..end]
            .iter()
            .filter(|&&(t, _)| t != node.thread && !node.asleep(t))
            .filter(|&&(t, _)| !(inherits && node.inherited(t)))
            .filter_map(|&(t, accesses)| accesses.map(|a| StepSummary::of_accesses(keys[t], a)));
        let mut covered = node
            .sleep
            .iter()
            .filter(|s| !s.inherited && !s.from_source)
            .map(|s| StepSummary::of_accesses(keys[s.thread], s.accesses))
            .chain(explored);
        if matches!(
            trace[later].kind,
            EventKind::Sync {
                op: OpKind::RefCount(_),
                ..
            }
        ) {
            // A reference count's race (an rwlock's races as a mutex's, below; the other
            // blocking primitives switch to `add_backtrack`): a sleeping or explored thread
            // does not stand for the reversal. Its step was explored here first, but the
            // reversal may need that step after the racing one (which can be disabled until
            // other steps run), so the sequence starts with another initial, the racing
            // thread's if it can.
            let taken = |key: ThreadKey| {
                thread_of(keys, key).is_some_and(|t| node.done.contains(t) || node.asleep(t))
            };
            let racer = keys[trace[later].thread];
            let thread = |i: usize| summaries.get(v[i]).thread;
            let candidates: Vec<usize> = (summaries.initials(v))
                .filter(|&i| !taken(thread(i)))
                .collect();
            let Some(&first) = candidates
                .iter()
                .find(|&&i| thread(i) == racer)
                .or(candidates.first())
            else {
                return;
            };
            v[..=first].rotate_right(1);
        } else if covered.any(|c| summaries.weak_initial(&c, v)) {
            return;
        } else if first_only && {
            // The threads first, and each one's first step only: the initial check is linear
            // in the step's place (indexer(13) split on one worker spent 9% of its
            // instructions here when it was asked of every step, and 4% when of every step
            // of those threads).
            threads.clear();
            threads.extend((node.first_only_threads()).map(|t| keys[t].id));
            summaries.first_step_initial(v, threads)
        } {
            // An inherited sleeper (or a thread branched on above the cut here) that would
            // run first in the reversal: the reversed trace starts with its step, and that
            // is the sibling unit's. So for a sleeper since a source-DPOR node: its traces
            // from there were explored there.
            return;
        }
        let (summaries, table) = (&mut self.summaries, &mut self.table);
        self.nodes[at].wakeup.insert(v, summaries, table);
    }
    /// Source-DPOR: makes sure the reversal of race (`earlier`, `later`) will be explored by
    /// adding one of its initials to the backtrack set where `earlier` ran, unless one is
    /// already there.
    pub(super) fn add_backtrack(&mut self, earlier: usize, later: usize, trace: &[Event]) {
        let at = trace[earlier].step;
        let mut initials = self.causality.initials(earlier, later, trace);
        // As in `add_race`, a sleeping initial does not stand for the reversal of a reference
        // count's race, nor of a blocking primitive's where `later` happens after `earlier`
        // through the event that let it go on too (commit 0738300: a send that waited for
        // the receive that made room, racing with the send that filled the channel). Where
        // it does not, the race is an ordinary one, and a sleeping initial stands for its
        // reversal as in source-DPOR (passing over it explored the sleeper's traces again
        // or, mostly, made runs that ended sleep-set blocked).
        let sleepers_stand = match trace[later].kind {
            EventKind::Sync { op, .. } => {
                !matches!(op, OpKind::RefCount(_))
                    && !(self.causality).reached_through_successors(earlier, later, trace)
            }
            _ => true,
        };
        let node = &mut self.nodes[at];
        if !sleepers_stand {
            initials = (initials.iter())
                .filter(|&t| !node.asleep(t) && !node.inherited(t))
                .collect();
        } else {
            // Nor one asleep since above the cut, or branched on there (see
            // `Node::inherited`).
            initials = initials.iter().filter(|&t| !node.inherited(t)).collect();
        }
        if initials.intersects(&node.backtrack) {
            return;
        }
        let racer = trace[later].thread;
        let Some(thread) = (if initials.contains(racer) {
            Some(racer)
        } else {
            initials.first()
        }) else {
            return;
        };
        if node.schedulable.contains(thread) {
            node.backtrack.insert(thread);
        } else {
            // The initial cannot run here (it yielded): every thread that can stands in.
            for t in node.schedulable.clone().iter() {
                node.backtrack.insert(t);
            }
        }
    }
}

/// Every schedulable thread not asleep, as a one-step branch that depends on everything
/// (its step is not known here); `key` gives a thread's key.
pub(super) fn add_every_thread(
    wakeup: &mut Forest,
    (schedulable, key): (&ThreadSet, &dyn Fn(ThreadId) -> ThreadKey),
    sleep: &[Sleeper],
    table: &mut StepTable,
) {
    for thread in schedulable.iter() {
        let listed = wakeup.roots().any(|s| table.get(s).thread == key(thread));
        if !listed && !sleep.iter().any(|s| s.thread == thread) {
            wakeup.push(table.intern(StepSummary::unknown(key(thread))));
        }
    }
}

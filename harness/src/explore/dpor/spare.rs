//! Reusing a finished explorer's buffers for the next exploration on the same OS thread: a
//! test that explores several models, or a benchmark that repeats one, grows the node stack,
//! the per-event clocks of `Causality` and the other records once instead of every time. An
//! exploration of one or a few executions otherwise spent a third of its instructions
//! growing and freeing them.
//!
//! Invariant: a reused explorer is indistinguishable from a new one: every field is reset
//! (the destructuring below names each, so a new field cannot be forgotten); only the
//! capacity of its buffers, and clocks that are overwritten before they are read, remain.

use std::cell::RefCell;

use super::{Dpor, WakeupMemory};
use crate::explore::split::Split;

std::thread_local! {
    static SPARE: RefCell<Option<Box<Dpor>>> = const { RefCell::new(None) };
}

/// The most events a kept explorer may have clocks for: an explorer that ran a huge
/// execution is dropped rather than kept.
const KEPT_EVENTS: usize = 1 << 14;

impl Dpor {
    /// The explorer the last exploration on this OS thread left, if there is one.
    pub(super) fn spare() -> Option<Box<Dpor>> {
        SPARE.with(|spare| spare.borrow_mut().take())
    }

    /// Makes this explorer a new one for `bound` and `split`, keeping its buffers.
    pub(super) fn reset(&mut self, bound: Option<usize>, split: Option<Split>) {
        let Dpor {
            nodes,
            replay,
            bound: kept_bound,
            // Reset by `begin_execution`, before every execution.
            causality: _,
            pending_ops,
            carried,
            next_sleep,
            // Empty buffers, whatever the exploration.
            spare_sleeps: _,
            explored,
            guide,
            predicted,
            steps,
            summaries,
            summarised_from,
            // Overwritten by each reversal before it is read.
            reversal: _,
            table,
            races,
            source,
            over_budget_depth,
            split: kept_split,
            unit,
            skipping,
            blocked_run,
            unit_runs,
            keys,
            repeats,
            wakeup_budget,
            wakeup_memory,
            checked,
        } = self;
        nodes.clear();
        *replay = 0;
        *kept_bound = bound;
        pending_ops.clear();
        carried.clear();
        next_sleep.clear();
        explored.clear();
        guide.clear();
        *predicted = None;
        steps.clear();
        summaries.clear();
        *summarised_from = None;
        table.clear();
        races.clear();
        *source = false;
        *over_budget_depth = 0;
        *kept_split = split;
        *unit = None;
        *skipping = false;
        *blocked_run = false;
        *unit_runs = (0, 0);
        keys.clear();
        repeats.forget_states();
        repeats.begin_execution();
        *wakeup_budget = usize::MAX;
        *wakeup_memory = WakeupMemory::default();
        *checked = None;
    }

    /// Leaves this explorer's buffers for the next exploration on this OS thread.
    pub(crate) fn keep(mut self: Box<Self>) {
        if self.causality.events() > KEPT_EVENTS {
            return;
        }
        // Drop what other explorers share and the wakeup trees now, not at the next reuse.
        self.split = None;
        self.nodes.clear();
        self.guide.clear();
        SPARE.with(|spare| *spare.borrow_mut() = Some(self));
    }
}

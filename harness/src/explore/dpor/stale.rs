//! Stale reads another interleaving already gives. A load that reads a store older than the
//! latest reads past the newer stores `S`. If none of `S` happens before (in the trace's
//! dependence order) the load's previous event or any other store of the location that ran
//! before the load, the trace that runs `S` and what depends on them after the load is
//! another trace DPOR explores, and there the load reads the same store as the latest: the
//! stale option would repeat its execution graph, so DPOR skips it.
//!
//! Invariant: an option is marked redundant only from the trace prefix before the load,
//! which every option of the node shares; option 0 (the latest store) never is.

use std::ops::Range;

use super::super::causality::Causality;
use crate::runtime::op::{Event, EventKind};
use crate::runtime::value_choice::StaleReads;

/// The options (bit `j` for option `j`, below 64) of the load in `events` (one step of
/// `trace`, whose causality is processed up to the step) that read past no store the load
/// depends on otherwise.
pub(super) fn redundant_options(
    causality: &Causality,
    trace: &[Event],
    events: Range<usize>,
    stale: &StaleReads,
) -> u64 {
    let Some(load) = events
        .clone()
        .find(|&k| matches!(trace[k].kind, EventKind::Load { .. }))
    else {
        return 0;
    };
    let thread = trace[load].thread;
    let previous = (0..load).rev().find(|&k| trace[k].thread == thread);
    let stores: Vec<usize> = stale.stores.iter().map(|&e| e as usize).collect();
    let mut redundant = 0;
    for (option, &skipped) in stale.skipped.iter().enumerate().take(64).skip(1) {
        let (past, others) = stores.split_at(skipped as usize);
        let needed = |s: usize| {
            previous.is_some_and(|p| p == s || causality.happens_after(p, s, trace))
                || others.iter().any(|&w| causality.happens_after(w, s, trace))
        };
        if !past.iter().any(|&s| needed(s)) {
            redundant |= 1 << option;
        }
    }
    redundant
}

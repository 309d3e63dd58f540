//! Weak-memory outcomes another interleaving already gives. A load that reads a store older
//! than the latest reads past the newer stores `S`; a store placed before others in
//! modification order goes before the stores `S`. If none of `S` happens before (in the
//! trace's dependence order) the access's previous event or another access it conflicts
//! with (for a load, another store of the location; for a store, any other access of the
//! location), the trace that runs `S` and what depends on them after the access is another
//! trace DPOR explores (they race with the access), and there the access reads the same
//! store as the latest, or takes the same place as the last: the option would repeat its
//! execution graph, so DPOR skips it.
//!
//! Not in split explorations (workers, shards): there a race whose earlier event lies above
//! the cut is left to the branches above it, and skipping lost outcomes (the weak
//! differential test's `split_explorations_regression`).
//!
//! Invariant: an option is marked redundant only from the trace prefix before the access,
//! which every option of the node shares; option 0 (the latest store, the last place) never
//! is.

use std::ops::Range;

use super::super::causality::Causality;
use crate::runtime::op::{Event, EventKind};
use crate::runtime::value_choice::SkippedStores;

/// The options (bit `j` for option `j`, below 64) of the load or store in `events` (one step
/// of `trace`, whose causality is processed up to the step) that skip no store the access
/// depends on otherwise.
pub(super) fn redundant_options(
    causality: &Causality,
    trace: &[Event],
    events: Range<usize>,
    skipped: &SkippedStores,
) -> u64 {
    let is_access = |k: &usize| {
        matches!(
            trace[*k].kind,
            EventKind::Load { .. } | EventKind::Store { .. }
        )
    };
    let Some(access) = events.clone().find(is_access) else {
        return 0;
    };
    let load = matches!(trace[access].kind, EventKind::Load { .. });
    let thread = trace[access].thread;
    let previous = (0..access).rev().find(|&k| trace[k].thread == thread);
    let stores: Vec<usize> = skipped.stores.iter().map(|&e| e as usize).collect();
    // A store conflicts with every earlier access of its location.
    let accesses: Vec<usize> = match load {
        true => Vec::new(),
        false => (0..access)
            .filter(|&k| trace[k].object == trace[access].object && trace[k].access().is_some())
            .collect(),
    };
    let mut redundant = 0;
    for (option, &count) in skipped.skipped.iter().enumerate().take(64).skip(1) {
        let (past, other_stores) = stores.split_at(count as usize);
        let others: &[usize] = if load { other_stores } else { &accesses };
        let needed = |s: usize| {
            previous.is_some_and(|p| p == s || causality.happens_after(p, s, trace))
                || (others.iter())
                    .any(|&w| !past.contains(&w) && causality.happens_after(w, s, trace))
        };
        if !past.iter().any(|&s| needed(s)) {
            redundant |= 1 << option;
        }
    }
    redundant
}

//! The sequence that reverses a race, for a wakeup tree: in execution `E`, race `e ⋖ e2`
//! with `e` run at scheduling point `at`, the steps after `at` to the end of `E` that do
//! not happen after `e` (in their order; `notdep(e, E)`), then `e2`'s step. Run from the
//! node before `at`, it reaches `e2` without `e`, so `e2` runs first. All of `E` counts, not
//! only the steps up to `e2`: a thread that commutes with the steps up to `e2` but not with
//! a later one must not be taken to stand for the reversal.
//!
//! Invariant: a step is left out exactly when one of its events happens after an event of
//! `e`'s step, which the sequence runs instead of, or, after `e2`, after an event of `e2`'s
//! step, which the sequence runs last, or after an event of a step left out (then so does
//! every later step of its thread); the racing step is summarised as it will behave before
//! `e` where that is known, else widened (never as doing less than it will:
//! `StepAccesses::reversed`).

use std::ops::Range;

use super::causality::Causality;
use super::step_accesses::MovedBefore;
use super::step_summary::StepSummary;
use super::summaries::{Pos, Summaries};
use crate::runtime::op::Event;
use crate::runtime::thread_keys::ThreadKey;
use crate::runtime::thread_set::ThreadSet;

/// Each step of the current execution: the thread that ran it and its events in the trace.
pub(crate) type Steps = [(usize, Range<usize>)];

/// The buffers of `reversal`, kept by the explorer from one race to the next: races are
/// reversed by the thousand per exploration, and each once allocated its own.
#[derive(Default)]
pub(crate) struct Reversal {
    /// The last reversal computed.
    pub sequence: Vec<Pos>,
    /// For the caller: the threads (key ids) whose first step in the sequence it checks.
    pub threads: Vec<u32>,
    /// The first event of each thread's first step left out, as a point (thread, epoch).
    left_out: Vec<(usize, u32)>,
}

/// Puts the reversal of race (`e`, `e2`) in `out.sequence`. `keys` are the execution's
/// threads' keys. The reversal is given as positions in `summaries.0`, which holds the
/// `StepSummary` of each step from `summaries.1` on (at most `at`) as it ran
/// (`StepSummary::of` without `reversed`), computed once per execution rather than once per
/// race; the racing step's summary as predicted before `e` (`StepAccesses::reversed`) is
/// added to it.
pub(crate) fn reversal(
    out: &mut Reversal,
    causality: &Causality,
    (e, e2): (usize, usize),
    (trace, keys): (&[Event], &[ThreadKey]),
    steps: &Steps,
    summaries: (&mut Summaries, usize),
    sequentially_consistent: bool,
) {
    let at = trace[e].step;
    // The sequence runs instead of `e`'s whole step: a step that happens after an earlier
    // event of it (a child its spawns started, say, when `e` is its last spawn) cannot run
    // without it. Every event of the step happens after its first.
    // Events are taken as points (thread, epoch) that a later event's clock covers or not.
    let step_start = causality.point(steps[at].1.start, trace);
    let last = trace[e2].step;
    // Likewise, the racing step runs last in the sequence and whole: a later step that
    // happens after an event of it before `e2` (a lock that waited for its unlock, when
    // `e2` is a spawn after that unlock) cannot run before it.
    let racing_start = causality.point(steps[last].1.start, trace);
    let mut after_e = ThreadSet::default();
    // The first event of each thread's first step left out: a step that happens after an
    // event of a step left out cannot run without it either (a lock that waits for the
    // unlock of a step left out for its spawn, say).
    let Reversal {
        sequence: v,
        left_out,
        ..
    } = out;
    v.clear();
    left_out.clear();
    for (s, (thread, events)) in steps.iter().enumerate().skip(at + 1) {
        if s == last || after_e.contains(*thread) {
            continue;
        }
        let follows = events.clone().last().is_some_and(|k| {
            let clock = causality.clock(k);
            let after = |&(thread, epoch): &(usize, u32)| clock.covers(thread, epoch);
            after(&step_start) || (s > last && after(&racing_start)) || left_out.iter().any(after)
        });
        if follows {
            after_e.insert(*thread);
            left_out.push(causality.point(events.start, trace));
        } else {
            v.push(Pos::try_from(s - summaries.1).expect("fewer than 2^32 steps"));
        }
    }
    let (thread, events) = &steps[last];
    let moved = MovedBefore::new(&trace[e], sequentially_consistent);
    v.push(summaries.0.push(StepSummary::of(
        &|t| keys[t],
        *thread,
        &trace[events.clone()],
        Some(moved),
    )));
}

//! Bounded search without repeats: under a preemption bound, a node whose state was already
//! explored with as few preemptions is not explored again (state caching on Mazurkiewicz
//! traces).
//!
//! Race-directed reduction is unsound under a bound: two orders of independent steps can
//! differ in preemptions, so the only in-bound run of a trace may need an order that no
//! race points to (a thread that runs into a held lock frees the switch after it; weft's
//! differential test found such a trace missed with conservative backtrack points). So the
//! bounded search tries every allowed thread at every node, and cuts what it has seen:
//! equivalent prefixes (the same trace, so the same program state) with the same threads
//! yielded have the same continuations. Only their cost differs: a continuation costs the
//! same from both, except that its first switch is a preemption only away from a thread
//! that could go on. So a visit with `u` preemptions covers a later one with `u'` when
//! `u + 1 <= u'`, and when `u <= u'` and either nothing could be preempted at the first
//! visit or the same thread can be at the later one (`Visits::cover`).
//!
//! A prefix is identified by a 128-bit fingerprint: the wrapping sum of one hash per step
//! (thread, value choice, and each event's clock in the trace's dependence order, which
//! names the event and its causal past). The sum does not depend on the order of the
//! steps, so every linearization of a trace has the same fingerprint.
//!
//! A repeat is usually known before it runs: the step a thread takes from a state depends
//! on the state alone, so once a thread's step from some prefix has run, its effect
//! (`Effect`) is kept, and an equivalent prefix's child through that thread is skipped when
//! the state it would reach is covered (`predicts_seen`). A step known from an earlier
//! node of the execution stands for the thread's step here too when every step since
//! commutes with it (as a sleep set would have it), asking for the strictest cover. A repeat found only after its
//! step ends its run (`seen_before`), which the runner finishes without the explorer; so
//! does a fresh node whose every allowed thread is known to lead to covered states.
//!
//! Invariant: `seen` holds every visit of a fresh node below the cut in this exploration
//! (or unit); the subtree below a visit is explored depth-first before any visit it covers
//! is cut, since a prefix is never its own ancestor (they differ in length). Above the cut
//! nothing is cut or skipped, so that units depend on their prefix alone.

use std::hash::{Hash, Hasher};
use std::ops::Range;

use crate::explore::causality::Causality;
use crate::explore::fingerprint::{fingerprint, FingerprintMap};
use crate::explore::step_summary::StepSummary;
use crate::explore::step_table::{StepId, StepTable};
use crate::explore::Turn;
use crate::runtime::execution::Execution;
use crate::runtime::op::{AccessKind, Event, EventKind, ThreadId};
use crate::runtime::thread_keys::ThreadKey;
use crate::runtime::thread_set::ThreadSet;

/// What a thread's step from a state did, as far as the next node's key and cost go.
/// Kept only for steps that start with no thread yielded and have a single value choice,
/// and place no store (`add_step`).
struct Effect {
    step: u128,
    /// What the step touched, to tell which later steps it commutes with: an id in
    /// `Repeats::table` (a bounded search keeps an effect per state and thread it has
    /// seen, hundreds of thousands of them, and a program has few distinct steps).
    summary: StepId,
    /// The thread a switch at the next node would preempt.
    preemptible: Option<ThreadId>,
    yielded: Vec<ThreadId>,
}

/// The visits of one state: the fewest preemptions it was reached with, over all visits
/// (`any`), over those where no thread could be preempted (`free`), and per thread that
/// could (`by`).
struct Visits {
    any: usize,
    free: usize,
    by: Vec<(ThreadId, usize)>,
}

impl Visits {
    fn new() -> Visits {
        Visits {
            any: usize::MAX,
            free: usize::MAX,
            by: Vec::new(),
        }
    }

    /// Whether these visits explored every continuation in bound of a visit with
    /// `preemptions` where switching away from `preemptible` is a preemption.
    fn cover(&self, preemptible: Option<ThreadId>, preemptions: usize) -> bool {
        let same = preemptible.and_then(|p| self.by.iter().find(|&&(t, _)| t == p));
        self.any < preemptions
            || self.free <= preemptions
            || same.is_some_and(|&(_, fewest)| fewest <= preemptions)
    }

    fn add(&mut self, preemptible: Option<ThreadId>, preemptions: usize) {
        self.any = self.any.min(preemptions);
        match preemptible {
            None => self.free = self.free.min(preemptions),
            Some(p) => match self.by.iter_mut().find(|(t, _)| *t == p) {
                Some((_, fewest)) => *fewest = (*fewest).min(preemptions),
                None => self.by.push((p, preemptions)),
            },
        }
    }
}

/// The step that ran last, until the next node tells its effect.
struct LastStep {
    prefix: u128,
    thread: ThreadId,
    step: u128,
    summary: StepSummary,
}

#[derive(Default)]
pub(super) struct Repeats {
    /// The fingerprint of the current execution's prefix.
    trace: u128,
    /// Each node of the current execution: the fingerprint of the prefix before it, and
    /// whether no thread had yielded there.
    prefixes: Vec<(u128, bool)>,
    /// Each step of the current execution: its thread, and it summarised.
    steps: Vec<(ThreadId, StepSummary)>,
    last: Option<LastStep>,
    effects: FingerprintMap<(u128, ThreadId), Effect>,
    /// The distinct summaries of the effects' steps.
    table: StepTable,
    seen: FingerprintMap<u128, Visits>,
}

/// The dependence-order clocks of a step's events, hashed without collecting them (a clock's
/// trailing zeros left out: clocks of different lengths can mean the same).
///
/// Stores that choose their place in modification order commute (`AccessKind::Placed`),
/// but their value choices name places among the stores already there, so the same
/// choices in another order of the two reach another modification order. Each store
/// therefore also hashes how many stores its location held when it ran: the order their
/// clocks no longer give.
struct Clocks<'a>(&'a Causality, Range<usize>, &'a [Event]);

impl Hash for Clocks<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for e in self.1.clone() {
            let clock = self.0.clock(e).as_slice();
            let significant = clock.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
            clock[..significant].hash(state);
            if let EventKind::Store { stores_before, .. } = self.2[e].kind {
                stores_before.hash(state);
            }
        }
    }
}

/// The key of a state: its prefix's fingerprint and the threads that yielded.
fn key(trace: u128, yielded: &[ThreadId]) -> u128 {
    fingerprint((trace, yielded))
}

/// The thread a switch after `turn` preempts, if any.
fn preemptible(turn: Turn, schedulable: &ThreadSet) -> Option<ThreadId> {
    turn.preemptible.filter(|&p| schedulable.contains(p))
}

fn yielded(execution: &Execution) -> Vec<ThreadId> {
    (0..execution.threads.len())
        .filter(|&t| execution.threads[t].yielded)
        .collect()
}

impl Repeats {
    /// Forgets every state (a new exploration, or a new unit: the current execution's
    /// prefix stays).
    pub(super) fn forget_states(&mut self) {
        self.effects.clear();
        self.table.clear();
        self.seen.clear();
    }

    /// A new execution starts from the empty prefix.
    pub(super) fn begin_execution(&mut self) {
        self.trace = 0;
        self.prefixes.clear();
        self.steps.clear();
        self.last = None;
    }

    /// The node of scheduling point `step` is reached (replayed or fresh), after `turn`.
    pub(super) fn enter(
        &mut self,
        step: usize,
        execution: &Execution,
        turn: Turn,
        schedulable: &ThreadSet,
    ) {
        debug_assert_eq!(step, self.prefixes.len(), "nodes are entered in order");
        let yielded = yielded(execution);
        if let Some(last) = self.last.take() {
            let effect = Effect {
                step: last.step,
                summary: self.table.intern(last.summary),
                preemptible: preemptible(turn, schedulable),
                yielded: yielded.clone(),
            };
            self.effects.insert((last.prefix, last.thread), effect);
        }
        self.prefixes.push((self.trace, yielded.is_empty()));
    }

    /// Adds the step of `thread` at node `step`, with value choice `value` of `values`,
    /// whose events are `events` of `trace`, once `causality` has processed them.
    pub(super) fn add_step(
        &mut self,
        (step, thread): (usize, ThreadId),
        (value, values): (u32, u32),
        (events, trace): (Range<usize>, &[Event]),
        (causality, keys): (&Causality, &dyn Fn(ThreadId) -> ThreadKey),
    ) {
        let clocks = Clocks(causality, events.clone(), trace);
        let hash = fingerprint((thread, value, clocks));
        let summary = StepSummary::of(keys, thread, &trace[events.clone()], None);
        self.steps.push((thread, summary));
        let (prefix, quiet) = self.prefixes[step];
        // A placed store's hash depends on the stores before it (`Clocks`), which a step
        // it commutes with may change: its effect is not kept to stand for it elsewhere.
        let placed = (trace[events].iter())
            .any(|e| e.access().is_some_and(|a| a.kind == AccessKind::Placed));
        self.last = (quiet && values == 1 && !placed).then_some(LastStep {
            prefix,
            thread,
            step: hash,
            summary,
        });
        self.trace = self.trace.wrapping_add(hash);
    }

    /// Whether the state the current prefix reached, after `turn`, was explored so that it
    /// covers this visit with `preemptions`; if not, records this visit.
    pub(super) fn seen_before(
        &mut self,
        execution: &Execution,
        (turn, schedulable): (Turn, &ThreadSet),
        preemptions: usize,
    ) -> bool {
        let key = key(self.trace, &yielded(execution));
        let preemptible = preemptible(turn, schedulable);
        let visits = self.seen.entry(key).or_insert_with(Visits::new);
        if visits.cover(preemptible, preemptions) {
            return true;
        }
        visits.add(preemptible, preemptions);
        false
    }

    /// Whether running `thread` at node `step` of the last execution is known to reach a
    /// state explored so that it covers `preemptions` (those after that step).
    ///
    /// The thread's step is known from this prefix, or from an earlier node of the
    /// execution when every step since commutes with it: it then touches the same objects
    /// with the same causal past, so it adds the same hash. Whether the thread could go on
    /// after it may differ, so such a prediction asks for the strictest cover (as if no
    /// thread could be preempted).
    pub(super) fn predicts_seen(&self, step: usize, thread: ThreadId, preemptions: usize) -> bool {
        let Some(&(prefix, true)) = self.prefixes.get(step) else {
            return false;
        };
        let covered = |effect: &Effect, preemptible| {
            let key = key(prefix.wrapping_add(effect.step), &effect.yielded);
            (self.seen.get(&key)).is_some_and(|v| v.cover(preemptible, preemptions))
        };
        if let Some(effect) = self.effects.get(&(prefix, thread)) {
            return covered(effect, effect.preemptible);
        }
        for earlier in (step.saturating_sub(TRANSFER)..step).rev() {
            if self.steps[earlier].0 == thread || !self.prefixes[earlier].1 {
                return false;
            }
            let Some(effect) = self.effects.get(&(self.prefixes[earlier].0, thread)) else {
                continue;
            };
            let summary = self.table.get(effect.summary);
            let commutes = self.steps[earlier..step]
                .iter()
                .all(|(_, later)| !later.precedes(summary) && !summary.precedes(later));
            return commutes && covered(effect, None);
        }
        false
    }
}

/// How many steps back a thread's known step is looked for.
const TRANSFER: usize = 8;

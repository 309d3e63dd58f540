//! A bounded exploration raced against an unbounded one.
//!
//! The bounded search (`Builder::preemption_bound`) visits every state an interleaving
//! within the bound reaches, and cuts the runs that reach one already explored. Its cost
//! grows with the number of such states, not with the number of traces: with many
//! independent threads it runs orders of magnitude more than optimal DPOR needs for the
//! whole space (readers(8) with bound 1: 256 executions and 127,643 cut runs, against 256
//! executions unbounded). So, unless `Builder::strict_bound` asks for the bound alone, an
//! unbounded DPOR exploration runs alongside it, one of its runs for every
//! `BOUNDED_PER_UNBOUNDED` of the bounded search's, and whichever ends first decides.
//!
//! Invariant: the result is what the bounded search alone would conclude. A failure is
//! only ever reported from the bounded search, so its interleaving is within the bound;
//! the unbounded exploration can only end the run with a pass, which it may: it ran a
//! representative of every trace (every value choice, every deadlock) without a failure,
//! so no interleaving, within the bound or not, fails. Once one of its executions fails it
//! stops, since it can no longer prove anything, and the bounded search goes on alone.

use std::time::Instant;

use super::{Ended, Outcome, Runner};
use crate::explore::dpor::Dpor;
use crate::explore::Explorer;
use crate::failure::Stats;

/// Runs of the bounded search per run of the unbounded exploration: where the bound pays,
/// the race costs it a third more runs; where it does not, the unbounded exploration
/// finishes after at most three times its own runs.
const BOUNDED_PER_UNBOUNDED: u64 = 2;

impl Runner<'_> {
    /// Runs `bounded`, a bounded search, and an unbounded exploration in turn until one of
    /// them ends (see the module docs), a limit is reached, or the bounded search fails;
    /// `tick` sees the counters of both together after each execution and says whether to
    /// go on.
    pub(crate) fn run_racing(
        &mut self,
        bounded: &mut dyn Explorer,
        tick: &mut dyn FnMut(&Stats) -> bool,
    ) -> Ended {
        let builder = self.builder;
        let started = Instant::now();
        let mut unbounded = Some(Dpor::new(None));
        // Runs of each side, for the turns.
        let (mut bounded_runs, mut unbounded_runs) = (0u64, 0u64);
        let mut stats = Stats::default();
        let mut failure = None;
        loop {
            let number = stats.executions + stats.blocked + 1;
            let turn = unbounded
                .as_mut()
                .filter(|_| unbounded_runs * BOUNDED_PER_UNBOUNDED <= bounded_runs);
            let is_bounded = turn.is_none();
            let (explorer, runs): (&mut dyn Explorer, _) = match turn {
                Some(unbounded) => (unbounded.as_mut(), &mut unbounded_runs),
                None => (&mut *bounded, &mut bounded_runs),
            };
            *runs += 1;
            match self.run_execution(explorer, number) {
                Outcome::Complete => stats.executions += 1,
                Outcome::Blocked => stats.blocked += 1,
                Outcome::Skipped => {}
                Outcome::Failed(found) if is_bounded => {
                    failure = Some((found, number));
                    break;
                }
                Outcome::Failed(_) => {
                    // Counted: the run happened, and limits count runs.
                    stats.executions += 1;
                    if let Some(stopped) = unbounded.take() {
                        stopped.recycle();
                    }
                }
            }
            stats.max_steps = self.steps;
            let go_on = tick(&stats);
            let ended = match &mut unbounded {
                _ if is_bounded => !bounded.next_execution(),
                Some(unbounded) => !unbounded.next_execution(),
                None => false,
            };
            if ended {
                // The bounded search explored its space, or the unbounded exploration
                // explored every trace without a failure.
                stats.complete = true;
                break;
            }
            let out_of_runs = builder
                .max_executions
                .is_some_and(|n| stats.executions + stats.blocked >= n);
            let out_of_time = builder.max_duration.is_some_and(|d| started.elapsed() >= d);
            if out_of_runs || out_of_time || !go_on {
                break;
            }
        }
        if let Some(unbounded) = unbounded {
            unbounded.recycle();
        }
        stats.max_steps = self.steps;
        Ended { stats, failure }
    }
}

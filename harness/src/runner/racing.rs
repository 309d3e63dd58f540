//! A bounded exploration raced against an unbounded one.
//!
//! The bounded search (`Builder::preemption_bound`) visits every state an interleaving
//! within the bound reaches, and cuts the runs that reach one already explored. Its cost
//! grows with the number of such states, not with the number of traces: with many
//! independent threads it runs orders of magnitude more than optimal DPOR needs for the
//! whole space (readers(8) with bound 1: 256 executions and 127,643 cut runs, against 256
//! executions unbounded). So, unless `Builder::strict_bound` asks for the bound alone, an
//! unbounded DPOR exploration runs alongside it, one of its runs for every
//! `BOUNDED_PER_UNBOUNDED` of the bounded search's, and whichever ends first decides. On a
//! machine with several cores, unless `jobs(1)` keeps it on one thread, a race that
//! outgrows `PARALLEL_AFTER` runs hands the unbounded exploration to a thread of its own,
//! and the two go on at once (before that, a second thread would cost small explorations
//! more than it saves: its coroutine stacks are mapped afresh every time).
//!
//! Invariant: the result is what the bounded search alone would conclude. A failure is
//! only ever reported from the bounded search, so its interleaving is within the bound;
//! the unbounded exploration can only end the run with a pass, which it may: it ran a
//! representative of every trace (every value choice, every deadlock) without a failure,
//! so no interleaving, within the bound or not, fails. Once one of its executions fails it
//! stops, since it can no longer prove anything, and the bounded search goes on alone.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use super::{limit_reached, Ended, Outcome, Runner, SPLIT_AFTER};
use crate::config::Builder;
use crate::explore::dpor::Dpor;
use crate::explore::Explorer;
use crate::failure::Stats;
use crate::worker_pool;

/// Runs of the bounded search per run of the unbounded exploration while they take turns:
/// where the bound pays, the race costs it half as many runs again; where it does not, the
/// unbounded exploration finishes after at most three times its own runs.
const BOUNDED_PER_UNBOUNDED: u64 = 2;

/// Runs after which the two sides go on on two threads at once (see the module docs): as
/// many as an unbounded exploration runs before it is split across the cores.
const PARALLEL_AFTER: u64 = SPLIT_AFTER;

/// Whether an exhaustive exploration with `builder` is a race: it has a preemption bound,
/// not `strict_bound`, and neither a shard nor a checkpoint, which need the split. More
/// workers (`jobs(n)`, `n > 1`) do not split a race: split, a bounded search cuts only the
/// repeats within each unit and runs more than on one worker (README, "Preemption
/// bounding"); they let it go on on two threads instead.
pub(super) fn races(builder: &Builder) -> bool {
    let split_only = builder.shard.is_some() || builder.checkpoint.is_some();
    builder.preemption_bound.is_some() && !builder.strict_bound && !split_only
}

/// Whether a long race goes on on two threads: more than one worker is allowed (`jobs(1)`
/// keeps everything on the calling thread), operations are not logged, and the machine
/// has several cores.
fn may_go_parallel(builder: &Builder) -> bool {
    builder.jobs != Some(1) && !builder.log && crate::config::cores() > 1
}

impl Runner<'_> {
    /// Runs `bounded`, a bounded search, and an unbounded exploration until one of them
    /// ends (see the module docs), a limit is reached, or the bounded search fails; `tick`
    /// sees the counters of both together after each execution and says whether to go on.
    pub(crate) fn run_racing(
        &mut self,
        bounded: &mut dyn Explorer,
        tick: &mut dyn FnMut(&Stats) -> bool,
    ) -> Ended {
        let builder = self.builder;
        let started = Instant::now();
        let go_parallel = may_go_parallel(builder);
        let mut unbounded = Some(Dpor::new(None));
        if let Some(dpor) = &mut unbounded {
            dpor.limit_wakeup_memory(builder.wakeup_memory);
        }
        // Runs of each side, for the turns.
        let (mut bounded_runs, mut unbounded_runs) = (0u64, 0u64);
        let mut stats = Stats::default();
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
                    stats.max_steps = self.steps;
                    let failure = Some((found, number));
                    return Ended { stats, failure };
                }
                Outcome::Failed(_) => {
                    // Counted: the run happened, and limits count runs.
                    stats.executions += 1;
                    unbounded = None;
                }
            }
            stats.max_steps = self.steps;
            let go_on = tick(&stats);
            let ended = match &mut unbounded {
                _ if is_bounded => !bounded.next_execution(),
                Some(unbounded) => !unbounded.next_execution(),
                None => false,
            };
            if let Some(unbounded) = &unbounded {
                // Only the unbounded exploration keeps wakeup trees.
                let memory = unbounded.wakeup_memory();
                stats.wakeup_bytes = memory.peak_bytes;
                stats.wakeup_over_budget = memory.over_budget;
            }
            if ended {
                // The bounded search explored its space, or the unbounded exploration
                // explored every trace without a failure.
                stats.complete = true;
                return Ended {
                    stats,
                    failure: None,
                };
            }
            if !go_on || limit_reached(builder, stats.executions + stats.blocked, started) {
                return Ended {
                    stats,
                    failure: None,
                };
            }
            if go_parallel && stats.executions + stats.blocked >= PARALLEL_AFTER {
                if let Some(unbounded) = unbounded.take() {
                    let resumed = (stats.executions + stats.blocked, started);
                    return self.race_in_parallel(bounded, unbounded, (stats, resumed), tick);
                }
            }
        }
    }

    /// Goes on with the race of `run_racing` (which counted `before`, its runs and start
    /// in `resumed`) on two threads: the unbounded exploration on a helper thread with a
    /// runner of its own, the bounded search on this one; the first to finish stops the
    /// other. The counters `tick` sees are the bounded search's and `before`. Each side
    /// numbers its executions, and counts its runs towards the limits, from `before` on.
    fn race_in_parallel(
        &mut self,
        bounded: &mut dyn Explorer,
        mut unbounded: Box<Dpor>,
        (before, resumed): (Stats, (u64, Instant)),
        tick: &mut dyn FnMut(&Stats) -> bool,
    ) -> Ended {
        let proved = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let (builder, model, site) = (self.builder.clone(), self.model.clone(), self.site);
        let add = |mut stats: Stats, more: &Stats| {
            stats.executions += more.executions;
            stats.blocked += more.blocked;
            stats.max_steps = stats.max_steps.max(more.max_steps);
            stats.wakeup_bytes = stats.wakeup_bytes.max(more.wakeup_bytes);
            stats.wakeup_over_budget |= more.wakeup_over_budget;
            stats
        };
        // On a kept helper thread (`worker_pool`), with a runner of its own.
        let other = {
            let (proved, stop) = (proved.clone(), stop.clone());
            worker_pool::run(move || {
                let mut runner = Runner::new(&builder, model, site);
                runner.resumed = Some(resumed);
                let ended =
                    runner.run_all(unbounded.as_mut(), &mut |_| !stop.load(Ordering::Relaxed));
                if ended.failure.is_none() && ended.stats.complete {
                    proved.store(true, Ordering::Relaxed);
                }
                runner.keep_stacks();
                unbounded.keep();
                // A failing run counts, as when the two take turns.
                let mut stats = ended.stats;
                stats.executions += u64::from(ended.failure.is_some());
                stats
            })
        };
        self.resumed = Some(resumed);
        let mut ended = self.run_all(bounded, &mut |stats| {
            tick(&add(stats.clone(), &before)) && !proved.load(Ordering::Relaxed)
        });
        self.resumed = None;
        stop.store(true, Ordering::Relaxed);
        let other = other.join();
        let complete = ended.stats.complete;
        ended.stats = add(add(ended.stats, &before), &other);
        ended.stats.complete =
            ended.failure.is_none() && (complete || proved.load(Ordering::Relaxed));
        ended
    }
}

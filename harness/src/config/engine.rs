//! What an exploration reads from a `Builder` beyond its fields: the workers, whether it is
//! split, and the strategy in force once the environment's overrides apply. Only the engine
//! explores, so this module exists only with it.
//!
//! Invariant: every answer depends on the builder and on what the process read once (the
//! `WEFT_*` variables, the number of cores), never on when it is asked.

use super::env::Var;
use super::{Builder, Strategy};

impl Builder {
    /// The workers an exhaustive exploration gets: left to weft, one per core for a shard
    /// or a checkpoint, which split the exploration from its start anyway, else one (until
    /// the exploration outgrows 2,000 runs: see `may_split_later`).
    pub(crate) fn effective_jobs(&self) -> usize {
        match self.jobs {
            None if self.shard.is_some() || self.checkpoint.is_some() => cores(),
            None => 1,
            Some(0) => cores(),
            Some(n) => n,
        }
    }

    /// Whether an exhaustive exploration that outgrows a few thousand runs on one worker
    /// starts over split across the cores: the number of workers was left to weft
    /// (`WEFT_JOBS` unset), nothing else splits it, the machine has more than one core,
    /// operations are not being logged (a log from several threads at once is unreadable),
    /// and there is no preemption bound (a bounded search cuts the states it has seen, and
    /// split into units it cuts far fewer: see `explore/dpor/repeats.rs`).
    pub(crate) fn may_split_later(&self) -> bool {
        let bounded = self.preemption_bound.is_some();
        self.jobs.is_none() && !self.splits() && !self.log && !bounded && cores() > 1
    }

    /// Whether an exhaustive exploration is split into units from its start (see
    /// `Builder::jobs`): more than one worker asked for, a shard, or a checkpoint.
    pub(crate) fn splits(&self) -> bool {
        self.effective_jobs() > 1 || self.shard.is_some() || self.checkpoint.is_some()
    }

    /// The strategy in force: `WEFT_REPLAY` when set, else the configured one with its seed
    /// replaced by `WEFT_SEED` when that is set.
    pub(crate) fn effective_strategy(&self) -> Strategy {
        if let Some(s) = Var::Replay.value().and_then(|s| s.to_str()) {
            if !s.trim().is_empty() {
                return Strategy::Replay(s.trim().to_string());
            }
        }
        let mut strategy = self.strategy.clone();
        if let (Some(new), Strategy::Random { seed, .. } | Strategy::Pct { seed, .. }) =
            (self.seed, &mut strategy)
        {
            *seed = new;
        }
        strategy
    }
}

/// The machine's cores (`std::thread::available_parallelism`), asked once per process: the
/// question reads cgroup files, too slow to ask per exploration.
pub(crate) fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES
        .get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
}

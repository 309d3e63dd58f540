//! Random walk: at every scheduling point, run one of the schedulable threads chosen
//! uniformly at random; repeat for a fixed number of executions.
//!
//! The cheapest sampler, and a fair one for bugs that many interleavings show. It is poor at
//! bugs that need one thread to run a long stretch undisturbed and then be preempted at one
//! exact point: each extra step it must survive halves (or worse) the chance. PCT (`pct`) is
//! the sampler for those.
//!
//! Invariant: execution `i` of a search with seed `s` makes its choices from a generator that
//! depends only on `(s, i)`, so a seed reproduces the whole search and every failing
//! execution also has an exact schedule string.

use super::rng::Rng;
use super::{Decision, Explorer, Turn};
use crate::runtime::execution::Execution;
use crate::runtime::thread_set::ThreadSet;
use crate::runtime::value_choice::Requested;

pub(crate) struct RandomWalk {
    seed: u64,
    executions: u64,
    /// 0-based number of the execution that runs now.
    run: u64,
    rng: Rng,
}

impl RandomWalk {
    pub(crate) fn new(seed: u64, executions: u64) -> RandomWalk {
        RandomWalk {
            seed,
            executions,
            run: 0,
            rng: Rng::for_execution(seed, 0),
        }
    }
}

impl Explorer for RandomWalk {
    fn begin_execution(&mut self) {
        self.rng = Rng::for_execution(self.seed, self.run);
    }

    fn choose(
        &mut self,
        _execution: &Execution,
        _step: usize,
        _turn: Turn,
        schedulable: &ThreadSet,
    ) -> Decision {
        let count = schedulable.len();
        let pick = if count == 1 { 0 } else { self.rng.index(count) };
        match schedulable.iter().nth(pick) {
            Some(thread) => Decision::Run(thread),
            None => Decision::Diverged("no schedulable thread to pick".to_string()),
        }
    }

    fn alternative(&mut self, step: usize) -> Requested {
        Requested::Any(Rng::value_choice(self.seed, self.run, step))
    }

    fn next_execution(&mut self) -> bool {
        self.run += 1;
        self.run < self.executions
    }

    fn exhaustive(&self) -> bool {
        false
    }

    fn describe_execution(&self) -> Option<String> {
        Some(format!(
            "strategy: random walk, seed {}, execution {} of {} (WEFT_SEED={} repeats this search)",
            self.seed,
            self.run + 1,
            self.executions,
            self.seed
        ))
    }
}

//! `Builder` values and the `WEFT_*` environment.
//!
//! Invariant: `Builder::new()` applies the defaults, then every `WEFT_*` variable that was set
//! when the process first read them (see `env`);
//! builder methods called afterwards override both. Two variables are exceptions, because a
//! user sets them on the command line to repeat what a report printed: `WEFT_REPLAY`, when
//! set, wins over any strategy (exactly that schedule runs), and `WEFT_SEED`, when set,
//! replaces the seed of a `Random` or `Pct` strategy chosen in code (other strategies ignore
//! it). A malformed variable is reported with its name and value, never silently ignored.

use std::path::PathBuf;
use std::time::Duration;

use crate::failure::{Failure, Stats};

#[cfg(feature = "engine")]
mod engine;
pub(crate) mod env;

#[cfg(feature = "engine")]
pub(crate) use engine::cores;

use env::{env_parsed, parse_bytes, parse_duration, parse_number, parse_shard, parse_switch, Var};

/// How the scheduler picks the executions to run.
///
/// `Stats::complete` is true only when the strategy covered its whole space: DPOR after every
/// interleaving (within the preemption bound), `Replay` after its one schedule. The samplers
/// (`Random`, `Pct`, `Bytes`) never set it, even when they ran every execution they were
/// asked for: a passing sample proves nothing about the executions it did not draw. A sampler
/// that was not cut short by `max_executions` or `max_duration` reports exactly its
/// `executions` in `Stats::executions`.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Exhaustive exploration with dynamic partial-order reduction (the default).
    Dpor,
    /// `executions` runs, each choosing uniformly at random among the schedulable threads at
    /// every scheduling point. The same seed gives the same runs; `WEFT_SEED` overrides it.
    Random {
        /// Seeds the generator; run `i` depends only on the seed and `i`.
        seed: u64,
        /// How many executions to run (0 runs none).
        executions: u64,
    },
    /// Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): each run gives
    /// the threads random distinct priorities, always runs the highest-priority schedulable
    /// thread, and lowers the running thread's priority at `depth - 1` random steps.
    ///
    /// For a program of `n` threads and `k` steps, each run finds a given bug of depth `d`
    /// (one that needs `d` ordering constraints; a lost update has depth 2) with probability
    /// at least `1 / (n * k^(d-1))` when `depth >= d`. `k` is estimated as the longest
    /// execution seen so far in the search, so the first run has no change points and the
    /// bound holds from the second on. The same seed gives the same runs; `WEFT_SEED`
    /// overrides it.
    Pct {
        /// Seeds the generator.
        seed: u64,
        /// The bug depth to target: `depth - 1` priority change points per run (0 acts as 1).
        depth: usize,
        /// How many executions to run (0 runs none).
        executions: u64,
    },
    /// Re-run exactly one execution from the schedule string a report printed.
    Replay(String),
    /// One execution whose choices come from these bytes (a fuzzer's input). At each
    /// scheduling point with `m >= 2` schedulable threads, list them in cyclic id order from
    /// the thread that ran last (it first, when it can still run); the next byte `b` picks
    /// entry `b % m`. Missing bytes read as 0, so any input, of any length, is one valid,
    /// reproducible execution, and each nonzero byte is one context switch.
    Bytes(Vec<u8>),
}

/// Scheduling points one execution may take before it is a livelock.
pub const DEFAULT_MAX_STEPS: usize = 20_000;
/// Bytes the wakeup trees of an exhaustive exploration may take, all workers together,
/// before it goes on as source-DPOR (see `Builder::wakeup_memory`).
pub const DEFAULT_WAKEUP_MEMORY: usize = 1 << 30;
/// Bytes of stack each model thread gets (reserved lazily by the OS).
pub const DEFAULT_STACK_SIZE: usize = 1 << 20;
/// The least stack a model thread may get: weft's own frames (a scheduling point, the panic
/// hook) take a few KiB, and a 4 KiB stack overflowed before the model ran.
pub const MIN_STACK_SIZE: usize = 16 << 10;

/// Configures and runs an exploration of a model.
#[derive(Clone, Debug)]
pub struct Builder {
    pub(crate) preemption_bound: Option<usize>,
    /// Only the bounded search, without the unbounded exploration alongside.
    #[cfg_attr(not(feature = "engine"), allow(dead_code))]
    pub(crate) strict_bound: bool,
    pub(crate) max_executions: Option<u64>,
    pub(crate) max_steps: usize,
    pub(crate) max_duration: Option<Duration>,
    pub(crate) strategy: Strategy,
    pub(crate) stack_size: usize,
    pub(crate) log: bool,
    pub(crate) trace_file: Option<PathBuf>,
    pub(crate) progress: bool,
    pub(crate) spurious_wakeups: bool,
    /// Worker threads of an exhaustive exploration; `None`: one, without the split; `0`:
    /// one per core.
    #[cfg_attr(not(feature = "engine"), allow(dead_code))]
    pub(crate) jobs: Option<usize>,
    /// `(k, n)`: explore only shard `k` of `n`.
    #[cfg_attr(not(feature = "engine"), allow(dead_code))]
    pub(crate) shard: Option<(u32, u32)>,
    #[cfg_attr(not(feature = "engine"), allow(dead_code))]
    pub(crate) checkpoint: Option<PathBuf>,
    /// `WEFT_SPLIT_DEPTH`: where a split exploration's cut lies (see `explore::split`).
    #[cfg_attr(not(feature = "engine"), allow(dead_code))]
    pub(crate) split_depth: Option<usize>,
    /// Objects (a bit per key modulo 64) a split exploration takes for uncontended above
    /// its cut, whatever its probe execution saw (`Builder::split_quiet`).
    #[cfg_attr(not(feature = "engine"), allow(dead_code))]
    pub(crate) split_quiet: u64,
    /// `WEFT_SEED`: replaces the seed of a `Random` or `Pct` strategy (read, and checked,
    /// in both modes; only the engine samples).
    #[cfg_attr(not(feature = "engine"), allow(dead_code))]
    pub(crate) seed: Option<u64>,
    /// `WEFT_WAKEUP_MEMORY`: the bytes the wakeup trees may take, all workers together
    /// (`Builder::wakeup_memory`).
    #[cfg_attr(not(feature = "engine"), allow(dead_code))]
    pub(crate) wakeup_memory: usize,
    /// `Builder::count_graphs`.
    #[cfg_attr(not(feature = "engine"), allow(dead_code))]
    pub(crate) count_graphs: bool,
    /// Where the workers of an exploration that counts its graphs record them (set when
    /// the exploration starts).
    #[cfg(feature = "engine")]
    pub(crate) graph_count: Option<crate::observe::graph_count::GraphCount>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// Defaults, then the `WEFT_*` environment (see README: "Configuration").
    ///
    /// # Panics
    /// When a `WEFT_*` variable is set to a value that does not parse; the message names it.
    pub fn new() -> Builder {
        let mut builder = Builder {
            preemption_bound: None,
            strict_bound: false,
            max_executions: None,
            max_steps: DEFAULT_MAX_STEPS,
            max_duration: None,
            strategy: Strategy::Dpor,
            stack_size: DEFAULT_STACK_SIZE,
            log: false,
            trace_file: None,
            progress: true,
            spurious_wakeups: false,
            jobs: None,
            shard: None,
            checkpoint: None,
            split_depth: env_parsed(Var::SplitDepth, parse_number).map(|n| n as usize),
            split_quiet: 0,
            seed: env_parsed(Var::Seed, parse_number),
            wakeup_memory: env_parsed(Var::WakeupMemory, parse_bytes)
                .unwrap_or(DEFAULT_WAKEUP_MEMORY),
            count_graphs: env_parsed(Var::CountGraphs, parse_switch).unwrap_or(false),
            #[cfg(feature = "engine")]
            graph_count: None,
        };
        if let Some(n) = env_parsed(Var::Jobs, parse_number) {
            builder.jobs = Some(n as usize);
        }
        if let Some(shard) = env_parsed(Var::Shard, parse_shard) {
            builder.shard = Some(shard);
        }
        if let Some(path) = Var::Checkpoint.value().filter(|p| !p.is_empty()) {
            builder.checkpoint = Some(PathBuf::from(path));
        }
        if let Some(n) = env_parsed(Var::MaxPreemptions, parse_number) {
            builder.preemption_bound = Some(n as usize);
        }
        if let Some(on) = env_parsed(Var::StrictBound, parse_switch) {
            builder.strict_bound = on;
        }
        if let Some(n) = env_parsed(Var::MaxExecutions, parse_number) {
            builder.max_executions = Some(n);
        }
        if let Some(n) = env_parsed(Var::MaxSteps, parse_number) {
            builder.max_steps = n as usize;
        }
        if let Some(d) = env_parsed(Var::MaxDuration, parse_duration) {
            builder.max_duration = Some(d);
        }
        if let Some(on) = env_parsed(Var::Log, parse_switch) {
            builder.log = on;
        }
        if let Some(on) = env_parsed(Var::Progress, parse_switch) {
            builder.progress = on;
        }
        if let Some(path) = Var::TraceFile.value().filter(|p| !p.is_empty()) {
            builder.trace_file = Some(PathBuf::from(path));
        }
        builder
    }

    /// Log every operation of every execution as `tracing` events (target `weft`); printed
    /// to the test output when the program has no subscriber of its own. `WEFT_LOG=1`.
    pub fn log(mut self, on: bool) -> Self {
        self.log = on;
        self
    }

    /// Write the failing execution (if any) to `path` as a Chrome trace-event JSON file,
    /// which ui.perfetto.dev opens with one track per thread. `WEFT_TRACE_FILE=path`.
    pub fn trace_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.trace_file = Some(path.into());
        self
    }

    /// Show a progress line on stderr for explorations longer than two seconds (default on;
    /// `WEFT_PROGRESS=0` turns it off).
    pub fn progress(mut self, on: bool) -> Self {
        self.progress = on;
        self
    }

    /// Let `Condvar::wait` (and `wait_while`) and `thread::park` return without a
    /// notification or token, as std allows, exploring those wakeups too (default off: most
    /// code loops on its condition anyway, and each possible wakeup adds executions).
    /// `wait_timeout` and `park_timeout` explore timing out regardless.
    pub fn spurious_wakeups(mut self, on: bool) -> Self {
        self.spurious_wakeups = on;
        self
    }

    /// Count the distinct execution graphs the exploration runs (`Stats::graphs`): each
    /// thread's events, the store each atomic read took, modification order, and the order
    /// of the conflicting operations on every other object, whatever the interleaving. It
    /// tells how close an exploration comes to one execution per graph (see README, "Weak
    /// memory"), for a hash per execution and 8 bytes per graph (default off;
    /// `WEFT_COUNT_GRAPHS=1`).
    pub fn count_graphs(mut self, on: bool) -> Self {
        self.count_graphs = on;
        self
    }

    /// Explore only executions with at most `n` preemptions (switching away from a thread
    /// that could have continued). Every execution within the bound reaches, after each of
    /// its steps, a state that some explored execution reaches within the bound; a run
    /// that reaches a state already explored with as few preemptions is cut (counted in
    /// `Stats::blocked`). A failure is reported only when an interleaving within the bound
    /// fails. A shard or a checkpoint splits a bounded exploration (so do `jobs(n > 1)`
    /// with `strict_bound`), and split it cuts only repeats within each unit.
    ///
    /// Unless it is split, an unbounded exploration runs alongside the bounded search, one
    /// run for every two of the search's: if it explores every trace
    /// without a failure first, the exploration passes there, since no interleaving fails.
    /// Where the bound saves nothing (many independent threads, short executions) that is
    /// orders of magnitude faster; where it does, it costs half as many runs again. Its
    /// failures are never reported (they may lie beyond the bound): it stops, and the
    /// bounded search goes on alone. Its executions count in `Stats` with the bounded
    /// search's. Unless `jobs(1)`, on several cores, a race past 2,000 runs goes on with
    /// the two on two threads at once (then the counts depend on timing).
    pub fn preemption_bound(mut self, n: usize) -> Self {
        self.preemption_bound = Some(n);
        self
    }

    /// With a preemption bound, run only the bounded search: no unbounded exploration
    /// alongside (see `preemption_bound`), so the model closure runs only interleavings
    /// within the bound, and `Stats` counts only them. For a test that records what the
    /// bounded interleavings do, such as which outcomes need more than `n` preemptions.
    pub fn strict_bound(mut self, on: bool) -> Self {
        self.strict_bound = on;
        self
    }

    /// Stop after `n` executions; stopping early is not a failure (`Stats::complete` is false).
    pub fn max_executions(mut self, n: u64) -> Self {
        self.max_executions = Some(n);
        self
    }

    /// An execution that takes more than `n` scheduling points is a `Livelock` failure.
    pub fn max_steps(mut self, n: usize) -> Self {
        self.max_steps = n;
        self
    }

    /// Stop exploring after `d`; stopping early is not a failure.
    pub fn max_duration(mut self, d: Duration) -> Self {
        self.max_duration = Some(d);
        self
    }

    /// Choose how executions are picked (default: `Strategy::Dpor`).
    pub fn strategy(mut self, s: Strategy) -> Self {
        self.strategy = s;
        self
    }

    /// Worker threads for an exhaustive (DPOR) exploration (default 1). With more than
    /// one, the exploration is split into units the workers take in turn (see README,
    /// "Parallel, sharded and resumable explorations"): the executions explored, the failure
    /// reported and its schedule are the same for every number of workers. `0`: one per
    /// core (`std::thread::available_parallelism`). Default: one worker, and when the
    /// exploration outgrows 2,000 runs (and the machine has several cores, and `log` is
    /// off), it starts over with one worker per core; a `shard` or a `checkpoint`, split
    /// from its start, gets one per core at once. Workers run the model closure on
    /// several OS threads at once: set `jobs(1)` when state outside the model (a std static
    /// reset per execution, a thread-local) expects one thread.
    pub fn jobs(mut self, n: usize) -> Self {
        self.jobs = Some(n);
        self
    }

    /// Explore only shard `index` of `count` (`0 <= index < count`) of an exhaustive
    /// exploration: the `count` shards together run every execution of the unsharded
    /// exploration exactly once. For splitting a long exploration across machines. Like
    /// `jobs` and `checkpoint`, it applies to `Strategy::Dpor` only; samplers ignore it.
    ///
    /// # Panics
    /// When `count` is 0 or `index >= count`.
    pub fn shard(mut self, index: u32, count: u32) -> Self {
        assert!(
            count > 0,
            "weft: shard {index} of 0: there must be at least one shard"
        );
        assert!(
            index < count,
            "weft: shard {index} of {count} does not exist (shards are numbered 0 to {})",
            count - 1
        );
        self.shard = Some((index, count));
        self
    }

    /// Keep where an exhaustive exploration stands in `path` (rewritten every few seconds
    /// and as units finish) and, when the file exists, resume from it: a killed run goes on
    /// instead of starting over. The file is removed once the exploration completes.
    pub fn checkpoint(mut self, path: impl Into<PathBuf>) -> Self {
        self.checkpoint = Some(path.into());
        self
    }

    /// Where the cut of a split exploration lies: the scheduling points with a choice above
    /// it on the first branches (default 2 for one shard on up to 2 workers, 5 on up to 7
    /// and 7 on more; 3 plus two per doubling of the shard count for several shards; deeper
    /// cuts weigh later branches so that they are cut less deep: see `parallel/cut.rs`).
    /// For tests and tuning; `WEFT_SPLIT_DEPTH` sets it too.
    #[doc(hidden)]
    pub fn split_depth(mut self, n: usize) -> Self {
        self.split_depth = Some(n);
        self
    }

    /// Objects (bit `k % 64` for the object of key `k`: its creating thread's index times
    /// 65,536 plus how many objects that thread created before it) a split exploration
    /// takes for uncontended above its cut besides those its probe execution saw so, which
    /// changes how its units are made, never what they explore together. For tests.
    #[doc(hidden)]
    pub fn split_quiet(mut self, objects: u64) -> Self {
        self.split_quiet = objects;
        self
    }

    /// The most memory, in bytes, the wakeup trees of an exhaustive exploration may take,
    /// all its workers together (default 1 GiB; `WEFT_WAKEUP_MEMORY=512M` sets it too).
    /// Optimal DPOR keeps every sequence still to explore, and on some programs they grow
    /// with the exploration (lastzero(n): about 75 bytes per execution). When they reach
    /// the budget, the scheduling points the current execution has passed go on as
    /// source-DPOR and give up their trees, and the exploration goes on: the same traces,
    /// memory that stays near the budget, and runs that end sleep-set blocked besides
    /// (counted in `Stats::blocked`; lastzero(14) with 1 MiB: 1,115 beside its 69,632
    /// executions). `Stats` says how much the trees took and whether they reached the
    /// budget.
    pub fn wakeup_memory(mut self, bytes: usize) -> Self {
        self.wakeup_memory = bytes;
        self
    }

    /// Stack size of each model thread (default 1 MiB, at least `MIN_STACK_SIZE`, 16 KiB).
    pub fn stack_size(mut self, bytes: usize) -> Self {
        assert!(
            bytes >= MIN_STACK_SIZE,
            "weft: stack_size({bytes}) is too small: a model thread needs at least \
             {MIN_STACK_SIZE} bytes (weft's own frames take a few KiB; the default is {DEFAULT_STACK_SIZE})"
        );
        self.stack_size = bytes;
        self
    }

    /// Explores `f` and panics with the full report on the first failure.
    #[track_caller]
    pub fn check<F>(self, f: F) -> Stats
    where
        F: Fn() + Send + Sync + 'static,
    {
        match self.explore(f) {
            Ok(stats) => stats,
            Err(failure) => panic!("{failure}"),
        }
    }

    /// Explores `f`; the first failure is returned as a value.
    #[track_caller]
    pub fn explore<F>(self, f: F) -> Result<Stats, Failure>
    where
        F: Fn() + Send + Sync + 'static,
    {
        #[cfg(feature = "engine")]
        {
            crate::runner::explore(
                &self,
                std::sync::Arc::new(f),
                std::panic::Location::caller(),
            )
        }
        #[cfg(not(feature = "engine"))]
        {
            crate::run_once::run_once(&self, f)
        }
    }
}

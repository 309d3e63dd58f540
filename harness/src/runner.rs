//! Drives an exploration: runs the model once per execution, each step choosing a thread
//! (through the explorer) and resuming its coroutine until its next scheduling point.
//!
//! Invariant: the runner never holds a borrow of the execution while a model thread runs;
//! a failing execution's suspended coroutines are leaked, never unwound from outside, so no
//! user `Drop` runs in a state the model never reached.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use crate::config::{Builder, Strategy};
use crate::explore::bytes::Bytes;
use crate::explore::dpor::Dpor;
use crate::explore::guided::Guided;
use crate::explore::pct::Pct;
use crate::explore::random::RandomWalk;
use crate::explore::replay::Replay;
use crate::explore::{Explorer, Turn};
use crate::failure::{Failure, Stats};
use crate::observe::graph_count::GraphCount;
use crate::observe::progress::Progress;
use crate::observe::{self, trace_file};
use crate::report::{self, Context};
use crate::runtime::coroutine::StackPool;
use crate::runtime::execution::{self, Execution};
use crate::runtime::happens_before::ThreadClocks;
use crate::runtime::model_thread::ModelThread;
use crate::runtime::op::{Op, OpKind, Site};
use crate::runtime::panic_capture;
use crate::runtime::thread_keys::ThreadKey;
use crate::schedule::Schedule;
use crate::shorten;
use crate::verdict::{judge, Ending};

mod abandoned;
mod kept;
mod racing;
mod steps;

use kept::Kept;

use steps::Steps;

pub(crate) type Model = Arc<dyn Fn() + Send + Sync + 'static>;

/// Execution ids are unique in the process, so an object kept from another execution (or
/// another exploration) is always recognised.
static NEXT_EXECUTION: AtomicU64 = AtomicU64::new(1);

enum Outcome {
    Complete,
    Blocked,
    /// Another explorer's execution (a split exploration): not counted, failures ignored.
    Skipped,
    Failed(Box<Failure>),
}

pub(crate) fn explore(builder: &Builder, model: Model, site: Site) -> Result<Stats, Failure> {
    if !builder.count_graphs || builder.graph_count.is_some() {
        return explore_model(builder, model, site);
    }
    // One set for every worker and every start of this exploration (`observe::graph_count`).
    let count = GraphCount::default();
    let mut counting = builder.clone();
    counting.graph_count = Some(count.clone());
    let mut stats = explore_model(&counting, model, site)?;
    stats.graphs = Some(count.total());
    Ok(stats)
}

/// `explore`, with the graph count (`Builder::count_graphs`) set up if there is one.
fn explore_model(builder: &Builder, model: Model, site: Site) -> Result<Stats, Failure> {
    if execution::is_active() {
        panic!("weft: a model cannot be explored from inside another model's execution");
    }
    panic_capture::install();
    let strategy = builder.effective_strategy();
    let exhaustive = matches!(strategy, Strategy::Dpor);
    let replaying = matches!(strategy, Strategy::Replay(_));
    let coverage = matches!(strategy, Strategy::Bytes(_));
    let mut explorer: Box<dyn Explorer> = match strategy {
        Strategy::Dpor if builder.splits() && !racing::races(builder) => {
            return crate::parallel::explore(builder, model, site);
        }
        Strategy::Dpor => {
            let mut dpor = Dpor::new(builder.preemption_bound);
            dpor.limit_wakeup_memory(builder.wakeup_memory);
            dpor
        }
        Strategy::Random { executions: 0, .. } | Strategy::Pct { executions: 0, .. } => {
            return Ok(Stats::default());
        }
        Strategy::Random { seed, executions } => Box::new(RandomWalk::new(seed, executions)),
        Strategy::Pct {
            seed,
            depth,
            executions,
        } => Box::new(Pct::new(seed, depth, executions)),
        Strategy::Replay(text) => match Schedule::decode(&text) {
            Ok(schedule) => Box::new(Replay::new(schedule)),
            Err(reason) => return Err(report::invalid_schedule(&text, &reason)),
        },
        Strategy::Bytes(input) => Box::new(Bytes::new(input)),
    };
    // With the number of workers left to weft, an exhaustive exploration runs on this
    // thread until it outgrows `SPLIT_AFTER` runs, and only then starts over split across
    // the cores: small explorations keep one worker's exact counts and cost.
    let may_outgrow = exhaustive && builder.may_split_later();
    let mut outgrown = false;
    let mut runner = Runner::new(builder, model.clone(), site);
    runner.coverage = coverage.then(Vec::new);
    let mut progress = Progress::new(builder.progress && !replaying);
    // A bounded exhaustive exploration races an unbounded one (see `racing`).
    let racing = exhaustive && racing::races(builder);
    let ended = observe::log::maybe_with_subscriber(builder.log, || {
        let mut tick = |stats: &Stats| {
            progress.tick(stats);
            outgrown = may_outgrow && stats.executions + stats.blocked >= SPLIT_AFTER;
            !outgrown
        };
        match racing {
            true => runner.run_racing(explorer.as_mut(), &mut tick),
            false => runner.run_all(explorer.as_mut(), &mut tick),
        }
    });
    explorer.recycle();
    if outgrown && ended.failure.is_none() {
        runner.keep_stacks();
        // One worker per core (left to weft, the number of workers would be one).
        return crate::parallel::explore(&builder.clone().jobs(0), model, site);
    }
    progress.finish(&ended.stats);
    let result = match ended.failure {
        None => Ok(ended.stats),
        Some((failure, _)) if replaying || !shorten::applies(failure.kind()) => {
            Err(finish_failure(builder, *failure))
        }
        Some((failure, number)) => {
            let simplest = runner.simplify(*failure, number);
            Err(finish_failure(builder, simplest))
        }
    };
    runner.keep_stacks();
    result
}

/// Writes the failure's trace file when one is asked for.
pub(crate) fn finish_failure(builder: &Builder, mut failure: Failure) -> Failure {
    if let Some(path) = &builder.trace_file {
        trace_file::write(&mut failure, path);
    }
    failure
}

/// Whether `runs` runs of an exploration started at `started` reach `max_executions` or
/// `max_duration`.
fn limit_reached(builder: &Builder, runs: u64, started: Instant) -> bool {
    let out_of_runs = builder.max_executions.is_some_and(|n| runs >= n);
    out_of_runs || builder.max_duration.is_some_and(|d| started.elapsed() >= d)
}

/// Runs after which an exhaustive exploration with the default number of workers starts
/// over split across the machine's cores (see `explore`).
const SPLIT_AFTER: u64 = 2_000;

/// How a run of executions ended: its counters, and the failing execution (with its
/// number) when one failed.
pub(crate) struct Ended {
    pub stats: Stats,
    pub failure: Option<(Box<Failure>, u64)>,
}

/// What stays from one execution to the next.
pub(crate) struct Runner<'a> {
    model: Model,
    builder: &'a Builder,
    /// Where the model was explored from: the main thread's start.
    site: Site,
    pool: StackPool,
    /// The most steps an execution of this exploration took.
    steps: usize,
    /// Sizes, most steps and vectors of earlier executions, also of earlier explorations
    /// on this OS thread (see `kept`).
    kept: Kept,
    /// Running the shortener's candidates.
    simplifying: bool,
    /// The concurrency coverage of the last execution, when the strategy reports it.
    coverage: Option<Vec<u32>>,
    /// When `run_all` goes on with an exploration that already ran (see `racing`): the
    /// runs made so far, which number its executions and count towards the limits, and
    /// when it started.
    resumed: Option<(u64, Instant)>,
}

impl<'a> Runner<'a> {
    pub(crate) fn new(builder: &'a Builder, model: Model, site: Site) -> Runner<'a> {
        let mut kept = Kept::take();
        kept.buffers.thread_keys.clear();
        Runner {
            model,
            builder,
            site,
            pool: StackPool::reuse(builder.stack_size),
            steps: 0,
            kept,
            simplifying: false,
            coverage: None,
            resumed: None,
        }
    }

    /// Runs executions until the explorer has no more, a limit is reached, or one fails;
    /// `tick` sees the counters after each execution and says whether to go on.
    pub(crate) fn run_all(
        &mut self,
        explorer: &mut dyn Explorer,
        tick: &mut dyn FnMut(&Stats) -> bool,
    ) -> Ended {
        let builder = self.builder;
        let (before, started) = self.resumed.unwrap_or((0, Instant::now()));
        let mut stats = Stats::default();
        let mut failure = None;
        loop {
            let number = before + stats.executions + stats.blocked + 1;
            match self.run_execution(explorer, number) {
                Outcome::Complete => stats.executions += 1,
                Outcome::Blocked => stats.blocked += 1,
                Outcome::Skipped => {}
                Outcome::Failed(found) => {
                    failure = Some((found, number));
                    break;
                }
            }
            stats.max_steps = self.steps;
            let go_on = tick(&stats);
            let more = explorer.next_execution();
            let memory = explorer.wakeup_memory();
            stats.wakeup_bytes = memory.peak_bytes;
            stats.wakeup_over_budget = memory.over_budget;
            if !more {
                stats.complete = explorer.exhaustive();
                stats.interleaving = self.coverage.take().unwrap_or_default();
                break;
            }
            let runs = before + stats.executions + stats.blocked;
            if !go_on || limit_reached(builder, runs, started) {
                break;
            }
        }
        stats.max_steps = self.steps;
        Ended { stats, failure }
    }

    /// Gives the coroutine stacks, and the sizes and vectors executions reached (see
    /// `kept`), to the next exploration on this OS thread.
    pub(crate) fn keep_stacks(&mut self) {
        std::mem::replace(&mut self.pool, StackPool::new(0)).keep();
        std::mem::take(&mut self.kept).keep();
    }

    /// The simplest failing execution the shortener finds from `found` (execution `number`).
    pub(crate) fn simplify(&mut self, found: Failure, number: u64) -> Failure {
        self.simplifying = true;
        // How a sampler found it (its seed) stays true of the simplified execution.
        let found_by = found
            .to_string()
            .lines()
            .find(|line| line.starts_with("strategy: "))
            .map(str::to_string);
        if !abandoned::may_shorten() {
            let mut found = found;
            found.add_note(&format!(
                "not simplified: this process has left {} stuck threads' stacks mapped \
                 (WEFT_MAX_LEAKED_STACKS; README: \"Semantics\")",
                abandoned::count()
            ));
            return found;
        }
        let mut simplest = shorten::shorten(found, |choices| {
            if !abandoned::may_shorten() {
                return None;
            }
            match self.run_execution(&mut Guided::new(choices), number) {
                Outcome::Failed(failure) => Some(*failure),
                Outcome::Complete | Outcome::Blocked | Outcome::Skipped => None,
            }
        });
        if let Some(line) = found_by {
            if !simplest.to_string().contains(&line) {
                simplest.add_note(&line);
            }
        }
        simplest
    }

    fn run_execution(&mut self, explorer: &mut dyn Explorer, number: u64) -> Outcome {
        let id = NEXT_EXECUTION.fetch_add(1, Ordering::Relaxed);
        let buffers = std::mem::take(&mut self.kept.buffers);
        let mut execution = Execution::new(id, self.kept.sizes, buffers);
        execution.spurious_wakeups = self.builder.spurious_wakeups;
        execution.early_reads = self.builder.preemption_bound.is_none();
        let execution = RefCell::new(execution);
        let main = self.model.clone();
        let start = Op {
            kind: OpKind::Start,
            object: None,
            site: self.site,
        };
        let body: Box<dyn FnOnce()> = Box::new(move || main());
        execution.borrow_mut().threads.push(ModelThread::new(
            None,
            (None, ThreadKey::MAIN),
            body,
            start,
            ThreadClocks::started(0, None),
        ));
        let mut steps = Steps {
            execution: &execution,
            coroutines: Vec::with_capacity(self.kept.sizes.threads),
            pool: &mut self.pool,
            schedule: Schedule {
                threads: Vec::with_capacity(self.kept.steps),
                values: Vec::new(),
            },
            preemptions: 0,
            blocked: false,
            turn: Turn::default(),
            log: self.builder.log.then_some(number),
        };
        if self.builder.log {
            observe::log::execution_started(number);
        }
        explorer.begin_execution();
        let max_steps = self.builder.max_steps;
        let outcome = execution::enter(&execution, || {
            let ending = steps.run(explorer, max_steps);
            explorer.execution_ended(&execution.borrow());
            let ending = match ending {
                Ending::Quiescent => match explorer.end_execution(steps.schedule.threads.len()) {
                    Some(message) => Ending::Diverged(message),
                    None => Ending::Quiescent,
                },
                other => other,
            };
            let failure = {
                let e = execution.borrow();
                let explorer: &dyn Explorer = explorer;
                let found_by = || explorer.describe_execution();
                // What the drawing marks, built without allocating (this runs per execution).
                let marks = match e.race {
                    Some(race) => [(race.access, "race"), (race.previous, "previous access")],
                    None => [(e.events.len().wrapping_sub(1), "here"), (usize::MAX, "")],
                };
                let cx = Context {
                    execution: &e,
                    schedule: &steps.schedule,
                    number,
                    preemptions: steps.preemptions,
                    simplified: self.simplifying,
                    export_trace: self.builder.trace_file.is_some(),
                    marks: &marks,
                    found_by: &found_by,
                };
                judge(ending, &cx)
            };
            match failure {
                Some(_) if explorer.skipped() => {
                    steps.abandon();
                    Outcome::Skipped
                }
                Some(failure) => {
                    steps.abandon();
                    Outcome::Failed(Box::new(failure))
                }
                None if explorer.skipped() => Outcome::Skipped,
                None if steps.blocked => Outcome::Blocked,
                None => {
                    if let Some(count) = &self.builder.graph_count {
                        count.record(&execution.borrow());
                    }
                    Outcome::Complete
                }
            }
        });
        self.steps = self.steps.max(steps.schedule.threads.len());
        self.kept.steps = self.kept.steps.max(self.steps);
        self.kept.sizes = execution.borrow().sizes(self.kept.sizes);
        if let Some(edges) = &mut self.coverage {
            *edges = crate::coverage::edges(&execution.borrow());
        }
        // Dropped in the order they were before the vectors were kept: the step loop's
        // coroutines, then the execution's contents.
        drop(steps);
        self.kept.buffers = execution.into_inner().into_buffers();
        outcome
    }
}

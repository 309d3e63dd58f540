//! Runs a split exhaustive exploration (see `explore::split`): `Builder::jobs` worker OS
//! threads, each with its own runner (coroutine stacks, execution state) and DPOR explorer,
//! take the units of this shard in turn; a checkpoint, when asked for, records the units
//! done and lets a killed run resume.
//!
//! First a probe execution (one run, lowest thread first) gives the program's fingerprint
//! for checkpoints and the objects it contends on, which order the branches above the cut.
//! Then every worker walks the nodes above the cut in the same order and takes the units no
//! one has taken yet, so the workers stay busy until the last units. A failure found in a unit
//! stops every worker that is past it, while units before it are still explored: the
//! failure reported is the one of the least failing unit, which is the one a single worker
//! finds first. It is simplified and reported on the calling thread.
//!
//! Invariant: workers share only `Shared` (once per unit) and the counters below (once per
//! execution); nothing on the path of a scheduling point.

mod cut;
mod probe;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::checkpoint::{self, Header, Resumed};
use crate::config::Builder;
use crate::explore::dpor::Dpor;
use crate::explore::split::{Balance, Shard, Shared, Split, UnitKey};
use crate::explore::Explorer;
use crate::failure::{Failure, Stats};
use crate::observe;
use crate::observe::progress::Progress;
use crate::runner::{finish_failure, Model, Runner};
use crate::runtime::op::Site;
use crate::shorten;
use crate::worker_pool;
use probe::Probe;

/// How often a checkpoint is rewritten while the exploration runs.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(5);

/// Counters all workers add to, for the progress line and the execution budget.
#[derive(Default)]
struct Totals {
    executions: AtomicU64,
    blocked: AtomicU64,
}

struct WorkerEnd {
    stats: Stats,
    failure: Option<(UnitKey, Box<Failure>, u64)>,
}

pub(crate) fn explore(builder: &Builder, model: Model, site: Site) -> Result<Stats, Failure> {
    let jobs = builder.effective_jobs();
    let (index, count) = builder.shard.unwrap_or((0, 1));
    let shard = Shard { index, count };
    let loaded = match &builder.checkpoint {
        Some(path) => checkpoint::load(path)?,
        None => None,
    };
    // A resumed run explores the units its checkpoint names, whatever its workers.
    let file_cut = (loaded.as_ref())
        .filter(|_| builder.split_depth.is_none())
        .map(|(found, _)| (found.depth, found.weight));
    let (depth, position_weight) = file_cut.unwrap_or_else(|| cut::cut(builder, jobs, count));
    let probe = probe(builder, &model, site);
    let (header, resumed) = match &builder.checkpoint {
        Some(path) => {
            let header = Header {
                test: site.to_string(),
                fingerprint: probe.fingerprint,
                depth,
                weight: position_weight,
                shard: (index, count),
                bound: builder.preemption_bound,
            };
            let resumed = match loaded {
                Some((found, resumed)) => {
                    checkpoint::check(path, &found, &header)?;
                    resumed
                }
                None => Resumed::default(),
            };
            (Some(header), resumed)
        }
        None => (None, Resumed::default()),
    };
    let shared = Arc::new(Shared::resuming(resumed.done.iter().cloned()));
    let split = Split {
        depth,
        shard,
        shared: shared.clone(),
        position_weight,
        balance: Balance::new(count),
        uncontended: Arc::new(probe.uncontended),
        futures: Arc::new(probe.futures),
        quiet: builder.split_quiet,
    };
    let totals = Totals::default();
    let warned = std::sync::atomic::AtomicBool::new(false);
    let save = |path: &Path, header: &Header| {
        let (mut done, runs) = shared.finished();
        done.extend(resumed.done.iter().cloned());
        // Saturating: the file's counts are only as good as the file (a damaged one may
        // say anything up to `u64::MAX`).
        let runs = (
            resumed.runs.0.saturating_add(runs.0),
            resumed.runs.1.saturating_add(runs.1),
        );
        if let Err(e) = checkpoint::save(path, header, runs, &done) {
            // Once: the same error would come back every few seconds.
            if !warned.swap(true, Ordering::Relaxed) {
                eprintln!("weft: cannot write checkpoint {}: {e}", path.display());
            }
        }
    };
    if let (Some(path), Some(header)) = (&builder.checkpoint, &header) {
        // Written at once, so that a path that cannot be written is reported at the start.
        save(path, header);
    }
    let checkpoint = builder.checkpoint.as_deref().zip(header.as_ref());
    let totals = Arc::new(totals);
    // Helpers come from the kept pool (`worker_pool`): each keeps its coroutine stacks and
    // buffers from one exploration to the next, as the calling thread does.
    let helpers: Vec<_> = (1..jobs)
        .map(|worker| {
            let (builder, model, split) = (builder.clone(), model.clone(), split.clone());
            let totals = totals.clone();
            worker_pool::run(move || {
                run_worker(&builder, model, site, split, &totals, worker, |_| {})
            })
        })
        .collect();
    // Worker 0 is the calling thread, the one that writes checkpoints.
    let first = run_worker(builder, model.clone(), site, split, &totals, 0, |_| {
        if let Some((path, header)) = checkpoint {
            save(path, header);
        }
    });
    let ends: Vec<WorkerEnd> = std::iter::once(first)
        .chain(helpers.into_iter().map(worker_pool::Pending::join))
        .collect();
    let mut stats = Stats {
        executions: resumed.runs.0,
        blocked: resumed.runs.1,
        complete: true,
        ..Stats::default()
    };
    let mut first: Option<(UnitKey, Box<Failure>, u64)> = None;
    for end in ends {
        stats.executions = stats.executions.saturating_add(end.stats.executions);
        stats.blocked = stats.blocked.saturating_add(end.stats.blocked);
        stats.max_steps = stats.max_steps.max(end.stats.max_steps);
        stats.complete &= end.stats.complete;
        stats.wakeup_bytes = stats.wakeup_bytes.max(end.stats.wakeup_bytes);
        stats.wakeup_over_budget |= end.stats.wakeup_over_budget;
        if let Some(found) = end.failure {
            if first.as_ref().is_none_or(|(key, ..)| found.0 < *key) {
                first = Some(found);
            }
        }
    }
    if let (Some(path), Some(header)) = (&builder.checkpoint, &header) {
        match first.is_none() && stats.complete {
            true => {
                let _ = std::fs::remove_file(path);
            }
            false => save(path, header),
        }
    }
    let Some((_, failure, number)) = first else {
        return Ok(stats);
    };
    let mut runner = Runner::new(builder, model, site);
    let failure = match shorten::applies(failure.kind()) {
        true => runner.simplify(*failure, number),
        false => *failure,
    };
    runner.keep_stacks();
    Err(finish_failure(builder, failure))
}

/// The program's first execution: its fingerprint, contended objects and their accesses (see
/// `Probe`).
fn probe(builder: &Builder, model: &Model, site: Site) -> Probe {
    let mut runner = Runner::new(builder, model.clone(), site);
    let mut probe = Probe {
        fingerprinting: builder.checkpoint.is_some(),
        ..Probe::default()
    };
    runner.run_all(&mut probe, &mut |_| true);
    runner.keep_stacks();
    probe
}

/// One worker: explores the units it takes until none is left, it fails, or a limit or an
/// earlier failure stops it. Worker 0 shows the progress line and calls `checkpoint` every
/// `CHECKPOINT_EVERY`.
fn run_worker(
    builder: &Builder,
    model: Model,
    site: Site,
    split: Split,
    totals: &Totals,
    worker: usize,
    checkpoint: impl Fn(()),
) -> WorkerEnd {
    let shared = split.shared.clone();
    let mut runner = Runner::new(builder, model, site);
    let mut explorer = Dpor::split(builder.preemption_bound, Some(split));
    explorer.limit_wakeup_memory(builder.wakeup_memory / builder.effective_jobs().max(1));
    let mut progress = Progress::new(builder.progress && worker == 0);
    let mut seen = (0, 0);
    let mut saved = Instant::now();
    let ended = observe::log::maybe_with_subscriber(builder.log, || {
        runner.run_all(explorer.as_mut(), &mut |stats| {
            let executions = totals
                .executions
                .fetch_add(stats.executions - seen.0, Ordering::Relaxed)
                + stats.executions
                - seen.0;
            let blocked = totals
                .blocked
                .fetch_add(stats.blocked - seen.1, Ordering::Relaxed)
                + stats.blocked
                - seen.1;
            seen = (stats.executions, stats.blocked);
            if worker == 0 {
                // The wakeup trees are this worker's.
                let all = Stats {
                    executions,
                    blocked,
                    wakeup_bytes: stats.wakeup_bytes,
                    wakeup_over_budget: stats.wakeup_over_budget,
                    ..Stats::default()
                };
                progress.tick(&all);
                if saved.elapsed() >= CHECKPOINT_EVERY {
                    checkpoint(());
                    saved = Instant::now();
                }
            }
            builder
                .max_executions
                .is_none_or(|n| executions + blocked < n)
        })
    });
    if worker == 0 {
        let all = Stats {
            executions: totals.executions.load(Ordering::Relaxed),
            blocked: totals.blocked.load(Ordering::Relaxed),
            ..Stats::default()
        };
        progress.finish(&all);
    }
    runner.keep_stacks();
    let failure = ended.failure.map(|(failure, number)| {
        let key = explorer
            .unit()
            .expect("a split explorer is always in a unit");
        shared.fail(&key);
        (key, failure, number)
    });
    explorer.keep();
    WorkerEnd {
        stats: ended.stats,
        failure,
    }
}

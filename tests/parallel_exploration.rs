//! Split explorations (`Builder::jobs`, `Builder::shard`, `Builder::checkpoint`): the same
//! executions as the sequential exploration, however they are divided, the same failure, and
//! checkpoints that resume or refuse clearly.
#![cfg(feature = "permute")]

mod common;

use std::sync::Arc as StdArc;

use weft::{Builder, Failure, FailureKind, Stats, Strategy};

#[allow(dead_code)]
mod programs {
    use weft as rt;
    use weft::sync::Arc;
    include!("../benches/src/programs.rs");
}

/// The same programs sharing through std's `Arc`, whose clones and drops are no events.
#[allow(dead_code)]
mod programs_std {
    use std::sync::Arc;
    use weft as rt;
    include!("../benches/src/programs.rs");
}

use common::explore_passing as explore;

/// Every way of dividing the exploration: one worker with the split, two and three workers,
/// each shard of two and of four, and each shard of four on two workers (every worker of a
/// shard walks every unit and must give each to the same shard).
fn check_divisions(name: &str, model: StdArc<dyn Fn() + Send + Sync>) {
    let run = |builder: Builder| {
        let model = model.clone();
        explore(builder, move || model())
    };
    let sequential = run(Builder::new().jobs(1));
    for builder in [
        Builder::new().jobs(1).shard(0, 1),
        Builder::new().jobs(2),
        Builder::new().jobs(3),
    ] {
        let split = run(builder);
        assert_eq!(split.executions, sequential.executions, "{name}");
    }
    for (count, jobs) in [(2, 1), (4, 1), (4, 2)] {
        let executions: u64 = (0..count)
            .map(|k| run(Builder::new().jobs(jobs).shard(k, count)).executions)
            .sum();
        let what = format!("{name}: {count} shards of {jobs} workers");
        assert_eq!(executions, sequential.executions, "{what}");
    }
}

#[test]
fn split_explorations_run_the_executions_of_the_sequential_one() {
    check_divisions("lastzero(4)", StdArc::new(common::lastzero(4)));
    check_divisions("readers(3)", StdArc::new(common::readers(3)));
    check_divisions("ainc(4)", StdArc::new(common::ainc(4)));
    check_divisions("indexer(12)", StdArc::from(programs::indexer(12)));
    check_divisions("mutex_counter(3)", StdArc::from(programs::mutex_counter(3)));
    check_divisions("lost_update(3)", StdArc::from(programs::lost_update(3)));
}

#[test]
fn a_bug_is_reported_the_same_way_by_any_number_of_workers() {
    let failure = |builder: Builder| builder.progress(false).explore(common::lost_update);
    let sequential = failure(Builder::new().jobs(1)).expect_err("the lost update is found");
    assert_eq!(sequential.kind(), FailureKind::Panic);
    let one = failure(Builder::new().jobs(1).shard(0, 1)).expect_err("found when split");
    assert_eq!(one.kind(), FailureKind::Panic);
    assert!(one.to_string().contains("lost update"), "{one}");
    // Up to 2 workers cut where one worker of the split does; 3 to 7 cut deeper (see
    // `parallel/cut.rs`), and report the failure one worker with that cut finds first,
    // whatever their number.
    let mut deeper: Option<Failure> = None;
    for jobs in [2, 3, 4, 7] {
        let many = failure(Builder::new().jobs(jobs)).expect_err("found by workers");
        assert_eq!(many.kind(), FailureKind::Panic);
        let same_cut = match jobs {
            2 => &one,
            _ => deeper.get_or_insert_with(|| many.clone()),
        };
        assert_eq!(
            many.schedule(),
            same_cut.schedule(),
            "{jobs} workers: the same execution"
        );
        let replay = "-- a_bug_is_reported_the_same_way_by_any_number_of_workers --exact";
        assert!(
            many.to_string().contains(replay),
            "the replay line names the test: {many}"
        );
    }
    for found in [&one, deeper.as_ref().expect("3 workers found it")] {
        let replayed = Builder::new()
            .strategy(Strategy::Replay(found.schedule().to_string()))
            .explore(common::lost_update)
            .expect_err("the schedule replays the failure on one thread");
        assert_eq!(replayed.kind(), FailureKind::Panic);
    }
    for count in [2, 4] {
        let results: Vec<_> = (0..count)
            .map(|k| failure(Builder::new().jobs(1).shard(k, count)))
            .collect();
        assert!(
            results.iter().any(Result::is_err),
            "{count} shards: one finds it"
        );
        for result in results {
            match result {
                Ok(stats) => assert!(stats.complete),
                Err(f) => assert_eq!(f.kind(), FailureKind::Panic, "{count} shards"),
            }
        }
    }
}

/// Shards get units by estimated work (`split::balance`): on the programs below, no shard
/// runs more than 1.5 times the mean of the executions. The rule is deterministic, so these
/// shares are exact; a change that unbalances them shows here. ainc(6) on 8 shards ran 1.59
/// times the mean while a unit was estimated by the positions of its branches above the
/// cut. And 4 shards of lastzero(8) run fewer blocked runs than half its 704 executions:
/// 520 while shards tried a node's branches in thread order, 294 since they try its
/// conflicting ones last (`AboveCut::late`).
#[test]
fn shards_share_the_executions_evenly() {
    let lastzero: StdArc<dyn Fn() + Send + Sync> = StdArc::from(programs::lastzero(8));
    let readers: StdArc<dyn Fn() + Send + Sync> = StdArc::new(common::readers(10));
    let ainc: StdArc<dyn Fn() + Send + Sync> = StdArc::from(programs::ainc(6));
    let cases = [
        ("lastzero(8)", lastzero, 4),
        ("readers(10)", readers, 4),
        ("ainc(6)", ainc, 8),
    ];
    for (name, model, count) in cases {
        let (shards, blocked): (Vec<u64>, Vec<u64>) = (0..count)
            .map(|k| {
                let model = model.clone();
                let stats = explore(Builder::new().jobs(1).shard(k, count), move || model());
                (stats.executions, stats.blocked)
            })
            .unzip();
        let executions = shards.iter().sum::<u64>();
        let mean = executions as f64 / f64::from(count);
        let largest = *shards.iter().max().unwrap() as f64;
        assert!(largest < 1.5 * mean, "{name}, {count} shards: {shards:?}");
        if name == "lastzero(8)" {
            let blocked = blocked.iter().sum::<u64>();
            assert!(2 * blocked < executions, "{name}: {blocked} blocked runs");
        }
    }
}

/// Left to weft (`WEFT_JOBS` unset), the number of workers is one until an exploration
/// outgrows 2,000 runs, then one per core; a shard (or a checkpoint) has one per core from
/// its start. (Until 2026-11-28 the first started over split on one worker, and a shard
/// kept one.) readers(11): 2,048 executions, shared by the two shards.
#[test]
fn explorations_move_to_every_core_by_default() {
    if std::env::var_os("WEFT_JOBS").is_some() {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut shards_executions = 0;
    for (what, builder) in [
        ("a long exploration", Builder::new()),
        ("shard 0 of 2", Builder::new().shard(0, 2)),
        ("shard 1 of 2", Builder::new().shard(1, 2)),
    ] {
        let threads = StdArc::new(std::sync::Mutex::new(std::collections::HashSet::new()));
        let seen = threads.clone();
        let readers = common::readers(11);
        let stats = explore(builder, move || {
            seen.lock().unwrap().insert(std::thread::current().id());
            readers();
        });
        match what {
            "a long exploration" => assert_eq!(stats.executions, 2048, "{what}"),
            _ => shards_executions += stats.executions,
        }
        let workers = threads.lock().unwrap().len();
        assert_eq!(
            workers > 1,
            cores > 1,
            "{what}: {workers} threads on {cores} cores"
        );
    }
    assert_eq!(shards_executions, 2048, "the two shards together");
}

/// indexer(13)'s threads lock slots that no other thread locks in the probe execution, but
/// for a few collisions: above the cut, those quiet threads make one unit rooted at the node
/// instead of a branch each (`RestUnit`), and the split runs the 64 executions without a
/// blocked run (13 when each was a branch: each put the next to sleep for good).
#[test]
fn threads_that_look_uncontended_make_one_unit_without_blocked_runs() {
    let stats = explore(Builder::new().jobs(1).shard(0, 1), programs::indexer(13));
    assert_eq!((stats.executions, stats.blocked), (64, 0));
}

/// Above the cut, a join that can run runs at once, as a thread's start does: the thread it
/// waits for has ended and nothing else conflicts with it. Branched on, it put the sibling
/// branches' prefixes to sleep for good: with std's `Arc` (no reference-count event ends a
/// thread), the split ran 6 blocked runs beside mutex_counter(4)'s 24 executions and 2 beside
/// ainc(3)'s 6, on one shard.
#[test]
fn a_join_that_can_run_is_not_a_branch_above_the_cut() {
    let mutex_counter: StdArc<dyn Fn() + Send + Sync> =
        StdArc::from(programs_std::mutex_counter(4));
    let ainc: StdArc<dyn Fn() + Send + Sync> = StdArc::from(programs_std::ainc(3));
    for (name, model, traces) in [
        ("mutex_counter(4)", mutex_counter, 24),
        ("ainc(3)", ainc, 6),
    ] {
        for count in [1, 4] {
            let runs = (0..count).fold((0, 0), |(executions, blocked), k| {
                let model = model.clone();
                let stats = explore(Builder::new().jobs(1).shard(k, count), move || model());
                (executions + stats.executions, blocked + stats.blocked)
            });
            assert_eq!(runs, (traces, 0), "{name}, {count} shards");
        }
    }
}

/// On one shard, a node above the cut tries last the threads whose next access conflicts
/// with its first branch's (`AboveCut::late`): tried second, lastzero's scanner and the
/// thread about to write the slot it reads left each other asleep in every later sibling's
/// units, whose runs all ended blocked. With std's `Arc` the split lastzero(6) ran 25 blocked
/// runs beside its 144 executions.
#[test]
fn one_shard_tries_a_conflicting_pair_of_branches_last() {
    for builder in [Builder::new().jobs(1).shard(0, 1), Builder::new().jobs(2)] {
        let stats = explore(builder, programs_std::lastzero(6));
        assert_eq!((stats.executions, stats.blocked), (144, 5));
    }
}

/// Explores with a checkpoint, always from this one call site: a checkpoint belongs to the
/// place a model is explored from.
fn with_checkpoint(
    builder: Builder,
    path: &std::path::Path,
    model: impl Fn() + Send + Sync + 'static,
) -> Result<Stats, Failure> {
    builder.progress(false).checkpoint(path).explore(model)
}

fn checkpoint_path(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("weft-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn a_stopped_exploration_resumes_from_its_checkpoint() {
    let path = checkpoint_path("resume");
    let whole = explore(Builder::new().jobs(1), common::lastzero(5)).executions;
    let stopped = with_checkpoint(
        Builder::new().max_executions(60),
        &path,
        common::lastzero(5),
    )
    .expect("a correct program");
    assert!(!stopped.complete);
    let text = std::fs::read_to_string(&path).expect("the checkpoint was written");
    assert!(text.starts_with("weft checkpoint 12\n"), "{text}");
    assert!(text.contains("\ndone "), "some units are done: {text}");
    let resumed = with_checkpoint(Builder::new(), &path, common::lastzero(5)).unwrap();
    assert!(resumed.complete);
    assert_eq!(
        resumed.executions, whole,
        "resumed counters end where a whole run's do"
    );
    assert!(
        !path.exists(),
        "a completed exploration removes its checkpoint"
    );
}

/// The cut follows the number of workers (`parallel/cut.rs`), which may differ where a run
/// resumes: the resumed run takes the file's cut, and ends with a whole run's count.
#[test]
fn a_checkpoint_resumes_on_another_number_of_workers() {
    let path = checkpoint_path("resume-workers");
    let whole = explore(Builder::new().jobs(1), common::lastzero(6)).executions;
    let stopped = with_checkpoint(
        Builder::new().jobs(4).max_executions(whole / 2),
        &path,
        common::lastzero(6),
    )
    .expect("a correct program");
    assert!(!stopped.complete);
    let text = std::fs::read_to_string(&path).expect("the checkpoint was written");
    assert!(
        text.contains("\nsplit 5 1 0/1 -\n"),
        "4 workers' cut: {text}"
    );
    let resumed = with_checkpoint(Builder::new().jobs(2), &path, common::lastzero(6)).unwrap();
    assert!(resumed.complete);
    assert_eq!(resumed.executions, whole);
}

/// A shard resumed from its checkpoint walks every unit again to learn which are its own
/// (`split::balance`), and skips those done: it ends with an uninterrupted shard's count.
#[test]
fn a_stopped_shard_resumes_to_the_executions_of_an_uninterrupted_one() {
    let path = checkpoint_path("resume-shard");
    let shard = || Builder::new().jobs(1).shard(1, 4);
    let whole = explore(shard(), common::lastzero(6)).executions;
    let stopped = with_checkpoint(
        shard().max_executions(whole / 2),
        &path,
        common::lastzero(6),
    )
    .expect("a correct program");
    assert!(!stopped.complete);
    let resumed = with_checkpoint(shard().jobs(2), &path, common::lastzero(6)).unwrap();
    assert!(resumed.complete);
    assert_eq!(resumed.executions, whole);
}

#[test]
fn a_damaged_or_foreign_checkpoint_is_refused_with_a_clear_error() {
    let path = checkpoint_path("damaged");
    std::fs::write(&path, "weft checkpoint 12\ntest x\nfingerprint zz\n").unwrap();
    let err = with_checkpoint(Builder::new(), &path, common::lastzero(3))
        .expect_err("a damaged checkpoint");
    assert_eq!(err.kind(), FailureKind::InvalidCheckpoint);
    let text = err.to_string();
    assert!(text.contains("ends before its `sum` line"), "{text}");
    assert!(text.contains("delete the file"), "{text}");

    let path = checkpoint_path("foreign");
    with_checkpoint(Builder::new().max_executions(3), &path, common::lastzero(4)).unwrap();
    let other_program = with_checkpoint(Builder::new(), &path, common::readers(3))
        .expect_err("another program's checkpoint");
    assert_eq!(other_program.kind(), FailureKind::InvalidCheckpoint);
    let text = other_program.to_string();
    assert!(text.contains("another version of this test"), "{text}");
    let elsewhere = Builder::new()
        .checkpoint(&path)
        .explore(common::lastzero(4))
        .expect_err("a checkpoint of a model explored from another place");
    assert!(elsewhere
        .to_string()
        .contains("was written for the test at"));
    let other_shard = with_checkpoint(Builder::new().shard(1, 2), &path, common::lastzero(4))
        .expect_err("another shard's checkpoint");
    assert!(
        other_shard.to_string().contains("other settings"),
        "{other_shard}"
    );
    // A version 11 file names other units (shards were dealt them by other estimates).
    let text = std::fs::read_to_string(&path).unwrap();
    let old = text.replacen("weft checkpoint 12", "weft checkpoint 11", 1);
    std::fs::write(&path, old).unwrap();
    let older = with_checkpoint(Builder::new(), &path, common::lastzero(4))
        .expect_err("a checkpoint of an earlier version");
    assert_eq!(older.kind(), FailureKind::InvalidCheckpoint);
    assert!(older.to_string().contains("another version?"), "{older}");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_shard_that_does_not_exist_is_refused_clearly() {
    let message = |index, count| {
        let payload =
            std::panic::catch_unwind(|| Builder::new().shard(index, count)).expect_err("refused");
        common::panic_text(payload.as_ref())
    };
    let text = message(4, 4);
    assert!(
        text.contains("shard 4 of 4 does not exist (shards are numbered 0 to 3)"),
        "{text}"
    );
    let text = message(0, 0);
    assert!(text.contains("there must be at least one shard"), "{text}");
}

#[test]
fn an_unwritable_checkpoint_does_not_stop_the_exploration() {
    let path = std::env::temp_dir()
        .join(format!("weft-{}-no-such-directory", std::process::id()))
        .join("checkpoint");
    let stats = with_checkpoint(Builder::new(), &path, common::lastzero(3))
        .expect("the exploration runs without its checkpoint");
    assert!(stats.complete);
    assert_eq!(stats.executions, 12);
    assert!(!path.exists());
}

/// Under a bound, each unit of a split exploration cuts only the repeated states it saw
/// itself (`explore/dpor/repeats.rs`), so with the same cut the split explorations agree
/// with one another, whatever the workers, but not with the whole exploration's count (nor
/// with another cut's). Shards cut later branches less deep than one shard does (see
/// `Split::position_weight`), so any number of shards agree with one another.
#[test]
fn a_preemption_bound_explores_the_same_executions_when_split() {
    for bound in 0..=2 {
        // Strict: otherwise `jobs(2)` races the bound instead of splitting it.
        let bounded = || {
            let builder = Builder::new().preemption_bound(bound).strict_bound(true);
            builder.split_depth(3)
        };
        let split = explore(bounded().jobs(1).shard(0, 1), common::lastzero(2)).executions;
        let parallel = explore(bounded().jobs(2), common::lastzero(2)).executions;
        assert_eq!(parallel, split, "bound {bound}: 2 workers");
        let sharded = |n: u32, jobs: usize| -> u64 {
            (0..n)
                .map(|k| explore(bounded().jobs(jobs).shard(k, n), common::lastzero(2)).executions)
                .sum()
        };
        let two = sharded(2, 1);
        assert_eq!(sharded(3, 1), two, "bound {bound}: 3 shards");
        assert_eq!(sharded(3, 2), two, "bound {bound}: 3 shards of 2 workers");
    }
}

/// Main stores, spawns a reader and goes on storing: the reader seeing 1 needs one
/// preemption of main (between its stores). Above the cut the reader starts without a
/// choice, so this checks that a bounded split exploration still tries main going on first.
fn reader_between_stores(
    seen: StdArc<std::sync::Mutex<std::collections::BTreeSet<usize>>>,
) -> impl Fn() + Send + Sync + 'static {
    use weft::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    move || {
        let x = weft::sync::Arc::new(AtomicUsize::new(0));
        // An operation before the spawn: main's step that spawns is not its first.
        x.store(3, SeqCst);
        let reader = {
            let x = x.clone();
            weft::thread::spawn(move || x.load(SeqCst))
        };
        x.store(1, SeqCst);
        x.store(2, SeqCst);
        let value = reader.join().unwrap();
        seen.lock().unwrap().insert(value);
    }
}

#[test]
fn split_bounded_explorations_agree_and_reach_the_whole_outcomes() {
    for bound in 0..=1 {
        let run = |builder: Builder| {
            let seen = StdArc::new(std::sync::Mutex::new(std::collections::BTreeSet::new()));
            let stats = explore(
                builder.preemption_bound(bound).strict_bound(true),
                reader_between_stores(seen.clone()),
            );
            let values = seen.lock().unwrap().clone();
            (stats.executions, values)
        };
        let whole = run(Builder::new().jobs(1));
        let split = run(Builder::new().jobs(1).shard(0, 1));
        assert_eq!(split.1, whole.1, "bound {bound}: outcomes");
        assert_eq!(
            run(Builder::new().jobs(2)),
            split,
            "bound {bound}: 2 workers"
        );
    }
}

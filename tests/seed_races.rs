//! The seed's three data races (counter, loop variable, shared `err`): weft reports each as
//! ThreadSanitizer would, with source lines, and passes each fix in every interleaving.
#![cfg(feature = "permute")]

use weft::{Builder, FailureKind, Strategy};

#[path = "../examples/seed/races.rs"]
mod races;

const SEED: &str = "tests/../examples/seed/races.rs";

/// The line of `races.rs` that contains `needle` (1-based), so assertions name real lines.
fn line_of(needle: &str) -> u32 {
    let source = include_str!("../examples/seed/races.rs");
    let index = source
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in races.rs"));
    index as u32 + 1
}

#[test]
fn counter_race_names_both_accesses_and_threads() {
    let failure = Builder::new()
        .explore(races::counter_on_a_plain_variable)
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::DataRace, "{failure}");
    let report = failure.to_string();
    let created = line_of("let counter = Arc::new(Shared::new(0usize));");
    assert!(
        report.starts_with(&format!(
            "weft: data race on UnsafeCell #0 created at {SEED}:"
        )),
        "{report}"
    );
    assert!(report.contains(&format!("{SEED}:{created}:")), "{report}");
    // `Shared::get`/`set` are `#[track_caller]`: the accesses point at the user's lines.
    let get = line_of("let value = counter.get();");
    let set = line_of("counter.set(value + 1);");
    let accesses = [format!("{SEED}:{get}:"), format!("{SEED}:{set}:")];
    let racing = report.lines().nth(1).unwrap();
    let previous = report.lines().nth(2).unwrap();
    assert!(
        racing.trim_start().starts_with("read at ") || racing.trim_start().starts_with("write at "),
        "{report}"
    );
    assert!(previous.trim_start().starts_with("previous "), "{report}");
    assert!(
        accesses.iter().any(|a| racing.contains(a.as_str())),
        "{report}"
    );
    assert!(
        accesses.iter().any(|a| previous.contains(a.as_str())),
        "{report}"
    );
    let spawn = line_of("thread::spawn(move || {");
    assert!(
        report.contains(&format!("thread 1 created at {SEED}:{spawn}:")),
        "{report}"
    );
    assert!(report.contains("<-- race"), "{report}");
    assert!(report.contains("<-- previous access"), "{report}");
    assert!(report.contains("replay: WEFT_REPLAY="), "{report}");
}

#[test]
fn counter_fixes_pass_every_interleaving() {
    let with_mutex = Builder::new()
        .explore(races::counter_under_a_mutex)
        .unwrap();
    assert!(with_mutex.complete);
    // Two threads, two lock/unlock pairs each: the orders of the four critical sections.
    assert_eq!(with_mutex.executions, 6);
    let with_atomics = Builder::new()
        .explore(races::counter_with_fetch_add)
        .unwrap();
    assert!(with_atomics.complete);
    assert_eq!(with_atomics.executions, 6);
}

#[test]
fn loop_variable_read_races_with_the_loop_increment() {
    let failure = Builder::new()
        .explore(races::loop_variable_shared)
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::DataRace, "{failure}");
    let report = failure.to_string();
    // The spawned reader's read and main's increment: one of them is a write by main.
    assert!(report.contains("by main"), "{report}");
    assert!(report.contains("by thread 1"), "{report}");
    let spawn = line_of("workers.push(thread::spawn(move || shared_i.get()));");
    assert!(
        report.contains(&format!("thread 1 created at {SEED}:{spawn}:")),
        "{report}"
    );
}

#[test]
fn loop_variable_copy_passes() {
    let stats = Builder::new().explore(races::loop_variable_copied).unwrap();
    assert!(stats.complete);
    assert_eq!(stats.executions, 1, "the threads share nothing: one trace");
}

#[test]
fn shared_err_is_a_write_write_race_between_main_and_the_writer() {
    let failure = Builder::new()
        .explore(races::parallel_write_shared_err)
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::DataRace, "{failure}");
    let report = failure.to_string();
    // As Go's race detector reports it: the writer's `err = f1.Write(..)` against main's
    // earlier `err = os.Create("/tmp/file2")` (main runs first in the first execution).
    let spawn = line_of("thread::spawn(move || err.set(Some(\"short write\")))");
    let second_create = line_of("err.set(None); // f2");
    let racing = report.lines().nth(1).unwrap();
    let previous = report.lines().nth(2).unwrap();
    assert!(
        racing.contains(&format!("write at {SEED}:{spawn}:")) && racing.ends_with("by thread 1"),
        "{report}"
    );
    assert!(
        previous.contains(&format!("previous write at {SEED}:{second_create}:"))
            && previous.ends_with("by main"),
        "{report}"
    );
    assert!(
        report.contains(&format!("thread 1 created at {SEED}:{spawn}:")),
        "{report}"
    );
}

#[test]
fn own_err_per_writer_passes() {
    let stats = Builder::new()
        .explore(races::parallel_write_own_err)
        .unwrap();
    assert!(stats.complete);
    // The two sends race for the channel's order: both orders are explored (and pass).
    assert!(stats.executions >= 2, "{stats:?}");
}

#[test]
fn race_replays_to_the_same_report() {
    let failure = Builder::new()
        .explore(races::parallel_write_shared_err)
        .unwrap_err();
    let replayed = Builder::new()
        .strategy(Strategy::Replay(failure.schedule().to_string()))
        .explore(races::parallel_write_shared_err)
        .unwrap_err();
    assert_eq!(replayed.kind(), FailureKind::DataRace);
    let body = |report: &str| {
        report
            .lines()
            .filter(|l| !l.starts_with("interleaving (execution"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&replayed.to_string()), body(&failure.to_string()));
}

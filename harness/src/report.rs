//! The report a user reads: what failed, the interleaving that made it fail drawn one column
//! per thread, where threads and objects came from, and the line that replays it.
//!
//! Invariant: every report of an explored execution ends with the schedule string inside a
//! complete replay command, preceded by the explorer's own line when it has one (a sampler's
//! seed); the drawing shows events in the order they ran.

use std::fmt::Write;
use std::path::Path;

use crate::failure::{Failure, FailureKind};
use crate::observe::trace_file;
use crate::runtime::execution::Execution;
use crate::runtime::op::{CountOp, Event, EventKind, OpKind, Site, SyncOutcome, ThreadId};
use crate::schedule::Schedule;

/// Rows of the interleaving drawing kept (the latest ones).
const MAX_ROWS: usize = 60;
const MAX_CELL: usize = 38;

/// The facts about one failed execution that every report shows.
pub(crate) struct Context<'a> {
    pub execution: &'a Execution,
    pub schedule: &'a Schedule,
    /// 1-based number of the execution in the exploration.
    pub number: u64,
    pub preemptions: usize,
    /// Keep the execution as a Chrome trace in the failure (`WEFT_TRACE_FILE`).
    pub export_trace: bool,
    /// The schedule is a simplification of the one the exploration found failing.
    pub simplified: bool,
    /// Events to mark in the drawing, with the mark (indices past the trace mark nothing).
    pub marks: &'a [(usize, &'static str)],
    /// How the explorer came to this execution (samplers: their seed), asked only when the
    /// execution failed.
    pub found_by: &'a dyn Fn() -> Option<String>,
}

pub(crate) fn failure(
    kind: FailureKind,
    headline: &str,
    details: &[String],
    cx: &Context<'_>,
) -> Failure {
    let mut text = format!("weft: {headline}\n");
    for line in details {
        let _ = writeln!(text, "  {line}");
    }
    let signature = text.clone();
    let e = cx.execution;
    let steps = cx.schedule.threads.len();
    let _ = writeln!(
        text,
        "interleaving (execution {}{}, {} preemption{}, {} step{}):",
        cx.number,
        if cx.simplified { " simplified" } else { "" },
        cx.preemptions,
        plural(cx.preemptions),
        steps,
        plural(steps)
    );
    text.push_str(&draw(e, cx.marks));
    text.push_str(&origins(e));
    if let Some(line) = (cx.found_by)() {
        let _ = writeln!(text, "{line}");
    }
    let schedule = cx.schedule.encode();
    let _ = writeln!(text, "replay: {}", replay_command(&schedule));
    let mut failure = Failure::new(kind, text, schedule);
    failure.signature = signature;
    failure.preemptions = cx.preemptions;
    failure.steps = steps;
    if cx.export_trace {
        failure.trace = Some(trace_file::chrome_json(e, cx.number, cx.marks));
    }
    failure
}

/// A failure that has no execution behind it (the replay input itself is wrong).
pub(crate) fn invalid_schedule(text: &str, reason: &str) -> Failure {
    let shown: String = text.chars().take(80).collect();
    let report = format!(
        "weft: invalid schedule string {shown:?}: {reason}\n  (a schedule comes from a weft report's \
         `replay:` line; WEFT_REPLAY or weft::replay must get it whole)\n"
    );
    Failure::new(FailureKind::InvalidSchedule, report, String::new())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `lost_update.rs:21`.
pub(crate) fn short_site(site: Site) -> String {
    let file = Path::new(site.file())
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or(site.file());
    format!("{file}:{}", site.line())
}

pub(crate) fn event_label(event: &Event) -> String {
    let object = event.object.map(|o| format!("#{o}")).unwrap_or_default();
    match event.kind {
        EventKind::Start => "start".into(),
        EventKind::Finish { panicked: false } => "exit".into(),
        EventKind::Finish { panicked: true } => "panicked".into(),
        EventKind::Yield => "yield".into(),
        EventKind::Spawn { child } => format!("spawn thread {child}"),
        EventKind::Join { target } => format!("join thread {target}"),
        EventKind::Load {
            value, stale: true, ..
        } => format!("load {object} = {value} (stale)"),
        EventKind::Load { value, .. } => format!("load {object} = {value}"),
        EventKind::Store {
            value, early: true, ..
        } => format!("store {object} = {value} (before a later one)"),
        EventKind::Store { value, .. } => format!("store {object} = {value}"),
        EventKind::Rmw { old, new, .. } => format!("rmw {object} {old}->{new}"),
        EventKind::CompareExchangeFailed { actual, .. } => {
            format!("cas {object} failed ({actual})")
        }
        EventKind::Fence { order } => format!("fence {order:?}"),
        EventKind::Lock => format!("lock {object}"),
        EventKind::TryLock { acquired: true } => format!("try_lock {object} ok"),
        EventKind::TryLock { acquired: false } => format!("try_lock {object} failed"),
        EventKind::Unlock => format!("unlock {object}"),
        EventKind::Sync { op, outcome, .. } => {
            let what = match op {
                OpKind::CondvarRegister => "wait".to_string(),
                OpKind::CondvarWait { .. } => "woken".to_string(),
                OpKind::AwaitTaken(_) => "send taken".to_string(),
                OpKind::BarrierWait(_) => "barrier passed".to_string(),
                other => other.describe(),
            };
            let outcome = match (op, outcome) {
                (_, SyncOutcome::Done) => String::new(),
                (_, SyncOutcome::Failed) => " failed".to_string(),
                (_, SyncOutcome::TimedOut) => " timed out".to_string(),
                (_, SyncOutcome::Disconnected) => " disconnected".to_string(),
                (OpKind::Notify { .. }, SyncOutcome::Value(n)) => format!(" (woke {n})"),
                (OpKind::BarrierArrive, SyncOutcome::Value(1)) => " (leader)".to_string(),
                (OpKind::BarrierArrive, SyncOutcome::Value(_)) => String::new(),
                (_, SyncOutcome::Value(ticket)) => format!(" msg {ticket}"),
            };
            format!("{what} {object}{outcome}")
        }
        EventKind::CellRead => format!("read {object}"),
        EventKind::UnsyncLoad { value } => format!("unsync_load {object} = {value}"),
        EventKind::CellWrite => format!("write {object}"),
    }
}

fn cell(event: &Event) -> String {
    let mut text = match event.kind {
        // A thread ends where its closure returns or its panic (named in the headline) was.
        EventKind::Finish { .. } => event_label(event),
        _ => format!("{}  {}", event_label(event), short_site(event.site)),
    };
    if text.chars().count() > MAX_CELL {
        text = text.chars().take(MAX_CELL - 1).collect::<String>() + "…";
    }
    text
}

/// One column per thread, one row per event (thread starts omitted), then a row for each
/// thread left waiting at an operation it cannot perform.
fn draw(e: &Execution, marks: &[(usize, &str)]) -> String {
    let observed = observed_refcounts(e);
    let events: Vec<usize> = (0..e.events.len())
        .filter(|&i| {
            let event = &e.events[i];
            event.kind != EventKind::Start && !routine_refcount(event, &observed)
        })
        .collect();
    let skipped = events.len().saturating_sub(MAX_ROWS);
    let mut rows: Vec<(ThreadId, String, String)> = events[skipped..]
        .iter()
        .map(|&i| {
            let mark = marks
                .iter()
                .find(|(event, _)| *event == i)
                .map_or(String::new(), |(_, mark)| format!("   <-- {mark}"));
            (e.events[i].thread, cell(&e.events[i]), mark)
        })
        .collect();
    rows.extend(blocked_rows(e));
    let columns = e.threads.len();
    let mut widths: Vec<usize> = (0..columns)
        .map(|t| e.thread_label(t).chars().count())
        .collect();
    for (thread, text, _) in &rows {
        widths[*thread] = widths[*thread].max(text.chars().count());
    }
    let line = |row_thread: Option<ThreadId>, text: &str, suffix: &str| {
        let mut row = String::from("  ");
        for (t, width) in widths.iter().enumerate() {
            let label = e.thread_label(t);
            let cell = match row_thread {
                None => label.as_str(),
                Some(thread) if thread == t => text,
                Some(_) => "",
            };
            let pad = width.saturating_sub(cell.chars().count());
            let sep = if t + 1 == columns { "" } else { " | " };
            let _ = write!(row, "{cell}{}{sep}", " ".repeat(pad));
        }
        format!("{}{suffix}\n", row.trim_end())
    };
    let mut out = line(None, "", "");
    if skipped > 0 {
        let _ = writeln!(out, "  ... {skipped} earlier operations not shown");
    }
    for (thread, text, suffix) in &rows {
        out.push_str(&line(Some(*thread), text, suffix));
    }
    out
}

/// Allocations whose counts an `upgrade`, claim or count query looked at. Other
/// reference-count events (every `Arc` clone and drop) are left out of the drawing.
fn observed_refcounts(e: &Execution) -> Vec<Option<u32>> {
    let mut observed: Vec<Option<u32>> = e
        .events
        .iter()
        .filter(|event| {
            matches!(
                event.kind,
                EventKind::Sync {
                    op: OpKind::RefCount(CountOp::Upgrade | CountOp::Claim { .. } | CountOp::Count),
                    ..
                }
            )
        })
        .map(|event| event.object)
        .collect();
    observed.sort_unstable();
    observed.dedup();
    observed
}

fn routine_refcount(event: &Event, observed: &[Option<u32>]) -> bool {
    matches!(
        event.kind,
        EventKind::Sync {
            op: OpKind::RefCount(_),
            ..
        }
    ) && observed.binary_search(&event.object).is_err()
}

/// `blocked: recv #0  lifetimes.rs:16` for each thread waiting at a disabled operation.
fn blocked_rows(e: &Execution) -> Vec<(ThreadId, String, String)> {
    (0..e.threads.len())
        .filter_map(|t| {
            let thread = &e.threads[t];
            let op = thread
                .pending
                .filter(|op| !thread.finished && !e.is_enabled(t, op))?;
            let object = op.object.map(|o| format!(" #{o}")).unwrap_or_default();
            let mut text = format!(
                "blocked: {}{object}  {}",
                op.describe(),
                short_site(op.site)
            );
            if text.chars().count() > MAX_CELL {
                text = text.chars().take(MAX_CELL - 1).collect::<String>() + "…";
            }
            Some((t, text, String::new()))
        })
        .collect()
}

/// Where each spawned thread and each object in the execution came from.
fn origins(e: &Execution) -> String {
    let mut out = String::new();
    for (t, thread) in e.threads.iter().enumerate().skip(1) {
        if let Some(parent) = thread.parent {
            let _ = writeln!(
                out,
                "  {} spawned by {} at {}",
                e.thread_label(t),
                e.thread_label(parent),
                thread.start_site
            );
        }
    }
    for (i, object) in e.objects.infos().enumerate() {
        let _ = writeln!(out, "  {}", object.describe(i));
    }
    if out.is_empty() {
        out
    } else {
        format!("where:\n{out}")
    }
}

std::thread_local! {
    /// The test a helper thread's job runs for, once `as_test` set it (`None` inside: the
    /// job's caller ran outside a test).
    static TEST_NAME: std::cell::RefCell<Option<Option<String>>> =
        const { std::cell::RefCell::new(None) };
}

/// The name of the test running on this thread: libtest names each test's thread after
/// it; a helper thread takes its caller's (`as_test`). `None` outside a test.
pub(crate) fn test_name() -> Option<String> {
    TEST_NAME.with_borrow(Clone::clone).unwrap_or_else(|| {
        let current = std::thread::current();
        current.name().filter(|n| *n != "main").map(str::to_string)
    })
}

/// Runs `f` on this (helper) thread as part of test `name` (see `test_name`).
pub(crate) fn as_test<T>(name: Option<String>, f: impl FnOnce() -> T) -> T {
    /// Puts the name back however `f` ends.
    struct Restore(Option<Option<String>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let before = self.0.take();
            let _ = TEST_NAME.try_with(|n| n.replace(before));
        }
    }
    let _restore = Restore(TEST_NAME.replace(Some(name)));
    f()
}

/// The one-line command that replays `schedule` in the program running now.
pub(crate) fn replay_command(schedule: &str) -> String {
    let mut env = format!("WEFT_REPLAY={schedule}");
    if let Some(bound) = crate::config::env::preemption_bound_setting() {
        env = format!("{bound} {env}");
    }
    let program = std::env::args().next().unwrap_or_default();
    let path = Path::new(&program);
    if let Some(test) = test_name() {
        return format!("{env} cargo test --features permute -- {test} --exact");
    }
    if cfg!(fuzzing) {
        // A cargo-fuzz target (a test under `cargo bolero test` was named above): with
        // WEFT_REPLAY set, its first input replays the schedule.
        let target = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("<target>");
        return format!("{env} cargo fuzz run {target} -- -runs=1");
    }
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|f| f.to_str());
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    match folder {
        Some("examples") => {
            let name = strip_hash(stem);
            let args: Vec<String> = std::env::args().skip(1).collect();
            let args = if args.is_empty() {
                String::new()
            } else {
                format!(" -- {}", args.join(" "))
            };
            format!("{env} cargo run --features permute --example {name}{args}")
        }
        Some("deps") => format!("{env} cargo test --features permute"),
        _ => format!("{env} {program}"),
    }
}

/// `lost_update-1a2b3c4d5e6f7a8b` -> `lost_update`.
fn strip_hash(stem: &str) -> &str {
    match stem.rsplit_once('-') {
        Some((name, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            name
        }
        _ => stem,
    }
}

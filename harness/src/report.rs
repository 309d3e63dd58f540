//! The report a user reads: what failed, the interleaving that made it fail drawn one column
//! per thread, where threads and objects came from, and the line that replays it.
//!
//! Invariant: every report of an explored execution ends with the schedule string inside a
//! complete replay command, preceded by the explorer's own line when it has one (a sampler's
//! seed); the drawing shows events in the order they ran.

use std::fmt::Write;
use std::path::Path;

use crate::failure::{Failure, FailureKind};
use crate::runtime::execution::Execution;
use crate::runtime::op::{Event, EventKind, Site};
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
    /// Event to mark in the drawing.
    pub marked: Option<usize>,
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
    let e = cx.execution;
    let steps = e.events.last().map_or(0, |ev| ev.step + 1);
    let _ = writeln!(
        text,
        "interleaving (execution {}, {} preemption{}, {} step{}):",
        cx.number,
        cx.preemptions,
        plural(cx.preemptions),
        steps,
        plural(steps)
    );
    text.push_str(&draw(e, cx.marked));
    text.push_str(&origins(e));
    if let Some(line) = (cx.found_by)() {
        let _ = writeln!(text, "{line}");
    }
    let schedule = cx.schedule.encode();
    let _ = writeln!(text, "replay: {}", replay_command(&schedule));
    Failure::new(kind, text, schedule)
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

fn label(event: &Event) -> String {
    let object = event.object.map(|o| format!("#{o}")).unwrap_or_default();
    match event.kind {
        EventKind::Start => "start".into(),
        EventKind::Finish { panicked: false } => "exit".into(),
        EventKind::Finish { panicked: true } => "panicked".into(),
        EventKind::Yield => "yield".into(),
        EventKind::Spawn { child } => format!("spawn thread {child}"),
        EventKind::Join { target } => format!("join thread {target}"),
        EventKind::Load { value, .. } => format!("load {object} = {value}"),
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
    }
}

fn cell(event: &Event) -> String {
    let mut text = match event.kind {
        // A thread ends where its closure returns or its panic (named in the headline) was.
        EventKind::Finish { .. } => label(event),
        _ => format!("{}  {}", label(event), short_site(event.site)),
    };
    if text.chars().count() > MAX_CELL {
        text = text.chars().take(MAX_CELL - 1).collect::<String>() + "…";
    }
    text
}

/// One column per thread, one row per event (thread starts omitted).
fn draw(e: &Execution, marked: Option<usize>) -> String {
    let rows: Vec<usize> = (0..e.events.len())
        .filter(|&i| e.events[i].kind != EventKind::Start)
        .collect();
    let skipped = rows.len().saturating_sub(MAX_ROWS);
    let rows = &rows[skipped..];
    let columns = e.threads.len();
    let mut widths: Vec<usize> = (0..columns)
        .map(|t| e.thread_label(t).chars().count())
        .collect();
    for &i in rows {
        let event = &e.events[i];
        widths[event.thread] = widths[event.thread].max(cell(event).chars().count());
    }
    let mut out = String::new();
    let line = |cells: &mut dyn Iterator<Item = (usize, String)>, suffix: &str| {
        let mut row = String::from("  ");
        for (t, text) in cells {
            let pad = widths[t].saturating_sub(text.chars().count());
            let sep = if t + 1 == columns { "" } else { " | " };
            let _ = write!(row, "{text}{}{sep}", " ".repeat(pad));
        }
        format!("{}{suffix}\n", row.trim_end())
    };
    out.push_str(&line(&mut (0..columns).map(|t| (t, e.thread_label(t))), ""));
    if skipped > 0 {
        let _ = writeln!(out, "  ... {skipped} earlier operations not shown");
    }
    for &i in rows {
        let event = &e.events[i];
        let mut cells = (0..columns).map(|t| {
            (
                t,
                if t == event.thread {
                    cell(event)
                } else {
                    String::new()
                },
            )
        });
        let suffix = if marked == Some(i) { "   <-- here" } else { "" };
        out.push_str(&line(&mut cells, suffix));
    }
    out
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
    for (i, object) in e.objects.iter().enumerate() {
        let _ = writeln!(out, "  {}", object.describe(i));
    }
    if out.is_empty() {
        out
    } else {
        format!("where:\n{out}")
    }
}

/// The one-line command that replays `schedule` in the program running now.
pub(crate) fn replay_command(schedule: &str) -> String {
    let env = format!("WEFT_REPLAY={schedule}");
    let program = std::env::args().next().unwrap_or_default();
    let path = Path::new(&program);
    if let Some(test) = std::thread::current().name().filter(|n| *n != "main") {
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

//! What a user sees besides the report: the per-operation log (`Builder::log`, `WEFT_LOG`)
//! through `tracing`, and the failing execution as a Chrome trace file (`trace_file`).
#![cfg(feature = "permute")]

mod common;

use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use weft::{Builder, FailureKind};

/// Keeps the message of every event whose target is `weft`.
#[derive(Clone, Default)]
struct Collect(Arc<Mutex<Vec<String>>>);

struct Message<'a>(&'a mut String);

impl Visit for Message<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            *self.0 = format!("{value:?}");
        }
    }
}

impl Subscriber for Collect {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == "weft"
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut message = String::new();
        event.record(&mut Message(&mut message));
        self.0.lock().unwrap().push(message);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[test]
fn log_reports_every_operation_to_the_programs_subscriber() {
    let collect = Collect::default();
    let stats = tracing::subscriber::with_default(collect.clone(), || {
        Builder::new().log(true).explore(common::ainc(2)).unwrap()
    });
    assert_eq!(stats.executions, 2);
    let lines = collect.0.lock().unwrap().clone();
    let begins: Vec<&String> = lines.iter().filter(|l| l.ends_with(" begins")).collect();
    assert_eq!(begins.len(), 2, "{lines:#?}");
    assert!(begins[0].starts_with("execution 1"), "{lines:#?}");
    let rmws = lines.iter().filter(|l| l.contains("rmw #0")).count();
    assert_eq!(
        rmws, 4,
        "two fetch_adds in each of two executions: {lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("thread 1") && l.contains("tests/common/mod.rs:")),
        "{lines:#?}"
    );
}

#[test]
fn log_is_off_by_default() {
    let collect = Collect::default();
    tracing::subscriber::with_default(collect.clone(), || {
        Builder::new().explore(common::ainc(2)).unwrap()
    });
    assert!(collect.0.lock().unwrap().is_empty());
}

#[test]
fn trace_file_holds_the_failing_execution_as_chrome_json() {
    let path = std::env::temp_dir().join(format!("weft-trace-{}.json", std::process::id()));
    let failure = Builder::new()
        .trace_file(&path)
        .explore(common::lost_update)
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    let report = failure.to_string();
    let note = format!(
        "trace: {} (open it in https://ui.perfetto.dev)",
        path.display()
    );
    assert!(report.contains(&note), "{report}");
    assert!(
        report.lines().last().unwrap().starts_with("replay: "),
        "{report}"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let events = json["traceEvents"].as_array().unwrap();
    let names: Vec<&str> = events
        .iter()
        .filter(|e| e["name"] == "thread_name")
        .map(|e| e["args"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["main", "thread 1"]);
    let slices: Vec<&serde_json::Value> = events.iter().filter(|e| e["ph"] == "X").collect();
    // Slices are laid out in execution order, one microsecond each.
    for (i, slice) in slices.iter().enumerate() {
        assert_eq!(slice["ts"].as_u64(), Some(i as u64));
        assert!(slice["args"]["site"].as_str().unwrap().contains(".rs:"));
    }
    assert!(slices
        .iter()
        .any(|s| s["name"].as_str().unwrap().starts_with("store #0 = ")));
    let marked: Vec<&&serde_json::Value> = slices
        .iter()
        .filter(|s| s["args"]["mark"] == "here")
        .collect();
    assert_eq!(marked.len(), 1);
    assert_eq!(marked[0]["name"], "panicked");
}

#[test]
fn trace_file_that_cannot_be_written_is_noted_not_fatal() {
    let path = std::env::temp_dir()
        .join("weft-no-such-directory")
        .join("trace.json");
    let failure = Builder::new()
        .trace_file(&path)
        .explore(common::lost_update)
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    assert!(
        failure
            .to_string()
            .contains(&format!("trace: could not write {}", path.display())),
        "{failure}"
    );
}

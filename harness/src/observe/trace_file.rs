//! `WEFT_TRACE_FILE`: the failing execution as a Chrome trace-event JSON file, which
//! Perfetto (ui.perfetto.dev) and chrome://tracing open: one track per model thread, one
//! slice per operation in the order they ran (one microsecond per event, so the time axis is
//! the interleaving), marked operations flagged in their arguments.
//!
//! Invariant: the output is valid JSON for any thread name, site or label (all strings are
//! escaped), and writing it never changes the failure it describes, only adds a note to it.

use std::fmt::Write;
use std::path::Path;

use crate::failure::Failure;
use crate::report;
use crate::runtime::execution::Execution;

/// The trace of execution `number`, with `marks` (event index, mark) flagged.
pub(crate) fn chrome_json(e: &Execution, number: u64, marks: &[(usize, &str)]) -> String {
    let mut out = String::from("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
    let _ = write!(
        out,
        "{{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":\"process_name\",\"args\":{{\"name\":{}}}}}",
        quote(&format!("weft execution {number}"))
    );
    for t in 0..e.threads.len() {
        let _ = write!(
            out,
            ",\n{{\"ph\":\"M\",\"pid\":1,\"tid\":{t},\"name\":\"thread_name\",\"args\":{{\"name\":{}}}}}",
            quote(&e.thread_label(t))
        );
        let _ = write!(
            out,
            ",\n{{\"ph\":\"M\",\"pid\":1,\"tid\":{t},\"name\":\"thread_sort_index\",\"args\":{{\"sort_index\":{t}}}}}"
        );
    }
    for (i, event) in e.events.iter().enumerate() {
        let mark = marks
            .iter()
            .find(|(m, _)| *m == i)
            .map(|(_, mark)| format!(",\"mark\":{}", quote(mark)))
            .unwrap_or_default();
        let _ = write!(
            out,
            ",\n{{\"ph\":\"X\",\"pid\":1,\"tid\":{},\"ts\":{i},\"dur\":1,\"cat\":\"weft\",\
             \"name\":{},\"args\":{{\"step\":{},\"site\":{}{mark}}}}}",
            event.thread,
            quote(&report::event_label(event)),
            event.step,
            quote(&event.site.to_string())
        );
    }
    out.push_str("\n]}\n");
    out
}

/// Writes `failure`'s trace to `path` and notes in its report where it went (or why not).
pub(crate) fn write(failure: &mut Failure, path: &Path) {
    let Some(trace) = failure.trace.take() else {
        return;
    };
    let note = match std::fs::write(path, trace) {
        Ok(()) => format!(
            "trace: {} (open it in https://ui.perfetto.dev)",
            path.display()
        ),
        Err(error) => format!("trace: could not write {}: {error}", path.display()),
    };
    failure.add_note(&note);
}

/// A JSON string literal.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(quote("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
        assert_eq!(quote("thread 2 \"w\""), "\"thread 2 \\\"w\\\"\"");
    }
}

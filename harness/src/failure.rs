//! What an exploration produces: `Stats` when every explored execution passed, a `Failure`
//! (kind, full report text, replayable schedule) for the first one that did not.
//!
//! Invariant: a `Failure` is a plain value. Nothing here panics; only `Builder::check` turns a
//! failure into one panic carrying `Display` of the failure.

use std::fmt;

/// The class of a failed execution.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// A model thread panicked (an assertion failed, an `unwrap` on `None`, ...).
    Panic,
    /// Two unordered accesses to one cell, at least one a write.
    DataRace,
    /// No thread can run and the main thread has not finished.
    Deadlock,
    /// The main closure returned while a thread stays blocked forever.
    LeakedThread,
    /// An execution ran more than `max_steps` scheduling points.
    Livelock,
    /// A value was still allocated when the execution ended.
    Leak,
    /// Re-running a recorded schedule produced a different sequence of operations.
    Nondeterminism,
    /// The schedule string given to replay is not one weft wrote (cut short, altered).
    InvalidSchedule,
    /// The checkpoint file to resume from is damaged or was written for another test or
    /// other settings.
    InvalidCheckpoint,
}

impl FailureKind {
    /// A short lowercase name, used in report headlines.
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::Panic => "panic",
            FailureKind::DataRace => "data race",
            FailureKind::Deadlock => "deadlock",
            FailureKind::LeakedThread => "leaked thread",
            FailureKind::Livelock => "livelock",
            FailureKind::Leak => "leak",
            FailureKind::Nondeterminism => "nondeterminism",
            FailureKind::InvalidSchedule => "invalid schedule",
            FailureKind::InvalidCheckpoint => "invalid checkpoint",
        }
    }
}

/// Counters of one exploration.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Executions that ran to their end (each one a distinct interleaving under DPOR; under
    /// a preemption bound, those of the bounded search and of the unbounded exploration
    /// raced with it together, see `Builder::preemption_bound`).
    pub executions: u64,
    /// Executions abandoned because every runnable thread was in the sleep set, or (under a
    /// preemption bound) because they reached a state already explored with as few
    /// preemptions: they would only have repeated what was explored. Counted apart from
    /// `executions`.
    pub blocked: u64,
    /// True when the whole space (within the preemption bound) was explored; false when a
    /// limit (`max_executions`, `max_duration`) stopped the exploration first.
    pub complete: bool,
    /// The most scheduling points any execution took.
    pub max_steps: usize,
    /// Concurrency coverage of a `Strategy::Bytes` execution (empty for other strategies):
    /// one hash per dependence edge between threads — thread A's access at one source
    /// location, then another thread's conflicting access to the same object at another —
    /// listed once per occurrence. Fuzz targets hand it to the fuzzer as extra coverage
    /// (`fuzz/fuzz_targets/treiber_aba_orders.rs`), so that inputs reaching new orders of
    /// racing operations are kept even when they run no new code.
    pub interleaving: Vec<u32>,
    /// The most memory, in bytes, the wakeup trees of an exhaustive exploration took at
    /// once (measured after each execution; with several workers, the largest worker's).
    pub wakeup_bytes: usize,
    /// The wakeup trees reached `Builder::wakeup_memory`, and the exploration went on in
    /// part as source-DPOR, whose runs may end sleep-set blocked.
    pub wakeup_over_budget: bool,
    /// The distinct execution graphs among the complete executions, when
    /// `Builder::count_graphs` is on (`None` otherwise): equal to `executions` when no graph
    /// ran twice.
    pub graphs: Option<u64>,
}

/// The first failing execution of an exploration.
#[derive(Clone)]
#[cfg_attr(not(feature = "engine"), allow(dead_code))]
pub struct Failure {
    kind: FailureKind,
    report: String,
    schedule: String,
    /// What failed, without the interleaving: two failures with the same signature failed
    /// the same way (the shortener keeps it while simplifying the schedule).
    pub(crate) signature: String,
    pub(crate) preemptions: usize,
    pub(crate) steps: usize,
    /// The execution as a Chrome trace, when `WEFT_TRACE_FILE` asks for it.
    pub(crate) trace: Option<String>,
}

impl Failure {
    /// A failure whose report text is already written; `schedule` replays it (may be empty
    /// when the failure did not come from an explored execution).
    pub fn new(kind: FailureKind, report: String, schedule: String) -> Failure {
        Failure {
            kind,
            signature: String::new(),
            report,
            schedule,
            preemptions: 0,
            steps: 0,
            trace: None,
        }
    }

    /// Adds a line to the report, before its closing `replay:` line.
    #[cfg(feature = "engine")]
    pub(crate) fn add_note(&mut self, line: &str) {
        let at = self.report.rfind("replay: ").unwrap_or(self.report.len());
        self.report.insert_str(at, &format!("{line}\n"));
    }

    /// What went wrong.
    pub fn kind(&self) -> FailureKind {
        self.kind
    }

    /// The schedule string that replays this execution (`weft::replay`, `WEFT_REPLAY`).
    pub fn schedule(&self) -> &str {
        &self.schedule
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report)
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Failure")
            .field("kind", &self.kind)
            .field("schedule", &self.schedule)
            .finish_non_exhaustive()?;
        write!(f, "\n{}", self.report)
    }
}

impl std::error::Error for Failure {}

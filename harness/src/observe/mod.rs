//! What a user sees of an exploration besides the report: the per-operation log
//! (`WEFT_LOG`), the progress line of long explorations, the failing execution written as
//! a trace file (`WEFT_TRACE_FILE`), a word on a model thread that stalls (`WEFT_STALL`),
//! and the count of distinct execution graphs (`WEFT_COUNT_GRAPHS`).
//!
//! Invariant: none of it changes what is explored; with everything off, the cost is a
//! branch per step and per execution.

pub(crate) mod graph_count;
pub(crate) mod log;
pub(crate) mod progress;
pub(crate) mod stall;
pub(crate) mod trace_file;

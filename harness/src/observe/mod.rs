//! What a user sees of an exploration besides the report: the per-operation log
//! (`WEFT_LOG`), the progress line of long explorations, the failing execution written as
//! a trace file (`WEFT_TRACE_FILE`), and a word on a model thread that stalls (`WEFT_STALL`).
//!
//! Invariant: none of it changes what is explored; with everything off, the cost is a
//! branch per step and per execution.

pub(crate) mod log;
pub(crate) mod progress;
pub(crate) mod stall;
pub(crate) mod trace_file;

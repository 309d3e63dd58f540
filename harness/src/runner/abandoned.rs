//! How many stacks of suspended threads this process has abandoned, and when to stop adding
//! to them for a report's sake.
//!
//! A failing execution's suspended threads are never resumed, so their coroutine stacks stay
//! mapped for the rest of the process (two mappings each: the stack and its guard page).
//! Exploring stops at its first failure, but the report shortener runs up to
//! `shorten::BUDGET` candidate executions, and every candidate that fails leaves its stuck
//! threads too. A process that finds thousands of deadlocks would reach the system's limit
//! on mappings (`vm.max_map_count`), where creating any thread aborts the process. So past a
//! budget, reports are kept as found instead of shortened.
//!
//! Invariant: `ABANDONED` only grows; shortening runs only while it is under `budget()`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use crate::config::env::{env_parsed, parse_number, Var};

static ABANDONED: AtomicUsize = AtomicUsize::new(0);

/// Counts `stacks` more abandoned stacks.
pub(crate) fn add(stacks: usize) {
    ABANDONED.fetch_add(stacks, Ordering::Relaxed);
}

/// The stacks abandoned so far in this process.
pub(crate) fn count() -> usize {
    ABANDONED.load(Ordering::Relaxed)
}

/// Whether reports may still be shortened: the abandoned stacks are under the budget.
pub(crate) fn may_shorten() -> bool {
    count() < budget()
}

/// Abandoned stacks past which reports are no longer shortened: `WEFT_MAX_LEAKED_STACKS`,
/// else an eighth of `vm.max_map_count` (a quarter of the mappings, two per stack), else
/// 8,000.
fn budget() -> usize {
    static BUDGET: OnceLock<usize> = OnceLock::new();
    *BUDGET.get_or_init(|| {
        if let Some(stacks) = env_parsed(Var::MaxLeakedStacks, parse_number) {
            return usize::try_from(stacks).unwrap_or(usize::MAX);
        }
        std::fs::read_to_string("/proc/sys/vm/max_map_count")
            .ok()
            .and_then(|text| text.trim().parse::<usize>().ok())
            .map_or(8_000, |maps| maps / 8)
    })
}

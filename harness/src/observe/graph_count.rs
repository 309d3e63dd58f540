//! Counting the distinct execution graphs of an exploration (`Builder::count_graphs`): every
//! complete execution's graph fingerprint (`Execution::graph_fingerprint`) goes into one
//! set that all the exploration's workers share, so the count is that of the union however
//! the executions were divided among them.
//!
//! Invariant: only complete executions are recorded (not sleep-set-blocked ones, nor those
//! another worker or shard takes), each once per run, and recording never changes what is
//! explored.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use crate::runtime::execution::Execution;

/// The fingerprints recorded so far.
#[derive(Clone, Debug, Default)]
pub(crate) struct GraphCount(Arc<Mutex<HashSet<u64>>>);

impl GraphCount {
    /// Records `execution`'s graph.
    pub(crate) fn record(&self, execution: &Execution) {
        let fingerprint = execution.graph_fingerprint();
        self.lock().insert(fingerprint);
    }

    /// The distinct graphs recorded.
    pub(crate) fn total(&self) -> u64 {
        self.lock().len() as u64
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<u64>> {
        // A worker that panicked left a consistent set: every update is one insert.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

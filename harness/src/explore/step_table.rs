//! One copy of each distinct step summary of an exploration, for wakeup trees and for the
//! bounded search's record of what steps did (`dpor::repeats`).
//!
//! Reversals repeat the steps of the current execution, and executions repeat each other's
//! steps: a program has few distinct steps (a thread, what it touched), and wakeup trees
//! queue many of them. So a queued step is a 4-byte index (`StepId`) into this table, not
//! the summary itself, and the trees' memory no longer grows with the summaries' size.
//!
//! Invariant: an id, once given, names the same summary until the table is cleared, which
//! happens only between explorations; `intern` of an equal summary returns the same id.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::step_summary::StepSummary;

/// A step summary's index in its exploration's `StepTable`.
pub(crate) type StepId = u32;

#[derive(Debug, Default)]
pub(crate) struct StepTable {
    summaries: Vec<StepSummary>,
    ids: HashMap<StepSummary, StepId, BuildHasherDefault<StepHasher>>,
}

impl StepTable {
    /// The id of `summary`, given now if the table has no equal one yet.
    pub(crate) fn intern(&mut self, summary: StepSummary) -> StepId {
        let summaries = &mut self.summaries;
        *self.ids.entry(summary).or_insert_with(|| {
            summaries.push(summary);
            StepId::try_from(summaries.len() - 1).expect("fewer than 2^32 distinct steps")
        })
    }

    #[inline]
    pub(crate) fn get(&self, id: StepId) -> &StepSummary {
        &self.summaries[id as usize]
    }

    /// The bytes the table takes (its hash map's control bytes left out).
    pub(crate) fn bytes(&self) -> usize {
        let summary = std::mem::size_of::<StepSummary>();
        let entry = std::mem::size_of::<(StepSummary, StepId)>();
        self.summaries.capacity() * summary + self.ids.capacity() * entry
    }

    pub(crate) fn clear(&mut self) {
        self.summaries.clear();
        self.ids.clear();
    }
}

/// A multiply-and-rotate hash of the few words `StepSummary` feeds it: interning runs for
/// every step of every execution with races, where SipHash's cost showed.
#[derive(Default)]
pub(crate) struct StepHasher(u64);

impl Hasher for StepHasher {
    fn finish(&self) -> u64 {
        // The multiplications leave their entropy in the high bits; the table indexes by
        // the low ones.
        self.0 ^ (self.0 >> 32)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(23) ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

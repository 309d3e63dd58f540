//! Splitting one exhaustive exploration into independent units, so that worker threads
//! (`Builder::jobs`), machines (`Builder::shard`) and resumed runs (`Builder::checkpoint`)
//! can each take some of them.
//!
//! The idea: above a cut, DPOR branches on every thread that is schedulable and not asleep
//! (sleep sets alone, as in Godefroid's selective search), and races whose earlier event lies
//! above the cut are not reversed there. The cut lies after scheduling points that have two
//! or more threads to choose from, `depth` of them on the first branches and, for shards,
//! fewer on later ones (`Split::depth`); a thread that has not started starts above the cut
//! without a choice (its start runs no operation). Below it, each prefix of choices is a
//! *unit*: optimal DPOR from the state the prefix reaches, with the sleep set the prefix
//! leaves. A unit's exploration depends only on its prefix, never on
//! which other units were explored, so units can be explored in any order, by anyone, and
//! the units together cover every Mazurkiewicz trace, each once.
//!
//! Two consequences. A race whose earlier event lies above the cut may need more than one
//! step moved before it, which branching on single steps does not do; the unit where that
//! reversal lives is one where the earlier event's thread sleeps since above the cut, so
//! such an *inherited* sleeper does not stand for a reversal there (`dpor::races`). And a
//! prefix whose every continuation repeats a trace explored under a sibling ends sleep-set
//! blocked.
//!
//! Against the second, a node above the cut branches only on the threads whose next
//! operation looks contended in a probe execution (`contended`), the *loud* ones, first;
//! once none is left, the node's remaining traces (those that none of its branches so far
//! starts) are one unit rooted at the node, explored by DPOR from there like any other, its
//! branches so far taken for inherited sleepers. Branched on one by one, *quiet* threads
//! would each put the next to sleep for good (nothing conflicts with its step), and all but
//! the first of their prefixes would end blocked: indexer(13) ran 13 such runs beside its 64
//! executions, and none now. Whether a thread looks quiet decides only how the traces are
//! divided into units, never which are explored, so a probe that guesses wrong costs runs,
//! not traces (the differential tests take arbitrary objects for quiet:
//! `Builder::split_quiet`).
//!
//! And a node where a thread that could run sleeps with nobody left to wake it, as the probe
//! saw the threads (`Futures`), roots one unit too: every run from there ends blocked, and
//! branching on its threads would only deal out more units where all runs do (a wrong guess,
//! again, costs runs, not traces).
//!
//! A unit is named by its key: at each node above the cut, the position of its choice
//! among the choices made there (0 = the first tried). Keys in lexicographic order are the
//! order a single worker explores the units in, so the failure of the least failing key is
//! the failure one worker would report first, however many workers there are.
//!
//! Units go to shards by a deterministic balancing rule (`balance`): every explorer walks
//! every unit's prefix in key order and gives each unit to the shard with the least
//! estimated work so far. For shards, where the cut lies depends on the prefix
//! (`Split::depth`): the first branches, which hold most executions, are cut deeper than
//! later ones, which hold fewer and, cut as deep, would leave many more prefixes
//! sleep-set blocked.
//!
//! Invariant: a unit is explored by at most one worker of one exploration (`Shared::claim`),
//! only by the shard `balance` gives it, and never again once a checkpoint lists it done.

mod balance;
mod futures;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

pub(crate) use balance::{estimate, Balance};
pub(crate) use futures::Futures;

/// The choices above the cut that lead to a unit: one position per node above the cut.
pub(crate) type UnitKey = Vec<u32>;

/// `k` of `n`: this run explores the units `balance` gives shard `k` of `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shard {
    pub index: u32,
    pub count: u32,
}

/// FNV-1a's offset basis: the hash of no bytes.
pub(crate) const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a: `hash` extended by `bytes` (stable across platforms and Rust versions, unlike
/// std's hashers, so keys and fingerprints mean the same on every machine).
pub(crate) fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for &byte in bytes {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// What the workers of one exploration share. Touched once per unit, never per step.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    state: Mutex<SharedState>,
    /// Some unit failed: lets `failed_before` answer without the lock until then.
    any_failure: AtomicBool,
}

#[derive(Debug, Default)]
struct SharedState {
    /// Units some worker has taken (or a checkpoint lists as done).
    claimed: HashSet<UnitKey>,
    /// Units explored to their end in this run, in the order they finished.
    finished: Vec<UnitKey>,
    /// Complete and blocked executions of the units in `finished`.
    finished_runs: (u64, u64),
    /// The least key of a unit where a failure was found.
    failed: Option<UnitKey>,
}

impl Shared {
    /// Shared state for a run that resumes after the units in `done`.
    pub(crate) fn resuming(done: impl IntoIterator<Item = UnitKey>) -> Shared {
        let state = SharedState {
            claimed: done.into_iter().collect(),
            ..SharedState::default()
        };
        Shared {
            state: Mutex::new(state),
            any_failure: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SharedState> {
        // A worker that panicked left consistent sets behind: every update is one insert.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes `key` for the calling worker: false when another worker has it, a checkpoint
    /// lists it done, or a failure was already found in a unit that comes before it.
    pub(crate) fn claim(&self, key: &[u32]) -> bool {
        let mut state = self.lock();
        if state.failed.as_deref().is_some_and(|failed| failed < key) {
            return false;
        }
        state.claimed.insert(key.to_vec())
    }

    /// Unit `key` is explored to its end, with `runs` complete and blocked executions.
    pub(crate) fn finish(&self, key: UnitKey, runs: (u64, u64)) {
        let mut state = self.lock();
        state.finished.push(key);
        state.finished_runs.0 += runs.0;
        state.finished_runs.1 += runs.1;
    }

    /// Records a failure in unit `key`; true when it is the least failing unit so far.
    pub(crate) fn fail(&self, key: &[u32]) -> bool {
        let mut state = self.lock();
        let least = state.failed.as_deref().is_none_or(|failed| key < failed);
        if least {
            state.failed = Some(key.to_vec());
            self.any_failure.store(true, Ordering::Release);
        }
        least
    }

    /// Whether a failure was found in a unit before the one at `key`: whatever this worker
    /// finds from `key` on would not be reported.
    pub(crate) fn failed_before(&self, key: &[u32]) -> bool {
        self.any_failure.load(Ordering::Acquire)
            && self
                .lock()
                .failed
                .as_deref()
                .is_some_and(|failed| failed < key)
    }

    /// The units explored to their end so far in this run, with their complete and
    /// blocked executions.
    pub(crate) fn finished(&self) -> (Vec<UnitKey>, (u64, u64)) {
        let state = self.lock();
        (state.finished.clone(), state.finished_runs)
    }
}

/// Where the cut lies and who this explorer shares units with.
#[derive(Clone, Debug)]
pub(crate) struct Split {
    /// Where the cut lies: each scheduling point with a choice (two or more threads
    /// allowed) above it counts one plus `position_weight` times the position of the branch
    /// taken there (0 = the first tried), and the cut lies where they add up to `depth`.
    /// So the first branches are cut `depth` choices deep, and with a weight, later ones,
    /// which hold fewer executions (see `balance`), less.
    pub depth: usize,
    /// 1 for shards, whose units must be even, as they do not share out work as it comes;
    /// 0 for one shard, whose workers take units as they come and only need enough of them.
    pub position_weight: usize,
    pub shard: Shard,
    /// Which shard takes each unit this explorer walks past.
    pub balance: Balance,
    pub shared: std::sync::Arc<Shared>,
    /// The keys (`ObjectInfo::key`, sorted) of the objects the program's first execution
    /// accessed that no two of its threads accessed in conflicting ways. Above the cut,
    /// threads whose next operation is on one of them are not branched on one by one but
    /// make one unit (see the module docs): such a thread, once asleep, may never wake, and
    /// every prefix tried after it would then be a sleep-set-blocked unit. (Any division is
    /// sound; this one wastes fewer runs.)
    pub uncontended: std::sync::Arc<Vec<u32>>,
    /// What each thread still does on contended objects, as the probe saw it: for the
    /// estimates `balance` deals units by, and to root one unit where a thread sleeps with
    /// nobody left to wake it (`Dpor::above_cut`).
    pub futures: std::sync::Arc<Futures>,
    /// Objects taken for uncontended whatever `uncontended` says (bit `k % 64` for the
    /// object of key `k`; `Builder::split_quiet`, for tests).
    pub quiet: u64,
}

impl Split {
    /// Whether an operation on the object of key `key` (none: not an object's) may be in a
    /// race, as far as the first execution tells (one it did not access may be).
    pub(crate) fn contended(&self, key: Option<u32>) -> bool {
        key.is_none_or(|k| {
            self.quiet & (1 << (k % 64)) == 0 && self.uncontended.binary_search(&k).is_err()
        })
    }

    /// Whether this explorer takes unit `key`, the next unit in key order, estimated at
    /// `estimate` (see `balance`): its shard gets it and it wins the claim.
    pub(crate) fn take(&mut self, key: &[u32], estimate: f64) -> bool {
        self.balance.assign(estimate) == self.shard.index && self.shared.claim(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_is_taken_once_and_not_after_an_earlier_failure() {
        let shared = Shared::resuming([vec![0, 0]]);
        assert!(!shared.claim(&[0, 0]), "listed done by a checkpoint");
        assert!(shared.claim(&[0, 1]));
        assert!(!shared.claim(&[0, 1]));
        assert!(shared.fail(&[1, 0]));
        assert!(!shared.fail(&[2]));
        assert!(shared.claim(&[0, 2]), "before the failure: still explored");
        assert!(
            !shared.claim(&[1, 1]),
            "after the failure: not worth exploring"
        );
        assert!(shared.failed_before(&[1, 1]));
        assert!(!shared.failed_before(&[0, 3]));
    }
}

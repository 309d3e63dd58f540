//! Simplifies a failing schedule before it is reported: fewer preemptions first, then fewer
//! steps, as long as the program still fails the same way.
//!
//! Candidates come from the current best schedule `S` (the thread chosen at each step, with
//! its value choice, which moves with it; an added step takes choice 0). At
//! each context switch `i` (where `S[i] != S[i-1]`): *cut* keeps `S[..i]` and lets the
//! execution finish without preemptions; *stay* lets the thread of step `i - 1` run once
//! more before following the rest of `S`, which moves a preemption later or removes it;
//! *drop* removes step `i`'s choice, letting the following choices come one step earlier.
//! Every candidate runs through `Guided`, so each is one valid execution.
//!
//! Invariant: the result fails with the same signature (kind, headline and details) as the
//! input and is never worse by (preemptions, steps); the number of executions tried is
//! bounded by `BUDGET`.

use crate::failure::{Failure, FailureKind};
use crate::schedule::Schedule;

/// Executions the shortener may run for one report.
pub(crate) const BUDGET: usize = 300;

/// Whether a failure of `kind` is worth simplifying (its schedule is a real interleaving).
pub(crate) fn applies(kind: FailureKind) -> bool {
    !matches!(
        kind,
        FailureKind::Nondeterminism
            | FailureKind::InvalidSchedule
            | FailureKind::InvalidCheckpoint
            | FailureKind::Livelock
    )
}

/// The simplest failure `run` produced from candidates of `found`'s schedule; `run`
/// executes one candidate list of choices and returns its failure, if it failed.
pub(crate) fn shorten(
    found: Failure,
    mut run: impl FnMut(Vec<(u32, u32)>) -> Option<Failure>,
) -> Failure {
    let Ok(schedule) = Schedule::decode(found.schedule()) else {
        return found;
    };
    let mut best = found;
    let mut choices = schedule.steps();
    let mut budget = BUDGET;
    'improve: loop {
        let tries: Vec<Vec<(u32, u32)>> = candidates(&choices).collect();
        for candidate in tries {
            if budget == 0 {
                break 'improve;
            }
            budget -= 1;
            let Some(failure) = run(candidate) else {
                continue;
            };
            let simpler = (failure.preemptions, failure.steps) < (best.preemptions, best.steps);
            if simpler && failure.signature == best.signature && failure.kind() == best.kind() {
                match Schedule::decode(failure.schedule()) {
                    Ok(schedule) => choices = schedule.steps(),
                    Err(_) => break 'improve,
                }
                best = failure;
                continue 'improve;
            }
        }
        break;
    }
    best
}

/// Cuts first (they remove the most), then stays and drops, each from the earliest switch.
fn candidates(choices: &[(u32, u32)]) -> impl Iterator<Item = Vec<(u32, u32)>> + '_ {
    let switches: Vec<usize> = (1..choices.len())
        .filter(|&i| choices[i].0 != choices[i - 1].0)
        .collect();
    let cuts = switches.clone().into_iter().map(|i| choices[..i].to_vec());
    let stays = switches.clone().into_iter().map(|i| {
        let mut candidate = choices[..i].to_vec();
        candidate.push((choices[i - 1].0, 0));
        candidate.extend_from_slice(&choices[i..]);
        candidate
    });
    let drops = switches.into_iter().map(|i| {
        let mut candidate = choices.to_vec();
        candidate.remove(i);
        candidate
    });
    cuts.chain(stays).chain(drops)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two threads of five steps each, choosing like `Guided`; "fails" when thread 1's
    /// first step comes right after thread 0's second.
    fn window(choices: Vec<(u32, u32)>) -> Option<Failure> {
        let mut remaining = [5, 5];
        let (mut last, mut preemptions, mut trace) = (None::<u32>, 0, Vec::new());
        for step in 0..10 {
            let runnable = |t: u32| remaining[t as usize] > 0;
            let listed = choices.get(step).map(|&(t, _)| t).filter(|&t| runnable(t));
            let pick = listed
                .or(last.filter(|&t| runnable(t)))
                .unwrap_or_else(|| (0..2).find(|&t| runnable(t)).unwrap());
            if last.is_some_and(|l| l != pick && runnable(l)) {
                preemptions += 1;
            }
            remaining[pick as usize] -= 1;
            trace.push(pick);
            last = Some(pick);
        }
        let first_of_1 = trace.iter().position(|&t| t == 1).unwrap();
        (first_of_1 == 2).then(|| {
            let schedule = Schedule {
                threads: trace,
                values: Vec::new(),
            }
            .encode();
            let mut failure = Failure::new(FailureKind::Panic, "window".into(), schedule);
            failure.signature = "window".into();
            failure.preemptions = preemptions;
            failure.steps = 10;
            failure
        })
    }

    fn steps(threads: &[u32]) -> Vec<(u32, u32)> {
        threads.iter().map(|&t| (t, 0)).collect()
    }

    #[test]
    fn shortening_removes_needless_preemptions_and_keeps_the_failure() {
        let found = window(steps(&[0, 0, 1, 0, 1, 0, 1, 0, 1, 1])).unwrap();
        assert_eq!(found.preemptions, 6);
        let mut tried = 0;
        let best = shorten(found, |choices| {
            tried += 1;
            window(choices)
        });
        assert_eq!(best.preemptions, 1);
        let threads = Schedule::decode(best.schedule()).unwrap().threads;
        assert_eq!(threads, [0, 0, 1, 1, 1, 1, 1, 0, 0, 0]);
        assert!(tried <= BUDGET);
    }

    #[test]
    fn a_failure_that_no_candidate_reproduces_is_kept() {
        let found = window(steps(&[0, 0, 1, 0, 1, 0, 1, 0, 1, 1])).unwrap();
        let schedule = found.schedule().to_string();
        let best = shorten(found, |_| None);
        assert_eq!(best.schedule(), schedule);
    }

    #[test]
    fn candidates_cut_stay_and_drop_at_each_switch() {
        let threads = |c: Vec<(u32, u32)>| c.into_iter().map(|(t, _)| t).collect::<Vec<_>>();
        let all: Vec<Vec<u32>> = candidates(&steps(&[0, 0, 1, 0])).map(threads).collect();
        assert_eq!(
            all,
            vec![
                vec![0, 0],
                vec![0, 0, 1],
                vec![0, 0, 0, 1, 0],
                vec![0, 0, 1, 1, 0],
                vec![0, 0, 0],
                vec![0, 0, 1],
            ]
        );
    }
}

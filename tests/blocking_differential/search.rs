//! The interpreter's searches over every interleaving of its program: the outcomes (and
//! whether one deadlocks), those within each preemption bound, and the Mazurkiewicz traces.
//!
//! Invariant: each search visits a state again only when that can add something (a state
//! seen with as few preemptions is cut; outcomes are a set).

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};

use super::{conflict, Access, Interpreter, State, BOUNDS};
use crate::{Expected, Observation};

impl Interpreter<'_> {
    /// Every outcome, and whether some interleaving deadlocks (states already visited are
    /// not explored again).
    pub(crate) fn outcomes(&self) -> (BTreeSet<Observation>, bool) {
        let (mut visited, mut outcomes, mut deadlock) = (HashSet::new(), BTreeSet::new(), false);
        let mut stack = vec![self.initial()];
        while let Some(s) = stack.pop() {
            let mut progressed = false;
            for (next, _) in (0..s.pc.len()).filter_map(|t| self.step(&s, t)) {
                progressed = true;
                if visited.insert(next.clone()) {
                    stack.push(next);
                }
            }
            if progressed {
                continue;
            }
            if !self.finished(&s) {
                deadlock = true;
            } else {
                let mut observation = s.seen.clone();
                observation.push(s.values.to_vec());
                outcomes.insert(observation);
            }
        }
        (outcomes, deadlock)
    }

    /// For bounds 0, 1 and 2: the outcomes of the interleavings with at most that many
    /// preemptions, and whether one of them deadlocks. Switching away from the thread that
    /// ran the last step is a preemption when it could run on (weft's `Turn::preempts`; the
    /// first step, like a thread's start in weft, preempts nobody). A state is explored
    /// again only when reached with fewer preemptions (and the same thread to preempt).
    pub(crate) fn bounded(&self) -> [Expected; BOUNDS] {
        let mut best: HashMap<(State, Option<usize>), usize> = HashMap::new();
        let mut ends: HashMap<Option<Observation>, usize> = HashMap::new();
        let mut stack = vec![(self.initial(), None::<usize>, 0)];
        while let Some((s, previous, preemptions)) = stack.pop() {
            let next: Vec<_> = (0..s.pc.len())
                .filter_map(|t| Some((t, self.step(&s, t)?.0)))
                .collect();
            let previous = previous.filter(|&p| next.iter().any(|n| n.0 == p));
            match best.entry((s.clone(), previous)) {
                Entry::Occupied(e) if *e.get() <= preemptions => continue,
                Entry::Occupied(mut e) => *e.get_mut() = preemptions,
                Entry::Vacant(e) => _ = e.insert(preemptions),
            }
            if next.is_empty() {
                // `None` stands for a deadlock.
                let end = self.finished(&s).then(|| {
                    let mut observation = s.seen.clone();
                    observation.push(s.values.to_vec());
                    observation
                });
                let fewest = ends.entry(end).or_insert(usize::MAX);
                *fewest = (*fewest).min(preemptions);
            }
            for (t, n) in next {
                let cost = preemptions + usize::from(previous.is_some_and(|p| p != t));
                if cost < BOUNDS {
                    stack.push((n, Some(t), cost));
                }
            }
        }
        std::array::from_fn(|bound| {
            let within = |&(_, &p): &(&Option<Observation>, &usize)| p <= bound;
            let outcomes = ends.iter().filter(within).filter_map(|(e, _)| e.clone());
            (
                outcomes.collect(),
                ends.iter().filter(within).any(|e| e.0.is_none()),
            )
        })
    }

    /// The number of Mazurkiewicz traces under the interpreter's dependence (every ordered
    /// pair of conflicting steps of different threads), or `None` past `budget`
    /// interleavings.
    pub(crate) fn traces(&self, budget: &mut u64) -> Option<usize> {
        let mut traces = BTreeSet::new();
        let start = self.initial();
        let steps = vec![0; start.pc.len()];
        let mut stack = vec![(start, Vec::<(usize, usize, Access)>::new(), steps)];
        while let Some((s, events, steps)) = stack.pop() {
            let mut progressed = false;
            for t in 0..s.pc.len() {
                if let Some((next, accesses)) = self.step(&s, t) {
                    progressed = true;
                    let (mut events, mut steps) = (events.clone(), steps.clone());
                    events.extend(accesses.into_iter().map(|a| (t, steps[t], a)));
                    steps[t] += 1;
                    stack.push((next, events, steps));
                }
            }
            if !progressed {
                *budget = budget.checked_sub(1)?;
                let mut order = Vec::new();
                for (i, a) in events.iter().enumerate() {
                    for b in &events[i + 1..] {
                        if a.0 != b.0 && a.2 .0 == b.2 .0 && conflict(a.2 .1, b.2 .1) {
                            order.push((a.0, a.1, b.0, b.1));
                        }
                    }
                }
                order.sort_unstable();
                traces.insert(order);
            }
        }
        Some(traces.len())
    }
}

//! PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
//! ASPLOS 2010): random thread priorities plus `depth - 1` random priority change points.
//!
//! Each execution gives every thread a random priority, distinct and above `depth - 1`, when
//! it first appears, and draws `depth - 1` distinct change points, steps chosen uniformly
//! from `0..k`. At every scheduling point the schedulable thread with the highest priority
//! runs. When the step is the `i`-th change point (`i` = 1, 2, ...), the thread about to run
//! drops to priority `i`, below every initial priority, and the choice is made again: that
//! thread is preempted exactly there.
//!
//! A bug of depth `d` is one that needs `d` ordering constraints between steps (a lost update
//! or an atomicity violation: 2; one thread running into a window of another: 2; an order
//! violation: 1). For a program of `n` threads and at most `k` steps, one execution with depth
//! `d` shows a given depth-`d` bug with probability at least `1 / (n * k^(d-1))`: the right
//! thread must get the highest priority (`1/n`) and each of the `d - 1` change points must
//! land on its step (`1/k` each). weft does not know `k` ahead of time: it takes the longest
//! execution seen so far in this search. The first execution, with no estimate, has no change
//! points (it is a plain priority schedule); from the second on the bound holds whenever the
//! estimate covers the bug's steps.
//!
//! Invariant: execution `i` of a search depends only on the seed, `i` and the longest earlier
//! execution, so a seed reproduces the whole search; within an execution the schedule is a
//! pure function of the priorities and change points (ties, which the generator makes
//! impossible, would go to the lower thread id).

use super::rng::Rng;
use super::{Decision, Explorer, Turn};
use crate::runtime::execution::Execution;
use crate::runtime::op::ThreadId;
use crate::runtime::thread_set::ThreadSet;
use crate::runtime::value_choice::Requested;

/// Priority of a thread that has not been seen yet in this execution.
const UNSEEN: u64 = 0;

pub(crate) struct Pct {
    seed: u64,
    /// At least 1.
    depth: usize,
    executions: u64,
    /// 0-based number of the execution that runs now.
    run: u64,
    rng: Rng,
    /// Priority of each thread in this execution; higher runs first.
    priorities: Vec<u64>,
    /// `change_points[i]` is the step at which the running thread drops to priority `i + 1`.
    change_points: Vec<usize>,
    /// The longest execution seen, in steps: the estimate of `k`.
    longest: usize,
}

impl Pct {
    /// A search of `executions` runs; a depth of 0 is taken as 1, and one past `u32::MAX`
    /// as `u32::MAX` (already more change points than any execution has steps; initial
    /// priorities must fit above them in a `u64`).
    pub(crate) fn new(seed: u64, depth: usize, executions: u64) -> Pct {
        Pct {
            seed,
            depth: depth.clamp(1, u32::MAX as usize),
            executions,
            run: 0,
            rng: Rng::for_execution(seed, 0),
            priorities: Vec::new(),
            change_points: Vec::new(),
            longest: 0,
        }
    }

    /// A fresh initial priority, above every change-point priority and unused so far.
    fn initial_priority(&mut self) -> u64 {
        let floor = self.depth as u64;
        loop {
            let p = floor + self.rng.below(u64::MAX - floor);
            if !self.priorities.contains(&p) {
                return p;
            }
        }
    }

    /// The schedulable thread of highest priority; ties (never drawn) go to the lowest id.
    fn highest(&self, schedulable: &ThreadSet) -> Option<ThreadId> {
        let mut best: Option<(u64, ThreadId)> = None;
        for thread in schedulable.iter() {
            let priority = self.priorities[thread];
            if best.is_none_or(|(top, _)| priority > top) {
                best = Some((priority, thread));
            }
        }
        best.map(|(_, thread)| thread)
    }
}

impl Explorer for Pct {
    fn begin_execution(&mut self) {
        self.rng = Rng::for_execution(self.seed, self.run);
        self.priorities.clear();
        self.change_points.clear();
        let wanted = (self.depth - 1).min(self.longest);
        while self.change_points.len() < wanted {
            let step = self.rng.index(self.longest);
            if !self.change_points.contains(&step) {
                self.change_points.push(step);
            }
        }
    }

    fn choose(
        &mut self,
        _execution: &Execution,
        step: usize,
        _turn: Turn,
        schedulable: &ThreadSet,
    ) -> Decision {
        for thread in schedulable.iter() {
            if self.priorities.len() <= thread {
                self.priorities.resize(thread + 1, UNSEEN);
            }
            if self.priorities[thread] == UNSEEN {
                self.priorities[thread] = self.initial_priority();
            }
        }
        let Some(mut thread) = self.highest(schedulable) else {
            return Decision::Diverged("no schedulable thread to pick".to_string());
        };
        if let Some(i) = self.change_points.iter().position(|&s| s == step) {
            self.priorities[thread] = i as u64 + 1;
            thread = self.highest(schedulable).unwrap_or(thread);
        }
        Decision::Run(thread)
    }

    fn end_execution(&mut self, steps: usize) -> Option<String> {
        self.longest = self.longest.max(steps);
        None
    }

    fn alternative(&mut self, step: usize) -> Requested {
        Requested::Any(Rng::value_choice(self.seed, self.run, step))
    }

    fn next_execution(&mut self) -> bool {
        self.run += 1;
        self.run < self.executions
    }

    fn exhaustive(&self) -> bool {
        false
    }

    fn describe_execution(&self) -> Option<String> {
        let mut points = self.change_points.clone();
        points.sort_unstable();
        let points: Vec<String> = points.iter().map(|s| s.to_string()).collect();
        Some(format!(
            "strategy: PCT, seed {}, depth {}, execution {} of {}, priority change points at \
             steps [{}] of an estimated {} (WEFT_SEED={} repeats this search)",
            self.seed,
            self.depth,
            self.run + 1,
            self.executions,
            points.join(", "),
            self.longest,
            self.seed
        ))
    }
}

//! Source-DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014).
//!
//! Under a preemption bound the explorer makes no reduction: it tries every schedulable
//! thread the bound allows at every node (iterative context bounding, as CHESS does). Sleep
//! sets and race-directed backtracking can both hide the only in-bound representative of a
//! trace; with conservative backtrack points at the start of each run of steps (after Coons,
//! Musuvathi, McKinley, OOPSLA 2013) weft's differential test still found missed outcomes.
//! Exhaustive bounded search is what that test shows complete; a sound bounded DPOR is
//! future work.
//!
//! The exploration tree is the stack `nodes`, one node per scheduling point of the current
//! execution. Each execution replays the recorded prefix, makes the new choice at its last
//! node, then continues with fresh nodes. Every race found (see `causality`) adds one initial
//! of its reversal to the backtrack set of the node where the earlier event ran, unless an
//! initial is already there.
//!
//! A step may make accesses after its scheduling point (reference-count clones and drops
//! happen inside steps), so a sleeping thread is remembered by every access its step made
//! when it was explored from that node (`StepAccesses`), not only by its scheduling point's.
//!
//! Blocking primitives break the sleep-set argument: a sleeping thread's later step may be
//! what enables a waiting operation whose races are still unseen. So an execution whose
//! schedulable threads all sleep while one waits on such a primitive goes on with a sleeper
//! whose next step is elsewhere (repeating an explored trace), and a sleeping thread does
//! not count as the initial of a race of theirs.
//!
//! Invariant: a node's `done` holds every thread explored from it; a thread in a node's sleep
//! set is never chosen there, except in the case above. So no two complete executions are
//! equivalent (without blocking primitives), and every Mazurkiewicz trace has a complete
//! execution (unbounded), or every interleaving within the bound is run (bounded).

use std::ops::Range;

use super::causality::Causality;
use super::step_accesses::StepAccesses;
use super::{describe_pending, list_threads, Decision, Explorer, Turn};
use crate::runtime::execution::Execution;
use crate::runtime::objects::ObjectState;
use crate::runtime::op::{Event, EventKind, Op, ThreadId};
use crate::runtime::thread_set::ThreadSet;

#[derive(Clone, Copy, Debug)]
struct Sleeper {
    thread: ThreadId,
    accesses: StepAccesses,
}

/// Every thread waiting at a scheduling point, with its operation.
fn waiting_ops(execution: &Execution) -> impl Iterator<Item = (ThreadId, Op)> + '_ {
    (0..execution.threads.len()).filter_map(|t| execution.threads[t].pending.map(|op| (t, op)))
}

/// Whether `op` is an operation of a blocking primitive whose races `causality` tracks
/// with `sync_conflicts` (channels, condvars, rwlocks, barriers, park tokens).
fn waits_on_primitive(execution: &Execution, op: Op) -> bool {
    op.object.is_some_and(|object| {
        matches!(
            execution.objects[object as usize].state,
            ObjectState::Channel(_)
                | ObjectState::Condvar(_)
                | ObjectState::RwLock(_)
                | ObjectState::Barrier(_)
                | ObjectState::Park(_)
        )
    })
}

struct Node {
    thread: ThreadId,
    /// Where this node's record of every thread's pending operation starts in `pending_ops`.
    ops_start: usize,
    /// Where the accesses of the steps explored from this node start in `explored`.
    explored_start: usize,
    schedulable: ThreadSet,
    backtrack: ThreadSet,
    done: ThreadSet,
    sleep: Vec<Sleeper>,
    turn: Turn,
    /// Preemptions before this node's choice.
    preemptions: usize,
}

impl Node {
    fn is_preemption(&self, thread: ThreadId) -> bool {
        self.turn.preempts(&self.schedulable, thread)
    }

    fn asleep(&self, thread: ThreadId) -> bool {
        self.sleep.iter().any(|s| s.thread == thread)
    }
}

pub(crate) struct Dpor {
    nodes: Vec<Node>,
    /// Nodes `[0, replay)` re-run as recorded; the last of them carries a new choice.
    replay: usize,
    bound: Option<usize>,
    causality: Causality,
    /// For each node in turn, the pending operation of every waiting thread, so that a
    /// replay can check the program reached the same state.
    pending_ops: Vec<(ThreadId, Op)>,
    /// Sleep candidates at the current node, to be filtered by the step's events.
    carried: Vec<Sleeper>,
    next_sleep: Vec<Sleeper>,
    /// For each node in turn, the accesses of each step explored from it (`None`: too many
    /// to remember), so that the thread sleeps by everything its step did.
    explored: Vec<(ThreadId, Option<StepAccesses>)>,
}

impl Dpor {
    pub(crate) fn new(bound: Option<usize>) -> Dpor {
        Dpor {
            nodes: Vec::new(),
            replay: 0,
            bound,
            causality: Causality::default(),
            pending_ops: Vec::new(),
            carried: Vec::new(),
            next_sleep: Vec::new(),
            explored: Vec::new(),
        }
    }

    fn bound_allows(&self, preemption: bool, preemptions: usize) -> bool {
        !preemption || self.bound.is_none_or(|bound| preemptions < bound)
    }

    fn replay_node(
        &mut self,
        execution: &Execution,
        step: usize,
        schedulable: &ThreadSet,
    ) -> Decision {
        let node = &self.nodes[step];
        let end = self
            .nodes
            .get(step + 1)
            .map_or(self.pending_ops.len(), |next| next.ops_start);
        let recorded = &self.pending_ops[node.ops_start..end];
        let mut now = waiting_ops(execution);
        let changed = recorded
            .iter()
            .find(|&&(t, op)| execution.threads.get(t).and_then(|th| th.pending) != Some(op));
        let message = if let Some(&(thread, op)) = changed {
            Some(format!(
                "step {step}: in an earlier execution {} was at {} ({}) here; this time {}",
                execution.thread_label(thread),
                op.describe(),
                op.site,
                describe_pending(execution, thread)
            ))
        } else if let Some((thread, _)) = now.nth(recorded.len()) {
            Some(format!(
                "step {step}: in an earlier execution {} was not waiting here; this time {}",
                execution.thread_label(thread),
                describe_pending(execution, thread)
            ))
        } else if node.schedulable != *schedulable {
            Some(format!(
                "step {step}: in an earlier execution {} could run here; this time {}",
                list_threads(execution, &node.schedulable),
                list_threads(execution, schedulable)
            ))
        } else {
            None
        };
        if let Some(message) = message {
            return Decision::Diverged(message);
        }
        if step + 1 == self.replay {
            let chosen = node.thread;
            self.carried.clear();
            self.carried.extend_from_slice(&node.sleep);
            let explored = &self.explored[node.explored_start..];
            for thread in node.done.iter() {
                if thread == chosen || node.asleep(thread) {
                    continue;
                }
                let accesses = match explored.iter().find(|(t, _)| *t == thread) {
                    Some(&(_, recorded)) => recorded,
                    None => Some(StepAccesses::one(
                        execution.threads[thread]
                            .pending
                            .and_then(|op| execution.pending_access(&op)),
                    )),
                };
                if let Some(accesses) = accesses {
                    self.carried.push(Sleeper { thread, accesses });
                }
            }
        }
        Decision::Run(node.thread)
    }

    fn fresh_node(
        &mut self,
        execution: &Execution,
        turn: Turn,
        schedulable: &ThreadSet,
    ) -> Decision {
        let sleep = std::mem::take(&mut self.next_sleep);
        let preemptions = match self.nodes.last() {
            Some(node) => node.preemptions + usize::from(node.is_preemption(node.thread)),
            None => 0,
        };
        let allowed = |thread: ThreadId| {
            !sleep.iter().any(|s| s.thread == thread)
                && self.bound_allows(turn.preempts(schedulable, thread), preemptions)
        };
        let pick = turn
            .last
            .filter(|&p| schedulable.contains(p) && allowed(p))
            .or_else(|| schedulable.iter().find(|&t| allowed(t)))
            .or_else(|| {
                // Every schedulable thread sleeps, but a thread waits on a blocking
                // primitive, and a sleeper's next step is not on it: a later step of that
                // sleeper may be what lets the waiter go on, and the races of the operation
                // it waits for show only once it runs. Going on with the sleeper repeats an
                // explored trace; abandoning the execution would miss those races (a send
                // waiting for room behind one it races with, until a `try_recv`).
                let waited: Vec<_> = waiting_ops(execution)
                    .filter(|&(t, op)| {
                        !schedulable.contains(t) && waits_on_primitive(execution, op)
                    })
                    .filter_map(|(_, op)| op.object)
                    .collect();
                let bound = |t| self.bound_allows(turn.preempts(schedulable, t), preemptions);
                sleep.iter().find_map(|s| {
                    let elsewhere = s.accesses.iter().all(|a| !waited.contains(&a.object));
                    let go = !waited.is_empty() && elsewhere && schedulable.contains(s.thread);
                    (go && bound(s.thread)).then_some(s.thread)
                })
            });
        let Some(thread) = pick else {
            return Decision::Blocked;
        };
        let ops_start = self.pending_ops.len();
        self.pending_ops.extend(waiting_ops(execution));
        self.carried.clear();
        self.carried
            .extend(sleep.iter().filter(|s| s.thread != thread));
        let chosen: ThreadSet = std::iter::once(thread).collect();
        let backtrack = if self.bound.is_some() {
            schedulable.clone()
        } else {
            chosen.clone()
        };
        self.nodes.push(Node {
            thread,
            ops_start,
            explored_start: self.explored.len(),
            schedulable: schedulable.clone(),
            backtrack,
            done: chosen,
            sleep,
            turn,
            preemptions,
        });
        Decision::Run(thread)
    }

    /// Makes sure the reversal of race (`earlier`, `later`) will be explored.
    fn add_backtrack(&mut self, earlier: usize, later: usize, trace: &[Event]) {
        let at = trace[earlier].step;
        let mut initials = self.causality.initials(earlier, later, trace);
        if matches!(trace[later].kind, EventKind::Sync { .. }) {
            // A blocking primitive's race: a sleeping initial does not stand for the
            // reversal. The sleep set says that thread's step was explored here first, but
            // the reversal may need that step after the racing one (which can be disabled
            // until other steps run), so another initial must be tried.
            let node = &self.nodes[at];
            initials = initials.iter().filter(|&t| !node.asleep(t)).collect();
        }
        if initials.intersects(&self.nodes[at].backtrack) {
            return;
        }
        let racer = trace[later].thread;
        let Some(thread) = (if initials.contains(racer) {
            Some(racer)
        } else {
            initials.first()
        }) else {
            return;
        };
        self.insert_backtrack(at, thread);
    }

    fn insert_backtrack(&mut self, at: usize, thread: ThreadId) {
        let node = &mut self.nodes[at];
        if node.schedulable.contains(thread) {
            node.backtrack.insert(thread);
        } else {
            // The initial cannot run here (it yielded): fall back to every thread that can.
            for t in node.schedulable.clone().iter() {
                node.backtrack.insert(t);
            }
        }
    }
}

impl Explorer for Dpor {
    fn begin_execution(&mut self) {
        self.causality.reset();
        self.carried.clear();
        self.next_sleep.clear();
    }

    fn choose(
        &mut self,
        execution: &Execution,
        step: usize,
        turn: Turn,
        schedulable: &ThreadSet,
    ) -> Decision {
        if step < self.replay {
            self.replay_node(execution, step, schedulable)
        } else {
            self.fresh_node(execution, turn, schedulable)
        }
    }

    fn after_step(&mut self, execution: &Execution, step: usize, events: Range<usize>) {
        if self.bound.is_some() {
            return;
        }
        let trace = &execution.events;
        for pos in events.clone() {
            self.causality.process(pos, trace);
        }
        let races = std::mem::take(&mut self.causality.races);
        for &(earlier, later) in &races {
            self.add_backtrack(earlier, later, trace);
        }
        self.causality.races = races;
        self.causality.races.clear();
        if step + 1 >= self.replay {
            let step_events = &trace[events];
            // This node's newest explored step (the branch or a fresh node: the last node).
            self.explored
                .push((self.nodes[step].thread, StepAccesses::of(step_events)));
            self.next_sleep.clear();
            self.next_sleep
                .extend(self.carried.iter().copied().filter(|sleeper| {
                    !step_events.iter().any(|e| {
                        e.access()
                            .is_some_and(|done| sleeper.accesses.conflicts(done))
                    })
                }));
        }
    }

    fn next_execution(&mut self) -> bool {
        while let Some(node) = self.nodes.last() {
            let next = node.backtrack.iter().find(|&t| {
                !node.done.contains(t)
                    && !node.asleep(t)
                    && node.schedulable.contains(t)
                    && self.bound_allows(node.is_preemption(t), node.preemptions)
            });
            if let Some(thread) = next {
                let node = self.nodes.last_mut().expect("checked above");
                node.done.insert(thread);
                node.thread = thread;
                self.replay = self.nodes.len();
                return true;
            }
            let popped = self.nodes.pop().expect("checked above");
            self.pending_ops.truncate(popped.ops_start);
            self.explored.truncate(popped.explored_start);
        }
        false
    }
}

//! Optimal DPOR: wakeup trees with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, JACM
//! 2017; see `wakeup`).
//!
//! The exploration tree is the stack `nodes`, one node per scheduling point of the current
//! execution. Each execution replays the recorded prefix, takes the next branch of its last
//! node's wakeup tree, follows that branch's subtree (`guide`) through fresh nodes, then
//! chooses freely. Every race found (see `causality`) adds the sequence that reverses it
//! (`reversal`) to the wakeup tree of the node where the earlier event ran, unless a
//! thread explored or asleep there, or a branch already in the tree, stands for it.
//!
//! Under a preemption bound the explorer makes no reduction: it tries every schedulable
//! thread the bound allows at every node (iterative context bounding, as CHESS does). Sleep
//! sets and race-directed backtracking can both hide the only in-bound representative of a
//! trace; with conservative backtrack points at the start of each run of steps (after Coons,
//! Musuvathi, McKinley, OOPSLA 2013) weft's differential test still found missed outcomes.
//! Exhaustive bounded search is what that test shows complete.
//!
//! A step may make accesses after its scheduling point (reference-count clones and drops
//! happen inside steps), so a sleeping thread is remembered by every access its step made
//! when it was explored from that node (`StepAccesses`), not only by its scheduling point's.
//!
//! A compare-exchange conflicts like a write even when it fails (and a failed rwlock
//! `try_*` with another failed one): whether it fails depends on where it runs, and while
//! it counted as a read, wakeup trees lost executions (tests/dpor_differential.rs).
//!
//! Blocking primitives (channels, condvars, rwlocks, barriers, park tokens) break the
//! argument wakeup trees rest on: a step moved before its race may be disabled there, and
//! the large differential runs (tests/blocking_differential.rs) found outcomes missed. So
//! once an execution uses one, the explorer falls back to source-DPOR (Abdulla et al., POPL
//! 2014) for the rest of the exploration: each race adds one initial of its reversal
//! (`causality::initials`) to the node's backtrack set, remaining wakeup branches become
//! backtrack points, and runs may end sleep-set blocked. A sleeping thread's later step may
//! be what enables a waiting operation whose races are still unseen, so an execution whose
//! schedulable threads all sleep while one waits on such a primitive goes on with a sleeper
//! whose next step is elsewhere (repeating an explored trace), and a race of theirs is
//! reversed from an initial that is neither explored nor asleep.
//!
//! Invariant: a node's `done` holds every thread explored from it; a thread in a node's sleep
//! set is never chosen freely there, except in the case above. So (without blocking
//! primitives) no two complete executions are equivalent and none ends with every thread
//! asleep; every Mazurkiewicz trace has a complete execution (unbounded), or every
//! interleaving within the bound is run (bounded).

use std::ops::Range;

mod races;

use races::add_every_thread;

use super::causality::Causality;
use super::step_accesses::StepAccesses;
use super::wakeup::Branch;
use super::{describe_pending, list_threads, Decision, Explorer, Turn};
use crate::runtime::execution::Execution;
use crate::runtime::objects::ObjectState;
use crate::runtime::op::{EventKind, Op, OpKind, ThreadId};
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
    /// Bounded search: every thread the bound may run here.
    backtrack: ThreadSet,
    /// Unbounded: the sequences still to explore from here, in order.
    wakeup: Vec<Branch>,
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
    /// The wakeup subtree the next fresh node follows.
    guide: Vec<Branch>,
    /// Each step of the current execution: its thread and its events.
    steps: Vec<(ThreadId, Range<usize>)>,
    /// The races of the current execution, reversed once it has ended: a reversal holds
    /// every step that does not happen after the earlier event, to the end of the execution.
    races: Vec<(usize, usize)>,
    /// An execution used a blocking primitive: from then on, races add source-DPOR's
    /// backtrack points instead of wakeup sequences (see the module docs).
    source: bool,
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
            guide: Vec::new(),
            steps: Vec::new(),
            races: Vec::new(),
            source: false,
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
        let mut wakeup = Vec::new();
        let mut guided = None;
        if !self.guide.is_empty() {
            let mut guide = std::mem::take(&mut self.guide);
            let first = guide.remove(0);
            wakeup = guide;
            if schedulable.contains(first.step.thread) {
                guided = Some(first.step.thread);
                self.guide = first.children;
            } else {
                // The sequence cannot go on here (its thread yielded or waits): every
                // thread that can run becomes an alternative instead.
                add_every_thread(&mut wakeup, schedulable, &sleep);
            }
        }
        let allowed = |thread: ThreadId| {
            !sleep.iter().any(|s| s.thread == thread)
                && self.bound_allows(turn.preempts(schedulable, thread), preemptions)
        };
        let pick = guided
            .or_else(|| {
                turn.last
                    .filter(|&p| schedulable.contains(p) && allowed(p))
                    .or_else(|| schedulable.iter().find(|&t| allowed(t)))
            })
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
            wakeup,
            done: chosen,
            sleep,
            turn,
            preemptions,
        });
        Decision::Run(thread)
    }
}

impl Explorer for Dpor {
    fn begin_execution(&mut self) {
        self.causality.reset();
        self.carried.clear();
        self.next_sleep.clear();
        self.steps.clear();
        self.races.clear();
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
        self.steps.push((self.nodes[step].thread, events.clone()));
        for pos in events.clone() {
            self.causality.process(pos, trace);
        }
        self.races.append(&mut self.causality.races);
        self.source |= trace[events.clone()].iter().any(
            |e| matches!(e.kind, EventKind::Sync { op, .. } if !matches!(op, OpKind::RefCount(_))),
        );
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

    fn execution_ended(&mut self, execution: &Execution) {
        let races = std::mem::take(&mut self.races);
        for &(earlier, later) in &races {
            if self.source {
                self.add_backtrack(earlier, later, &execution.events);
            } else {
                self.add_race(earlier, later, &execution.events);
            }
        }
        self.races = races;
    }

    fn next_execution(&mut self) -> bool {
        self.guide.clear();
        while let Some(node) = self.nodes.last_mut() {
            if self.source {
                // Source-DPOR from here on: the sequences still to explore become
                // backtrack points.
                for branch in std::mem::take(&mut node.wakeup) {
                    node.backtrack.insert(branch.step.thread);
                }
            }
            if self.bound.is_some() || self.source {
                let bound = self.bound;
                let next = node.backtrack.iter().find(|&t| {
                    let preemption = node.is_preemption(t);
                    !node.done.contains(t)
                        && !node.asleep(t)
                        && node.schedulable.contains(t)
                        && (!preemption || bound.is_none_or(|b| node.preemptions < b))
                });
                if let Some(thread) = next {
                    node.done.insert(thread);
                    node.thread = thread;
                    self.replay = self.nodes.len();
                    return true;
                }
            }
            while !node.wakeup.is_empty() {
                let branch = node.wakeup.remove(0);
                let thread = branch.step.thread;
                if node.done.contains(thread) || node.asleep(thread) {
                    continue;
                }
                if !node.schedulable.contains(thread) {
                    // It yielded here: every thread that can run stands in for it.
                    let (schedulable, sleep) = (node.schedulable.clone(), &node.sleep);
                    let mut alternatives = std::mem::take(&mut node.wakeup);
                    add_every_thread(&mut alternatives, &schedulable, sleep);
                    alternatives.retain(|b| !node.done.contains(b.step.thread));
                    node.wakeup = alternatives;
                    continue;
                }
                node.done.insert(thread);
                node.thread = thread;
                self.guide = branch.children;
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

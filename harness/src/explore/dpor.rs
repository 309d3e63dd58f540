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
//! Under a preemption bound the explorer tries every schedulable thread the bound allows
//! at every node (iterative context bounding, as CHESS does), and cuts a run whose prefix
//! reaches a state already explored with as few preemptions (`repeats`). Sleep sets and
//! race-directed backtracking can both hide the only in-bound representative of a trace,
//! even with conservative backtrack points at the start of each run of steps (after Coons,
//! Musuvathi, McKinley, OOPSLA 2013): weft's differential test found missed outcomes.
//!
//! A step may make accesses after its scheduling point (reference-count clones and drops
//! happen inside steps), so a sleeping thread is remembered by every access its step made
//! when it was explored from that node (`StepAccesses`), not only by its scheduling point's.
//!
//! A failed compare-exchange is a read (two of them, or one and a load, commute), unless
//! one of its value choices succeeds. Whether it fails depends on where it runs, so the
//! racing step of a reversal is summarised as it will behave before the event it raced
//! with (`StepAccesses::reversed`: exact without weak memory). Where a step taken from a
//! wakeup tree does less than the tree predicted (a failed exchange where a write was
//! expected), the sleepers the prediction conflicts with wake all the same: the tree put
//! the step there for those, and a sleeper that stayed asleep would hide the traces that
//! need it (tests/atomic_dependence.rs has the program where it lost an outcome).
//!
//! Blocking primitives keep optimal DPOR. A channel's operations (`try_recv` and `recv_timeout`
//! race as a receive does, or, finding nothing, with the send they missed; a failed `try_send`
//! races with the send that took the free receiver or room, and with what would free one): a
//! receive is ordered after the send of its message, a send that waited for room after
//! the receive that made it, a rendezvous sender's return after the receive of its message, and a
//! receive that sees the channel closed after every sender's drop (edges, not races); sends race
//! with sends and receives with receives, and one moved earlier is predicted as a send or receive
//! of any message (`StepAccesses::reversed`). A `try_send` fell back to source-DPOR until a
//! rendezvous `try_send` that failed for want of a registered receiver stopped counting a
//! blocking sender's queued message as what filled the channel: that conflict held in one order
//! and not the other, and a sleeping sender stood for reversals it did not cover
//! (`tests/blocking_differential/regressions.rs`). An rwlock's operations keep it too: as a mutex's,
//! an acquisition races with the acquisitions before it (not with the releases it waits for), so
//! the reversal finds the lock as the earlier acquisition found it (`causality`), a read lock moved
//! earlier is still a read lock, and a `try_*` moved before a release (the lock still held) fails
//! (`StepAccesses::reversed`). Nor do a condvar's operations (a wait's end is ordered after the
//! notify that ended it, or with a timeout races with it), a barrier's (a pass is ordered after the
//! arrival that completed its generation) or a park token's (a park races with the unparks of its
//! epoch, or is ordered after the one that let it go on; an unpark moved earlier still commutes
//! with unparks); barriers and park tokens lost outcomes only while objects were named by index
//! across executions (`Event::keyed_access`). Source-DPOR (Abdulla et al., POPL 2014) remains for
//! two cases, a split's unit that waits behind a full channel (below, and `fallback`), and the
//! nodes on the stack when the wakeup trees reach their memory budget (`memory`): each race
//! adds one initial of its reversal (`causality::initials`) to the node's backtrack set, remaining
//! wakeup branches become backtrack points, and runs may end sleep-set blocked. A sleeping
//! thread's later step may be what enables a waiting operation whose races are still unseen, so in
//! source-DPOR an execution whose schedulable threads all sleep while one waits on such a
//! primitive goes on with a sleeper whose next step is elsewhere (repeating an explored trace),
//! and a race reached through its enabler too is reversed from an initial neither explored nor
//! asleep (`races`).
//!
//! In a split exploration (`split`), the nodes above the cut branch on every thread that is
//! allowed, not asleep and looks contended (the others' traces are one unit rooted at the
//! node: `RestUnit`, not under a bound), a thread that has not started starts there
//! without a choice, and races whose earlier event lies there are not reversed; below the
//! cut each unit is explored as above, with two changes: a thread asleep since above the
//! cut (`inherited`), or branched on at a unit's root while it was above the cut, does not
//! stand for a reversal unless it would run first in it (`cut`, `races`), and in optimal
//! DPOR a run whose schedulable threads all sleep ends blocked even while another waits on
//! a blocking primitive (`nodes`: going on with such a sleeper lost traces), unless it waits
//! on a channel and an inherited sleeper could go on: then the unit goes on as source-DPOR
//! (a send waiting behind a full channel races with the send that filled it, which shows
//! only once it runs).
//!
//! A step whose operation has several outcomes under weak memory (its value choices, see
//! `runtime::value_choice`) explores each of them, in order, as part of its thread's
//! branch at the node (`next`). Traces times value choices can repeat an execution graph,
//! so with weak orderings the exploration is complete but no longer optimal.
//!
//! Invariant: a node's `done` holds every thread explored from it; a thread in a node's sleep
//! set is never chosen freely there, except in the case above. So (without blocking
//! primitives) no two complete executions are equivalent and none ends with every thread
//! asleep; every Mazurkiewicz trace has a complete execution (unbounded), or every state
//! an interleaving within the bound reaches is reached by one explored within it
//! (bounded).

use std::ops::Range;

mod cut;
mod fallback;
mod memory;
mod next;
mod node;
mod nodes;
mod races;
mod repeats;
mod same_state;
mod sleep;
mod spare;

use super::causality::Causality;
use super::reversal::Reversal;
use super::split::{Split, UnitKey};
use super::step_accesses::StepAccesses;
use super::step_summary::StepSummary;
use super::step_table::StepTable;
use super::summaries::Summaries;
use super::wakeup::Forest;
use super::{Decision, Explorer, Turn};
use crate::runtime::execution::Execution;
use crate::runtime::op::{Op, ThreadId};
use crate::runtime::thread_keys::ThreadKey;
use crate::runtime::thread_set::ThreadSet;
use crate::runtime::value_choice::Requested;
pub(crate) use memory::WakeupMemory;
use node::{AboveCut, Node, RestUnit, ValueBranch};
use repeats::Repeats;
use sleep::Sleeper;

/// The id of the thread with key `key`, where `keys` are an execution's threads' keys.
fn thread_of(keys: &[ThreadKey], key: ThreadKey) -> Option<ThreadId> {
    keys.iter().position(|k| k.id == key.id)
}

/// Every thread waiting at a scheduling point, with its operation.
fn waiting_ops(execution: &Execution) -> impl Iterator<Item = (ThreadId, Op)> + '_ {
    (0..execution.threads.len()).filter_map(|t| execution.threads[t].pending.map(|op| (t, op)))
}

pub(crate) struct Dpor {
    nodes: Vec<Node>,
    /// Nodes `[0, replay)` re-run as recorded; the last of them carries a new choice.
    replay: usize,
    bound: Option<usize>,
    causality: Causality,
    /// For each node in turn, the pending operation of each thread that moved since the
    /// node before, so that a replay can check the program reached the same state.
    pending_ops: Vec<(ThreadId, Option<Op>)>,
    /// Sleep candidates at the current node, to be filtered by the step's events.
    carried: Vec<Sleeper>,
    next_sleep: Vec<Sleeper>,
    /// The emptied sleep sets of popped nodes, for `next_sleep` to take when a node takes
    /// its buffer.
    spare_sleeps: Vec<Vec<Sleeper>>,
    /// For each node in turn, the accesses of each step explored from it (`None`: too many
    /// to remember), so that the thread sleeps by everything its step did.
    explored: Vec<(ThreadId, Option<StepAccesses>)>,
    /// The wakeup subtree the next fresh node follows.
    guide: Forest,
    /// The accesses the wakeup tree predicted for the step being taken, when it comes from
    /// one (`None` inside: too many to remember). See `after_step`.
    predicted: Option<Option<StepAccesses>>,
    /// Each step of the current execution: its thread and its events.
    steps: Vec<(ThreadId, Range<usize>)>,
    /// Once the execution has ended with races to reverse: the summary of each step from
    /// `summarised_from` on, then of each reversal's racing step (see `reversal`).
    summaries: Summaries,
    summarised_from: Option<usize>,
    /// The buffers each race's reversal is computed in.
    reversal: Reversal,
    /// Every distinct step summary the wakeup trees name.
    table: StepTable,
    /// The races of the current execution, reversed once it has ended: a reversal holds
    /// every step that does not happen after the earlier event, to the end of the execution.
    races: Vec<(usize, usize)>,
    /// The current unit of a split went on as source-DPOR (`nodes`, `fallback`): from then
    /// on, races add source-DPOR's backtrack points instead of wakeup sequences (see the
    /// module docs).
    source: bool,
    /// Nodes `[0, over_budget_depth)` go on as source-DPOR: they were on the stack when the
    /// wakeup trees outgrew their budget (see `memory`).
    over_budget_depth: usize,
    /// A split exploration: where the cut lies and who takes which unit.
    split: Option<Split>,
    /// The unit this explorer is in, once taken.
    unit: Option<UnitKey>,
    /// The current execution reached a unit another explorer takes: it is finished without
    /// the explorer and not counted.
    skipping: bool,
    /// The current execution ended sleep-set blocked.
    blocked_run: bool,
    /// Complete and blocked executions of the current unit so far.
    unit_runs: (u64, u64),
    /// Each thread's key in the current execution, once it has ended (by id). A thread that
    /// exists at a node has the same id in every execution through the node, so the ids of
    /// a node's wakeup-tree roots are found here after its last execution.
    keys: Vec<ThreadKey>,
    /// Under a bound: the states explored (see `repeats`).
    repeats: Repeats,
    /// The most bytes the wakeup trees may take before the exploration goes on as
    /// source-DPOR, and what they took (see `memory`).
    wakeup_budget: usize,
    wakeup_memory: WakeupMemory,
    /// The last replayed step that found the recorded state (see `same_state`).
    checked: Option<usize>,
}

impl Dpor {
    pub(crate) fn new(bound: Option<usize>) -> Box<Dpor> {
        Dpor::split(bound, None)
    }

    /// A DPOR explorer that explores only the units of `split` it takes. Boxed: the
    /// explorer is large, and a reused one (see `spare`) moves as a pointer.
    pub(crate) fn split(bound: Option<usize>, split: Option<Split>) -> Box<Dpor> {
        if let Some(mut dpor) = Dpor::spare() {
            dpor.reset(bound, split);
            return dpor;
        }
        Box::new(Dpor {
            nodes: Vec::new(),
            replay: 0,
            bound,
            causality: Causality::default(),
            pending_ops: Vec::new(),
            carried: Vec::new(),
            next_sleep: Vec::new(),
            spare_sleeps: Vec::new(),
            explored: Vec::new(),
            guide: Forest::default(),
            predicted: None,
            steps: Vec::new(),
            summaries: Summaries::default(),
            summarised_from: None,
            reversal: Reversal::default(),
            table: StepTable::default(),
            races: Vec::new(),
            source: false,
            over_budget_depth: 0,
            split,
            unit: None,
            skipping: false,
            blocked_run: false,
            unit_runs: (0, 0),
            keys: Vec::new(),
            repeats: Repeats::default(),
            wakeup_budget: usize::MAX,
            wakeup_memory: WakeupMemory::default(),
            checked: None,
        })
    }

    fn bound_allows(&self, preemption: bool, preemptions: usize) -> bool {
        !preemption || self.bound.is_none_or(|bound| preemptions < bound)
    }
}

impl Explorer for Dpor {
    fn begin_execution(&mut self) {
        self.skipping = false;
        self.blocked_run = false;
        self.causality.reset();
        self.repeats.begin_execution();
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
        if self.bound.is_some() {
            self.repeats.enter(step, execution, turn, schedulable);
        }
        if step < self.replay {
            self.replay_node(execution, step, schedulable)
        } else {
            self.fresh_node(execution, turn, schedulable)
        }
    }

    fn alternative(&mut self, step: usize) -> Requested {
        Requested::Exact(self.nodes[step].value)
    }

    fn after_step(&mut self, execution: &Execution, step: usize, events: Range<usize>) {
        self.nodes[step].values = execution.choice.options;
        let node = &mut self.nodes[step];
        // A step just taken from a wakeup tree (not one replayed before it): its other value
        // choices follow the same wakeup subtree (see `next`).
        let taken = step + 1 >= self.replay && node.value == 0 && node.values > 1;
        if let (Some(predicted), true) = (self.predicted, taken) {
            let guide = self.guide.copy();
            node.value_branch = Some(Box::new(ValueBranch { guide, predicted }));
        }
        let trace = &execution.events;
        if self.bound.is_some() {
            // Nothing is reversed under a bound: the clocks only fingerprint the prefix.
            for pos in events.clone() {
                self.causality.process(pos, trace);
            }
            self.causality.races.clear();
            let node = &self.nodes[step];
            let (thread, value) = ((step, node.thread), (node.value, node.values));
            let keys = |t: ThreadId| execution.threads[t].key;
            let causality = (&self.causality, &keys as _);
            (self.repeats).add_step(thread, value, (events, trace), causality);
            return;
        }
        self.steps.push((self.nodes[step].thread, events.clone()));
        for pos in events.clone() {
            self.causality.process(pos, trace);
        }
        self.races.append(&mut self.causality.races);
        let node = &mut self.nodes[step];
        if let Some(above) = node.above.as_mut().filter(|a| !a.alternatives.is_empty()) {
            if trace[events.clone()].iter().any(|e| e.access().is_some()) {
                node.backtrack = std::mem::take(&mut above.alternatives);
                node.choices += 1;
            }
            above.alternatives.clear();
        }
        if step + 1 >= self.replay {
            self.sleep_after(step, &trace[events]);
        }
    }

    fn execution_ended(&mut self, execution: &Execution) {
        if self.split.is_some() && !self.skipping && self.unit.is_none() {
            // The execution ended above the cut: its prefix is a unit of its own.
            self.enter_unit(execution, &ThreadSet::default(), &[]);
        }
        self.keys.clear();
        (self.keys).extend(execution.threads.iter().map(|t| t.key));
        let races = std::mem::take(&mut self.races);
        // Reversals only take steps after the earliest reversed race's first step (none
        // whose first event lies above the cut is reversed).
        let trace = &execution.events;
        self.summaries.clear();
        let nodes = &self.nodes;
        let source_depth = self.source_depth();
        self.summarised_from = (races.iter())
            .map(|&(earlier, _)| trace[earlier].step)
            .filter(|&step| step >= source_depth && !nodes[step].top())
            .min();
        if let Some(first) = self.summarised_from {
            let keys = &self.keys;
            let summary = |(thread, events): &(ThreadId, Range<usize>)| {
                StepSummary::of(&|t| keys[t], *thread, &trace[events.clone()], None)
            };
            self.summaries
                .extend(self.steps[first..].iter().map(summary));
        }
        // No access that is not SeqCst: every read took the latest store (see `MovedBefore`).
        let sequentially_consistent = !execution.graph.mixed();
        for &(earlier, later) in &races {
            if self.nodes[execution.events[earlier].step].top() {
                // Every order is tried above the cut.
                continue;
            }
            if execution.events[earlier].step < source_depth {
                self.add_backtrack(earlier, later, &execution.events);
            } else {
                self.add_race((earlier, later), &execution.events, sequentially_consistent);
            }
        }
        self.races = races;
    }

    fn next_execution(&mut self) -> bool {
        self.guide.clear();
        self.watch_wakeup_memory();
        self.count_unit_run();
        if self.stop_for_earlier_failure() {
            return false;
        }
        let more = self.next_branch();
        self.over_budget_depth = self.over_budget_depth.min(self.nodes.len());
        self.leave_finished_unit();
        more
    }

    fn wakeup_memory(&self) -> WakeupMemory {
        self.wakeup_memory
    }

    fn skipped(&self) -> bool {
        self.skipping
    }

    fn unit(&self) -> Option<UnitKey> {
        self.split.as_ref().map(|_| self.position())
    }

    fn recycle(self: Box<Self>) {
        self.keep();
    }
}

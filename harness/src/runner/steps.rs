//! The step loop of one execution: at each scheduling point the explorer chooses a thread
//! (and the step's value choice), the runner resumes that thread's coroutine until its next
//! scheduling point, and records the choice in the schedule.
//!
//! Invariant: no borrow of the execution is held while a model thread runs; every step
//! that ran is in `schedule`, with its value choice when not 0.

use std::cell::RefCell;

use crate::explore::{Decision, Explorer, Turn};
use crate::observe;
use crate::runtime::coroutine::{self, StackPool, ThreadCoroutine};
use crate::runtime::execution::Execution;
use crate::runtime::op::{OpKind, ThreadId};
use crate::runtime::schedulable::Schedulable;
use crate::runtime::thread_set::ThreadSet;
use crate::runtime::value_choice::{Requested, StepChoice};
use crate::schedule::Schedule;
use crate::verdict::Ending;

/// The state of the step loop of one execution.
pub(super) struct Steps<'a> {
    pub execution: &'a RefCell<Execution>,
    pub coroutines: Vec<Option<ThreadCoroutine>>,
    pub pool: &'a mut StackPool,
    pub schedule: Schedule,
    pub preemptions: usize,
    pub blocked: bool,
    /// Who ran the last step.
    pub turn: Turn,
    /// The execution's number when every operation is logged (`WEFT_LOG`).
    pub log: Option<u64>,
}

/// Who runs next in an execution the runner finishes without the explorer: the thread that
/// ran last, unless it just yielded (then the next one in turn, so that spinning threads do
/// not starve the one they wait for).
fn finishing_thread(execution: &Execution, turn: Turn, schedulable: &ThreadSet) -> ThreadId {
    let Some(last) = turn.last.filter(|&p| schedulable.contains(p)) else {
        return schedulable.first().expect("not empty");
    };
    if !execution.threads[last].yielded {
        return last;
    }
    (schedulable.iter().find(|&t| t > last))
        .or(schedulable.first())
        .expect("not empty")
}

impl Steps<'_> {
    pub(super) fn run(&mut self, explorer: &mut dyn Explorer, max_steps: usize) -> Ending {
        let mut schedulable = ThreadSet::default();
        let mut ready = Schedulable::default();
        loop {
            let step = self.schedule.threads.len();
            let turn = self.turn;
            ready.update(&self.execution.borrow(), turn.last, &mut schedulable);
            if schedulable.is_empty() {
                return Ending::Quiescent;
            }
            if step >= max_steps {
                return Ending::Livelock { max_steps };
            }
            let decision = if self.blocked {
                Decision::Blocked
            } else {
                explorer.choose(&self.execution.borrow(), step, turn, &schedulable)
            };
            let thread = match decision {
                Decision::Run(thread) => thread,
                Decision::Blocked => {
                    self.blocked = true;
                    finishing_thread(&self.execution.borrow(), turn, &schedulable)
                }
                Decision::Diverged(message) => return Ending::Diverged(message),
            };
            if turn.preempts(&schedulable, thread) {
                self.preemptions += 1;
            }
            self.schedule.threads.push(thread as u32);
            let requested = match self.blocked {
                true => Requested::default(),
                false => explorer.alternative(step),
            };
            let first_event = {
                let mut e = self.execution.borrow_mut();
                e.choice = StepChoice::new(requested);
                e.events.len()
            };
            match self.resume(thread, step) {
                Ok(started) => {
                    self.turn = Turn {
                        last: Some(thread),
                        preemptible: (!started).then_some(thread),
                    }
                }
                Err(message) => return Ending::Internal(message),
            }
            let choice = self.execution.borrow().choice;
            if let Some(mismatch) = choice.mismatch() {
                return Ending::Diverged(format!("step {step}: {mismatch}"));
            }
            if choice.used != 0 {
                self.schedule.values.push((step as u32, choice.used));
            }
            let e = self.execution.borrow();
            if !self.blocked {
                explorer.after_step(&e, step, first_event..e.events.len());
            }
            if let Some(number) = self.log {
                observe::log::step(&e, number, step, first_event..e.events.len());
            }
            if e.race.is_some() {
                return Ending::DataRace;
            }
            if e.threads[0].finished && e.threads[0].payload.is_some() {
                return Ending::MainPanicked;
            }
        }
    }

    /// Runs `thread`'s step: its pending operation and everything up to its next one.
    /// True when the step was the thread's start.
    fn resume(&mut self, thread: ThreadId, step: usize) -> Result<bool, String> {
        let started = {
            let mut e = self.execution.borrow_mut();
            e.current = thread;
            e.step = step;
            let op = e.threads[thread].pending.take();
            e.threads[thread].yielded = false;
            e.running = true;
            op.is_some_and(|op| op.kind == OpKind::Start)
        };
        if self.coroutines.len() <= thread {
            self.coroutines.resize_with(thread + 1, || None);
        }
        if self.coroutines[thread].is_none() {
            self.coroutines[thread] = Some(coroutine::start(self.pool, thread)?);
        }
        coroutine::resume(&mut self.coroutines[thread], self.pool, thread);
        self.execution.borrow_mut().running = false;
        Ok(started)
    }

    /// Leaks the coroutines and closures of threads that will never run again: unwinding
    /// them would run user code in states the model never reached.
    pub(super) fn abandon(&mut self) {
        let mut stacks = 0;
        for slot in &mut self.coroutines {
            if let Some(coroutine) = slot.take() {
                std::mem::forget(coroutine);
                stacks += 1;
            }
        }
        super::abandoned::add(stacks);
        for thread in &mut self.execution.borrow_mut().threads {
            if let Some(body) = thread.body.take() {
                std::mem::forget(body);
            }
        }
    }
}

//! The state of one execution, reached from model threads through a scoped thread-local
//! (`current`); every visible operation goes through a scheduling point
//! (`scheduling_point`) on it.
//!
//! Invariant: no `RefCell` borrow of the execution is held across a coroutine switch: a
//! thread borrows to announce its operation, releases, suspends, and borrows again to perform
//! it once the runner has chosen it. Everything here runs on the one OS thread that runs the
//! exploration.

use std::cell::RefCell;

use super::coherence::Observations;
use super::current;
use super::early_reads::Cone;
use super::model_thread::ModelThread;
use super::object_table::{ObjectInfo, Objects};
use super::objects::ObjectState;
use super::op::{
    Access, AccessKind, Event, EventKind, ObjectIndex, Op, OpKind, Site, SyncOutcome, ThreadId,
};
use super::race::Race;
use super::seq_cst_order::SeqCstGraph;
use super::store_past::StorePasts;
use super::thread_keys::ThreadKeys;
use super::value_choice::StepChoice;

const OUTSIDE_MODEL: &str = "weft: a weft primitive was used outside weft::model. With the \
    `permute` feature on, weft's primitives are modelled: create and use them inside the \
    closure passed to weft::model (or Builder::check / explore).";

pub(crate) struct Execution {
    /// Distinguishes this execution's objects from those of every other execution.
    pub id: u64,
    pub threads: Vec<ModelThread>,
    /// Every thread key handed out in this exploration (see `thread_keys`).
    pub thread_keys: ThreadKeys,
    pub objects: Objects,
    pub events: Vec<Event>,
    /// The thread that runs (or ran last).
    pub current: ThreadId,
    /// Index of the scheduling point whose step is running.
    pub step: usize,
    /// True while a model thread's code runs (as opposed to the runner's).
    pub running: bool,
    /// The data race that stopped the execution.
    pub race: Option<Race>,
    /// Condvar waits and parks may return without a notification (`Builder`).
    pub spurious_wakeups: bool,
    /// Reads skip stale stores they could have read earlier (`early_reads`); not under a
    /// preemption bound, where running a read earlier may cost a preemption too many.
    pub early_reads: bool,
    /// The value choice of the running step.
    pub choice: StepChoice,
    /// What every thread read and wrote on each atomic location (see `coherence`).
    pub observations: Observations,
    /// Every atomic access and fence, for RC11's SeqCst order (see `seq_cst_order`).
    pub graph: SeqCstGraph,
    /// Which accesses to each object had an atomic store in their past (see `store_past`).
    pub store_pasts: StorePasts,
    /// Room for `early_reads`' scans, kept from one to the next.
    pub cone: Cone,
    /// Some thread may have `yielded` set: an event that wakes spinners clears them all.
    /// (False: no thread has it set, and the clearing loop is skipped.)
    spinning: bool,
}

/// Runs `f` with `execution` reachable from model threads.
pub(crate) fn enter<R>(execution: &RefCell<Execution>, f: impl FnOnce() -> R) -> R {
    current::enter(execution, f)
}

pub(crate) fn is_active() -> bool {
    current::with_current(|cell| cell.is_some())
}

/// Runs `f` on the current execution.
///
/// # Panics
/// Outside a model, with a message that says how to fix it.
#[track_caller]
#[inline]
pub(crate) fn with<R>(f: impl FnOnce(&mut Execution) -> R) -> R {
    current::with_current(|cell| match cell {
        Some(cell) => f(&mut cell.borrow_mut()),
        None => outside_model(),
    })
}

#[cold]
#[track_caller]
fn outside_model() -> ! {
    panic!("{OUTSIDE_MODEL}")
}

/// Like `with`, but `None` outside a model or while the execution is borrowed (panic hook).
pub(crate) fn try_with<R>(f: impl FnOnce(&mut Execution) -> R) -> Option<R> {
    current::with_current(|cell| {
        let mut execution = cell?.try_borrow_mut().ok()?;
        Some(f(&mut execution))
    })
}

/// How big earlier executions grew, so the next one allocates its vectors once.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Sizes {
    pub threads: usize,
    pub objects: usize,
    pub events: usize,
    pub observations: usize,
    pub graph: usize,
}

/// The vectors of an ended execution, emptied, for the next one to fill without allocating
/// them again (see `runner::kept`).
#[derive(Default)]
pub(crate) struct Buffers {
    threads: Vec<ModelThread>,
    /// Kept across executions, unlike the rest (see `thread_keys`).
    pub thread_keys: ThreadKeys,
    objects: Objects,
    events: Vec<Event>,
    observations: Observations,
    graph: SeqCstGraph,
    store_pasts: StorePasts,
    cone: Cone,
}

impl Execution {
    /// A new execution in `buffers` (empty), with room for `sizes`.
    pub(crate) fn new(id: u64, sizes: Sizes, buffers: Buffers) -> Execution {
        let Buffers {
            mut threads,
            thread_keys,
            mut objects,
            mut events,
            mut observations,
            mut graph,
            store_pasts,
            cone,
        } = buffers;
        graph.reserve(sizes.graph);
        threads.reserve(sizes.threads);
        objects.reserve(sizes.objects);
        events.reserve(sizes.events);
        observations.reserve(sizes.observations);
        Execution {
            id,
            threads,
            thread_keys,
            objects,
            events,
            current: 0,
            step: 0,
            running: false,
            race: None,
            spurious_wakeups: false,
            early_reads: true,
            choice: StepChoice::default(),
            observations,
            graph,
            store_pasts,
            cone,
            spinning: false,
        }
    }

    /// Drops what the execution holds and hands back its emptied vectors.
    pub(crate) fn into_buffers(self) -> Buffers {
        let Execution {
            mut threads,
            thread_keys,
            mut objects,
            mut events,
            mut observations,
            mut graph,
            mut store_pasts,
            cone,
            ..
        } = self;
        graph.clear();
        store_pasts.clear();
        threads.clear();
        objects.clear();
        events.clear();
        observations.clear();
        Buffers {
            threads,
            thread_keys,
            objects,
            events,
            observations,
            graph,
            store_pasts,
            cone,
        }
    }

    /// `sizes` grown to cover this execution.
    pub(crate) fn sizes(&self, sizes: Sizes) -> Sizes {
        Sizes {
            threads: sizes.threads.max(self.threads.len()),
            objects: sizes.objects.max(self.objects.len()),
            events: sizes.events.max(self.events.len()),
            observations: sizes.observations.max(self.observations.len()),
            graph: sizes.graph.max(self.graph.len()),
        }
    }

    /// Whether `thread` can perform `op` in the current state. Only blocking operations
    /// look at their object (this runs for every waiting thread at every step).
    #[inline]
    pub(crate) fn is_enabled(&self, thread: ThreadId, op: &Op) -> bool {
        match op.kind {
            _ if !op.kind.may_block() => true,
            OpKind::Join(target) => self.threads[target].finished,
            _ => self.blocking_enabled(thread, op),
        }
    }

    /// `is_enabled` for operations that may block: their object decides.
    fn blocking_enabled(&self, thread: ThreadId, op: &Op) -> bool {
        let Some(object) = op.object else {
            return true;
        };
        match self.objects.state(object) {
            ObjectState::Mutex(mutex) => mutex.owner.is_none(),
            ObjectState::Condvar(_) => match op.kind {
                OpKind::CondvarWait { timeout, .. } => {
                    self.condvar_wait_enabled(thread, object, timeout)
                }
                _ => true,
            },
            ObjectState::Channel(_) => self.channel_enabled(op.kind, object),
            ObjectState::RwLock(_) => self.rwlock_enabled(op.kind, object),
            ObjectState::Barrier(_) => self.barrier_enabled(op.kind, object),
            ObjectState::Park(_) => self.park_enabled(op.kind, object),
            _ => true,
        }
    }

    /// The access `op` would make if it ran now. Precise, because only a conflicting event
    /// can change it: a `try_lock` acquires only if the mutex is free (else it only observes
    /// it). A compare-exchange counts as a write, whether or not it would fail
    /// (conservative: a sleeper remembered by it wakes on reads too).
    pub(crate) fn pending_access(&self, op: &Op) -> Option<Access> {
        let object = op.object?;
        let state = self.objects.state(object);
        let kind = match (op.kind, state) {
            (OpKind::Load, _) => AccessKind::Read,
            (OpKind::Store | OpKind::Rmw | OpKind::CompareExchange, _) => AccessKind::Write,
            (OpKind::Lock, _) => AccessKind::Acquire,
            (OpKind::TryLock, ObjectState::Mutex(mutex)) if mutex.owner.is_some() => {
                AccessKind::Probe
            }
            (OpKind::TryLock, _) => AccessKind::TryAcquire,
            (OpKind::Unlock, _) => AccessKind::Release,
            (kind, ObjectState::Condvar(_)) => self.condvar_access(kind, object),
            (kind, ObjectState::Channel(_)) => self.channel_access(kind, object),
            (kind, ObjectState::RwLock(_)) => self.rwlock_access(kind, object),
            (kind, ObjectState::Barrier(_)) => self.barrier_access(kind, object),
            (kind, ObjectState::Park(_)) => self.park_access(kind, object),
            (kind, ObjectState::RefCount(_)) => self.refcount_access(kind, object),
            _ => return None,
        };
        Some(Access::new(object, kind))
    }

    /// `pending_access`, naming the object by its key (see `Event::keyed_access`).
    pub(crate) fn pending_keyed_access(&self, op: &Op) -> Option<Access> {
        let access = self.pending_access(op)?;
        Some(Access::new(self.objects.key(access.object), access.kind))
    }

    /// Whether some thread may have yielded since an event last woke the spinners.
    pub(crate) fn spinning(&self) -> bool {
        self.spinning
    }

    /// Appends an event of the current thread to the trace; returns its position.
    pub(crate) fn record(
        &mut self,
        kind: EventKind,
        object: Option<ObjectIndex>,
        site: Site,
    ) -> usize {
        let event = Event {
            thread: self.current,
            step: self.step,
            kind,
            object,
            key: object.map_or(0, |object| self.objects.key(object)),
            site,
        };
        if self.spinning && event.wakes_spinners() {
            for thread in &mut self.threads {
                thread.yielded = false;
            }
            self.spinning = false;
        }
        if kind == EventKind::Yield {
            self.spinning = true;
            self.threads[self.current].yielded = true;
            self.threads[self.current].spins += 1;
        }
        self.threads[self.current].events += 1;
        self.note_store_past(&event);
        self.events.push(event);
        self.events.len() - 1
    }

    /// Records an operation of a blocking primitive.
    pub(crate) fn record_sync(
        &mut self,
        op: OpKind,
        object: ObjectIndex,
        access: AccessKind,
        outcome: SyncOutcome,
        site: Site,
    ) -> usize {
        let kind = EventKind::Sync {
            op,
            access: Some(access),
            outcome,
        };
        self.record(kind, Some(object), site)
    }

    /// Validates that an object handle belongs to this execution.
    pub(crate) fn object_index(
        &self,
        execution: u64,
        index: u32,
        type_name: &str,
    ) -> Result<ObjectIndex, String> {
        if execution == self.id && (index as usize) < self.objects.len() {
            Ok(index)
        } else {
            Err(format!(
                "weft: this {type_name} was created outside the current execution (before \
                 weft::model, in a static, or kept from an earlier execution). Each execution \
                 re-runs the model closure: create weft primitives inside it."
            ))
        }
    }

    /// Adds an object in `state` (always inlined, like `Objects::add`, so that the state
    /// is built where it is stored).
    #[inline(always)]
    pub(crate) fn add_object(
        &mut self,
        state: ObjectState,
        type_name: &'static str,
        created_at: Site,
    ) -> ObjectIndex {
        let key = self.object_key();
        self.add_keyed_object(state, type_name, created_at, key)
    }

    /// `add_object` with the key given (see `object_key`).
    #[inline(always)]
    pub(crate) fn add_keyed_object(
        &mut self,
        state: ObjectState,
        type_name: &'static str,
        created_at: Site,
        key: u32,
    ) -> ObjectIndex {
        let info = ObjectInfo {
            type_name,
            created_at,
            key,
        };
        self.objects.add(state, info)
    }

    /// The key of an object the current thread creates now: the thread's path (see
    /// `thread_keys`: the same in every worker and shard, which a split's probe needs) and
    /// how many objects it created before. Indices are the order of creation in the whole execution, which
    /// depends on the interleaving when two threads create objects; DPOR's sleep sets and
    /// wakeup trees compare accesses of different executions, so they name objects by key
    /// (`StepAccesses::of`). Two objects may share a key past 65,536 objects of one thread,
    /// or when two threads' paths agree in their low 16 bits (never for the main thread's
    /// first 65,535 children): they are then taken for one, which costs executions, never
    /// traces.
    pub(crate) fn object_key(&mut self) -> u32 {
        let me = &mut self.threads[self.current];
        let key = me.key.path << 16 | (me.objects_created & 0xffff);
        me.objects_created += 1;
        key
    }

    /// The thread of this execution whose key is `key`, if it was spawned.
    pub(crate) fn thread_with_key(&self, key: u32) -> Option<ThreadId> {
        self.threads.iter().position(|t| t.key.id == key)
    }

    pub(crate) fn thread_label(&self, id: ThreadId) -> String {
        super::model_thread::thread_label(id, self.threads[id].name.as_deref())
    }
}

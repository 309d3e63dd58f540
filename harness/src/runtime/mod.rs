//! One execution of a model: threads as coroutines, the object arena, the event trace, and
//! the happens-before clocks the race detector checks cell accesses against.

pub(crate) mod atomic;
pub(crate) mod barrier;
pub(crate) mod bit_graph;
pub(crate) mod channel;
pub(crate) mod clock;
pub(crate) mod coherence;
pub(crate) mod compare_exchange;
pub(crate) mod condvar;
pub(crate) mod coroutine;
pub(crate) mod current;
pub(crate) mod early_reads;
pub(crate) mod execution;
pub(crate) mod graph_fingerprint;
pub(crate) mod happens_before;
pub(crate) mod model_thread;
pub(crate) mod mutex;
pub(crate) mod object_table;
pub(crate) mod objects;
pub(crate) mod op;
pub(crate) mod panic_capture;
pub(crate) mod park;
pub(crate) mod race;
pub(crate) mod refcount;
pub(crate) mod rwlock;
pub(crate) mod schedulable;
pub(crate) mod scheduling_point;
pub(crate) mod seq_cst_order;
pub(crate) mod stack_overflow;
pub(crate) mod store_past;
pub(crate) mod sync_access;
pub(crate) mod thread_keys;
pub(crate) mod thread_locals;
pub(crate) mod thread_set;
pub(crate) mod threads;
pub(crate) mod value_choice;

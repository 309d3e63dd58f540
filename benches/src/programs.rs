// The benchmark programs, written once against a runtime `rt` that is either `weft` or
// `loom` (see `main.rs`): both checkers run the very same threads, operations and orderings.
// The including module also chooses `Arc`: `std::sync::Arc` (reference counts add no events,
// as in most of BENCHMARKS.md) or the checker's modelled one (`rt::sync::Arc`).
// All atomics are SeqCst; main spawns the threads and joins them.
//
// (An `include!`d file: no inner doc comments here.)

use rt::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use rt::sync::{Mutex, RwLock};
use rt::thread;

/// A model closure, as both `weft::Builder::explore` and `loom::model` take it.
pub type Program = Box<dyn Fn() + Send + Sync + 'static>;

fn join_all(handles: Vec<thread::JoinHandle<()>>) {
    for h in handles {
        h.join().unwrap();
    }
}

/// ainc(n): n threads, one `fetch_add` each on one atomic.
pub fn ainc(n: usize) -> Program {
    Box::new(move || {
        let x = Arc::new(AtomicUsize::new(0));
        let handles = (0..n)
            .map(|_| {
                let x = x.clone();
                thread::spawn(move || {
                    x.fetch_add(1, SeqCst);
                })
            })
            .collect();
        join_all(handles);
        assert_eq!(x.load(SeqCst), n);
    })
}

/// readers(n): one writer stores x = 42; n readers load x.
pub fn readers(n: usize) -> Program {
    Box::new(move || {
        let x = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::with_capacity(n + 1);
        let w = x.clone();
        handles.push(thread::spawn(move || w.store(42, SeqCst)));
        for _ in 0..n {
            let x = x.clone();
            handles.push(thread::spawn(move || {
                let v = x.load(SeqCst);
                assert!(v == 0 || v == 42);
            }));
        }
        join_all(handles);
    })
}

/// lastzero(n): a[0..=n] = 0; thread 0 scans down from a[n] for a zero; thread j in 1..=n
/// sets a[j] = a[j-1] + 1 (a load, then a store).
pub fn lastzero(n: usize) -> Program {
    Box::new(move || {
        let a: Arc<Vec<AtomicUsize>> = Arc::new((0..=n).map(|_| AtomicUsize::new(0)).collect());
        let mut handles = Vec::with_capacity(n + 1);
        let scan = a.clone();
        handles.push(thread::spawn(move || {
            let mut i = n;
            while scan[i].load(SeqCst) != 0 {
                i -= 1;
            }
        }));
        for j in 1..=n {
            let a = a.clone();
            handles.push(thread::spawn(move || {
                let v = a[j - 1].load(SeqCst);
                a[j].store(v + 1, SeqCst);
            }));
        }
        join_all(handles);
    })
}

/// Slots of the indexer's hash table.
const SLOTS: usize = 128;

/// indexer(n): n threads (tid = 0..n) each insert the keys w = 11·m + tid, m = 1..=4, into
/// a table of 128 slots, each behind its own mutex. An insert starts at slot 7·w mod 128; it
/// locks the slot, writes w if the slot holds 0, else unlocks and probes the next slot.
pub fn indexer(n: usize) -> Program {
    Box::new(move || {
        let table: Arc<Vec<Mutex<usize>>> = Arc::new((0..SLOTS).map(|_| Mutex::new(0)).collect());
        let handles = (0..n)
            .map(|tid| {
                let table = table.clone();
                thread::spawn(move || {
                    for m in 1..=4 {
                        let w = 11 * m + tid;
                        let mut h = (7 * w) % SLOTS;
                        loop {
                            let mut slot = table[h].lock().unwrap();
                            if *slot == 0 {
                                *slot = w;
                                break;
                            }
                            drop(slot);
                            h = (h + 1) % SLOTS;
                        }
                    }
                })
            })
            .collect();
        join_all(handles);
    })
}

/// lost_update(n): n threads each increment one counter by a `load`, then a `store`. The
/// update can be lost, so the program only checks that the counter is in 1..=n.
pub fn lost_update(n: usize) -> Program {
    Box::new(move || {
        let x = Arc::new(AtomicUsize::new(0));
        let handles = (0..n)
            .map(|_| {
                let x = x.clone();
                thread::spawn(move || {
                    let v = x.load(SeqCst);
                    x.store(v + 1, SeqCst);
                })
            })
            .collect();
        join_all(handles);
        assert!((1..=n).contains(&x.load(SeqCst)));
    })
}

/// mutex_counter(n): n threads each lock one mutex, increment the counter it guards, unlock.
pub fn mutex_counter(n: usize) -> Program {
    Box::new(move || {
        let counter = Arc::new(Mutex::new(0usize));
        let handles = (0..n)
            .map(|_| {
                let counter = counter.clone();
                thread::spawn(move || {
                    *counter.lock().unwrap() += 1;
                })
            })
            .collect();
        join_all(handles);
        assert_eq!(*counter.lock().unwrap(), n);
    })
}

/// rwlock(n): two writers each increment the value an `RwLock` guards; n readers each read
/// it. Readers share the lock: only where each reader falls among the two writers counts.
pub fn rwlock(n: usize) -> Program {
    Box::new(move || {
        let lock = Arc::new(RwLock::new(0usize));
        let mut handles = Vec::with_capacity(n + 2);
        for _ in 0..2 {
            let lock = lock.clone();
            handles.push(thread::spawn(move || *lock.write().unwrap() += 1));
        }
        for _ in 0..n {
            let lock = lock.clone();
            handles.push(thread::spawn(move || assert!(*lock.read().unwrap() <= 2)));
        }
        join_all(handles);
        assert_eq!(*lock.read().unwrap(), 2);
    })
}

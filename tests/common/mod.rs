//! The benchmark programs of BENCHMARKS.md, shared by the exploration-count tests and the
//! benchmark, and `explore_passing`. All atomics are SeqCst; main spawns the threads and
//! joins them.
#![allow(dead_code)]

use std::sync::Arc;

use weft::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use weft::thread;

/// ainc(n): n threads, one `fetch_add` each on one atomic.
pub fn ainc(n: usize) -> impl Fn() + Send + Sync + 'static {
    move || {
        let x = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let x = x.clone();
                thread::spawn(move || {
                    x.fetch_add(1, SeqCst);
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(x.load(SeqCst), n);
    }
}

/// Main and one thread each increment one counter by a load, then a store: the smallest
/// lost update (it needs one preemption).
pub fn lost_update() {
    let x = Arc::new(AtomicUsize::new(0));
    let x2 = x.clone();
    let t = thread::spawn(move || {
        let v = x2.load(SeqCst);
        x2.store(v + 1, SeqCst);
    });
    let v = x.load(SeqCst);
    x.store(v + 1, SeqCst);
    t.join().unwrap();
    assert_eq!(x.load(SeqCst), 2, "lost update");
}

/// readers(n): one writer stores x = 42; n readers load x.
pub fn readers(n: usize) -> impl Fn() + Send + Sync + 'static {
    move || {
        let x = Arc::new(AtomicUsize::new(0));
        let writer = {
            let x = x.clone();
            thread::spawn(move || x.store(42, SeqCst))
        };
        let readers: Vec<_> = (0..n)
            .map(|_| {
                let x = x.clone();
                thread::spawn(move || {
                    let v = x.load(SeqCst);
                    assert!(v == 0 || v == 42);
                })
            })
            .collect();
        writer.join().unwrap();
        for r in readers {
            r.join().unwrap();
        }
    }
}

/// lastzero(n): a[0..=n] = 0; thread 0 scans down from a[n] for a zero; thread j in 1..=n
/// sets a[j] = a[j-1] + 1.
pub fn lastzero(n: usize) -> impl Fn() + Send + Sync + 'static {
    move || {
        let a: Arc<Vec<AtomicUsize>> = Arc::new((0..=n).map(|_| AtomicUsize::new(0)).collect());
        let scanner = {
            let a = a.clone();
            thread::spawn(move || {
                let mut i = n;
                while a[i].load(SeqCst) != 0 {
                    i -= 1;
                }
            })
        };
        let writers: Vec<_> = (1..=n)
            .map(|j| {
                let a = a.clone();
                thread::spawn(move || {
                    let v = a[j - 1].load(SeqCst);
                    a[j].store(v + 1, SeqCst);
                })
            })
            .collect();
        scanner.join().unwrap();
        for w in writers {
            w.join().unwrap();
        }
    }
}

/// Explores `model` exhaustively (it must pass); the set of values it reported through its
/// argument in all executions, and the number of executions. The set lives in std types, so
/// reporting adds no scheduling point.
pub fn outcome_set<T: Ord + Send + 'static>(
    model: impl Fn(&dyn Fn(T)) + Send + Sync + 'static,
) -> (std::collections::BTreeSet<T>, u64) {
    outcome_set_with(weft::Builder::new(), model)
}

/// `outcome_set` with `builder`'s settings.
pub fn outcome_set_with<T: Ord + Send + 'static>(
    builder: weft::Builder,
    model: impl Fn(&dyn Fn(T)) + Send + Sync + 'static,
) -> (std::collections::BTreeSet<T>, u64) {
    let seen = Arc::new(std::sync::Mutex::new(std::collections::BTreeSet::new()));
    let sink = seen.clone();
    let stats = builder
        .explore(move || {
            model(&|value| {
                sink.lock().unwrap().insert(value);
            })
        })
        .unwrap();
    assert!(stats.complete);
    let set = std::mem::take(&mut *seen.lock().unwrap());
    (set, stats.executions)
}

/// A tiny deterministic generator (xorshift), so random test programs reproduce from the
/// seed.
pub struct Rng(pub u64);

impl Rng {
    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The message of a panic payload (`&str` or `String`; empty for other payloads).
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// Explores `model` with `builder`, without the progress line: the program must pass and
/// the whole space be explored.
pub fn explore_passing(
    builder: weft::Builder,
    model: impl Fn() + Send + Sync + 'static,
) -> weft::Stats {
    let stats = (builder.progress(false).explore(model)).expect("a correct program");
    assert!(stats.complete, "the whole space was explored");
    stats
}

//! The seed article's three data races, in Rust on weft, each with its fix. Go lets
//! goroutines share a variable freely; in Rust that takes an `UnsafeCell` (here `Shared`),
//! which is exactly what weft's race detector watches. Shared by the `data_races` example and
//! the tests (`#[path]`), so both check the same programs.
//!
//! Only for models (`--features permute`): under weft, model threads take turns on one OS
//! thread and a racing access stops its thread before touching memory. Run on real threads
//! the buggy versions would be undefined behaviour.
#![allow(dead_code)]

use weft::cell::UnsafeCell;
use weft::sync::atomic::{AtomicUsize, Ordering};
use weft::sync::{mpsc, Arc, Mutex};
use weft::thread;

/// A variable shared between threads with no synchronisation, like a Go variable captured by
/// several goroutines.
pub struct Shared<T>(UnsafeCell<T>);

// SAFETY: only used inside weft models, where model threads run one at a time on one OS
// thread and the race detector halts a thread at the first access that races, before the
// access reaches memory (see the module docs). Sharing it is the bug these programs show.
unsafe impl<T: Send> Sync for Shared<T> {}

impl<T: Copy> Shared<T> {
    #[track_caller]
    pub fn new(value: T) -> Shared<T> {
        Shared(UnsafeCell::new(value))
    }

    #[track_caller]
    pub fn get(&self) -> T {
        // SAFETY: see `Sync` above: no other access runs while this one does.
        self.0.with(|p| unsafe { *p })
    }

    #[track_caller]
    pub fn set(&self, value: T) {
        // SAFETY: see `Sync` above.
        self.0.with_mut(|p| unsafe { *p = value })
    }
}

/// Case 1, the counter: two threads each do `value := counter; counter = value + 1` twice
/// on a plain variable.
pub fn counter_on_a_plain_variable() {
    let counter = Arc::new(Shared::new(0usize));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let counter = counter.clone();
            thread::spawn(move || {
                for _ in 0..2 {
                    let value = counter.get();
                    counter.set(value + 1);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    assert_eq!(counter.get(), 4);
}

/// Case 1 fixed with a mutex around the read and the write.
pub fn counter_under_a_mutex() {
    let counter = Arc::new(Mutex::new(0usize));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let counter = counter.clone();
            thread::spawn(move || {
                for _ in 0..2 {
                    *counter.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    assert_eq!(*counter.lock().unwrap(), 4);
}

/// Case 1 fixed with one atomic read-modify-write per increment.
pub fn counter_with_fetch_add() {
    let counter = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let counter = counter.clone();
            thread::spawn(move || {
                for _ in 0..2 {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    assert_eq!(counter.load(Ordering::Relaxed), 4);
}

/// Case 2: threads started in a loop read the loop variable, which the loop then advances
/// (`for i := 0; i < 5; i++ { go func() { fmt.Println(i) }() }`); three threads here.
pub fn loop_variable_shared() {
    let i = Arc::new(Shared::new(0usize));
    let mut workers = Vec::new();
    while i.get() < 3 {
        let shared_i = i.clone();
        workers.push(thread::spawn(move || shared_i.get()));
        i.set(i.get() + 1);
    }
    for worker in workers {
        worker.join().unwrap();
    }
}

/// Case 2 fixed: each thread gets a copy of the value (`go func(i int) {...}(i)`); every
/// thread sees its own number.
pub fn loop_variable_copied() {
    let mut workers = Vec::new();
    for i in 0..3usize {
        workers.push(thread::spawn(move || i));
    }
    let seen: Vec<usize> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    assert_eq!(seen, [0, 1, 2]);
}

/// What `f.Write(data)` returned, as the model's stand-in for an `error`.
pub type WriteError = Option<&'static str>;

/// Case 3: `ParallelWrite`: main stores the result of creating file 1 in `err`, starts a
/// thread that writes its own result to the same `err`, then stores the result of creating
/// file 2 in `err` again.
pub fn parallel_write_shared_err() {
    let err: Arc<Shared<WriteError>> = Arc::new(Shared::new(None));
    err.set(None); // f1, err := os.Create("/tmp/file1")
    let first = {
        let err = err.clone();
        thread::spawn(move || err.set(Some("short write"))) // _, err = f1.Write(data)
    };
    err.set(None); // f2, err := os.Create("/tmp/file2")
    let second = {
        let err = err.clone();
        thread::spawn(move || err.set(None)) // _, err = f2.Write(data)
    };
    first.join().unwrap();
    second.join().unwrap();
}

/// Case 3 fixed: each writer has its own error and sends it back on a channel (Go's
/// `res <- err` with a local `err`); main collects one result per writer.
pub fn parallel_write_own_err() {
    let (res, results) = mpsc::channel::<WriteError>();
    let create_err: WriteError = None; // f1, err := os.Create(...): main's own variable
    assert!(create_err.is_none());
    for result in [Some("short write"), None] {
        let res = res.clone();
        thread::spawn(move || res.send(result).unwrap()); // _, err := f.Write(data)
    }
    drop(res);
    let mut errors: Vec<WriteError> = results.iter().collect();
    errors.sort();
    assert_eq!(errors, [None, Some("short write")]);
}

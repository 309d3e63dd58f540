//! Helper OS threads kept from one exploration to the next, for parallel explorations
//! (`Builder::jobs`) and a bounded race's unbounded side.
//!
//! A thread started per exploration mapped new coroutine stacks and grew its buffers and
//! malloc arena from nothing each time: 20 explorations of indexer(13) (a few ms each) on 2
//! workers made 336 `mmap`, 320 `munmap` and 21 `clone3` calls, against 51, 20 and 2 with
//! kept helpers. A kept helper keeps its coroutine stacks and DPOR buffers in its
//! thread-locals, like the calling thread does, and starts a job with one channel message.
//!
//! A job is a `'static` closure; its result (or its panic) comes back through a
//! [`Pending`]. Reports name the test by the thread that runs it: a job runs under the
//! calling thread's name (`report::test_name`).
//!
//! Invariant: a helper is idle (its job sender in `IDLE`) only between jobs, and it goes
//! back there before it hands its result over, so a caller that starts the next
//! exploration right away finds it idle. At most one helper per core is kept idle (tests
//! exploring at once on a large machine may have started many more: each keeps coroutine
//! stacks, two memory mappings apiece); the others end after their job, as does a helper
//! whose job panicked (its thread-locals may be half updated).

use std::any::Any;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender};
use std::sync::{Mutex, PoisonError};

/// A job as a helper receives it: it runs the work, calls `idle` once the helper may
/// take another job (which keeps it, unless enough helpers wait already), then hands the
/// result over.
type Job = Box<dyn FnOnce(&dyn Fn()) + Send>;

/// The job senders of the helpers waiting for a job.
static IDLE: Mutex<Vec<Sender<Job>>> = Mutex::new(Vec::new());

/// The result of a job a helper runs.
pub(crate) struct Pending<T> {
    result: Receiver<Result<T, Box<dyn Any + Send>>>,
}

impl<T> Pending<T> {
    /// Waits for the job's result; resumes its panic, if it panicked, on this thread.
    pub(crate) fn join(self) -> T {
        match self.result.recv() {
            Ok(Ok(value)) => value,
            Ok(Err(panic)) => resume_unwind(panic),
            Err(_) => panic!("weft: a helper thread ended without a result"),
        }
    }
}

/// Runs `work` on an idle helper thread, or on a new one, under the calling thread's
/// name (see the module docs).
pub(crate) fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Pending<T> {
    let name = crate::report::test_name();
    let (sender, result) = sync_channel(1);
    let mut job: Job = Box::new(move |idle: &dyn Fn()| {
        let outcome = catch_unwind(AssertUnwindSafe(|| crate::report::as_test(name, work)));
        if outcome.is_ok() {
            idle();
        }
        // The caller may have stopped waiting (it panicked): nothing to hand over then.
        let _ = sender.send(outcome);
    });
    loop {
        let idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let Some(helper) = idle else {
            start_helper(job);
            break;
        };
        // A helper that ended (it cannot have: only a panicking job ends one, and it is
        // not idle then) would hand the job back.
        match helper.send(job) {
            Ok(()) => break,
            Err(returned) => job = returned.0,
        }
    }
    Pending { result }
}

/// Starts a helper thread with `first` as its first job.
fn start_helper(first: Job) {
    let (sender, jobs) = channel::<Job>();
    sender
        .send(first)
        .expect("the receiver is alive until the thread starts");
    let spawned = std::thread::Builder::new()
        .name("weft-helper".to_string())
        .spawn(move || {
            while let Ok(job) = jobs.recv() {
                let kept = std::cell::Cell::new(false);
                job(&|| {
                    let mut idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner);
                    // At most one helper per core waits for a job.
                    if idle.len() < crate::config::cores() {
                        idle.push(sender.clone());
                        kept.set(true);
                    }
                });
                if !kept.get() {
                    return;
                }
            }
        });
    if let Err(e) = spawned {
        panic!("weft: cannot start a helper thread: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pool is the process's: tests that count on which helper runs take turns.
    static TURNS: Mutex<()> = Mutex::new(());

    fn turn() -> std::sync::MutexGuard<'static, ()> {
        TURNS.lock().unwrap_or_else(PoisonError::into_inner)
    }

    #[test]
    fn jobs_return_their_results_and_panics() {
        let _turn = turn();
        let answers: Vec<_> = (0..4).map(|i| run(move || i * 10)).collect();
        let answers: Vec<i32> = answers.into_iter().map(Pending::join).collect();
        assert_eq!(answers, [0, 10, 20, 30]);
        let panicked = run(|| -> i32 { panic!("on purpose") });
        let caught = catch_unwind(AssertUnwindSafe(|| panicked.join()));
        let message = *caught.expect_err("resumed").downcast::<&str>().unwrap();
        assert_eq!(message, "on purpose");
        assert_eq!(run(|| 7).join(), 7, "the pool still works");
    }

    #[test]
    fn a_helper_is_kept_for_the_next_job() {
        let _turn = turn();
        let first = run(|| std::thread::current().id()).join();
        let second = run(|| std::thread::current().id()).join();
        assert_eq!(first, second);
        assert_ne!(first, std::thread::current().id());
    }

    #[test]
    fn at_most_one_helper_per_core_waits_for_a_job() {
        let _turn = turn();
        let jobs: Vec<_> = (0..crate::config::cores() + 3)
            .map(|_| run(|| std::thread::sleep(std::time::Duration::from_millis(20))))
            .collect();
        jobs.into_iter().for_each(Pending::join);
        let idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner).len();
        assert!(idle <= crate::config::cores(), "{idle} idle helpers");
    }

    #[test]
    fn a_job_runs_under_the_callers_test_name() {
        let _turn = turn();
        let caller = crate::report::test_name();
        assert_eq!(run(crate::report::test_name).join(), caller);
    }
}

//! A model thread that runs for long without reaching a weft operation: blocked on a std
//! primitive (a std `Mutex` another model thread holds, a std channel, `std::thread::sleep`)
//! or looping without a weft operation. weft runs a model's threads one at a time on one OS
//! thread and switches only at weft operations, so the exploration cannot go on; instead of
//! hanging silently, it says which thread of which test, and the likely causes.
//!
//! Each OS thread that runs model threads has a `Watched` record (`watch`) holding one word:
//! the number of its resumes so far and, while a model thread runs, which one (`running` and
//! `paused`: two relaxed stores per resume, nothing else on the hot path). A watchdog
//! thread, started with the first record, samples the words every `TICK`; a word that shows
//! a running thread and has not changed for `WEFT_STALL` (default 10 s; `0` turns the
//! watchdog off) is a stall, reported once on stderr.
//!
//! Invariant: the watchdog only reads the records and never changes what is explored; a
//! record outlives its OS thread only until the watchdog's next sample drops it.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, Once, PoisonError, Weak};
use std::time::Duration;

use crate::config::env::{env_parsed, parse_duration, Var};
use crate::runtime::model_thread::thread_label;
use crate::runtime::op::ThreadId;

/// How often the watchdog samples.
const TICK: Duration = Duration::from_millis(250);

/// How long a model thread may run without a weft operation before it is reported.
const DEFAULT_STALL: Duration = Duration::from_secs(10);

/// What the watchdog sees of one exploring OS thread.
#[derive(Default)]
pub(crate) struct Watched {
    /// Resumes so far (high bits) and the running model thread plus one (low 16 bits; 0:
    /// none runs).
    word: AtomicU64,
    /// The test exploring on this OS thread (`report::test_name`), for the message.
    test: Mutex<Option<String>>,
}

impl Watched {
    /// Model thread `thread` runs from now on.
    #[inline]
    pub(crate) fn running(&self, thread: ThreadId) {
        let resumes = (self.word.load(Relaxed) >> 16) + 1;
        let thread = (thread as u64 + 1).min(0xffff);
        self.word.store(resumes << 16 | thread, Relaxed);
    }

    /// The OS thread now explores for `test` (`report::test_name`).
    pub(crate) fn explores_for(&self, test: Option<String>) {
        *self.test.lock().unwrap_or_else(PoisonError::into_inner) = test;
    }

    /// The model thread that ran has reached a weft operation (or ended).
    #[inline]
    pub(crate) fn paused(&self) {
        let word = self.word.load(Relaxed);
        self.word.store(word & !0xffff, Relaxed);
    }
}

/// An exploring OS thread's record, with what the watchdog last saw of it: the word, how
/// long it has stayed so, and whether that stall was reported.
struct Sample {
    watched: Weak<Watched>,
    word: u64,
    still: Duration,
    reported: bool,
}

/// The records of the OS threads that explore, for the watchdog.
static RECORDS: Mutex<Vec<Sample>> = Mutex::new(Vec::new());

/// A record for an exploration about to run on this OS thread for the calling test; `None`
/// when `WEFT_STALL=0`.
pub(crate) fn watch() -> Option<Arc<Watched>> {
    let limit = stall_limit()?;
    static WATCHDOG: Once = Once::new();
    WATCHDOG.call_once(|| {
        let _ = std::thread::Builder::new()
            .name("weft-watchdog".to_string())
            .spawn(move || watchdog(limit));
    });
    let watched = Arc::new(Watched::default());
    watched.explores_for(crate::report::test_name());
    let mut records = RECORDS.lock().unwrap_or_else(PoisonError::into_inner);
    records.push(Sample {
        watched: Arc::downgrade(&watched),
        word: 0,
        still: Duration::ZERO,
        reported: false,
    });
    Some(watched)
}

/// `WEFT_STALL`, read once per process (`None`: off).
fn stall_limit() -> Option<Duration> {
    static LIMIT: std::sync::OnceLock<Option<Duration>> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        let limit = env_parsed(Var::Stall, parse_duration).unwrap_or(DEFAULT_STALL);
        (!limit.is_zero()).then_some(limit)
    })
}

fn watchdog(limit: Duration) {
    loop {
        std::thread::sleep(TICK);
        let mut records = RECORDS.lock().unwrap_or_else(PoisonError::into_inner);
        records.retain(|sample| sample.watched.strong_count() > 0);
        for sample in records.iter_mut() {
            let Some(watched) = sample.watched.upgrade() else {
                continue;
            };
            let word = watched.word.load(Relaxed);
            if word != sample.word || word & 0xffff == 0 {
                (sample.word, sample.still, sample.reported) = (word, Duration::ZERO, false);
                continue;
            }
            sample.still += TICK;
            if sample.still >= limit && !sample.reported {
                sample.reported = true;
                let test = watched.test.lock().unwrap_or_else(PoisonError::into_inner);
                let thread = (word & 0xffff) as usize - 1;
                eprintln!("{}", message(test.as_deref(), thread, sample.still));
            }
        }
    }
}

/// What the watchdog prints for model thread `thread` of `test`, stalled for `still`.
fn message(test: Option<&str>, thread: ThreadId, still: Duration) -> String {
    let thread = thread_label(thread, None);
    let test = test.map_or(String::new(), |name| format!(" (test {name})"));
    format!(
        "weft: {thread} of the model{test} has run for {} s without reaching a weft \
         operation, and the exploration waits for it: weft runs one model thread at a time \
         and switches only at weft operations. Is it blocked on a std primitive (a std Mutex, \
         channel or sleep) instead of weft's, or looping without a weft operation (a wait \
         loop needs weft::hint::spin_loop() or weft::thread::yield_now())? (WEFT_STALL sets \
         this delay; 0 turns the check off.)",
        still.as_secs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_shows_which_thread_runs_and_counts_resumes() {
        let watched = Watched::default();
        watched.running(2);
        let first = watched.word.load(Relaxed);
        assert_eq!(first & 0xffff, 3);
        watched.paused();
        assert_eq!(watched.word.load(Relaxed) & 0xffff, 0);
        watched.running(2);
        assert_ne!(
            watched.word.load(Relaxed),
            first,
            "a new resume is a new word"
        );
    }

    #[test]
    fn the_message_names_the_thread_the_test_and_the_causes() {
        let text = message(Some("my_test"), 1, Duration::from_secs(10));
        assert!(text.starts_with("weft: thread 1 of the model (test my_test) has run for 10 s"));
        assert!(text.contains("a std Mutex"), "{text}");
        assert!(message(None, 0, Duration::from_secs(3)).starts_with("weft: main of the model"));
    }
}

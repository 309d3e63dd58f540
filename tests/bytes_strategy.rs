//! `Strategy::Bytes` and `weft::fuzz`: one execution per input, the documented encoding
//! (one byte per scheduling point with a choice, `b % m` over the threads in cyclic order
//! from the current one, missing bytes read as 0), and no input that makes weft itself fail.
#![cfg(feature = "permute")]

mod common;

// std's Arc: the decision counts below assume reference counts add no scheduling points.
use std::sync::{Arc, Mutex as StdMutex};

use weft::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use weft::sync::Mutex;
use weft::thread;
use weft::{Builder, FailureKind, Stats, Strategy};

fn run_bytes(
    input: &[u8],
    model: impl Fn() + Send + Sync + 'static,
) -> Result<Stats, weft::Failure> {
    Builder::new()
        .strategy(Strategy::Bytes(input.to_vec()))
        .explore(model)
}

/// Three threads each store their number into one atomic three times, and log who stored in
/// what order (the log and the `Arc`s are std's, so they add no scheduling point).
fn logged(log: Arc<StdMutex<Vec<usize>>>) -> impl Fn() + Send + Sync + 'static {
    move || {
        log.lock().unwrap().clear();
        let cell = Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (1..=3)
            .map(|me| {
                let (cell, log) = (cell.clone(), log.clone());
                thread::spawn(move || {
                    for _ in 0..3 {
                        cell.store(me, SeqCst);
                        log.lock().unwrap().push(me);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
    }
}

/// The order of stores that `input` makes the logged program run.
fn interleaving(input: &[u8]) -> Vec<usize> {
    let log = Arc::new(StdMutex::new(Vec::new()));
    let stats = run_bytes(input, logged(log.clone())).unwrap();
    assert_eq!((stats.executions, stats.complete), (1, false));
    let order = log.lock().unwrap().clone();
    order
}

#[test]
fn same_input_same_schedule_and_missing_bytes_read_as_zero() {
    let input = [7, 0, 3, 250, 1, 1, 0, 9];
    assert_eq!(interleaving(&input), interleaving(&input));
    // No bytes, or zeros: never switch away from a thread that can go on.
    let natural = vec![1, 1, 1, 2, 2, 2, 3, 3, 3];
    assert_eq!(interleaving(&[]), natural);
    assert_eq!(interleaving(&[0; 40]), natural);
    // Appending zeros to an input changes nothing.
    let mut padded = input.to_vec();
    padded.extend([0; 30]);
    assert_eq!(interleaving(&padded), interleaving(&input));
}

#[test]
fn one_nonzero_byte_is_one_context_switch() {
    // Zeros run thread 1, then 2, then 3 to their ends: three runs of stores. One nonzero
    // byte switches once, to another thread, which then runs to its end: at most four runs.
    // The first 8 decisions come while two workers still have stores to do, so the switch
    // changes the order; later ones can only switch to main, which just joins.
    let natural = interleaving(&[]);
    for at in 0..12 {
        let mut input = vec![0; at];
        input.push(1);
        let order = interleaving(&input);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, natural, "every store still happens once");
        let runs = 1 + order.windows(2).filter(|w| w[0] != w[1]).count();
        assert!(runs <= 4, "input {input:?} gave {order:?}");
        assert_eq!(order != natural, at < 8, "input {input:?} gave {order:?}");
    }
    // Decision 2 (thread 1 about to make its second store) switches to thread 2:
    assert_eq!(interleaving(&[0, 0, 1]), vec![1, 2, 2, 2, 3, 3, 3, 1, 1]);
    // The byte is taken modulo the choices: 4 is 1 among three threads and main blocked.
    assert_eq!(interleaving(&[0, 0, 4]), interleaving(&[0, 0, 1]));
}

#[test]
fn encoding_finds_the_lost_update_exactly_where_documented() {
    // common::lost_update: step 0 only main can run (its start). Step 1: main at its load,
    // thread 1 at its start; [main, thread 1]; byte 0 keeps main. Step 2: byte 1 switches to
    // thread 1, which starts. From then on zeros keep thread 1 running: it loads 0 before
    // main stores, so one update is lost.
    assert!(run_bytes(&[], common::lost_update).is_ok());
    assert!(run_bytes(&[1], common::lost_update).is_ok());
    let failure = run_bytes(&[0, 1], common::lost_update).unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic);
    let report = failure.to_string();
    assert!(report.contains("lost update"), "{report}");
    assert!(report.contains("replay: WEFT_REPLAY="), "{report}");
    assert!(
        report.contains("strategy: bytes, 2 input bytes, "),
        "{report}"
    );
    // The schedule replays the same failure.
    let replayed = Builder::new()
        .strategy(Strategy::Replay(failure.schedule().to_string()))
        .explore(common::lost_update)
        .unwrap_err();
    assert_eq!(replayed.schedule(), failure.schedule());
}

#[test]
fn fuzz_entry_point_panics_with_the_report() {
    weft::fuzz(&[], common::lost_update);
    let payload =
        std::panic::catch_unwind(|| weft::fuzz(&[0, 1], common::lost_update)).unwrap_err();
    let message = payload.downcast_ref::<String>().unwrap();
    assert!(message.starts_with("weft: main panicked"), "{message}");
    assert!(message.contains("replay: WEFT_REPLAY="), "{message}");
}

/// A correct program with locks, joins and a spin wait.
fn correct_mix() {
    let total = Arc::new(Mutex::new(0));
    let ready = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..3)
        .map(|_| {
            let (total, ready) = (total.clone(), ready.clone());
            thread::spawn(move || {
                *total.lock().unwrap() += 1;
                ready.fetch_add(1, SeqCst);
            })
        })
        .collect();
    while ready.load(SeqCst) < 3 {
        thread::yield_now();
    }
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(*total.lock().unwrap(), 3);
}

#[test]
fn arbitrary_inputs_never_fail_a_correct_program() {
    // xorshift64 for the inputs, so the test needs no dependency and is the same every run.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut schedules = std::collections::BTreeSet::new();
    for case in 0..2_000 {
        let len = (next() % 80) as usize;
        let input: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let stats = run_bytes(&input, correct_mix)
            .unwrap_or_else(|f| panic!("case {case}, input {input:?}:\n{f}"));
        assert_eq!((stats.executions, stats.complete), (1, false));
        let log = Arc::new(StdMutex::new(Vec::new()));
        if case < 200 {
            run_bytes(&input, logged(log.clone())).unwrap();
            schedules.insert(log.lock().unwrap().clone());
        }
    }
    // The inputs really did drive different schedules.
    assert!(schedules.len() > 50, "{} schedules", schedules.len());
    for input in [&[][..], &[255; 100][..], &[1; 100][..]] {
        assert!(run_bytes(input, common::ainc(3)).is_ok());
        assert!(run_bytes(input, common::lastzero(3)).is_ok());
    }
}

#[test]
fn bytes_runs_report_their_interleaving_coverage() {
    let edges = |input: &[u8]| {
        let mut edges = run_bytes(input, common::lost_update).unwrap().interleaving;
        edges.sort_unstable();
        edges
    };
    // Main first: main's store -> thread 1's load and store, thread 1's store -> main's
    // final load. Thread 1 first: thread 1's store -> main's load and store (main's final
    // load reads main's own store: no edge between threads).
    let main_first = edges(&[]);
    let thread_first = edges(&[1]);
    assert_eq!(main_first.len(), 3, "{main_first:?}");
    assert_eq!(thread_first.len(), 2, "{thread_first:?}");
    assert_ne!(main_first, thread_first);
    assert_eq!(
        edges(&[]),
        main_first,
        "the same input gives the same coverage"
    );
    // Only Bytes runs report it.
    let stats = Builder::new().explore(common::ainc(2)).unwrap();
    assert!(stats.interleaving.is_empty());
}

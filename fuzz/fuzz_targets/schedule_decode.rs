//! Arbitrary text given to weft as a replay schedule. weft must answer with a value —
//! `InvalidSchedule` for text it did not write, `Nondeterminism` for a well-formed schedule
//! this program cannot follow, or the program's own outcome — and never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weft::sync::atomic::{AtomicUsize, Ordering::Relaxed, Ordering::SeqCst};
use weft::sync::Arc;
use weft::{Builder, FailureKind, Strategy};

fn model() {
    let x = Arc::new(AtomicUsize::new(0));
    let x2 = x.clone();
    let t = weft::thread::spawn(move || {
        x2.fetch_add(1, SeqCst);
    });
    x.fetch_add(1, SeqCst);
    // A Relaxed load may read either store: a step with a value choice (`T~K`).
    let seen = x.load(Relaxed);
    assert!(seen == 1 || seen == 2);
    t.join().unwrap();
    assert_eq!(x.load(SeqCst), 2);
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let outcome = Builder::new()
        .strategy(Strategy::Replay(text))
        .max_steps(1_000)
        .explore(model);
    if let Err(failure) = outcome {
        // The model is correct: a failure can only be about the schedule.
        assert!(
            matches!(
                failure.kind(),
                FailureKind::InvalidSchedule | FailureKind::Nondeterminism
            ),
            "{failure}"
        );
    }
});

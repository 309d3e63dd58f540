//! Read-modify-writes: atomicity, old stores, release sequences, compare-exchange.

use super::*;

// ---------------------------------------------------------------------------------------
// Read-modify-writes.

#[test]
fn fetch_add_relaxed_never_loses_an_update() {
    // Two `fetch_add(1, Relaxed)`, outcome (each one's old value, final x). Forbidden both
    // reading 0: RC11's atomicity axiom (an RMW reads the store just before it in mo).
    outcomes("fetch_add Relaxed", |record| {
        let m = memory::<1>();
        let t1 = run(&m, |[x]| x.fetch_add(1, Relaxed));
        let t2 = run(&m, |[x]| x.fetch_add(1, Relaxed));
        let (a, b) = (t1.join().unwrap(), t2.join().unwrap());
        record((a, b, m[0].load(Relaxed)));
    })
    .are([(0, 1, 2), (1, 0, 2)]);
}

#[test]
fn relaxed_rmw_may_read_a_store_older_than_one_its_thread_heard_of() {
    // `x=1 ‖ r1=x; y=1 ‖ r2=y; r3=x.fetch_add(2)`, outcome (r1, r2, r3, final x). Allowed
    // r1=1, r2=1, r3=0, x=1: the RMW reads the initial store and goes before `x=1` in mo;
    // nothing orders `x=1` before it (Relaxed rf is no synchronisation), so coherence
    // allows it although `x=1` ran first.
    outcomes("RMW reads an old store", |record| {
        let m = memory::<2>();
        let t1 = run(&m, |[x, _]| x.store(1, Relaxed));
        let t2 = run(&m, |[x, y]| {
            let r1 = x.load(Relaxed);
            y.store(1, Relaxed);
            r1
        });
        let t3 = run(&m, |[x, y]| (y.load(Relaxed), x.fetch_add(2, Relaxed)));
        t1.join().unwrap();
        let r1 = t2.join().unwrap();
        let (r2, r3) = t3.join().unwrap();
        record((r1, r2, r3, m[0].load(Relaxed)));
    })
    .are([
        (0, 0, 0, 1),
        (0, 0, 1, 3),
        (0, 1, 0, 1),
        (0, 1, 1, 3),
        (1, 0, 0, 1),
        (1, 0, 1, 3),
        (1, 1, 0, 1),
        (1, 1, 1, 3),
        (2, 0, 0, 1),
        (3, 0, 1, 3),
    ]);
}

/// The locations of the release-sequence program: a flag and the data it publishes, as a
/// cell (checked for races) or as a Relaxed atomic.
struct Published {
    flag: AtomicUsize,
    data: UnsafeCell<usize>,
    atomic_data: AtomicUsize,
}

// SAFETY: `data` is written by thread 1 only, and read by thread 3 only when the flag says
// it was published; whether the orderings make that so is what the race detector checks.
unsafe impl Sync for Published {}

/// The outcomes of `release_sequence_program`.
fn release_sequence(flag_store: Ordering, atomic_data: bool) -> Outcomes<(usize, Option<usize>)> {
    let name = label("release sequence", (flag_store, atomic_data));
    outcomes(name, move |record| {
        release_sequence_program(flag_store, atomic_data, record)
    })
}

/// The release-sequence program: thread 1 writes data (the cell, or the atomic if
/// `atomic_data`), then `flag.store(1, flag_store)`; thread 2 does
/// `flag.fetch_add(1, Relaxed)`; thread 3 loads the flag with Acquire and, if it reads 2,
/// reads the data. Outcome: (flag, data read).
fn release_sequence_program(
    flag_store: Ordering,
    atomic_data: bool,
    record: &dyn Fn((usize, Option<usize>)),
) {
    let shared = Arc::new(Published {
        flag: AtomicUsize::new(0),
        data: UnsafeCell::new(0),
        atomic_data: AtomicUsize::new(0),
    });
    let writer = {
        let shared = shared.clone();
        thread::spawn(move || {
            if atomic_data {
                shared.atomic_data.store(1, Relaxed);
            } else {
                // SAFETY: see `Sync`.
                shared.data.with_mut(|p| unsafe { *p = 1 });
            }
            shared.flag.store(1, flag_store);
        })
    };
    let rmw = {
        let shared = shared.clone();
        thread::spawn(move || shared.flag.fetch_add(1, Relaxed))
    };
    let reader = {
        let shared = shared.clone();
        thread::spawn(move || {
            let flag = shared.flag.load(Acquire);
            let data = (flag == 2).then(|| {
                if atomic_data {
                    shared.atomic_data.load(Relaxed)
                } else {
                    // SAFETY: see `Sync`.
                    shared.data.with(|p| unsafe { *p })
                }
            });
            (flag, data)
        })
    };
    writer.join().unwrap();
    rmw.join().unwrap();
    record(reader.join().unwrap());
}

#[test]
fn release_sequence_through_relaxed_rmw_publishes_data() {
    // Reading 2 means reading the RMW that read the release store: the RMW continues the
    // store's release sequence, so the acquire load synchronises with the store and the
    // write of data happens before its read (no race, and it reads 1).
    release_sequence(Release, false).are([(0, None), (1, None), (2, Some(1))]);
}

#[test]
fn release_sequence_with_atomic_data_forbids_stale_data() {
    // The same with data a Relaxed atomic: data=0 is forbidden (CoWR through hb).
    release_sequence(Release, true).are([(0, None), (1, None), (2, Some(1))]);
}

#[test]
fn relaxed_flag_store_heads_no_release_sequence_so_atomic_data_may_be_stale() {
    // Allowed (2, Some(0)): a Relaxed store heads no release sequence, nothing synchronises.
    release_sequence(Relaxed, true).are([(0, None), (1, None), (2, Some(0)), (2, Some(1))]);
}

#[test]
fn relaxed_flag_store_heads_no_release_sequence_so_the_data_read_races() {
    // With data a cell, the missing synchronisation is a data race: the read of data is not
    // ordered after the write.
    let failure = Builder::new()
        .jobs(1)
        .explore(|| release_sequence_program(Relaxed, false, &|_| {}))
        .expect_err("a Relaxed flag store publishes nothing");
    assert_eq!(failure.kind(), FailureKind::DataRace, "{failure}");
    let report = failure.to_string();
    assert!(
        report.starts_with("weft: data race on UnsafeCell"),
        "{report}"
    );
    let read = format!(
        "  read at tests/litmus/read_modify_writes.rs:{}:",
        line_of("shared.data.with(|p|")
    );
    let write = format!(
        "  previous write at tests/litmus/read_modify_writes.rs:{}:",
        line_of("shared.data.with_mut(|p|")
    );
    assert!(report.contains(&read), "{read:?} in {report}");
    assert!(report.contains(&write), "{write:?} in {report}");
}

#[test]
fn compare_exchange_weak_may_fail_spuriously() {
    // Allowed Err(0) although x is 0: a weak compare-exchange may fail spuriously (C++
    // [atomics.types.operations], Rust's `compare_exchange_weak` docs); exploring it must
    // cover both results.
    outcomes("compare_exchange_weak", |record| {
        let x = AtomicUsize::new(0);
        record(x.compare_exchange_weak(0, 1, Relaxed, Relaxed));
    })
    .are([Ok(0), Err(0)]);
}

#[test]
fn compare_exchange_never_fails_spuriously() {
    // Forbidden Err(0): a strong compare-exchange fails only when the value differs.
    outcomes("compare_exchange", |record| {
        let x = AtomicUsize::new(0);
        record(x.compare_exchange(0, 1, Relaxed, Relaxed));
    })
    .are([Ok(0)]);
}

/// The line of this file that contains `text` (first occurrence).
fn line_of(text: &str) -> usize {
    include_str!("read_modify_writes.rs")
        .lines()
        .position(|line| line.contains(text))
        .expect("the line exists")
        + 1
}

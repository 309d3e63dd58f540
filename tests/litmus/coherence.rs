//! Coherence: CoRR, CoRW, CoWR and CoWW.

use super::*;

// ---------------------------------------------------------------------------------------
// Coherence: the stores to one location are totally ordered (modification order) and every
// thread's accesses to that location agree with it, whatever the orderings.

const EVERY_ORDERING: [(Ordering, Ordering); 3] =
    [(Relaxed, Relaxed), (Release, Acquire), (SeqCst, SeqCst)];

/// CoRR, two threads: `x=1; x=2 ‖ a=x; b=x`; outcome `(a, b)`.
fn corr(store: Ordering, load: Ordering) -> Outcomes<(usize, usize)> {
    outcomes(label("CoRR", (store, load)), move |record| {
        let m = memory::<1>();
        let writer = run(&m, move |[x]| {
            x.store(1, store);
            x.store(2, store);
        });
        let reader = run(&m, move |[x]| (x.load(load), x.load(load)));
        writer.join().unwrap();
        record(reader.join().unwrap());
    })
}

#[test]
fn corr_reads_never_go_back_in_modification_order() {
    for (store, load) in EVERY_ORDERING {
        // Forbidden b from a store mo-before a's (1 then 0, 2 then 0, 2 then 1): CoRR
        // (a=x sb b=x is hb, b=x rb; rf a=x is eco, and coherence forbids hb; eco cycles).
        corr(store, load).are([(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)]);
    }
}

#[test]
fn corr_two_writers_reads_follow_modification_order() {
    // `x=1 ‖ x=2 ‖ a=x; b=x`, outcome (a, b, final x): the reader may see the stores in
    // either order, but only in the order the final value shows (mo is 1, 2 iff x ends 2).
    let seen = outcomes("CoRR two writers Relaxed", |record| {
        let m = memory::<1>();
        let w1 = run(&m, |[x]| x.store(1, Relaxed));
        let w2 = run(&m, |[x]| x.store(2, Relaxed));
        let reader = run(&m, |[x]| (x.load(Relaxed), x.load(Relaxed)));
        w1.join().unwrap();
        w2.join().unwrap();
        let (a, b) = reader.join().unwrap();
        record((a, b, m[0].load(Relaxed)));
    });
    seen.are([
        // mo 0, 1, 2 (x ends 2): b is a or a later store.
        (0, 0, 2),
        (0, 1, 2),
        (0, 2, 2),
        (1, 1, 2),
        (1, 2, 2),
        (2, 2, 2),
        // mo 0, 2, 1 (x ends 1).
        (0, 0, 1),
        (0, 2, 1),
        (0, 1, 1),
        (2, 2, 1),
        (2, 1, 1),
        (1, 1, 1),
    ]);
}

#[test]
fn corw_a_read_never_sees_a_store_coherence_puts_after_its_own() {
    // `a=x; x=1 ‖ x=2`, outcome (a, final x). Forbidden a=2 with x ending 2 (CoRW: the
    // read of 2 comes before x=1 in sb, so x=2 is before x=1 in mo), and a=1 (own later
    // store, a cycle in sb ∪ rf).
    outcomes("CoRW Relaxed", |record| {
        let m = memory::<1>();
        let t1 = run(&m, |[x]| {
            let a = x.load(Relaxed);
            x.store(1, Relaxed);
            a
        });
        let t2 = run(&m, |[x]| x.store(2, Relaxed));
        let a = t1.join().unwrap();
        t2.join().unwrap();
        record((a, m[0].load(Relaxed)));
    })
    .are([(0, 1), (0, 2), (2, 1)]);
}

#[test]
fn cowr_a_read_never_sees_a_store_older_than_its_own() {
    // `x=1; a=x ‖ x=2`, outcome (a, final x). Forbidden a=0 and a=2 with x ending 1 (CoWR:
    // the thread's own store happens before its read, so the read cannot take an
    // mo-earlier store).
    outcomes("CoWR Relaxed", |record| {
        let m = memory::<1>();
        let t1 = run(&m, |[x]| {
            x.store(1, Relaxed);
            x.load(Relaxed)
        });
        let t2 = run(&m, |[x]| x.store(2, Relaxed));
        let a = t1.join().unwrap();
        t2.join().unwrap();
        record((a, m[0].load(Relaxed)));
    })
    .are([(1, 1), (1, 2), (2, 2)]);
}

#[test]
fn coww_stores_of_one_thread_keep_their_order() {
    // `x=1; x=2 ‖ x=3`, outcome final x. Forbidden 1 (CoWW: sb between stores to one
    // location is in mo).
    outcomes("CoWW Relaxed", |record| {
        let m = memory::<1>();
        let t1 = run(&m, |[x]| {
            x.store(1, Relaxed);
            x.store(2, Relaxed);
        });
        let t2 = run(&m, |[x]| x.store(3, Relaxed));
        t1.join().unwrap();
        t2.join().unwrap();
        record(m[0].load(Relaxed));
    })
    .are([2, 3]);
}

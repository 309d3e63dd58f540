//! Litmus shapes of two threads: SB, MP, LB, 2+2W, R and S.

use super::*;

// ---------------------------------------------------------------------------------------
// SB (store buffering): `x=1; a=y ‖ y=1; b=x`. Weak outcome: a=0, b=0.

/// SB with `store`/`load` orderings and an optional fence between each thread's accesses;
/// outcome `(a, b)`.
fn sb(
    (store1, load1): (Ordering, Ordering),
    (store2, load2): (Ordering, Ordering),
    fences: [Option<Ordering>; 2],
) -> Outcomes<(usize, usize)> {
    let name = label("SB", (store1, load1, store2, load2, fences));
    outcomes(name, move |record| {
        let m = memory::<2>();
        let t1 = run(&m, move |[x, y]| {
            x.store(1, store1);
            fence_if(fences[0]);
            y.load(load1)
        });
        let t2 = run(&m, move |[x, y]| {
            y.store(1, store2);
            fence_if(fences[1]);
            x.load(load2)
        });
        record((t1.join().unwrap(), t2.join().unwrap()));
    })
}

const NO_FENCES: [Option<Ordering>; 2] = [None, None];
const SC_FENCES: [Option<Ordering>; 2] = [Some(SeqCst), Some(SeqCst)];

#[test]
fn sb_seqcst_forbids_both_zero() {
    // Forbidden: the four SeqCst accesses form a cycle in RC11's psc (sb; rb; sb; rb).
    sb((SeqCst, SeqCst), (SeqCst, SeqCst), NO_FENCES).are([(0, 1), (1, 0), (1, 1)]);
}

#[test]
fn sb_release_acquire_allows_both_zero() {
    // Allowed: neither load reads from the other thread, so nothing synchronises.
    sb((Release, Acquire), (Release, Acquire), NO_FENCES).are([(0, 0), (0, 1), (1, 0), (1, 1)]);
}

#[test]
fn sb_relaxed_allows_both_zero() {
    // Allowed: Relaxed accesses take part in no order across locations.
    sb((Relaxed, Relaxed), (Relaxed, Relaxed), NO_FENCES).are([(0, 0), (0, 1), (1, 0), (1, 1)]);
}

#[test]
fn sb_seqcst_stores_with_acquire_loads_allow_both_zero() {
    // Allowed: psc only orders SeqCst events (and SeqCst fences); the loads are not SeqCst.
    sb((SeqCst, Acquire), (SeqCst, Acquire), NO_FENCES).are([(0, 0), (0, 1), (1, 0), (1, 1)]);
}

#[test]
fn sb_relaxed_with_seqcst_fences_forbids_both_zero() {
    // Forbidden: each fence reaches the other by sb; rb; sb, a cycle in psc_F.
    sb((Relaxed, Relaxed), (Relaxed, Relaxed), SC_FENCES).are([(0, 1), (1, 0), (1, 1)]);
}

#[test]
fn sb_relaxed_with_one_seqcst_fence_allows_both_zero() {
    // Allowed: a single SeqCst fence has no other SeqCst event to be ordered against.
    sb((Relaxed, Relaxed), (Relaxed, Relaxed), [Some(SeqCst), None]).are([
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
    ]);
}

#[test]
fn sb_seqcst_thread_and_fenced_relaxed_thread_forbid_both_zero() {
    // Forbidden: psc_base orders Wx before Ry (sb), Ry before F (rb; sb) and F before Wx
    // (sb; rb), a cycle (C++20 [atomics.order] p4 says the same of its order S).
    sb((SeqCst, SeqCst), (Relaxed, Relaxed), [None, Some(SeqCst)]).are([(0, 1), (1, 0), (1, 1)]);
}

// ---------------------------------------------------------------------------------------
// MP (message passing): `x=1; y=1 ‖ a=y; b=x`. Weak outcome: a=1, b=0.

/// MP: data `x` and flag `y` with the given store and load orderings, an optional fence
/// between the writer's stores and between the reader's loads; outcome `(a, b)`.
fn mp(
    (store_x, store_y): (Ordering, Ordering),
    (load_y, load_x): (Ordering, Ordering),
    fences: [Option<Ordering>; 2],
) -> Outcomes<(usize, usize)> {
    let name = label("MP", (store_x, store_y, load_y, load_x, fences));
    outcomes(name, move |record| {
        let m = memory::<2>();
        let writer = run(&m, move |[x, y]| {
            x.store(1, store_x);
            fence_if(fences[0]);
            y.store(1, store_y);
        });
        let reader = run(&m, move |[x, y]| {
            let a = y.load(load_y);
            fence_if(fences[1]);
            (a, x.load(load_x))
        });
        writer.join().unwrap();
        record(reader.join().unwrap());
    })
}

#[test]
fn mp_seqcst_forbids_stale_data() {
    // Forbidden: the SeqCst accesses are release/acquire too, so x=1 happens before b=x.
    mp((SeqCst, SeqCst), (SeqCst, SeqCst), NO_FENCES).are([(0, 0), (0, 1), (1, 1)]);
}

#[test]
fn mp_release_acquire_forbids_stale_data() {
    // Forbidden: the acquire load reading the release store synchronises with it, so x=1
    // happens before b=x, and coherence (CoWR through hb) forbids reading the initial 0.
    mp((Relaxed, Release), (Acquire, Relaxed), NO_FENCES).are([(0, 0), (0, 1), (1, 1)]);
}

#[test]
fn mp_relaxed_allows_stale_data() {
    // Allowed: a Relaxed load reading a Relaxed store does not synchronise.
    mp((Relaxed, Relaxed), (Relaxed, Relaxed), NO_FENCES).are([(0, 0), (0, 1), (1, 0), (1, 1)]);
}

#[test]
fn mp_release_store_with_relaxed_load_allows_stale_data() {
    // Allowed: synchronisation needs both halves; a Relaxed load acquires nothing.
    mp((Relaxed, Release), (Relaxed, Relaxed), NO_FENCES).are([(0, 0), (0, 1), (1, 0), (1, 1)]);
}

#[test]
fn mp_relaxed_store_with_acquire_load_allows_stale_data() {
    // Allowed: synchronisation needs both halves; a Relaxed store releases nothing.
    mp((Relaxed, Relaxed), (Acquire, Relaxed), NO_FENCES).are([(0, 0), (0, 1), (1, 0), (1, 1)]);
}

#[test]
fn mp_relaxed_with_release_and_acquire_fences_forbids_stale_data() {
    // Forbidden: release fence; y=1 read by a=y; acquire fence is fence-fence
    // synchronisation (RC11's sw), so x=1 happens before b=x.
    mp(
        (Relaxed, Relaxed),
        (Relaxed, Relaxed),
        [Some(Release), Some(Acquire)],
    )
    .are([(0, 0), (0, 1), (1, 1)]);
}

// ---------------------------------------------------------------------------------------
// LB (load buffering): `a=x; y=1 ‖ b=y; x=1`. Weak outcome: a=1, b=1.

/// LB with `load`/`store` orderings; outcome `(a, b)`.
fn lb(load: Ordering, store: Ordering) -> Outcomes<(usize, usize)> {
    outcomes(label("LB", (load, store)), move |record| {
        let m = memory::<2>();
        let t1 = run(&m, move |[x, y]| {
            let a = x.load(load);
            y.store(1, store);
            a
        });
        let t2 = run(&m, move |[x, y]| {
            let b = y.load(load);
            x.store(1, store);
            b
        });
        record((t1.join().unwrap(), t2.join().unwrap()));
    })
}

#[test]
fn lb_seqcst_forbids_both_one() {
    // Forbidden: a cycle in sb ∪ rf (and in psc).
    lb(SeqCst, SeqCst).are([(0, 0), (0, 1), (1, 0)]);
}

#[test]
fn lb_release_acquire_forbids_both_one() {
    // Forbidden: each load would read a store it happens before (coherence), and sb ∪ rf
    // would be cyclic.
    lb(Acquire, Release).are([(0, 0), (0, 1), (1, 0)]);
}

#[test]
fn lb_relaxed_forbids_both_one() {
    // Forbidden: RC11's no-thin-air axiom, acyclic(sb ∪ rf), holds for Relaxed too.
    lb(Relaxed, Relaxed).are([(0, 0), (0, 1), (1, 0)]);
}

// ---------------------------------------------------------------------------------------
// 2+2W: `x=1; y=2 ‖ y=1; x=2`, final x and y. Weak outcome: x=1, y=1 (each thread's first
// store is last in modification order).

/// 2+2W with `store` ordering and an optional fence between each thread's stores; outcome
/// the final `(x, y)`.
fn two_plus_two_w(store: Ordering, fences: Option<Ordering>) -> Outcomes<(usize, usize)> {
    outcomes(label("2+2W", (store, fences)), move |record| {
        let m = memory::<2>();
        let t1 = run(&m, move |[x, y]| {
            x.store(1, store);
            fence_if(fences);
            y.store(2, store);
        });
        let t2 = run(&m, move |[x, y]| {
            y.store(1, store);
            fence_if(fences);
            x.store(2, store);
        });
        t1.join().unwrap();
        t2.join().unwrap();
        let [x, y] = &*m;
        record((x.load(Relaxed), y.load(Relaxed)));
    })
}

#[test]
fn two_plus_two_w_seqcst_forbids_both_first_stores_last() {
    // Forbidden: sb and mo between the four SeqCst stores would form a psc cycle.
    two_plus_two_w(SeqCst, None).are([(1, 2), (2, 1), (2, 2)]);
}

#[test]
fn two_plus_two_w_release_allows_both_first_stores_last() {
    // Allowed: no load, so no synchronisation; RC11 does not require sb ∪ mo acyclic
    // (only the stronger SRA model forbids 2+2W under release/acquire).
    two_plus_two_w(Release, None).are([(1, 1), (1, 2), (2, 1), (2, 2)]);
}

#[test]
fn two_plus_two_w_relaxed_allows_both_first_stores_last() {
    // Allowed: Relaxed stores to different locations are unordered.
    two_plus_two_w(Relaxed, None).are([(1, 1), (1, 2), (2, 1), (2, 2)]);
}

#[test]
fn two_plus_two_w_relaxed_with_seqcst_fences_forbids_both_first_stores_last() {
    // Forbidden: each fence reaches the other by sb; mo; sb (psc_F cycle).
    two_plus_two_w(Relaxed, Some(SeqCst)).are([(1, 2), (2, 1), (2, 2)]);
}

// ---------------------------------------------------------------------------------------
// R: `x=1; y=1 ‖ y=2; a=x`, outcome (final y, a). Weak outcome: y=2 (y=1 before y=2 in mo)
// and a=0.

/// R with `store`/`load` orderings and an optional fence between each thread's accesses.
fn r(store: Ordering, load: Ordering, fences: Option<Ordering>) -> Outcomes<(usize, usize)> {
    outcomes(label("R", (store, load, fences)), move |record| {
        let m = memory::<2>();
        let t1 = run(&m, move |[x, y]| {
            x.store(1, store);
            fence_if(fences);
            y.store(1, store);
        });
        let t2 = run(&m, move |[x, y]| {
            y.store(2, store);
            fence_if(fences);
            x.load(load)
        });
        t1.join().unwrap();
        let a = t2.join().unwrap();
        record((m[1].load(Relaxed), a));
    })
}

#[test]
fn r_seqcst_forbids_stale_read_after_later_store() {
    // Forbidden: x=1 sb y=1 mo y=2 sb a=x rb x=1 is a psc cycle of SeqCst events.
    r(SeqCst, SeqCst, None).are([(1, 0), (1, 1), (2, 1)]);
}

#[test]
fn r_release_acquire_allows_stale_read_after_later_store() {
    // Allowed: mo between the y stores creates no happens-before (nothing reads y), and
    // the cycle sb; mo; sb; rb is not of the form hb; eco that coherence forbids.
    r(Release, Acquire, None).are([(1, 0), (1, 1), (2, 0), (2, 1)]);
}

#[test]
fn r_relaxed_allows_stale_read_after_later_store() {
    // Allowed: as with release/acquire, and Relaxed orders even less.
    r(Relaxed, Relaxed, None).are([(1, 0), (1, 1), (2, 0), (2, 1)]);
}

#[test]
fn r_relaxed_with_seqcst_fences_forbids_stale_read_after_later_store() {
    // Forbidden: F1 sb; mo; sb F2 and F2 sb; rb; sb F1 form a psc_F cycle.
    r(Relaxed, Relaxed, Some(SeqCst)).are([(1, 0), (1, 1), (2, 1)]);
}

// ---------------------------------------------------------------------------------------
// S: `x=2; y=1 ‖ a=y; x=1`, outcome (a, final x). Weak outcome: a=1 and x ends 2 (x=1
// before x=2 in mo).

/// S with the orderings of `x=2`, `y=1`, `a=y`, `x=1` and an optional fence between each
/// thread's accesses.
fn s(
    (store_x2, store_y): (Ordering, Ordering),
    (load_y, store_x1): (Ordering, Ordering),
    fences: Option<Ordering>,
) -> Outcomes<(usize, usize)> {
    let name = label("S", (store_x2, store_y, load_y, store_x1, fences));
    outcomes(name, move |record| {
        let m = memory::<2>();
        let t1 = run(&m, move |[x, y]| {
            x.store(2, store_x2);
            fence_if(fences);
            y.store(1, store_y);
        });
        let t2 = run(&m, move |[x, y]| {
            let a = y.load(load_y);
            fence_if(fences);
            x.store(1, store_x1);
            a
        });
        t1.join().unwrap();
        let a = t2.join().unwrap();
        record((a, m[0].load(Relaxed)));
    })
}

#[test]
fn s_seqcst_forbids_overwritten_store_last() {
    // Forbidden: SeqCst accesses synchronise like release/acquire (see the next test).
    s((SeqCst, SeqCst), (SeqCst, SeqCst), None).are([(0, 1), (0, 2), (1, 1)]);
}

#[test]
fn s_release_acquire_forbids_overwritten_store_last() {
    // Forbidden: x=2 sb y=1 sw a=y sb x=1 puts x=2 before x=1 in hb, hence in mo (CoWW).
    s((Relaxed, Release), (Acquire, Relaxed), None).are([(0, 1), (0, 2), (1, 1)]);
}

#[test]
fn s_relaxed_allows_overwritten_store_last() {
    // Allowed: without synchronisation x=2 and x=1 may take either order in mo.
    s((Relaxed, Relaxed), (Relaxed, Relaxed), None).are([(0, 1), (0, 2), (1, 1), (1, 2)]);
}

#[test]
fn s_relaxed_with_seqcst_fences_forbids_overwritten_store_last() {
    // Forbidden: a SeqCst fence is a release and an acquire fence, so the fences
    // synchronise through y and x=2 happens before x=1.
    s((Relaxed, Relaxed), (Relaxed, Relaxed), Some(SeqCst)).are([(0, 1), (0, 2), (1, 1)]);
}

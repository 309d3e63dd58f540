//! Litmus shapes of three and four threads: IRIW, WRC and ISA2.

use super::*;

// ---------------------------------------------------------------------------------------
// IRIW (independent reads of independent writes): `x=1 ‖ y=1 ‖ a=x; b=y ‖ c=y; d=x`.
// Weak outcome: a=1, b=0, c=1, d=0 (the readers see the writes in opposite orders).

/// IRIW with `store`/`load` orderings and an optional fence between each reader's loads;
/// outcome `(a, b, c, d)`.
fn iriw(
    store: Ordering,
    load: Ordering,
    reader_fence: Option<Ordering>,
) -> Outcomes<(usize, usize, usize, usize)> {
    let name = label("IRIW", (store, load, reader_fence));
    outcomes(name, move |record| {
        let m = memory::<2>();
        let w1 = run(&m, move |[x, _]| x.store(1, store));
        let w2 = run(&m, move |[_, y]| y.store(1, store));
        let r1 = run(&m, move |[x, y]| {
            let a = x.load(load);
            fence_if(reader_fence);
            (a, y.load(load))
        });
        let r2 = run(&m, move |[x, y]| {
            let c = y.load(load);
            fence_if(reader_fence);
            (c, x.load(load))
        });
        w1.join().unwrap();
        w2.join().unwrap();
        let ((a, b), (c, d)) = (r1.join().unwrap(), r2.join().unwrap());
        record((a, b, c, d));
    })
}

const READERS_DISAGREE: (usize, usize, usize, usize) = (1, 0, 1, 0);

#[test]
fn iriw_seqcst_forbids_readers_disagreeing() {
    // Forbidden: psc totally orders the two SeqCst stores, and both readers must agree.
    iriw(SeqCst, SeqCst, None).are(every_bit_quad().filter(|o| *o != READERS_DISAGREE));
}

#[test]
fn iriw_release_acquire_allows_readers_disagreeing() {
    // Allowed: RC11 (like Power) is not multi-copy atomic for release/acquire.
    iriw(Release, Acquire, None).are(every_bit_quad());
}

#[test]
fn iriw_relaxed_allows_readers_disagreeing() {
    // Allowed: Relaxed reads constrain nothing across locations.
    iriw(Relaxed, Relaxed, None).are(every_bit_quad());
}

#[test]
fn iriw_relaxed_with_seqcst_fences_in_readers_forbids_readers_disagreeing() {
    // Forbidden: each reader's fence reaches the other's by sb; rb; rf; sb (psc_F cycle).
    iriw(Relaxed, Relaxed, Some(SeqCst)).are(every_bit_quad().filter(|o| *o != READERS_DISAGREE));
}

// ---------------------------------------------------------------------------------------
// WRC (write-to-read causality): `x=1 ‖ a=x; y=1 ‖ b=y; c=x`. Weak outcome: a=1, b=1, c=0.

/// WRC with `store` ordering for both stores and `load` for the three loads; outcome
/// `(a, b, c)`.
fn wrc(store: Ordering, load: Ordering) -> Outcomes<(usize, usize, usize)> {
    outcomes(label("WRC", (store, load)), move |record| {
        let m = memory::<2>();
        let t1 = run(&m, move |[x, _]| x.store(1, store));
        let t2 = run(&m, move |[x, y]| {
            let a = x.load(load);
            y.store(1, store);
            a
        });
        let t3 = run(&m, move |[x, y]| (y.load(load), x.load(load)));
        t1.join().unwrap();
        let a = t2.join().unwrap();
        let (b, c) = t3.join().unwrap();
        record((a, b, c));
    })
}

/// Every `(a, b, c)` of 0s and 1s (8 outcomes).
fn every_bit_triple() -> impl Iterator<Item = (usize, usize, usize)> {
    (0..8).map(|i| (i >> 2 & 1, i >> 1 & 1, i & 1))
}

/// WRC's and ISA2's weak outcome: the last thread saw the end of the causal chain but not
/// its start.
const CHAIN_BROKEN: (usize, usize, usize) = (1, 1, 0);

#[test]
fn wrc_seqcst_forbids_stale_read_after_causal_chain() {
    // Forbidden: SeqCst accesses synchronise like release/acquire (see the next test).
    wrc(SeqCst, SeqCst).are(every_bit_triple().filter(|o| *o != CHAIN_BROKEN));
}

#[test]
fn wrc_release_acquire_forbids_stale_read_after_causal_chain() {
    // Forbidden: x=1 sw a=x sb y=1 sw b=y sb c=x, so x=1 happens before c=x (hb is
    // transitive).
    wrc(Release, Acquire).are(every_bit_triple().filter(|o| *o != CHAIN_BROKEN));
}

#[test]
fn wrc_relaxed_allows_stale_read_after_causal_chain() {
    // Allowed: without synchronisation nothing orders x=1 before c=x.
    wrc(Relaxed, Relaxed).are(every_bit_triple());
}

// ---------------------------------------------------------------------------------------
// ISA2: `x=1; y=1 ‖ a=y; z=1 ‖ b=z; c=x`. Weak outcome: a=1, b=1, c=0.

/// ISA2 with `x_order` for both accesses of the data x, `store`/`load` for those of the
/// flags y and z; outcome `(a, b, c)`.
fn isa2(x_order: Ordering, (store, load): (Ordering, Ordering)) -> Outcomes<(usize, usize, usize)> {
    outcomes(label("ISA2", (x_order, store, load)), move |record| {
        let m = memory::<3>();
        let t1 = run(&m, move |[x, y, _]| {
            x.store(1, x_order);
            y.store(1, store);
        });
        let t2 = run(&m, move |[_, y, z]| {
            let a = y.load(load);
            z.store(1, store);
            a
        });
        let t3 = run(&m, move |[x, _, z]| (z.load(load), x.load(x_order)));
        t1.join().unwrap();
        let a = t2.join().unwrap();
        let (b, c) = t3.join().unwrap();
        record((a, b, c));
    })
}

#[test]
fn isa2_seqcst_forbids_stale_read_after_causal_chain() {
    // Forbidden: SeqCst accesses synchronise like release/acquire (see the next test).
    isa2(SeqCst, (SeqCst, SeqCst)).are(every_bit_triple().filter(|o| *o != CHAIN_BROKEN));
}

#[test]
fn isa2_release_acquire_flags_forbid_stale_read_after_causal_chain() {
    // Forbidden: x=1 sb y=1 sw a=y sb z=1 sw b=z sb c=x puts x=1 before c=x in hb.
    isa2(Relaxed, (Release, Acquire)).are(every_bit_triple().filter(|o| *o != CHAIN_BROKEN));
}

#[test]
fn isa2_relaxed_allows_stale_read_after_causal_chain() {
    // Allowed: without synchronisation nothing orders x=1 before c=x.
    isa2(Relaxed, (Relaxed, Relaxed)).are(every_bit_triple());
}

//! SeqCst accesses that RC11 does not order by when they run. A writer publishes `x` and
//! then sets the flag `y` (Relaxed); a reader sees the flag (Relaxed) and then accesses `x`.
//! Nothing synchronises, so RC11's SeqCst order (psc) may put the reader's SeqCst access of
//! `x` before the writer's, though it runs after it: each test's weak outcome (flag seen,
//! `x` not) is allowed. An engine that orders SeqCst operations as they run misses it.

use super::*;

/// What the reader does to `x` after reading the flag; its result as a number (a failed
/// compare-exchange gives 100 + the value it read).
#[derive(Clone, Copy, Debug)]
enum Then {
    Load(Ordering),
    Store(Ordering),
    CompareExchange(usize, Ordering, Ordering),
}

/// `x=1 (store_x); fence? ; y=1 ‖ a=y; fence? ; b=then(x)`, outcome `(a, b, final x)`.
fn publish(store_x: Ordering, fences: [Option<Ordering>; 2], then: Then) -> Outcomes<[usize; 3]> {
    let name = label("publish", (store_x, fences, then));
    outcomes(name, move |record| {
        let m = memory::<2>();
        let writer = run(&m, move |[x, y]| {
            x.store(1, store_x);
            fence_if(fences[0]);
            y.store(1, Relaxed);
        });
        let reader = run(&m, move |[x, y]| {
            let a = y.load(Relaxed);
            fence_if(fences[1]);
            let b = match then {
                Then::Load(order) => x.load(order),
                Then::Store(order) => {
                    x.store(2, order);
                    0
                }
                Then::CompareExchange(expected, success, failure) => {
                    number(x.compare_exchange(expected, 3, success, failure))
                }
            };
            (a, b)
        });
        writer.join().unwrap();
        let (a, b) = reader.join().unwrap();
        record([a, b, m[0].load(Relaxed)]);
    })
}

/// A compare-exchange's result as a number: the old value, or 100 + the value it read.
fn number(result: Result<usize, usize>) -> usize {
    result.unwrap_or_else(|actual| 100 + actual)
}

const FLAG_SEEN_X_NOT: [usize; 3] = [1, 0, 1];

#[test]
fn seqcst_load_may_miss_a_seqcst_store_that_ran_before_it() {
    // Allowed: the load reads 0, so psc has it before `x=1` (rb); nothing orders `x=1`
    // before it (the flag is Relaxed: no hb), so psc has no cycle.
    let all = [[0, 0, 1], [0, 1, 1], FLAG_SEEN_X_NOT, [1, 1, 1]];
    publish(SeqCst, [None, None], Then::Load(SeqCst)).are(all);
}

#[test]
fn seqcst_store_may_go_before_a_seqcst_store_that_ran_before_it() {
    // Allowed: `x=2` before `x=1` in mo (final x = 1) after seeing the flag; psc orders
    // `x=2` before `x=1` (mo) and nothing orders them the other way.
    let outcomes = [[0, 0, 1], [0, 0, 2], [1, 0, 1], [1, 0, 2]];
    publish(SeqCst, [None, None], Then::Store(SeqCst)).are(outcomes);
}

#[test]
fn compare_exchange_fails_with_its_failure_ordering() {
    // Allowed: the failure reads 0 with Relaxed, which psc does not order; only a success
    // would be SeqCst.
    let outcomes = [[0, 1, 3], [0, 100, 1], [1, 1, 3], [1, 100, 1]];
    publish(
        SeqCst,
        [None, None],
        Then::CompareExchange(1, SeqCst, Relaxed),
    )
    .are(outcomes);
}

#[test]
fn compare_exchange_succeeds_with_its_success_ordering() {
    // Allowed: the success reads 0 with Relaxed (and x=1 goes after it); only a failure
    // would be SeqCst.
    let outcomes = [[0, 0, 1], [0, 101, 1], [1, 0, 1], [1, 101, 1]];
    publish(
        SeqCst,
        [None, None],
        Then::CompareExchange(0, Relaxed, SeqCst),
    )
    .are(outcomes);
}

#[test]
fn seqcst_fence_before_a_relaxed_store_does_not_order_a_later_seqcst_load() {
    // Allowed: the fence and the load are psc-ordered only through hb, and there is none.
    let all = [[0, 0, 1], [0, 1, 1], FLAG_SEEN_X_NOT, [1, 1, 1]];
    publish(Relaxed, [Some(SeqCst), None], Then::Load(SeqCst)).are(all);
}

#[test]
fn seqcst_fence_after_a_relaxed_load_does_not_order_an_earlier_seqcst_store() {
    // Allowed: the reader's fence is not after `x=1` in psc: no hb from the writer.
    let all = [[0, 0, 1], [0, 1, 1], FLAG_SEEN_X_NOT, [1, 1, 1]];
    publish(SeqCst, [None, Some(SeqCst)], Then::Load(Relaxed)).are(all);
}

#[test]
fn seqcst_fences_on_both_sides_order_the_flag_before_x() {
    // Forbidden: with a fence on each side, `F1 → F2` (the reader's fence sees the flag
    // stored after F1: psc_F through rf) and a stale read of x would give `F2 → F1` (rb).
    let allowed = [[0, 0, 1], [0, 1, 1], [1, 1, 1]];
    publish(Relaxed, [Some(SeqCst), Some(SeqCst)], Then::Load(Relaxed)).are(allowed);
}

#[test]
fn sb_to_another_location_must_hold_at_both_ends_of_the_hb_path() {
    // `y=1; a=x ‖ b=y.cas(0→3, Relaxed/Acquire); y=2 ‖ c=x.cas(0→3, SeqCst/Relaxed);
    // d=y.fetch_add(1, Release)`, all SeqCst but where said. Allowed: a=0, b fails reading
    // the fetch_add's 1, final y=1 (mo: 0, fetch_add, y=2, y=1). psc would have a cycle
    // (y=2 → y=1 → a → c → y=2) only if `c` reached `y=2` through `sb|≠loc;hb;sb|≠loc`,
    // but the only event before `y=2` in its thread is on `y` itself.
    let name = label("sb|≠loc ends", ());
    let outcomes = outcomes(name, |record| {
        let m = memory::<2>();
        let t0 = run(&m, |[x, y]| {
            y.store(1, SeqCst);
            x.load(SeqCst)
        });
        let t1 = run(&m, |[_, y]| {
            let b = number(y.compare_exchange(0, 3, Relaxed, Acquire));
            y.store(2, SeqCst);
            b
        });
        let t2 = run(&m, |[x, y]| {
            let c = number(x.compare_exchange(0, 3, SeqCst, Relaxed));
            (c, y.fetch_add(1, Release))
        });
        let (a, b, (c, d)) = (t0.join().unwrap(), t1.join().unwrap(), t2.join().unwrap());
        record([a, b, c, d, m[0].load(Relaxed), m[1].load(Relaxed)]);
    });
    let last = |a, b, d, y| [a, b, 0, d, 3, y];
    let mut allowed = Vec::new();
    for a in [0, 3] {
        allowed.extend([
            last(a, 0, 1, 2),
            last(a, 0, 2, 1),
            last(a, 0, 2, 3),
            last(a, 0, 3, 1),
            last(a, 0, 3, 2),
            last(a, 101, 0, 1),
            last(a, 101, 0, 2),
            last(a, 101, 1, 2),
            last(a, 101, 2, 3),
            last(a, 102, 1, 2),
        ]);
    }
    outcomes.are(allowed);
}

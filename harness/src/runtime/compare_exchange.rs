//! Compare-exchange under weak memory: the outcomes it may have (success on a store that
//! holds the expected value, failure on one that does not, a spurious failure of a weak
//! exchange), each read with its own ordering (`success` or `failure`), which decides
//! whether it is a SeqCst access of RC11's SeqCst order (`seq_cst_order`).
//!
//! Invariant: option 0 is the sequentially consistent outcome: on the latest store, success
//! when it holds the expected value, else failure. A thread's next weak exchange after a
//! spurious failure does not fail spuriously, so a retry loop ends.

use std::sync::atomic::Ordering;

use super::coherence::AtomicLocation;
use super::execution::Execution;
use super::op::{EventKind, ObjectIndex, Site};

/// What a compare-exchange does, by the position (in modification order) of the store it
/// reads.
#[derive(Clone, Copy)]
enum Exchange {
    /// The store holds the expected value: the exchange replaces it, right after it.
    Succeed(usize),
    /// The store does not hold the expected value: the exchange fails.
    Fail(usize),
    /// A weak compare-exchange reads the expected value and fails anyway.
    Spurious(usize),
}

impl Exchange {
    /// The position of the store it reads, and of its own store if it makes one.
    fn positions(self) -> (usize, Option<usize>) {
        match self {
            Exchange::Succeed(p) => (p, Some(p + 1)),
            Exchange::Fail(p) | Exchange::Spurious(p) => (p, None),
        }
    }
}

/// The outcomes a compare-exchange may have, in option order, from the latest store down to
/// `floor`: success for a store holding `expected` that no other read-modify-write read
/// (and then, when `weak`, a spurious failure), a failure for a store that does not hold it.
fn exchanges(
    location: &AtomicLocation,
    floor: usize,
    expected: u64,
    weak: bool,
) -> impl Iterator<Item = Exchange> + '_ {
    (floor..location.len()).rev().flat_map(move |p| {
        let holds = location.stores[location.at(p)].value == expected;
        match (holds, location.rmw_may_read(p)) {
            (false, _) => [Some(Exchange::Fail(p)), None],
            (true, free) => [
                free.then_some(Exchange::Succeed(p)),
                weak.then_some(Exchange::Spurious(p)),
            ],
        }
        .into_iter()
        .flatten()
    })
}

impl Execution {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn atomic_compare_exchange(
        &mut self,
        object: ObjectIndex,
        expected: u64,
        new: u64,
        success: Ordering,
        failure: Ordering,
        weak: bool,
        site: Site,
    ) -> Result<u64, u64> {
        let epoch = self.begin_access();
        let seq_cst = (success, failure) == (Ordering::SeqCst, Ordering::SeqCst);
        let floor = self.floor(object, self.weak(seq_cst), true);
        // A thread's next weak exchange after a spurious failure does not fail spuriously.
        let thread = &mut self.threads[self.current];
        let weak = weak && !std::mem::take(&mut thread.failed_spuriously);
        let location = self.objects.atomic(object);
        let mut outcomes = exchanges(location, floor, expected, weak);
        let first = outcomes.next().expect("a compare-exchange has an outcome");
        let others: Vec<Exchange> = outcomes.collect();
        // Whether an outcome explored here succeeds; those `pick` leaves out do not count.
        let mut may_write = matches!(first, Exchange::Succeed(_));
        let (_, exchange) = self.pick(first, others.into_iter(), |e, exchange| {
            let order = match exchange {
                Exchange::Succeed(_) => success,
                _ => failure,
            };
            let (reads, writes) = exchange.positions();
            // A failure reads as a load there.
            let rmw = writes.is_some();
            if e.repeats_graph(object, reads, rmw) {
                return false;
            }
            let access = e.access_at(object, order == Ordering::SeqCst, Some(reads), writes);
            let admitted = e.admits(access, order, writes.unwrap_or(0));
            may_write |= admitted && rmw;
            admitted
        });
        let never_writes = !may_write;
        let (position, writes) = exchange.positions();
        let reads_from = self.location(object).at(position);
        let order = match exchange {
            Exchange::Succeed(_) => success,
            _ => failure,
        };
        let access = self.access_at(object, order == Ordering::SeqCst, Some(position), writes);
        let result = match exchange {
            Exchange::Succeed(position) => {
                let old = self.read_store(object, reads_from, success);
                let kind = EventKind::Rmw {
                    old,
                    new,
                    reads_from,
                    order: success,
                    exchange: true,
                };
                self.record(kind, Some(object), site);
                self.place_store(object, new, success, position + 1, Some(reads_from));
                Ok(old)
            }
            Exchange::Fail(_) | Exchange::Spurious(_) => {
                if matches!(exchange, Exchange::Spurious(_)) {
                    self.threads[self.current].failed_spuriously = true;
                }
                let actual = self.read_store(object, reads_from, failure);
                let kind = EventKind::CompareExchangeFailed {
                    actual,
                    expected,
                    reads_from,
                    order: failure,
                    never_writes,
                };
                self.record(kind, Some(object), site);
                Err(actual)
            }
        };
        self.end_access(access, epoch, order != Ordering::SeqCst);
        result
    }
}

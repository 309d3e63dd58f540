//! Lock-free code over heap pointers, the way it is usually written: a Treiber stack whose
//! nodes are `Box`es linked through `AtomicPtr`. Heap addresses differ from one execution
//! to the next (here on purpose: each execution leaks one more allocation first), so a
//! compare-exchange expects another value each time it runs the same schedule; weft must
//! not take that for nondeterminism (it did: the expected value was part of the operation
//! it compares on replay).
#![cfg(feature = "permute")]

use std::ptr::null_mut;

use weft::sync::atomic::{AtomicPtr, Ordering, Ordering::*};
use weft::{thread, Builder, FailureKind};

struct Node {
    value: usize,
    next: AtomicPtr<Node>,
}

/// `threads` threads push 2 values each, with compare-exchange loops (`racy`: a load and
/// a store instead, losing pushes), then main pops every node and counts them.
fn treiber(threads: usize, orders: (Ordering, Ordering), racy: bool) -> impl Fn() + Send + Sync {
    let (acquire, release) = orders;
    move || {
        // Moves the allocator on, so that no two executions get the same addresses.
        Box::leak(Box::new(0u64));
        let head = std::sync::Arc::new(AtomicPtr::<Node>::new(null_mut()));
        let pushers: Vec<_> = (0..threads)
            .map(|t| {
                let head = head.clone();
                thread::spawn(move || {
                    for i in 0..2 {
                        let next = AtomicPtr::new(null_mut());
                        let node = Box::into_raw(Box::new(Node {
                            value: t * 2 + i,
                            next,
                        }));
                        loop {
                            let top = head.load(acquire);
                            // SAFETY: `node` is not shared until the exchange publishes it.
                            unsafe { (*node).next.store(top, Relaxed) };
                            if racy {
                                head.store(node, release);
                                break;
                            }
                            if head.compare_exchange(top, node, release, Relaxed).is_ok() {
                                break;
                            }
                        }
                    }
                })
            })
            .collect();
        for pusher in pushers {
            pusher.join().unwrap();
        }
        let (mut top, mut seen) = (head.load(acquire), 0);
        while !top.is_null() {
            // SAFETY: every pusher has finished; main owns every node still linked.
            let node = unsafe { Box::from_raw(top) };
            assert!(node.value < threads * 2);
            top = node.next.load(Relaxed);
            seen += 1;
        }
        assert_eq!(seen, threads * 2, "a push was lost");
    }
}

#[test]
fn a_treiber_stack_over_heap_pointers_is_explored_without_a_false_alarm() {
    for orders in [(SeqCst, SeqCst), (Acquire, Release)] {
        let stats = Builder::new()
            .explore(treiber(2, orders, false))
            .unwrap_or_else(|failure| panic!("{orders:?}: {failure}"));
        assert!(
            stats.complete && stats.blocked == 0,
            "{orders:?}: {stats:?}"
        );
        // 142 before stale reads outside their cone were skipped (`runtime/early_reads.rs`),
        // 58 while compare-exchanges that fail still took every stale store; the stacks'
        // final orders and each thread's retries are the same either way.
        assert_eq!(stats.executions, 46, "{orders:?}: {stats:?}");
    }
}

#[test]
fn a_lost_push_over_heap_pointers_is_found() {
    let failure = Builder::new()
        .explore(treiber(2, (SeqCst, SeqCst), true))
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Panic, "{failure}");
    assert!(failure.to_string().contains("a push was lost"), "{failure}");
}

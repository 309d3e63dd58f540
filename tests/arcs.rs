//! Modelled `Arc`/`Weak`: reference-count operations race like std's (upgrade against the
//! last drop, `try_unwrap` against a clone's drop, counts), the last drop or a claim
//! acquires every earlier drop, and an allocation still referenced at the end is a `Leak`.
#![cfg(feature = "permute")]

mod common;

use std::collections::BTreeSet;

use common::outcome_set;
use weft::cell::UnsafeCell;
use weft::sync::{Arc, Mutex, Weak};
use weft::{thread, Builder, FailureKind};

#[test]
fn upgrade_races_with_the_last_drop() {
    let (results, executions) = outcome_set(|seen| {
        let strong = Arc::new(5);
        let weak = Arc::downgrade(&strong);
        let dropper = thread::spawn(move || drop(strong));
        let upgraded = weak.upgrade().map(|arc| *arc);
        dropper.join().unwrap();
        seen(upgraded);
    });
    assert_eq!(results, BTreeSet::from([None, Some(5)]));
    assert_eq!(executions, 2, "upgrade before or after the drop");
}

#[test]
fn try_unwrap_succeeds_only_after_the_other_handle_is_gone() {
    let (results, _) = outcome_set(|seen| {
        let mine = Arc::new(String::from("value"));
        let theirs = mine.clone();
        let other = thread::spawn(move || drop(theirs));
        let result = Arc::try_unwrap(mine).map_err(|arc| Arc::strong_count(&arc));
        other.join().unwrap();
        seen(result);
    });
    // Unwrapped after the drop; or failed while both handles lived, the count then read
    // before (2) or after (1) the other drop.
    assert_eq!(
        results,
        BTreeSet::from([Ok("value".to_string()), Err(1), Err(2)])
    );
}

#[test]
fn clones_and_drops_that_do_not_reach_zero_commute() {
    // Two threads each clone and drop a handle while main holds one: no count reaches
    // zero, so every order is one trace.
    let stats = Builder::new()
        .explore(|| {
            let shared = Arc::new(0);
            let threads: Vec<_> = (0..2)
                .map(|_| {
                    let shared = shared.clone();
                    thread::spawn(move || {
                        let extra = shared.clone();
                        drop(extra);
                    })
                })
                .collect();
            for t in threads {
                t.join().unwrap();
            }
            assert_eq!(Arc::strong_count(&shared), 1);
        })
        .unwrap();
    assert_eq!(stats.executions, 1);
}

#[test]
fn get_mut_needs_the_only_handle() {
    let (results, _) = outcome_set(|seen| {
        let mut mine = Arc::new(1);
        let weak = Arc::downgrade(&mine);
        let shared = Arc::get_mut(&mut mine).is_some();
        drop(weak);
        let alone = Arc::get_mut(&mut mine).map(|v| {
            *v += 1;
            *v
        });
        seen((shared, alone));
    });
    assert_eq!(results, BTreeSet::from([(false, Some(2))]));
}

struct Payload(UnsafeCell<u32>);
// SAFETY: only used inside weft models (one OS thread; racing accesses halt first).
unsafe impl Sync for Payload {}

#[test]
fn the_last_drop_orders_every_earlier_use_before_the_value_is_taken() {
    let stats = Builder::new()
        .explore(|| {
            let mine = Arc::new(Payload(UnsafeCell::new(0)));
            let theirs = mine.clone();
            let writer = thread::spawn(move || {
                // SAFETY: see `Payload`.
                theirs.0.with_mut(|p| unsafe { *p = 7 });
            });
            if let Ok(payload) = Arc::try_unwrap(mine) {
                // The writer's handle is gone: its write happens before this read.
                // SAFETY: see `Payload`.
                assert_eq!(payload.0.with(|p| unsafe { *p }), 7);
            }
            writer.join().unwrap();
        })
        .unwrap();
    assert!(stats.complete);
}

#[test]
fn a_reference_cycle_is_a_leak_with_its_allocation_site() {
    struct Node {
        next: Mutex<Option<Arc<Node>>>,
    }
    let failure = Builder::new()
        .explore(|| {
            let a = Arc::new(Node {
                next: Mutex::new(None),
            });
            let b = Arc::new(Node {
                next: Mutex::new(Some(a.clone())),
            });
            *a.next.lock().unwrap() = Some(b.clone());
        })
        .unwrap_err();
    assert_eq!(failure.kind(), FailureKind::Leak, "{failure}");
    let report = failure.to_string();
    assert!(
        report.starts_with("weft: leak: #") && report.contains(" Arc<Node> created at"),
        "{report}"
    );
    assert!(
        report.contains("Arc<Node> created at tests/arcs.rs:"),
        "{report}"
    );
    assert!(report.contains("1 strong reference remains"), "{report}");
    // The same structure with a Weak back edge frees everything.
    let stats = Builder::new()
        .explore(|| {
            struct Parent {
                child: Mutex<Option<Arc<Child>>>,
            }
            struct Child {
                parent: Weak<Parent>,
            }
            let parent = Arc::new(Parent {
                child: Mutex::new(None),
            });
            let child = Arc::new(Child {
                parent: Arc::downgrade(&parent),
            });
            *parent.child.lock().unwrap() = Some(child.clone());
            assert!(child.parent.upgrade().is_some());
        })
        .unwrap();
    assert_eq!(stats.executions, 1);
}

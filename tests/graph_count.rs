//! `Builder::count_graphs`: the distinct execution graphs of an exploration, whatever the
//! interleavings that reached them and however many workers ran them.
#![cfg(feature = "permute")]

mod common;

use std::sync::Arc as StdArc;

use weft::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use weft::sync::{Arc, Mutex};
use weft::{thread, Builder, Stats};

/// Store buffering, all Relaxed: 4 graphs, one of them (both loads reading 0) reached twice.
fn store_buffering() {
    let m = StdArc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
    let a = m.clone();
    let t = thread::spawn(move || {
        a[0].store(1, Relaxed);
        a[1].load(Relaxed)
    });
    let b = m.clone();
    let u = thread::spawn(move || {
        b[1].store(1, Relaxed);
        b[0].load(Relaxed)
    });
    t.join().unwrap();
    u.join().unwrap();
}

fn explore(builder: Builder, model: impl Fn() + Send + Sync + 'static) -> Stats {
    builder.progress(false).explore(model).unwrap()
}

#[test]
fn store_buffering_has_four_graphs_in_five_executions() {
    let stats = explore(Builder::new().jobs(1).count_graphs(true), store_buffering);
    assert_eq!((stats.executions, stats.graphs), (5, Some(4)));
    let uncounted = explore(Builder::new().jobs(1), store_buffering);
    assert_eq!((uncounted.executions, uncounted.graphs), (5, None));
}

#[test]
fn workers_count_the_graphs_of_all_their_units_together() {
    let stats = explore(
        Builder::new().jobs(2).split_depth(2).count_graphs(true),
        store_buffering,
    );
    assert_eq!(stats.graphs, Some(4), "{stats:?}");
}

#[test]
fn the_order_of_two_critical_sections_makes_two_graphs() {
    // No atomic: the graphs differ only by which thread locked the mutex first.
    let stats = explore(Builder::new().jobs(1).count_graphs(true), || {
        let lock = Arc::new(Mutex::new(0));
        let other = lock.clone();
        let t = thread::spawn(move || *other.lock().unwrap() += 1);
        *lock.lock().unwrap() += 1;
        t.join().unwrap();
    });
    assert_eq!((stats.executions, stats.graphs), (2, Some(2)));
}

#[test]
fn a_program_without_weak_memory_runs_each_graph_once() {
    // lastzero(4): 28 traces, each its own graph.
    let stats = explore(
        Builder::new().jobs(1).count_graphs(true),
        common::lastzero(4),
    );
    assert_eq!(stats.graphs, Some(stats.executions));
    assert_eq!(stats.executions, 28);
}

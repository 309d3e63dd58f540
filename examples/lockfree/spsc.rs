//! A bounded single-producer, single-consumer ring buffer: the producer writes a slot, then
//! publishes it by advancing `tail`; the consumer reads the slot, then hands it back by
//! advancing `head`. Each index is written by one side only; what makes the slots safe is
//! the ordering of those stores and of the other side's loads:
//!
//! - `tail`: a Release store and an Acquire load order the slot's write before its read.
//!   Relaxed, the consumer may read a slot the producer's write is not ordered before: a
//!   data race on the slot.
//! - `head`: a Release store and an Acquire load order the slot's read before the producer
//!   writes it again one lap later. Relaxed, that overwrite races with the read.
//!
//! Shared with the tests (`#[path]`). Invariant of a correct ring: the consumer receives
//! every value once, in the order sent.
#![allow(dead_code)]

use weft::cell::UnsafeCell;
use weft::sync::atomic::{AtomicUsize, Ordering};
use weft::sync::Arc;
use weft::thread;

/// The orderings of the four accesses that synchronize the two sides.
#[derive(Clone, Copy, Debug)]
pub struct Orders {
    /// The producer's store that publishes a slot, and the consumer's load of it.
    pub tail: (Ordering, Ordering),
    /// The consumer's store that frees a slot, and the producer's load of it.
    pub head: (Ordering, Ordering),
}

impl Orders {
    pub const CORRECT: Orders = Orders {
        tail: (Ordering::Release, Ordering::Acquire),
        head: (Ordering::Release, Ordering::Acquire),
    };
    pub const RELAXED_TAIL: Orders = Orders {
        tail: (Ordering::Relaxed, Ordering::Relaxed),
        ..Orders::CORRECT
    };
    pub const RELAXED_HEAD: Orders = Orders {
        head: (Ordering::Relaxed, Ordering::Relaxed),
        ..Orders::CORRECT
    };
}

pub struct Ring {
    slots: Vec<UnsafeCell<usize>>,
    /// The next slot the consumer reads (written by the consumer only).
    head: AtomicUsize,
    /// The next slot the producer writes (written by the producer only).
    tail: AtomicUsize,
    orders: Orders,
}

// SAFETY: a slot is written only by the producer while it is free and read only by the
// consumer while it is published; whether the orderings make that so is what the model
// checks (under weft, model threads run one at a time and the race detector stops a racing
// access before it touches memory).
unsafe impl Sync for Ring {}

impl Ring {
    pub fn new(capacity: usize, orders: Orders) -> Ring {
        Ring {
            slots: (0..capacity).map(|_| UnsafeCell::new(0)).collect(),
            head: AtomicUsize::new(0),
            tail: AtomicUsize::new(0),
            orders,
        }
    }

    /// The producer's side: false when the ring is full.
    pub fn push(&self, value: usize) -> bool {
        let tail = self.tail.load(Ordering::Relaxed);
        let head = self.head.load(self.orders.head.1);
        if tail - head == self.slots.len() {
            return false;
        }
        let slot = &self.slots[tail % self.slots.len()];
        // SAFETY: the slot is free (see `Sync`).
        slot.with_mut(|p| unsafe { *p = value });
        self.tail.store(tail + 1, self.orders.tail.0);
        true
    }

    /// The consumer's side: `None` when the ring is empty.
    pub fn pop(&self) -> Option<usize> {
        let head = self.head.load(Ordering::Relaxed);
        let tail = self.tail.load(self.orders.tail.1);
        if tail == head {
            return None;
        }
        let slot = &self.slots[head % self.slots.len()];
        // SAFETY: the slot is published (see `Sync`).
        let value = slot.with(|p| unsafe { *p });
        self.head.store(head + 1, self.orders.head.0);
        Some(value)
    }
}

/// What one execution saw: whether the producer found the ring full and the consumer
/// found it empty at some point.
#[derive(Clone, Copy, Debug, Default)]
pub struct Seen {
    pub full: bool,
    pub empty: bool,
}

/// The producer sends `1..=count` through a ring of `capacity` slots, the consumer receives
/// them (both yield while they wait) and checks their order; `seen` hears what it waited for.
pub fn transfer(
    capacity: usize,
    count: usize,
    orders: Orders,
    seen: impl Fn(Seen) + Send + Sync + 'static,
) -> impl Fn() + Send + Sync + 'static {
    move || {
        let ring = Arc::new(Ring::new(capacity, orders));
        let producer = {
            let ring = ring.clone();
            thread::spawn(move || {
                let mut full = false;
                for value in 1..=count {
                    while !ring.push(value) {
                        full = true;
                        thread::yield_now();
                    }
                }
                full
            })
        };
        let mut received = Vec::new();
        let mut empty = false;
        while received.len() < count {
            match ring.pop() {
                Some(value) => received.push(value),
                None => {
                    empty = true;
                    thread::yield_now();
                }
            }
        }
        let full = producer.join().unwrap();
        assert_eq!(
            received,
            (1..=count).collect::<Vec<_>>(),
            "values lost or reordered"
        );
        seen(Seen { full, empty });
    }
}

//! A seqlock: one writer, readers that never block it. The writer makes the sequence count
//! odd, writes the data, and makes it even again; a reader reads the count, the data, the
//! count again, and keeps the data only if the count was even and unchanged. The data are
//! atomics read and written Relaxed (a racing read is expected and thrown away, so it must
//! not be a data race); everything rests on the orderings around the count, as Hans Boehm
//! recommends ("Can seqlocks get along with programming language memory models?", MSPC
//! 2012):
//!
//! - writer: `seq.fetch_add(1, Relaxed)`, then `fence(Release)` before the data stores, so
//!   a reader that reads any new data value (through its acquire fence) also sees the odd
//!   count or later;
//! - writer: `seq.fetch_add(1, Release)` after the data stores, so a reader that reads the
//!   new even count with Acquire sees the new data;
//! - reader: `seq.load(Acquire)`, the data loads, then `fence(Acquire)` before the second,
//!   Relaxed, load of the count, so that load cannot miss a writer whose data it read.
//!
//! Drop any one of the four and a reader can accept a torn pair, half old and half new:
//! the two loads of the count agree while the data loads read from both sides of a write.
//! Under sequential consistency every variant is correct; only a weak-memory model shows
//! the difference.
//!
//! Shared with the tests (`#[path]`). Invariant of a correct seqlock: a read that succeeds
//! returns the data of one write (here both fields always equal).
#![allow(dead_code)]

// std's Arc: its reference counts are no scheduling points, so explorations stay small.
use std::sync::Arc;

use weft::hint;
use weft::sync::atomic::{fence, AtomicUsize, Ordering};
use weft::thread;

/// The orderings around the sequence count.
#[derive(Clone, Copy, Debug)]
pub struct Orders {
    /// The writer's `fence(Release)` after making the count odd.
    pub writer_fence: bool,
    /// The writer's increment that makes the count even again.
    pub end: Ordering,
    /// The reader's first load of the count.
    pub begin: Ordering,
    /// The reader's `fence(Acquire)` after the data loads.
    pub reader_fence: bool,
}

impl Orders {
    /// Boehm's seqlock.
    pub const CORRECT: Orders = Orders {
        writer_fence: true,
        end: Ordering::Release,
        begin: Ordering::Acquire,
        reader_fence: true,
    };
    /// A reader's data loads may read new data while its second count load reads old.
    pub const NO_READER_FENCE: Orders = Orders {
        reader_fence: false,
        ..Orders::CORRECT
    };
    /// A reader's acquire fence has nothing released to synchronise with.
    pub const NO_WRITER_FENCE: Orders = Orders {
        writer_fence: false,
        ..Orders::CORRECT
    };
    /// A reader that sees the new even count need not see the data written before it.
    pub const RELAXED_BEGIN: Orders = Orders {
        begin: Ordering::Relaxed,
        ..Orders::CORRECT
    };
    /// The new even count releases nothing: a reader that sees it need not see the data.
    pub const RELAXED_END: Orders = Orders {
        end: Ordering::Relaxed,
        ..Orders::CORRECT
    };
}

pub struct SeqLock {
    /// Even: no write in progress. Written by the writer only.
    seq: AtomicUsize,
    data: [AtomicUsize; 2],
    orders: Orders,
}

impl SeqLock {
    pub fn new(orders: Orders) -> SeqLock {
        SeqLock {
            seq: AtomicUsize::new(0),
            data: [AtomicUsize::new(0), AtomicUsize::new(0)],
            orders,
        }
    }

    /// Stores `(a, b)`. One writer at a time (several writers need a lock around this).
    pub fn write(&self, (a, b): (usize, usize)) {
        self.seq.fetch_add(1, Ordering::Relaxed);
        if self.orders.writer_fence {
            fence(Ordering::Release);
        }
        self.data[0].store(a, Ordering::Relaxed);
        self.data[1].store(b, Ordering::Relaxed);
        self.seq.fetch_add(1, self.orders.end);
    }

    /// One attempt to read: `None` when a write overlapped it.
    pub fn try_read(&self) -> Option<(usize, usize)> {
        let begin = self.seq.load(self.orders.begin);
        let a = self.data[0].load(Ordering::Relaxed);
        let b = self.data[1].load(Ordering::Relaxed);
        if self.orders.reader_fence {
            fence(Ordering::Acquire);
        }
        let end = self.seq.load(Ordering::Relaxed);
        (begin % 2 == 0 && begin == end).then_some((a, b))
    }

    /// Reads, retrying (and letting the writer run) while writes overlap.
    pub fn read(&self) -> (usize, usize) {
        loop {
            if let Some(pair) = self.try_read() {
                return pair;
            }
            hint::spin_loop();
        }
    }
}

/// A writer thread stores `(1, 1)` while a reader thread attempts one read, which must not
/// be torn; `seen` hears the reader's result. Afterwards main reads `(1, 1)`.
pub fn write_while_reading(
    orders: Orders,
    seen: impl Fn(Option<(usize, usize)>) + Send + Sync + 'static,
) -> impl Fn() + Send + Sync + 'static {
    move || {
        let lock = Arc::new(SeqLock::new(orders));
        let writer = {
            let lock = lock.clone();
            thread::spawn(move || lock.write((1, 1)))
        };
        let reader = {
            let lock = lock.clone();
            thread::spawn(move || lock.try_read())
        };
        writer.join().unwrap();
        let read = reader.join().unwrap();
        if let Some((a, b)) = read {
            assert_eq!(a, b, "seqlock: torn read {read:?}");
        }
        seen(read);
        assert_eq!(lock.read(), (1, 1), "the write is complete");
    }
}

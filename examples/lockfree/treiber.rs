//! A Treiber stack (lock-free LIFO: push and pop by compare-exchange on the head) over a
//! fixed arena of nodes named by index, the way allocators recycle memory. Untagged, it has
//! the ABA bug: a pop that read `head = A, A.next = B` succeeds after other pops and pushes
//! put A back on top, and makes B — no longer on the stack — the head again. Tagging the head
//! with a version that every successful compare-exchange bumps removes the bug.
//!
//! Shared by the fuzz target `treiber_aba` and the tests (`#[path]`), so both exercise the
//! same program. Invariant of a correct stack: every node is in exactly one place, on the
//! stack or in the hands of the thread that popped it.
#![allow(dead_code)]

use weft::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use weft::sync::Arc;
use weft::thread;

/// `head` holds `tag << 32 | (index + 1)`; 0 in the low half means empty.
pub struct Stack {
    head: AtomicUsize,
    next: Vec<AtomicUsize>,
    tagged: bool,
}

const LOW: usize = 0xffff_ffff;

impl Stack {
    /// Nodes `0..n` on the stack, 0 on top.
    pub fn full(n: usize, tagged: bool) -> Stack {
        Stack {
            head: AtomicUsize::new(if n == 0 { 0 } else { 1 }),
            next: (0..n)
                .map(|i| AtomicUsize::new(if i + 1 < n { i + 2 } else { 0 }))
                .collect(),
            tagged,
        }
    }

    /// The new head word that puts `link` (index + 1, or 0) on top after `old`.
    fn swing(&self, old: usize, link: usize) -> usize {
        let tag = if self.tagged { (old >> 32) + 1 } else { 0 };
        (tag << 32) | link
    }

    pub fn push(&self, node: usize) {
        loop {
            let head = self.head.load(SeqCst);
            self.next[node].store(head & LOW, SeqCst);
            let new = self.swing(head, node + 1);
            if self
                .head
                .compare_exchange(head, new, SeqCst, SeqCst)
                .is_ok()
            {
                return;
            }
        }
    }

    pub fn pop(&self) -> Option<usize> {
        loop {
            let head = self.head.load(SeqCst);
            let top = head & LOW;
            if top == 0 {
                return None;
            }
            let next = self.next[top - 1].load(SeqCst);
            let new = self.swing(head, next);
            if self
                .head
                .compare_exchange(head, new, SeqCst, SeqCst)
                .is_ok()
            {
                return Some(top - 1);
            }
        }
    }

    /// The nodes on the stack, top first (at most `n + 1`, so a cycle cannot hang).
    pub fn contents(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let mut link = self.head.load(SeqCst) & LOW;
        while link != 0 && out.len() <= self.next.len() {
            out.push(link - 1);
            link = self.next[link - 1].load(SeqCst);
        }
        out
    }
}

/// Three nodes A, B, C on the stack. Thread 1 pops once; thread 2 pops twice and pushes its
/// first node back. Afterwards every node must be in exactly one place.
pub fn aba_model(tagged: bool) -> impl Fn() + Send + Sync + 'static {
    move || {
        let stack = Arc::new(Stack::full(3, tagged));
        let one = {
            let stack = stack.clone();
            thread::spawn(move || stack.pop())
        };
        let two = {
            let stack = stack.clone();
            thread::spawn(move || {
                let first = stack.pop();
                let second = stack.pop();
                if let Some(node) = first {
                    stack.push(node);
                }
                second
            })
        };
        let mut places: Vec<usize> = stack_places(one.join().unwrap(), two.join().unwrap());
        places.extend(stack.contents());
        places.sort_unstable();
        assert_eq!(
            places,
            vec![0, 1, 2],
            "ABA: a node is both on the stack and popped (or lost)"
        );
    }
}

fn stack_places(a: Option<usize>, b: Option<usize>) -> Vec<usize> {
    a.into_iter().chain(b).collect()
}

//! Vector clocks: one counter per model thread, growing as threads are spawned (no fixed
//! thread limit).
//!
//! Every thread, lock, store and DPOR event carries a clock, so a clock of up to `INLINE`
//! threads lives inline, without an allocation; a longer one moves to the heap and stays
//! there (reusing its allocation when it is assigned again).
//!
//! Invariant: a missing component reads as 0, so clocks of different lengths compare and join
//! as if padded with zeros; inline components at or past `len` are 0, so two inline clocks
//! join component by component over the whole array, without looking at their lengths.

/// Components held without an allocation (the inline form is as big as a `Vec` and its tag).
const INLINE: usize = 7;

#[derive(Clone)]
enum Parts {
    Inline { len: u8, parts: [u32; INLINE] },
    Heap(Vec<u32>),
}

/// A vector clock indexed by model thread id.
#[derive(Clone)]
pub(crate) struct VectorClock(Parts);

impl Default for VectorClock {
    fn default() -> VectorClock {
        VectorClock::EMPTY
    }
}

impl PartialEq for VectorClock {
    fn eq(&self, other: &VectorClock) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for VectorClock {}

impl std::fmt::Debug for VectorClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("VectorClock")
            .field(&self.as_slice())
            .finish()
    }
}

impl VectorClock {
    /// The clock with every component 0.
    pub(crate) const EMPTY: VectorClock = VectorClock(Parts::Inline {
        len: 0,
        parts: [0; INLINE],
    });

    /// The component of `thread`.
    #[inline]
    pub(crate) fn get(&self, thread: usize) -> u32 {
        match &self.0 {
            Parts::Inline { parts, .. } => parts.get(thread).copied().unwrap_or(0),
            Parts::Heap(heap) => heap.get(thread).copied().unwrap_or(0),
        }
    }

    /// The components with at least `len` of them (new ones 0).
    #[inline]
    fn grown(&mut self, len: usize) -> &mut [u32] {
        if let Parts::Inline { len: have, parts } = &self.0 {
            if len > INLINE {
                let mut heap = Vec::with_capacity(len);
                heap.extend_from_slice(&parts[..usize::from(*have)]);
                self.0 = Parts::Heap(heap);
            }
        }
        match &mut self.0 {
            Parts::Inline { len: have, parts } => {
                // The components past `have` are 0 already.
                *have = (*have).max(len as u8);
                &mut parts[..usize::from(*have)]
            }
            Parts::Heap(heap) => {
                if heap.len() < len {
                    heap.resize(len, 0);
                }
                heap
            }
        }
    }

    /// Advances `thread`'s own component and returns its new value (the event's epoch).
    #[inline]
    pub(crate) fn tick(&mut self, thread: usize) -> u32 {
        if let Parts::Inline { len, parts } = &mut self.0 {
            if let Some(part) = parts.get_mut(thread) {
                // Components past `len` are 0, so growing is raising `len`.
                *len = (*len).max(thread as u8 + 1);
                *part += 1;
                return *part;
            }
        }
        let parts = self.grown(thread + 1);
        parts[thread] += 1;
        parts[thread]
    }

    /// Pointwise maximum with `other`.
    #[inline]
    pub(crate) fn join(&mut self, other: &VectorClock) {
        if let (
            Parts::Inline { len, parts },
            Parts::Inline {
                len: n,
                parts: theirs,
            },
        ) = (&mut self.0, &other.0)
        {
            for (mine, theirs) in parts.iter_mut().zip(theirs) {
                *mine = (*mine).max(*theirs);
            }
            *len = (*len).max(*n);
            return;
        }
        let theirs = other.as_slice();
        for (mine, theirs) in self.grown(theirs.len()).iter_mut().zip(theirs) {
            *mine = (*mine).max(*theirs);
        }
    }

    /// Whether the event of `thread` with epoch `epoch` is in this clock's past.
    #[inline]
    pub(crate) fn covers(&self, thread: usize, epoch: u32) -> bool {
        self.get(thread) >= epoch
    }

    /// Becomes a copy of `other`, reusing this clock's allocation.
    #[inline]
    pub(crate) fn assign(&mut self, other: &VectorClock) {
        match (&mut self.0, &other.0) {
            // The common case, copied in place (assigning the enum would drop `mine` first).
            (
                Parts::Inline { len, parts },
                Parts::Inline {
                    len: n,
                    parts: theirs,
                },
            ) => {
                *len = *n;
                *parts = *theirs;
            }
            _ => self.assign_heap(other),
        }
    }

    /// `assign` when either clock is on the heap (models of more than `INLINE` threads),
    /// kept out of line so that the inline case is inlined.
    #[inline(never)]
    fn assign_heap(&mut self, other: &VectorClock) {
        match (&mut self.0, &other.0) {
            (Parts::Heap(mine), _) => {
                mine.clear();
                mine.extend_from_slice(other.as_slice());
            }
            (mine, _) => *mine = other.0.clone(),
        }
    }

    /// The components, by thread id (missing ones are 0).
    #[inline]
    pub(crate) fn as_slice(&self) -> &[u32] {
        match &self.0 {
            Parts::Inline { len, parts } => &parts[..usize::from(*len)],
            Parts::Heap(heap) => heap,
        }
    }

    /// Back to all zeros, keeping the allocation.
    pub(crate) fn clear(&mut self) {
        match &mut self.0 {
            Parts::Inline { .. } => *self = VectorClock::default(),
            Parts::Heap(heap) => heap.clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_and_cover_across_lengths() {
        let mut a = VectorClock::default();
        a.tick(0);
        let mut b = VectorClock::default();
        b.tick(3);
        b.tick(3);
        assert!(!a.covers(3, 1));
        a.join(&b);
        assert!(a.covers(3, 2) && !a.covers(3, 3) && a.covers(0, 1));
        assert_eq!(a.get(7), 0);
    }

    #[test]
    fn long_clocks_move_to_the_heap_and_back_by_value() {
        let mut long = VectorClock::default();
        long.tick(2);
        long.tick(12);
        assert_eq!(long.as_slice().len(), 13);
        assert!(long.covers(2, 1) && long.covers(12, 1) && !long.covers(5, 1));
        let mut short = VectorClock::default();
        short.tick(1);
        short.join(&long);
        assert_eq!(short, long.clone().tap_tick(1));
        long.assign(&VectorClock::default());
        assert_eq!(long, VectorClock::default());
        long.tick(0);
        short.clear();
        short.tick(0);
        assert_eq!(long, short);
    }

    impl VectorClock {
        fn tap_tick(mut self, thread: usize) -> VectorClock {
            self.tick(thread);
            self
        }
    }
}

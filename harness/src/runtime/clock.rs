//! Vector clocks: one counter per model thread, growing as threads are spawned (no fixed
//! thread limit).
//!
//! Invariant: a missing component reads as 0, so clocks of different lengths compare and join
//! as if padded with zeros.

/// A vector clock indexed by model thread id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct VectorClock(Vec<u32>);

impl VectorClock {
    /// The component of `thread`.
    pub(crate) fn get(&self, thread: usize) -> u32 {
        self.0.get(thread).copied().unwrap_or(0)
    }

    /// Advances `thread`'s own component and returns its new value (the event's epoch).
    pub(crate) fn tick(&mut self, thread: usize) -> u32 {
        if self.0.len() <= thread {
            self.0.resize(thread + 1, 0);
        }
        self.0[thread] += 1;
        self.0[thread]
    }

    /// Pointwise maximum with `other`.
    pub(crate) fn join(&mut self, other: &VectorClock) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine = (*mine).max(*theirs);
        }
    }

    /// Whether the event of `thread` with epoch `epoch` is in this clock's past.
    pub(crate) fn covers(&self, thread: usize, epoch: u32) -> bool {
        self.get(thread) >= epoch
    }

    /// Becomes a copy of `other`, reusing this clock's allocation.
    pub(crate) fn assign(&mut self, other: &VectorClock) {
        self.0.clone_from(&other.0);
    }

    /// The components, by thread id (missing ones are 0).
    pub(crate) fn as_slice(&self) -> &[u32] {
        &self.0
    }

    /// Back to all zeros, keeping the allocation.
    pub(crate) fn clear(&mut self) {
        self.0.clear();
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
}

//! A set of model thread ids as a bitset; no allocation for the first 64 threads.
//!
//! Invariant: iteration is in increasing thread id, so every choice made from a set is
//! deterministic.

#[derive(Clone, Debug, Default)]
pub(crate) struct ThreadSet {
    low: u64,
    /// Threads from 64 on, boxed: sets are copied and cloned at every DPOR node and step,
    /// and almost none holds such a thread.
    high: Option<Box<[u64]>>,
}

impl PartialEq for ThreadSet {
    /// Equal members, however many (zero) words `high` holds.
    fn eq(&self, other: &ThreadSet) -> bool {
        let (mine, theirs) = (self.high(), other.high());
        let word = |words: &[u64], i: usize| words.get(i).copied().unwrap_or(0);
        self.low == other.low
            && (0..mine.len().max(theirs.len())).all(|i| word(mine, i) == word(theirs, i))
    }
}

impl Eq for ThreadSet {}

impl ThreadSet {
    #[inline]
    fn high(&self) -> &[u64] {
        self.high.as_deref().map_or(&[], |words| words)
    }

    #[inline]
    pub(crate) fn insert(&mut self, thread: usize) {
        if thread < 64 {
            self.low |= 1 << thread;
        } else {
            self.insert_high(thread);
        }
    }

    #[cold]
    #[inline(never)]
    fn insert_high(&mut self, thread: usize) {
        let word = thread / 64 - 1;
        if self.high().len() <= word {
            let mut words = self.high.take().map(Vec::from).unwrap_or_default();
            words.resize(word + 1, 0);
            self.high = Some(words.into_boxed_slice());
        }
        if let Some(high) = &mut self.high {
            high[word] |= 1 << (thread % 64);
        }
    }

    #[inline]
    pub(crate) fn contains(&self, thread: usize) -> bool {
        if thread < 64 {
            self.low & (1 << thread) != 0
        } else {
            let word = thread / 64 - 1;
            self.high()
                .get(word)
                .is_some_and(|w| w & (1 << (thread % 64)) != 0)
        }
    }

    #[inline]
    pub(crate) fn remove(&mut self, thread: usize) {
        if thread < 64 {
            self.low &= !(1 << thread);
        } else if let Some(word) = self.high.as_mut().and_then(|h| h.get_mut(thread / 64 - 1)) {
            *word &= !(1 << (thread % 64));
        }
    }

    pub(crate) fn clear(&mut self) {
        self.low = 0;
        if let Some(high) = &mut self.high {
            high.fill(0);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.low == 0 && self.high().iter().all(|w| *w == 0)
    }

    #[inline]
    pub(crate) fn iter(&self) -> Iter<'_> {
        Iter {
            bits: self.low,
            base: 0,
            words: self.high().iter(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.low.count_ones() as usize
            + self
                .high()
                .iter()
                .map(|w| w.count_ones() as usize)
                .sum::<usize>()
    }

    pub(crate) fn first(&self) -> Option<usize> {
        self.iter().next()
    }

    /// Adds every member of `other`.
    pub(crate) fn union_with(&mut self, other: &ThreadSet) {
        self.low |= other.low;
        if other.high().iter().any(|w| *w != 0) {
            for thread in other.iter().filter(|&t| t >= 64) {
                self.insert(thread);
            }
        }
    }

    /// Whether the two sets share a thread.
    pub(crate) fn intersects(&self, other: &ThreadSet) -> bool {
        self.low & other.low != 0
            || self
                .high()
                .iter()
                .zip(other.high())
                .any(|(a, b)| a & b != 0)
    }
}

/// The members of a set, lowest first: the set bits of each word in turn.
pub(crate) struct Iter<'a> {
    /// The bits of the current word not yet returned.
    bits: u64,
    /// The thread id of the current word's bit 0.
    base: usize,
    words: std::slice::Iter<'a, u64>,
}

impl Iterator for Iter<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.bits == 0 {
            self.bits = *self.words.next()?;
            self.base += 64;
        }
        let bit = self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        Some(self.base + bit)
    }
}

impl FromIterator<usize> for ThreadSet {
    fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> Self {
        let mut set = ThreadSet::default();
        for thread in iter {
            set.insert(thread);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_threads_beyond_64_in_order() {
        let set: ThreadSet = [130, 3, 64, 0].into_iter().collect();
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![0, 3, 64, 130]);
        assert!(set.contains(64) && !set.contains(65));
        assert_eq!(set.len(), 4);
    }

    #[test]
    fn a_union_keeps_both_sides_words() {
        let mut set: ThreadSet = [1, 70].into_iter().collect();
        set.union_with(&[2, 130].into_iter().collect());
        set.union_with(&ThreadSet::default());
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![1, 2, 70, 130]);
    }
}

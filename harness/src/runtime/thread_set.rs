//! A set of model thread ids as a bitset; no allocation for the first 64 threads.
//!
//! Invariant: iteration is in increasing thread id, so every choice made from a set is
//! deterministic.

#[derive(Debug, Default)]
pub(crate) struct ThreadSet {
    low: u64,
    high: Vec<u64>,
}

impl PartialEq for ThreadSet {
    /// Equal members, however many (zero) words `high` holds.
    fn eq(&self, other: &ThreadSet) -> bool {
        let words = self.high.len().max(other.high.len());
        let word = |set: &ThreadSet, i: usize| set.high.get(i).copied().unwrap_or(0);
        self.low == other.low && (0..words).all(|i| word(self, i) == word(other, i))
    }
}

impl Eq for ThreadSet {}

impl Clone for ThreadSet {
    /// Sets are cloned at every DPOR node; most have no thread past 63, and cloning their
    /// empty `high` is skipped.
    #[inline]
    fn clone(&self) -> ThreadSet {
        ThreadSet {
            low: self.low,
            high: match self.high.is_empty() {
                true => Vec::new(),
                false => self.high.clone(),
            },
        }
    }
}

impl ThreadSet {
    #[inline]
    pub(crate) fn insert(&mut self, thread: usize) {
        if thread < 64 {
            self.low |= 1 << thread;
        } else {
            let word = thread / 64 - 1;
            if self.high.len() <= word {
                self.high.resize(word + 1, 0);
            }
            self.high[word] |= 1 << (thread % 64);
        }
    }

    #[inline]
    pub(crate) fn contains(&self, thread: usize) -> bool {
        if thread < 64 {
            self.low & (1 << thread) != 0
        } else {
            let word = thread / 64 - 1;
            self.high
                .get(word)
                .is_some_and(|w| w & (1 << (thread % 64)) != 0)
        }
    }

    #[inline]
    pub(crate) fn remove(&mut self, thread: usize) {
        if thread < 64 {
            self.low &= !(1 << thread);
        } else if let Some(word) = self.high.get_mut(thread / 64 - 1) {
            *word &= !(1 << (thread % 64));
        }
    }

    pub(crate) fn clear(&mut self) {
        self.low = 0;
        self.high.clear();
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.low == 0 && self.high.iter().all(|w| *w == 0)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.low)
            .chain(self.high.iter().copied())
            .enumerate()
            .flat_map(|(word, bits)| Bits(bits).map(move |bit| word * 64 + bit))
    }

    pub(crate) fn len(&self) -> usize {
        self.low.count_ones() as usize
            + self
                .high
                .iter()
                .map(|w| w.count_ones() as usize)
                .sum::<usize>()
    }

    pub(crate) fn first(&self) -> Option<usize> {
        self.iter().next()
    }

    /// Whether the two sets share a thread.
    pub(crate) fn intersects(&self, other: &ThreadSet) -> bool {
        self.low & other.low != 0 || self.high.iter().zip(&other.high).any(|(a, b)| a & b != 0)
    }
}

/// The positions of the set bits of a word, lowest first.
struct Bits(u64);

impl Iterator for Bits {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let bit = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Some(bit)
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
}

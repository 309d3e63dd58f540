//! The pseudo-random numbers of the sampling explorers: SplitMix64 (Steele, Lea, Flood,
//! OOPSLA 2014), a 64-bit counter passed through an avalanching mix. Small, fast, and good
//! enough to pick threads and steps; not for cryptography.
//!
//! Invariant: a generator is a pure function of its seed, the same on every platform and in
//! every build, so a seed names one sequence of choices forever; `below(n)` is exactly
//! uniform (rejection sampling, no modulo bias).

const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// The SplitMix64 output function: a bijection of `u64` that spreads every input bit.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[derive(Clone, Debug)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The generator of execution `execution` (0-based) of a search with `seed`: each
    /// execution's choices depend only on the seed and its number, not on earlier executions.
    pub(crate) fn for_execution(seed: u64, execution: u64) -> Rng {
        Rng::new(mix(
            seed ^ mix(execution.wrapping_add(1).wrapping_mul(GOLDEN_GAMMA))
        ))
    }

    /// The value choice of step `step` of execution `execution` (see
    /// `runtime::value_choice`): drawn apart from the generator's sequence, so a seed picks
    /// the same threads whether or not the program's operations have value choices.
    pub(crate) fn value_choice(seed: u64, execution: u64, step: usize) -> u32 {
        let step = mix((step as u64).wrapping_add(1).wrapping_mul(GOLDEN_GAMMA));
        // Mixed again, so that the choices of neighbouring steps are independent.
        (mix(Rng::for_execution(seed, execution).state ^ step) >> 32) as u32
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix(self.state)
    }

    /// A uniform number in `0..n`; `n` must not be 0.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        // Accept only draws below the largest multiple of n, so every residue is equally likely.
        let limit = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < limit {
                return x % n;
            }
        }
    }

    /// A uniform index into a collection of `len` items; `len` must not be 0.
    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_known_first_value() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let mut r = Rng::new(7);
        assert_eq!(a, (0..5).map(|_| r.next_u64()).collect::<Vec<_>>());
        // SplitMix64's published first output for seed 0.
        assert_eq!(Rng::new(0).next_u64(), 0xe220_a839_7b1d_cdaf);
    }

    #[test]
    fn below_covers_every_value_about_equally() {
        let mut r = Rng::new(1);
        let mut counts = [0u32; 6];
        for _ in 0..60_000 {
            counts[r.index(6)] += 1;
        }
        for c in counts {
            assert!((9_000..11_000).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn executions_get_different_streams() {
        let first: Vec<u64> = (0..4)
            .map(|e| Rng::for_execution(3, e).next_u64())
            .collect();
        let mut sorted = first.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 4);
        assert_ne!(
            Rng::for_execution(3, 0).next_u64(),
            Rng::for_execution(4, 0).next_u64()
        );
    }
}

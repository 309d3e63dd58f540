//! A fast 128-bit hash for fingerprints of program states (`dpor::repeats`), and the same
//! hasher for maps keyed by such fingerprints.
//!
//! A bounded exploration fingerprints every step and looks every state up: with std's
//! SipHash (run twice for 128 bits, and again by the maps) hashing was a sixth of the
//! instructions of `lastzero(8)`'s bench run, its bounded row included. Here each lane
//! mixes one 8-byte word per step by a folded multiply (the 64 × 64 → 128-bit product's
//! halves xored, so every input bit reaches every output bit, as foldhash and wyhash do);
//! two lanes with their own constants, one fed the word rotated, are cross-mixed at the end
//! for 128 bits. The inputs are program states, not an adversary's: what matters is that
//! distinct states collide with negligible probability, which 128 well-mixed bits give.
//!
//! Invariant: no seed, no machine dependence: the same input gives the same fingerprint in
//! every run, worker and shard (a unit's exploration must not depend on who runs it).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// The lanes' starting states and multipliers (odd constants with well-spread bits: π's
/// digits, and wyhash's primes).
const START_A: u64 = 0x243f_6a88_85a3_08d3;
const START_B: u64 = 0x1319_8a2e_0370_7344;
const MUL_A: u64 = 0xa076_1d64_78bd_642f;
const MUL_B: u64 = 0xe703_7ed1_a0b4_28db;

/// `x * k` to 128 bits, its halves xored.
#[inline(always)]
fn folded(x: u64, k: u64) -> u64 {
    let product = u128::from(x) * u128::from(k);
    (product as u64) ^ ((product >> 64) as u64)
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Fingerprint {
    a: u64,
    b: u64,
}

impl Default for Fingerprint {
    fn default() -> Fingerprint {
        Fingerprint {
            a: START_A,
            b: START_B,
        }
    }
}

/// A map keyed by fingerprints (or values containing them), hashed by `Fingerprint`.
pub(crate) type FingerprintMap<K, V> = HashMap<K, V, BuildHasherDefault<Fingerprint>>;

/// The 128-bit fingerprint of `value`.
pub(crate) fn fingerprint(value: impl Hash) -> u128 {
    let mut hasher = Fingerprint::default();
    value.hash(&mut hasher);
    hasher.finish128()
}

impl Fingerprint {
    #[inline(always)]
    fn mix(&mut self, word: u64) {
        self.a = folded(self.a ^ word, MUL_A);
        self.b = folded(self.b ^ word.rotate_left(32), MUL_B);
    }

    fn finish128(&self) -> u128 {
        let high = folded(self.a ^ START_B, MUL_B);
        let low = folded(self.b ^ high, MUL_A);
        (u128::from(high) << 64) | u128::from(low)
    }
}

impl Hasher for Fingerprint {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.mix(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            // The length in the top byte: `[1]` and `[1, 0]` differ.
            self.mix(u64::from_le_bytes(last) ^ (rest.len() as u64) << 56);
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.mix(u64::from(n));
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.mix(u64::from(n));
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    #[inline]
    fn write_u128(&mut self, n: u128) {
        self.mix(n as u64);
        self.mix((n >> 64) as u64);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    fn finish(&self) -> u64 {
        self.finish128() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn is_the_same_every_time_and_tells_near_inputs_apart() {
        assert_eq!(
            fingerprint((1u32, [2u32, 3])),
            fingerprint((1u32, [2u32, 3]))
        );
        // Every clock-like input of small counts over four threads: no two collide.
        let mut seen = HashSet::new();
        for a in 0..12u32 {
            for b in 0..12u32 {
                for c in 0..12u32 {
                    for d in 0..12u32 {
                        assert!(seen.insert(fingerprint([a, b, c, d].as_slice())));
                    }
                }
            }
        }
        assert_ne!(
            fingerprint([1u8].as_slice()),
            fingerprint([1u8, 0].as_slice())
        );
        assert_ne!(fingerprint((0u64, 1u64)), fingerprint((1u64, 0u64)));
    }
}

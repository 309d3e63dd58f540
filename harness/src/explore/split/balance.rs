//! Which shard takes a unit (`Builder::shard`): the units go, in key order, each to the
//! shard with the least estimated work so far (greedy list scheduling). Every explorer of
//! every shard walks every unit's prefix in that order and estimates each unit from its key
//! and the state its prefix reaches, so all agree on every unit's shard without exploring
//! the others' units.
//!
//! The estimate (`estimate`) is a guess, never needed for soundness: a unit's executions
//! halve with each thread that could run at the unit's root but sleeps there (a sibling
//! tried before it above the cut, whose traces from there were explored under that
//! sibling), and grow with the pairs of threads that, as the probe execution saw them, still
//! access one object in conflicting ways (`Futures`: two orders each, but not independent of
//! each other; a factor of √2 each fits the benchmark programs best). A unit where a sleeper
//! has nobody left to wake it is estimated at none (every run there ends blocked).
//!
//! Until 2026-11-29 the estimate grew by √2 per thread whose *next* access conflicted with
//! another's there, which cannot see the conflicts a thread meets after quiet steps; largest
//! shard over the mean for 4 and 8 shards, before and after (with the units of
//! `Dpor::above_cut` of the same day): lastzero(10) 1.45 and 1.18, now 1.08 and 1.18;
//! readers(12) 1.33 and 1.23, now 1.05 and 1.06; lastzero(12) 1.28 and 1.34, now 1.06 and
//! 1.13; indexer(13) 1.50 and 3.00, now 1.50 and 2.25; ainc(6) 1.38 and 1.14, now 1.49 and
//! 1.19. Counting the positions of the unit's branches above the cut
//! instead (each sibling tried before a branch sleeps there, until a step that conflicts
//! with it wakes it) dealt the executions less evenly once a node's conflicting branches
//! were tried last: largest of 8 shards 1.59 times the mean on ainc(6), against 1.14; 1.56
//! against 1.45 for 4 of lastzero(10).
//!
//! Invariant: a unit's shard depends only on the units before it in key order (their keys
//! and the states their prefixes reach), never on what was explored; so the shards
//! partition the units.

/// Shard loads for the units walked so far, in key order.
#[derive(Clone, Debug)]
pub(crate) struct Balance {
    loads: Vec<f64>,
}

impl Balance {
    pub(crate) fn new(count: u32) -> Balance {
        Balance {
            loads: vec![0.0; count.max(1) as usize],
        }
    }

    /// The shard that takes the next unit in key order, whose estimate is `estimate`: the
    /// least loaded (the lowest of equals).
    pub(crate) fn assign(&mut self, estimate: f64) -> u32 {
        let (shard, load) = (self.loads.iter_mut().enumerate())
            .min_by(|a, b| a.1.total_cmp(b.1))
            .expect("at least one shard");
        *load += estimate;
        shard as u32
    }
}

/// A unit's estimated executions, up to a common factor, from the threads that could run at
/// its root but sleep there (`asleep`) and the pairs of threads that still conflict there
/// (`pairs`; see the module docs). Powers of two and one factor √2 at most, so the same on
/// every machine.
pub(crate) fn estimate(asleep: u32, pairs: u32) -> f64 {
    let half_bits = i64::from(pairs) - 2 * i64::from(asleep);
    let power = (half_bits.div_euclid(2)).clamp(-1000, 1000) as i32;
    let odd = match half_bits.rem_euclid(2) {
        1 => std::f64::consts::SQRT_2,
        _ => 1.0,
    };
    2f64.powi(power) * odd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_unit_goes_to_the_least_loaded_shard() {
        let mut balance = Balance::new(3);
        let owners: Vec<u32> = [4.0, 1.0, 1.0, 1.0, 2.0, 1.0]
            .into_iter()
            .map(|estimate| balance.assign(estimate))
            .collect();
        assert_eq!(owners, [0, 1, 2, 1, 2, 1]);
    }

    #[test]
    fn estimates_halve_per_sleeper_and_grow_with_conflicting_pairs() {
        assert_eq!(estimate(0, 0), 1.0);
        assert_eq!(estimate(1, 0), 0.5);
        assert_eq!(estimate(0, 2), 2.0);
        assert_eq!(estimate(1, 1), std::f64::consts::SQRT_2 / 2.0);
        assert!(estimate(5000, 0) > 0.0, "clamped, never 0");
    }
}

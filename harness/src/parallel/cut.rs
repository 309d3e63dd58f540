//! Where a split exploration's cut lies (`Split::depth` and `Split::position_weight`), from
//! the number of shards and of workers.
//!
//! Units are the grain of the work: workers take them as they come, shards are dealt them
//! in advance. The largest unit bounds the speedup, and deeper cuts give smaller units but
//! more prefixes to walk and more sleep-set-blocked runs. Cut 2 choices deep, the first
//! branch's unit holds 54% of lastzero(10)'s runs and half of readers(12)'s and
//! indexer(13)'s, so no number of workers passes about 2x there. Weighting the positions of
//! branches (a later branch's choice counts more, so the first branches, which hold most
//! executions, are cut deeper) and cutting 5 or 7 deep gives small units for little extra
//! work. Counted in instructions by `tools/emulate_workers.py` (each worker's count is what
//! it would run on a core of its own; README, "Parallel, sharded and resumable
//! explorations"): 4 workers cut 5 deep reach 3.53x on lastzero(10), 4.00x on readers(12)
//! and 3.79x on lastzero(12), 8 workers cut 7 deep 5.36x, 6.46x and 6.59x, against 1.90x,
//! 2.07x and 1.93x cut 2 deep (8 workers cut 5 deep, counted against one worker of the
//! split: 4.75x, 6.40x and 4.88x). With 2 workers the shallow cut stays: indexer(13), whose
//! blocked runs weigh much against its 64 executions, gets 1.93x from it and 1.20x cut 5
//! deep.
//!
//! Invariant: the cut depends only on the builder and the effective number of workers; it
//! is the same for every worker of an exploration, and with a preemption bound it does not
//! depend on the number of workers at all (a bounded split's count depends on the cut). A
//! run resumed from a checkpoint takes the file's cut instead (`checkpoint::load`).

use crate::config::Builder;

/// The depth for one shard and at most 2 workers: workers take units as they come, so a
/// few units keep them busy, and deeper cuts would only add sleep-set-blocked prefixes
/// (2 workers reach about 1.9x on lastzero(10) at this depth).
const BASE_DEPTH: usize = 2;

/// The depth for one shard and 3 to 7 workers, weighted (see the module docs).
const SOME_WORKERS_DEPTH: usize = 5;

/// The depth for one shard and 8 workers or more, weighted.
const MANY_WORKERS_DEPTH: usize = 7;

/// What sharding adds to the depth, besides two per doubling of the shard count: shards
/// cannot share out work as it comes, so their units must be small next to a shard's share,
/// and the first branch's unit, the largest, about halves every two choices deeper
/// (README, "Parallel, sharded and resumable explorations": 4 and 8 shards).
const SHARD_DEPTH: usize = 1;

/// The doublings of the shard count that deepen the cut: up to 8 shards. Past that, every
/// shard walking the prefixes of ever more units, and the sleep-set-blocked runs of ever
/// more prefixes, cost more than finer units save: lastzero(12) on 32 shards, cut 13
/// deep, ran 74,306 blocked runs beside its 15,360 executions and its slowest shard took
/// 424 ms, against 14,856 and 83 ms cut 9 deep (README, the same section).
const DEEPENING_DOUBLINGS: u32 = 3;

/// The cut of an exploration split into `shards` shards on `jobs` workers each: its depth
/// and its position weight (`Split::position_weight`).
pub(super) fn cut(builder: &Builder, jobs: usize, shards: u32) -> (usize, usize) {
    let bounded = builder.preemption_bound.is_some();
    let (depth, weight) = match shards {
        0 | 1 if bounded || jobs <= 2 => (BASE_DEPTH, 0),
        0 | 1 if jobs < 8 => (SOME_WORKERS_DEPTH, 1),
        0 | 1 => (MANY_WORKERS_DEPTH, 1),
        _ => {
            let doublings = shards.next_power_of_two().trailing_zeros();
            let deeper = 2 * doublings.min(DEEPENING_DOUBLINGS) as usize;
            (BASE_DEPTH + SHARD_DEPTH + deeper, 1)
        }
    };
    (builder.split_depth.unwrap_or(depth), weight)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_workers_cut_deeper_unless_bounded() {
        let builder = Builder::new();
        assert_eq!(cut(&builder, 1, 1), (2, 0));
        assert_eq!(cut(&builder, 2, 1), (2, 0));
        assert_eq!(cut(&builder, 4, 1), (5, 1));
        assert_eq!(cut(&builder, 16, 1), (7, 1));
        assert_eq!(
            cut(&builder, 2, 4),
            (7, 1),
            "shards: 3 plus two per doubling"
        );
        assert_eq!(cut(&builder, 16, 64), (9, 1), "up to 8 shards");
        let bounded = Builder::new().preemption_bound(2);
        assert_eq!(cut(&bounded, 16, 1), (2, 0));
        assert_eq!(cut(&Builder::new().split_depth(3), 16, 1), (3, 1));
    }
}

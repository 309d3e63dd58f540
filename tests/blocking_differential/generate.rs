//! The random programs of `blocking_differential.rs`: the default mix (a channel, the
//! rwlock, the condvar-guarded flag, atomics), or with `WEFT_DIFF_ONLY` the same without
//! `try_send`s and rwlock `try_*`s (`channel`), only the rwlock (`rwlock`,
//! `blocking-rwlock`), the condvar and the rwlock's blocking locks (`condvar`), or a
//! barrier and park tokens (`park-barrier`).
//!
//! Invariant: the same seed gives the same programs (the generators draw from `Rng` alone).

use super::common::Rng;
use super::{Atomic, Op, Program};

fn atomic(rng: &mut Rng) -> Atomic {
    let x = rng.below(2) as usize;
    match rng.below(3) {
        0 => Atomic::Load(x),
        1 => Atomic::Add(x),
        _ => Atomic::Store(x, 5 + rng.below(2)),
    }
}

fn set(rng: &mut Rng) -> Op {
    let (all, inside) = (rng.below(2) == 0, rng.below(2) == 0);
    Op::Set { all, inside }
}

/// A program over the rwlock and atomics only (`WEFT_DIFF_ONLY=rwlock`): no channel, no
/// condvar; `tries`: some lock operations are `try_*`s.
fn rwlock_program(rng: &mut Rng, large: bool, tries: bool) -> Program {
    let l = u64::from(large);
    let threads = (0..2 + rng.below(2 + l))
        .map(|_| {
            (0..1 + rng.below(3 + l))
                .map(|_| match rng.below(3) {
                    0 | 1 => Op::Lock {
                        write: rng.below(2) == 0,
                        try_: rng.below(3) == 0 && tries,
                        inner: atomic(rng),
                    },
                    _ => Op::Atomic(atomic(rng)),
                })
                .collect()
        })
        .collect();
    without_channel(threads)
}

/// A program of `threads` that creates no channel (and so drops no end of it).
fn without_channel(threads: Vec<Vec<Op>>) -> Program {
    Program {
        capacity: 0,
        channel: false,
        keep_ends: true,
        threads,
    }
}

/// A program over the condvar-guarded flag, the rwlock's blocking locks and atomics
/// (`WEFT_DIFF_ONLY=condvar`): the last thread sets the flag, thread 0 may set it first, the
/// others wait for it (two waiters in `large` programs).
fn condvar_program(rng: &mut Rng, large: bool) -> Program {
    let l = u64::from(large);
    let count = 3 + usize::from(large);
    let threads = (0..count)
        .map(|t| {
            let mut ops = Vec::new();
            if t == 0 && rng.below(2) == 0 {
                ops.push(set(rng));
            }
            for _ in 0..rng.below(2 + l) {
                ops.push(match rng.below(3) {
                    0 => Op::Lock {
                        write: rng.below(2) == 0,
                        try_: false,
                        inner: atomic(rng),
                    },
                    _ => Op::Atomic(atomic(rng)),
                });
            }
            if t > 0 {
                let at = rng.below(ops.len() as u64 + 1) as usize;
                let op = match t + 1 < count {
                    true => Op::Wait {
                        timeout: rng.below(3) == 0,
                    },
                    false => set(rng),
                };
                ops.insert(at, op);
            }
            ops
        })
        .collect();
    without_channel(threads)
}

/// A program over a barrier, park tokens and atomics (`WEFT_DIFF_ONLY=park-barrier`): the
/// threads that wait on the barrier do so equally often; a thread parks at most once, and
/// a thread spawned after it unparks it (some programs still deadlock, a park before the
/// barrier that its unparker only reaches after it).
fn park_barrier_program(rng: &mut Rng, large: bool) -> Program {
    let l = u64::from(large);
    let count = 2 + rng.below(2 + l) as usize;
    let mut threads: Vec<Vec<Op>> = (0..count)
        .map(|_| {
            (0..rng.below(2 + l))
                .map(|_| Op::Atomic(atomic(rng)))
                .collect()
        })
        .collect();
    let insert = |rng: &mut Rng, ops: &mut Vec<Op>, op: Op| {
        let at = rng.below(ops.len() as u64 + 1) as usize;
        ops.insert(at, op);
    };
    let waiters: Vec<usize> = (0..count).filter(|_| rng.below(3) != 0).collect();
    if waiters.len() >= 2 {
        let times = 1 + rng.below(1 + l);
        for &t in &waiters {
            for _ in 0..times {
                insert(rng, &mut threads[t], Op::Arrive);
            }
        }
    }
    for t in 0..count - 1 {
        if rng.below(2) == 0 {
            let park = Op::Park {
                timeout: rng.below(3) == 0,
            };
            insert(rng, &mut threads[t], park);
            for _ in 0..1 + rng.below(2) {
                let u = t + 1 + rng.below((count - t - 1) as u64) as usize;
                insert(rng, &mut threads[u], Op::Unpark(t));
            }
        }
    }
    without_channel(threads)
}

/// A random program of generator `only` (`None`: the default mix; else a
/// `WEFT_DIFF_ONLY` name); `large` ones have more threads and operations.
pub(crate) fn program(only: Option<&str>, rng: &mut Rng, large: bool) -> Program {
    match only {
        Some("rwlock") => return rwlock_program(rng, large, true),
        Some("blocking-rwlock") => return rwlock_program(rng, large, false),
        Some("condvar") => return condvar_program(rng, large),
        Some("park-barrier") => return park_barrier_program(rng, large),
        Some("channel") | None => {}
        Some(other) => panic!("no generator {other:?}"),
    }
    // `channel`: the default mix's programs with every `try_send` and rwlock `try_*` made
    // blocking (the same draws, so the same shapes).
    let blocking = only == Some("channel");
    let capacity = rng.below(3) as usize;
    let l = u64::from(large);
    let threads = 2 + usize::from(rng.below(2 + 2 * l) != 0);
    let condvar = threads == 3 && rng.below(3 - l) == 0;
    let keep_ends = rng.below(4) == 0;
    let mut next_value = 1;
    let threads = (0..threads)
        .map(|t| {
            let mut ops = Vec::new();
            if condvar && t == 0 && rng.below(2) == 0 {
                ops.push(set(rng));
            }
            for _ in 0..1 + rng.below(l + if t == 0 { 3 } else { 2 }) {
                ops.push(match rng.below(7) {
                    0..=2 if t == 0 => [Op::Recv, Op::TryRecv][rng.below(2) as usize],
                    0..=2 => {
                        next_value += 1;
                        match rng.below(3) {
                            2 if !blocking => Op::TrySend(next_value - 1),
                            _ => Op::Send(next_value - 1),
                        }
                    }
                    3 | 4 => Op::Lock {
                        write: rng.below(2) == 0,
                        try_: rng.below(3) == 0 && !blocking,
                        inner: atomic(rng),
                    },
                    _ => Op::Atomic(atomic(rng)),
                });
            }
            if condvar && t > 0 {
                let at = rng.below(ops.len() as u64 + 1) as usize;
                ops.insert(
                    at,
                    if t == 1 {
                        Op::Wait { timeout: false }
                    } else {
                        set(rng)
                    },
                );
            }
            if !keep_ends {
                ops.push([Op::DropSender, Op::DropReceiver][usize::from(t == 0)]);
            }
            ops
        })
        .collect();
    Program {
        capacity,
        channel: true,
        keep_ends,
        threads,
    }
}

//! The brute-force side of `blocking_differential.rs`: every interleaving of a program,
//! step by step under std's semantics (see that file's docs), with its observation and
//! the order of its conflicting steps (its trace); the searches over them are in `search`.

use std::collections::VecDeque;

use super::{Atomic, Op, Program, DISCONNECTED, EMPTY, FULL, OK};

#[path = "search.rs"]
mod search;

/// An access of one step, for counting traces: objects 0 and 1 are the atomics, 2 the
/// rwlock, 3 the channel, 4 the mutex, 5 the condvar, 6 the barrier, 7 + t thread `t`'s
/// park token. Kinds: 0 observes, 1 modifies, 2 modifies commutatively (read locks and
/// unlocks).
type Access = (usize, u8);

/// The preemption bounds checked: 0, 1 and 2.
pub(crate) const BOUNDS: usize = 3;

fn conflict(a: u8, b: u8) -> bool {
    a != b || a == 1
}

#[derive(Clone, Default, PartialEq, Eq, Hash)]
struct State {
    pc: Vec<usize>,
    /// How far the thread is into its current operation.
    stage: Vec<u8>,
    values: [u64; 2],
    /// Queued messages: value, and whether a rendezvous sender waits for it to be taken.
    queue: VecDeque<(u64, bool)>,
    taken: Vec<u64>,
    senders: usize,
    receiver: bool,
    readers: usize,
    writer: bool,
    mutex: Option<usize>,
    flag: bool,
    /// Condvar waiters in arrival order, and whether a notification woke each.
    waiters: Vec<(usize, bool)>,
    /// The barrier: threads arrived in this generation, generations passed, and the
    /// generation each thread waits to pass.
    arrived: usize,
    generation: usize,
    waits_for: Vec<usize>,
    /// Each thread's park token.
    tokens: Vec<bool>,
    seen: Vec<Vec<u64>>,
}

pub(crate) struct Interpreter<'a> {
    pub(crate) program: &'a Program,
}

impl Interpreter<'_> {
    fn initial(&self) -> State {
        let threads = self.program.threads.len();
        State {
            pc: vec![0; threads],
            stage: vec![0; threads],
            senders: threads - 1,
            waits_for: vec![0; threads],
            tokens: vec![false; threads],
            receiver: true,
            seen: vec![Vec::new(); threads],
            ..State::default()
        }
    }

    /// Thread `t`'s next step from `s`, if it is enabled: the new state and its accesses.
    fn step(&self, s: &State, t: usize) -> Option<(State, Vec<Access>)> {
        let op = *self.program.threads[t].get(s.pc[t])?;
        let (mut n, stage, capacity) = (s.clone(), s.stage[t], self.program.capacity);
        // By default the operation ends with this step; `next` moves on to another stage.
        let mut next = None;
        let access = match op {
            Op::Atomic(a) => vec![apply(&mut n, t, a)],
            Op::Lock { write, try_, inner } => match stage {
                0 => {
                    let free = !s.writer && (!write || s.readers == 0);
                    if try_ {
                        n.seen[t].push(u64::from(free));
                    } else if !free {
                        return None;
                    }
                    if free {
                        n.writer |= write;
                        n.readers += usize::from(!write);
                        next = Some(1);
                    }
                    vec![(2, [0, 2 - u8::from(write)][usize::from(free)])]
                }
                1 => {
                    next = Some(2);
                    vec![apply(&mut n, t, inner)]
                }
                _ => {
                    n.writer &= !write;
                    n.readers -= usize::from(!write);
                    vec![(2, 2 - u8::from(write))]
                }
            },
            Op::Send(v) if stage == 0 => {
                let result = if !s.receiver {
                    DISCONNECTED
                } else if capacity == 0 {
                    n.queue.push_back((v, true));
                    next = Some(1);
                    OK
                } else if s.queue.len() < capacity {
                    n.queue.push_back((v, false));
                    OK
                } else {
                    return None;
                };
                if next.is_none() {
                    n.seen[t].push(result);
                }
                vec![(3, u8::from(s.receiver))]
            }
            Op::Send(v) => {
                // The second half of a rendezvous send: its message was taken, or the
                // receiver went away first and it is withdrawn.
                if let Some(i) = s.taken.iter().position(|&x| x == v) {
                    n.taken.remove(i);
                    n.seen[t].push(OK);
                } else if !s.receiver {
                    n.queue.retain(|m| m.0 != v);
                    n.seen[t].push(DISCONNECTED);
                } else {
                    return None;
                }
                vec![(3, 0)]
            }
            Op::TrySend(v) => {
                let receiver_waits =
                    self.program.threads[0].get(s.pc[0]) == Some(&Op::Recv) && s.stage[0] == 1;
                let room = match capacity {
                    0 => receiver_waits && s.queue.is_empty(),
                    _ => s.queue.len() < capacity,
                };
                n.seen[t].push(match (s.receiver, room) {
                    (false, _) => DISCONNECTED,
                    (true, false) => FULL,
                    (true, true) => {
                        n.queue.push_back((v, false));
                        OK
                    }
                });
                vec![(3, u8::from(s.receiver && room))]
            }
            Op::Recv if capacity == 0 && stage == 0 => {
                next = Some(1);
                vec![(3, 1)]
            }
            Op::Recv | Op::TryRecv => {
                n.seen[t].push(match n.queue.pop_front() {
                    Some((v, awaited)) => {
                        if awaited {
                            n.taken.push(v);
                        }
                        v
                    }
                    None if s.senders == 0 => DISCONNECTED,
                    None if op == Op::Recv => return None,
                    None => EMPTY,
                });
                vec![(3, u8::from(!s.queue.is_empty()))]
            }
            // Stages: 0 lock, 1 join the waiters, 5 unlock, 2 woken, 4 relock, 3 unlock
            // (weft's steps: registering and unlocking are two). With a timeout, stage 2
            // may also end the wait without a notification, and stage 4 does not loop.
            Op::Wait { timeout } => match stage {
                0 | 4 => {
                    if s.mutex.is_some() {
                        return None;
                    }
                    if stage == 0 {
                        n.seen[t].push(u64::from(s.flag));
                    }
                    n.mutex = Some(t);
                    next = Some(if s.flag || (timeout && stage == 4) {
                        3
                    } else {
                        1
                    });
                    vec![(4, 1)]
                }
                1 => {
                    n.waiters.push((t, false));
                    next = Some(5);
                    vec![(5, 1)]
                }
                5 => {
                    n.mutex = None;
                    next = Some(2);
                    vec![(4, 1)]
                }
                2 => {
                    let woken = s.waiters.iter().position(|&w| w == (t, true));
                    let timed_out = || s.waiters.iter().position(|&w| w == (t, false));
                    let i = woken.or_else(|| timed_out().filter(|_| timeout))?;
                    n.waiters.remove(i);
                    next = Some(4);
                    vec![(5, 1)]
                }
                _ => {
                    if timeout {
                        n.seen[t].push(u64::from(s.flag));
                    }
                    n.mutex = None;
                    vec![(4, 1)]
                }
            },
            // Stages: 0 lock and set, then notify and unlock in the order `inside` says.
            Op::Set { all, inside } => {
                next = (stage < 2).then_some(stage + 1);
                if stage == 0 {
                    if s.mutex.is_some() {
                        return None;
                    }
                    n.mutex = Some(t);
                    n.flag = true;
                    vec![(4, 1)]
                } else if (stage == 1) == inside {
                    let sleeping = n.waiters.iter_mut().filter(|w| !w.1);
                    let woken = sleeping
                        .take(if all { usize::MAX } else { 1 })
                        .map(|w| w.1 = true);
                    vec![(5, u8::from(woken.count() > 0))]
                } else {
                    n.mutex = None;
                    vec![(4, 1)]
                }
            }
            // Only the last sender's drop is a step of its own (the others are folded into
            // the step before them, below); it disconnects.
            Op::DropSender => {
                n.senders -= 1;
                vec![(3, 1)]
            }
            Op::DropReceiver => {
                n.receiver = false;
                vec![(3, 1)]
            }
            // Stages: 0 arrive, then (all but the leader) 1 wait for the generation to pass.
            Op::Arrive if stage == 0 => {
                n.arrived += 1;
                let leader = n.arrived == self.program.parties();
                n.seen[t].push(u64::from(leader));
                if leader {
                    (n.arrived, n.generation) = (0, s.generation + 1);
                } else {
                    n.waits_for[t] = s.generation;
                    next = Some(1);
                }
                vec![(6, 1)]
            }
            Op::Arrive => {
                if s.generation <= s.waits_for[t] {
                    return None;
                }
                vec![(6, 0)]
            }
            Op::Park { timeout } => {
                if !s.tokens[t] && !timeout {
                    return None;
                }
                n.tokens[t] = false;
                vec![(7 + t, 1)]
            }
            Op::Unpark(u) => {
                n.tokens[u] = true;
                vec![(7 + u, 1)]
            }
        };
        n.stage[t] = next.unwrap_or(0);
        n.pc[t] += usize::from(next.is_none());
        // Dropping a sender other than the last is no scheduling point in weft: it belongs
        // to the step before it.
        if next.is_none()
            && self.program.threads[t].get(n.pc[t]) == Some(&Op::DropSender)
            && n.senders > 1
        {
            n.senders -= 1;
            n.pc[t] += 1;
        }
        Some((n, access))
    }

    fn finished(&self, s: &State) -> bool {
        (0..s.pc.len()).all(|t| s.pc[t] == self.program.threads[t].len())
    }
}

fn apply(s: &mut State, t: usize, a: Atomic) -> Access {
    match a {
        Atomic::Load(x) => {
            s.seen[t].push(s.values[x]);
            (x, 0)
        }
        Atomic::Add(x) => {
            s.seen[t].push(s.values[x]);
            s.values[x] += 1;
            (x, 1)
        }
        Atomic::Store(x, v) => {
            s.values[x] = v;
            (x, 1)
        }
    }
}

//! Programs the random runs of `blocking_differential.rs` found weft wrong on, shrunk by
//! hand or by removing operations while the failure stayed: each checks the outcome set
//! (and, where optimal DPOR applies, the execution count) against the interpreter.

use weft::Builder;

use super::interpreter::Interpreter;
use super::weft_side::{compare_split, run_on_weft};
use super::{compare, Atomic, Op, Program};

/// Blocking rwlock operations keep optimal DPOR (wakeup trees): one execution per trace, no
/// blocked run. A blocking acquisition waits for every release before it: while a write
/// lock still raced with a read lock that a third thread's release happens after (a reader
/// that reads what the first reader stored, then unlocks), the reversal could not run (that
/// reader still held the lock there), and the exploration lost 1 of the program's 27
/// outcomes.
/// Shrunk from case 4 of `WEFT_DIFF_ONLY=blocking-rwlock WEFT_DIFF_LARGE=1 WEFT_DIFF_SEED=0x1`.
#[test]
fn a_writer_does_not_race_with_a_read_lock_released_after_another() {
    use Atomic::{Add, Load, Store};
    let lock = |write, inner| Op::Lock {
        write,
        try_: false,
        inner,
    };
    let program = Program {
        capacity: 0,
        channel: false,
        keep_ends: true,
        threads: vec![
            vec![lock(true, Load(1))],
            vec![lock(false, Load(0))],
            vec![lock(false, Store(0, 6)), Op::Atomic(Store(1, 6))],
            vec![lock(false, Add(1)), lock(true, Add(0))],
        ],
    };
    let interpreter = Interpreter { program: &program };
    let expected = interpreter.outcomes();
    let run = run_on_weft(&program, Builder::new());
    let stats = compare("four threads", run, &expected).expect("no deadlock");
    let traces = interpreter
        .traces(&mut 1_000_000)
        .expect("within the budget");
    assert_eq!((stats.executions, stats.blocked), (traces as u64, 0));
}

/// A failed `try_*` and a later lock: left unordered (as commuting), a reversal could put
/// the lock before the failure, so that it still failed, and a split exploration (one
/// shard, cut after two choices; what every exploration past 2,000 runs becomes on several
/// cores) lost 2 of this program's 191 outcomes. Shrunk from case 144 of
/// `WEFT_DIFF_ONLY=rwlock WEFT_DIFF_LARGE=1 WEFT_DIFF_SEED=0x1`.
#[test]
fn a_split_exploration_reaches_a_try_write_that_fails_then_succeeds() {
    use Atomic::{Add, Load, Store};
    let lock = |write, try_, inner| Op::Lock { write, try_, inner };
    let program = Program {
        capacity: 0,
        channel: false,
        keep_ends: true,
        threads: vec![
            vec![
                lock(false, false, Store(0, 5)),
                lock(true, false, Store(1, 6)),
                Op::Atomic(Add(1)),
            ],
            vec![lock(true, true, Add(0)), lock(true, true, Load(0))],
            vec![Op::Atomic(Load(0)), lock(false, false, Add(0))],
            vec![lock(false, true, Add(1))],
        ],
    };
    let expected = Interpreter { program: &program }.outcomes();
    assert_eq!(expected.0.len(), 191);
    let split = Builder::new().shard(0, 1).split_depth(2);
    compare("split", run_on_weft(&program, split), &expected);
}

/// A split exploration of a condvar program (one shard, cut after two choices): a waiter
/// blocked while every schedulable thread slept went on with one asleep since above the
/// cut, repeating a sibling unit's trace, and the reversal of the lock race found there
/// started with the sleeper's step, so it was left to that unit, which never reaches the
/// traces where thread 2's wait and add come before thread 3's stores: 2 of the 14
/// outcomes were lost. Optimal DPOR now ends such a run blocked. Shrunk from case 169 of
/// `WEFT_DIFF_ONLY=condvar WEFT_DIFF_LARGE=1 WEFT_DIFF_SPLIT=1 WEFT_DIFF_SEED=0x2`.
#[test]
fn a_split_exploration_does_not_go_on_with_a_thread_asleep_since_above_the_cut() {
    use Atomic::{Add, Load, Store};
    let set = |inside| Op::Set { all: false, inside };
    let wait = Op::Wait { timeout: false };
    let program = Program {
        capacity: 0,
        channel: false,
        keep_ends: true,
        threads: vec![
            vec![set(false)],
            vec![Op::Atomic(Load(1)), wait],
            vec![wait, Op::Atomic(Add(0))],
            vec![Op::Atomic(Store(0, 6)), Op::Atomic(Store(1, 6)), set(true)],
        ],
    };
    let expected = Interpreter { program: &program }.outcomes();
    assert_eq!(expected.0.len(), 14);
    let split = Builder::new().shard(0, 1).split_depth(2);
    compare("split", run_on_weft(&program, split), &expected);
}

/// A unit of a split exploration, over a full channel: its first branch (thread 1's send)
/// fills the channel, so thread 2's send waits, and the only thread that could go on sleeps
/// since above the cut (thread 0, whose later drop of the receiver would let that send
/// fail and show its race with the one that filled the channel). Optimal DPOR ended the
/// run blocked there, and no unit ran thread 2's send first: 2 of the 10 outcomes (thread 0
/// loading the 5 thread 2 stores after its send, twice) were lost on 3 shards. Such a unit
/// now goes on as source-DPOR. Shrunk from case 823 of `WEFT_DIFF_SPLIT=1` (default seed,
/// once channels kept optimal DPOR).
#[test]
fn a_unit_where_a_send_waits_behind_a_full_channel_reverses_the_send_that_filled_it() {
    use Atomic::{Load, Store};
    let program = Program {
        capacity: 1,
        channel: true,
        keep_ends: false,
        threads: vec![
            vec![Op::Atomic(Load(0)), Op::Atomic(Load(0)), Op::DropReceiver],
            vec![Op::Send(1), Op::Wait { timeout: false }, Op::DropSender],
            vec![
                Op::Send(2),
                Op::Atomic(Store(0, 5)),
                Op::Set {
                    all: false,
                    inside: true,
                },
                Op::DropSender,
            ],
        ],
    };
    let interpreter = Interpreter { program: &program };
    let expected = interpreter.outcomes();
    let (outcomes, whole) = run_on_weft(&program, Builder::new());
    compare_split(&program, "full channel", (&outcomes, &whole), None);
    let stats = compare("full channel", (outcomes, whole), &expected).expect("no deadlock");
    assert_eq!(stats.blocked, 0);
}

/// A `try_send` keeps optimal DPOR. Here thread 0 adds to `y` and then to `x` under the
/// rwlock's write lock (the second a `try_write`) and drops the receiver of a rendezvous
/// channel it never receives on; thread 1 `try_send`s and adds to `x`; thread 2 stores to `y`
/// under the write lock, then `try_send`s and `send`s. Thread 2's blocking send queued its
/// message with no receiver registered, and thread 1's `try_send` after it counted that send
/// as what filled the channel, a conflict it did not have before the send: the sleep set took
/// thread 2, asleep at its send, to stand for reversing the two adds, while the lost trace
/// needs its send after the drop. With wakeup trees it lost thread 2's store first, thread 1's
/// add before thread 0's and both of thread 2's attempts after the drop; a `try_send` made the
/// exploration source-DPOR until then. Shrunk from case 202 of `WEFT_DIFF_SEED=0x3
/// WEFT_DIFF_LARGE=1`.
#[test]
fn a_try_send_that_found_no_receiver_commutes_with_a_waiting_send() {
    use Atomic::{Add, Store};
    let lock = |write, try_, inner| Op::Lock { write, try_, inner };
    let program = Program {
        capacity: 0,
        channel: true,
        keep_ends: false,
        threads: vec![
            vec![
                lock(true, false, Add(1)),
                lock(true, true, Add(0)),
                Op::DropReceiver,
            ],
            vec![Op::TrySend(1), Op::Atomic(Add(0))],
            vec![lock(true, false, Store(1, 6)), Op::TrySend(2), Op::Send(3)],
        ],
    };
    let interpreter = Interpreter { program: &program };
    let expected = interpreter.outcomes();
    assert!(
        expected.0.contains(&vec![
            vec![6, 1, 1],
            vec![102, 0],
            vec![100, 100],
            vec![2, 7]
        ]),
        "the lost outcome"
    );
    let (outcomes, whole) = run_on_weft(&program, Builder::new());
    compare_split(&program, "rendezvous", (&outcomes, &whole), None);
    let stats = compare("rendezvous", (outcomes, whole), &expected).expect("no deadlock");
    assert_eq!((stats.executions, stats.blocked), (37, 0));
}

/// The rule above must not go too far: a rendezvous `try_send` that failed because another
/// `try_send` took the registered receiver (its message queued, not awaited) was filled by
/// that one. Counting it filled by nothing (as when no receiver is registered) lost the trace
/// where thread 2's `try_send` takes the receiver's first registration and thread 1's the
/// second. Case 555 of `WEFT_DIFF_SEED=0x3 WEFT_DIFF_LARGE=1`.
#[test]
fn a_try_send_that_found_the_receiver_taken_races_with_the_send_that_took_it() {
    use Atomic::Store;
    let program = Program {
        capacity: 0,
        channel: true,
        keep_ends: false,
        threads: vec![
            vec![Op::Recv, Op::TryRecv, Op::Recv, Op::DropReceiver],
            vec![
                Op::TrySend(1),
                Op::Send(2),
                Op::Atomic(Store(1, 5)),
                Op::DropSender,
            ],
            vec![
                Op::Lock {
                    write: false,
                    try_: true,
                    inner: Store(1, 6),
                },
                Op::TrySend(3),
                Op::Atomic(Store(0, 5)),
                Op::DropSender,
            ],
        ],
    };
    let interpreter = Interpreter { program: &program };
    let expected = interpreter.outcomes();
    assert!(
        expected
            .0
            .contains(&vec![vec![3, 101, 1], vec![0, 100], vec![1, 0], vec![5, 5]]),
        "the outcome lost"
    );
    let (outcomes, whole) = run_on_weft(&program, Builder::new());
    compare_split(&program, "two try_sends", (&outcomes, &whole), None);
    let stats = compare("two try_sends", (outcomes, whole), &expected).expect("no deadlock");
    assert_eq!(stats.blocked, 0);
}

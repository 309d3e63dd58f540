//! Channels in optimal DPOR: small programs take exactly their Mazurkiewicz traces (counted
//! by hand in each test) and no run ends sleep-set blocked. Each test names the dependence
//! it pins: one too many would be an execution too many, one missing a blocked run (a
//! reversal that cannot run) or a missed outcome.
#![cfg(feature = "permute")]

use std::sync::Arc as StdArc;

use weft::sync::atomic::{AtomicU64, Ordering::SeqCst};
use weft::sync::mpsc;
use weft::{thread, Builder, Stats};

fn explore(f: impl Fn() + Send + Sync + 'static) -> Stats {
    let stats = Builder::new().explore(f).expect("no failure");
    assert!(stats.complete);
    stats
}

/// A rendezvous sender returns once its message is taken; the receiver then drops its end.
/// The sender's return and the drop commute (the message was taken either way, so the
/// sender sees it taken whether the receiver is gone or not): one trace. While they
/// conflicted, two executions.
#[test]
fn a_rendezvous_senders_return_commutes_with_the_receivers_later_drop() {
    let stats = explore(|| {
        let (tx, rx) = mpsc::sync_channel::<u32>(0);
        let sender = thread::spawn(move || tx.send(7).unwrap());
        assert_eq!(rx.recv().unwrap(), 7);
        drop(rx);
        sender.join().unwrap();
    });
    assert_eq!((stats.executions, stats.blocked), (1, 0));
}

/// Two threads each store to an atomic of their own and drop their clone of the sender;
/// main drops its own, sees the channel closed, then swaps both atomics. The receive that
/// sees every sender gone happens after every drop, not only the last one, so the stores
/// come before the swaps in every interleaving, and which drop is last changes nothing:
/// one trace. While only the last drop was an event, DPOR saw the other thread's store
/// racing with main's swap and tried to reverse it: a run that ended sleep-set blocked.
#[test]
fn a_receive_that_sees_every_sender_gone_comes_after_every_drop() {
    let stats = explore(|| {
        let (tx, rx) = mpsc::channel::<u32>();
        let values = StdArc::new([AtomicU64::new(0), AtomicU64::new(0)]);
        let threads: Vec<_> = (0..2)
            .map(|i| {
                let (tx, values) = (tx.clone(), values.clone());
                thread::spawn(move || {
                    values[i].store(1, SeqCst);
                    drop(tx);
                })
            })
            .collect();
        drop(tx);
        assert!(rx.recv().is_err());
        for value in values.iter() {
            assert_eq!(value.swap(2, SeqCst), 1);
        }
        for t in threads {
            t.join().unwrap();
        }
    });
    assert_eq!((stats.executions, stats.blocked), (1, 0));
}

/// A receiver takes one message of a rendezvous channel and drops its end; two senders
/// send one each, then the first waits on a condvar for a flag the second sets. Traces:
/// which send is received (2), whether the other send is queued before the receiver's drop
/// (then fails when it is dropped) or starts after it (fails at once) (2), and whether the
/// waiter waits before the flag is set or finds it set (2): 8. A send or receive moved
/// earlier by a reversal is predicted as one of any message (`ANY_TICKET`), not as any
/// write to the channel: that woke the second sender, asleep with its drop of a sender
/// (which commutes with sends), and repeated a trace (9 executions).
#[test]
fn two_rendezvous_senders_one_receive_and_a_condvar_take_eight_executions() {
    use weft::sync::{Condvar, Mutex};
    let stats = explore(|| {
        let (tx, rx) = mpsc::sync_channel::<u32>(0);
        let flag = StdArc::new((Mutex::new(false), Condvar::new()));
        let receiver = thread::spawn(move || {
            let _ = rx.recv();
        });
        let (waiter_tx, waiter_flag) = (tx.clone(), flag.clone());
        let waiter = thread::spawn(move || {
            let _ = waiter_tx.send(1);
            let (lock, condvar) = &*waiter_flag;
            let mut set = lock.lock().unwrap();
            while !*set {
                set = condvar.wait(set).unwrap();
            }
        });
        let setter = thread::spawn(move || {
            let _ = tx.send(2);
            let (lock, condvar) = &*flag;
            *lock.lock().unwrap() = true;
            condvar.notify_all();
        });
        for t in [receiver, waiter, setter] {
            t.join().unwrap();
        }
    });
    assert_eq!((stats.executions, stats.blocked), (8, 0));
}

/// A receiver's `try_recv`, then its drop, beside one thread that sends and one that only
/// drops its sender: the try comes before the send (empty; the send then fails or is
/// queued, before or after the drop) or after it (the message): 3 traces. `try_recv` keeps
/// optimal DPOR (it races as a receive does, or, finding nothing, with the send it missed);
/// source-DPOR, which it meant before, ran a sleep-set-blocked run beside them.
#[test]
fn a_try_recv_racing_a_send_before_the_receivers_drop_takes_three_executions() {
    let stats = explore(|| {
        let (tx, rx) = mpsc::sync_channel::<u32>(2);
        let counter = StdArc::new(AtomicU64::new(0));
        let (other_tx, other_counter) = (tx.clone(), counter.clone());
        let sender = thread::spawn(move || {
            let _ = tx.send(1);
        });
        let dropper = thread::spawn(move || {
            other_counter.fetch_add(1, SeqCst);
            drop(other_tx);
        });
        let _ = rx.try_recv();
        drop(rx);
        for t in [sender, dropper] {
            t.join().unwrap();
        }
    });
    assert_eq!((stats.executions, stats.blocked), (3, 0));
}

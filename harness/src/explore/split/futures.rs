//! What each thread still has to do on contended objects, as the probe execution saw it: the
//! part of a shard's estimate of a unit (`balance`) that looks past the threads' next steps.
//!
//! The probe (the program's first execution) records, for every object two threads accessed
//! in conflicting ways, which thread accessed it how, and the number of that thread's last
//! event that did. At a unit's root, where each thread has recorded some events, a thread
//! still accesses the object if that last event is not yet recorded. Each pair of threads
//! that still access one object in conflicting ways can go two ways: the pairs count
//! doublings of the unit's executions. And a thread asleep at the root wakes only when
//! another thread still accesses the object of its next step in a conflicting way. Next steps
//! alone cannot see the conflicts a thread meets after some quiet ones: indexer(13)'s threads
//! contend only after a first insert into a slot of their own.
//!
//! Invariant: a guess only, like the rest of the estimate: a thread whose control flow
//! differs from the probe's is counted as the probe saw it. It depends only on the probe and
//! on how many events each thread has recorded, so every explorer estimates a unit alike.

use crate::runtime::op::{Access, Event, ThreadId};

/// One access the probe saw to an object (naming it by its key): the thread, the access, and
/// the number (from 0) of that thread's last event that made it.
type Seen = (ThreadId, Access, u32);

/// For each contended object of the probe, by key: its distinct accesses.
#[derive(Clone, Debug, Default)]
pub(crate) struct Futures {
    objects: Vec<(u32, Vec<Seen>)>,
}

impl Futures {
    /// The futures of the probe's `events`, and the keys, sorted, of the objects it accessed
    /// that no two threads accessed in conflicting ways (`Split::uncontended`).
    pub(crate) fn of(events: &[Event]) -> (Futures, Vec<u32>) {
        let mut numbers: Vec<u32> = Vec::new();
        let mut objects: Vec<(u32, Vec<Seen>)> = Vec::new();
        for event in events {
            if numbers.len() <= event.thread {
                numbers.resize(event.thread + 1, 0);
            }
            let number = numbers[event.thread];
            numbers[event.thread] += 1;
            let Some(access) = event.keyed_access() else {
                continue;
            };
            let at = match objects.binary_search_by_key(&event.key, |o| o.0) {
                Ok(at) => at,
                Err(at) => {
                    objects.insert(at, (event.key, Vec::new()));
                    at
                }
            };
            let accesses = &mut objects[at].1;
            match (accesses.iter_mut()).find(|(t, a, _)| *t == event.thread && *a == access) {
                Some(seen) => seen.2 = number,
                None => accesses.push((event.thread, access, number)),
            }
        }
        let contended = |accesses: &[Seen]| {
            (accesses.iter().enumerate()).any(|(i, &(t, a, _))| {
                (accesses[i + 1..].iter()).any(|&(u, b, _)| t != u && a.conflicts(b))
            })
        };
        let (objects, uncontended): (Vec<_>, Vec<_>) = objects
            .into_iter()
            .partition(|(_, accesses)| contended(accesses));
        let uncontended = uncontended.into_iter().map(|(key, _)| key).collect();
        (Futures { objects }, uncontended)
    }

    /// The accesses the probe saw to the object of key `key`, if it was contended.
    fn object(&self, key: u32) -> &[Seen] {
        match self.objects.binary_search_by_key(&key, |o| o.0) {
            Ok(at) => &self.objects[at].1,
            Err(_) => &[],
        }
    }

    /// Whether `thread`, asleep before its next access `next` (naming the object by its
    /// key), may wake: some other thread that `may_run`, having recorded `recorded(thread)`
    /// events, still accesses that object in a conflicting way. (An object the probe saw
    /// uncontended or never saw: nothing says it may.)
    pub(crate) fn may_wake(
        &self,
        thread: ThreadId,
        next: Access,
        recorded: impl Fn(ThreadId) -> u32,
        may_run: impl Fn(ThreadId) -> bool,
    ) -> bool {
        (self.object(next.object).iter()).any(|&(t, a, last)| {
            t != thread && last >= recorded(t) && a.conflicts(next) && may_run(t)
        })
    }

    /// The pairs of threads that, having recorded `recorded(thread)` events, still access
    /// one object in conflicting ways (a pair counts once per object).
    pub(crate) fn conflicting_pairs(&self, recorded: impl Fn(ThreadId) -> u32) -> u32 {
        let mut pairs = 0;
        let mut ahead: Vec<(ThreadId, Access)> = Vec::new();
        let mut counted: Vec<(ThreadId, ThreadId)> = Vec::new();
        for (_, accesses) in &self.objects {
            ahead.clear();
            counted.clear();
            let still = accesses.iter().filter(|(t, _, last)| *last >= recorded(*t));
            ahead.extend(still.map(|&(t, a, _)| (t, a)));
            for (i, &(t, a)) in ahead.iter().enumerate() {
                for &(u, b) in &ahead[i + 1..] {
                    let pair = (t.min(u), t.max(u));
                    if t != u && a.conflicts(b) && !counted.contains(&pair) {
                        counted.push(pair);
                    }
                }
            }
            pairs += counted.len() as u32;
        }
        pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::op::{AccessKind, EventKind};
    use std::panic::Location;

    /// Thread `thread` locks or unlocks the mutex of index and key `object`.
    fn event(thread: ThreadId, kind: EventKind, object: u32) -> Event {
        Event {
            thread,
            step: 0,
            kind,
            object: Some(object),
            key: object,
            site: Location::caller(),
        }
    }

    /// Threads 1 and 2 each lock and unlock mutex 7, then thread 1 mutex 8, alone.
    fn futures() -> Futures {
        let events = [
            event(1, EventKind::Lock, 7),
            event(1, EventKind::Unlock, 7),
            event(2, EventKind::Lock, 7),
            event(2, EventKind::Unlock, 7),
            event(1, EventKind::Lock, 8),
        ];
        let (futures, uncontended) = Futures::of(&events);
        assert_eq!(uncontended, [8], "one thread alone locks mutex 8");
        futures
    }

    #[test]
    fn pairs_count_the_threads_that_still_conflict() {
        let futures = futures();
        assert_eq!(futures.conflicting_pairs(|_| 0), 1);
        let thread_1_unlocked = |t: ThreadId| if t == 1 { 2 } else { 0 };
        assert_eq!(futures.conflicting_pairs(thread_1_unlocked), 0);
        let thread_2_locked = |t: ThreadId| if t == 2 { 1 } else { 0 };
        assert_eq!(
            futures.conflicting_pairs(thread_2_locked),
            1,
            "it unlocks still"
        );
    }

    #[test]
    fn a_sleeper_wakes_only_if_another_thread_still_conflicts() {
        let futures = futures();
        let lock = |object| Access::new(object, AccessKind::Acquire);
        let anyone = |_| true;
        assert!(futures.may_wake(2, lock(7), |_| 0, anyone));
        assert!(!futures.may_wake(2, lock(7), |t| if t == 1 { 2 } else { 0 }, anyone));
        assert!(
            !futures.may_wake(2, lock(7), |_| 0, |t| t != 1),
            "its waker sleeps too"
        );
        assert!(!futures.may_wake(1, lock(8), |_| 0, anyone), "uncontended");
    }
}

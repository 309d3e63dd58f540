//! Atomic locations under RC11-style weak memory, operationally: each location keeps its
//! stores in modification order (`order`), and every access a thread makes to it is an
//! *observation* (the thread, its epoch, the store it read or wrote). What a thread may read
//! or where it may place a store is bounded below by its *floor*: the latest store (in
//! modification order) that it observed itself or that an observation in its
//! happens-before past names (coherence: write-write, write-read, read-write, read-read).
//!
//! SeqCst accesses and fences constrain the choices further through RC11's SeqCst order,
//! which `seq_cst_order` checks on the execution's graph.
//!
//! A load reads any store from its floor to the last; a store goes anywhere after its floor,
//! except between a read-modify-write and the store it read (RMW atomicity); an RMW reads a
//! store from its floor on that no other RMW read, and goes right after it (`store_past`
//! narrows these choices where they would repeat a graph). Stores are appended to `stores`
//! as they run, so a store's id never changes; its place in `order` does when a later store
//! goes before it.
//!
//! Observations live in one arena per execution (`Observations`), each location chaining its
//! own from the newest back, so a location costs no allocation of its own beyond its stores;
//! and `order` stays empty while modification order is the order stores ran (the common
//! case: every SeqCst store, every RMW, every store that took the last place).
//!
//! Invariant: the store at position `p` in modification order has `position == p`; a
//! thread's observations are non-decreasing in modification order and in epoch (so the
//! latest one covered by a clock is the one with the greatest position).

use super::clock::VectorClock;
use super::op::ThreadId;
use super::race::CellAccess;
use super::store_past::StorePast;

/// One store, in the order stores ran (its index is its id).
#[derive(Clone, Debug)]
pub(crate) struct StoreRecord {
    pub value: u64,
    /// What a read that synchronises with this store acquires (see `happens_before`).
    pub sync: VectorClock,
    /// Its place in modification order.
    pub position: u32,
    /// A read-modify-write: it stays right after the store it read.
    pub rmw: bool,
    /// Which stores other than initial values may lie in its causal past (for an initial
    /// value: in its location's creator's past); see `store_past`.
    pub store_past: StorePast,
    /// Some read took it (a store placed before it is then constrained: `store_past`).
    pub read: bool,
    /// A plain store that is not SeqCst (`AccessKind::Placed`): DPOR lets it commute with
    /// another such store, not with any other.
    pub placed: bool,
}

/// An access to a location, as coherence remembers it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Observation {
    thread: u32,
    epoch: u32,
    store: u32,
    /// The thread's yield count (`ModelThread::spins`) when it made the access.
    spins: u32,
    /// The location's previous observation (`NONE`: it is the first).
    previous: u32,
}

const NONE: u32 = u32::MAX;

/// Every observation of one execution, of all locations.
pub(crate) type Observations = Vec<Observation>;

pub(crate) struct AtomicLocation {
    /// Every store, in the order they ran; `stores[0]` is the initial value.
    pub stores: Vec<StoreRecord>,
    /// Store ids in modification order; empty while that is the order they ran.
    order: Vec<u32>,
    /// The newest of the location's observations in the arena (consecutive ones of a
    /// thread in one epoch folded into one), `NONE` before the first.
    newest: u32,
    /// Each thread's latest store (as a race-detector access), for non-atomic reads
    /// (`unsync_load`), which race with atomic stores they are not ordered after.
    pub writers: Vec<CellAccess>,
    /// Each thread's latest `unsync_load`, which later stores race with unless ordered.
    pub unsync_reads: Vec<CellAccess>,
    /// The thread that created the location and how many events the execution held then:
    /// the initial value's past is that thread's events before (see `early_reads`).
    pub created: (ThreadId, usize),
}

/// A location with nothing in it yet: no store, no observation.
impl Default for AtomicLocation {
    fn default() -> AtomicLocation {
        AtomicLocation {
            stores: Vec::new(),
            order: Vec::new(),
            newest: NONE,
            writers: Vec::new(),
            unsync_reads: Vec::new(),
            created: (0, 0),
        }
    }
}

/// Whose floor: a thread, with its clock (its happens-before past).
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    pub thread: ThreadId,
    pub now: &'a VectorClock,
}

/// The observations of one location, newest first.
fn chain(arena: &Observations, newest: u32) -> impl Iterator<Item = &Observation> {
    std::iter::successors(arena.get(newest as usize), move |seen| {
        arena.get(seen.previous as usize)
    })
}

/// The stores a new location has room for.
const STORES: usize = 4;

impl AtomicLocation {
    /// A location holding `value`, created by a thread whose past is `store_past`, in the
    /// lists of `spare` (an earlier execution's location, emptied by `empty` and kept for
    /// their room, or a default one).
    pub(crate) fn new(value: u64, store_past: StorePast, spare: AtomicLocation) -> AtomicLocation {
        let mut location = spare;
        debug_assert!(location.stores.is_empty() && location.order.is_empty());
        debug_assert!(location.writers.is_empty() && location.unsync_reads.is_empty());
        debug_assert!(location.newest == NONE);
        // Room for a few stores at once: most locations are stored to, and a vector of one
        // reallocates at its first push.
        location.stores.reserve(STORES);
        location.stores.push(StoreRecord {
            value,
            sync: VectorClock::default(),
            position: 0,
            rmw: false,
            store_past,
            read: false,
            placed: false,
        });
        location
    }

    /// Drops what the location holds, keeping the room of its lists for a location of a
    /// later execution (`new`).
    pub(crate) fn empty(&mut self) {
        self.stores.clear();
        self.order.clear();
        self.newest = NONE;
        self.writers.clear();
        self.unsync_reads.clear();
    }

    /// The last store in modification order (what a sequentially consistent load reads):
    /// its id and record.
    pub(crate) fn latest(&self) -> (usize, &StoreRecord) {
        let id = self.at(self.len() - 1);
        (id, &self.stores[id])
    }

    /// The store at `position` in modification order: its id.
    pub(crate) fn at(&self, position: usize) -> usize {
        match self.order.is_empty() {
            true => position,
            false => self.order[position] as usize,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.stores.len()
    }

    /// The position in modification order below which `reader` may neither read nor place
    /// a store.
    pub(crate) fn floor(&self, arena: &Observations, reader: Reader) -> usize {
        let mut floor = 0;
        let position = |store: u32| self.stores[store as usize].position as usize;
        for seen in chain(arena, self.newest) {
            let thread = seen.thread as usize;
            if thread == reader.thread || reader.now.covers(thread, seen.epoch) {
                floor = floor.max(position(seen.store));
            }
        }
        floor
    }

    /// Whether `thread`, which has yielded `spins` times, yielded since it last accessed the
    /// location (or before its first access); then its load reads the latest store. That is
    /// weak memory's fairness: a thread that waits for a store (a spin loop, which yields)
    /// sees it once it has run, instead of reading a stale value forever. Loads before the
    /// first yield still read any store coherence allows.
    pub(crate) fn spun(&self, arena: &Observations, thread: ThreadId, spins: u32) -> bool {
        let last = chain(arena, self.newest).find(|seen| seen.thread as usize == thread);
        spins > last.map_or(0, |seen| seen.spins)
    }

    /// Remembers that `thread` (at `epoch`, after `spins` yields) read or wrote `store`.
    pub(crate) fn observe(
        &mut self,
        arena: &mut Observations,
        thread: ThreadId,
        (epoch, spins): (u32, u32),
        store: u32,
    ) {
        if let Some(newest) = arena.get_mut(self.newest as usize) {
            let same =
                (newest.thread as usize, newest.epoch, newest.spins) == (thread, epoch, spins);
            if same {
                newest.store = store;
                return;
            }
        }
        arena.push(Observation {
            thread: thread as u32,
            epoch,
            store,
            spins,
            previous: self.newest,
        });
        self.newest = (arena.len() - 1) as u32;
    }

    /// The positions a new plain store may take, latest first: after `floor`, never right
    /// before a read-modify-write (between it and the store it read).
    pub(crate) fn placements(&self, floor: usize) -> impl Iterator<Item = usize> + '_ {
        let len = self.len();
        (floor + 1..=len)
            .rev()
            .filter(move |&p| p == len || !self.stores[self.at(p)].rmw)
    }

    /// Whether a read-modify-write may read the store at `position`: it then goes right
    /// after it, so no other read-modify-write may have read it.
    pub(crate) fn rmw_may_read(&self, position: usize) -> bool {
        position + 1 == self.len() || !self.stores[self.at(position + 1)].rmw
    }

    /// The positions a read-modify-write may read, latest first, from `floor` on.
    pub(crate) fn rmw_reads(&self, floor: usize) -> impl Iterator<Item = usize> + '_ {
        (floor..self.len()).rev().filter(|&p| self.rmw_may_read(p))
    }

    /// Adds a store at `position` in modification order; returns its id.
    pub(crate) fn insert(&mut self, position: usize, mut record: StoreRecord) -> u32 {
        let id = self.stores.len() as u32;
        record.position = position as u32;
        if position < self.len() {
            if self.order.is_empty() {
                self.order = (0..id).collect();
            }
            for &later in &self.order[position..] {
                self.stores[later as usize].position += 1;
            }
            self.order.insert(position, id);
        } else if !self.order.is_empty() {
            self.order.push(id);
        }
        self.stores.push(record);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(value: u64) -> StoreRecord {
        StoreRecord {
            value,
            sync: VectorClock::default(),
            position: 0,
            rmw: false,
            store_past: StorePast::Empty,
            read: false,
            placed: true,
        }
    }

    #[test]
    fn inserting_keeps_positions_in_step_with_the_order() {
        let mut x = AtomicLocation::new(0, StorePast::Empty, AtomicLocation::default());
        let one = x.insert(1, store(1));
        assert!(x.order.is_empty(), "still the order stores ran");
        let two = x.insert(1, store(2));
        assert_eq!(x.order, [0, two, one]);
        let three = x.insert(3, store(3));
        assert_eq!(x.order, [0, two, one, three]);
        for p in 0..x.len() {
            assert_eq!(x.stores[x.at(p)].position as usize, p);
        }
        assert_eq!(x.latest().1.value, 3);
    }

    #[test]
    fn floors_follow_own_and_past_observations_only() {
        let mut x = AtomicLocation::new(0, StorePast::Empty, AtomicLocation::default());
        let mut arena = Observations::new();
        let one = x.insert(1, store(1));
        x.observe(&mut arena, 1, (1, 0), one);
        let mut now = VectorClock::default();
        let reader = |now: &VectorClock| {
            let reader = Reader { thread: 2, now };
            x.floor(&arena, reader)
        };
        assert_eq!(reader(&now), 0, "thread 1's store is not in its past");
        now.tick(1);
        assert_eq!(reader(&now), 1);
        let own = Reader {
            thread: 1,
            now: &VectorClock::default(),
        };
        assert_eq!(x.floor(&arena, own), 1);
    }

    #[test]
    fn a_thread_that_yielded_since_its_last_access_has_spun() {
        let mut x = AtomicLocation::new(0, StorePast::Empty, AtomicLocation::default());
        let mut arena = Observations::new();
        assert!(!x.spun(&arena, 1, 0));
        assert!(x.spun(&arena, 1, 1), "it yielded before its first access");
        x.observe(&mut arena, 1, (1, 1), 0);
        assert!(!x.spun(&arena, 1, 1));
        assert!(x.spun(&arena, 1, 2));
        x.observe(&mut arena, 2, (1, 0), 0);
        assert!(
            x.spun(&arena, 1, 2),
            "another thread's access changes nothing"
        );
    }

    #[test]
    fn stores_never_split_a_read_modify_write_from_what_it_read() {
        let mut x = AtomicLocation::new(0, StorePast::Empty, AtomicLocation::default());
        x.insert(1, store(1));
        x.insert(
            2,
            StoreRecord {
                rmw: true,
                ..store(2)
            },
        );
        assert_eq!(x.placements(0).collect::<Vec<_>>(), [3, 1]);
        assert_eq!(x.placements(2).collect::<Vec<_>>(), [3]);
    }
}

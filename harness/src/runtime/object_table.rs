//! The object table of one execution: for every object the model creates, in creation
//! order, its type and creation site, and its state.
//!
//! A mutex is created without a state of its own: until its first lock it reads as a fresh
//! mutex (no owner, an empty release clock), from one instance the table keeps. So creating
//! a mutex writes one 32-byte record, and clearing the table at the end of the execution
//! visits nothing for it: a model that creates many mutexes and locks few (a table of
//! slots, each behind its own lock) pays little for the rest. Every other object gets its
//! state when it is created.
//!
//! Invariant: index `i` names the `i`th object created in the execution: its record is
//! `entries[i].info`, and its state `states[entries[i].state]`, or, for a mutex not locked
//! yet (`state == FRESH`), `FRESH_MUTEX`: exactly the state an eagerly created mutex would
//! have, so no reader can tell the difference. `states` holds only objects' own states, in
//! the order they got them. The atomic locations of executions before are kept emptied
//! (`spare_locations`), for the room of their lists, and hold nothing of those executions.

use super::clock::VectorClock;
use super::coherence::AtomicLocation;
use super::objects::{MutexState, ObjectState};
use super::op::{ObjectIndex, Site};

/// Where and as what an object was created.
#[derive(Clone, Copy)]
pub(crate) struct ObjectInfo {
    pub type_name: &'static str,
    pub created_at: Site,
    /// The object's name across executions (`Execution::object_key`), which its index, the
    /// order of creation in this execution, is not.
    pub key: u32,
}

impl ObjectInfo {
    /// `#3 AtomicUsize created at src/lib.rs:10:5`.
    pub(crate) fn describe(&self, index: usize) -> String {
        format!(
            "#{index} {} created at {}",
            super::objects::short_type_name(self.type_name),
            self.created_at
        )
    }
}

/// An object's record and where its state is: an index into `Objects::states`, or `FRESH`.
#[derive(Clone, Copy)]
struct Entry {
    info: ObjectInfo,
    state: u32,
}

/// The `Entry::state` of a mutex that has no state of its own yet.
const FRESH: u32 = u32::MAX;

/// The state of every mutex not locked yet.
static FRESH_MUTEX: ObjectState = ObjectState::Mutex(MutexState {
    owner: None,
    released: VectorClock::EMPTY,
});

#[derive(Default)]
pub(crate) struct Objects {
    entries: Vec<Entry>,
    states: Vec<ObjectState>,
    /// Some object can hold values after every thread has finished (a reference count or
    /// a channel): the end of a clean execution looks for leaks only then.
    may_leak: bool,
    /// The last execution's atomic locations, emptied, for the room of their lists: a new
    /// location otherwise costs an allocation, and more as its stores and writers grow.
    spare_locations: Vec<AtomicLocation>,
}

impl Objects {
    /// A new object in `state`; returns its index. Always inlined: otherwise the state
    /// (up to 128 bytes) is copied once more on its way into the vector.
    #[inline(always)]
    pub(crate) fn add(&mut self, state: ObjectState, info: ObjectInfo) -> ObjectIndex {
        self.may_leak |= matches!(state, ObjectState::RefCount(_) | ObjectState::Channel(_));
        self.states.push(state);
        let state = (self.states.len() - 1) as u32;
        self.entries.push(Entry { info, state });
        (self.entries.len() - 1) as ObjectIndex
    }

    /// A new mutex, in the fresh state until it is locked; returns its index.
    #[inline]
    pub(crate) fn add_mutex(&mut self, info: ObjectInfo) -> ObjectIndex {
        self.entries.push(Entry { info, state: FRESH });
        (self.entries.len() - 1) as ObjectIndex
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    #[inline]
    pub(crate) fn info(&self, object: ObjectIndex) -> ObjectInfo {
        self.entries[object as usize].info
    }

    /// The object's key: its name across executions (see `ObjectInfo::key`).
    #[inline]
    pub(crate) fn key(&self, object: ObjectIndex) -> u32 {
        self.entries[object as usize].info.key
    }

    #[inline]
    pub(crate) fn state(&self, object: ObjectIndex) -> &ObjectState {
        match self.entries[object as usize].state {
            FRESH => &FRESH_MUTEX,
            state => &self.states[state as usize],
        }
    }

    /// The atomic location `object` is (callers know it is one).
    #[inline]
    pub(crate) fn atomic(&self, object: ObjectIndex) -> &AtomicLocation {
        match self.state(object) {
            ObjectState::Atomic(location) => location,
            _ => unreachable!("object {object} is not an atomic location"),
        }
    }

    /// The object's state, made its own (from the fresh mutex's) if it had none.
    #[inline]
    pub(crate) fn state_mut(&mut self, object: ObjectIndex) -> &mut ObjectState {
        let entry = &mut self.entries[object as usize];
        if entry.state == FRESH {
            self.states.push(ObjectState::Mutex(MutexState::default()));
            entry.state = (self.states.len() - 1) as u32;
        }
        &mut self.states[entry.state as usize]
    }

    /// Every reference count and channel, by index: the objects that can hold values after
    /// every thread has finished.
    pub(crate) fn leak_candidates(&self) -> impl Iterator<Item = (ObjectIndex, &ObjectState)> {
        let objects = if self.may_leak { self.len() } else { 0 };
        (0..objects as ObjectIndex).filter_map(|index| match self.state(index) {
            state @ (ObjectState::RefCount(_) | ObjectState::Channel(_)) => Some((index, state)),
            _ => None,
        })
    }

    /// Every object's record, in creation order.
    pub(crate) fn infos(&self) -> impl Iterator<Item = ObjectInfo> + '_ {
        self.entries.iter().map(|entry| entry.info)
    }

    pub(crate) fn reserve(&mut self, objects: usize) {
        self.entries.reserve(objects);
        self.states.reserve(objects);
    }

    /// An earlier execution's atomic location, for `AtomicLocation::new` to reuse (an
    /// empty one when there is none).
    #[inline]
    pub(crate) fn spare_location(&mut self) -> AtomicLocation {
        self.spare_locations.pop().unwrap_or_default()
    }

    pub(crate) fn clear(&mut self) {
        self.may_leak = false;
        self.entries.clear();
        for state in &mut self.states {
            if let ObjectState::Atomic(location) = state {
                location.empty();
                self.spare_locations.push(std::mem::take(location));
            }
        }
        self.states.clear();
    }
}

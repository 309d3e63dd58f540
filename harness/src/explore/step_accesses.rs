//! What a sleeping thread is remembered by in DPOR's sleep sets: every access its step
//! made when it was explored, the scheduling point's operation and the events after it in
//! the same step (reference-count clones and drops have no scheduling point of their own).
//!
//! Invariant: a sleeper wakes when an executed event conflicts with any remembered access;
//! a step with more accesses than fit is never put to sleep (conservative).

use crate::runtime::op::{Access, AccessKind, Event, EventKind};

/// The most accesses of one step a sleeping thread is remembered by; a step with more is
/// never put to sleep (explored again: conservative).
const STEP_ACCESSES: usize = 4;

/// The accesses one step makes: its scheduling point's operation and the events without a
/// scheduling point after it (reference counts, for instance). A sleeping thread wakes when
/// anything conflicts with any of them.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct StepAccesses([Option<Access>; STEP_ACCESSES]);

impl StepAccesses {
    pub(crate) fn one(access: Option<Access>) -> StepAccesses {
        let mut list = [None; STEP_ACCESSES];
        list[0] = access;
        StepAccesses(list)
    }

    /// The accesses of `events`, or `None` when there are too many to remember.
    pub(crate) fn of(events: &[Event]) -> Option<StepAccesses> {
        let mut list = [None; STEP_ACCESSES];
        for (n, access) in events.iter().filter_map(Event::access).enumerate() {
            *list.get_mut(n)? = Some(access);
        }
        Some(StepAccesses(list))
    }

    /// These accesses (of `events`) as the step makes them when moved before the event it
    /// raced with: a `try_lock` that failed now finds the mutex free (before the
    /// acquisition it saw) and one that succeeded finds it held (before the release it
    /// followed); a blocking primitive's operation, or a reference count's other than a
    /// commuting update, may find another state, so it counts as a write (conservative).
    pub(crate) fn reversed(mut self, events: &[Event]) -> StepAccesses {
        let placed = events.iter().filter(|e| e.access().is_some());
        for (slot, event) in self.0.iter_mut().zip(placed) {
            let Some(access) = slot.as_mut() else {
                continue;
            };
            access.kind = match event.kind {
                EventKind::TryLock { acquired: true } => AccessKind::Probe,
                EventKind::TryLock { acquired: false } => AccessKind::TryAcquire,
                // It read the store it raced with; before it, it may find its expected value.
                EventKind::CompareExchangeFailed { .. } => AccessKind::Write,
                // Moved earlier, a reference count only gets further from zero: an update
                // stays one.
                EventKind::Sync { .. } if access.kind != AccessKind::Update => AccessKind::Write,
                _ => access.kind,
            };
        }
        self
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = Access> + '_ {
        self.0.iter().flatten().copied()
    }

    pub(crate) fn conflicts(&self, done: Access) -> bool {
        self.iter().any(|mine| mine.conflicts(done))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(object: u32, kind: AccessKind) -> Access {
        Access::new(object, kind)
    }

    #[test]
    fn wakes_on_any_remembered_access() {
        let step = StepAccesses([
            Some(access(0, AccessKind::Read)),
            Some(access(3, AccessKind::Update)),
            None,
            None,
        ]);
        assert!(!step.conflicts(access(0, AccessKind::Read)));
        assert!(step.conflicts(access(0, AccessKind::Write)));
        assert!(
            !step.conflicts(access(3, AccessKind::Update)),
            "updates commute"
        );
        assert!(step.conflicts(access(3, AccessKind::Read)));
        assert!(!step.conflicts(access(5, AccessKind::Write)));
    }
}

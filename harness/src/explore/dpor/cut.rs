//! The explorer's side of a split exploration (see `explore::split`): which unit the current
//! execution is in, taking it or leaving it to another explorer, and telling the others when
//! a unit is done.
//!
//! Invariant: `unit` is the key of the unit whose nodes lie below the cut of the stack, and
//! it is set only once `Split::take` gave it to this explorer.

use super::{uses_blocking_primitive, Dpor};
use crate::explore::split::UnitKey;
use crate::runtime::execution::Execution;

impl Dpor {
    /// The choices made above the cut of the current stack: at each node there, which of
    /// its threads (high bits) and which value choice of its step (low 16 bits).
    pub(super) fn position(&self) -> UnitKey {
        self.nodes
            .iter()
            .filter(|node| node.top())
            .map(|node| (node.done.len() as u32 - 1) << 16 | node.value.min(0xffff))
            .collect()
    }

    /// The execution leaves the nodes above the cut: takes the unit it enters, unless it is
    /// already this explorer's. False when another explorer takes it: the execution is
    /// then finished without this explorer and not counted.
    pub(super) fn enter_unit(&mut self, execution: &Execution) -> bool {
        if self.unit.is_some() {
            return true;
        }
        let key = self.position();
        let split = self
            .split
            .as_ref()
            .expect("only split explorations have units");
        if !split.take(&key) {
            self.skipping = true;
            return false;
        }
        self.unit = Some(key);
        self.unit_runs = (0, 0);
        // Nor does it share states with other units (`repeats`).
        self.repeats.forget_states();
        // A unit is explored as if it were the whole exploration: only its own prefix
        // decides whether it starts in source-DPOR mode.
        self.source = uses_blocking_primitive(&execution.events);
        true
    }

    /// Counts the execution that just ended in its unit's runs.
    pub(super) fn count_unit_run(&mut self) {
        if self.unit.is_some() && !self.skipping {
            match self.blocked_run {
                true => self.unit_runs.1 += 1,
                false => self.unit_runs.0 += 1,
            }
        }
    }

    /// After the next branch is chosen: when it lies above the cut (or nothing is left),
    /// the unit the stack was in is done.
    pub(super) fn leave_finished_unit(&mut self) {
        if self.nodes.last().is_none_or(|node| node.top()) {
            if let (Some(unit), Some(split)) = (self.unit.take(), &self.split) {
                split.shared.finish(unit, self.unit_runs);
            }
        }
    }

    /// A failure was found in a unit before the current one: nothing this explorer finds
    /// from here on would be the one reported.
    pub(super) fn stop_for_earlier_failure(&self) -> bool {
        self.split
            .as_ref()
            .is_some_and(|split| split.shared.failed_before(&self.position()))
    }
}

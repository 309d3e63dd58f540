//! The value choice of one step: besides which thread runs, a step whose operation is an
//! atomic access may have several outcomes weak memory allows (which store a load reads,
//! where in modification order a store goes, whether a weak compare-exchange fails
//! spuriously). The explorer asks for one before the step (`Requested`); the operation says
//! how many it had and takes one (`StepChoice::take`), and the runner records it in the
//! schedule.
//!
//! Invariant: only the first operation of a step takes the requested choice (the step's
//! scheduling point); any other operation in the same step (drops while a thread unwinds)
//! takes option 0, the sequentially consistent one. Option 0 is always the latest store, the
//! last place, or no spurious failure.

/// What the explorer asks of a step's value choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Requested {
    /// This option; more than the operation has is a divergence (a replayed schedule).
    Exact(u32),
    /// Any option: this number modulo how many there are (samplers, fuzz input).
    Any(u32),
}

impl Default for Requested {
    fn default() -> Requested {
        Requested::Exact(0)
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct StepChoice {
    requested: Requested,
    taken: bool,
    /// How many options the step's operation had (1: no choice).
    pub options: u32,
    /// The option it took.
    pub used: u32,
}

impl StepChoice {
    pub(crate) fn new(requested: Requested) -> StepChoice {
        StepChoice {
            requested,
            taken: false,
            options: 1,
            used: 0,
        }
    }

    /// The option an operation with `options` outcomes takes (0 = the sequentially
    /// consistent one).
    pub(crate) fn take(&mut self, options: usize) -> usize {
        if self.taken {
            return 0;
        }
        self.taken = true;
        let options = options.max(1) as u32;
        self.options = options;
        self.used = match self.requested {
            Requested::Exact(k) => k.min(options - 1),
            Requested::Any(raw) => raw % options,
        };
        self.used as usize
    }

    /// Why the step did not do what was asked of it exactly, if it did not.
    pub(crate) fn mismatch(&self) -> Option<String> {
        match self.requested {
            Requested::Exact(k) if k >= self.options => Some(format!(
                "its operation had {} outcome{} to choose from, and the schedule asks for \
                 outcome {k}",
                self.options,
                if self.options == 1 { "" } else { "s" }
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_operation_of_a_step_takes_the_choice() {
        let mut choice = StepChoice::new(Requested::Exact(2));
        assert_eq!(choice.take(3), 2);
        assert_eq!(choice.take(3), 0);
        assert_eq!((choice.options, choice.used), (3, 2));
        assert!(choice.mismatch().is_none());
    }

    #[test]
    fn an_exact_request_beyond_the_options_is_a_mismatch() {
        let mut choice = StepChoice::new(Requested::Exact(1));
        assert_eq!(choice.take(1), 0);
        assert!(choice.mismatch().is_some());
        let untaken = StepChoice::new(Requested::Exact(1));
        assert!(untaken.mismatch().is_some(), "no operation took it");
        let mut any = StepChoice::new(Requested::Any(7));
        assert_eq!(any.take(3), 1);
        assert!(any.mismatch().is_none());
    }
}

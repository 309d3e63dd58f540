//! Barriers: `wait` is an arrival (`BarrierArrive`) and, for every thread but the one that
//! completes the generation (the leader), a blocking wait until that generation has passed.
//!
//! Happens-before: every arrival of a generation happens before every thread leaves it.
//!
//! Dependence (`SyncAccess`): arrivals conflict with each other (whether one leads depends
//! on every arrival before it); a thread leaving a generation depends on the leader's
//! arrival only, which it waited for (an edge, not a race).
//!
//! Invariant: `arrived` counts the arrivals of generation `generation`; `passed[g]` is the
//! joined clock of generation `g`'s arrivals once it completed.

use super::clock::VectorClock;
use super::execution::Execution;
use super::objects::ObjectState;
use super::op::{AccessKind, ObjectIndex, OpKind, Site, SyncOutcome};
use super::sync_access::SyncAccess;

pub(crate) struct BarrierState {
    parties: usize,
    arrived: usize,
    generation: u64,
    gathering: VectorClock,
    passed: Vec<VectorClock>,
}

impl Execution {
    pub(crate) fn barrier_new(
        &mut self,
        parties: usize,
        type_name: &'static str,
        site: Site,
    ) -> ObjectIndex {
        let state = BarrierState {
            parties: parties.max(1),
            arrived: 0,
            generation: 0,
            gathering: VectorClock::default(),
            passed: Vec::new(),
        };
        self.add_object(ObjectState::Barrier(state), type_name, site)
    }

    fn barrier(&mut self, object: ObjectIndex) -> &mut BarrierState {
        match self.objects.state_mut(object) {
            ObjectState::Barrier(barrier) => barrier,
            _ => unreachable!("object {object} is not a barrier"),
        }
    }

    fn barrier_ref(&self, object: ObjectIndex) -> &BarrierState {
        match self.objects.state(object) {
            ObjectState::Barrier(barrier) => barrier,
            _ => unreachable!("object {object} is not a barrier"),
        }
    }

    pub(crate) fn barrier_enabled(&self, op: OpKind, object: ObjectIndex) -> bool {
        match op {
            OpKind::BarrierWait(generation) => self.barrier_ref(object).generation > generation,
            _ => true,
        }
    }

    pub(crate) fn barrier_access(&self, op: OpKind, object: ObjectIndex) -> AccessKind {
        let barrier = self.barrier_ref(object);
        let access = match op {
            OpKind::BarrierWait(generation) => SyncAccess::Pass {
                generation: generation as u32,
            },
            _ => SyncAccess::Arrive {
                generation: barrier.generation as u32,
                leader: barrier.arrived + 1 == barrier.parties,
            },
        };
        AccessKind::Sync(access)
    }

    /// Arrives; `Ok(())` for the leader (its arrival completed the generation), `Err(g)`
    /// for the others, who must then wait for generation `g` to pass.
    pub(crate) fn barrier_arrive(&mut self, object: ObjectIndex, site: Site) -> Result<(), u64> {
        let me = self.current;
        let access = self.barrier_access(OpKind::BarrierArrive, object);
        let mut released = VectorClock::default();
        self.threads[me].clocks.release(me, &mut released);
        let barrier = self.barrier(object);
        barrier.gathering.join(&released);
        barrier.arrived += 1;
        let generation = barrier.generation;
        let leader = barrier.arrived == barrier.parties;
        if leader {
            let clock = std::mem::take(&mut barrier.gathering);
            barrier.passed.push(clock.clone());
            barrier.arrived = 0;
            barrier.generation += 1;
            self.threads[me].clocks.acquire(&clock);
        }
        let outcome = SyncOutcome::Value(u64::from(leader));
        self.record_sync(OpKind::BarrierArrive, object, access, outcome, site);
        if leader {
            Ok(())
        } else {
            Err(generation)
        }
    }

    pub(crate) fn barrier_wait(&mut self, object: ObjectIndex, generation: u64, site: Site) {
        let me = self.current;
        let clock = self.barrier_ref(object).passed[generation as usize].clone();
        self.threads[me].clocks.acquire(&clock);
        let op = OpKind::BarrierWait(generation);
        let access = self.barrier_access(op, object);
        self.record_sync(op, object, access, SyncOutcome::Done, site);
    }

    pub(crate) fn barrier_describe(&self, object: ObjectIndex) -> String {
        let barrier = self.barrier_ref(object);
        format!("{} of {} threads arrived", barrier.arrived, barrier.parties)
    }
}

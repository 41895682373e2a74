//! When things on the timeline happen: at a time, or a while after a
//! condition on the drill's state is first met. Shared by faults and
//! injects, so both read the world the same way.

use super::faults::{FaultState, RunState};
use super::incident::Incident;
use crate::scenario::{Condition, Trigger};

/// What a condition may look at, read once per tick.
pub(crate) struct View<'a> {
    /// Every fault's state.
    pub faults: &'a [FaultState],
    /// Every action started.
    pub runs: &'a [RunState],
    /// The response.
    pub incident: &'a Incident,
    /// Revenue lost so far, yen.
    pub lost_yen: u64,
    /// Stores that want to call support now.
    pub stores_calling: u32,
}

/// Whether a condition holds now.
pub(crate) fn holds(c: Condition, v: &View<'_>) -> bool {
    match c {
        Condition::FaultStarted(f) => v.faults.get(f).is_some_and(|s| s.started_tick.is_some()),
        Condition::FaultEnded(f) => v.faults.get(f).is_some_and(|s| s.ended_tick.is_some()),
        Condition::ActionRun(a) => v.runs.iter().any(|r| r.action == a),
        Condition::ActionDone(a) => v.runs.iter().any(|r| r.action == a && r.done),
        Condition::Declared => v.incident.declared_at.is_some(),
        Condition::Phase(p) => v.incident.reached(p),
        Condition::NoticePublished => !v.incident.notices.is_empty(),
        Condition::ResolvedTooEarly => v.incident.resolved_prematurely,
        Condition::LostRevenueAbove(yen) => v.lost_yen > yen,
        Condition::StoresCallingAbove(n) => v.stores_calling > n,
    }
}

/// Where something scheduled stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Pending {
    /// Tick its condition was first met.
    pub met_tick: Option<u64>,
}

impl Pending {
    /// Whether it is due now; remembers when its condition was met.
    pub fn due(&mut self, t: Trigger, now: u64, v: &View<'_>) -> bool {
        match t {
            Trigger::At(s) => now >= s,
            Trigger::When(c, delay) => {
                if self.met_tick.is_none() && holds(c, v) {
                    self.met_tick = Some(now);
                }
                self.met_tick.is_some_and(|m| now >= m + delay)
            }
        }
    }

    /// Whether it is waiting out its delay (condition met, not yet due).
    pub fn waiting(&self, t: Trigger, now: u64) -> bool {
        match t {
            Trigger::At(s) => now < s,
            Trigger::When(_, delay) => self.met_tick.is_some_and(|m| now < m + delay),
        }
    }
}

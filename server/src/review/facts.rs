//! Facts the objectives are judged on, derived once from the entries: when
//! the signal came, when the team declared, its notices and reports, the
//! faults (the truth) at any tick, resolution and mitigation.

use std::collections::BTreeMap;

use super::record::{Entry, What};
use crate::protocol::{ComponentStatus, Phase};

/// Everything an objective rule needs, with the tick the review is as of.
pub struct Facts<'a> {
    /// Every entry, by tick.
    pub entries: &'a [Entry],
    /// The review is as of this tick.
    pub now: u64,
    /// Whether the drill is over (open windows are closed then).
    pub ended: bool,
    /// Tick of the first signal.
    pub first_signal: Option<u64>,
    /// The declaration.
    pub declared: Option<&'a Entry>,
    /// External notices, in order.
    pub notices: Vec<&'a Entry>,
    /// Status reports, in order.
    pub reports: Vec<&'a Entry>,
    /// The first fault's start.
    pub first_fault: Option<u64>,
    /// When the last fault ended for good, if none is open at the end
    /// (however it ended: see `faults` for which the team fixed).
    pub mitigated: Option<u64>,
    /// The `resolved` that stuck (no later phase change), with its entry.
    pub resolved: Option<&'a Entry>,
    /// Every `resolved` set while a fault was still open (hurting, or only
    /// paused until its next wave).
    pub premature: Vec<&'a Entry>,
    /// Every fault that started, in the order they first started.
    pub faults: Vec<FaultRun>,
}

/// One fault's course, from the answer key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRun {
    /// The fault's id.
    pub fault: String,
    /// Tick it first started.
    pub started: u64,
    /// Tick it ended for good, if it did.
    pub ended: Option<u64>,
    /// Whether the team's fix ended it.
    pub fixed: bool,
}

impl<'a> Facts<'a> {
    /// Derives the facts from time-ordered entries.
    pub fn new(entries: &'a [Entry], now: u64, ended: bool) -> Facts<'a> {
        let mut f = Facts {
            entries,
            now,
            ended,
            first_signal: None,
            declared: None,
            notices: Vec::new(),
            reports: Vec::new(),
            first_fault: None,
            mitigated: None,
            resolved: None,
            premature: Vec::new(),
            faults: Vec::new(),
        };
        let mut active: BTreeMap<&str, ()> = BTreeMap::new();
        // Started and not ended for good (paused between waves included).
        let mut open: BTreeMap<&str, ()> = BTreeMap::new();
        let mut last_stop = None;
        for e in entries {
            match &e.what {
                What::FirstSignal => f.first_signal = f.first_signal.or(Some(e.tick)),
                What::Declared => f.declared = f.declared.or(Some(e)),
                What::Notice { .. } => f.notices.push(e),
                What::StatusReport { .. } => f.reports.push(e),
                What::FaultStarted { fault, .. } => {
                    f.first_fault = f.first_fault.or(Some(e.tick));
                    active.insert(fault, ());
                    open.insert(fault, ());
                    match f.faults.iter_mut().find(|r| r.fault == *fault) {
                        // Started again after it ended (a facilitator's start).
                        Some(r) if r.ended.is_some() => {
                            r.ended = None;
                            r.fixed = false;
                        }
                        Some(_) => {}
                        None => {
                            f.faults.push(FaultRun { fault: fault.clone(), started: e.tick, ended: None, fixed: false })
                        }
                    }
                }
                What::FaultStopped { fault, ended, fixed } => {
                    active.remove(fault.as_str());
                    if *ended {
                        open.remove(fault.as_str());
                        last_stop = Some(e.tick);
                        if let Some(r) = f.faults.iter_mut().find(|r| r.fault == *fault) {
                            r.ended = Some(e.tick);
                            r.fixed = *fixed;
                        }
                    }
                }
                What::Phase { phase } => {
                    if *phase == Phase::Resolved {
                        f.resolved = Some(e);
                        if !open.is_empty() {
                            f.premature.push(e);
                        }
                    } else {
                        f.resolved = None;
                    }
                }
                What::Alert { .. }
                | What::InjectFired { .. }
                | What::ActionStarted { .. }
                | What::ActionDone { .. }
                | What::Hypothesis { .. }
                | What::Message { .. }
                | What::CallTaken { .. }
                | What::CallEnded { .. }
                | What::CallAbandoned { .. }
                | What::ClientAnswered { .. }
                | What::ClientEscalated { .. }
                | What::Pulse { .. }
                | What::Ended => {}
            }
        }
        if open.is_empty() {
            f.mitigated = last_stop;
        }
        f
    }

    /// Tick the incident closed (the resolution that stuck), else now.
    pub fn close(&self) -> u64 {
        self.resolved.map_or(self.now, |e| e.tick)
    }

    /// The faults active at `tick` (just after everything at that tick):
    /// failing service ids and region ids.
    pub fn truth_at(&self, tick: u64) -> (Vec<String>, Vec<String>) {
        let mut active: BTreeMap<&str, (&str, &[String])> = BTreeMap::new();
        for e in self.entries.iter().take_while(|e| e.tick <= tick) {
            match &e.what {
                What::FaultStarted { fault, service, regions } => {
                    active.insert(fault, (service, regions));
                }
                What::FaultStopped { fault, .. } => {
                    active.remove(fault.as_str());
                }
                _ => {}
            }
        }
        let mut services: Vec<String> = active.values().map(|(s, _)| s.to_string()).collect();
        let mut regions: Vec<String> = active.values().flat_map(|(_, r)| r.iter().cloned()).collect();
        services.sort();
        services.dedup();
        regions.sort();
        regions.dedup();
        (services, regions)
    }

    /// The first notice at or after `tick` announcing `operational`.
    pub fn operational_notice_from(&self, tick: u64) -> Option<&'a Entry> {
        self.notices
            .iter()
            .copied()
            .find(|e| e.tick >= tick && matches!(e.what, What::Notice { status: ComponentStatus::Operational, .. }))
    }
}

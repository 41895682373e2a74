//! What engineers can find out: log lines, monitoring alerts, metric clues
//! and the deploy history.
//!
//! All of it is scenario data brought to life by the timeline: a clue tied
//! to a fault shows while that fault hurts (in the regions it hurts), a
//! clue without one is background noise or a red herring shown in its time
//! window, and a rollback adds a line to the deploy history when it takes
//! effect. The engineer screens read these through `Sim::logs`,
//! `Sim::alerts`, `Sim::clue_metrics` and `Sim::deploys`.

use std::collections::VecDeque;

use bevy_ecs::prelude::*;

use super::faults::Faults;
use super::{Clock, Plan, TickSet};
use crate::scenario::{Clue, ClueKind, Scenario};

/// Log lines kept; older ones are dropped.
pub(crate) const LOG_LINES_KEPT_MAX: usize = 10_000;

/// One deploy in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeployEntry {
    /// Service.
    pub service: usize,
    /// Version deployed.
    pub version: String,
    /// Drill seconds relative to T+0.
    pub at_s: i64,
    /// Who.
    pub by: String,
    /// What changed.
    pub note: String,
    /// Whether it was a rollback run during the drill.
    pub rollback: bool,
}

/// The deploy history, in time order: the scenario's, plus rollbacks run
/// during the drill.
#[derive(Resource, Debug, Default)]
pub(crate) struct DeployLog(pub Vec<DeployEntry>);

impl DeployLog {
    fn new(s: &Scenario) -> DeployLog {
        let mut all: Vec<DeployEntry> = s
            .services
            .iter()
            .enumerate()
            .flat_map(|(i, svc)| {
                svc.deploys.iter().map(move |d| DeployEntry {
                    service: i,
                    version: d.version.clone(),
                    at_s: d.at_s,
                    by: d.by.clone(),
                    note: d.note.clone(),
                    rollback: false,
                })
            })
            .collect();
        // Stable: deploys at the same second keep the scenario's order.
        all.sort_by_key(|d| d.at_s);
        DeployLog(all)
    }

    /// A rollback took effect.
    pub fn rolled_back(&mut self, service: usize, version: String, now: u64, by: String, note: String) {
        let at_s = now as i64;
        let pos = self.0.partition_point(|d| d.at_s <= at_s);
        self.0.insert(pos, DeployEntry { service, version, at_s, by, note, rollback: true });
    }

    /// Entries that have happened by `now`.
    pub fn visible(&self, now: u64) -> impl Iterator<Item = &DeployEntry> {
        self.0.iter().filter(move |d| d.at_s <= now as i64)
    }

    /// The version a service runs at `now`.
    pub fn version(&self, s: &Scenario, service: usize, now: u64) -> String {
        self.visible(now)
            .filter(|d| d.service == service)
            .last()
            .map_or_else(|| s.services[service].version.clone(), |d| d.version.clone())
    }
}

/// One log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line {
    /// Tick written.
    pub tick: u64,
    /// The clue it comes from (its text, service and level).
    pub clue: usize,
    /// Region it names, if any.
    pub region: Option<u16>,
}

/// Recent log lines and when each log clue writes next.
#[derive(Resource, Debug, Default)]
pub(crate) struct LogBook {
    /// Lines, oldest first, at most `LOG_LINES_KEPT_MAX`.
    pub lines: VecDeque<Line>,
    /// Per clue, tick of its next line.
    pub next_due: Vec<u64>,
    /// Per clue, lines written (to rotate through regions).
    pub written: Vec<u32>,
}

/// One alert that fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AlertRecord {
    /// The clue.
    pub clue: usize,
    /// Tick it fired.
    pub fired_tick: u64,
    /// Tick it resolved.
    pub resolved_tick: Option<u64>,
}

/// Alerts fired so far, in order, and which are firing.
#[derive(Resource, Debug, Default)]
pub(crate) struct AlertBook {
    /// Every alert fired.
    pub fired: Vec<AlertRecord>,
    /// Per clue, index into `fired` while it fires.
    pub firing: Vec<Option<usize>>,
}

/// Per metric clue, whether it showed its faulted value in each completed
/// minute, and now.
#[derive(Resource, Debug, Default)]
pub(crate) struct MetricBook {
    /// `minutes[clue]`: one flag per completed minute (empty for other kinds).
    pub minutes: Vec<Vec<bool>>,
    /// `now[clue]`: whether it shows its faulted value now.
    pub now: Vec<bool>,
}

pub(crate) fn init(world: &mut World, s: &Scenario) {
    let n = s.clues.len();
    world.insert_resource(DeployLog::new(s));
    world.insert_resource(LogBook { lines: VecDeque::new(), next_due: vec![0; n], written: vec![0; n] });
    world.insert_resource(AlertBook { fired: Vec::new(), firing: vec![None; n] });
    world.insert_resource(MetricBook { minutes: vec![Vec::new(); n], now: vec![false; n] });
}

pub(crate) fn register(schedule: &mut Schedule) {
    schedule.add_systems(record_clues.in_set(TickSet::Clues));
}

/// Whether a clue shows now, and in which regions (empty: everywhere).
fn showing(s: &Scenario, c: &Clue, faults: &Faults, now: u64) -> Option<Vec<usize>> {
    if now < c.from_s || c.until_s.is_some_and(|u| now >= u) {
        return None;
    }
    let Some(f) = c.fault else { return Some(Vec::new()) };
    let state = &faults.0[f];
    if !state.active {
        return None;
    }
    let def = &s.faults[f];
    let mut regions = def.scope.regions.clone();
    if !regions.is_empty() {
        for sp in def.spreads.iter().take(state.spread) {
            regions.extend(sp.regions.iter().copied().filter(|r| !def.scope.regions.contains(r)));
        }
    }
    Some(regions)
}

fn record_clues(
    clock: Res<Clock>,
    plan: Res<Plan>,
    faults: Res<Faults>,
    mut logs: ResMut<LogBook>,
    mut alerts: ResMut<AlertBook>,
    mut metrics: ResMut<MetricBook>,
) {
    let s = &plan.0;
    let now = clock.tick;
    let minute_done = now.is_multiple_of(60);
    for (i, c) in s.clues.iter().enumerate() {
        let shown = showing(s, c, &faults, now);
        match c.kind {
            ClueKind::Log => {
                let Some(regions) = shown else { continue };
                if now < logs.next_due[i] {
                    continue;
                }
                let n = logs.written[i];
                let region = (!regions.is_empty()).then(|| regions[n as usize % regions.len()] as u16);
                logs.written[i] = n.wrapping_add(1);
                logs.next_due[i] = now + u64::from(c.every_s);
                logs.lines.push_back(Line { tick: now, clue: i, region });
                if logs.lines.len() > LOG_LINES_KEPT_MAX {
                    logs.lines.pop_front();
                }
            }
            ClueKind::Alert => match (shown.is_some(), alerts.firing[i]) {
                (true, None) => {
                    alerts.firing[i] = Some(alerts.fired.len());
                    alerts.fired.push(AlertRecord { clue: i, fired_tick: now, resolved_tick: None });
                }
                (false, Some(k)) => {
                    alerts.fired[k].resolved_tick = Some(now);
                    alerts.firing[i] = None;
                }
                (true, Some(_)) | (false, None) => {}
            },
            ClueKind::Metric => {
                // Background metrics without a fault always show their
                // normal value; a fault's metric shows its faulted value
                // while the fault hurts.
                let faulted = c.fault.is_some() && shown.is_some();
                metrics.now[i] = faulted;
                if minute_done {
                    metrics.minutes[i].push(faulted);
                }
            }
        }
    }
}

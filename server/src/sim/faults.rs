//! The outage timeline and the runbook actions that end it.
//!
//! Faults start at their scheduled tick and stay until an action that fixes
//! them takes effect. From the active faults this module computes, once per
//! tick, the failure rate of each guest step in each region
//! ([`FlowErrors`]), which is all that `guests` needs to know.

use bevy_ecs::prelude::*;

use super::{Clock, Outbox, Plan, SimEvent, TickSet};
use crate::protocol::{ActionRun, FaultView};
use crate::scenario::Scenario;

/// Parts per million: the unit of every rate in the simulation.
pub(crate) const PPM: u32 = 1_000_000;

/// A fault's state.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FaultState {
    /// Whether it is hurting the world now.
    pub active: bool,
    /// Tick it started, once started.
    pub started_tick: Option<u64>,
    /// Tick it was fixed, once fixed.
    pub fixed_tick: Option<u64>,
}

/// Every fault's state, in scenario order.
#[derive(Resource, Debug, Default)]
pub(crate) struct Faults(pub Vec<FaultState>);

/// A runbook action that was started.
#[derive(Debug, Clone)]
pub(crate) struct RunState {
    /// Index of the action in the scenario.
    pub action: usize,
    /// Who started it.
    pub by: String,
    /// When.
    pub started_tick: u64,
    /// When it takes effect.
    pub effective_tick: u64,
    /// Whether it has.
    pub done: bool,
}

/// Every action started, in order.
#[derive(Resource, Debug, Default)]
pub(crate) struct Runs(pub Vec<RunState>);

/// The four steps a guest can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Order on the app.
    OrderMobile = 0,
    /// Order at the counter.
    OrderCounter = 1,
    /// Pay by card.
    PayCard = 2,
    /// Pay cash.
    PayCash = 3,
}

/// Failure rate of each flow in each region this tick, in ppm.
#[derive(Resource, Debug, Default)]
pub(crate) struct FlowErrors {
    /// `per_region[region][flow as usize]`.
    pub per_region: Vec<[u32; 4]>,
}

impl FlowErrors {
    /// Failure rate of a flow in a region, ppm.
    pub fn get(&self, region: u16, flow: Flow) -> u32 {
        self.per_region.get(region as usize).map_or(0, |f| f[flow as usize])
    }
}

/// For each flow, every service it passes through (the entry service and
/// everything it transitively depends on), computed once.
#[derive(Resource, Debug, Default)]
pub(crate) struct FlowPaths(pub [Vec<usize>; 4]);

pub(crate) fn init(world: &mut World, scenario: &Scenario) {
    world.insert_resource(Faults(vec![FaultState::default(); scenario.faults.len()]));
    world.insert_resource(Runs::default());
    let f = scenario.flows;
    let entries = [f.order_mobile, f.order_counter, f.pay_card, f.pay_cash];
    let paths = entries.map(|entry| reachable(scenario, entry));
    world.insert_resource(FlowPaths(paths));
    world.insert_resource(FlowErrors { per_region: vec![[0; 4]; scenario.regions.len()] });
}

/// Services reachable from `entry` through `depends_on` (validation
/// guarantees there is no cycle; the visited set bounds the walk anyway).
fn reachable(scenario: &Scenario, entry: usize) -> Vec<usize> {
    let mut seen = vec![false; scenario.services.len()];
    let mut stack = vec![entry];
    while let Some(s) = stack.pop() {
        if s >= seen.len() || seen[s] {
            continue;
        }
        seen[s] = true;
        stack.extend(scenario.services[s].depends_on.iter().copied());
    }
    seen.iter().enumerate().filter(|(_, on)| **on).map(|(i, _)| i).collect()
}

pub(crate) fn register(schedule: &mut Schedule) {
    schedule
        .add_systems((start_due_faults, complete_due_actions, compute_flow_errors).chain().in_set(TickSet::Timeline));
}

fn start_due_faults(clock: Res<Clock>, plan: Res<Plan>, mut faults: ResMut<Faults>, mut outbox: ResMut<Outbox>) {
    for (i, def) in plan.0.faults.iter().enumerate() {
        let state = &mut faults.0[i];
        if state.started_tick.is_none() && clock.tick >= def.starts_s {
            state.started_tick = Some(clock.tick);
            state.active = true;
            outbox.0.push(SimEvent::Fault(view(&plan.0, i, state)));
        }
    }
}

fn complete_due_actions(
    clock: Res<Clock>,
    plan: Res<Plan>,
    mut runs: ResMut<Runs>,
    mut faults: ResMut<Faults>,
    mut outbox: ResMut<Outbox>,
) {
    for run in runs.0.iter_mut().filter(|r| !r.done && clock.tick >= r.effective_tick) {
        run.done = true;
        for (i, def) in plan.0.faults.iter().enumerate() {
            let state = &mut faults.0[i];
            if state.active && def.fixed_by.contains(&run.action) {
                state.active = false;
                state.fixed_tick = Some(clock.tick);
                outbox.0.push(SimEvent::Fault(view(&plan.0, i, state)));
            }
        }
        outbox
            .0
            .push(SimEvent::Action { run: run_view(&plan.0, run), label: plan.0.actions[run.action].label.clone() });
    }
}

fn compute_flow_errors(plan: Res<Plan>, faults: Res<Faults>, paths: Res<FlowPaths>, mut errors: ResMut<FlowErrors>) {
    let s = &plan.0;
    for (region, row) in errors.per_region.iter_mut().enumerate() {
        for (flow, path) in paths.0.iter().enumerate() {
            // Success of a flow is the product of the success of every
            // service it touches; a service's success is the product over
            // the faults on it that cover this region.
            let mut ok: u64 = u64::from(PPM);
            for (i, def) in s.faults.iter().enumerate() {
                let covers = def.regions.is_empty() || def.regions.contains(&region);
                if faults.0[i].active && covers && path.contains(&def.service) {
                    ok = ok * u64::from(PPM - def.error_ppm) / u64::from(PPM);
                }
            }
            row[flow] = PPM - ok as u32;
        }
    }
}

/// The answer-key view of fault `i`.
pub(crate) fn view(s: &Scenario, i: usize, state: &FaultState) -> FaultView {
    let def = &s.faults[i];
    FaultView {
        id: def.id.clone(),
        service: s.services[def.service].id.clone(),
        regions: def.regions.iter().map(|&r| s.regions[r].id.clone()).collect(),
        root_cause: def.root_cause.clone(),
        fixed_by: def.fixed_by.iter().map(|&a| s.actions[a].id.clone()).collect(),
        starts_tick: def.starts_s,
        active: state.active,
    }
}

/// The protocol view of a run.
pub(crate) fn run_view(s: &Scenario, run: &RunState) -> ActionRun {
    ActionRun {
        action: s.actions[run.action].id.clone(),
        by: run.by.clone(),
        started_tick: run.started_tick,
        effective_tick: run.effective_tick,
        done: run.done,
    }
}

pub(crate) fn views(world: &World) -> Vec<FaultView> {
    let s = &world.resource::<Plan>().0;
    world.resource::<Faults>().0.iter().enumerate().map(|(i, st)| view(s, i, st)).collect()
}

pub(crate) fn runs(world: &World) -> Vec<ActionRun> {
    let s = &world.resource::<Plan>().0;
    world.resource::<Runs>().0.iter().map(|r| run_view(s, r)).collect()
}

/// Every fault has started and none is active.
pub(crate) fn all_clear(world: &World) -> bool {
    world.resource::<Faults>().0.iter().all(|f| f.started_tick.is_some() && !f.active)
}

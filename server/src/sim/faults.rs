//! The outage timeline and the runbook actions that end it.
//!
//! A fault starts at its time or a while after its condition is met; from
//! then on it may worsen in stages, spread to more regions, come and go in
//! waves, and end by itself; otherwise it lasts until the right action (or
//! every one of the right actions) takes effect. An action that fixes
//! nothing may still hurt: its side effect (a restart's short full outage)
//! hits its service while it runs, and a fault may be waiting for it.
//!
//! Once per tick, after the timeline moved, this module turns what is
//! hurting into the per-profile table of effects (`profiles::Effects`),
//! which is all that `guests` needs to know. It recomputes only when
//! something changed.

use bevy_ecs::prelude::*;

use super::clues::DeployLog;
use super::incident::Incident;
use super::metrics::Metrics;
use super::profiles::{self, Effect, Effects, Parts, Profiles, Topology};
use super::stores::StoreStats;
use super::triggers::{Pending, View};
use super::{Clock, Outbox, Plan, SimEvent, TickSet};
use crate::protocol::{ActionRun, FaultView};
use crate::scenario::{ActionKind, Magnitude, Scenario, Trigger, WithCause};

/// A fault's state.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FaultState {
    /// Its trigger's progress.
    pub pending: Pending,
    /// Tick it started, once started.
    pub started_tick: Option<u64>,
    /// Tick it ended (fixed or recovered), once ended.
    pub ended_tick: Option<u64>,
    /// Whether a fix ended it (else it recovered by itself).
    pub fixed: bool,
    /// Whether it is hurting the world now (false between waves).
    pub active: bool,
    /// Tick its stages count from (its start, or its last relief).
    pub stage_origin: u64,
    /// Stages reached: 0 is its starting strength.
    pub stage: usize,
    /// Spreads reached.
    pub spread: usize,
    /// Which of `fixed_by` took effect since it started (bit per entry),
    /// for faults that need every fix.
    pub fixes_done: u64,
    /// Stages the facilitator added on top of the timeline's.
    pub boost_stage: usize,
    /// Spreads the facilitator added on top of the timeline's.
    pub boost_spread: usize,
    /// Seconds its recovery was brought forward (by `sped_by` actions).
    pub sped_s: u64,
}

impl FaultState {
    /// Started and not ended: hurting now or between waves.
    pub fn open(&self) -> bool {
        self.started_tick.is_some() && self.ended_tick.is_none()
    }
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

/// Runs whose side effect was hurting at the last refresh.
#[derive(Resource, Debug, Default)]
pub(crate) struct SideEffects(pub Vec<usize>);

pub(crate) fn init(world: &mut World, scenario: &Scenario) {
    world.insert_resource(Faults(vec![FaultState::default(); scenario.faults.len()]));
    world.insert_resource(Runs::default());
    world.insert_resource(SideEffects::default());
    world.insert_resource(profiles::topology(scenario));
    world.insert_resource(Effects { dirty: true, ..Effects::default() });
}

pub(crate) fn register(schedule: &mut Schedule) {
    schedule.add_systems((complete_due_actions, advance_faults, refresh_effects).chain().in_set(TickSet::Timeline));
}

fn complete_due_actions(
    clock: Res<Clock>,
    plan: Res<Plan>,
    mut runs: ResMut<Runs>,
    mut faults: ResMut<Faults>,
    mut effects: ResMut<Effects>,
    mut deploys: ResMut<DeployLog>,
    mut outbox: ResMut<Outbox>,
) {
    let s = &plan.0;
    let now = clock.tick;
    for run in runs.0.iter_mut().filter(|r| !r.done && now >= r.effective_tick) {
        run.done = true;
        let action = &s.actions[run.action];
        for (i, def) in s.faults.iter().enumerate() {
            let state = &mut faults.0[i];
            if !state.open() {
                continue;
            }
            if let Some(j) = def.fixed_by.iter().position(|&a| a == run.action) {
                state.fixes_done |= 1 << j;
                let all = (1u64 << def.fixed_by.len()) - 1;
                if !def.fix_needs_all || state.fixes_done & all == all {
                    state.ended_tick = Some(now);
                    state.fixed = true;
                    state.active = false;
                    effects.dirty = true;
                    outbox.0.push(SimEvent::Fault(view(s, i, state)));
                    continue;
                }
            }
            if def.relieved_by.contains(&run.action) {
                state.stage_origin = now;
                state.stage = 0;
                effects.dirty = true;
            }
            // An escalation that speeds a vendor's recovery: the time left
            // until it recovers by itself shrinks.
            if def.sped_by.contains(&run.action)
                && let (Some(r), Some(start)) = (def.recovers_after_s, state.started_tick)
            {
                let left = r.saturating_sub(now - start + state.sped_s);
                state.sped_s += left * u64::from(def.sped_by_pct) / 100;
            }
        }
        if action.kind == ActionKind::Rollback
            && let Some(v) = &action.to_version
        {
            deploys.rolled_back(action.service, v.clone(), now, run.by.clone(), action.label.clone());
        }
        outbox.0.push(SimEvent::Action { run: run_view(s, run), label: action.label.clone() });
    }
}

#[expect(clippy::too_many_arguments, reason = "a system's parameters are its declared reads and writes")]
fn advance_faults(
    clock: Res<Clock>,
    plan: Res<Plan>,
    incident: Res<Incident>,
    runs: Res<Runs>,
    metrics: Res<Metrics>,
    stats: Res<StoreStats>,
    mut faults: ResMut<Faults>,
    mut effects: ResMut<Effects>,
    mut outbox: ResMut<Outbox>,
) {
    let s = &plan.0;
    let now = clock.tick;
    for i in 0..s.faults.len() {
        let def = &s.faults[i];
        let mut state = faults.0[i];
        let before = state;
        // A fault caused by another starts only while its cause is going
        // on: fixing the cause in time prevents it.
        let cause = def.caused_by.and_then(|c| faults.0.get(c).copied());
        let cause_open = cause.is_none_or(|c| c.open());
        if state.started_tick.is_none() && cause_open {
            let v = View {
                faults: &faults.0,
                runs: &runs.0,
                incident: &incident,
                lost_yen: metrics.lost_yen(),
                stores_calling: stats.calling(),
            };
            if state.pending.due(def.trigger, now, &v) {
                state.started_tick = Some(now);
                state.stage_origin = now;
                state.active = true;
            }
        }
        if let (Some(start), None) = (state.started_tick, state.ended_tick) {
            let age = now - start;
            let mut ended = def.recovers_after_s.is_some_and(|r| age + state.sped_s >= r);
            if let Some((&(_, last_end), times)) = def.wave_times.last().map(|l| (l, &def.wave_times)) {
                ended |= age >= last_end;
                state.active = times.iter().any(|&(from, to)| age >= from && age < to);
            }
            // It follows its cause when that ends.
            if let Some(c) = cause
                && let Some(cause_end) = c.ended_tick
            {
                match def.with_cause {
                    WithCause::Ends => {
                        ended = true;
                        // Credit where it is due: the fix that ended the
                        // cause ended this one too.
                        state.fixed = c.fixed;
                    }
                    WithCause::Eases if state.stage_origin < cause_end => {
                        state.stage_origin = now;
                    }
                    WithCause::Eases | WithCause::Stays => {}
                }
            }
            if let Some(w) = def.waves {
                let period = w.on_s + w.off_s;
                // It ends by itself when its last wave is over.
                ended |= w.count.is_some_and(|c| age >= u64::from(c.max(1) - 1) * period + w.on_s);
                state.active = age % period < w.on_s;
            }
            if ended {
                state.ended_tick = Some(now);
                state.active = false;
            }
            let since = now - state.stage_origin;
            let stage = def.stages.iter().take_while(|st| since >= st.after_s).count();
            state.stage = (stage + state.boost_stage).min(def.stages.len());
            let spread = def.spreads.iter().take_while(|sp| age >= sp.after_s).count();
            state.spread = (spread + state.boost_spread).min(def.spreads.len());
        }
        faults.0[i] = state;
        let changed = |a: &FaultState, b: &FaultState| {
            a.started_tick != b.started_tick
                || a.ended_tick != b.ended_tick
                || a.active != b.active
                || a.spread != b.spread
        };
        if changed(&before, &state) || before.stage != state.stage {
            effects.dirty = true;
        }
        if changed(&before, &state) {
            outbox.0.push(SimEvent::Fault(view(s, i, &state)));
        }
    }
}

#[expect(clippy::too_many_arguments, reason = "a system's parameters are its declared reads and writes")]
fn refresh_effects(
    clock: Res<Clock>,
    plan: Res<Plan>,
    faults: Res<Faults>,
    runs: Res<Runs>,
    topo: Res<Topology>,
    parts: Res<Parts>,
    profiles: Res<Profiles>,
    mut side: ResMut<SideEffects>,
    mut effects: ResMut<Effects>,
) {
    let s = &plan.0;
    let now = clock.tick;
    let hurting: Vec<usize> = runs
        .0
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            s.actions[r.action]
                .side_effect
                .as_ref()
                .is_some_and(|e| now >= r.started_tick && now < r.started_tick + e.duration_s)
        })
        .map(|(i, _)| i)
        .collect();
    if hurting != side.0 {
        side.0 = hurting;
        effects.dirty = true;
    }
    if !effects.dirty {
        return;
    }
    let part_effect: Vec<Effect> = parts
        .0
        .iter()
        .map(|p| {
            let state = &faults.0[p.fault];
            let def = &s.faults[p.fault];
            let reached = p.spread.is_none_or(|j| j < state.spread);
            if !state.active || !reached {
                return Effect::default();
            }
            let strength = p.spread.map_or(100, |j| def.spreads[j].strength_pct);
            profiles::scaled(magnitude(s, p.fault, state), strength)
        })
        .collect();
    let side_list: Vec<(usize, Effect, &[usize])> = side
        .0
        .iter()
        .filter_map(|&r| {
            let a = &s.actions[runs.0[r].action];
            a.side_effect.as_ref().map(|e| (a.service, profiles::scaled(e.magnitude, 100), e.regions.as_slice()))
        })
        .collect();
    profiles::compute(s, &topo, &parts, &profiles, &part_effect, &side_list, &mut effects);
}

/// A fault's strength at its current stage.
fn magnitude(s: &Scenario, fault: usize, state: &FaultState) -> Magnitude {
    let def = &s.faults[fault];
    match state.stage {
        0 => def.magnitude,
        n => def.stages.get(n - 1).map_or(def.magnitude, |st| st.magnitude),
    }
}

/// The answer-key view of fault `i`.
pub(crate) fn view(s: &Scenario, i: usize, state: &FaultState) -> FaultView {
    let def = &s.faults[i];
    let mut regions: Vec<usize> = def.scope.regions.clone();
    if !regions.is_empty() {
        for sp in def.spreads.iter().take(state.spread) {
            regions.extend(sp.regions.iter().copied().filter(|r| !def.scope.regions.contains(r)));
        }
    }
    FaultView {
        id: def.id.clone(),
        service: s.services[def.service].id.clone(),
        regions: regions.iter().map(|&r| s.regions[r].id.clone()).collect(),
        root_cause: def.root_cause.clone(),
        fixed_by: def.fixed_by.iter().map(|&a| s.actions[a].id.clone()).collect(),
        // A fault waiting for a condition has no time yet: until it starts,
        // it shows the drill's end.
        starts_tick: state.started_tick.or(def.scheduled_s()).unwrap_or(s.duration_s),
        active: state.active,
        ended: state.ended_tick.is_some(),
        fixed: state.fixed,
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

/// Nothing is hurting or about to: every fault has ended, except those
/// waiting for a condition that has not been met (a trap nobody sprang),
/// and at least one fault has started.
pub(crate) fn all_clear(world: &World) -> bool {
    let s = &world.resource::<Plan>().0;
    let now = world.resource::<Clock>().tick;
    let faults = &world.resource::<Faults>().0;
    clear(s, faults, now)
}

pub(crate) fn clear(s: &Scenario, faults: &[FaultState], now: u64) -> bool {
    let settled = s.faults.iter().zip(faults).all(|(def, st)| match (st.started_tick, st.ended_tick) {
        (Some(_), Some(_)) => true,
        (Some(_), None) => false,
        // Prevented: its cause ended before it started.
        (None, _) if def.caused_by.and_then(|c| faults.get(c)).is_some_and(|c| c.ended_tick.is_some()) => true,
        (None, _) => matches!(def.trigger, Trigger::When(..)) && !st.pending.waiting(def.trigger, now),
    });
    settled && (s.faults.is_empty() || faults.iter().any(|f| f.started_tick.is_some()))
}

//! Bots for the response roles nobody plays.
//!
//! A bot reads the world as its role would (the health alerts, the
//! incident's state) and decides on commands, which go through the same
//! [`super::incident::apply`] path as a person's. Reaction times are drawn
//! from the world's RNG when the world is built, so bots are deterministic.
//! [`BotSkill::None`] and [`BotSkill::Perfect`] give the two baselines a
//! team's result is placed between.

use std::collections::BTreeSet;

use bevy_ecs::prelude::*;
use rand::RngExt;

use super::faults::{Faults, Runs};
use super::incident::Incident;
use super::metrics::Metrics;
use super::{Actor, Clock, Plan, SimCommand, SimRng, TickSet};
use crate::protocol::{ComponentStatus, Phase, Role};

/// How well the bots respond.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BotSkill {
    /// They do nothing: the no-response baseline.
    None,
    /// They respond like a practised team, with human reaction times.
    Good,
    /// They respond at once and always pick the right fix.
    Perfect,
}

/// Which response roles bots play, and how well.
#[derive(Resource, Debug, Clone, PartialEq, Eq)]
pub struct Crew {
    /// Roles played by bots.
    pub roles: BTreeSet<Role>,
    /// Their skill.
    pub skill: BotSkill,
}

impl Crew {
    /// Bots play nothing (every role is a person's or empty).
    pub fn nobody() -> Crew {
        Crew { roles: BTreeSet::new(), skill: BotSkill::Good }
    }

    /// Bots play every response role.
    pub fn everyone(skill: BotSkill) -> Crew {
        let roles = [Role::IncidentOwner, Role::CommsLead, Role::Engineer].into_iter().collect();
        Crew { roles, skill }
    }

    fn plays(&self, role: Role) -> bool {
        self.skill != BotSkill::None && self.roles.contains(&role)
    }
}

/// Reaction times drawn once per world, in ticks.
#[derive(Resource, Debug, Clone, Copy)]
pub(crate) struct Reflexes {
    /// From the first alert to declaring.
    declare_after: u64,
    /// From the declaration to the first notice.
    notice_after: u64,
    /// From the declaration to running the fix.
    fix_after: u64,
    /// From all clear to setting `resolved`.
    resolve_after: u64,
}

/// Commands bots decided on this tick, applied after it.
#[derive(Resource, Debug, Default)]
pub(crate) struct Intents(pub Vec<(Actor, SimCommand)>);

pub(crate) fn init(world: &mut World) {
    let rng = &mut world.resource_mut::<SimRng>().0;
    let reflexes = Reflexes {
        declare_after: rng.random_range(60..=150),
        notice_after: rng.random_range(60..=180),
        fix_after: rng.random_range(240..=420),
        resolve_after: rng.random_range(240..=360),
    };
    world.insert_resource(reflexes);
    world.insert_resource(Intents::default());
}

pub(crate) fn register(schedule: &mut Schedule) {
    schedule.add_systems(decide_bot_commands.in_set(TickSet::Bots));
}

pub(crate) fn take_intents(world: &mut World) -> Vec<(Actor, SimCommand)> {
    std::mem::take(&mut world.resource_mut::<Intents>().0)
}

fn bot(role: Role) -> Actor {
    let name = match role {
        Role::IncidentOwner => "Owner bot",
        Role::CommsLead => "Comms bot",
        Role::Engineer => "Engineer bot",
        Role::SupportLead => "Support lead bot",
        Role::SupportAgent => "Support bot",
        Role::Sales => "Sales bot",
        Role::StoreActor => "Store bot",
        Role::CorporateActor => "Client bot",
        Role::Observer => "Observer bot",
    };
    Actor { name: name.to_string(), role: Some(role) }
}

#[expect(clippy::too_many_arguments, reason = "a system's parameters are its declared reads")]
fn decide_bot_commands(
    clock: Res<Clock>,
    crew: Res<Crew>,
    reflexes: Res<Reflexes>,
    plan: Res<Plan>,
    incident: Res<Incident>,
    metrics: Res<Metrics>,
    faults: Res<Faults>,
    runs: Res<Runs>,
    mut intents: ResMut<Intents>,
) {
    let now = clock.tick;
    let (declare_after, notice_after, fix_after, resolve_after) = match crew.skill {
        BotSkill::Perfect => (0, 30, 60, 120),
        BotSkill::Good | BotSkill::None => {
            (reflexes.declare_after, reflexes.notice_after, reflexes.fix_after, reflexes.resolve_after)
        }
    };
    let owner = crew.plays(Role::IncidentOwner);
    let mut out = Vec::new();

    // The owner declares once an alert has been up for its reaction time.
    if owner && incident.declared_at.is_none() && metrics.first_signal_tick.is_some_and(|t| now >= t + declare_after) {
        out.push((bot(Role::IncidentOwner), SimCommand::Declare));
    }
    let Some(declared) = incident.declared_at else {
        intents.0.extend(out);
        return;
    };

    // Comms: a first notice, and a final one once resolved.
    if crew.plays(Role::CommsLead) {
        if incident.notices.is_empty() && now >= declared + notice_after {
            let text = "We are investigating failures affecting some stores. Next update within 20 minutes.";
            out.push((
                bot(Role::CommsLead),
                SimCommand::PublishNotice { status: ComponentStatus::PartialOutage, text: text.into() },
            ));
        }
        if incident.phase == Phase::Resolved
            && incident.notices.last().is_some_and(|n| n.status != ComponentStatus::Operational)
        {
            let text = "The issue is resolved and all services are operating normally.";
            out.push((
                bot(Role::CommsLead),
                SimCommand::PublishNotice { status: ComponentStatus::Operational, text: text.into() },
            ));
        }
    }

    // The engineer runs the right fix for each active fault, once.
    let mut fixing = false;
    if crew.plays(Role::Engineer) && now >= declared + fix_after {
        for (i, def) in plan.0.faults.iter().enumerate() {
            let Some(&fix) = def.fixed_by.first() else { continue };
            let running = runs.0.iter().any(|r| r.action == fix && !r.done);
            if faults.0[i].active && !running {
                out.push((bot(Role::Engineer), SimCommand::RunAction(plan.0.actions[fix].id.clone())));
                fixing = true;
            }
        }
    }

    // The owner follows the fix through to resolution.
    if owner {
        let started: Vec<_> = faults.0.iter().filter(|f| f.started_tick.is_some()).collect();
        let all_clear = !started.is_empty() && started.len() == faults.0.len() && started.iter().all(|f| !f.active);
        let last_fix = faults.0.iter().filter_map(|f| f.fixed_tick).max();
        let running = fixing || runs.0.iter().any(|r| !r.done);
        let next = match incident.phase {
            Phase::Investigating if running => Some(Phase::Mitigating),
            Phase::Identified | Phase::Mitigating if all_clear => Some(Phase::Monitoring),
            Phase::Monitoring if all_clear && last_fix.is_some_and(|t| now >= t + resolve_after) => {
                Some(Phase::Resolved)
            }
            Phase::Normal
            | Phase::Investigating
            | Phase::Identified
            | Phase::Mitigating
            | Phase::Monitoring
            | Phase::Resolved => None,
        };
        if let Some(phase) = next {
            out.push((bot(Role::IncidentOwner), SimCommand::SetPhase(phase)));
        }
    }
    intents.0.extend(out);
}

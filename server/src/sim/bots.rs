//! Bots for the response roles nobody plays.
//!
//! A bot reads the world as its role would (the first signal, the
//! incident's state; the engineer bot reads the answer key, standing in
//! for an engineer who finds the cause) and decides on commands, which go through the same
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
use super::stores::StoreStats;
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
        let roles = [Role::IncidentOwner, Role::CommsLead, Role::Engineer, Role::SupportAgent, Role::Sales]
            .into_iter()
            .collect();
        Crew { roles, skill }
    }

    /// Whether a bot plays `role`.
    pub(crate) fn plays(&self, role: Role) -> bool {
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

/// Seconds between two status updates from the comms bot.
const UPDATE_EVERY_S: u64 = 15 * 60;

/// The texts bots write, in the scenario's language when they know it.
struct Texts {
    first: &'static str,
    update: &'static str,
    monitoring: &'static str,
    resolved: &'static str,
}

const ENGLISH: Texts = Texts {
    first: "We are investigating failures affecting some stores. Next update within 20 minutes.",
    update: "We are still working on the failures affecting some stores. Next update within 20 minutes.",
    monitoring: "A fix has been applied and we are monitoring the results.",
    resolved: "The issue is resolved and all services are operating normally.",
};

const JAPANESE: Texts = Texts {
    first: "現在、一部店舗でサービスがご利用いただけない事象を調査しております。20分以内に続報をお知らせします。",
    update: "一部店舗でサービスがご利用いただけない事象について、引き続き対応しております。20分以内に続報をお知らせします。",
    monitoring: "対応を実施し、現在状況を監視しております。",
    resolved: "本事象は解消し、すべてのサービスが正常に稼働しております。ご迷惑をおかけし申し訳ございませんでした。",
};

#[expect(clippy::too_many_arguments, reason = "a system's parameters are its declared reads")]
pub(crate) fn decide_bot_commands(
    clock: Res<Clock>,
    crew: Res<Crew>,
    reflexes: Res<Reflexes>,
    plan: Res<Plan>,
    incident: Res<Incident>,
    metrics: Res<Metrics>,
    stats: Res<StoreStats>,
    faults: Res<Faults>,
    runs: Res<Runs>,
    mut intents: ResMut<Intents>,
) {
    let now = clock.tick;
    let s = &plan.0;
    let (declare_after, notice_after, fix_after, resolve_after) = match crew.skill {
        BotSkill::Perfect => (0, 30, 60, 120),
        BotSkill::Good | BotSkill::None => {
            (reflexes.declare_after, reflexes.notice_after, reflexes.fix_after, reflexes.resolve_after)
        }
    };
    let texts = if s.language.starts_with("ja") { &JAPANESE } else { &ENGLISH };
    let owner = crew.plays(Role::IncidentOwner);
    let mut out = Vec::new();

    // The owner declares once the first signal has been up for its reaction time.
    let signal = super::metrics::signal(&metrics, &stats);
    if owner && incident.declared_at.is_none() && signal.is_some_and(|t| now >= t + declare_after) {
        out.push((bot(Role::IncidentOwner), SimCommand::Declare));
    }
    let Some(declared) = incident.declared_at else {
        intents.0.extend(out);
        return;
    };
    let clear = super::faults::clear(s, &faults.0, now);

    // Comms: a first notice, regular updates, and a final one once resolved.
    if crew.plays(Role::CommsLead) {
        let last = incident.notices.last();
        let notice =
            |status, text: &str| (bot(Role::CommsLead), SimCommand::PublishNotice { status, text: text.to_string() });
        match last {
            None if now >= declared + notice_after => out.push(notice(ComponentStatus::PartialOutage, texts.first)),
            Some(n) if incident.phase == Phase::Resolved && n.status != ComponentStatus::Operational => {
                out.push(notice(ComponentStatus::Operational, texts.resolved));
            }
            Some(n) if incident.phase != Phase::Resolved && now >= n.tick + UPDATE_EVERY_S => {
                if incident.phase == Phase::Monitoring {
                    out.push(notice(ComponentStatus::DegradedPerformance, texts.monitoring));
                } else {
                    out.push(notice(ComponentStatus::PartialOutage, texts.update));
                }
            }
            None | Some(_) => {}
        }
    }

    // The engineer runs the right fix for each open fault (every fix, for a
    // fault that needs them all), preferring fixes that hurt nothing and
    // take effect soonest.
    let mut fixing = false;
    if crew.plays(Role::Engineer) && now >= declared + fix_after {
        for (i, def) in s.faults.iter().enumerate() {
            let state = &faults.0[i];
            let Some(start) = state.started_tick else { continue };
            if state.ended_tick.is_some() || now < start + fix_after / 2 {
                continue;
            }
            let running = |a: usize| runs.0.iter().any(|r| r.action == a && !r.done);
            let wanted: Vec<usize> = if def.fix_needs_all {
                def.fixed_by
                    .iter()
                    .enumerate()
                    .filter(|&(j, &a)| state.fixes_done & (1 << j) == 0 && !running(a))
                    .map(|(_, &a)| a)
                    .collect()
            } else if def.fixed_by.iter().any(|&a| running(a)) {
                Vec::new()
            } else {
                def.fixed_by
                    .iter()
                    .copied()
                    .min_by_key(|&a| (s.actions[a].side_effect.is_some(), s.actions[a].delay_s, a))
                    .into_iter()
                    .collect()
            };
            for a in wanted {
                let cmd = SimCommand::RunAction(s.actions[a].id.clone());
                if !out.iter().any(|(_, c)| *c == cmd) {
                    out.push((bot(Role::Engineer), cmd));
                }
                fixing = true;
            }
        }
    }

    // The owner follows the fix through to resolution, and back if a fault
    // returns.
    if owner {
        let last_end = faults.0.iter().filter_map(|f| f.ended_tick).max();
        let running = fixing || runs.0.iter().any(|r| !r.done);
        let next = match incident.phase {
            Phase::Investigating if running => Some(Phase::Mitigating),
            Phase::Investigating | Phase::Identified | Phase::Mitigating if clear => Some(Phase::Monitoring),
            Phase::Monitoring | Phase::Resolved if !clear => Some(Phase::Mitigating),
            Phase::Monitoring if last_end.is_some_and(|t| now >= t + resolve_after) => Some(Phase::Resolved),
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

//! The facilitator's live controls: fire, skip, delay or edit an inject;
//! send an ad-hoc inject from any persona; start, worsen, spread or heal a
//! fault. Commands like any other, so they are logged and replayed.

use bevy_ecs::prelude::*;

use super::calls::{self, Desk};
use super::faults::{self, Faults};
use super::injects::{self, InjectBook};
use super::profiles::Effects;
use super::{Clock, CommandError, Plan, SimCommand, SimEvent};
use crate::protocol::FaultOp;

/// Longest delay, minutes.
pub const DELAY_MIN_MAX: u32 = 120;

fn inject_index(world: &World, id: &str) -> Result<usize, CommandError> {
    let s = &world.resource::<Plan>().0;
    s.injects.iter().position(|i| i.id == id).ok_or_else(|| CommandError::UnknownInject(id.to_string()))
}

fn not_fired(world: &World, i: usize) -> Result<(), CommandError> {
    let book = world.resource::<InjectBook>();
    if book.fired[i].is_some() { Err(CommandError::InjectFired) } else { Ok(()) }
}

fn inject_event(world: &World, i: usize) -> SimEvent {
    SimEvent::Inject(injects::view(&world.resource::<Plan>().0, world.resource::<InjectBook>(), i))
}

/// Applies a facilitator control command.
pub(crate) fn apply(world: &mut World, cmd: &SimCommand) -> Result<Vec<SimEvent>, CommandError> {
    let now = world.resource::<Clock>().tick;
    match cmd {
        SimCommand::TriggerInject(id) => {
            let i = inject_index(world, id)?;
            not_fired(world, i)?;
            let mut book = world.resource_mut::<InjectBook>();
            book.fired[i] = Some(now);
            book.skipped[i] = false;
            book.order.push(i);
            // The desk delivers it with the next tick, like any inject
            // that falls due, so it is delivered exactly once.
            Ok(vec![inject_event(world, i)])
        }
        SimCommand::SkipInject(id) => {
            let i = inject_index(world, id)?;
            not_fired(world, i)?;
            world.resource_mut::<InjectBook>().skipped[i] = true;
            Ok(vec![inject_event(world, i)])
        }
        SimCommand::DelayInject { inject, minutes } => {
            if *minutes == 0 || *minutes > DELAY_MIN_MAX {
                return Err(CommandError::BadDelay);
            }
            let i = inject_index(world, inject)?;
            not_fired(world, i)?;
            let mut book = world.resource_mut::<InjectBook>();
            book.not_before[i] = now + u64::from(*minutes) * 60;
            book.skipped[i] = false;
            Ok(vec![inject_event(world, i)])
        }
        SimCommand::EditInject { inject, text } => {
            let text = text.trim();
            if text.is_empty() {
                return Err(CommandError::EmptyText);
            }
            let i = inject_index(world, inject)?;
            not_fired(world, i)?;
            world.resource_mut::<InjectBook>().texts[i] = Some(text.to_string());
            Ok(vec![inject_event(world, i)])
        }
        SimCommand::AdHocInject { persona, medium, text } => {
            let text = text.trim().to_string();
            if text.is_empty() {
                return Err(CommandError::EmptyText);
            }
            let s = world.resource::<Plan>().0.clone();
            let p = s
                .personas
                .iter()
                .position(|p| &p.id == persona)
                .ok_or_else(|| CommandError::UnknownPersona(persona.clone()))?;
            let n = {
                let mut book = world.resource_mut::<InjectBook>();
                book.adhoc += 1;
                book.adhoc
            };
            let mut out = Vec::new();
            let mut desk = world.resource_mut::<Desk>();
            let id = format!("adhoc-{n}");
            let d = calls::Delivery { persona: p, medium: *medium, text: &text, inject: &id };
            calls::deliver(&s, &mut desk, now, d, &mut out);
            out.push(SimEvent::Inject(crate::protocol::InjectView {
                id,
                persona: s.personas[p].name.clone(),
                medium: *medium,
                text,
                due_tick: Some(now),
                fired_tick: Some(now),
                skipped: false,
                expect_role: None,
                expect_within_s: None,
                note: String::new(),
            }));
            Ok(out)
        }
        SimCommand::FaultControl { fault, op } => {
            let s = &world.resource::<Plan>().0;
            let i = s
                .faults
                .iter()
                .position(|f| &f.id == fault)
                .ok_or_else(|| CommandError::UnknownFault(fault.clone()))?;
            let (stages, spreads) = (s.faults[i].stages.len(), s.faults[i].spreads.len());
            let mut fs = world.resource_mut::<Faults>();
            let st = &mut fs.0[i];
            match op {
                FaultOp::Start => {
                    if st.started_tick.is_some() {
                        return Err(CommandError::FaultCannot("it has already started"));
                    }
                    st.started_tick = Some(now);
                    st.stage_origin = now;
                    st.active = true;
                }
                FaultOp::Worsen => {
                    if !st.open() || st.stage + st.boost_stage >= stages {
                        return Err(CommandError::FaultCannot("it has no further stage now"));
                    }
                    st.boost_stage += 1;
                    st.stage = (st.stage + 1).min(stages);
                }
                FaultOp::Spread => {
                    if !st.open() || st.spread + st.boost_spread >= spreads {
                        return Err(CommandError::FaultCannot("it has no further regions to spread to now"));
                    }
                    st.boost_spread += 1;
                    st.spread = (st.spread + 1).min(spreads);
                }
                FaultOp::Heal => {
                    if !st.open() {
                        return Err(CommandError::FaultCannot("it is not going on"));
                    }
                    st.ended_tick = Some(now);
                    st.active = false;
                }
            }
            let state = *st;
            world.resource_mut::<Effects>().dirty = true;
            let view = faults::view(&world.resource::<Plan>().0, i, &state);
            Ok(vec![SimEvent::Fault(view)])
        }
        _ => Err(CommandError::NotDesk),
    }
}

//! The response's state: declaration, phase, external notices, runbook
//! actions started. Changed only by commands, applied between ticks by
//! [`apply`], from people and bots alike.
//!
//! A published notice is read by the stores (`stores`), which is how
//! communication changes the world: informed stores get angry more slowly
//! and call less; an all-clear notice while stores still fail misleads
//! them.

use bevy_ecs::prelude::*;

use super::faults::{RunState, Runs, run_view};
use super::{Actor, Clock, Plan, SimCommand, SimEvent, faults};
use crate::protocol::{Notice, Phase};

/// The state of the response.
#[derive(Resource, Debug, Default)]
pub(crate) struct Incident {
    /// Current phase.
    pub phase: Phase,
    /// Tick of the declaration.
    pub declared_at: Option<u64>,
    /// Tick of the first time `resolved` was set.
    pub resolved_at: Option<u64>,
    /// Whether `resolved` was set while a fault was still active.
    pub resolved_prematurely: bool,
    /// Notices published, oldest first.
    pub notices: Vec<Notice>,
    /// Phases reached so far, one bit per phase.
    pub reached_phases: u8,
}

impl Incident {
    /// Whether the incident has been in this phase at some point.
    pub fn reached(&self, phase: Phase) -> bool {
        self.reached_phases & (1 << phase as u8) != 0
    }

    fn enter(&mut self, phase: Phase) {
        self.phase = phase;
        self.reached_phases |= 1 << phase as u8;
    }
}

/// Why a command could not be applied. Safe to show to the sender.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The emergency was already declared.
    #[error("the emergency was already declared")]
    AlreadyDeclared,
    /// The command needs a declared emergency.
    #[error("declare the emergency first")]
    NotDeclared,
    /// `normal` cannot be set by hand.
    #[error("the phase cannot go back to normal")]
    BadPhase,
    /// No action with this id.
    #[error("unknown runbook action \"{0}\"")]
    UnknownAction(String),
    /// The same action is already running.
    #[error("that action is already running")]
    AlreadyRunning,
    /// The notice text is empty.
    #[error("the notice text is empty")]
    EmptyNotice,
    /// No call with this id.
    #[error("unknown call {0}")]
    UnknownCall(u32),
    /// Someone already picked the call up, or it is over.
    #[error("that call is no longer waiting")]
    CallTaken,
    /// The call is over.
    #[error("that call is over")]
    CallClosed,
    /// The sender is neither the agent on the call nor its caller.
    #[error("that is not your call")]
    NotYourCall,
    /// The call is not in a state where this makes sense.
    #[error("the call is not in progress")]
    CallNotTalking,
    /// The agent already has a call.
    #[error("finish your current call first")]
    AlreadyOnCall,
    /// Nobody is waiting.
    #[error("no call is waiting")]
    QueueEmpty,
    /// The queue is full.
    #[error("the support line is busy; try again in a few minutes")]
    QueueFull,
    /// No client with this id.
    #[error("unknown corporate client")]
    UnknownClient,
    /// Another person already plays this client.
    #[error("someone else plays this client")]
    ClientPlayed,
    /// The text is empty.
    #[error("the text is empty")]
    EmptyText,
    /// No inject with this id.
    #[error("unknown inject \"{0}\"")]
    UnknownInject(String),
    /// The inject has already fired.
    #[error("that inject has already fired")]
    InjectFired,
    /// The delay is out of range.
    #[error("a delay is 1 to 120 minutes")]
    BadDelay,
    /// No persona with this id.
    #[error("unknown persona \"{0}\"")]
    UnknownPersona(String),
    /// No fault with this id.
    #[error("unknown fault \"{0}\"")]
    UnknownFault(String),
    /// The fault cannot do that now.
    #[error("the fault cannot do that: {0}")]
    FaultCannot(&'static str),
    /// Not a command this part of the world handles (a programming error).
    #[error("internal: command routed to the wrong place")]
    NotDesk,
}

pub(crate) fn init(world: &mut World) {
    world.insert_resource(Incident::default());
}

/// Applies one command to the world at the current tick.
pub(crate) fn apply(world: &mut World, actor: &Actor, cmd: &SimCommand) -> Result<Vec<SimEvent>, CommandError> {
    let tick = world.resource::<Clock>().tick;
    match cmd {
        SimCommand::Declare => {
            let mut inc = world.resource_mut::<Incident>();
            if inc.declared_at.is_some() {
                return Err(CommandError::AlreadyDeclared);
            }
            inc.declared_at = Some(tick);
            inc.enter(Phase::Investigating);
            Ok(vec![
                SimEvent::Declared { by: actor.name.clone() },
                SimEvent::PhaseChanged { phase: Phase::Investigating, by: actor.name.clone() },
            ])
        }
        SimCommand::SetPhase(phase) => {
            if *phase == Phase::Normal {
                return Err(CommandError::BadPhase);
            }
            let clear = faults::all_clear(world);
            let mut inc = world.resource_mut::<Incident>();
            if inc.declared_at.is_none() {
                return Err(CommandError::NotDeclared);
            }
            inc.enter(*phase);
            if *phase == Phase::Resolved && inc.resolved_at.is_none() {
                inc.resolved_at = Some(tick);
                inc.resolved_prematurely = !clear;
            }
            Ok(vec![SimEvent::PhaseChanged { phase: *phase, by: actor.name.clone() }])
        }
        SimCommand::RunAction(id) => {
            let plan = &world.resource::<Plan>().0;
            let Some(index) = plan.actions.iter().position(|a| &a.id == id) else {
                return Err(CommandError::UnknownAction(id.clone()));
            };
            let delay = plan.actions[index].delay_s;
            let label = plan.actions[index].label.clone();
            let runs = &world.resource::<Runs>().0;
            if runs.iter().any(|r| r.action == index && !r.done) {
                return Err(CommandError::AlreadyRunning);
            }
            let run = RunState {
                action: index,
                by: actor.name.clone(),
                started_tick: tick,
                effective_tick: tick + delay.max(1),
                done: false,
            };
            let view = run_view(&world.resource::<Plan>().0, &run);
            world.resource_mut::<Runs>().0.push(run);
            Ok(vec![SimEvent::Action { run: view, label }])
        }
        SimCommand::PublishNotice { status, text } => {
            if text.trim().is_empty() {
                return Err(CommandError::EmptyNotice);
            }
            let notice = Notice { status: *status, text: text.clone(), by: actor.name.clone(), tick };
            world.resource_mut::<Incident>().notices.push(notice.clone());
            Ok(vec![SimEvent::Notice(notice)])
        }
        _ => Err(CommandError::NotDesk),
    }
}

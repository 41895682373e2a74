//! What happened in a drill, as the review reads it: one flat, time-ordered
//! list of [`Entry`]s built either from the protocol events a replayed drill
//! task emitted ([`Recorder`]) or from the simulation's own events when bots
//! play a drill headless ([`from_sim_events`]). Everything the review
//! measures is computed from this list plus the replayed world, so the live
//! view, a replay and the command line agree.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::protocol::{
    ActionStage, Author, CallState, CallView, CapabilityRating, Channel, ComponentStatus, Disposition, Event,
    FaultView, Phase, PostBody, PulseResult, Role, SeatKind, Speaker,
};
use crate::sim::{Actor, Sim, SimEvent};

/// One thing that happened, with when and who.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Tick (drill second) it happened at.
    pub tick: u64,
    /// Display name of whoever did it; empty for the world itself.
    pub who: String,
    /// The role they acted in; `None` for the world or a facilitator.
    pub role: Option<Role>,
    /// What happened.
    pub what: What,
}

impl Entry {
    /// Whether a person or a bot of the team did this (not the world).
    pub fn by_team(&self) -> bool {
        !self.who.is_empty() && !matches!(self.what, What::Ended)
    }
}

/// The kinds of things the review keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum What {
    /// The first signal (first alert or first store deciding to call).
    FirstSignal,
    /// A monitoring alert fired.
    Alert {
        /// The service it watches.
        service: String,
        /// Its title.
        title: String,
    },
    /// A fault started, spread or changed (answer key).
    FaultStarted {
        /// The fault's id.
        fault: String,
        /// The failing service's id.
        service: String,
        /// The regions it hurts, by id.
        regions: Vec<String>,
    },
    /// A fault stopped (answer key): for good, or only until its next
    /// wave.
    FaultStopped {
        /// The fault's id.
        fault: String,
        /// Whether it is over for good (else it pauses between waves).
        #[serde(default)]
        ended: bool,
        /// Whether the team's fix ended it (not self-recovery or a
        /// facilitator's heal).
        #[serde(default)]
        fixed: bool,
    },
    /// An inject from the script fell due.
    InjectFired {
        /// The inject's id.
        inject: String,
        /// What it says.
        text: String,
    },
    /// The emergency was declared.
    Declared,
    /// The incident phase changed.
    Phase {
        /// The new phase.
        phase: Phase,
    },
    /// A runbook action was started.
    ActionStarted {
        /// The action's id.
        action: String,
        /// Its label.
        label: String,
    },
    /// A runbook action took effect.
    ActionDone {
        /// The action's id.
        action: String,
        /// Its label.
        label: String,
    },
    /// An external notice was published.
    Notice {
        /// The component status it announced.
        status: ComponentStatus,
        /// Its text.
        text: String,
    },
    /// A structured status report.
    StatusReport {
        /// What is affected, as stated.
        affected: String,
        /// Scope, as stated.
        scope: String,
        /// Impact, as stated.
        impact: String,
        /// Tick by which the next report was promised.
        next_update_tick: u64,
    },
    /// A hypothesis about the cause.
    Hypothesis {
        /// The hypothesis.
        text: String,
    },
    /// A chat message.
    Message {
        /// The channel.
        channel: Channel,
        /// The text.
        text: String,
    },
    /// An agent picked up a call.
    CallTaken {
        /// The call's id.
        call: u32,
        /// Who called.
        caller: String,
        /// The inject that placed it, if one did.
        inject: Option<String>,
        /// Seconds it waited.
        wait_s: u64,
    },
    /// An agent closed a call.
    CallEnded {
        /// The call's id.
        call: u32,
        /// How.
        disposition: Disposition,
    },
    /// A caller hung up before being helped.
    CallAbandoned {
        /// The call's id.
        call: u32,
        /// Who called.
        caller: String,
    },
    /// Sales answered a corporate client.
    ClientAnswered {
        /// The client's id.
        client: String,
        /// What sales wrote.
        text: String,
    },
    /// A corporate client escalated.
    ClientEscalated {
        /// The client's id.
        client: String,
    },
    /// A pulse question closed.
    Pulse {
        /// Its result.
        result: PulseResult,
    },
    /// The drill ended.
    Ended,
}

/// A facilitator's rating of one capability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// What was rated.
    pub capability: String,
    /// The rating on the P/S/M/U scale.
    pub rating: CapabilityRating,
    /// Why.
    pub comment: String,
    /// Who rated it.
    pub by: String,
    /// When (tick).
    pub tick: u64,
}

/// One item of the improvement plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Improvement {
    /// What should change.
    pub text: String,
    /// Who owns it.
    pub owner: String,
    /// Who added it.
    pub by: String,
    /// When (tick).
    pub tick: u64,
}

/// Turns a drill task's events into entries as they are emitted (the
/// task keeps one for the whole drill, so its end-of-drill score comes
/// from the same entries as the review of its log).
#[derive(Debug, Default)]
pub struct Recorder {
    /// Entries so far (world entries from the `Sim` are added by
    /// [`finish`]).
    out: Vec<Entry>,
    /// Every seat so far: display name and kind, by seat id.
    seats: BTreeMap<u32, (String, SeatKind)>,
    /// Fault state, to turn fault views into start/stop entries.
    faults: FaultTracker,
    /// Roles of whoever acted through the simulation (people and bots), by
    /// display name, as last seen.
    actors: BTreeMap<String, Role>,
}

impl Recorder {
    /// Notes who acted through the simulation, so bots get their role.
    pub fn actor(&mut self, actor: &Actor) {
        if let Some(role) = actor.role
            && !actor.name.is_empty()
        {
            self.actors.insert(actor.name.clone(), role);
        }
    }

    /// The entries so far (world entries from `sim` are added by
    /// [`finish`]).
    pub fn entries(&self) -> Vec<Entry> {
        self.out.clone()
    }

    /// Turns an event emitted at `tick` into entries. Presence, documents
    /// and pins do not show in the review; seat changes are kept to know
    /// who had which role.
    pub fn event(&mut self, tick: u64, event: &Event) {
        let Recorder { out, seats, faults, actors } = self;
        {
            let role_of = |name: &str, seats: &BTreeMap<u32, (String, SeatKind)>| -> Option<Role> {
                let seat = seats.values().rev().find(|(n, _)| n == name).map(|(_, k)| *k);
                match seat {
                    Some(SeatKind::Participant(r)) => Some(r),
                    Some(SeatKind::Facilitator) => None,
                    None => actors.get(name).copied(),
                }
            };
            let mut push = |who: &str, role: Option<Role>, what: What| {
                out.push(Entry { tick, who: who.to_string(), role, what });
            };
            match event {
                Event::SeatChanged { seat } => {
                    seats.insert(seat.id, (seat.name.clone(), seat.seat));
                }
                Event::Declared { by } => push(by, role_of(by, seats), What::Declared),
                Event::NoticePublished { notice } => push(
                    &notice.by,
                    role_of(&notice.by, seats),
                    What::Notice { status: notice.status, text: notice.text.clone() },
                ),
                Event::FaultChanged { fault } => {
                    if let Some(what) = faults.change(fault) {
                        push("", None, what);
                    }
                }
                Event::Ended { .. } => push("", None, What::Ended),
                Event::Posted { channel, post } => {
                    let (who, role) = match &post.author {
                        Author::Seat { name, seat, .. } => (
                            name.clone(),
                            match seat {
                                SeatKind::Participant(r) => Some(*r),
                                SeatKind::Facilitator => None,
                            },
                        ),
                        Author::HealthBot | Author::System | Author::Persona { .. } => (String::new(), None),
                    };
                    match &post.body {
                        PostBody::Text { text } if !who.is_empty() => {
                            push(&who, role, What::Message { channel: *channel, text: text.clone() });
                        }
                        // Sent to #sales and the war room: kept once.
                        PostBody::ClientEscalated { client, .. } if *channel != Channel::Sales => {
                            push("", None, What::ClientEscalated { client: client.clone() });
                        }
                        PostBody::StatusReport(r) => push(
                            &who,
                            role,
                            What::StatusReport {
                                affected: r.affected.clone(),
                                scope: r.scope.clone(),
                                impact: r.impact.clone(),
                                next_update_tick: r.next_update_tick,
                            },
                        ),
                        PostBody::Hypothesis { text, by } => {
                            push(by, role_of(by, seats), What::Hypothesis { text: text.clone() });
                        }
                        PostBody::PhaseChanged { phase, by } => {
                            push(by, role_of(by, seats), What::Phase { phase: *phase });
                        }
                        PostBody::Action { action, label, by, stage } => {
                            let (action, label) = (action.clone(), label.clone());
                            let what = match stage {
                                ActionStage::Started => What::ActionStarted { action, label },
                                ActionStage::Done => What::ActionDone { action, label },
                            };
                            push(by, role_of(by, seats), what);
                        }
                        // Health reports, kickoffs, notices (kept from their
                        // own event) and nudges are not reviewed.
                        _ => {}
                    }
                }
                Event::CallUpdated { call } => {
                    if let Some((who, what)) = call_entry(call) {
                        let role = if who.is_empty() { None } else { role_of(&who, seats) };
                        push(&who, role, what);
                    }
                }
                Event::ChatLine { client, line } if line.speaker == Speaker::Agent => {
                    let what = What::ClientAnswered { client: client.clone(), text: line.text.clone() };
                    push(&line.name, role_of(&line.name, seats).or(Some(Role::Sales)), what);
                }
                Event::PulseClosed { result } => {
                    // Closed results are sent again to everyone at the end.
                    let id = result.question.id;
                    let seen =
                        out.iter().any(|e| matches!(&e.what, What::Pulse { result } if result.question.id == id));
                    if !seen {
                        out.push(Entry {
                            tick,
                            who: String::new(),
                            role: None,
                            what: What::Pulse { result: (**result).clone() },
                        });
                    }
                }
                Event::ChannelOpened { .. }
                | Event::PhaseChanged { .. }
                | Event::ActionUpdated { .. }
                | Event::DocUpdated { .. }
                | Event::PinChanged { .. }
                | Event::Status { .. }
                | Event::RolePlanned { .. }
                | Event::RolesLocked { .. }
                | Event::CallLine { .. }
                | Event::ChatLine { .. }
                | Event::ChatUpdated { .. }
                | Event::InjectUpdated { .. }
                | Event::PulseAsked { .. } => {}
            }
        }
    }
}

/// The entry a call's change makes, with who made it (empty: the world).
fn call_entry(call: &CallView) -> Option<(String, What)> {
    match call.state {
        CallState::Talking => Some((
            call.agent_name.clone(),
            What::CallTaken {
                call: call.id,
                caller: call.caller.clone(),
                inject: call.inject.clone(),
                wait_s: call.answered_tick.unwrap_or(call.opened_tick).saturating_sub(call.opened_tick),
            },
        )),
        CallState::Ended => call
            .disposition
            .map(|disposition| (call.agent_name.clone(), What::CallEnded { call: call.id, disposition })),
        CallState::Abandoned => {
            Some((String::new(), What::CallAbandoned { call: call.id, caller: call.caller.clone() }))
        }
        CallState::Waiting | CallState::OnHold => None,
    }
}

/// Turns fault views into start/stop entries, once per change.
#[derive(Debug, Default)]
struct FaultTracker(BTreeMap<String, (bool, bool, Vec<String>)>);

impl FaultTracker {
    fn change(&mut self, f: &FaultView) -> Option<What> {
        let before = self.0.insert(f.id.clone(), (f.active, f.ended, f.regions.clone()));
        let same = before.as_ref().is_some_and(|(a, e, r)| *a == f.active && *e == f.ended && *r == f.regions);
        if same || (!f.active && before.is_none()) {
            return None;
        }
        Some(if f.active {
            What::FaultStarted { fault: f.id.clone(), service: f.service.clone(), regions: f.regions.clone() }
        } else {
            What::FaultStopped { fault: f.id.clone(), ended: f.ended, fixed: f.fixed }
        })
    }
}

/// Entries from the simulation's own events (a drill played headless by
/// bots, as `firedrill simulate` does), one step's events at `tick`.
pub fn from_sim_events(tick: u64, events: &[(Actor, SimEvent)], out: &mut Vec<Entry>, faults: &mut SimFaults) {
    for (actor, e) in events {
        let mut push = |who: &str, role: Option<Role>, what: What| {
            out.push(Entry { tick, who: who.to_string(), role, what });
        };
        match e {
            SimEvent::Declared { by } => push(by, actor.role, What::Declared),
            SimEvent::PhaseChanged { phase, by } => push(by, actor.role, What::Phase { phase: *phase }),
            SimEvent::Action { run, label } => {
                let (action, label) = (run.action.clone(), label.clone());
                let what =
                    if run.done { What::ActionDone { action, label } } else { What::ActionStarted { action, label } };
                // A fix taking effect is the world's doing, but it is
                // credited to whoever ran it.
                push(&run.by, actor.role.or(Some(Role::Engineer)), what);
            }
            SimEvent::Notice(n) => {
                push(&n.by, actor.role, What::Notice { status: n.status, text: n.text.clone() });
            }
            SimEvent::Fault(f) => {
                if let Some(what) = faults.0.change(f) {
                    push("", None, what);
                }
            }
            SimEvent::Call(call) => {
                if let Some((who, what)) = call_entry(call) {
                    let role = if who.is_empty() { None } else { actor.role };
                    push(&who, role, what);
                }
            }
            SimEvent::ChatLine { client, line, .. } if line.speaker == Speaker::Agent => {
                let what = What::ClientAnswered { client: client.clone(), text: line.text.clone() };
                push(&line.name, actor.role.or(Some(Role::Sales)), what);
            }
            SimEvent::Escalated { client, .. } => push("", None, What::ClientEscalated { client: client.clone() }),
            SimEvent::Health(_)
            | SimEvent::CallLine { .. }
            | SimEvent::Chat(_)
            | SimEvent::ChatLine { .. }
            | SimEvent::InjectPost { .. }
            | SimEvent::Inject(_) => {}
        }
    }
}

/// Fault state carried between steps by [`from_sim_events`].
#[derive(Default)]
pub struct SimFaults(FaultTracker);

/// Adds what the world itself did (first signal, alerts, injects) from the
/// replayed world, and sorts everything by tick (stable: within a tick, the
/// order things happened in is kept, the world's entries last).
pub fn finish(mut entries: Vec<Entry>, sim: &Sim) -> Vec<Entry> {
    if let Some(t) = sim.first_signal() {
        entries.push(Entry { tick: t, who: String::new(), role: None, what: What::FirstSignal });
    }
    for a in sim.alerts() {
        let what = What::Alert { service: a.service.clone(), title: a.title.clone() };
        entries.push(Entry { tick: a.fired_tick, who: String::new(), role: None, what });
    }
    let s = sim.scenario();
    for i in sim.fired_injects() {
        let text = s.injects.get(i.index).map(|x| x.text.clone()).unwrap_or_default();
        entries.push(Entry {
            tick: i.tick,
            who: String::new(),
            role: None,
            what: What::InjectFired { inject: i.id, text },
        });
    }
    entries.sort_by_key(|e| e.tick);
    entries
}

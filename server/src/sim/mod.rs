//! The simulated world: stores, guests and the company's services, in a
//! bevy_ecs `World`, advanced one tick (one drill second) at a time.
//!
//! This module is sans-IO. [`Sim::step`] takes no input but the world
//! itself and returns what happened; [`Sim::apply`] takes one command and
//! returns what it caused. The drill task (`drill`) drives it in real time;
//! `firedrill simulate` drives it as fast as it can; tests drive it directly.
//!
//! **Invariant:** nothing in `sim` awaits, reads the wall clock, touches a
//! socket, iterates a hash map, or draws from an unseeded RNG. Same scenario,
//! same seed and same commands at the same ticks give the same
//! [`Sim::state_hash`] at every tick.
//!
//! One module per concern, each registering its systems in one of the
//! chained [`TickSet`] phases: `faults` (timeline, runbook actions, and the
//! effects they have through `profiles`), `guests` (arrivals, ordering,
//! paying), `stores` (mood, paper, wanting to call), `metrics` (counters,
//! time series and the health bot), `clues` and `injects` (what engineers
//! find, what the script sends), `bots` (bot-played roles decide what to
//! do), and `incident` (the response's state and commands, applied between
//! ticks). `views` are the read-only shapes the screens get.

mod bots;
mod calls;
mod clues;
mod control;
mod faults;
mod guests;
mod hash;
mod incident;
mod injects;
mod metrics;
mod profiles;
mod score;
mod stores;
mod triggers;
mod views;

mod access;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

pub use bots::{BotSkill, Crew};
pub use calls::medium as medium_of;
pub use calls::{BOT_SEAT_BASE, DeskStats};
pub use control::DELAY_MIN_MAX;
pub use incident::CommandError;
pub use views::{
    AlertView, ClientState, DeployView, InjectFired, LogLine, MetricSeries, NoticeEffect, RegionPoint, RegionState,
    ServiceNow, ServicePoint, StoreMix, StoreView,
};

use crate::protocol::{
    ActionRun, ActionView, CallLine, CallView, ChatView, ComponentStatus, Disposition, FaultOp, FaultView,
    HealthReport, InjectView, Medium, Notice, Phase, Pulse, Role, Summary,
};
use crate::scenario::Scenario;

/// The phases of one tick, run in this order.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum TickSet {
    /// Faults start and stop; runbook actions take effect.
    Timeline,
    /// Guests arrive, order and pay.
    Guests,
    /// Stores' moods change; they go to paper or decide to call.
    Stores,
    /// Counters roll; the health bot posts.
    Metrics,
    /// Clues show; injects fall due.
    Clues,
    /// The support desk: calls ring, wait, are abandoned; clients write.
    Desk,
    /// Bot-played roles decide what to do next.
    Bots,
}

/// The simulation's clock. One tick is `limits::TICK_DRILL_SECONDS` drill
/// seconds; ticks only move forward.
#[derive(Resource, Debug, Clone, Copy)]
pub(crate) struct Clock {
    /// Ticks completed since the start.
    pub tick: u64,
    /// World time of day at tick 0, seconds after midnight.
    pub start_time_of_day_s: u32,
}

impl Clock {
    /// World time of day now, seconds after midnight (wraps at midnight).
    pub fn time_of_day_s(&self) -> u32 {
        let s = u64::from(self.start_time_of_day_s) + self.tick * crate::limits::TICK_DRILL_SECONDS;
        (s % 86_400) as u32
    }
}

/// The only source of randomness in the world, seeded from the drill's seed.
#[derive(Resource)]
pub(crate) struct SimRng(pub ChaCha8Rng);

/// The scenario, shared read-only with every system.
#[derive(Resource)]
pub(crate) struct Plan(pub Scenario);

/// What happened during a step or because of a command, for the drill to
/// turn into protocol events.
#[derive(Debug, Clone, PartialEq)]
pub enum SimEvent {
    /// The health bot posted a report in #ops.
    Health(HealthReport),
    /// The emergency was declared.
    Declared {
        /// Who declared.
        by: String,
    },
    /// The incident phase changed.
    PhaseChanged {
        /// The new phase.
        phase: Phase,
        /// Who set it.
        by: String,
    },
    /// A runbook action started or took effect.
    Action {
        /// Its state now.
        run: ActionRun,
        /// Its label, as written in the scenario.
        label: String,
    },
    /// An external notice was published.
    Notice(Notice),
    /// A fault started or was fixed (answer key).
    Fault(FaultView),
    /// A call came in or changed state (without its lines).
    Call(CallView),
    /// A line was said in a call.
    CallLine {
        /// The call.
        call: u32,
        /// Seat of the person playing the caller, if one does.
        caller_seat: Option<u32>,
        /// The line.
        line: CallLine,
    },
    /// A client's chat changed (without its lines).
    Chat(ChatView),
    /// A line was written in a client's chat.
    ChatLine {
        /// Client id.
        client: String,
        /// Seat of the person playing the client, if one does.
        client_seat: Option<u32>,
        /// The line.
        line: CallLine,
    },
    /// A client escalated (ignored too long, or misinformed).
    Escalated {
        /// Client id.
        client: String,
        /// Client name.
        name: String,
    },
    /// An inject to be posted in a channel (email, social, company chat).
    InjectPost {
        /// How it arrives.
        medium: Medium,
        /// Who sends it.
        persona: String,
        /// What it says.
        text: String,
    },
    /// An inject fired or the facilitator changed it.
    Inject(InjectView),
}

/// A command that changes the world, with who sent it.
#[derive(Debug, Clone, PartialEq)]
pub enum SimCommand {
    /// Declare the emergency.
    Declare,
    /// Set the incident phase.
    SetPhase(Phase),
    /// Run a runbook action by id.
    RunAction(String),
    /// Publish an external notice.
    PublishNotice {
        /// Component state announced.
        status: ComponentStatus,
        /// The text.
        text: String,
    },
    /// An agent picks up a call (the next one when `call` is `None`).
    TakeCall {
        /// The agent's seat.
        seat: u32,
        /// Which call.
        call: Option<u32>,
    },
    /// Say something in a call.
    CallSay {
        /// The speaker's seat.
        seat: u32,
        /// Which call.
        call: u32,
        /// What.
        text: String,
    },
    /// Put a call on hold or take it off hold.
    HoldCall {
        /// The agent's seat.
        seat: u32,
        /// Which call.
        call: u32,
        /// On hold or back.
        hold: bool,
    },
    /// Close a call.
    EndCall {
        /// The closing seat.
        seat: u32,
        /// Which call.
        call: u32,
        /// How.
        disposition: Disposition,
    },
    /// The support lead gives a waiting call to an agent.
    AssignCall {
        /// Which call.
        call: u32,
        /// The agent's seat.
        agent: u32,
        /// The agent's name.
        agent_name: String,
    },
    /// A person playing a store calls support.
    CallSupport {
        /// Their seat.
        seat: u32,
        /// How they introduce themselves.
        name: String,
        /// The opening line.
        text: String,
    },
    /// Write in a client's chat: as sales, or as the client.
    ChatSay {
        /// The writer's seat.
        seat: u32,
        /// Client id.
        client: String,
        /// What.
        text: String,
        /// Whether the writer speaks as the client.
        as_client: bool,
    },
    /// Fire an inject now.
    TriggerInject(String),
    /// Skip an inject.
    SkipInject(String),
    /// Hold an inject back.
    DelayInject {
        /// Inject id.
        inject: String,
        /// Minutes.
        minutes: u32,
    },
    /// Change an inject's text before it fires.
    EditInject {
        /// Inject id.
        inject: String,
        /// New text.
        text: String,
    },
    /// Send an inject written now.
    AdHocInject {
        /// Persona id.
        persona: String,
        /// How it arrives.
        medium: Medium,
        /// What it says.
        text: String,
    },
    /// Start, worsen, spread or heal a fault.
    FaultControl {
        /// Fault id.
        fault: String,
        /// What to do.
        op: FaultOp,
    },
}

/// A command a bot decided on, with the bot.
pub type Intent = (Actor, SimCommand);

/// Who sent a command: a display name and the role it was sent in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Display name (a person's, or a bot's).
    pub name: String,
    /// Role it acted in; `None` for a facilitator.
    pub role: Option<Role>,
}

/// Events produced inside systems, drained after each step.
#[derive(Resource, Default)]
pub(crate) struct Outbox(pub Vec<SimEvent>);

/// A running world.
pub struct Sim {
    world: World,
    schedule: Schedule,
}

impl Sim {
    /// Builds the world for a scenario and seed, with bots playing the roles
    /// in `crew`.
    pub fn new(scenario: &Scenario, seed: u64, crew: Crew) -> Sim {
        let mut world = World::new();
        world.insert_resource(Clock { tick: 0, start_time_of_day_s: scenario.start_time_of_day_s });
        world.insert_resource(SimRng(ChaCha8Rng::seed_from_u64(seed)));
        world.insert_resource(Outbox::default());
        world.insert_resource(crew);
        stores::spawn(&mut world, scenario, seed);
        faults::init(&mut world, scenario);
        metrics::init(&mut world, scenario);
        clues::init(&mut world, scenario);
        injects::init(&mut world, scenario.injects.len());
        incident::init(&mut world);
        calls::init(&mut world, scenario, seed);
        bots::init(&mut world);
        world.insert_resource(Plan(scenario.clone()));

        let mut schedule = Schedule::default();
        // Determinism: two systems that touch the same data must be ordered.
        schedule.set_build_settings(ScheduleBuildSettings {
            ambiguity_detection: LogLevel::Error,
            ..ScheduleBuildSettings::default()
        });
        schedule.configure_sets(
            (
                TickSet::Timeline,
                TickSet::Guests,
                TickSet::Stores,
                TickSet::Metrics,
                TickSet::Clues,
                TickSet::Desk,
                TickSet::Bots,
            )
                .chain(),
        );
        faults::register(&mut schedule);
        guests::register(&mut schedule);
        stores::register(&mut schedule);
        metrics::register(&mut schedule);
        clues::register(&mut schedule);
        injects::register(&mut schedule);
        calls::register(&mut schedule);
        bots::register(&mut schedule);
        if let Err(e) = schedule.initialize(&mut world) {
            // Only a programming error (an unordered pair of systems) gets here.
            panic!("simulation schedule is invalid: {e}");
        }
        Sim { world, schedule }
    }

    /// Ticks completed so far.
    pub fn tick(&self) -> u64 {
        self.world.resource::<Clock>().tick
    }

    /// Advances the world by one tick and returns what happened, and the
    /// commands the bots decided on during the tick, unapplied. The drill
    /// runs each through the same checks as a person's command; a replay
    /// steps the same world and so gets the same intents again, which is
    /// why they are never stored.
    pub fn step_with_intents(&mut self) -> (Vec<(Actor, SimEvent)>, Vec<Intent>) {
        self.world.resource_mut::<Clock>().tick += 1;
        self.schedule.run(&mut self.world);
        let system = Actor { name: String::new(), role: None };
        let out: Vec<(Actor, SimEvent)> = std::mem::take(&mut self.world.resource_mut::<Outbox>().0)
            .into_iter()
            .map(|e| (system.clone(), e))
            .collect();
        (out, bots::take_intents(&mut self.world))
    }

    /// Advances the world by one tick and returns what happened, including
    /// the effects of the bots' commands, applied directly (headless runs
    /// where bots play every role, so no person's approval can be due).
    pub fn step(&mut self) -> Vec<(Actor, SimEvent)> {
        let (mut out, intents) = self.step_with_intents();
        for (actor, cmd) in intents {
            // A bot's intent can be overtaken by a person's command in the
            // same tick (e.g. someone declared first); that is not an error
            // worth reporting.
            if let Ok(events) = self.apply(&actor, &cmd) {
                out.extend(events.into_iter().map(|e| (actor.clone(), e)));
            }
        }
        out
    }

    /// Applies a command between ticks.
    pub fn apply(&mut self, actor: &Actor, cmd: &SimCommand) -> Result<Vec<SimEvent>, CommandError> {
        match cmd {
            SimCommand::Declare
            | SimCommand::SetPhase(_)
            | SimCommand::RunAction(_)
            | SimCommand::PublishNotice { .. } => incident::apply(&mut self.world, actor, cmd),
            SimCommand::TakeCall { .. }
            | SimCommand::CallSay { .. }
            | SimCommand::HoldCall { .. }
            | SimCommand::EndCall { .. }
            | SimCommand::AssignCall { .. }
            | SimCommand::CallSupport { .. }
            | SimCommand::ChatSay { .. } => calls::apply(&mut self.world, actor, cmd),
            SimCommand::TriggerInject(_)
            | SimCommand::SkipInject(_)
            | SimCommand::DelayInject { .. }
            | SimCommand::EditInject { .. }
            | SimCommand::AdHocInject { .. }
            | SimCommand::FaultControl { .. } => control::apply(&mut self.world, cmd),
        }
    }

    /// Calls for the support desk's screens: every open call and the
    /// `ended_max` latest closed ones, oldest first, with their lines.
    pub fn calls(&self, ended_max: usize) -> Vec<CallView> {
        let desk = self.world.resource::<calls::Desk>();
        let s = &self.world.resource::<Plan>().0;
        let closed: Vec<u32> =
            (0..desk.calls.len() as u32).rev().filter(|i| !desk.live.contains(i)).take(ended_max).collect();
        let mut ids: Vec<u32> = desk.live.iter().copied().chain(closed).collect();
        ids.sort_unstable();
        ids.into_iter().filter_map(|i| desk.view(s, i, true, calls::call_mood(&self.world, i))).collect()
    }

    /// Calls the person in `seat` took as the agent, with their lines: the
    /// open ones and the latest `ended_max` closed ones, by id.
    pub fn calls_taken_by(&self, seat: u32, ended_max: usize) -> Vec<CallView> {
        let desk = self.world.resource::<calls::Desk>();
        let s = &self.world.resource::<Plan>().0;
        let mut closed = 0;
        let mut ids: Vec<u32> = (0..desk.calls.len() as u32)
            .rev()
            .filter(|&i| desk.calls[i as usize].agent == Some(seat))
            .filter(|i| {
                desk.live.contains(i) || {
                    closed += 1;
                    closed <= ended_max
                }
            })
            .collect();
        ids.reverse();
        ids.into_iter().filter_map(|i| desk.view(s, i, true, calls::call_mood(&self.world, i))).collect()
    }

    /// The desk's queue: how many calls wait, since when, by mood, and the
    /// `shown_max` longest-waiting ones.
    pub fn desk_queue(&self, shown_max: usize) -> crate::protocol::DeskQueue {
        let desk = self.world.resource::<calls::Desk>();
        let s = &self.world.resource::<Plan>().0;
        let mut q = crate::protocol::DeskQueue {
            waiting: 0,
            oldest_tick: None,
            moods: crate::protocol::MoodCounts::default(),
            calls: Vec::new(),
        };
        // Open calls by id, which is the order they came in.
        for &i in &desk.live {
            let c = &desk.calls[i as usize];
            if c.state != crate::protocol::CallState::Waiting {
                continue;
            }
            let mood = calls::call_mood(&self.world, i);
            q.waiting += 1;
            q.oldest_tick.get_or_insert(c.opened);
            match mood {
                crate::protocol::CallerMood::Calm => q.moods.calm += 1,
                crate::protocol::CallerMood::Upset => q.moods.upset += 1,
                crate::protocol::CallerMood::Angry => q.moods.angry += 1,
            }
            if q.calls.len() < shown_max {
                q.calls.push(crate::protocol::QueuedCall {
                    id: i,
                    caller: c.label.clone(),
                    region: c.region.and_then(|r| s.regions.get(r)).map(|r| r.id.clone()),
                    opened_tick: c.opened,
                    mood,
                });
            }
        }
        q
    }

    /// Calls placed by the person in `seat`, with their lines.
    pub fn calls_of(&self, seat: u32) -> Vec<CallView> {
        let desk = self.world.resource::<calls::Desk>();
        let s = &self.world.resource::<Plan>().0;
        (0..desk.calls.len() as u32)
            .filter(|&i| desk.calls[i as usize].caller == calls::Caller::Seat(seat))
            .filter_map(|i| desk.view(s, i, true, calls::call_mood(&self.world, i)))
            .collect()
    }

    /// One call, with its lines.
    pub fn call(&self, id: u32) -> Option<CallView> {
        let s = &self.world.resource::<Plan>().0;
        self.world.resource::<calls::Desk>().view(s, id, true, calls::call_mood(&self.world, id))
    }

    /// The agent on call `id` (a person's seat or a bot's id), once someone
    /// picked it up.
    pub fn call_agent(&self, id: u32) -> Option<u32> {
        self.world.resource::<calls::Desk>().calls.get(id as usize).and_then(|c| c.agent)
    }

    /// A seat stopped playing an outside actor: its client goes back to
    /// the bot, its open call ends. Changes the world: call it only while
    /// applying a recorded command, so replays repeat it.
    pub fn release_seat(&mut self, seat: u32) -> Vec<SimEvent> {
        calls::release_seat(&mut self.world, seat)
    }

    /// Every corporate client's chat, with its lines.
    pub fn chats(&self) -> Vec<ChatView> {
        let desk = self.world.resource::<calls::Desk>();
        let s = &self.world.resource::<Plan>().0;
        (0..desk.chats.len()).filter_map(|i| desk.chat_view(s, i, true)).collect()
    }

    /// The support desk's totals.
    pub fn desk_stats(&self) -> DeskStats {
        self.world.resource::<calls::Desk>().stats
    }

    /// Every inject, for the facilitator's timeline.
    pub fn injects(&self) -> Vec<InjectView> {
        injects::views(&self.world)
    }

    /// Sets which roles bots play from now on (a person took a seat or left).
    pub fn set_crew(&mut self, crew: Crew) {
        self.world.insert_resource(crew);
    }

    /// The live clock and metrics (status and speed are the drill's, so the
    /// caller fills them in).
    pub fn pulse(&self) -> Pulse {
        metrics::pulse(&self.world)
    }

    /// The latest health report, for snapshots.
    pub fn health(&self) -> HealthReport {
        metrics::report(&self.world, false)
    }

    /// The incident's phase.
    pub fn phase(&self) -> Phase {
        self.world.resource::<incident::Incident>().phase
    }

    /// Tick of the declaration.
    pub fn declared_at(&self) -> Option<u64> {
        self.world.resource::<incident::Incident>().declared_at
    }

    /// External notices so far.
    pub fn notices(&self) -> Vec<Notice> {
        self.world.resource::<incident::Incident>().notices.clone()
    }

    /// Runbook actions started so far.
    pub fn actions_run(&self) -> Vec<ActionRun> {
        faults::runs(&self.world)
    }

    /// Runbook actions available.
    pub fn actions(&self) -> Vec<ActionView> {
        let s = &self.world.resource::<Plan>().0;
        s.actions
            .iter()
            .map(|a| ActionView {
                id: a.id.clone(),
                label: a.label.clone(),
                service: s.services[a.service].id.clone(),
                delay_s: a.delay_s,
                risky: a.side_effect.is_some(),
            })
            .collect()
    }

    /// The answer key.
    pub fn faults(&self) -> Vec<FaultView> {
        faults::views(&self.world)
    }

    /// Whether every fault that has started is fixed and none is pending.
    pub fn all_clear(&self) -> bool {
        faults::all_clear(&self.world)
    }

    /// A hash of everything that makes the world what it is. Stable across
    /// runs, platforms and compiler versions.
    pub fn state_hash(&mut self) -> u64 {
        hash::state_hash(&mut self.world)
    }

    /// The results as of now, with the score the review's objectives gave
    /// (`review::summary` is the one caller: the score has one rulebook).
    pub fn summary(&mut self, seed: u64, score: u32, score_parts: Vec<crate::protocol::ScorePart>) -> Summary {
        let hash = self.state_hash();
        score::summary(&self.world, seed, hash, score, score_parts)
    }

    /// The scenario this world was built from.
    pub fn scenario(&self) -> &Scenario {
        &self.world.resource::<Plan>().0
    }

    /// Tick of the first signal (the first health alert or the first store
    /// deciding to call support).
    pub fn first_signal(&self) -> Option<u64> {
        metrics::first_signal(&self.world)
    }

    /// Number of stores in the world; store indices run from 0 to this.
    pub fn store_count(&self) -> u32 {
        self.world.resource::<stores::StoreOrder>().0.len() as u32
    }

    /// One store, by index.
    pub fn store(&self, index: u32) -> Option<StoreView> {
        access::store(&self.world, index)
    }

    /// Stores that want to call support now, longest-waiting first (then by
    /// index), at most `max`.
    pub fn stores_wanting_to_call(&self, max: usize) -> Vec<u32> {
        access::stores_wanting_to_call(&self.world, max)
    }

    /// Stores that posted on social media since `since_tick`, by index.
    pub fn stores_posting(&self, since_tick: u64) -> Vec<u32> {
        access::stores_posting(&self.world, since_tick)
    }

    /// Every region now, in scenario order.
    pub fn region_states(&self) -> Vec<RegionState> {
        access::region_states(&self.world)
    }

    /// Every corporate client now, in scenario order.
    pub fn client_states(&self) -> Vec<ClientState> {
        access::client_states(&self.world)
    }

    /// One region's per-minute series (empty for an unknown region).
    pub fn region_series(&self, region: usize) -> Vec<RegionPoint> {
        access::region_series(&self.world, region)
    }

    /// One service's per-minute series, whole world (empty for an unknown
    /// service).
    pub fn service_series(&self, service: usize) -> Vec<ServicePoint> {
        access::service_series(&self.world, service)
    }

    /// Every service in every region over the last minute.
    pub fn services_now(&self) -> Vec<ServiceNow> {
        access::services_now(&self.world)
    }

    /// Log lines after `since_tick`, optionally of one service (by id), the
    /// latest `limit` of them, oldest first.
    pub fn logs(&self, service: Option<&str>, since_tick: u64, limit: usize) -> Vec<LogLine> {
        access::logs(&self.world, service, since_tick, limit)
    }

    /// Monitoring alerts fired so far, in order.
    pub fn alerts(&self) -> Vec<AlertView> {
        access::alerts(&self.world)
    }

    /// The deploy history up to now, in time order.
    pub fn deploys(&self) -> Vec<DeployView> {
        access::deploys(&self.world)
    }

    /// The version each service runs now, in scenario order.
    pub fn versions(&self) -> Vec<(String, String)> {
        access::versions(&self.world)
    }

    /// Metric clues, with one value per completed minute.
    pub fn clue_metrics(&self) -> Vec<MetricSeries> {
        access::clue_metrics(&self.world)
    }

    /// Injects that are due, in the order they fell due.
    pub fn fired_injects(&self) -> Vec<InjectFired> {
        access::fired_injects(&self.world)
    }

    /// What published notices do to the stores now.
    pub fn published_notice_effect(&self) -> NoticeEffect {
        access::published_notice_effect(&self.world)
    }

    /// A support agent answered a store's call: it is informed for a while
    /// and calmer. Returns false for an unknown store. Changes the world:
    /// call it only while applying a recorded command, so replays repeat it.
    pub fn answer_call(&mut self, store: u32) -> bool {
        let now = self.tick();
        stores::answer_call(&mut self.world, store, now)
    }

    /// Sales briefed a corporate client (by id): every store it owns is
    /// informed for a while. Returns how many stores that reached, `None`
    /// for an unknown client. Changes the world: call it only while applying
    /// a recorded command, so replays repeat it.
    pub fn brief_client(&mut self, client: &str) -> Option<u32> {
        let now = self.tick();
        let index = self.scenario().clients.iter().position(|c| c.id == client)?;
        Some(stores::brief_client(&mut self.world, index as u32, now))
    }
}

/// Runs a whole scenario headless with bots in every role, as
/// `firedrill simulate` does. Bounded by the scenario's duration.
pub fn simulate(scenario: &Scenario, seed: u64, skill: BotSkill) -> Summary {
    crate::review::simulate_summary(scenario, seed, skill)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        crate::scenario::parse(include_str!("../../../scenarios/lunch-peak-pos-outage.toml"))
            .unwrap_or_else(|p| panic!("{p:?}"))
    }

    #[test]
    fn same_seed_same_world_other_seed_other_world() {
        let s = scenario();
        let a = simulate(&s, 7, BotSkill::Good);
        let b = simulate(&s, 7, BotSkill::Good);
        let c = simulate(&s, 8, BotSkill::Good);
        assert_eq!(a, b);
        assert_ne!(a.state_hash, c.state_hash);
    }

    #[test]
    fn the_fault_costs_money_and_a_good_response_costs_less() {
        let s = scenario();
        let none = simulate(&s, 3, BotSkill::None);
        let good = simulate(&s, 3, BotSkill::Good);
        assert!(none.lost_revenue > 0);
        assert!(good.lost_revenue < none.lost_revenue, "good {} none {}", good.lost_revenue, none.lost_revenue);
        assert!(good.score > none.score);
        assert!(good.declared_at_s.is_some() && good.resolved_at_s.is_some() && good.mitigated_at_s.is_some());
        assert_eq!(none.declared_at_s, None);
    }

    #[test]
    fn health_posts_show_the_fault() {
        let s = scenario();
        let mut sim = Sim::new(&s, 1, Crew::nobody());
        let mut alerts = Vec::new();
        for _ in 0..(10 * 60) {
            for (_, e) in sim.step() {
                if let SimEvent::Health(h) = e
                    && h.alert
                {
                    alerts.push((sim.tick(), h));
                }
            }
        }
        let (tick, first) = alerts.first().unwrap_or_else(|| panic!("no alert in 10 minutes"));
        assert!(*tick >= 180, "alert before the fault at {tick}");
        let kanto = &first.regions[0];
        assert!(kanto.payment_success_ppm < 950_000, "{first:?}");
        assert!(first.regions[1].payment_success_ppm > 990_000, "{first:?}");
    }

    #[test]
    fn the_right_action_fixes_the_fault_after_its_delay() {
        let s = scenario();
        let mut sim = Sim::new(&s, 1, Crew::nobody());
        while sim.tick() < 240 {
            sim.step();
        }
        assert!(!sim.all_clear());
        let eng = Actor { name: "Eng".into(), role: Some(Role::Engineer) };
        let started = sim.apply(&eng, &SimCommand::RunAction("rollback-payments".into()));
        assert!(started.is_ok(), "{started:?}");
        while sim.tick() < 240 + 179 {
            sim.step();
        }
        assert!(!sim.all_clear());
        sim.step();
        assert!(sim.all_clear());
    }
}

//! The drill task: one per drill, the only owner of its world.
//!
//! It drains its inbox (seats, connections, commands), advances the
//! simulation in real time at the drill's speed, turns what happened into
//! protocol events, numbers them, keeps the recent ones for resume, and
//! fans each one out as one shared [`Frame`] to every connection allowed
//! to see it. A connection whose outbound queue is full is dropped at once
//! (it resumes later); nobody waits for it.
//!
//! **Invariant:** commands are applied between ticks, in arrival order, and
//! every event gets the next `seq`; a client that has seen `seq` n has seen
//! every event before n that its seat may see.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, MissedTickBehavior};
use tracing::Instrument;

use super::status_page::StatusPage;
use super::{ConnId, Frame, Input, encode_msg};
use crate::limits;
use crate::metrics::METRICS;
use crate::protocol::{
    ActionStage, Alert, Answer, Author, Bots, Channel, ChannelView, Command, Deploy, DocView, DrillInfo, DrillStatus,
    ErrorCode, Event, LogEntry, Medium, MetricPanel, NamedId, Phase, Pin, PlannedRole, Post, PostBody, Query, Refusal,
    RegionMinute, RegionPanel, Role, SeatKind, SeatView, ServerMsg, ServiceMinute, ServicePanel, Snapshot,
    StatusReport, Summary, authorize, command_name,
};
use crate::scenario::{Scenario, Team};
use crate::sim::{Actor, BotSkill, Crew, Sim, SimCommand, SimEvent};
use crate::store::{DrillLog, LogRecord, LoggedInput, Store, StoreError, Unfinished};

/// Real milliseconds between two checks of whether ticks are due.
const WAKE_INTERVAL_MS: u64 = 20;

/// Most ticks simulated in one wake, so that a stalled task catches up in
/// bounded slices and keeps serving its inbox.
const TICKS_PER_WAKE_MAX: u64 = 500;

/// Most inputs taken from the inbox before their batch is committed and its
/// output released (group commit).
const INPUTS_PER_BATCH_MAX: usize = 256;

/// Ticks between two writes of the tick reached when nothing else is logged.
const TICKS_PER_CHECKPOINT: u64 = 10;

/// Who may see an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    /// Every seat, outside actors included.
    All,
    /// Seats inside the company, and facilitators.
    Internal,
    /// Facilitators only (the answer key).
    Facilitators,
    /// One call: those who watch the whole desk (the support lead,
    /// observers, facilitators), the agent on the call and the person
    /// playing the caller, if any. Support agents not on the call hear of
    /// the queue through `desk_queue` instead of every ring.
    Desk {
        /// Seat of the person playing the caller.
        caller: Option<u32>,
        /// Seat of the agent on the call.
        agent: Option<u32>,
    },
    /// Sales' client chats (sales, the incident owner, observers,
    /// facilitators), the person who took the client over from its bot
    /// (its `client_seat`), if one did, and every corporate actor whose
    /// character is this client (by its index in the scenario).
    Sales(Option<u32>, Option<usize>),
    /// Outside actors only: the outside actors' copy of an event whose
    /// inside copy goes to [`Audience::Internal`] with the same seq.
    Outside,
    /// Presence and joins of a seat without a lead role: only those who
    /// manage the roster (facilitators, the incident owner, the support
    /// lead), so that a join costs a handful of frames, not one per person
    /// already in.
    Roster,
}

/// Who reads a channel: its posts and its pins go to them.
fn channel_audience(channel: Channel) -> Audience {
    match channel {
        Channel::Facilitators => Audience::Facilitators,
        Channel::Social => Audience::All,
        Channel::Ops | Channel::IncidentWarRoom | Channel::Support | Channel::External | Channel::Sales => {
            Audience::Internal
        }
    }
}

/// Whether a seat manages the roster and so sees every seat change.
fn roster_watcher(seat: SeatKind) -> bool {
    matches!(seat, SeatKind::Facilitator | SeatKind::Participant(Role::IncidentOwner | Role::SupportLead))
}

/// Whether everyone inside should know who holds this seat.
fn lead_seat(seat: SeatKind) -> bool {
    matches!(
        seat,
        SeatKind::Facilitator | SeatKind::Participant(Role::IncidentOwner | Role::CommsLead | Role::SupportLead)
    )
}

/// Who hears of a change to this seat's presence.
fn presence_audience(seat: SeatKind) -> Audience {
    if lead_seat(seat) { Audience::Internal } else { Audience::Roster }
}

/// Whether a seat sees every call of the desk (and so needs no
/// `desk_queue`).
fn desk_watcher(seat: SeatKind) -> bool {
    matches!(seat, SeatKind::Facilitator | SeatKind::Participant(Role::SupportLead | Role::Observer))
}

/// Whether seat `id` of this kind, playing corporate client `plays` (its
/// character's client, for a corporate actor), receives an event for this
/// audience.
fn sees(id: u32, seat: SeatKind, plays: Option<usize>, audience: Audience) -> bool {
    match (seat, audience) {
        (_, Audience::Roster) => roster_watcher(seat),
        (_, Audience::Outside) => matches!(seat, SeatKind::Participant(role) if !role.is_internal()),
        (_, Audience::Desk { caller, agent }) => desk_watcher(seat) || caller == Some(id) || agent == Some(id),
        (SeatKind::Participant(role), Audience::Sales(client_seat, client)) => {
            matches!(role, Role::Sales | Role::IncidentOwner | Role::Observer)
                || client_seat == Some(id)
                || (role == Role::CorporateActor && client.is_some() && plays == client)
        }
        (SeatKind::Facilitator, _) => true,
        (SeatKind::Participant(_), Audience::All) => true,
        (SeatKind::Participant(role), Audience::Internal) => role.is_internal(),
        (SeatKind::Participant(_), Audience::Facilitators) => false,
    }
}

struct Seat {
    view: SeatView,
    /// Highest accepted command id, for applying a resent command once.
    last_cid: u64,
    /// Recently refused command ids (below `last_cid` once a later command
    /// was accepted), with their refusal.
    refused: VecDeque<(u64, ErrorCode, String)>,
    /// Seq of the last change of this seat's kind: a client that saw less
    /// than this must get a fresh snapshot, not a resume.
    kind_changed_seq: u64,
    conns: u32,
    /// The character an outside actor plays; `None` for every other seat.
    plays: Option<Plays>,
}

/// The character an outside actor's seat plays, given by the drill when
/// the seat gets its role: the least played one of its kind, the first in
/// the scenario's order among equals. It depends only on the seats and
/// their roles, so a replay gives every seat the same character again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plays {
    /// A store persona (its index in the scenario's personas).
    Store(usize),
    /// A corporate client (its index in the scenario's clients).
    Client(usize),
}

impl Seat {
    /// Whether this seat receives an event for this audience.
    fn sees(&self, audience: Audience) -> bool {
        sees(self.view.id, self.view.seat, self.plays_client(), audience)
    }

    /// Whether this seat is an outside actor (a store or a corporate client).
    fn outside(&self) -> bool {
        matches!(self.view.seat, SeatKind::Participant(role) if !role.is_internal())
    }

    /// The corporate client this seat plays, if it plays one.
    fn plays_client(&self) -> Option<usize> {
        match self.plays {
            Some(Plays::Client(i)) => Some(i),
            Some(Plays::Store(_)) | None => None,
        }
    }
}

struct Conn {
    id: ConnId,
    seat: u32,
    out: mpsc::Sender<Frame>,
    /// The last event seq this connection got through its welcome or
    /// resume; held events up to it are not sent again.
    from_seq: u64,
}

struct Logged {
    seq: u64,
    audience: Audience,
    frame: Frame,
}

/// Output waiting for the inputs that caused it to be committed.
enum Held {
    /// An event (with its seq) for everyone who may see it.
    Event(u64, Audience, Frame),
    /// A reply to one connection.
    Reply(ConnId, Frame),
    /// A pulse for every connection: the whole one for seats inside, the
    /// clock alone for outside actors.
    Pulse(Frame, Frame),
    /// The desk's queue, for every connection of a support agent.
    DeskQueue(Frame),
    /// The answer to a request for a seat: a join is answered only once
    /// the seat is stored, so that a token handed out survives a restart.
    Seat(oneshot::Sender<Result<(u32, SeatKind), ErrorCode>>, Result<(u32, SeatKind), ErrorCode>),
}

/// The drill's database refuses writes: since when, and when to try again.
#[derive(Debug, Clone, Copy)]
struct Outage {
    since: Instant,
    next_try: Instant,
    /// The wait before `next_try`, doubled after each refusal.
    wait_ms: u64,
}

struct DrillTask {
    info: DrillInfo,
    seed: u64,
    sim: Sim,
    status: DrillStatus,
    speed: u32,
    /// Real instant and tick from which due ticks are counted.
    anchor: Option<(Instant, u64)>,
    seats: Vec<Seat>,
    conns: Vec<Conn>,
    channels: BTreeMap<Channel, VecDeque<Post>>,
    /// Pinned posts per channel, in the order pinned, each kept whole (a
    /// pin outlives the trimming of its channel's posts).
    pins: BTreeMap<Channel, Vec<Pin>>,
    log: VecDeque<Logged>,
    seq: u64,
    summary: Option<Summary>,
    /// Where inputs are persisted; `None` runs the drill in memory only.
    store: Option<Arc<dyn DrillLog>>,
    /// Set while the store refuses writes: output stays held, commands
    /// are refused, the clock stands still.
    outage: Option<Outage>,
    /// Inputs applied but not yet committed.
    pending: Vec<LogRecord>,
    /// Tick last written to the store.
    checkpoint_tick: u64,
    /// Output held until `pending` is committed.
    held: Vec<Held>,
    /// Rebuilding from the log: nothing is logged or sent.
    replaying: bool,
    /// Makes whoever joins with it a facilitator.
    facilitator_code: String,
    /// Who plays the response roles nobody holds.
    bots: Bots,
    /// Roles planned by name, in the order they were planned.
    planned: Vec<PlannedRole>,
    /// Plans (indexes into `planned`) for a lead role that someone has
    /// joined with: while the roles are locked, nobody else gets them.
    claimed: Vec<usize>,
    /// Whether lead roles are kept for the people planned for them.
    roles_locked: bool,
    /// Seats whose role changed in the command being applied.
    resync_queue: Vec<u32>,
    /// Shared documents, by id (created by the declaration).
    docs: BTreeMap<String, DocView>,
    /// Tick by which the owner promised the next status report, and
    /// whether they were already nudged for it.
    report_due: Option<(u64, bool)>,
    /// Risky actions waiting for the owner's approval: action id, and the
    /// engineer who asked (a person or a bot).
    approvals: BTreeMap<String, Actor>,
    /// Pulse questions asked so far.
    pulses: super::pulse::Pulses,
    /// The desk's queue as last sent to the support agents (`None`: send
    /// it at the next check whatever it is).
    desk_queue_sent: Option<crate::protocol::DeskQueue>,
    /// Whether the drill's result is stored (the store stays open after
    /// the end: ratings and the improvement plan come later).
    result_stored: bool,
    /// Turns events into the after-action review's entries, for the whole
    /// drill: its end-of-drill score comes from them.
    recorder: Option<crate::review::Recorder>,
    /// Facilitators' capability ratings, in the order given.
    ratings: Vec<crate::review::Rating>,
    /// The improvement plan, in the order written.
    improvements: Vec<crate::review::Improvement>,
    /// Real time each notice went out (milliseconds since the Unix epoch),
    /// in publishing order; logged, so a restart keeps it.
    notice_wall_ms: Vec<u64>,
    /// The public status page, shared with the HTTP API (see
    /// [`super::status_page`]); replaced, never edited in place.
    status_page: watch::Sender<Arc<StatusPage>>,
    /// The status page changed and is shared once what changed it is
    /// stored (see [`Self::publish_status_page`]).
    status_page_due: bool,
}

/// A drill task's inbox and the public status page it keeps up to date.
pub(super) type Started = (mpsc::Sender<Input>, watch::Receiver<Arc<StatusPage>>);

/// Starts the task for a new drill and returns its inbox and status page.
pub(super) fn spawn(
    id: String,
    join_code: String,
    scenario: Scenario,
    seed: u64,
    bots: Bots,
    facilitator_code: String,
    store: Option<Store>,
) -> Started {
    let store = store.map(|s| Arc::new(s) as Arc<dyn DrillLog>);
    spawn_logged(id, join_code, scenario, seed, bots, facilitator_code, store)
}

/// Starts the task for a new drill writing to any drill log (the store, or
/// in tests one that fails).
fn spawn_logged(
    id: String,
    join_code: String,
    scenario: Scenario,
    seed: u64,
    bots: Bots,
    facilitator_code: String,
    store: Option<Arc<dyn DrillLog>>,
) -> Started {
    let (tx, rx) = mpsc::channel(limits::DRILL_INBOX_LEN_MAX);
    let span = tracing::info_span!("drill", id = %id);
    let mut task = DrillTask::new(id, join_code, &scenario, seed, bots, store);
    task.facilitator_code = facilitator_code;
    let page = task.status_page.subscribe();
    tokio::spawn(task.run(rx).instrument(span));
    (tx, page)
}

/// Rebuilds a drill from its log after a restart, starts its task, and
/// returns its inbox and status page, and every seat's token hash (by
/// seat id).
pub(super) fn restore(u: Unfinished, scenario: Scenario, store: Store) -> (Started, Vec<String>) {
    let span = tracing::info_span!("drill", id = %u.drill.id);
    let mut task = DrillTask::new(
        u.drill.id.clone(),
        u.drill.join_code.clone(),
        &scenario,
        u.drill.seed,
        u.drill.bots,
        Some(Arc::new(store)),
    );
    task.facilitator_code = u.drill.facilitator_code.clone();
    let hashes = span.in_scope(|| task.replay(&u));
    let page = task.status_page.subscribe();
    let (tx, rx) = mpsc::channel(limits::DRILL_INBOX_LEN_MAX);
    tokio::spawn(task.run(rx).instrument(span));
    ((tx, page), hashes)
}

/// Replays a stored drill headless, with no store and no connections, and
/// returns its summary as of the last tick stored (ending it there if the
/// log did not). Same log, same summary, same state hash.
pub fn replay_summary(u: &Unfinished, scenario: &Scenario) -> Summary {
    let mut task = DrillTask::new(u.drill.id.clone(), String::new(), scenario, u.drill.seed, u.drill.bots, None);
    task.replay(u);
    match task.summary.take() {
        Some(s) => s,
        None => task.scored_summary(false),
    }
}

/// Replays a stored drill headless up to `tick` (at most as far as its log
/// goes) and returns the drill as it was then, as a seat in `role` saw it
/// (an observer sees every channel but the facilitators' private one, the
/// desk and the client chats), with the answer key if `answer_key`.
/// Returns the tick reached and the snapshot.
pub fn replay_at(u: &Unfinished, scenario: &Scenario, tick: u64, role: Role, answer_key: bool) -> (u64, Snapshot) {
    let mut task = DrillTask::new(u.drill.id.clone(), String::new(), scenario, u.drill.seed, u.drill.bots, None);
    task.apply_log(u, tick.min(u.tick));
    let mut snapshot = task.snapshot(u32::MAX, SeatKind::Participant(role));
    snapshot.answer_key = answer_key.then(|| task.sim.faults());
    snapshot.drill.join_code = String::new();
    (task.sim.tick(), snapshot)
}

/// Replays a stored drill headless, as [`replay_summary`] does, and
/// returns its public status page as of the last tick stored (for drills
/// that ended before pages were kept with their result).
pub fn replay_status_page(u: &Unfinished, scenario: &Scenario) -> StatusPage {
    let mut task = DrillTask::new(u.drill.id.clone(), String::new(), scenario, u.drill.seed, u.drill.bots, None);
    task.replay(u);
    task.build_status_page()
}

/// Replays a stored drill headless, as [`replay_summary`] does, and
/// returns what the after-action review is computed from.
pub fn replay_for_review(u: &Unfinished, scenario: &Scenario) -> crate::review::Replayed {
    let mut task = DrillTask::new(u.drill.id.clone(), String::new(), scenario, u.drill.seed, u.drill.bots, None);
    task.replay(u);
    let summary = match task.summary.take() {
        Some(s) => s,
        None => task.scored_summary(false),
    };
    let entries = task.recorder.take().map(|r| r.entries()).unwrap_or_default();
    crate::review::Replayed {
        drill: Some(u.drill.id.clone()),
        seed: task.seed,
        ended: task.status == DrillStatus::Ended,
        summary,
        entries,
        ratings: task.ratings,
        improvements: task.improvements,
        sim: task.sim,
    }
}

/// What playing a team file left: what the review is computed from, the
/// public status page at the end, and each command the drill refused, as
/// the index of the command in [`Team::commands`] and the drill's message.
pub struct TeamRun {
    /// The review's input (the drill ended at the scenario's duration).
    pub replayed: crate::review::Replayed,
    /// The public status page at the end.
    pub status_page: StatusPage,
    /// Refused commands: index in the team's timeline, and why.
    pub refused: Vec<(usize, String)>,
}

/// Plays a team file headless: one seat per role it holds (and a
/// facilitator, who starts the drill), each command sent at its tick as
/// that seat's client would send it, through the drill's own command path
/// (`authorize`, the text checks, the owner's approval of a risky action,
/// the documents and status reports); roles it does not hold go to bots of
/// its `bots` skill, or to nobody. Same scenario, seed and file, same drill.
pub fn play_team(scenario: &Scenario, seed: u64, team: &Team) -> TeamRun {
    let mut task = DrillTask::new("team".into(), String::new(), scenario, seed, team.bots, None);
    // Nothing is sent or stored: the same mode as a replay of a log.
    task.replaying = true;
    let _ = task.add_seat("Facilitator".into(), Some(SeatKind::Facilitator), String::new());
    let mut seat_of = BTreeMap::new();
    for &role in &team.roles {
        let name = format!("{} (team)", crate::review::role_name(role));
        if let Ok((id, _)) = task.add_seat(name, Some(SeatKind::Participant(role)), String::new()) {
            seat_of.insert(role, id);
        }
    }
    let mut cid = 1;
    task.command(0, 0, cid, Command::Start {});
    let mut refused = Vec::new();
    for (i, c) in team.commands.iter().enumerate() {
        task.step_to(c.tick);
        if task.status == DrillStatus::Ended {
            break;
        }
        let Some(&seat) = seat_of.get(&c.role) else { continue };
        let mut cmd = c.command.clone();
        if c.current_call {
            // The call this seat is on now, as the person's screen shows it.
            let mine =
                task.sim.calls(0).into_iter().find(|v| v.agent == Some(seat) && v.ended_tick.is_none()).map(|v| v.id);
            let Some(id) = mine else {
                refused.push((i, "this seat is on no call".to_string()));
                continue;
            };
            match &mut cmd {
                Command::CallSay { call, .. } | Command::HoldCall { call, .. } | Command::EndCall { call, .. } => {
                    *call = id;
                }
                _ => {}
            }
        }
        cid += 1;
        task.command(seat, 0, cid, cmd);
        if let Some((_, _, message)) = task.seats.get(seat as usize).and_then(|s| s.refused.iter().find(|r| r.0 == cid))
        {
            refused.push((i, message.clone()));
        }
    }
    task.step_to(scenario.duration_s / limits::TICK_DRILL_SECONDS);
    let summary = match task.summary.take() {
        Some(s) => s,
        None => task.scored_summary(true),
    };
    let status_page = task.build_status_page();
    let entries = task.recorder.take().map(|r| r.entries()).unwrap_or_default();
    TeamRun {
        replayed: crate::review::Replayed {
            drill: None,
            seed: task.seed,
            ended: task.status == DrillStatus::Ended,
            summary,
            entries,
            ratings: task.ratings,
            improvements: task.improvements,
            sim: task.sim,
        },
        status_page,
        refused,
    }
}

impl DrillTask {
    fn new(
        id: String,
        join_code: String,
        s: &Scenario,
        seed: u64,
        bots: Bots,
        store: Option<Arc<dyn DrillLog>>,
    ) -> DrillTask {
        let info = DrillInfo {
            id,
            scenario: s.id.clone(),
            title: s.title.clone(),
            summary: s.summary.clone(),
            language: s.language.clone(),
            start_time_of_day_s: s.start_time_of_day_s,
            duration_s: s.duration_s,
            join_code,
            regions: s.regions.iter().map(|r| NamedId { id: r.id.clone(), name: r.name.clone() }).collect(),
            services: s.services.iter().map(|r| NamedId { id: r.id.clone(), name: r.name.clone() }).collect(),
        };
        let (status_page, _) = watch::channel(Arc::new(StatusPage::empty(&info.id, &info.language)));
        let mut channels = BTreeMap::new();
        channels.insert(Channel::Ops, VecDeque::new());
        channels.insert(Channel::Facilitators, VecDeque::new());
        channels.insert(Channel::Social, VecDeque::new());
        DrillTask {
            info,
            seed,
            sim: Sim::new(s, seed, crew(bots, &[])),
            bots,
            status: DrillStatus::Lobby,
            speed: s.time_scale,
            anchor: None,
            seats: Vec::new(),
            conns: Vec::new(),
            channels,
            pins: BTreeMap::new(),
            log: VecDeque::new(),
            seq: 0,
            summary: None,
            store,
            outage: None,
            pending: Vec::new(),
            checkpoint_tick: 0,
            held: Vec::new(),
            replaying: false,
            facilitator_code: String::new(),
            planned: Vec::new(),
            claimed: Vec::new(),
            roles_locked: false,
            resync_queue: Vec::new(),
            docs: BTreeMap::new(),
            report_due: None,
            approvals: BTreeMap::new(),
            pulses: super::pulse::Pulses::default(),
            desk_queue_sent: None,
            result_stored: false,
            recorder: Some(crate::review::Recorder::default()),
            ratings: Vec::new(),
            improvements: Vec::new(),
            notice_wall_ms: Vec::new(),
            status_page,
            status_page_due: false,
        }
    }

    /// Applies a stored log: the same inputs at the same ticks give the same
    /// world, channels and event numbers. Then every seat is offline (the
    /// connections died with the old process) and a running drill goes on
    /// from where it was.
    fn replay(&mut self, u: &Unfinished) -> Vec<String> {
        let hashes = self.apply_log(u, u.tick);
        self.checkpoint_tick = self.sim.tick();
        self.held.clear();
        self.replaying = false;
        // The connections died with the old process. Marking each seat
        // offline with an event would put every returning client a
        // thousand events behind (and so a full welcome each); instead the
        // seats go offline silently, and those who see everyone's presence
        // get a fresh welcome when they come back.
        let seq = self.seq;
        for s in &mut self.seats {
            s.view.online = false;
            if roster_watcher(s.view.seat) {
                s.kind_changed_seq = seq + 1;
            }
        }
        if self.status == DrillStatus::Running {
            self.anchor = Some((now(), self.sim.tick()));
        }
        // Everything replayed is stored already.
        self.share_status_page();
        tracing::info!(inputs = u.log.len(), tick = self.sim.tick(), seq = self.seq, "drill restored from its log");
        hashes
    }

    /// Applies the stored inputs up to `until` (ticks) with nothing logged
    /// or sent, and steps the world to `until`; returns every seat's token
    /// hash met on the way.
    fn apply_log(&mut self, u: &Unfinished, until: u64) -> Vec<String> {
        self.replaying = true;
        let mut hashes = Vec::new();
        for rec in u.log.iter().take_while(|r| r.tick <= until) {
            self.step_to(rec.tick);
            match &rec.input {
                LoggedInput::AddSeat { name, seat, token_hash } => {
                    hashes.push(token_hash.clone());
                    let _ = self.add_seat(name.clone(), Some(*seat), token_hash.clone());
                }
                LoggedInput::Online { seat } => self.set_online_flag(*seat, true),
                LoggedInput::Offline { seat } => self.set_online_flag(*seat, false),
                LoggedInput::Command { seat, cid, cmd } => self.command(*seat, 0, *cid, cmd.clone()),
                LoggedInput::NoticeWallTime { wall_ms } => self.notice_wall_ms.push(*wall_ms),
            }
        }
        self.step_to(until);
        hashes
    }

    /// Steps the world until `tick` (replay only).
    fn step_to(&mut self, tick: u64) {
        while self.sim.tick() < tick && self.status != DrillStatus::Ended {
            self.step_once();
        }
    }

    async fn run(mut self, mut rx: mpsc::Receiver<Input>) {
        tracing::info!(scenario = %self.info.scenario, seed = self.seed, "drill created");
        let mut wake = tokio::time::interval(Duration::from_millis(WAKE_INTERVAL_MS));
        wake.set_missed_tick_behavior(MissedTickBehavior::Skip);
        let mut pulse = tokio::time::interval(Duration::from_millis(limits::PULSE_INTERVAL_MS));
        pulse.set_missed_tick_behavior(MissedTickBehavior::Skip);
        let mut desk_queue = tokio::time::interval(Duration::from_millis(limits::DESK_QUEUE_INTERVAL_MS));
        desk_queue.set_missed_tick_behavior(MissedTickBehavior::Skip);
        METRICS.drills.add(1);
        // Once ended and nobody is connected, the task leaves memory after
        // a while (its results are in the store).
        let mut idle_since: Option<Instant> = None;
        loop {
            let linger = match idle_since {
                Some(t) if self.status == DrillStatus::Ended && self.conns.is_empty() => {
                    Some(t + Duration::from_secs(limits::ENDED_DRILL_LINGER_S))
                }
                _ => None,
            };
            tokio::select! {
                input = rx.recv() => match input {
                    Some(input) => {
                        self.handle(input);
                        // Group commit: take what else is waiting, then
                        // commit once for the whole batch.
                        for _ in 1..INPUTS_PER_BATCH_MAX {
                            let Ok(more) = rx.try_recv() else { break };
                            self.handle(more);
                        }
                    }
                    None => break,
                },
                _ = wake.tick(), if self.status == DrillStatus::Running => self.advance(),
                _ = pulse.tick(), if !self.conns.is_empty() => self.send_pulse(),
                _ = desk_queue.tick(), if !self.conns.is_empty() => self.send_desk_queue(),
                _ = sleep_until_some(self.outage.map(|o| o.next_try)) => {}
                _ = sleep_until_some(linger) => break,
            }
            self.flush().await;
            if let Some(o) = self.outage
                && now().duration_since(o.since) >= Duration::from_secs(limits::STORE_OUTAGE_MAX_S)
            {
                self.stop_for_outage();
                // The inbox closes first, so that each connection, seeing
                // its queue end, can tell the drill stopped.
                drop(rx);
                self.conns.clear();
                break;
            }
            if self.status == DrillStatus::Ended && self.conns.is_empty() {
                idle_since.get_or_insert_with(now);
            } else {
                idle_since = None;
            }
        }
        METRICS.drills.add(-1);
        tracing::info!("drill task stopped");
    }

    /// Commits pending inputs, then releases the output they caused. An
    /// input is acknowledged only once it is stored: while the store
    /// refuses, everything stays held (see [`Self::commit`]).
    async fn flush(&mut self) {
        if !self.commit().await {
            return;
        }
        if self.status_page_due {
            self.share_status_page();
        }
        let mut slow = Vec::new();
        let mut sent = 0u64;
        for h in std::mem::take(&mut self.held) {
            match h {
                Held::Event(seq, audience, frame) => {
                    for c in self.conns.iter().filter(|c| c.from_seq < seq) {
                        if self.seats.get(c.seat as usize).is_some_and(|s| s.sees(audience)) {
                            match c.out.try_send(frame.clone()) {
                                Ok(()) => sent += 1,
                                Err(_) => slow.push(c.id),
                            }
                        }
                    }
                }
                Held::Pulse(inside, outside) => {
                    for c in &self.conns {
                        let outsider = self.seats.get(c.seat as usize).is_none_or(Seat::outside);
                        let frame = if outsider { &outside } else { &inside };
                        match c.out.try_send(frame.clone()) {
                            Ok(()) => sent += 1,
                            Err(_) => slow.push(c.id),
                        }
                    }
                }
                Held::DeskQueue(frame) => {
                    let agent = SeatKind::Participant(Role::SupportAgent);
                    for c in self
                        .conns
                        .iter()
                        .filter(|c| self.seats.get(c.seat as usize).is_some_and(|s| s.view.seat == agent))
                    {
                        match c.out.try_send(frame.clone()) {
                            Ok(()) => sent += 1,
                            Err(_) => slow.push(c.id),
                        }
                    }
                }
                Held::Reply(conn, frame) => {
                    if let Some(c) = self.conns.iter().find(|c| c.id == conn) {
                        match c.out.try_send(frame) {
                            Ok(()) => sent += 1,
                            Err(_) => slow.push(conn),
                        }
                    }
                }
                Held::Seat(reply, result) => {
                    // The caller may have given up; nothing to do then.
                    let _ = reply.send(result);
                }
            }
        }
        if sent > 0 {
            METRICS.messages_out.add(sent);
            let depth = self.conns.iter().map(|c| c.out.max_capacity() - c.out.capacity()).max().unwrap_or(0);
            METRICS.outbound_queue_depth_max.set(depth as i64);
        }
        slow.sort_unstable();
        slow.dedup();
        for id in slow {
            self.drop_conn(id);
        }
        if !self.held.is_empty() {
            // Dropping a connection emitted presence events; send them too.
            Box::pin(self.flush()).await;
        }
    }

    /// Stores what is pending (and, once the drill has ended, its
    /// result); `true` when everything is stored and the held output may
    /// go out. A refused write keeps the inputs pending and the output
    /// held, and is tried again with a growing wait.
    async fn commit(&mut self) -> bool {
        let Some(store) = self.store.clone() else {
            self.pending.clear();
            return true;
        };
        if self.outage.is_some_and(|o| now() < o.next_try) {
            return false;
        }
        let tick = self.sim.tick();
        // Events caused by ticks must be reproducible before anyone sees
        // them: a restart replays to the stored tick, so store it first.
        let tick_events = tick > self.checkpoint_tick && self.held.iter().any(|h| matches!(h, Held::Event(..)));
        let due = !self.pending.is_empty() || tick_events || tick >= self.checkpoint_tick + TICKS_PER_CHECKPOINT;
        if due {
            let records: Arc<[LogRecord]> = std::mem::take(&mut self.pending).into();
            if let Err(e) = store.append(&self.info.id, tick, records.clone()).await {
                // One transaction: nothing of the batch was stored.
                self.pending = records.to_vec();
                self.store_refused(&e, "could not store drill inputs");
                return false;
            }
            self.checkpoint_tick = tick;
        }
        if let Some(summary) = self.summary.clone().filter(|_| self.status == DrillStatus::Ended && !self.result_stored)
        {
            if let Err(e) = store.finish(&self.info.id, summary).await {
                self.store_refused(&e, "could not store the drill's result");
                return false;
            }
            // The public page outlives the task: keep its final state.
            let page = self.build_status_page();
            match serde_json::to_string(&page) {
                Ok(json) => {
                    if let Err(e) = store.save_status_page(&self.info.id, json).await {
                        self.store_refused(&e, "could not store the drill's status page");
                        return false;
                    }
                }
                Err(e) => tracing::error!(error = %e, "could not serialize the drill's status page"),
            }
            self.result_stored = true;
        }
        if self.outage.take().is_some() {
            tracing::warn!("the store takes writes again; the drill goes on");
            // The clock stood still while nothing could be stored.
            if self.status == DrillStatus::Running {
                self.anchor = Some((now(), self.sim.tick()));
            }
            self.send_now(&encode_msg(&ServerMsg::StoreStatus { writable: true }));
        }
        true
    }

    /// Notes a refused write: the first starts an outage (every connection
    /// is told), later ones wait longer before the next try.
    fn store_refused(&mut self, e: &StoreError, what: &str) {
        let t = now();
        match &mut self.outage {
            Some(o) => {
                o.wait_ms = (o.wait_ms * 2).min(limits::STORE_RETRY_MAX_MS);
                o.next_try = t + Duration::from_millis(o.wait_ms);
                tracing::warn!(error = %e, wait_ms = o.wait_ms, "{what}; trying again");
            }
            None => {
                let wait_ms = limits::STORE_RETRY_FIRST_MS;
                self.outage = Some(Outage { since: t, next_try: t + Duration::from_millis(wait_ms), wait_ms });
                METRICS.store_outages.inc();
                tracing::error!(error = %e, "{what}; holding output and refusing commands until it works again");
                self.send_now(&encode_msg(&ServerMsg::StoreStatus { writable: false }));
            }
        }
    }

    /// The store refused for longer than the drill may wait: tell every
    /// connection why before they are closed. What was stored stays, and
    /// the drill is restored from it when the server starts again.
    fn stop_for_outage(&mut self) {
        tracing::error!(
            pending = self.pending.len(),
            held = self.held.len(),
            "the store refused writes for too long; stopping the drill (it is restored from what was stored on the next start)"
        );
        let message = format!(
            "the drill stopped: its database refused writes for {} s. Nothing acknowledged is lost; \
             the drill comes back from what was saved when the server restarts with a working database",
            limits::STORE_OUTAGE_MAX_S
        );
        self.send_now(&encode_msg(&ServerMsg::Error { code: ErrorCode::StoreUnavailable, message, cid: None }));
    }

    /// Sends a frame to every connection at once, outside the held output
    /// (it is about the drill's saving, not an effect of an input).
    fn send_now(&mut self, frame: &Frame) {
        if self.replaying {
            return;
        }
        let slow: Vec<ConnId> =
            self.conns.iter().filter(|c| c.out.try_send(frame.clone()).is_err()).map(|c| c.id).collect();
        for id in slow {
            self.drop_conn(id);
        }
    }

    fn log_input(&mut self, input: LoggedInput) {
        if !self.replaying {
            self.pending.push(LogRecord { tick: self.sim.tick(), input });
        }
    }

    fn handle(&mut self, input: Input) {
        match input {
            Input::AddSeat { reply, .. } if self.outage.is_some() => {
                let _ = reply.send(Err(ErrorCode::StoreUnavailable));
            }
            Input::AddSeat { name, seat, token_hash, reply } => {
                let result = self.add_seat(name, seat, token_hash);
                self.held.push(Held::Seat(reply, result));
            }
            Input::Connect { seat, conn, last_seq, out } => {
                if self.outage.is_some() {
                    // The welcome waits with the rest of the output.
                    let _ = out.try_send(encode_msg(&ServerMsg::StoreStatus { writable: false }));
                }
                self.connect(seat, conn, last_seq, out);
            }
            Input::Command { conn, cid, .. } if self.outage.is_some() => {
                // Refused at once, and not remembered: once the store works
                // again, the same command with the same cid is applied.
                let message = "the drill cannot save right now; nothing changed. Send it again in a moment".to_string();
                let frame =
                    encode_msg(&ServerMsg::Error { code: ErrorCode::StoreUnavailable, message, cid: Some(cid) });
                if let Some(c) = self.conns.iter().find(|c| c.id == conn)
                    && c.out.try_send(frame).is_err()
                {
                    self.drop_conn(conn);
                }
            }
            Input::Command { seat, conn, cid, cmd } => self.command(seat, conn, cid, cmd),
            Input::Disconnect { seat, conn } => self.disconnect(seat, conn),
        }
    }

    // --- seats and connections -------------------------------------------

    fn add_seat(
        &mut self,
        name: String,
        seat: Option<SeatKind>,
        token_hash: String,
    ) -> Result<(u32, SeatKind), ErrorCode> {
        if self.status == DrillStatus::Ended {
            return Err(ErrorCode::WrongState);
        }
        if self.seats.len() >= limits::SEATS_PER_DRILL_MAX {
            return Err(ErrorCode::Full);
        }
        let id = self.seats.len() as u32;
        // A planned role wins over the one picked in the lobby, except a
        // lead role someone has already joined with while the roles are
        // locked: a name is no secret.
        let plan = self
            .planned_role(&name)
            .filter(|(i, role)| !(self.roles_locked && role.is_lead() && self.claimed.contains(i)));
        let seat = match (seat, plan) {
            (Some(SeatKind::Facilitator), _) => SeatKind::Facilitator,
            (_, Some((i, role))) => {
                if role.is_lead() {
                    self.claimed.push(i);
                }
                SeatKind::Participant(role)
            }
            (Some(seat), None) => seat,
            (None, None) => return Err(ErrorCode::InvalidValue),
        };
        // Locked: the join code opens no lead role but through a plan. (What
        // the log replays was let in once.)
        if self.roles_locked
            && !self.replaying
            && plan.is_none()
            && matches!(seat, SeatKind::Participant(r) if r.is_lead())
        {
            return Err(ErrorCode::Forbidden);
        }
        let view = SeatView { id, name, seat, online: false };
        self.log_input(LoggedInput::AddSeat { name: view.name.clone(), seat, token_hash });
        let plays = self.pick_character(seat, id);
        self.seats.push(Seat {
            view: view.clone(),
            last_cid: 0,
            refused: VecDeque::new(),
            kind_changed_seq: 0,
            conns: 0,
            plays,
        });
        self.update_crew();
        self.emit(presence_audience(seat), Event::SeatChanged { seat: view });
        Ok((id, seat))
    }

    /// The character seat `id` plays in this seat kind: for an outside
    /// actor, the least played one of its kind by the other seats (the
    /// first in the scenario's order among equals); `None` for the others,
    /// and when the scenario has none of that kind.
    fn pick_character(&self, kind: SeatKind, id: u32) -> Option<Plays> {
        let SeatKind::Participant(role) = kind else { return None };
        let played = |c: Plays| self.seats.iter().filter(|s| s.view.id != id && s.plays == Some(c)).count();
        characters(self.sim.scenario(), role).into_iter().min_by_key(|&c| played(c))
    }

    /// The latest plan for this name: its index and role.
    fn planned_role(&self, name: &str) -> Option<(usize, Role)> {
        let key = name.trim().to_lowercase();
        self.planned
            .iter()
            .enumerate()
            .rev()
            .find(|(_, p)| p.name.trim().to_lowercase() == key)
            .map(|(i, p)| (i, p.role))
    }

    fn connect(&mut self, seat: u32, conn: ConnId, last_seq: Option<u64>, out: mpsc::Sender<Frame>) {
        let Some(s) = self.seats.get(seat as usize) else { return };
        let kind = s.view.seat;
        let you = s.view.clone();
        let last_cid = s.last_cid;
        let changed = s.kind_changed_seq;
        let oldest = self.log.front().map_or(self.seq + 1, |l| l.seq);
        // Resume only if the client holds everything since `last_seq` and its
        // seat is still what it was then (what it may see depends on it).
        let resumable = |l: &u64| *l <= self.seq && *l + 1 >= oldest && *l >= changed;
        let missed: Option<Vec<Frame>> = last_seq.filter(resumable).map(|last| {
            self.log.iter().filter(|l| l.seq > last && s.sees(l.audience)).map(|l| l.frame.clone()).collect()
        });
        // Catching up must fit in the outbound queue with room to spare;
        // further behind than that, a snapshot is smaller.
        let missed = missed.filter(|m| m.len() <= limits::RESUME_REPLAY_EVENTS_MAX);
        if self.conns.len() >= limits::CONNECTIONS_PER_DRILL_MAX {
            let message = "this drill has as many connections as it can take; try again later".to_string();
            // Sent directly: this connection is never registered, and
            // dropping `out` afterwards closes it.
            let _ = out.try_send(encode_msg(&ServerMsg::Error { code: ErrorCode::Full, message, cid: None }));
            return;
        }
        self.conns.push(Conn { id: conn, seat, out, from_seq: self.seq });
        match missed {
            Some(missed) => {
                self.reply(conn, &ServerMsg::Resumed { you, last_cid, replayed: missed.len() as u64 });
                for frame in missed {
                    self.held.push(Held::Reply(conn, frame));
                }
                if kind == SeatKind::Participant(Role::SupportAgent) {
                    let q = self.sim.desk_queue(limits::DESK_QUEUE_CALLS_MAX);
                    self.reply(conn, &ServerMsg::DeskQueue(q));
                }
            }
            None => {
                let snapshot = Box::new(self.snapshot(seat, kind));
                self.reply(conn, &ServerMsg::Welcome { v: crate::protocol::PROTOCOL_VERSION, you, last_cid, snapshot });
            }
        }
        let outside = self.seats.get(seat as usize).is_none_or(Seat::outside);
        let (inside_pulse, outside_pulse) = self.pulse_frames();
        self.held.push(Held::Reply(conn, if outside { outside_pulse } else { inside_pulse }));
        if kind == SeatKind::Participant(Role::SupportAgent) {
            // This agent has the queue as it is now, which may differ from
            // what the others were last sent: the next check sends it
            // whatever it is, so nobody keeps a queue that changed back.
            self.desk_queue_sent = None;
        }
        self.set_online(seat, 1);
    }

    fn disconnect(&mut self, seat: u32, conn: ConnId) {
        let before = self.conns.len();
        self.conns.retain(|c| c.id != conn);
        if self.conns.len() < before {
            self.set_online(seat, -1);
        }
    }

    fn set_online(&mut self, seat: u32, delta: i32) {
        let Some(s) = self.seats.get_mut(seat as usize) else { return };
        s.conns = s.conns.saturating_add_signed(delta);
        let online = s.conns > 0;
        if online != s.view.online {
            self.set_online_flag(seat, online);
        }
    }

    /// Presence changes are inputs too: they are numbered events, so a
    /// replay must reproduce them to reproduce the numbering.
    fn set_online_flag(&mut self, seat: u32, online: bool) {
        let Some(s) = self.seats.get_mut(seat as usize) else { return };
        s.view.online = online;
        let view = s.view.clone();
        self.log_input(if online { LoggedInput::Online { seat } } else { LoggedInput::Offline { seat } });
        self.emit(presence_audience(view.seat), Event::SeatChanged { seat: view });
    }

    // --- commands --------------------------------------------------------

    fn command(&mut self, seat: u32, conn: ConnId, cid: u64, cmd: Command) {
        if conn != 0 && !self.conns.iter().any(|c| c.id == conn) {
            // A connection that was refused (or dropped) has no say.
            return;
        }
        let Some(s) = self.seats.get(seat as usize) else { return };
        let kind = s.view.seat;
        if cid == 0 {
            let message = "command ids start at 1".to_string();
            self.reply(conn, &ServerMsg::Error { code: ErrorCode::InvalidValue, message, cid: Some(cid) });
            return;
        }
        if cid <= s.last_cid {
            // A resend after a reconnect: answer as the first time, and do
            // not apply it again.
            let reply = match s.refused.iter().find(|r| r.0 == cid) {
                Some((_, code, message)) => ServerMsg::Error { code: *code, message: message.clone(), cid: Some(cid) },
                None => ServerMsg::Ack { cid },
            };
            self.reply(conn, &reply);
            return;
        }
        // A new command id may not leap far ahead: one huge `cid` would
        // otherwise leave no greater one, and lock the seat for good. What
        // the log replays (conn 0) was accepted once and stays accepted.
        if conn != 0 && (cid > limits::CID_MAX || cid - s.last_cid > limits::CID_STEP_MAX) {
            let message = format!(
                "a new command id must be above last_cid ({}) by at most {} and at most {}",
                s.last_cid,
                limits::CID_STEP_MAX,
                limits::CID_MAX
            );
            self.reply(conn, &ServerMsg::Error { code: ErrorCode::InvalidValue, message, cid: Some(cid) });
            return;
        }
        let allowed = authorize(kind, self.status, &cmd).map_err(|d| match d {
            crate::protocol::Denied::Role => (ErrorCode::Forbidden, d.to_string()),
            crate::protocol::Denied::Status(_) => (ErrorCode::WrongState, d.to_string()),
        });
        // A query changes nothing: it is answered, not logged.
        if let (Ok(()), Command::Query { query }) = (&allowed, &cmd) {
            let answer = match self.answer(seat, kind, query) {
                Ok(answer) => ServerMsg::Answer { cid, answer: Box::new(answer) },
                Err((code, message)) => ServerMsg::Error { code, message, cid: Some(cid) },
            };
            self.reply(conn, &answer);
            return;
        }
        let result = allowed.and_then(|()| self.execute(seat, &cmd));
        match result {
            Ok(()) => {
                if let Some(s) = self.seats.get_mut(seat as usize) {
                    // A `cid` beyond `CID_MAX` is refused now; one that a
                    // log from before kept was applied, but does not lock
                    // the seat: it goes on from its last lower `cid`.
                    if cid <= limits::CID_MAX {
                        s.last_cid = cid;
                    }
                    s.refused.retain(|r| r.0 != cid);
                }
                self.log_input(LoggedInput::Command { seat, cid, cmd });
                self.reply(conn, &ServerMsg::Ack { cid });
                // Seats whose role changed get their fresh welcome now that
                // the sender's `last_cid` counts this command.
                for seat in std::mem::take(&mut self.resync_queue) {
                    self.resync_seat(seat);
                }
            }
            Err((code, message)) => {
                self.resync_queue.clear();
                tracing::info!(seat, command = command_name(&cmd), ?code, "command refused");
                METRICS.commands_refused.inc();
                if let Some(s) = self.seats.get_mut(seat as usize) {
                    s.refused.push_back((cid, code, message.clone()));
                    while s.refused.len() > limits::REFUSED_CIDS_KEPT_MAX {
                        s.refused.pop_front();
                    }
                }
                self.reply(conn, &ServerMsg::Error { code, message, cid: Some(cid) });
            }
        }
    }

    fn execute(&mut self, seat: u32, cmd: &Command) -> Result<(), Refusal> {
        let actor = self.actor(seat);
        match cmd {
            Command::Chat { channel, text } => {
                let text = check_text(text)?;
                if !self.channels.contains_key(channel) {
                    return Err((ErrorCode::WrongState, "that channel is not open yet".into()));
                }
                let author = self.author(seat);
                self.post(*channel, author, PostBody::Text { text });
                Ok(())
            }
            Command::PinPost { channel, post, pinned } => self.pin_post(seat, *channel, *post, *pinned),
            Command::Declare {} => self.sim_command(&actor, SimCommand::Declare),
            Command::TakeCall { call } => self.sim_command(&actor, SimCommand::TakeCall { seat, call: *call }),
            Command::CallSay { call, text } => {
                let text = check_text(text)?;
                self.sim_command(&actor, SimCommand::CallSay { seat, call: *call, text })
            }
            Command::HoldCall { call, hold } => {
                self.sim_command(&actor, SimCommand::HoldCall { seat, call: *call, hold: *hold })
            }
            Command::EndCall { call, disposition } => {
                self.sim_command(&actor, SimCommand::EndCall { seat, call: *call, disposition: *disposition })
            }
            Command::AssignCall { call, seat: agent } => {
                let Some(target) = self.seats.get(*agent as usize) else {
                    return Err((ErrorCode::InvalidValue, format!("no seat {agent}")));
                };
                if !matches!(target.view.seat, SeatKind::Participant(Role::SupportAgent | Role::SupportLead)) {
                    return Err((ErrorCode::InvalidValue, "calls go to support agents or the support lead".into()));
                }
                let agent_name = target.view.name.clone();
                self.sim_command(&actor, SimCommand::AssignCall { call: *call, agent: *agent, agent_name })
            }
            Command::CallSupport { text } => {
                let text = check_text(text)?;
                // Support hears the character, not the colleague playing it.
                let name = match self.seats.get(seat as usize).and_then(|s| s.plays) {
                    Some(Plays::Store(i)) => self.sim.scenario().personas[i].name.clone(),
                    Some(Plays::Client(_)) | None => actor.name.clone(),
                };
                self.sim_command(&actor, SimCommand::CallSupport { seat, name, text })
            }
            Command::ChatSay { client, text } => {
                let text = check_text(text)?;
                let as_client = actor.role != Some(Role::Sales);
                self.sim_command(&actor, SimCommand::ChatSay { seat, client: client.clone(), text, as_client })
            }
            Command::TriggerInject { inject } => self.sim_command(&actor, SimCommand::TriggerInject(inject.clone())),
            Command::SkipInject { inject } => self.sim_command(&actor, SimCommand::SkipInject(inject.clone())),
            Command::DelayInject { inject, minutes } => {
                self.sim_command(&actor, SimCommand::DelayInject { inject: inject.clone(), minutes: *minutes })
            }
            Command::EditInject { inject, text } => {
                let text = check_text(text)?;
                self.sim_command(&actor, SimCommand::EditInject { inject: inject.clone(), text })
            }
            Command::AdHocInject { persona, medium, text } => {
                let text = check_text(text)?;
                let cmd = SimCommand::AdHocInject { persona: persona.clone(), medium: *medium, text };
                self.sim_command(&actor, cmd)
            }
            Command::FaultControl { fault, op } => {
                self.sim_command(&actor, SimCommand::FaultControl { fault: fault.clone(), op: *op })
            }
            Command::SetPhase { phase } => self.sim_command(&actor, SimCommand::SetPhase(*phase)),
            Command::RunAction { action } => self.run_action(&actor, action),
            Command::DecideAction { action, approve } => self.decide_action(&actor, action, *approve),
            Command::Query { .. } => Ok(()),
            Command::AskPulse { kind } => {
                let question = self.pulses.ask(*kind, &self.sim)?;
                self.emit(Audience::Internal, Event::PulseAsked { question });
                Ok(())
            }
            Command::AnswerPulse { pulse, picks } => self.pulses.answer(seat, *pulse, picks),
            Command::PublishNotice { status, text } => {
                let text = check_text(text)?;
                self.sim_command(&actor, SimCommand::PublishNotice { status: *status, text })
            }
            Command::Start {} | Command::Resume {} => {
                self.anchor = Some((now(), self.sim.tick()));
                self.set_status(DrillStatus::Running);
                Ok(())
            }
            Command::Pause {} => {
                self.anchor = None;
                self.set_status(DrillStatus::Paused);
                Ok(())
            }
            Command::SetSpeed { speed } => {
                if *speed == 0 || *speed > limits::SPEED_MAX {
                    return Err((
                        ErrorCode::InvalidValue,
                        format!("speed must be between 1 and {}", limits::SPEED_MAX),
                    ));
                }
                self.speed = *speed;
                if self.anchor.is_some() {
                    self.anchor = Some((now(), self.sim.tick()));
                }
                self.set_status(self.status);
                Ok(())
            }
            Command::End {} => {
                self.end();
                Ok(())
            }
            Command::AssignRole { seat: target, role } => self.assign_role(seat, *target, *role),
            Command::EditDoc { doc, base_version, text } => self.edit_doc(seat, doc, *base_version, text),
            Command::StatusReport { affected, scope, impact, actions, next_update_min } => {
                if self.sim.declared_at().is_none() {
                    return Err((ErrorCode::WrongState, "declare the emergency first".into()));
                }
                if *next_update_min == 0 || *next_update_min > limits::REPORT_INTERVAL_MIN_MAX {
                    let max = limits::REPORT_INTERVAL_MIN_MAX;
                    return Err((ErrorCode::InvalidValue, format!("the next update is 1 to {max} minutes away")));
                }
                let field = |t: &str| -> Result<String, Refusal> {
                    let t = t.trim();
                    if t.chars().count() > limits::STATUS_FIELD_CHARS_MAX {
                        let max = limits::STATUS_FIELD_CHARS_MAX;
                        return Err((
                            ErrorCode::InvalidValue,
                            format!("a status report field is at most {max} characters"),
                        ));
                    }
                    Ok(t.to_string())
                };
                let next_update_tick = self.sim.tick() + u64::from(*next_update_min) * 60 / limits::TICK_DRILL_SECONDS;
                let report = StatusReport {
                    affected: match field(affected)? {
                        a if a.is_empty() => return Err((ErrorCode::InvalidValue, "say what is affected".into())),
                        a => a,
                    },
                    scope: field(scope)?,
                    impact: field(impact)?,
                    actions: field(actions)?,
                    next_update_tick,
                    by: actor.name.clone(),
                };
                self.report_due = Some((next_update_tick, false));
                let author = self.author(seat);
                self.post(Channel::IncidentWarRoom, author, PostBody::StatusReport(report));
                Ok(())
            }
            Command::Hypothesis { text } => {
                let text = check_text(text)?;
                let author = self.author(seat);
                self.post(self.command_channel(), author, PostBody::Hypothesis { text, by: actor.name.clone() });
                Ok(())
            }
            Command::PlanRole { name, role } => {
                // The same rule as for names typed when joining.
                let name = super::clean_name(name).map_err(|e| (ErrorCode::InvalidValue, e.to_string()))?;
                if self.planned.len() >= limits::SEATS_PER_DRILL_MAX {
                    return Err((ErrorCode::Full, "too many planned roles".into()));
                }
                let planned = PlannedRole { name, role: *role };
                self.planned.push(planned.clone());
                self.emit(Audience::Facilitators, Event::RolePlanned { planned });
                Ok(())
            }
            Command::LockRoles { locked } => {
                self.roles_locked = *locked;
                self.emit(Audience::Facilitators, Event::RolesLocked { locked: *locked });
                Ok(())
            }
            Command::RateCapability { capability, rating, comment } => {
                let rating = crate::review::check_rating(capability, *rating, comment, &actor.name, self.sim.tick())
                    .map_err(|m| (ErrorCode::InvalidValue, m))?;
                self.ratings.retain(|r| r.capability != rating.capability);
                if self.ratings.len() >= crate::review::REVIEW_ITEMS_MAX {
                    return Err((ErrorCode::Full, "too many ratings".into()));
                }
                self.ratings.push(rating);
                Ok(())
            }
            Command::AddImprovement { text, owner } => {
                let item = crate::review::check_improvement(text, owner, &actor.name, self.sim.tick())
                    .map_err(|m| (ErrorCode::InvalidValue, m))?;
                if self.improvements.len() >= crate::review::REVIEW_ITEMS_MAX {
                    return Err((ErrorCode::Full, "the improvement plan is full".into()));
                }
                self.improvements.push(item);
                Ok(())
            }
        }
    }

    /// Pins a post at the top of its channel, or unpins it. Who may is
    /// decided by `authorize` (whoever may write in the channel). The pin
    /// keeps the whole post, so it survives the channel's trimming and
    /// reaches a welcome however old it is; a post already trimmed can no
    /// longer be pinned.
    fn pin_post(&mut self, seat: u32, channel: Channel, id: u64, pinned: bool) -> Result<(), Refusal> {
        let name = channel.wire_name();
        let Some(posts) = self.channels.get(&channel) else {
            return Err((ErrorCode::WrongState, "that channel is not open yet".into()));
        };
        let by = self.actor(seat).name;
        let tick = self.sim.tick();
        let pins = self.pins.entry(channel).or_default();
        let at = pins.iter().position(|p| p.post.id == id);
        let post = match (pinned, at) {
            (true, Some(_)) => {
                return Err((ErrorCode::WrongState, format!("post {id} is already pinned in #{name}")));
            }
            (false, None) => return Err((ErrorCode::WrongState, format!("post {id} is not pinned in #{name}"))),
            (false, Some(i)) => pins.remove(i).post,
            (true, None) => {
                if pins.len() >= limits::PINS_PER_CHANNEL_MAX {
                    let max = limits::PINS_PER_CHANNEL_MAX;
                    return Err((
                        ErrorCode::Full,
                        format!("#{name} has {max} pinned posts, the most it may hold; unpin one first"),
                    ));
                }
                let post = find_post(posts, id).map_err(|m| (ErrorCode::InvalidValue, format!("{m} in #{name}")))?;
                pins.push(Pin { post: post.clone(), by: by.clone(), tick });
                post
            }
        };
        self.emit(channel_audience(channel), Event::PinChanged { channel, post, pinned, by });
        Ok(())
    }

    /// Saves a document if the editor may edit it and started from the
    /// latest version.
    fn edit_doc(&mut self, seat: u32, id: &str, base: u64, text: &str) -> Result<(), Refusal> {
        let kind = self.seats.get(seat as usize).map(|s| s.view.seat);
        let name = self.seats.get(seat as usize).map(|s| s.view.name.clone()).unwrap_or_default();
        let tick = self.sim.tick();
        if self.docs.is_empty() {
            return Err((ErrorCode::WrongState, "the documents are created by the declaration".into()));
        }
        let Some(doc) = self.docs.get_mut(id) else {
            return Err((ErrorCode::InvalidValue, format!("no document \"{id}\"")));
        };
        let allowed = match kind {
            Some(SeatKind::Facilitator) => true,
            Some(SeatKind::Participant(role)) => crate::protocol::doc_writable(role, doc.kind),
            None => false,
        };
        if !allowed {
            return Err((ErrorCode::Forbidden, "your role may not edit this document".into()));
        }
        if base != doc.version {
            let who = if doc.updated_by.is_empty() { "someone" } else { doc.updated_by.as_str() };
            return Err((
                ErrorCode::Conflict,
                format!("{who} saved version {} first; merge and save again", doc.version),
            ));
        }
        if text.chars().count() > limits::DOC_TEXT_CHARS_MAX {
            return Err((
                ErrorCode::InvalidValue,
                format!("a document is at most {} characters", limits::DOC_TEXT_CHARS_MAX),
            ));
        }
        doc.text = text.to_string();
        doc.version += 1;
        doc.updated_by = name.clone();
        doc.updated_tick = tick;
        let doc = doc.clone();
        let board = (doc.kind == crate::protocol::DocKind::StatusBoard).then(|| doc.text.clone());
        self.emit(Audience::Internal, Event::DocUpdated { doc });
        // The talk script says what the status board says.
        if let Some(board) = board
            && let Some(script) = self.docs.values_mut().find(|d| d.kind == crate::protocol::DocKind::TalkScript)
            && let Some(text) = super::templates::script_following_board(&script.text, &board)
        {
            script.text = text;
            script.version += 1;
            script.updated_by = name;
            script.updated_tick = tick;
            let doc = script.clone();
            self.emit(Audience::Internal, Event::DocUpdated { doc });
        }
        Ok(())
    }

    /// Gives `target` a new role; an owner handing over ownership takes the
    /// target's former role. Each changed seat's connections get a fresh
    /// snapshot, since what a seat may see depends on its role.
    fn assign_role(&mut self, by: u32, target: u32, role: Role) -> Result<(), Refusal> {
        let Some(old) = self.seats.get(target as usize).map(|s| s.view.seat) else {
            return Err((ErrorCode::InvalidValue, format!("no seat {target}")));
        };
        let SeatKind::Participant(old_role) = old else {
            return Err((ErrorCode::InvalidValue, "facilitators have no role to change".into()));
        };
        let by_owner =
            self.seats.get(by as usize).map(|s| s.view.seat) == Some(SeatKind::Participant(Role::IncidentOwner));
        let mut changed = vec![(target, role)];
        if by_owner && role == Role::IncidentOwner && by != target {
            changed.push((by, old_role));
        }
        for (seat, role) in changed {
            let was = self.seats.get(seat as usize).map(|s| s.view.seat);
            if matches!(was, Some(SeatKind::Participant(Role::StoreActor | Role::CorporateActor)))
                && was != Some(SeatKind::Participant(role))
            {
                for e in self.sim.release_seat(seat) {
                    self.sim_event(e);
                }
            }
            if was != Some(SeatKind::Participant(role)) {
                let plays = self.pick_character(SeatKind::Participant(role), seat);
                if let Some(s) = self.seats.get_mut(seat as usize) {
                    s.plays = plays;
                }
            }
            if let Some(s) = self.seats.get_mut(seat as usize) {
                s.view.seat = SeatKind::Participant(role);
                let view = s.view.clone();
                self.emit(Audience::Internal, Event::SeatChanged { seat: view });
            }
            if let Some(s) = self.seats.get_mut(seat as usize) {
                s.kind_changed_seq = self.seq;
            }
            self.resync_queue.push(seat);
        }
        self.update_crew();
        Ok(())
    }

    /// Hands response roles between bots and people after a seat change.
    fn update_crew(&mut self) {
        let held: Vec<Role> = self
            .seats
            .iter()
            .filter_map(|s| match s.view.seat {
                SeatKind::Participant(r) => Some(r),
                SeatKind::Facilitator => None,
            })
            .collect();
        self.sim.set_crew(crew(self.bots, &held));
    }

    /// Sends every connection of a seat a fresh welcome.
    fn resync_seat(&mut self, seat: u32) {
        let Some(s) = self.seats.get(seat as usize) else { return };
        let (kind, you, last_cid) = (s.view.seat, s.view.clone(), s.last_cid);
        let conns: Vec<ConnId> = self.conns.iter().filter(|c| c.seat == seat).map(|c| c.id).collect();
        if conns.is_empty() || self.replaying {
            return;
        }
        let frame = encode_msg(&ServerMsg::Welcome {
            v: crate::protocol::PROTOCOL_VERSION,
            you,
            last_cid,
            snapshot: Box::new(self.snapshot(seat, kind)),
        });
        for c in self.conns.iter_mut().filter(|c| c.seat == seat) {
            c.from_seq = self.seq;
        }
        if kind == SeatKind::Participant(Role::SupportAgent) {
            self.desk_queue_sent = None;
        }
        for conn in conns {
            self.held.push(Held::Reply(conn, frame.clone()));
        }
    }

    fn sim_command(&mut self, actor: &Actor, cmd: SimCommand) -> Result<(), Refusal> {
        if let Some(r) = &mut self.recorder {
            r.actor(actor);
        }
        let events = self.sim.apply(actor, &cmd).map_err(|e| {
            use crate::sim::CommandError as E;
            let code = match e {
                E::UnknownAction(_)
                | E::EmptyNotice
                | E::BadPhase
                | E::UnknownCall(_)
                | E::UnknownClient
                | E::EmptyText
                | E::UnknownInject(_)
                | E::BadDelay
                | E::UnknownPersona(_)
                | E::UnknownFault(_) => ErrorCode::InvalidValue,
                E::NotYourCall | E::ClientPlayed => ErrorCode::Forbidden,
                E::AlreadyDeclared
                | E::NotDeclared
                | E::AlreadyRunning
                | E::CallTaken
                | E::CallClosed
                | E::CallNotTalking
                | E::AlreadyOnCall
                | E::QueueEmpty
                | E::QueueFull
                | E::InjectFired
                | E::FaultCannot(_)
                | E::NotDesk => ErrorCode::WrongState,
            };
            (code, e.to_string())
        })?;
        for e in events {
            self.sim_event(e);
        }
        Ok(())
    }

    /// Runs a runbook action, or asks the owner first when it is risky,
    /// an engineer asks, and a person holds the owner's role.
    fn run_action(&mut self, actor: &Actor, action: &str) -> Result<(), Refusal> {
        let Some(view) = self.sim.actions().into_iter().find(|a| a.id == action) else {
            return Err((ErrorCode::InvalidValue, format!("unknown runbook action \"{action}\"")));
        };
        let owner_is_a_person = self.seats.iter().any(|s| s.view.seat == SeatKind::Participant(Role::IncidentOwner));
        if !(view.risky && owner_is_a_person && actor.role == Some(Role::Engineer)) {
            return self.sim_command(actor, SimCommand::RunAction(action.to_string()));
        }
        if self.approvals.contains_key(action) {
            return Err((ErrorCode::WrongState, "that action is already waiting for the owner's approval".into()));
        }
        if self.sim.actions_run().iter().any(|r| r.action == action && !r.done) {
            return Err((ErrorCode::WrongState, "that action is already running".into()));
        }
        self.approvals.insert(action.to_string(), actor.clone());
        let body = PostBody::ApprovalRequested { action: view.id, label: view.label, by: actor.name.clone() };
        self.post(self.command_channel(), Author::System, body);
        Ok(())
    }

    fn decide_action(&mut self, owner: &Actor, action: &str, approve: bool) -> Result<(), Refusal> {
        let Some(asked) = self.approvals.get(action).cloned() else {
            return Err((ErrorCode::WrongState, "no approval is pending for that action".into()));
        };
        if approve {
            self.sim_command(&asked, SimCommand::RunAction(action.to_string()))?;
        }
        self.approvals.remove(action);
        let label = self.sim.actions().into_iter().find(|a| a.id == action).map(|a| a.label).unwrap_or_default();
        let body =
            PostBody::ApprovalDecided { action: action.to_string(), label, approved: approve, by: owner.name.clone() };
        self.post(self.command_channel(), Author::System, body);
        Ok(())
    }

    /// Runs a bot's intent as the command a person in its role would send:
    /// the same role and status rule ([`authorize`]), the same text check,
    /// the same approval gate for risky actions. Bots hold no seat and their
    /// commands are not stored (a replay recomputes them); a refusal (say,
    /// someone declared first) is only traced.
    fn bot_command(&mut self, actor: &Actor, intent: SimCommand) {
        let Some(role) = actor.role else { return };
        let cmd = match &intent {
            SimCommand::Declare => Command::Declare {},
            SimCommand::SetPhase(phase) => Command::SetPhase { phase: *phase },
            SimCommand::RunAction(action) => Command::RunAction { action: action.clone() },
            SimCommand::PublishNotice { status, text } => {
                Command::PublishNotice { status: *status, text: text.clone() }
            }
            SimCommand::TakeCall { call, .. } => Command::TakeCall { call: *call },
            SimCommand::CallSay { call, text, .. } => Command::CallSay { call: *call, text: text.clone() },
            SimCommand::EndCall { call, disposition, .. } => {
                Command::EndCall { call: *call, disposition: *disposition }
            }
            SimCommand::ChatSay { client, text, .. } => Command::ChatSay { client: client.clone(), text: text.clone() },
            other => {
                // Bots decide on nothing else; should they, it needs its
                // command here.
                tracing::warn!(bot = %actor.name, ?other, "a bot intent with no command; ignored");
                return;
            }
        };
        let allowed = authorize(SeatKind::Participant(role), self.status, &cmd).map_err(|d| match d {
            crate::protocol::Denied::Role => (ErrorCode::Forbidden, d.to_string()),
            crate::protocol::Denied::Status(_) => (ErrorCode::WrongState, d.to_string()),
        });
        // The intent keeps the bot's own desk seat; the text is checked as
        // a person's would be.
        let result = allowed.and_then(|()| match intent {
            SimCommand::RunAction(action) => self.run_action(actor, &action),
            SimCommand::PublishNotice { status, text } => {
                let text = check_text(&text)?;
                self.sim_command(actor, SimCommand::PublishNotice { status, text })
            }
            SimCommand::CallSay { seat, call, text } => {
                let text = check_text(&text)?;
                self.sim_command(actor, SimCommand::CallSay { seat, call, text })
            }
            SimCommand::ChatSay { seat, client, text, as_client } => {
                let text = check_text(&text)?;
                self.sim_command(actor, SimCommand::ChatSay { seat, client, text, as_client })
            }
            other => self.sim_command(actor, other),
        });
        if let Err((code, message)) = result {
            tracing::debug!(bot = %actor.name, command = command_name(&cmd), ?code, message, "bot command refused");
        }
    }

    /// Answers a query from the world as it is now.
    fn answer(&self, seat: u32, kind: SeatKind, query: &Query) -> Result<Answer, Refusal> {
        let level = |l: crate::scenario::Level| {
            match l {
                crate::scenario::Level::Info => "info",
                crate::scenario::Level::Warn => "warn",
                crate::scenario::Level::Error => "error",
            }
            .to_string()
        };
        let s = self.sim.scenario();
        Ok(match query {
            Query::Logs { service, contains } => {
                if contains.chars().count() > limits::QUERY_TEXT_CHARS_MAX {
                    return Err((ErrorCode::InvalidValue, "the search text is too long".into()));
                }
                if let Some(id) = service
                    && s.service_index(id).is_none()
                {
                    return Err((ErrorCode::InvalidValue, format!("unknown service \"{id}\"")));
                }
                let needle = contains.trim().to_lowercase();
                let mut lines: Vec<LogEntry> = self
                    .sim
                    .logs(service.as_deref(), 0, usize::MAX)
                    .into_iter()
                    .rev()
                    .filter(|l| needle.is_empty() || l.text.to_lowercase().contains(&needle))
                    .take(limits::LOG_LINES_PER_ANSWER_MAX)
                    .map(|l| LogEntry {
                        tick: l.tick,
                        service: l.service,
                        level: level(l.level),
                        region: l.region,
                        text: l.text,
                    })
                    .collect();
                lines.reverse();
                Answer::Logs { lines }
            }
            Query::Dashboard {} => {
                let now = self.sim.services_now();
                let services = s
                    .services
                    .iter()
                    .enumerate()
                    .map(|(i, svc)| {
                        let mine: Vec<_> = now.iter().filter(|n| n.service == svc.id).collect();
                        let requests: u64 = mine.iter().map(|n| n.requests_per_min).sum();
                        let weighted = |f: &dyn Fn(&crate::sim::ServiceNow) -> u32| {
                            let w: u64 = mine.iter().map(|n| n.requests_per_min * u64::from(f(n))).sum();
                            w.checked_div(requests).unwrap_or(0) as u32
                        };
                        ServicePanel {
                            service: svc.id.clone(),
                            name: svc.name.clone(),
                            requests_per_min: requests,
                            error_ppm: weighted(&|n| n.error_ppm),
                            latency_ms: weighted(&|n| n.latency_ms),
                            series: self
                                .sim
                                .service_series(i)
                                .into_iter()
                                .map(|p| ServiceMinute {
                                    minute: p.minute,
                                    requests: p.requests,
                                    error_ppm: p.error_ppm,
                                    latency_ms: p.latency_ms,
                                })
                                .collect(),
                        }
                    })
                    .collect();
                let regions = self
                    .sim
                    .region_states()
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| RegionPanel {
                        region: r.region,
                        orders_per_min: r.orders_per_min,
                        orders_per_min_expected: r.orders_per_min_expected,
                        payment_success_ppm: r.payment_success_ppm,
                        stores_calling: r.stores_calling,
                        stores_on_paper: r.stores_on_paper,
                        series: self
                            .sim
                            .region_series(i)
                            .into_iter()
                            .map(|p| RegionMinute {
                                minute: p.minute,
                                orders: p.orders,
                                payment_success_ppm: p.payment_success_ppm,
                                lost_yen: p.lost_yen,
                                stores_calling: p.stores_calling,
                            })
                            .collect(),
                    })
                    .collect();
                let alerts = self
                    .sim
                    .alerts()
                    .into_iter()
                    .map(|a| Alert {
                        id: a.id,
                        service: a.service,
                        level: level(a.level),
                        title: a.title,
                        fired_tick: a.fired_tick,
                        resolved_tick: a.resolved_tick,
                    })
                    .collect();
                let metrics = self
                    .sim
                    .clue_metrics()
                    .into_iter()
                    .map(|m| MetricPanel {
                        id: m.id,
                        service: m.service,
                        name: m.name,
                        unit: m.unit,
                        points: m.points,
                        now: m.now,
                    })
                    .collect();
                Answer::Dashboard { services, regions, alerts, metrics }
            }
            Query::History { channel, skip } => {
                if !sees(seat, kind, None, channel_audience(*channel)) {
                    return Err((ErrorCode::Forbidden, "you do not read that channel".into()));
                }
                let posts = self.channels.get(channel).map_or_else(Vec::new, |all| {
                    let end = all.len().saturating_sub(*skip as usize);
                    let start = end.saturating_sub(limits::POSTS_IN_WELCOME_MAX);
                    all.iter().skip(start).take(end - start).cloned().collect()
                });
                Answer::History { channel: *channel, posts }
            }
            Query::Board {} => super::board::board(&self.sim),
            Query::Roster { from } => Answer::Roster {
                from: *from,
                seats: self
                    .seats
                    .iter()
                    .skip(*from as usize)
                    .take(limits::ROSTER_PAGE_MAX)
                    .map(|s| s.view.clone())
                    .collect(),
                total: self.seats.len() as u32,
            },
            Query::Store { index } => super::board::store(&self.sim, *index)?,
            Query::Deploys {} => Answer::Deploys {
                deploys: self
                    .sim
                    .deploys()
                    .into_iter()
                    .map(|d| Deploy {
                        service: d.service,
                        version: d.version,
                        at_s: d.at_s,
                        by: d.by,
                        note: d.note,
                        rollback: d.rollback,
                    })
                    .collect(),
            },
        })
    }

    fn actor(&self, seat: u32) -> Actor {
        match self.seats.get(seat as usize) {
            Some(s) => Actor {
                name: s.view.name.clone(),
                role: match s.view.seat {
                    SeatKind::Facilitator => None,
                    SeatKind::Participant(r) => Some(r),
                },
            },
            None => Actor { name: String::new(), role: None },
        }
    }

    fn author(&self, seat: u32) -> Author {
        match self.seats.get(seat as usize) {
            Some(s) => Author::Seat { id: seat, name: s.view.name.clone(), seat: s.view.seat },
            None => Author::System,
        }
    }

    fn reply(&mut self, conn: ConnId, msg: &ServerMsg) {
        if !self.replaying {
            self.held.push(Held::Reply(conn, encode_msg(msg)));
        }
    }

    // --- time ------------------------------------------------------------

    fn advance(&mut self) {
        // Nothing the world does could be stored: it waits.
        if self.outage.is_some() {
            return;
        }
        let Some((since, tick0)) = self.anchor else { return };
        let elapsed_ms = since.elapsed().as_millis() as u64;
        let due = tick0 + elapsed_ms * u64::from(self.speed) / 1000 / limits::TICK_DRILL_SECONDS;
        let mut steps = 0;
        while self.sim.tick() < due && steps < TICKS_PER_WAKE_MAX && self.status == DrillStatus::Running {
            steps += 1;
            self.step_once();
        }
    }

    /// One tick of the world; ends the drill when its time is up.
    fn step_once(&mut self) {
        let started = (!self.replaying).then(now);
        let (events, intents) = self.sim.step_with_intents();
        for (actor, e) in events {
            if let Some(r) = &mut self.recorder {
                r.actor(&actor);
            }
            self.sim_event(e);
        }
        for (actor, cmd) in intents {
            self.bot_command(&actor, cmd);
        }
        if let Some((due, false)) = self.report_due
            && self.sim.tick() > due
            && self.status != DrillStatus::Ended
            && self.sim.phase() != Phase::Resolved
        {
            self.report_due = Some((due, true));
            self.post(Channel::IncidentWarRoom, Author::System, PostBody::ReportOverdue { due_tick: due });
        }
        for result in self.pulses.close_due(self.sim.tick()) {
            self.emit(Audience::Facilitators, Event::PulseClosed { result: Box::new(result) });
        }
        if let Some(started) = started {
            METRICS.ticks.inc();
            METRICS.tick_duration.observe_us(started.elapsed().as_micros() as u64);
        }
        if self.sim.tick() >= self.info.duration_s / limits::TICK_DRILL_SECONDS {
            self.end();
        }
    }

    fn set_status(&mut self, status: DrillStatus) {
        self.status = status;
        tracing::info!(?status, speed = self.speed, tick = self.sim.tick(), "drill status");
        self.emit(Audience::All, Event::Status { status, speed: self.speed });
        self.send_pulse();
    }

    /// The summary as of now, scored by the review's objectives on what was
    /// recorded.
    fn scored_summary(&mut self, ended: bool) -> Summary {
        let entries = self.recorder.as_ref().map(crate::review::Recorder::entries).unwrap_or_default();
        crate::review::summary(&mut self.sim, self.seed, entries, ended)
    }

    fn end(&mut self) {
        self.anchor = None;
        let summary = self.scored_summary(true);
        tracing::info!(score = summary.score, lost = summary.lost_revenue, "drill ended");
        self.summary = Some(summary.clone());
        self.pulses.close_all();
        // Results are revealed to everyone inside at the end.
        for result in self.pulses.results() {
            self.emit(Audience::Internal, Event::PulseClosed { result: Box::new(result) });
        }
        self.set_status(DrillStatus::Ended);
        self.emit(Audience::All, Event::Ended { summary: Box::new(summary) });
        self.publish_status_page();
    }

    /// The public status page as of now.
    fn build_status_page(&self) -> StatusPage {
        super::status_page::build(
            &self.info.id,
            &self.info.language,
            self.info.start_time_of_day_s,
            self.status == DrillStatus::Ended,
            &self.sim.notices(),
            &self.notice_wall_ms,
        )
    }

    /// Marks the public status page for renewal. It is shared with the
    /// HTTP API only once the input that changed it is stored (in
    /// [`Self::flush`], before the held output goes out), so the page never
    /// shows a notice a restart could take back, and a notice is on it by
    /// the time its `ack` and `notice_published` arrive. Not while
    /// replaying: the page is built once the replay is done.
    fn publish_status_page(&mut self) {
        if !self.replaying {
            self.status_page_due = true;
        }
    }

    /// Shares a fresh status page with the HTTP API now.
    fn share_status_page(&mut self) {
        self.status_page_due = false;
        self.status_page.send_replace(Arc::new(self.build_status_page()));
    }

    // --- events ----------------------------------------------------------

    fn sim_event(&mut self, e: SimEvent) {
        match e {
            SimEvent::Health(report) => self.post(Channel::Ops, Author::HealthBot, PostBody::Health(report)),
            SimEvent::Declared { by } => {
                self.emit(Audience::Internal, Event::Declared { by });
                for channel in Channel::RESPONSE {
                    self.channels.entry(channel).or_default();
                    self.emit(Audience::Internal, Event::ChannelOpened { channel });
                }
                let roster = self
                    .seats
                    .iter()
                    .filter(
                        |s| matches!(s.view.seat, SeatKind::Participant(r) if r != Role::Observer && r.is_internal()),
                    )
                    .take(limits::KICKOFF_SEATS_MAX)
                    .map(|s| s.view.clone())
                    .collect();
                self.post(Channel::IncidentWarRoom, Author::System, PostBody::Kickoff { roster });
                // The workflow's documents: status board, incident doc, talk
                // script, incident report, and each role's checklist.
                for t in super::templates::declaration_docs(&self.info.language, &self.info.title) {
                    let doc = DocView {
                        id: t.id.clone(),
                        kind: t.kind,
                        title: t.title.to_string(),
                        text: t.text,
                        version: 1,
                        updated_by: String::new(),
                        updated_tick: self.sim.tick(),
                    };
                    self.docs.insert(t.id, doc.clone());
                    self.emit(Audience::Internal, Event::DocUpdated { doc });
                }
            }
            SimEvent::PhaseChanged { phase, by } => {
                self.emit(Audience::Internal, Event::PhaseChanged { phase });
                self.post(self.command_channel(), Author::System, PostBody::PhaseChanged { phase, by });
            }
            SimEvent::Action { run, label } => {
                let stage = if run.done { ActionStage::Done } else { ActionStage::Started };
                let body = PostBody::Action { action: run.action.clone(), label, by: run.by.clone(), stage };
                self.emit(Audience::Internal, Event::ActionUpdated { run });
                self.post(self.command_channel(), Author::System, body);
            }
            SimEvent::Notice(notice) => {
                // A replay reads the real times back from the log.
                if !self.replaying {
                    let wall_ms = super::unix_ms();
                    self.notice_wall_ms.push(wall_ms);
                    self.log_input(LoggedInput::NoticeWallTime { wall_ms });
                }
                // Inside, who published it; outside, the company did.
                let outside = Event::NoticePublished { notice: notice.for_outside() };
                self.emit_split(Event::NoticePublished { notice: notice.clone() }, outside);
                let channel =
                    if self.channels.contains_key(&Channel::External) { Channel::External } else { Channel::Ops };
                self.post(channel, Author::System, PostBody::Notice(notice));
                self.publish_status_page();
            }
            SimEvent::Fault(fault) => self.emit(Audience::Facilitators, Event::FaultChanged { fault }),
            SimEvent::Call(mut call) => {
                // The agent picking the call up did not hear it ring: this
                // one update carries what was said so far.
                if call.state == crate::protocol::CallState::Talking
                    && call.answered_tick == Some(self.sim.tick())
                    && let Some(full) = self.sim.call(call.id)
                {
                    call.lines = full.lines;
                }
                let audience = Audience::Desk { caller: call.caller_seat, agent: call.agent };
                self.emit(audience, Event::CallUpdated { call: Box::new(call) })
            }
            SimEvent::CallLine { call, caller_seat, line } => {
                let agent = self.sim.call_agent(call);
                self.emit(Audience::Desk { caller: caller_seat, agent }, Event::CallLine { call, line });
            }
            SimEvent::Chat(chat) => {
                let i = self.client_index(&chat.client);
                self.emit(Audience::Sales(chat.client_seat, i), Event::ChatUpdated { chat: Box::new(chat) })
            }
            SimEvent::ChatLine { client, client_seat, line } => {
                let i = self.client_index(&client);
                self.emit(Audience::Sales(client_seat, i), Event::ChatLine { client, line });
            }
            SimEvent::Escalated { client, name } => {
                let body = PostBody::ClientEscalated { client, name };
                if self.channels.contains_key(&Channel::Sales) {
                    self.post(Channel::Sales, Author::System, body.clone());
                }
                self.post(self.command_channel(), Author::System, body);
            }
            SimEvent::InjectPost { medium, persona, text } => {
                let channel = match medium {
                    Medium::Social => Channel::Social,
                    Medium::Email if self.channels.contains_key(&Channel::Support) => Channel::Support,
                    Medium::Email | Medium::InternalChat | Medium::Phone | Medium::LineChat => self.command_channel(),
                };
                self.post(channel, Author::Persona { name: persona }, PostBody::Text { text });
            }
            SimEvent::Inject(inject) => {
                self.emit(Audience::Facilitators, Event::InjectUpdated { inject: Box::new(inject) })
            }
        }
    }

    /// The index of a corporate client in the scenario, by its id.
    fn client_index(&self, id: &str) -> Option<usize> {
        self.sim.scenario().clients.iter().position(|c| c.id == id)
    }

    /// The war room once declared, #ops before.
    fn command_channel(&self) -> Channel {
        if self.channels.contains_key(&Channel::IncidentWarRoom) { Channel::IncidentWarRoom } else { Channel::Ops }
    }

    fn post(&mut self, channel: Channel, author: Author, body: PostBody) {
        let tick = self.sim.tick();
        let posts = self.channels.entry(channel).or_default();
        // Posts are numbered per channel; only the oldest are trimmed, so
        // the newest kept one carries the latest number.
        let id = posts.back().map_or(1, |p| p.id + 1);
        let post = Post { id, author, body, tick };
        posts.push_back(post.clone());
        while posts.len() > limits::CHANNEL_POSTS_KEPT_MAX {
            posts.pop_front();
        }
        self.emit(channel_audience(channel), Event::Posted { channel, post });
    }

    /// Numbers an event, keeps it for resume and sends it to every
    /// connection whose seat may see it.
    fn emit(&mut self, audience: Audience, event: Event) {
        self.seq += 1;
        if let Some(r) = &mut self.recorder {
            r.event(self.sim.tick(), &event);
        }
        self.send_event(audience, &event);
    }

    /// Emits one event in two copies under one seq: `inside` for
    /// facilitators and internal seats, `outside` for outside actors (each
    /// seat gets exactly one). The review records the inside copy.
    fn emit_split(&mut self, inside: Event, outside: Event) {
        self.seq += 1;
        if let Some(r) = &mut self.recorder {
            r.event(self.sim.tick(), &inside);
        }
        self.send_event(Audience::Internal, &inside);
        self.send_event(Audience::Outside, &outside);
    }

    /// Holds the event numbered `self.seq` for its audience and keeps it
    /// for resume.
    fn send_event(&mut self, audience: Audience, event: &Event) {
        let frame = encode_msg(&ServerMsg::Event { seq: self.seq, tick: self.sim.tick(), event: event.clone() });
        if !self.replaying {
            self.held.push(Held::Event(self.seq, audience, frame.clone()));
        }
        self.log.push_back(Logged { seq: self.seq, audience, frame });
        while self.log.len() > limits::RESUME_EVENTS_KEPT_MAX {
            self.log.pop_front();
        }
    }

    /// Forgets a connection that cannot keep up; dropping its sender ends
    /// its writer, and the client resumes later from its last seq.
    fn drop_conn(&mut self, conn: ConnId) {
        if let Some(i) = self.conns.iter().position(|c| c.id == conn) {
            let c = self.conns.swap_remove(i);
            // A connection that had closed is gone, not dropped.
            if !c.out.is_closed() {
                METRICS.slow_drops.inc();
            }
            tracing::info!(conn, seat = c.seat, "dropped a connection that could not keep up");
            self.set_online(c.seat, -1);
        }
    }

    /// The pulse as of now, with every figure (seats inside).
    fn pulse_now(&self) -> crate::protocol::Pulse {
        let mut p = self.sim.pulse();
        p.status = self.status;
        p.speed = self.speed;
        p.seats = self.seats.len() as u32;
        p
    }

    /// The pulse frames: for seats inside, and for outside actors (the
    /// clock alone, none of the company's figures).
    fn pulse_frames(&self) -> (Frame, Frame) {
        let p = self.pulse_now();
        let outside = encode_msg(&ServerMsg::Pulse(p.for_outside()));
        (encode_msg(&ServerMsg::Pulse(p)), outside)
    }

    fn send_pulse(&mut self) {
        // While the store refuses, the clock stands still and pulses would
        // only pile up behind the held output.
        if self.replaying || self.outage.is_some() {
            return;
        }
        let (inside, outside) = self.pulse_frames();
        self.held.push(Held::Pulse(inside, outside));
    }

    /// Sends the desk's queue to the support agents if it changed since it
    /// was last sent (checked once a second: every ring to every agent
    /// would be most of a busy drill's frames).
    fn send_desk_queue(&mut self) {
        if self.replaying || self.outage.is_some() {
            return;
        }
        let agent = SeatKind::Participant(Role::SupportAgent);
        if !self.conns.iter().any(|c| self.seats.get(c.seat as usize).is_some_and(|s| s.view.seat == agent)) {
            return;
        }
        let q = self.sim.desk_queue(limits::DESK_QUEUE_CALLS_MAX);
        if self.desk_queue_sent.as_ref() == Some(&q) {
            return;
        }
        self.held.push(Held::DeskQueue(encode_msg(&ServerMsg::DeskQueue(q.clone()))));
        self.desk_queue_sent = Some(q);
    }

    fn snapshot(&self, seat: u32, kind: SeatKind) -> Snapshot {
        let internal = sees(seat, kind, None, Audience::Internal);
        let desk = desk_watcher(kind);
        let agent = kind == SeatKind::Participant(Role::SupportAgent);
        let sales = sees(seat, kind, None, Audience::Sales(None, None));
        let corporate = kind == SeatKind::Participant(Role::CorporateActor);
        let plays = self.seats.get(seat as usize).and_then(|s| s.plays);
        let plays_client = self.seats.get(seat as usize).and_then(Seat::plays_client);
        let scenario = self.sim.scenario();
        let facilitator = kind == SeatKind::Facilitator;
        let engineer = facilitator || kind == SeatKind::Participant(Role::Engineer);
        let pulse = if internal { self.pulse_now() } else { self.pulse_now().for_outside() };
        Snapshot {
            seq: self.seq,
            drill: DrillInfo {
                join_code: if internal { self.info.join_code.clone() } else { String::new() },
                // The company's services (its databases, its vendors) are
                // its own business; a store knows only what it uses.
                services: if internal { self.info.services.clone() } else { Vec::new() },
                ..self.info.clone()
            },
            status: self.status,
            speed: self.speed,
            pulse,
            phase: if internal { self.sim.phase() } else { Phase::Normal },
            declared_at_tick: if internal { self.sim.declared_at() } else { None },
            // The leads and oneself for everyone inside, and the first
            // seats for those who manage the roster (who page in the rest),
            // so that a welcome stays small in a drill of a thousand.
            roster: if roster_watcher(kind) {
                let first = |s: &&Seat| lead_seat(s.view.seat) || s.view.id == seat;
                let mut page: Vec<SeatView> = self
                    .seats
                    .iter()
                    .filter(first)
                    .take(limits::ROSTER_IN_WELCOME_MAX)
                    .map(|s| s.view.clone())
                    .collect();
                let room = limits::ROSTER_IN_WELCOME_MAX.saturating_sub(page.len());
                page.extend(self.seats.iter().filter(|s| !first(s)).take(room).map(|s| s.view.clone()));
                page.sort_unstable_by_key(|s| s.id);
                page
            } else if internal {
                self.seats
                    .iter()
                    .filter(|s| lead_seat(s.view.seat) || s.view.id == seat)
                    .take(limits::ROSTER_IN_WELCOME_MAX)
                    .map(|s| s.view.clone())
                    .collect()
            } else {
                Vec::new()
            },
            roster_total: self.seats.len() as u32,
            channels: self
                .channels
                .iter()
                .filter(|(c, _)| sees(seat, kind, None, channel_audience(**c)))
                .map(|(c, posts)| ChannelView {
                    channel: *c,
                    posts: posts
                        .iter()
                        .skip(posts.len().saturating_sub(limits::POSTS_IN_WELCOME_MAX))
                        .cloned()
                        .collect(),
                    // Pinned posts in full, however old: the latest posts
                    // alone may not reach them.
                    pins: self.pins.get(c).cloned().unwrap_or_default(),
                })
                .collect(),
            actions: if engineer { self.sim.actions() } else { Vec::new() },
            actions_run: if internal { self.sim.actions_run() } else { Vec::new() },
            // Outside, a notice is the company's, signed by nobody inside.
            notices: if internal {
                self.sim.notices()
            } else {
                self.sim.notices().iter().map(crate::protocol::Notice::for_outside).collect()
            },
            summary: self.summary.clone(),
            answer_key: facilitator.then(|| self.sim.faults()),
            planned_roles: if facilitator { self.planned.clone() } else { Vec::new() },
            roles_locked: facilitator && self.roles_locked,
            docs: if internal { self.docs.values().cloned().collect() } else { Vec::new() },
            next_report_due_tick: if internal { self.report_due.map(|(t, _)| t) } else { None },
            facilitator_code: facilitator.then(|| self.facilitator_code.clone()),
            calls: if desk {
                self.sim.calls(limits::ENDED_CALLS_IN_SNAPSHOT_MAX)
            } else if agent {
                self.sim.calls_taken_by(seat, limits::ENDED_CALLS_IN_SNAPSHOT_MAX)
            } else if kind == SeatKind::Participant(Role::StoreActor) {
                self.sim.calls_of(seat)
            } else {
                Vec::new()
            },
            desk_queue: agent.then(|| self.sim.desk_queue(limits::DESK_QUEUE_CALLS_MAX)),
            chats: if sales {
                self.sim.chats()
            } else if corporate {
                // The client it plays from the start, and any it took over.
                let played = plays_client.and_then(|i| scenario.clients.get(i)).map(|c| c.id.as_str());
                self.sim
                    .chats()
                    .into_iter()
                    .filter(|c| c.client_seat == Some(seat) || played == Some(c.client.as_str()))
                    .collect()
            } else {
                Vec::new()
            },
            clients: if sales || corporate {
                scenario.clients.iter().map(|c| NamedId { id: c.id.clone(), name: c.name.clone() }).collect()
            } else {
                Vec::new()
            },
            injects: if facilitator { self.sim.injects() } else { Vec::new() },
            personas: if facilitator {
                scenario.personas.iter().map(|p| NamedId { id: p.id.clone(), name: p.name.clone() }).collect()
            } else {
                Vec::new()
            },
            pulses_open: if internal { self.pulses.open_for(seat) } else { Vec::new() },
            briefs: match kind {
                SeatKind::Participant(Role::StoreActor) => briefs(scenario, crate::scenario::PersonaKind::Store),
                SeatKind::Participant(Role::CorporateActor) => briefs(scenario, crate::scenario::PersonaKind::Client),
                SeatKind::Participant(_) | SeatKind::Facilitator => Vec::new(),
            },
            pulse_results: if facilitator || (internal && self.status == DrillStatus::Ended) {
                self.pulses.results()
            } else {
                Vec::new()
            },
            character: plays.map(|p| character_view(scenario, p)),
        }
    }
}

/// What an outside actor is told of the character it plays.
fn character_view(s: &Scenario, plays: Plays) -> crate::protocol::Character {
    use crate::scenario::PersonaKind;
    let region_id = |r: Option<usize>| r.and_then(|r| s.regions.get(r)).map(|r| r.id.clone());
    let client_id = |c: Option<usize>| c.and_then(|c| s.clients.get(c)).map(|c| c.id.clone());
    match plays {
        Plays::Store(i) => {
            let p = &s.personas[i];
            crate::protocol::Character {
                persona: Some(p.id.clone()),
                name: p.name.clone(),
                region: region_id(p.region),
                client: client_id(p.client),
            }
        }
        Plays::Client(i) => {
            let persona = s.personas.iter().find(|p| p.kind == PersonaKind::Client && p.client == Some(i));
            crate::protocol::Character {
                persona: persona.map(|p| p.id.clone()),
                name: persona.map_or_else(|| s.clients[i].name.clone(), |p| p.name.clone()),
                region: None,
                client: client_id(Some(i)),
            }
        }
    }
}

/// The characters a role may play, in the order they are given out: the
/// scenario's store personas for a store actor; for a corporate actor,
/// the clients a persona speaks for (in the personas' order), then the
/// other clients. Other roles play none.
fn characters(s: &Scenario, role: Role) -> Vec<Plays> {
    use crate::scenario::PersonaKind;
    match role {
        Role::StoreActor => s
            .personas
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == PersonaKind::Store)
            .map(|(i, _)| Plays::Store(i))
            .collect(),
        Role::CorporateActor => {
            let mut order: Vec<usize> = Vec::new();
            let voiced = s.personas.iter().filter(|p| p.kind == PersonaKind::Client).filter_map(|p| p.client);
            for i in voiced.chain(0..s.clients.len()) {
                if i < s.clients.len() && !order.contains(&i) {
                    order.push(i);
                }
            }
            order.into_iter().map(Plays::Client).collect()
        }
        Role::IncidentOwner
        | Role::CommsLead
        | Role::SupportLead
        | Role::SupportAgent
        | Role::Sales
        | Role::Engineer
        | Role::Observer => Vec::new(),
    }
}

/// The personas of one kind, with how to play them and their lines.
fn briefs(s: &Scenario, kind: crate::scenario::PersonaKind) -> Vec<crate::protocol::ActorBrief> {
    s.personas
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == kind)
        .map(|(i, p)| crate::protocol::ActorBrief {
            persona: p.id.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            region: p.region.and_then(|r| s.regions.get(r)).map(|r| r.id.clone()),
            client: p.client.and_then(|c| s.clients.get(c)).map(|c| c.id.clone()),
            lines: s
                .injects
                .iter()
                .filter(|inj| inj.persona == i)
                .map(|inj| crate::protocol::BriefLine {
                    due_tick: inj.trigger_at(),
                    medium: crate::sim::medium_of(inj.channel),
                    text: inj.text.clone(),
                })
                .collect(),
        })
        .collect()
}

/// The bot crew for a drill's bot setting: bots play the response roles
/// no seat holds (a person who takes a role takes it over from its bot;
/// handing it to an observer gives it back).
fn crew(bots: Bots, held: &[Role]) -> Crew {
    let mut crew = match bots {
        Bots::Off => Crew::nobody(),
        Bots::Good => Crew::everyone(BotSkill::Good),
        Bots::Perfect => Crew::everyone(BotSkill::Perfect),
    };
    crew.roles.retain(|r| !held.contains(r));
    crew
}

/// Sleeps until `deadline`, or forever without one.
async fn sleep_until_some(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// The real clock. The drill task is the one place that turns real time
/// into ticks; the simulation itself never sees it.
#[expect(clippy::disallowed_methods, reason = "the drill task owns the real-time clock")]
fn now() -> Instant {
    Instant::now()
}

/// The post with this id among a channel's kept posts, or why there is none.
fn find_post(posts: &VecDeque<Post>, id: u64) -> Result<Post, String> {
    match posts.binary_search_by_key(&id, |p| p.id) {
        Ok(i) => posts.get(i).cloned().ok_or_else(|| format!("no post {id}")),
        Err(0) if id > 0 && !posts.is_empty() => Err(format!(
            "post {id} is older than the {} posts a channel keeps and can no longer be pinned",
            limits::CHANNEL_POSTS_KEPT_MAX
        )),
        Err(_) => Err(format!("no post {id}")),
    }
}

/// Checks and trims free text from a client.
fn check_text(text: &str) -> Result<String, Refusal> {
    let t = text.trim();
    if t.is_empty() {
        return Err((ErrorCode::InvalidValue, "the text is empty".into()));
    }
    if t.chars().count() > limits::CHAT_TEXT_CHARS_MAX {
        return Err((
            ErrorCode::InvalidValue,
            format!("the text is longer than {} characters", limits::CHAT_TEXT_CHARS_MAX),
        ));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A drill log in memory that refuses writes while told to, the way a
    /// database does (`SQLITE_IOERR`): no record of a refused batch is kept.
    #[derive(Debug, Default)]
    struct FlakyLog {
        stored: std::sync::Mutex<Vec<LogRecord>>,
        refuse: std::sync::atomic::AtomicBool,
        refused: std::sync::atomic::AtomicU32,
    }

    impl FlakyLog {
        fn refuse(&self, on: bool) {
            self.refuse.store(on, std::sync::atomic::Ordering::SeqCst);
        }

        fn check(&self) -> Result<(), StoreError> {
            if self.refuse.load(std::sync::atomic::Ordering::SeqCst) {
                self.refused.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let e = rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_IOERR);
                return Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, Some("disk I/O error".into()))));
            }
            Ok(())
        }

        fn stored(&self) -> Vec<LogRecord> {
            self.stored.lock().map(|s| s.clone()).unwrap_or_default()
        }
    }

    impl DrillLog for FlakyLog {
        fn append<'a>(&'a self, _: &'a str, _: u64, records: Arc<[LogRecord]>) -> crate::store::StoreFuture<'a> {
            Box::pin(async move {
                self.check()?;
                if let Ok(mut s) = self.stored.lock() {
                    s.extend(records.iter().cloned());
                }
                Ok(())
            })
        }

        fn finish<'a>(&'a self, _: &'a str, _: Summary) -> crate::store::StoreFuture<'a> {
            Box::pin(async move { self.check() })
        }

        fn save_status_page<'a>(&'a self, _: &'a str, _: String) -> crate::store::StoreFuture<'a> {
            Box::pin(async move { self.check() })
        }
    }

    fn scenario() -> Scenario {
        crate::scenario::parse(include_str!("../../../scenarios/lunch-peak-pos-outage.toml"))
            .unwrap_or_else(|p| panic!("{p:?}"))
    }

    /// A drill task on `log`, with a facilitator connected as connection 1.
    struct Live {
        inbox: mpsc::Sender<Input>,
        out: mpsc::Receiver<Frame>,
        /// The public status page, as the HTTP API reads it.
        page: watch::Receiver<Arc<StatusPage>>,
    }

    async fn live(log: Arc<dyn DrillLog>) -> Live {
        let (inbox, page) =
            spawn_logged("d1".into(), "join".into(), scenario(), 1, Bots::Off, "fcode".into(), Some(log));
        let got = add_seat(&inbox, "Aiko").await;
        assert_eq!(got, Ok((0, SeatKind::Facilitator)));
        let (tx, mut out) = mpsc::channel(limits::OUTBOUND_QUEUE_LEN_MAX);
        inbox
            .send(Input::Connect { seat: 0, conn: 1, last_seq: None, out: tx })
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let welcome = next(&mut out).await;
        assert_eq!(welcome["type"], "welcome", "{welcome}");
        Live { inbox, out, page }
    }

    async fn add_seat(inbox: &mpsc::Sender<Input>, name: &str) -> Result<(u32, SeatKind), ErrorCode> {
        let (reply, rx) = oneshot::channel();
        let input =
            Input::AddSeat { name: name.into(), seat: Some(SeatKind::Facilitator), token_hash: "h".into(), reply };
        inbox.send(input).await.unwrap_or_else(|e| panic!("{e}"));
        rx.await.unwrap_or_else(|e| panic!("{e}"))
    }

    async fn chat(l: &Live, cid: u64, text: String) {
        let cmd = Command::Chat { channel: Channel::Ops, text };
        l.inbox.send(Input::Command { seat: 0, conn: 1, cid, cmd }).await.unwrap_or_else(|e| panic!("{e}"));
    }

    /// The next message that is not a pulse, or `{"type":"closed"}`.
    async fn next(out: &mut mpsc::Receiver<Frame>) -> serde_json::Value {
        let deadline = now() + Duration::from_secs(120);
        loop {
            let m = tokio::time::timeout_at(deadline, out.recv()).await.unwrap_or_else(|e| panic!("no message: {e}"));
            let Some(frame) = m else { return serde_json::json!({"type": "closed"}) };
            let v: serde_json::Value = serde_json::from_str(frame.as_str()).unwrap_or_else(|e| panic!("{e}"));
            if v["type"] != "pulse" {
                return v;
            }
        }
    }

    /// The reply to `cid`, noting every other message on the way.
    async fn reply_to(
        out: &mut mpsc::Receiver<Frame>,
        cid: u64,
        seen: &mut Vec<serde_json::Value>,
    ) -> serde_json::Value {
        loop {
            let m = next(out).await;
            assert_ne!(m["type"], "closed", "closed while waiting for the reply to {cid}");
            if m["cid"] == cid && m["type"] != "event" {
                return m;
            }
            seen.push(m);
        }
    }

    fn chats_stored(records: &[LogRecord]) -> Vec<u64> {
        records
            .iter()
            .filter_map(|r| match &r.input {
                LoggedInput::Command { cid, cmd: Command::Chat { .. }, .. } => Some(*cid),
                _ => None,
            })
            .collect()
    }

    /// Every message waiting for a connection, pulses left out.
    fn drain(out: &mut mpsc::Receiver<Frame>) -> Vec<serde_json::Value> {
        let mut got = Vec::new();
        while let Ok(frame) = out.try_recv() {
            let v: serde_json::Value = serde_json::from_str(frame.as_str()).unwrap_or_else(|e| panic!("{e}"));
            if v["type"] != "pulse" {
                got.push(v);
            }
        }
        got
    }

    /// The kinds of the events among `msgs`, in order.
    fn event_kinds(msgs: &[serde_json::Value]) -> Vec<String> {
        msgs.iter().filter(|m| m["type"] == "event").map(|m| m["event"]["kind"].as_str().unwrap_or("").into()).collect()
    }

    #[tokio::test]
    async fn a_support_agent_follows_the_queue_and_hears_only_the_calls_it_takes() {
        let s = scenario();
        let mut d = DrillTask::new("d1".into(), "join".into(), &s, 1, Bots::Off, None);
        let seats = [
            ("Aiko", SeatKind::Facilitator),
            ("Hana", SeatKind::Participant(Role::SupportLead)),
            ("Yui", SeatKind::Participant(Role::SupportAgent)),
            ("Kaito", SeatKind::Participant(Role::SupportAgent)),
            ("Tanaka", SeatKind::Participant(Role::StoreActor)),
            ("Mai", SeatKind::Participant(Role::Engineer)),
            ("Rin", SeatKind::Participant(Role::Observer)),
        ];
        let mut outs = Vec::new();
        for (i, (name, kind)) in seats.iter().enumerate() {
            assert_eq!(d.add_seat((*name).into(), Some(*kind), (*name).into()), Ok((i as u32, *kind)));
            let (tx, rx) = mpsc::channel(limits::OUTBOUND_QUEUE_LEN_MAX);
            d.connect(i as u32, i as u64 + 1, None, tx);
            outs.push(rx);
        }
        let [fac, lead, yui, kaito, tanaka, mai, rin] = [0, 1, 2, 3, 4, 5, 6];
        d.command(fac as u32, 1, 1, Command::Start {});
        d.send_desk_queue();
        d.flush().await;
        let welcomes: Vec<Vec<serde_json::Value>> = outs.iter_mut().map(drain).collect();
        // An agent's welcome has the queue; nobody else's does.
        let welcome = |i: usize| welcomes[i].iter().find(|m| m["type"] == "welcome").cloned().unwrap_or_default();
        assert_eq!(welcome(yui)["snapshot"]["desk_queue"]["waiting"], 0, "{}", welcome(yui));
        for i in [fac, lead, tanaka, mai, rin] {
            assert!(welcome(i)["snapshot"].get("desk_queue").is_none(), "seat {i}: {}", welcome(i));
        }

        // A store actor calls: the lead, observers and facilitators hear it
        // ring, the caller has it; the agents only see the queue grow.
        let text = "Every card payment is declined.";
        d.command(tanaka as u32, 5, 1, Command::CallSupport { text: text.into() });
        d.send_desk_queue();
        d.flush().await;
        let got: Vec<Vec<serde_json::Value>> = outs.iter_mut().map(drain).collect();
        for i in [fac, lead, tanaka, rin] {
            assert_eq!(event_kinds(&got[i]), ["call_updated", "call_line"], "seat {i}: {:?}", got[i]);
        }
        for i in [yui, kaito, mai] {
            assert!(event_kinds(&got[i]).is_empty(), "seat {i}: {:?}", got[i]);
        }
        for i in [yui, kaito] {
            let q: Vec<_> = got[i].iter().filter(|m| m["type"] == "desk_queue").collect();
            assert_eq!(q.len(), 1, "one queue for agent {i}: {:?}", got[i]);
            assert_eq!(q[0]["waiting"], 1);
            assert_eq!(q[0]["calls"][0]["caller"], "Mr Tanaka, manager, Ramen Tanaka Shinjuku");
            assert_eq!(q[0]["calls"][0]["mood"], "calm");
            assert_eq!(q[0]["moods"]["calm"], 1);
            assert_eq!(q[0]["oldest_tick"], d.sim.tick());
        }
        assert!(got[mai].iter().all(|m| m["type"] != "desk_queue"), "an engineer works no phones");
        let call = got[lead][0]["event"]["call"]["id"].as_u64().unwrap_or(u64::MAX) as u32;

        // Nothing changed: no queue goes out again.
        d.send_desk_queue();
        d.flush().await;
        assert!(drain(&mut outs[yui]).is_empty());

        // Yui picks it up: the update that gives her the call carries what
        // the caller said; Kaito sees the queue empty out.
        d.command(yui as u32, 3, 1, Command::TakeCall { call: None });
        d.send_desk_queue();
        d.flush().await;
        let got: Vec<Vec<serde_json::Value>> = outs.iter_mut().map(drain).collect();
        let taken = got[yui].iter().find(|m| m["type"] == "event").cloned().unwrap_or_default();
        assert_eq!(taken["event"]["kind"], "call_updated", "{:?}", got[yui]);
        assert_eq!(taken["event"]["call"]["state"], "talking");
        assert_eq!(taken["event"]["call"]["lines"][0]["text"], text);
        assert!(event_kinds(&got[kaito]).is_empty(), "{:?}", got[kaito]);
        let q = got[kaito].iter().find(|m| m["type"] == "desk_queue").cloned().unwrap_or_default();
        assert_eq!(q["waiting"], 0, "{:?}", got[kaito]);
        assert_eq!(q["oldest_tick"], serde_json::Value::Null);
        assert_eq!(event_kinds(&got[lead]), ["call_updated"]);

        // What is said on the call goes to those on it and those watching
        // the desk, not to the other agents.
        d.command(yui as u32, 3, 2, Command::CallSay { call, text: "Please take cash for now.".into() });
        d.flush().await;
        let got: Vec<Vec<serde_json::Value>> = outs.iter_mut().map(drain).collect();
        for i in [fac, lead, yui, tanaka, rin] {
            assert_eq!(event_kinds(&got[i]), ["call_line"], "seat {i}: {:?}", got[i]);
        }
        for i in [kaito, mai] {
            assert!(event_kinds(&got[i]).is_empty(), "seat {i}: {:?}", got[i]);
        }

        // Reconnecting, an agent gets its own call, not the others'.
        let (tx, mut rx) = mpsc::channel(limits::OUTBOUND_QUEUE_LEN_MAX);
        d.connect(yui as u32, 99, None, tx);
        d.flush().await;
        let w = drain(&mut rx).into_iter().find(|m| m["type"] == "welcome").unwrap_or_default();
        assert_eq!(w["snapshot"]["calls"].as_array().map(Vec::len), Some(1), "{w}");
        assert_eq!(w["snapshot"]["calls"][0]["lines"].as_array().map(Vec::len), Some(2));
        let (tx, mut rx) = mpsc::channel(limits::OUTBOUND_QUEUE_LEN_MAX);
        d.connect(kaito as u32, 100, None, tx);
        d.flush().await;
        let w = drain(&mut rx).into_iter().find(|m| m["type"] == "welcome").unwrap_or_default();
        assert_eq!(w["snapshot"]["calls"], serde_json::json!([]), "{w}");
        // Resuming, an agent gets the queue as it is now.
        let seq = d.seq;
        let (tx, mut rx) = mpsc::channel(limits::OUTBOUND_QUEUE_LEN_MAX);
        d.connect(kaito as u32, 101, Some(seq), tx);
        d.flush().await;
        let msgs = drain(&mut rx);
        assert_eq!(msgs.first().map(|m| m["type"].clone()), Some("resumed".into()), "{msgs:?}");
        assert!(msgs.iter().any(|m| m["type"] == "desk_queue" && m["waiting"] == 0), "{msgs:?}");
    }

    #[test]
    fn the_roster_pages_for_those_who_manage_it_and_no_welcome_carries_all_of_a_big_drill() {
        let s = scenario();
        let mut d = DrillTask::new("d1".into(), "join".into(), &s, 1, Bots::Off, None);
        assert!(d.add_seat("Aiko".into(), Some(SeatKind::Facilitator), "a".into()).is_ok());
        for i in 1..250u32 {
            let role = if i == 200 { Role::IncidentOwner } else { Role::Engineer };
            assert!(d.add_seat(format!("P{i}"), Some(SeatKind::Participant(role)), format!("t{i}")).is_ok());
        }
        let roster = d.snapshot(0, SeatKind::Facilitator).roster;
        assert_eq!(roster.len(), limits::ROSTER_IN_WELCOME_MAX);
        assert!(roster.iter().any(|s| s.id == 200), "the owner, a lead, is in it however late it joined");
        assert!(roster.windows(2).all(|w| w[0].id < w[1].id), "by id");
        let q = |from| Command::Query { query: Query::Roster { from } };
        assert!(authorize(SeatKind::Participant(Role::Engineer), DrillStatus::Running, &q(0)).is_err());
        assert!(authorize(SeatKind::Participant(Role::SupportLead), DrillStatus::Running, &q(0)).is_ok());
        let mut all = Vec::new();
        let mut from = 0;
        loop {
            let Ok(Answer::Roster { seats, total, .. }) = d.answer(0, SeatKind::Facilitator, &Query::Roster { from })
            else {
                panic!("no roster answer")
            };
            assert_eq!(total, 250);
            assert!(seats.len() <= limits::ROSTER_PAGE_MAX);
            let Some(last) = seats.last().map(|s| s.id) else { break };
            all.extend(seats);
            from = last + 1;
        }
        assert_eq!(all.iter().map(|s| s.id).collect::<Vec<_>>(), (0..250).collect::<Vec<_>>(), "every seat, once");
    }

    /// The largest greeting of the load generator's join storm: a drill of
    /// 1,000 in its role mix (`tests/load/workload.rs`), with its names,
    /// everyone in; the welcome of every kind of seat, facilitators and
    /// those who manage the roster included, stays under 16 KB.
    #[test]
    fn no_welcome_of_a_thousand_seat_drill_is_above_16_kb() {
        let s = scenario();
        let mut d = DrillTask::new("d1".into(), "join".into(), &s, 1, Bots::Good, None);
        assert!(d.add_seat("facilitator 0".into(), Some(SeatKind::Facilitator), "f".into()).is_ok());
        let mix = [
            (Role::IncidentOwner, 2),
            (Role::CommsLead, 3),
            (Role::SupportLead, 5),
            (Role::SupportAgent, 350),
            (Role::Sales, 200),
            (Role::Engineer, 250),
            (Role::StoreActor, 80),
            (Role::CorporateActor, 30),
            (Role::Observer, 80),
        ];
        let mut id = 0;
        for (role, n) in mix {
            for _ in 0..n {
                id += 1;
                let name = format!("{} {id}", serde_json::to_value(role).unwrap_or_default().as_str().unwrap_or(""));
                assert!(d.add_seat(name, Some(SeatKind::Participant(role)), format!("t{id}")).is_ok());
            }
        }
        assert_eq!(d.seats.len(), 1001);
        let mut largest = (0, String::new());
        let kinds = std::iter::once(SeatKind::Facilitator).chain(mix.iter().map(|(r, _)| SeatKind::Participant(*r)));
        for kind in kinds {
            let Some(seat) = d.seats.iter().rev().find(|s| s.view.seat == kind).map(|s| s.view.clone()) else {
                panic!("no {kind:?}")
            };
            let snapshot = Box::new(d.snapshot(seat.id, kind));
            let welcome = ServerMsg::Welcome { v: crate::protocol::PROTOCOL_VERSION, you: seat, last_cid: 0, snapshot };
            let bytes = encode_msg(&welcome).len();
            if bytes > largest.0 {
                largest = (bytes, format!("{kind:?}"));
            }
        }
        assert!(largest.0 <= 16 * 1024, "the welcome of a {} is {} bytes", largest.1, largest.0);
    }

    #[test]
    fn a_drill_played_by_bots_ends_in_the_world_simulate_gives() {
        let s = scenario();
        let mut d = DrillTask::new("d1".into(), "join".into(), &s, 7, Bots::Good, None);
        assert!(d.add_seat("Aiko".into(), Some(SeatKind::Facilitator), "a".into()).is_ok());
        d.command(0, 0, 1, Command::Start {});
        d.step_to(s.duration_s / limits::TICK_DRILL_SECONDS);
        let live = d.summary.clone().unwrap_or_else(|| panic!("the drill did not end"));
        let headless = crate::sim::simulate(&s, 7, BotSkill::Good);
        assert_eq!(
            live.state_hash, headless.state_hash,
            "bots through the drill's command path = bots applied directly"
        );
        assert_eq!(live, headless);
    }

    #[test]
    fn a_bot_engineer_waits_for_the_person_owning_the_incident_to_approve_a_risky_fix() {
        // The scenario's fix made risky: it takes the payments service down
        // for a minute.
        let plain = include_str!("../../../scenarios/lunch-peak-pos-outage.toml");
        let fix = "to_version = \"v2.30\"\ndelay_min = 3\n";
        assert!(plain.contains(fix));
        let toml = plain.replace(fix, &format!("{fix}side_effect = {{ kind = \"down\", duration_min = 1 }}\n"));
        let s = crate::scenario::parse(&toml).unwrap_or_else(|p| panic!("{p:?}"));
        let action = "rollback-payments";
        let mut d = DrillTask::new("d1".into(), "join".into(), &s, 1, Bots::Good, None);
        let seat = |d: &mut DrillTask, name: &str, kind| d.add_seat(name.into(), Some(kind), name.into());
        assert_eq!(seat(&mut d, "Aiko", SeatKind::Facilitator), Ok((0, SeatKind::Facilitator)));
        let owner = SeatKind::Participant(Role::IncidentOwner);
        assert_eq!(seat(&mut d, "Kenji", owner), Ok((1, owner)));
        d.command(0, 0, 1, Command::Start {});
        d.step_to(5 * 60);
        d.command(1, 0, 1, Command::Declare {});
        assert!(d.sim.declared_at().is_some(), "the owner declared");
        let ran = |d: &DrillTask| d.sim.actions_run().into_iter().find(|r| r.action == action);
        let mut tick = d.sim.tick();
        while !d.approvals.contains_key(action) && tick < 3_000 {
            d.step_once();
            tick = d.sim.tick();
        }
        assert!(d.approvals.contains_key(action), "the engineer bot never asked to run the fix");
        assert!(ran(&d).is_none(), "a risky fix ran without the owner's approval");
        let asked = d.channels.get(&Channel::IncidentWarRoom).into_iter().flatten().any(|p| {
            matches!(&p.body, PostBody::ApprovalRequested { action: a, by, .. } if a == action && by == "Engineer bot")
        });
        assert!(asked, "the request is posted for the owner to see");
        // The bot keeps wanting it; it still waits.
        d.step_to(tick + 120);
        assert!(ran(&d).is_none(), "a risky fix ran without the owner's approval");
        d.command(1, 0, 2, Command::DecideAction { action: action.into(), approve: true });
        let run = ran(&d).unwrap_or_else(|| panic!("the approved fix did not run"));
        assert_eq!(run.by, "Engineer bot", "it runs as the engineer who asked");
        assert!(!d.approvals.contains_key(action));
        d.step_to(d.sim.tick() + 600);

        // Only the people's inputs are logged; replaying them recomputes
        // the bots' intents and gives the same drill.
        let logged = std::mem::take(&mut d.pending);
        assert!(
            logged.iter().all(|r| match &r.input {
                LoggedInput::Command { seat, .. } => *seat < 2,
                _ => true,
            }),
            "bot commands are not stored"
        );
        let drill = crate::store::DrillRecord {
            id: "d1".into(),
            join_code: "join".into(),
            facilitator_code: String::new(),
            scenario_id: s.id.clone(),
            scenario_toml: toml.clone(),
            seed: 1,
            bots: Bots::Good,
            created_ms: 1,
        };
        let u = Unfinished { drill, tick: d.sim.tick(), log: logged };
        let mut again = DrillTask::new("d1".into(), "join".into(), &s, 1, Bots::Good, None);
        again.apply_log(&u, u.tick);
        assert_eq!((again.sim.tick(), again.seq), (d.sim.tick(), d.seq), "same ticks, same event numbers");
        assert_eq!(again.sim.state_hash(), d.sim.state_hash(), "same world");
        let posts = |t: &DrillTask| t.channels.get(&Channel::IncidentWarRoom).cloned().unwrap_or_default();
        assert_eq!(posts(&again), posts(&d), "same war room, bot requests and runs included");
    }

    #[tokio::test]
    async fn the_status_page_shows_a_notice_once_it_is_stored_and_before_its_ack() {
        let log = Arc::new(FlakyLog::default());
        let mut l = live(log.clone()).await;
        let mut seen = Vec::new();
        let send = |cid: u64, cmd: Command| {
            let inbox = l.inbox.clone();
            async move { inbox.send(Input::Command { seat: 0, conn: 1, cid, cmd }).await.unwrap_or_else(|e| panic!("{e}")) }
        };
        send(1, Command::Start {}).await;
        assert_eq!(reply_to(&mut l.out, 1, &mut seen).await["type"], "ack");
        assert_eq!(l.page.borrow().notices_total, 0);

        // The store refuses the notice's batch: the notice is applied, but
        // the page the HTTP API serves does not show it, since a restart
        // now would take it back.
        log.refuse(true);
        let notice = |text: &str| Command::PublishNotice {
            status: crate::protocol::ComponentStatus::PartialOutage,
            text: text.into(),
        };
        send(2, notice("Card payments fail in Kanto.")).await;
        assert_eq!(next(&mut l.out).await, serde_json::json!({"type": "store_status", "writable": false}));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(l.page.borrow().notices_total, 0, "the page is never ahead of what is stored");

        // Stored: the page has it by the time the ack comes.
        log.refuse(false);
        let mut page = l.page.clone();
        let ack = reply_to(&mut l.out, 2, &mut seen).await;
        assert_eq!(ack["type"], "ack", "{ack}");
        let shown = page.borrow_and_update().clone();
        assert_eq!((shown.notices_total, shown.status), (1, crate::protocol::ComponentStatus::PartialOutage));
        assert!(seen.iter().any(|m| m["event"]["kind"] == "notice_published"), "{seen:?}");

        // With the store working, the page follows each notice at once.
        send(3, notice("Still failing; a fix is rolling out.")).await;
        assert_eq!(reply_to(&mut l.out, 3, &mut seen).await["type"], "ack");
        assert_eq!(l.page.borrow().notices_total, 2);
    }

    #[tokio::test]
    async fn a_refused_append_acknowledges_nothing_until_the_store_takes_it() {
        let log = Arc::new(FlakyLog::default());
        let mut l = live(log.clone()).await;
        let mut seen = Vec::new();
        chat(&l, 1, "stored at once".into()).await;
        assert_eq!(reply_to(&mut l.out, 1, &mut seen).await["type"], "ack");

        log.refuse(true);
        chat(&l, 2, "applied, then held".into()).await;
        // The store refuses the batch: its ack and its post stay held, and
        // every connection is told the drill cannot save.
        let m = next(&mut l.out).await;
        assert_eq!(m, serde_json::json!({"type": "store_status", "writable": false}));
        // Meanwhile new commands and joins are refused, retryably.
        chat(&l, 3, "refused".into()).await;
        let m = next(&mut l.out).await;
        assert_eq!(
            (m["type"].as_str(), m["code"].as_str(), m["cid"].as_u64()),
            (Some("error"), Some("store_unavailable"), Some(3)),
            "{m}"
        );
        assert_eq!(add_seat(&l.inbox, "Ren").await, Err(ErrorCode::StoreUnavailable));
        // It keeps trying, with growing waits.
        tokio::time::sleep(Duration::from_millis(800)).await;
        let tries = log.refused.load(std::sync::atomic::Ordering::SeqCst);
        assert!((2..=6).contains(&tries), "{tries} tries in 800 ms");
        assert!(l.out.try_recv().is_err(), "nothing is released while the store refuses");
        assert_eq!(chats_stored(&log.stored()), vec![1]);

        log.refuse(false);
        // First the news that it saves again, then what was held.
        let m = next(&mut l.out).await;
        assert_eq!(m, serde_json::json!({"type": "store_status", "writable": true}));
        let ack = reply_to(&mut l.out, 2, &mut seen).await;
        assert_eq!(ack["type"], "ack", "{ack}");
        assert!(
            seen.iter().any(|m| m["event"]["post"]["body"]["text"] == "applied, then held"),
            "the post comes with its ack"
        );
        // The refused command was not remembered: sent again, it is applied.
        chat(&l, 3, "refused".into()).await;
        assert_eq!(reply_to(&mut l.out, 3, &mut seen).await["type"], "ack");
        assert_eq!(chats_stored(&log.stored()), vec![1, 2, 3], "every acknowledged command is stored, once");
    }

    /// Fills a real database, or makes it read-only, and checks that what
    /// was acknowledged is exactly what is stored, before and after it
    /// takes writes again.
    async fn a_real_store_refusing(fault: crate::store::WriteFault) {
        let store = Store::in_memory().unwrap_or_else(|e| panic!("{e}"));
        let record = crate::store::DrillRecord {
            id: "d1".into(),
            join_code: "join".into(),
            facilitator_code: "fcode".into(),
            scenario_id: "lunch-peak-pos-outage".into(),
            scenario_toml: String::new(),
            seed: 1,
            bots: Bots::Off,
            created_ms: 1,
        };
        store.create_drill(record).await.unwrap_or_else(|e| panic!("{e}"));
        let mut l = live(Arc::new(store.clone())).await;
        store.set_write_fault(fault).await.unwrap_or_else(|e| panic!("{e}"));
        let mut seen = Vec::new();
        let mut acked = Vec::new();
        let mut cid = 0;
        // Long posts fill the last page soon; a read-only database refuses
        // the first.
        let held = loop {
            cid += 1;
            assert!(cid < 200, "the store never refused");
            chat(&l, cid, format!("{cid} {}", "x".repeat(limits::CHAT_TEXT_CHARS_MAX - 8))).await;
            let reply = loop {
                let m = next(&mut l.out).await;
                if m["type"] == "store_status" || (m["cid"] == cid && m["type"] != "event") {
                    break m;
                }
                assert_ne!(m["type"], "closed");
            };
            if reply["type"] == "store_status" {
                assert_eq!(reply["writable"], false);
                break cid;
            }
            assert_eq!(reply["type"], "ack", "{reply}");
            acked.push(cid);
        };
        // The database itself says why.
        let big = Command::Chat { channel: Channel::Ops, text: "y".repeat(limits::CHAT_TEXT_CHARS_MAX) };
        let probe = vec![LogRecord { tick: 0, input: LoggedInput::Command { seat: 0, cid: u64::MAX, cmd: big } }; 16];
        let why = store.append("d1", 0, probe).await.err().unwrap_or_else(|| panic!("the store took a write"));
        match fault {
            crate::store::WriteFault::Full => assert!(why.is_full(), "{why}"),
            _ => assert!(why.is_read_only(), "{why}"),
        }
        let stored = store.load("d1").await.unwrap_or_else(|e| panic!("{e}")).map(|u| u.log).unwrap_or_default();
        assert_eq!(chats_stored(&stored), acked, "acknowledged = stored while it refuses");

        store.set_write_fault(crate::store::WriteFault::None).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reply_to(&mut l.out, held, &mut seen).await["type"], "ack");
        acked.push(held);
        let stored = store.load("d1").await.unwrap_or_else(|e| panic!("{e}")).map(|u| u.log).unwrap_or_default();
        assert_eq!(chats_stored(&stored), acked, "acknowledged = stored once it takes writes again");
    }

    #[tokio::test]
    async fn a_full_database_acknowledges_only_what_it_stored() {
        a_real_store_refusing(crate::store::WriteFault::Full).await;
    }

    #[tokio::test]
    async fn a_read_only_database_acknowledges_only_what_it_stored() {
        a_real_store_refusing(crate::store::WriteFault::ReadOnly).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_store_that_stays_broken_stops_the_drill_which_comes_back_from_what_was_stored() {
        let log = Arc::new(FlakyLog::default());
        let mut l = live(log.clone()).await;
        let mut seen = Vec::new();
        chat(&l, 1, "kept".into()).await;
        assert_eq!(reply_to(&mut l.out, 1, &mut seen).await["type"], "ack");
        log.refuse(true);
        chat(&l, 2, "never acknowledged".into()).await;
        assert_eq!(next(&mut l.out).await["type"], "store_status");
        let started = now();
        // The drill says why it stops, then closes every connection and
        // its inbox.
        let m = next(&mut l.out).await;
        assert_eq!((m["type"].as_str(), m["code"].as_str()), (Some("error"), Some("store_unavailable")), "{m}");
        assert!(m["cid"].is_null(), "{m}");
        assert_eq!(next(&mut l.out).await["type"], "closed");
        assert!(l.inbox.is_closed(), "the drill task stopped");
        let waited = started.elapsed();
        assert!(waited >= Duration::from_secs(limits::STORE_OUTAGE_MAX_S), "stopped after {waited:?}");
        assert!(waited < Duration::from_secs(limits::STORE_OUTAGE_MAX_S + 3), "stopped after {waited:?}");

        // Restored from what was stored: the acknowledged post is there,
        // the refused batch is not.
        let stored = log.stored();
        assert_eq!(chats_stored(&stored), vec![1]);
        let drill = crate::store::DrillRecord {
            id: "d1".into(),
            join_code: "join".into(),
            facilitator_code: "fcode".into(),
            scenario_id: "lunch-peak-pos-outage".into(),
            scenario_toml: String::new(),
            seed: 1,
            bots: Bots::Off,
            created_ms: 1,
        };
        let u = Unfinished { drill, tick: 0, log: stored };
        let (_, snapshot) = replay_at(&u, &scenario(), 0, Role::IncidentOwner, false);
        let texts: Vec<String> = snapshot
            .channels
            .iter()
            .filter(|c| c.channel == Channel::Ops)
            .flat_map(|c| c.posts.iter())
            .filter_map(|p| match &p.body {
                PostBody::Text { text } => Some(text.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, vec!["kept".to_string()]);
    }

    fn posts(ids: std::ops::RangeInclusive<u64>) -> VecDeque<Post> {
        ids.map(|id| Post { id, author: Author::System, body: PostBody::Text { text: format!("{id}") }, tick: id })
            .collect()
    }

    #[test]
    fn a_kept_post_is_found_by_its_id() {
        let kept = posts(3..=9);
        assert_eq!(find_post(&kept, 3).map(|p| p.id), Ok(3));
        assert_eq!(find_post(&kept, 9).map(|p| p.id), Ok(9));
    }

    #[test]
    fn a_trimmed_post_and_a_post_never_made_are_told_apart() {
        let kept = posts(3..=9);
        assert!(find_post(&kept, 2).is_err_and(|m| m.contains("older than")), "trimmed");
        assert_eq!(find_post(&kept, 10), Err("no post 10".to_string()));
        assert_eq!(find_post(&kept, 0), Err("no post 0".to_string()));
        assert_eq!(find_post(&VecDeque::new(), 1), Err("no post 1".to_string()));
    }

    #[test]
    fn each_outside_actor_plays_the_least_played_character_of_its_kind() {
        let s = scenario();
        let mut d = DrillTask::new("d1".into(), "join".into(), &s, 1, Bots::Off, None);
        let corp = SeatKind::Participant(Role::CorporateActor);
        let store = SeatKind::Participant(Role::StoreActor);
        let seat = |d: &mut DrillTask, name: &str, kind| {
            d.add_seat(name.into(), Some(kind), name.into()).unwrap_or_else(|e| panic!("{e:?}")).0
        };
        let fac = seat(&mut d, "Aiko", SeatKind::Facilitator);
        let a = seat(&mut d, "A", corp);
        let b = seat(&mut d, "B", corp);
        let c = seat(&mut d, "C", corp);
        let t = seat(&mut d, "T", store);
        let e = seat(&mut d, "E", SeatKind::Participant(Role::Engineer));
        let plays = |d: &DrillTask, id: u32| d.seats[id as usize].plays;
        let client = |id: &str| s.clients.iter().position(|c| c.id == id).map(Plays::Client);
        // The client a persona speaks for first, then the other, then round again.
        assert_eq!(plays(&d, a), client("kanto-ramen-hd"));
        assert_eq!(plays(&d, b), client("hikari-cafe"));
        assert_eq!(plays(&d, c), client("kanto-ramen-hd"));
        let tanaka = s.personas.iter().position(|p| p.id == "tanaka-ramen").map(Plays::Store);
        assert_eq!(plays(&d, t), tanaka);
        assert_eq!((plays(&d, fac), plays(&d, e)), (None, None), "only outside actors play one");
        // Leaving the role leaves the character; the next one takes the free one.
        assert!(d.assign_role(fac, b, Role::Observer).is_ok());
        assert_eq!(plays(&d, b), None);
        assert!(d.assign_role(fac, e, Role::CorporateActor).is_ok());
        assert_eq!(plays(&d, e), client("hikari-cafe"));
        // What each is sent follows: A reads Kanto Ramen's chat, E Hikari's.
        let kanto = s.clients.iter().position(|c| c.id == "kanto-ramen-hd");
        assert!(d.seats[a as usize].sees(Audience::Sales(None, kanto)));
        assert!(!d.seats[e as usize].sees(Audience::Sales(None, kanto)));
        assert!(d.seats[t as usize].sees(Audience::Outside) && !d.seats[t as usize].sees(Audience::Internal));
        assert!(!d.seats[fac as usize].sees(Audience::Outside));
    }

    #[test]
    fn a_channel_is_read_by_the_audience_of_its_posts() {
        let store = SeatKind::Participant(Role::StoreActor);
        let agent = SeatKind::Participant(Role::SupportAgent);
        assert!(!sees(1, store, None, channel_audience(Channel::Support)));
        assert!(sees(1, store, None, channel_audience(Channel::Social)));
        assert!(sees(1, agent, None, channel_audience(Channel::Support)));
        assert!(!sees(1, agent, None, channel_audience(Channel::Facilitators)));
        assert!(sees(1, SeatKind::Facilitator, None, channel_audience(Channel::Facilitators)));
    }
}

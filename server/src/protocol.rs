//! The wire protocol: every message a client may send and the server may
//! answer, as closed serde-tagged enums.
//!
//! This module is the only place where wire types live. ECS components never
//! cross the wire; `drill` converts simulation state into these views. Whether
//! a command is allowed for a seat in a given drill status is decided here, in
//! one exhaustive match ([`authorize`]), so the rule can be read in one place.
//! `docs/protocol.md` documents every message with a JSON example, and the
//! golden fixtures in `docs/protocol/*.json` are parsed by the tests so the
//! document and the code cannot drift.

use serde::{Deserialize, Serialize};

mod board;
mod desk;
mod engineer;
mod pulse;
pub use board::*;
pub use desk::*;
pub use engineer::*;
pub use pulse::*;

/// Version of this protocol. A client that says another version in `hello`
/// gets an `unsupported_version` error.
pub const PROTOCOL_VERSION: u32 = 1;

/// A role a participant plays. Facilitators are not a role: they hold a
/// facilitator seat (see [`SeatKind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// インシデントオーナー: owns the whole incident and its phase.
    IncidentOwner,
    /// 対外発信責任者: all communication to the outside.
    CommsLead,
    /// 顧客対応責任者: runs the phones and the talk scripts.
    SupportLead,
    /// Takes calls from stores; the newcomer's seat.
    SupportAgent,
    /// Answers corporate clients.
    Sales,
    /// Investigates and runs runbook actions.
    Engineer,
    /// Plays a store that uses the product (店舗役).
    StoreActor,
    /// Plays a corporate client (法人役).
    CorporateActor,
    /// Watches without acting.
    Observer,
}

impl Role {
    /// Every role, in the order the lobby offers them.
    pub const ALL: [Role; 9] = [
        Role::IncidentOwner,
        Role::CommsLead,
        Role::SupportLead,
        Role::SupportAgent,
        Role::Sales,
        Role::Engineer,
        Role::StoreActor,
        Role::CorporateActor,
        Role::Observer,
    ];

    /// Whether this is a lead role, which a facilitator may keep for the
    /// people planned for it (`lock_roles`).
    pub fn is_lead(self) -> bool {
        matches!(self, Role::IncidentOwner | Role::CommsLead | Role::SupportLead)
    }

    /// Whether this role is inside the company (and so sees internal channels).
    pub fn is_internal(self) -> bool {
        match self {
            Role::IncidentOwner
            | Role::CommsLead
            | Role::SupportLead
            | Role::SupportAgent
            | Role::Sales
            | Role::Engineer
            | Role::Observer => true,
            Role::StoreActor | Role::CorporateActor => false,
        }
    }
}

/// What kind of seat a connection holds. Decided by the server from the
/// token the client presented, never from anything else the client says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "role", rename_all = "snake_case")]
pub enum SeatKind {
    /// Runs the drill: start, pause, speed, end; sees everything.
    Facilitator,
    /// Plays a role.
    Participant(Role),
}

/// Where a drill is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrillStatus {
    /// Created; people are joining; the world is not moving yet.
    Lobby,
    /// The world clock runs.
    Running,
    /// The facilitator paused the clock; chat still works.
    Paused,
    /// Over; the summary is final.
    Ended,
}

impl DrillStatus {
    /// The status as it is spelled on the wire.
    pub fn wire_name(self) -> &'static str {
        match self {
            DrillStatus::Lobby => "lobby",
            DrillStatus::Running => "running",
            DrillStatus::Paused => "paused",
            DrillStatus::Ended => "ended",
        }
    }
}

/// The incident's phase, set by the incident owner after the declaration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Nobody has declared an emergency yet.
    #[default]
    Normal,
    /// Declared; the cause is not known.
    Investigating,
    /// The cause is known.
    Identified,
    /// A fix is being applied.
    Mitigating,
    /// The fix took; watching that it holds.
    Monitoring,
    /// Over for the customers.
    Resolved,
}

/// A chat channel. `ops` exists from the start (the health bot posts
/// there); the others are created by the declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// #ops: product health, open before any emergency.
    Ops,
    /// #incident-war-room: the response team.
    IncidentWarRoom,
    /// #support: the support lead and agents.
    Support,
    /// #external: drafting customer communication.
    External,
    /// #sales: corporate accounts.
    Sales,
    /// #facilitators: the facilitators' private notes; nobody else sees it.
    Facilitators,
    /// #social: the public social feed; everyone reads it, outside actors
    /// and the company's communicators write.
    Social,
}

impl Channel {
    /// Channels the declaration creates, in the order they are opened.
    pub const RESPONSE: [Channel; 4] = [Channel::IncidentWarRoom, Channel::Support, Channel::External, Channel::Sales];

    /// The channel as it is spelled on the wire (and after `#` in messages).
    pub fn wire_name(self) -> &'static str {
        match self {
            Channel::Ops => "ops",
            Channel::IncidentWarRoom => "incident-war-room",
            Channel::Support => "support",
            Channel::External => "external",
            Channel::Sales => "sales",
            Channel::Facilitators => "facilitators",
            Channel::Social => "social",
        }
    }
}

/// Who plays the response roles nobody holds, chosen when a drill is
/// created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bots {
    /// Nobody: only people respond.
    #[default]
    Off,
    /// Bots respond like a practised team (owner, comms lead, engineer).
    Good,
    /// Bots respond at once and always right.
    Perfect,
}

impl Bots {
    /// The name stored and sent on the wire.
    pub fn wire_name(self) -> &'static str {
        match self {
            Bots::Off => "off",
            Bots::Good => "good",
            Bots::Perfect => "perfect",
        }
    }

    /// Parses [`Bots::wire_name`].
    pub fn from_wire_name(s: &str) -> Option<Bots> {
        match s {
            "off" => Some(Bots::Off),
            "good" => Some(Bots::Good),
            "perfect" => Some(Bots::Perfect),
            _ => None,
        }
    }
}

/// Component state on the public status page (Statuspage's vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentStatus {
    /// Working normally.
    Operational,
    /// Slower or flakier than normal.
    DegradedPerformance,
    /// Failing for some customers.
    PartialOutage,
    /// Failing for everyone.
    MajorOutage,
}

// ---------------------------------------------------------------------------
// Client -> server
// ---------------------------------------------------------------------------

/// Everything a client may send over the WebSocket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMsg {
    /// First message on every connection: who I am and where I left off.
    Hello {
        /// Must equal [`PROTOCOL_VERSION`].
        v: u32,
        /// The session token from `POST /api/drills` or `/join`.
        token: String,
        /// The last event `seq` this client saw, when resuming.
        #[serde(default)]
        last_seq: Option<u64>,
    },
    /// A command. `cid` is chosen by the client, increases per session, and
    /// makes a resent command apply once.
    Cmd {
        /// Client command id.
        cid: u64,
        /// What to do.
        cmd: Command,
    },
    /// Keep-alive; answered with `pong`.
    Ping {
        /// Echoed back unchanged.
        t: u64,
    },
}

/// A command that changes the drill. Who may send which is [`authorize`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Post a message in a channel.
    Chat {
        /// Where.
        channel: Channel,
        /// What (plain text, at most `CHAT_TEXT_CHARS_MAX` characters).
        text: String,
    },
    /// Pin a post at the top of its channel, or unpin it. Whoever may
    /// write in a channel may pin there (facilitators anywhere); a channel
    /// holds at most `PINS_PER_CHANNEL_MAX` pins.
    PinPost {
        /// The post's channel.
        channel: Channel,
        /// The post's `id` in that channel.
        post: u64,
        /// Pin (true) or unpin (false).
        pinned: bool,
    },
    /// 発令: declare the emergency; opens the response channels.
    Declare {},
    /// Move the incident to another phase.
    SetPhase {
        /// The new phase (not `normal`).
        phase: Phase,
    },
    /// Run a runbook action against the simulated services.
    RunAction {
        /// The action's id from the scenario (see the snapshot's `actions`).
        action: String,
    },
    /// Publish an external notice on the public status page.
    PublishNotice {
        /// State of the affected component.
        status: ComponentStatus,
        /// The message customers read.
        text: String,
    },
    /// Facilitator: start the clock.
    Start {},
    /// Facilitator: pause the clock.
    Pause {},
    /// Facilitator: resume after a pause.
    Resume {},
    /// Facilitator: drill seconds per real second (1..=`SPEED_MAX`).
    SetSpeed {
        /// The new speed.
        speed: u32,
    },
    /// Facilitator: end the drill and publish the summary.
    End {},
    /// Give a seat another role. The facilitator may assign any role; the
    /// incident owner may too, and handing over `incident_owner` swaps: the
    /// old owner takes the new owner's former role.
    AssignRole {
        /// The seat's id (see the roster).
        seat: u32,
        /// Its new role.
        role: Role,
    },
    /// Edit a shared document (status board, incident doc, talk script,
    /// checklist, incident report). `base_version` is the version the
    /// editor started from; if someone saved in between, the edit is
    /// refused with `conflict` and the client merges.
    EditDoc {
        /// The document's id (see the snapshot's `docs`).
        doc: String,
        /// Version the edit is based on.
        base_version: u64,
        /// The whole new text (plain text).
        text: String,
    },
    /// Incident owner: a structured status report, posted in the war room.
    StatusReport {
        /// What is affected (services, features).
        affected: String,
        /// Scope: regions, clients, share of stores.
        scope: String,
        /// Impact on stores and guests.
        impact: String,
        /// What is being done.
        actions: String,
        /// Minutes until the next report (1..=120); the owner is nudged if
        /// it is late.
        next_update_min: u32,
    },
    /// Engineer: state a hypothesis about the cause, in the war room.
    Hypothesis {
        /// The hypothesis, plain text.
        text: String,
    },
    /// Facilitator: plan a role for a name before people join; whoever
    /// joins with that name (case and surrounding spaces ignored) gets it.
    PlanRole {
        /// The name people will type.
        name: String,
        /// The role they will get.
        role: Role,
    },
    /// Facilitator: keep the lead roles (`incident_owner`, `comms_lead`,
    /// `support_lead`) for the people planned for them. While locked, the
    /// join code seats someone in a lead role only through a role planned
    /// for their name, and only the first person to join with that name.
    LockRoles {
        /// Lock (true) or unlock (false).
        locked: bool,
    },
    /// Support: pick up a waiting call (the longest-waiting one when `call`
    /// is absent). An agent holds one call at a time.
    TakeCall {
        /// The call's id, or none for the next in the queue.
        call: Option<u32>,
    },
    /// Say something in a call: the agent on it, or the person playing
    /// the caller (a facilitator speaks as the caller).
    CallSay {
        /// The call's id.
        call: u32,
        /// What is said (plain text, at most `CHAT_TEXT_CHARS_MAX`).
        text: String,
    },
    /// The agent on a call puts the caller on hold, or takes them off it.
    HoldCall {
        /// The call's id.
        call: u32,
        /// On hold (true) or back (false).
        hold: bool,
    },
    /// The agent on a call (or the support lead) closes it.
    EndCall {
        /// The call's id.
        call: u32,
        /// How it ended.
        disposition: Disposition,
    },
    /// Support lead: give a waiting call to an agent's seat.
    AssignCall {
        /// The call's id.
        call: u32,
        /// The agent's seat id.
        seat: u32,
    },
    /// Store actor: call the support desk.
    CallSupport {
        /// The opening line.
        text: String,
    },
    /// Sales (or the person playing the client, or a facilitator speaking
    /// as the client): write in a corporate client's chat.
    ChatSay {
        /// The client's id.
        client: String,
        /// What is written (plain text).
        text: String,
    },
    /// Facilitator: fire an inject now (if it has not fired).
    TriggerInject {
        /// The inject's id.
        inject: String,
    },
    /// Facilitator: skip an inject that has not fired.
    SkipInject {
        /// The inject's id.
        inject: String,
    },
    /// Facilitator: hold an inject back; it fires no earlier than this
    /// many minutes from now.
    DelayInject {
        /// The inject's id.
        inject: String,
        /// Minutes (1..=120).
        minutes: u32,
    },
    /// Facilitator: change what an inject says before it fires.
    EditInject {
        /// The inject's id.
        inject: String,
        /// The new text.
        text: String,
    },
    /// Facilitator: send an inject written now, from a persona.
    AdHocInject {
        /// The persona's id (see the snapshot's `personas`).
        persona: String,
        /// How it arrives.
        medium: Medium,
        /// What it says.
        text: String,
    },
    /// Facilitator: start, worsen, spread or heal a fault.
    FaultControl {
        /// The fault's id (see the answer key).
        fault: String,
        /// What to do.
        op: FaultOp,
    },
    /// Look at logs, dashboards, deploys, a channel's older posts or (for
    /// facilitators) the board. Answered with `answer` to this connection
    /// only; changes nothing.
    Query {
        /// What to look at.
        query: Query,
    },
    /// Incident owner: approve or reject a risky runbook action an
    /// engineer asked to run (see `ActionView::risky`).
    DecideAction {
        /// The action's id.
        action: String,
        /// Run it (true) or not.
        approve: bool,
    },
    /// Facilitator: push a pulse question to everyone inside the company;
    /// it closes after `PULSE_OPEN_S` drill seconds.
    AskPulse {
        /// What to ask.
        kind: PulseKind,
    },
    /// Answer an open pulse question (again, to change the answer).
    AnswerPulse {
        /// The question's id.
        pulse: u32,
        /// Option ids picked (none is an answer too: "nothing").
        picks: Vec<String>,
    },
    /// Facilitator: rate a capability on the exercise scale (P/S/M/U) for
    /// the after-action review; any drill status. A later rating of the
    /// same capability replaces the earlier one.
    RateCapability {
        /// What is rated, e.g. `declaration` (1 to 80 characters).
        capability: String,
        /// The rating.
        rating: CapabilityRating,
        /// Why (plain text; may be empty).
        comment: String,
    },
    /// Facilitator: add an item to the improvement plan for the
    /// after-action review; any drill status.
    AddImprovement {
        /// What should change (plain text).
        text: String,
        /// Who owns it (a name or team; may be empty).
        owner: String,
    },
}

/// The name of a command's type, as it appears on the wire. Used in errors
/// and logs.
pub fn command_name(cmd: &Command) -> &'static str {
    match cmd {
        Command::Chat { .. } => "chat",
        Command::PinPost { .. } => "pin_post",
        Command::Declare {} => "declare",
        Command::SetPhase { .. } => "set_phase",
        Command::RunAction { .. } => "run_action",
        Command::PublishNotice { .. } => "publish_notice",
        Command::Start {} => "start",
        Command::Pause {} => "pause",
        Command::Resume {} => "resume",
        Command::SetSpeed { .. } => "set_speed",
        Command::End {} => "end",
        Command::AssignRole { .. } => "assign_role",
        Command::EditDoc { .. } => "edit_doc",
        Command::StatusReport { .. } => "status_report",
        Command::Hypothesis { .. } => "hypothesis",
        Command::PlanRole { .. } => "plan_role",
        Command::LockRoles { .. } => "lock_roles",
        Command::TakeCall { .. } => "take_call",
        Command::CallSay { .. } => "call_say",
        Command::HoldCall { .. } => "hold_call",
        Command::EndCall { .. } => "end_call",
        Command::AssignCall { .. } => "assign_call",
        Command::CallSupport { .. } => "call_support",
        Command::ChatSay { .. } => "chat_say",
        Command::TriggerInject { .. } => "trigger_inject",
        Command::SkipInject { .. } => "skip_inject",
        Command::DelayInject { .. } => "delay_inject",
        Command::EditInject { .. } => "edit_inject",
        Command::AdHocInject { .. } => "ad_hoc_inject",
        Command::FaultControl { .. } => "fault_control",
        Command::Query { .. } => "query",
        Command::DecideAction { .. } => "decide_action",
        Command::AskPulse { .. } => "ask_pulse",
        Command::AnswerPulse { .. } => "answer_pulse",
        Command::RateCapability { .. } => "rate_capability",
        Command::AddImprovement { .. } => "add_improvement",
    }
}

/// Why a command was refused by [`authorize`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// This seat's role may never send this command.
    #[error("your role may not do this")]
    Role,
    /// The command is not possible in the drill's current status.
    #[error("not possible while the drill is {}", .0.wire_name())]
    Status(DrillStatus),
}

/// The one rule of who may do what, when. Exhaustive on purpose: a new
/// command or role does not compile until it is placed here.
pub fn authorize(seat: SeatKind, status: DrillStatus, cmd: &Command) -> Result<(), Denied> {
    use Role as R;
    let playing = matches!(status, DrillStatus::Running | DrillStatus::Paused);
    let role_ok = match (seat, cmd) {
        (SeatKind::Facilitator, _) => true,
        // Pinning goes with writing: whoever may post in a channel may pin
        // there.
        (SeatKind::Participant(role), Command::Chat { channel, .. } | Command::PinPost { channel, .. }) => {
            writes_in(role, *channel)
        }
        (SeatKind::Participant(role), Command::Declare {}) => {
            matches!(role, R::IncidentOwner | R::SupportLead | R::Engineer)
        }
        (SeatKind::Participant(role), Command::SetPhase { .. }) => role == R::IncidentOwner,
        (SeatKind::Participant(role), Command::RunAction { .. }) => role == R::Engineer,
        (SeatKind::Participant(role), Command::PublishNotice { .. }) => {
            matches!(role, R::CommsLead | R::IncidentOwner)
        }
        (SeatKind::Participant(role), Command::AssignRole { .. }) => role == R::IncidentOwner,
        // Which document a role may edit is decided with the document
        // (`doc_writable`); outside actors and observers edit none.
        (SeatKind::Participant(role), Command::EditDoc { .. }) => role.is_internal() && role != R::Observer,
        (SeatKind::Participant(role), Command::StatusReport { .. }) => role == R::IncidentOwner,
        (SeatKind::Participant(role), Command::Hypothesis { .. }) => matches!(role, R::Engineer | R::IncidentOwner),
        (SeatKind::Participant(role), Command::TakeCall { .. } | Command::HoldCall { .. }) => {
            matches!(role, R::SupportAgent | R::SupportLead)
        }
        (SeatKind::Participant(role), Command::EndCall { .. }) => matches!(role, R::SupportAgent | R::SupportLead),
        // Whether the seat is on that call is checked with the call.
        (SeatKind::Participant(role), Command::CallSay { .. }) => {
            matches!(role, R::SupportAgent | R::SupportLead | R::StoreActor)
        }
        (SeatKind::Participant(role), Command::AssignCall { .. }) => role == R::SupportLead,
        (SeatKind::Participant(role), Command::CallSupport { .. }) => role == R::StoreActor,
        (SeatKind::Participant(role), Command::ChatSay { .. }) => matches!(role, R::Sales | R::CorporateActor),
        // Whether the seat reads the channel is checked with the channel.
        (SeatKind::Participant(_), Command::Query { query: Query::History { .. } }) => true,
        // The board shows the truth the response has to find out (which
        // regions and clients hurt, how much): like the answer key, it is
        // the facilitators'. Observers sit inside the company and talk to
        // the team, so they do not see it either.
        (SeatKind::Participant(_), Command::Query { query: Query::Board {} | Query::Store { .. } }) => false,
        // Pages of the roster, for those who manage it (and so hear of
        // every seat's changes, which keep the pages up to date).
        (SeatKind::Participant(role), Command::Query { query: Query::Roster { .. } }) => {
            matches!(role, R::IncidentOwner | R::SupportLead)
        }
        (SeatKind::Participant(role), Command::Query { .. }) => {
            matches!(role, R::Engineer | R::IncidentOwner | R::Observer)
        }
        (SeatKind::Participant(role), Command::DecideAction { .. }) => role == R::IncidentOwner,
        (SeatKind::Participant(role), Command::AnswerPulse { .. }) => role.is_internal() && role != R::Observer,
        (SeatKind::Participant(_), Command::AskPulse { .. }) => false,
        (
            SeatKind::Participant(_),
            Command::Start {}
            | Command::Pause {}
            | Command::Resume {}
            | Command::SetSpeed { .. }
            | Command::End {}
            | Command::PlanRole { .. }
            | Command::LockRoles { .. }
            | Command::TriggerInject { .. }
            | Command::SkipInject { .. }
            | Command::DelayInject { .. }
            | Command::EditInject { .. }
            | Command::AdHocInject { .. }
            | Command::FaultControl { .. }
            | Command::RateCapability { .. }
            | Command::AddImprovement { .. },
        ) => false,
    };
    if !role_ok {
        return Err(Denied::Role);
    }
    let status_ok = match cmd {
        Command::Chat { .. } | Command::PinPost { .. } => status != DrillStatus::Ended,
        Command::Declare {} | Command::SetPhase { .. } | Command::RunAction { .. } | Command::PublishNotice { .. } => {
            playing
        }
        Command::Start {} => status == DrillStatus::Lobby,
        Command::Pause {} => status == DrillStatus::Running,
        Command::Resume {} => status == DrillStatus::Paused,
        Command::SetSpeed { .. } => status != DrillStatus::Ended,
        Command::End {} => status != DrillStatus::Ended,
        Command::AssignRole { .. } | Command::PlanRole { .. } | Command::LockRoles { .. } => {
            status != DrillStatus::Ended
        }
        // The incident report is often finished after the drill ends.
        Command::EditDoc { .. } => status != DrillStatus::Lobby,
        Command::StatusReport { .. } | Command::Hypothesis { .. } => playing,
        Command::TakeCall { .. }
        | Command::CallSay { .. }
        | Command::HoldCall { .. }
        | Command::EndCall { .. }
        | Command::AssignCall { .. }
        | Command::CallSupport { .. }
        | Command::ChatSay { .. } => playing,
        // Editing or delaying the plan is fine before the start.
        Command::SkipInject { .. } | Command::DelayInject { .. } | Command::EditInject { .. } => {
            status != DrillStatus::Ended
        }
        Command::TriggerInject { .. } | Command::AdHocInject { .. } | Command::FaultControl { .. } => playing,
        // Looking is fine whenever the world exists.
        Command::Query { .. } => true,
        Command::DecideAction { .. } | Command::AskPulse { .. } | Command::AnswerPulse { .. } => playing,
        // The review is written during and after the drill.
        Command::RateCapability { .. } | Command::AddImprovement { .. } => true,
    };
    if status_ok { Ok(()) } else { Err(Denied::Status(status)) }
}

/// Whether a role may write (and so pin) in a channel.
fn writes_in(role: Role, channel: Channel) -> bool {
    match role {
        Role::Observer => false,
        Role::StoreActor | Role::CorporateActor => channel == Channel::Social,
        Role::IncidentOwner
        | Role::CommsLead
        | Role::SupportLead
        | Role::SupportAgent
        | Role::Sales
        | Role::Engineer => channel_writable(role, channel),
    }
}

/// Which internal roles may write in which channel. Everyone internal reads
/// every internal channel; writing is per team so that channels stay useful.
fn channel_writable(role: Role, channel: Channel) -> bool {
    match channel {
        Channel::Facilitators => false,
        Channel::Ops | Channel::IncidentWarRoom => true,
        Channel::Support => matches!(role, Role::IncidentOwner | Role::SupportLead | Role::SupportAgent),
        Channel::External => matches!(role, Role::IncidentOwner | Role::CommsLead | Role::SupportLead),
        Channel::Sales => matches!(role, Role::IncidentOwner | Role::Sales | Role::CommsLead),
        Channel::Social => matches!(role, Role::IncidentOwner | Role::CommsLead),
    }
}

/// What a shared document is for; decides who may edit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "role", rename_all = "snake_case")]
pub enum DocKind {
    /// The status board: the current picture, for everyone inside.
    StatusBoard,
    /// The incident doc: timeline, findings, decisions.
    IncidentDoc,
    /// A talk script (トークスクリプト) for the phones.
    TalkScript,
    /// The written incident report (障害報告).
    IncidentReport,
    /// One role's checklist.
    Checklist(Role),
}

/// Who may edit which document (facilitators may edit all). Exhaustive.
pub fn doc_writable(role: Role, kind: DocKind) -> bool {
    use Role as R;
    match kind {
        DocKind::StatusBoard => matches!(role, R::IncidentOwner | R::CommsLead | R::SupportLead),
        DocKind::IncidentDoc => matches!(role, R::IncidentOwner | R::Engineer | R::CommsLead),
        DocKind::TalkScript => matches!(role, R::SupportLead | R::IncidentOwner),
        DocKind::IncidentReport => matches!(role, R::CommsLead | R::IncidentOwner),
        DocKind::Checklist(owner) => owner == role,
    }
}

// ---------------------------------------------------------------------------
// Server -> client
// ---------------------------------------------------------------------------

/// Everything the server sends over the WebSocket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// Answer to `hello` when the client is new or too far behind: the whole
    /// state. Events with `seq` greater than `snapshot.seq` follow.
    Welcome {
        /// Protocol version.
        v: u32,
        /// Who this connection is.
        you: SeatView,
        /// Highest command id accepted from this seat so far: a client
        /// continues numbering after it (a lower or equal `cid` is taken
        /// as a resend and acknowledged without being applied again).
        last_cid: u64,
        /// The drill as this seat may see it.
        snapshot: Box<Snapshot>,
    },
    /// Answer to `hello` with a `last_seq` the server still holds: exactly
    /// the missed events follow, in order.
    Resumed {
        /// Who this connection is.
        you: SeatView,
        /// Highest command id accepted from this seat so far.
        last_cid: u64,
        /// How many events follow.
        replayed: u64,
    },
    /// Something happened. `seq` increases by one per drill event; a seat
    /// sees only the events its audience may see, so it may see gaps.
    Event {
        /// Drill-wide sequence number.
        seq: u64,
        /// Simulation tick at which it happened.
        tick: u64,
        /// What happened.
        event: Event,
    },
    /// The world's clock and live metrics, a few times a second. Not
    /// sequenced: each pulse replaces the previous one.
    Pulse(Pulse),
    /// A command was accepted.
    Ack {
        /// The command's `cid`.
        cid: u64,
    },
    /// The answer to a `query` command (instead of an `ack`).
    Answer {
        /// The query's `cid`.
        cid: u64,
        /// What was asked for.
        answer: Box<Answer>,
    },
    /// Something the client sent was refused. Nothing changed.
    Error {
        /// Machine-readable reason.
        code: ErrorCode,
        /// Human-readable explanation, safe to show.
        message: String,
        /// The refused command's `cid`, when there was one.
        #[serde(skip_serializing_if = "Option::is_none")]
        cid: Option<u64>,
    },
    /// Answer to `ping`.
    Pong {
        /// The `t` from the ping.
        t: u64,
    },
    /// The support desk's queue, for support agents (who do not get every
    /// ring): at most once a second when it changed, and right after a
    /// `resumed`. Not sequenced: each replaces the previous one.
    DeskQueue(DeskQueue),
    /// Whether the drill can save what happens. Not sequenced. Sent to
    /// every connection when its database starts refusing writes
    /// (`writable: false`: commands are refused with `store_unavailable`,
    /// the clock stands still, nothing already sent is lost) and when it
    /// works again (`writable: true`), and on connecting while it refuses.
    StoreStatus {
        /// Whether the drill can save again.
        writable: bool,
    },
}

/// Why a command was refused: the code clients switch on and a message
/// safe to show. The one refusal type of the drill's rules.
pub type Refusal = (ErrorCode, String);

/// Why the server refused something. Stable strings; clients switch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not JSON, or not a known message shape.
    BadMessage,
    /// The `hello` named another protocol version.
    UnsupportedVersion,
    /// A message other than `hello` arrived before it.
    HelloRequired,
    /// The token is unknown.
    BadToken,
    /// The seat's role may not send this command.
    Forbidden,
    /// The command is not possible in the drill's current status or phase.
    WrongState,
    /// A field's value is out of range (empty text, unknown action...).
    InvalidValue,
    /// The drill no longer exists.
    NoSuchDrill,
    /// The server is at a limit (seats, drills); try later.
    Full,
    /// Someone saved a newer version of the document first.
    Conflict,
    /// The drill cannot save right now (its database refuses writes):
    /// nothing changed; send the command again in a moment.
    StoreUnavailable,
}

/// A seat as everyone may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatView {
    /// Stable id within the drill.
    pub id: u32,
    /// Display name, as typed.
    pub name: String,
    /// Facilitator or participant with a role.
    pub seat: SeatKind,
    /// Whether a connection currently holds this seat.
    pub online: bool,
}

/// Static facts about the drill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrillInfo {
    /// The drill's id.
    pub id: String,
    /// Scenario id it was created from.
    pub scenario: String,
    /// Scenario title, as written.
    pub title: String,
    /// Scenario summary, as written.
    pub summary: String,
    /// BCP 47 language of the scenario's texts.
    pub language: String,
    /// World time of day at tick 0, in seconds after midnight.
    pub start_time_of_day_s: u32,
    /// Planned length, in drill seconds.
    pub duration_s: u64,
    /// Code that lets people join (also in the join link); empty for
    /// outside actors, who are invited by the facilitator.
    pub join_code: String,
    /// Region ids and display names, in scenario order.
    pub regions: Vec<NamedId>,
    /// Services and display names, in scenario order.
    pub services: Vec<NamedId>,
}

/// An id with a display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedId {
    /// Machine id.
    pub id: String,
    /// Display name, as written in the scenario.
    pub name: String,
}

/// The whole drill as one seat may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Last event seq included in this snapshot.
    pub seq: u64,
    /// Static facts.
    pub drill: DrillInfo,
    /// Lobby, running, paused or ended.
    pub status: DrillStatus,
    /// Drill seconds per real second.
    pub speed: u32,
    /// Current clock and metrics.
    pub pulse: Pulse,
    /// The incident's phase.
    pub phase: Phase,
    /// Tick of the declaration, if declared.
    pub declared_at_tick: Option<u64>,
    /// Seats, at most `ROSTER_IN_WELCOME_MAX`: the leads, oneself, and for
    /// those who manage the roster (facilitators, the incident owner, the
    /// support lead) the first seats by id; the rest page in with the
    /// `roster` query. `seat_changed` events go to the same audiences.
    pub roster: Vec<SeatView>,
    /// Seats in the drill, all of them.
    #[serde(default)]
    pub roster_total: u32,
    /// Channels this seat can read, with their latest posts and their pins.
    pub channels: Vec<ChannelView>,
    /// Runbook actions (for engineers and facilitators; empty otherwise).
    pub actions: Vec<ActionView>,
    /// Runbook actions started so far.
    pub actions_run: Vec<ActionRun>,
    /// External notices published so far, oldest first.
    pub notices: Vec<Notice>,
    /// The final summary once ended.
    pub summary: Option<Summary>,
    /// The hidden answer key; facilitators only.
    pub answer_key: Option<Vec<FaultView>>,
    /// Roles planned by name; facilitators only (empty otherwise).
    pub planned_roles: Vec<PlannedRole>,
    /// Whether the lead roles are kept for the people planned for them
    /// (`lock_roles`); facilitators only (`false` otherwise).
    pub roles_locked: bool,
    /// Shared documents created by the declaration (internal seats only).
    pub docs: Vec<DocView>,
    /// Drill second by which the owner promised the next status report.
    pub next_report_due_tick: Option<u64>,
    /// The code that makes whoever joins with it a facilitator;
    /// facilitators only.
    pub facilitator_code: Option<String>,
    /// Calls this seat may see: every open call and the latest closed ones
    /// for the support lead, observers and facilitators; a support agent's
    /// own calls (as the agent); a store actor's own calls (as the caller).
    #[serde(default)]
    pub calls: Vec<CallView>,
    /// The desk's queue, for support agents (`None` for everyone else,
    /// who either sees every call or none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desk_queue: Option<DeskQueue>,
    /// Corporate clients' chats: all for sales and facilitators, a
    /// corporate actor's own (once they wrote).
    #[serde(default)]
    pub chats: Vec<ChatView>,
    /// Every corporate client, for sales, corporate actors and facilitators.
    #[serde(default)]
    pub clients: Vec<NamedId>,
    /// The injects timeline; facilitators only.
    #[serde(default)]
    pub injects: Vec<InjectView>,
    /// Personas an ad-hoc inject can come from; facilitators only.
    #[serde(default)]
    pub personas: Vec<NamedId>,
    /// Pulse questions open now (internal seats), with this seat's picks
    /// if it answered.
    #[serde(default)]
    pub pulses_open: Vec<PulseOpen>,
    /// Results of closed pulse questions: facilitators during the drill,
    /// everyone once it ended.
    #[serde(default)]
    pub pulse_results: Vec<PulseResult>,
    /// For a store or corporate actor: the scenario's personas of that kind,
    /// how to play them and their scripted lines (prompts of what to say).
    #[serde(default)]
    pub briefs: Vec<ActorBrief>,
    /// For a store or corporate actor: the character this seat plays (the
    /// server gives each one when the seat gets its role); absent for
    /// every other seat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub character: Option<Character>,
}

/// The character an outside actor plays: a store persona of the scenario
/// (a `store_actor`), or a corporate client (a `corporate_actor`), with
/// the persona who speaks for it if the scenario has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Character {
    /// The persona id (an entry of `briefs`), if any.
    pub persona: Option<String>,
    /// The name others see: the persona's name, or the client's.
    pub name: String,
    /// The store's region id, for a store with one.
    pub region: Option<String>,
    /// The corporate client id: the client a corporate actor plays (its
    /// chat with sales), or the client owning a store.
    pub client: Option<String>,
}

/// An open pulse question as one seat sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PulseOpen {
    /// The question.
    pub question: PulseQuestion,
    /// This seat's picks, if it answered.
    pub picks: Option<Vec<String>>,
}

/// A shared document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocView {
    /// Stable id, e.g. `status-board`, `talk-script`, `checklist-engineer`.
    pub id: String,
    /// What it is for.
    pub kind: DocKind,
    /// Title, in the scenario's language.
    pub title: String,
    /// The text (plain text).
    pub text: String,
    /// Increases by one per saved edit.
    pub version: u64,
    /// Who saved last (empty for the template).
    pub updated_by: String,
    /// Tick of the last save.
    pub updated_tick: u64,
}

/// A structured status report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusReport {
    /// What is affected.
    pub affected: String,
    /// Scope.
    pub scope: String,
    /// Impact.
    pub impact: String,
    /// Actions under way.
    pub actions: String,
    /// Tick by which the next report is promised.
    pub next_update_tick: u64,
    /// Who reported.
    pub by: String,
}

/// A role planned for a name before the drill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedRole {
    /// The name, as the facilitator typed it.
    pub name: String,
    /// The role.
    pub role: Role,
}

/// A channel, its recent posts and its pins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelView {
    /// Which channel.
    pub channel: Channel,
    /// Most recent posts, oldest first (at most `POSTS_IN_WELCOME_MAX`).
    pub posts: Vec<Post>,
    /// Pinned posts, in the order they were pinned (at most
    /// `PINS_PER_CHANNEL_MAX`), each with the whole post: a pinned post
    /// may be older than `posts` reach.
    #[serde(default)]
    pub pins: Vec<Pin>,
}

/// A post pinned at the top of its channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pin {
    /// The post, as it was posted.
    pub post: Post,
    /// Who pinned it.
    pub by: String,
    /// Tick at which it was pinned.
    pub tick: u64,
}

/// One post in a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Post {
    /// The post's number in its channel: 1 for the first, one more for
    /// each next one. Names the post in `pin_post`.
    pub id: u64,
    /// Who wrote it.
    pub author: Author,
    /// What it says.
    pub body: PostBody,
    /// Tick at which it was posted.
    pub tick: u64,
}

/// Who wrote a post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Author {
    /// A person in a seat.
    Seat {
        /// Seat id.
        id: u32,
        /// Name at the time of posting.
        name: String,
        /// Seat kind at the time of posting.
        seat: SeatKind,
    },
    /// The product-health bot.
    HealthBot,
    /// The drill itself (declaration kick-off, phase changes).
    System,
    /// A scenario persona or an outside actor played by a bot (an inject,
    /// a store's post on the social feed).
    Persona {
        /// Name as shown.
        name: String,
    },
}

/// What a post says. Structured so the client can render it in the reader's
/// language; free text is always plain text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PostBody {
    /// Free text typed by a person.
    Text {
        /// Plain text; never HTML.
        text: String,
    },
    /// A product-health report.
    Health(HealthReport),
    /// The declaration's kick-off: who holds which role.
    Kickoff {
        /// Seat names per role.
        roster: Vec<SeatView>,
    },
    /// The phase changed.
    PhaseChanged {
        /// New phase.
        phase: Phase,
        /// Who set it.
        by: String,
    },
    /// A runbook action was started or took effect.
    Action {
        /// Action id.
        action: String,
        /// Action label, as written in the scenario.
        label: String,
        /// Who ran it.
        by: String,
        /// Started, or took effect.
        stage: ActionStage,
    },
    /// An external notice was published.
    Notice(Notice),
    /// The incident owner's status report.
    StatusReport(StatusReport),
    /// An engineer's hypothesis about the cause.
    Hypothesis {
        /// The hypothesis.
        text: String,
        /// Who stated it.
        by: String,
    },
    /// A promised status report is late (a nudge to the owner).
    ReportOverdue {
        /// Tick it was due.
        due_tick: u64,
    },
    /// An engineer asks the incident owner to approve a risky action.
    ApprovalRequested {
        /// Action id.
        action: String,
        /// Action label.
        label: String,
        /// The engineer.
        by: String,
    },
    /// The owner approved or rejected a risky action.
    ApprovalDecided {
        /// Action id.
        action: String,
        /// Action label.
        label: String,
        /// Whether it runs.
        approved: bool,
        /// The owner.
        by: String,
    },
    /// A corporate client escalated: ignored too long, or told it was
    /// fixed while its stores still fail.
    ClientEscalated {
        /// Client id.
        client: String,
        /// Client name.
        name: String,
    },
}

/// Where a runbook action is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStage {
    /// Started; takes effect later.
    Started,
    /// Took effect.
    Done,
}

/// A product-health report, as the status bot posts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthReport {
    /// Posted because a threshold was crossed (rather than on the rhythm).
    pub alert: bool,
    /// The alerts' state, as a monitoring tool shows it: `firing` when a
    /// region just crossed a threshold, `still_firing` while one stays
    /// over (a regular post, or another region recovering), `resolved`
    /// when the last one recovered, `none` otherwise.
    #[serde(default)]
    pub alert_state: AlertState,
    /// Completed orders per minute, whole world, over the last window.
    pub orders_per_min: u32,
    /// The same, in normal conditions at this time of day (expected).
    pub orders_per_min_expected: u32,
    /// Payment success in parts per million, whole world.
    pub payment_success_ppm: u32,
    /// Per-region figures, in scenario order.
    pub regions: Vec<RegionHealth>,
    /// Stores that saw at least one failure in the window.
    pub stores_affected: u32,
    /// Revenue lost since tick 0, in yen.
    pub lost_revenue_yen: u64,
}

/// The state of the health bot's alerts in one post.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertState {
    /// No alert is firing.
    #[default]
    None,
    /// A region just crossed a threshold.
    Firing,
    /// A region is still over a threshold.
    StillFiring,
    /// The last alert recovered.
    Resolved,
}

/// One region's line in a health report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionHealth {
    /// Region id.
    pub region: String,
    /// Completed orders per minute.
    pub orders_per_min: u32,
    /// Payment success in parts per million.
    pub payment_success_ppm: u32,
    /// Stores that saw at least one failure in the window.
    pub stores_affected: u32,
}

/// Live clock and metrics. The figures are the company's own: an outside
/// actor (a store or a corporate client) gets the clock alone
/// ([`Pulse::for_outside`]), and the figures are then left out of the JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pulse {
    /// Current tick (drill seconds since start).
    pub tick: u64,
    /// World time of day, seconds after midnight.
    pub time_of_day_s: u32,
    /// Lobby, running, paused or ended.
    pub status: DrillStatus,
    /// Drill seconds per real second.
    pub speed: u32,
    /// Orders completed in the last minute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orders_per_min: Option<u32>,
    /// Payment success over the last minute, parts per million (full
    /// success when nothing was tried: read it with `payments_per_min`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_success_ppm: Option<u32>,
    /// Card payments tried in the last minute (succeeded or failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payments_per_min: Option<u32>,
    /// Revenue taken since tick 0, yen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_yen: Option<u64>,
    /// Revenue lost since tick 0, yen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost_revenue_yen: Option<u64>,
    /// Guests in the stores right now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guests_waiting: Option<u32>,
    /// Seats in the drill (facilitators too), so that every screen counts
    /// the same people.
    #[serde(default)]
    pub seats: u32,
}

impl Pulse {
    /// What an outside actor is told: the clock, the drill's status and
    /// speed, and how many take part; none of the company's figures.
    pub fn for_outside(&self) -> Pulse {
        Pulse {
            orders_per_min: None,
            payment_success_ppm: None,
            payments_per_min: None,
            revenue_yen: None,
            lost_revenue_yen: None,
            guests_waiting: None,
            ..self.clone()
        }
    }
}

/// A runbook action an engineer can run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionView {
    /// Id to send in `run_action`.
    pub id: String,
    /// What it does, as written in the scenario.
    pub label: String,
    /// Service it acts on.
    pub service: String,
    /// Drill seconds before it takes effect.
    pub delay_s: u64,
    /// Whether it can hurt while it runs (a restart's outage, say): an
    /// engineer needs the incident owner's approval to run it when a
    /// person holds that role.
    #[serde(default)]
    pub risky: bool,
}

/// A runbook action that was started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRun {
    /// Action id.
    pub action: String,
    /// Who started it.
    pub by: String,
    /// Tick it was started.
    pub started_tick: u64,
    /// Tick it takes (or took) effect.
    pub effective_tick: u64,
    /// Whether it has taken effect.
    pub done: bool,
}

/// An external notice on the public status page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Component state announced.
    pub status: ComponentStatus,
    /// The message, plain text.
    pub text: String,
    /// Who published it.
    pub by: String,
    /// Tick it was published.
    pub tick: u64,
}

impl Notice {
    /// The notice as an outside actor reads it: the company's, signed by
    /// nobody inside (`by` is empty).
    pub fn for_outside(&self) -> Notice {
        Notice { by: String::new(), ..self.clone() }
    }
}

/// A fault as the answer key shows it (facilitators only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultView {
    /// Fault id.
    pub id: String,
    /// Service it hits.
    pub service: String,
    /// Regions it hits (empty: all).
    pub regions: Vec<String>,
    /// The hidden root cause.
    pub root_cause: String,
    /// Actions that fix it.
    pub fixed_by: Vec<String>,
    /// Tick it starts.
    pub starts_tick: u64,
    /// Whether it is active now.
    pub active: bool,
    /// Whether it has ended for good (fixed, recovered, healed), not only
    /// paused between waves.
    #[serde(default)]
    pub ended: bool,
    /// Whether the team's fix ended it (a runbook action taking effect),
    /// rather than the fault recovering by itself or a facilitator.
    #[serde(default)]
    pub fixed: bool,
}

/// The end-of-drill result, also printed by `firedrill simulate --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Scenario id.
    pub scenario: String,
    /// Seed of the world.
    pub seed: u64,
    /// Ticks simulated.
    pub ticks: u64,
    /// Hash of the final world state (same scenario, seed and commands give
    /// the same hash).
    pub state_hash: String,
    /// Drill second of the first signal: the first health alert, or the
    /// first store deciding to call about a problem (silent failures never
    /// show on a dashboard), whichever came first.
    pub first_signal_at_s: Option<u64>,
    /// Drill second of the declaration.
    pub declared_at_s: Option<u64>,
    /// Drill second of the first external notice.
    pub first_external_notice_at_s: Option<u64>,
    /// Drill second at which the last fault was fixed.
    pub mitigated_at_s: Option<u64>,
    /// Drill second the owner set `resolved`.
    pub resolved_at_s: Option<u64>,
    /// Whether `resolved` was set while a fault was still active.
    pub resolved_prematurely: bool,
    /// Revenue taken, yen.
    pub revenue_yen: u64,
    /// Revenue lost to failures, yen.
    pub lost_revenue: u64,
    /// Team score, 0..=100.
    pub score: u32,
    /// How the score was made up, one line per part.
    pub score_parts: Vec<ScorePart>,
    /// The support desk and the client chats.
    #[serde(default)]
    pub desk: DeskSummary,
}

/// How the support desk and sales did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskSummary {
    /// Calls placed (store calls and phone injects).
    pub calls: u32,
    /// Calls an agent picked up.
    pub answered: u32,
    /// Calls whose caller hung up before being helped.
    pub abandoned: u32,
    /// Calls that got a busy tone (the queue was full).
    pub busy: u32,
    /// Mean seconds a picked-up call waited.
    pub wait_s_mean: u64,
    /// Longest wait of a picked-up call, seconds.
    pub wait_s_max: u64,
    /// Seconds callers spent on hold, in all.
    pub hold_s_total: u64,
    /// Client messages sales answered.
    pub chat_replies: u32,
    /// Times corporate clients escalated.
    pub escalations: u32,
}

/// One part of the score, so the rule is not a black box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorePart {
    /// Stable key (`declare`, `notice`, `mitigate`, `resolve`).
    pub key: String,
    /// Points earned.
    pub points: u32,
    /// Points possible.
    pub max: u32,
}

/// Something that happened in the drill, delivered in `seq` order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A post appeared in a channel.
    Posted {
        /// Which channel.
        channel: Channel,
        /// The post.
        post: Post,
    },
    /// A post was pinned in its channel or unpinned (everyone who reads
    /// the channel).
    PinChanged {
        /// Which channel.
        channel: Channel,
        /// The post (whole, so that a client that does not hold it can
        /// show it).
        post: Post,
        /// Pinned (true) or unpinned (false).
        pinned: bool,
        /// Who pinned or unpinned it.
        by: String,
    },
    /// A channel was opened (by the declaration).
    ChannelOpened {
        /// Which channel.
        channel: Channel,
    },
    /// A seat was added or changed (joined, came online, went offline).
    /// Sent per seat so that a join costs the same in a drill of five
    /// people as in one of a thousand.
    SeatChanged {
        /// The seat now.
        seat: SeatView,
    },
    /// The drill's status or speed changed.
    Status {
        /// New status.
        status: DrillStatus,
        /// Speed.
        speed: u32,
    },
    /// The emergency was declared.
    Declared {
        /// Who declared.
        by: String,
    },
    /// The incident phase changed.
    PhaseChanged {
        /// New phase.
        phase: Phase,
    },
    /// A runbook action started or finished.
    ActionUpdated {
        /// Its current state.
        run: ActionRun,
    },
    /// An external notice was published.
    NoticePublished {
        /// The notice.
        notice: Notice,
    },
    /// A fault started or stopped (facilitators only: the answer key).
    FaultChanged {
        /// The fault now.
        fault: FaultView,
    },
    /// A shared document was created or saved.
    DocUpdated {
        /// The document now.
        doc: DocView,
    },
    /// A role was planned for a name (facilitators only).
    RolePlanned {
        /// The plan.
        planned: PlannedRole,
    },
    /// The lead roles were locked to the people planned for them, or
    /// unlocked (facilitators only).
    RolesLocked {
        /// Whether they are locked now.
        locked: bool,
    },
    /// The drill ended.
    Ended {
        /// Final results.
        summary: Box<Summary>,
    },
    /// A call came in or changed state (support seats, facilitators, and
    /// the person playing the caller). Its lines come as `call_line`.
    CallUpdated {
        /// The call, without its lines.
        call: Box<CallView>,
    },
    /// Someone said something in a call.
    CallLine {
        /// The call's id.
        call: u32,
        /// The line.
        line: CallLine,
    },
    /// A corporate client's chat changed (sales, facilitators, and the
    /// person playing the client).
    ChatUpdated {
        /// The chat, without its lines.
        chat: Box<ChatView>,
    },
    /// Someone wrote in a client's chat.
    ChatLine {
        /// The client's id.
        client: String,
        /// The line.
        line: CallLine,
    },
    /// An inject fired, was skipped, delayed or edited (facilitators only).
    InjectUpdated {
        /// The inject now.
        inject: Box<InjectView>,
    },
    /// A pulse question was asked (everyone inside the company).
    PulseAsked {
        /// The question.
        question: PulseQuestion,
    },
    /// A pulse question closed (facilitators; everyone once the drill ended).
    PulseClosed {
        /// Its result.
        result: Box<PulseResult>,
    },
}

/// The exercise scale for rating a capability (HSEEP): performed without
/// challenges, with some challenges, with major challenges, or unable to be
/// performed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CapabilityRating {
    /// Performed without challenges.
    P,
    /// Performed with some challenges.
    S,
    /// Performed with major challenges.
    M,
    /// Unable to be performed.
    U,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_facilitators_write_the_review() {
        let rate =
            Command::RateCapability { capability: "x".into(), rating: CapabilityRating::S, comment: String::new() };
        let plan = Command::AddImprovement { text: "x".into(), owner: String::new() };
        for cmd in [rate, plan] {
            assert_eq!(authorize(SeatKind::Facilitator, DrillStatus::Ended, &cmd), Ok(()));
            for role in Role::ALL {
                assert_eq!(authorize(SeatKind::Participant(role), DrillStatus::Running, &cmd), Err(Denied::Role));
            }
        }
    }

    #[test]
    fn only_facilitators_look_at_the_board() {
        let board = Command::Query { query: Query::Board {} };
        let store = Command::Query { query: Query::Store { index: 0 } };
        for cmd in [board, store] {
            for status in [DrillStatus::Lobby, DrillStatus::Running, DrillStatus::Paused, DrillStatus::Ended] {
                assert_eq!(authorize(SeatKind::Facilitator, status, &cmd), Ok(()));
                for role in Role::ALL {
                    assert_eq!(authorize(SeatKind::Participant(role), status, &cmd), Err(Denied::Role), "{role:?}");
                }
            }
        }
    }

    #[test]
    fn participants_may_not_run_the_clock() {
        for role in Role::ALL {
            for cmd in [Command::Start {}, Command::Pause {}, Command::Resume {}, Command::End {}] {
                assert_eq!(
                    authorize(SeatKind::Participant(role), DrillStatus::Lobby, &cmd),
                    Err(Denied::Role),
                    "{role:?} {cmd:?}"
                );
            }
        }
    }

    #[test]
    fn only_the_engineer_runs_actions() {
        let cmd = Command::RunAction { action: "rollback".into() };
        for role in Role::ALL {
            let got = authorize(SeatKind::Participant(role), DrillStatus::Running, &cmd);
            assert_eq!(got.is_ok(), role == Role::Engineer, "{role:?}");
        }
    }

    #[test]
    fn nothing_but_chat_before_start() {
        let seat = SeatKind::Participant(Role::IncidentOwner);
        assert_eq!(authorize(seat, DrillStatus::Lobby, &Command::Declare {}), Err(Denied::Status(DrillStatus::Lobby)));
        let chat = Command::Chat { channel: Channel::Ops, text: "hello".into() };
        assert_eq!(authorize(seat, DrillStatus::Lobby, &chat), Ok(()));
    }

    #[test]
    fn client_messages_reject_unknown_fields() {
        let err = serde_json::from_str::<ClientMsg>(r#"{"type":"ping","t":1,"role":"facilitator"}"#);
        assert!(err.is_err());
    }

    #[test]
    fn every_command_and_query_rejects_unknown_fields() {
        // One well-formed sample of each command (and of each query); with
        // one field more, each must be refused, unit-like ones included.
        let samples = [
            r#"{"type":"chat","channel":"ops","text":"hi"}"#,
            r#"{"type":"pin_post","channel":"ops","post":1,"pinned":true}"#,
            r#"{"type":"declare"}"#,
            r#"{"type":"set_phase","phase":"identified"}"#,
            r#"{"type":"run_action","action":"a"}"#,
            r#"{"type":"publish_notice","status":"partial_outage","text":"t"}"#,
            r#"{"type":"start"}"#,
            r#"{"type":"pause"}"#,
            r#"{"type":"resume"}"#,
            r#"{"type":"set_speed","speed":2}"#,
            r#"{"type":"end"}"#,
            r#"{"type":"assign_role","seat":1,"role":"engineer"}"#,
            r#"{"type":"edit_doc","doc":"d","base_version":1,"text":"t"}"#,
            r#"{"type":"status_report","affected":"a","scope":"s","impact":"i","actions":"a","next_update_min":10}"#,
            r#"{"type":"hypothesis","text":"t"}"#,
            r#"{"type":"plan_role","name":"Aiko","role":"engineer"}"#,
            r#"{"type":"lock_roles","locked":true}"#,
            r#"{"type":"take_call","call":null}"#,
            r#"{"type":"call_say","call":1,"text":"t"}"#,
            r#"{"type":"hold_call","call":1,"hold":true}"#,
            r#"{"type":"end_call","call":1,"disposition":"informed"}"#,
            r#"{"type":"assign_call","call":1,"seat":2}"#,
            r#"{"type":"call_support","text":"t"}"#,
            r#"{"type":"chat_say","client":"c","text":"t"}"#,
            r#"{"type":"trigger_inject","inject":"i"}"#,
            r#"{"type":"skip_inject","inject":"i"}"#,
            r#"{"type":"delay_inject","inject":"i","minutes":5}"#,
            r#"{"type":"edit_inject","inject":"i","text":"t"}"#,
            r#"{"type":"ad_hoc_inject","persona":"p","medium":"phone","text":"t"}"#,
            r#"{"type":"fault_control","fault":"f","op":"heal"}"#,
            r#"{"type":"query","query":{"kind":"logs","service":null,"contains":""}}"#,
            r#"{"type":"query","query":{"kind":"dashboard"}}"#,
            r#"{"type":"query","query":{"kind":"deploys"}}"#,
            r#"{"type":"query","query":{"kind":"history","channel":"ops","skip":0}}"#,
            r#"{"type":"query","query":{"kind":"board"}}"#,
            r#"{"type":"query","query":{"kind":"store","index":0}}"#,
            r#"{"type":"decide_action","action":"a","approve":true}"#,
            r#"{"type":"ask_pulse","kind":"regions"}"#,
            r#"{"type":"answer_pulse","pulse":1,"picks":[]}"#,
            r#"{"type":"rate_capability","capability":"declaration","rating":"P","comment":""}"#,
            r#"{"type":"add_improvement","text":"t","owner":""}"#,
        ];
        let mut names = std::collections::BTreeSet::new();
        for s in samples {
            let v: serde_json::Value = serde_json::from_str(s).expect("sample is JSON");
            let cmd: Command = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{s}: {e}"));
            names.insert(command_name(&cmd));
            let mut extra = v.clone();
            extra["sneaky"] = serde_json::json!(1);
            assert!(serde_json::from_value::<Command>(extra).is_err(), "{s} with an unknown field was accepted");
            if let Some(q) = v.get("query") {
                let mut extra = v.clone();
                let mut q = q.clone();
                q["sneaky"] = serde_json::json!(1);
                extra["query"] = q;
                assert!(serde_json::from_value::<Command>(extra).is_err(), "{s}: a query with an unknown field");
            }
            let msg = serde_json::json!({"type": "cmd", "cid": 1, "cmd": v, "sneaky": 1});
            assert!(serde_json::from_value::<ClientMsg>(msg).is_err(), "{s} in a cmd with an unknown field");
        }
        assert_eq!(names.len(), 36, "a sample of every command: {names:?}");
    }
}

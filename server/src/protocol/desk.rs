//! Wire types of the support desk (the phone queue and its calls), the
//! corporate clients' chats with sales, and the facilitator's live controls
//! (injects and faults).

use serde::{Deserialize, Serialize};

use super::Role;

/// Where a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallState {
    /// Ringing in the queue; nobody has picked it up.
    Waiting,
    /// An agent is talking with the caller.
    Talking,
    /// The agent put the caller on hold.
    OnHold,
    /// The agent closed it with a disposition.
    Ended,
    /// The caller hung up before being helped (in the queue or on hold).
    Abandoned,
}

impl CallState {
    /// Whether the call is still going on (waiting, talking or on hold).
    pub fn is_open(self) -> bool {
        matches!(self, CallState::Waiting | CallState::Talking | CallState::OnHold)
    }
}

/// How an agent closed a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// The caller was told what is going on.
    Informed,
    /// The caller was given a workaround (cash, paper, another channel).
    Workaround,
    /// A call back was promised.
    Callback,
    /// Handed to the support lead or engineering.
    Escalated,
    /// The caller had no problem related to the incident.
    NoIssue,
}

/// Who said a line in a call or a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    /// The store, client or persona that called or wrote.
    Caller,
    /// The company's side (a support agent, sales).
    Agent,
}

/// One line of a call or a chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallLine {
    /// Tick it was said.
    pub tick: u64,
    /// Which side said it.
    pub speaker: Speaker,
    /// Who said it (a store's label, a person's name, a bot's name).
    pub name: String,
    /// What was said, plain text.
    pub text: String,
}

/// How the caller feels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallerMood {
    /// Calm.
    Calm,
    /// Upset.
    Upset,
    /// Angry.
    Angry,
}

/// A call to the support desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallView {
    /// Call id, unique in the drill.
    pub id: u32,
    /// Who is calling, as the agent sees it (store label or persona name).
    pub caller: String,
    /// The calling store's index, when a store calls.
    pub store: Option<u32>,
    /// The caller's region id, when known.
    pub region: Option<String>,
    /// The caller's corporate client id, when it has one.
    pub client: Option<String>,
    /// The inject that placed the call, if one did.
    pub inject: Option<String>,
    /// Seat of the person playing the caller; `None` when a bot plays it.
    pub caller_seat: Option<u32>,
    /// Where the call is.
    pub state: CallState,
    /// Seat of the agent on the call (bots have ids above every seat's).
    pub agent: Option<u32>,
    /// The agent's name.
    pub agent_name: String,
    /// Tick the call came in.
    pub opened_tick: u64,
    /// Tick an agent picked it up.
    pub answered_tick: Option<u64>,
    /// Tick it ended or was abandoned.
    pub ended_tick: Option<u64>,
    /// Seconds spent on hold so far.
    pub hold_s: u64,
    /// How the caller feels now.
    pub mood: CallerMood,
    /// How the agent closed it.
    pub disposition: Option<Disposition>,
    /// What was said, oldest first (empty in `call_updated` events: lines
    /// arrive as `call_line` events; except in the one that gives the call
    /// to its agent, who did not hear it ring).
    pub lines: Vec<CallLine>,
}

/// The support desk's queue as a support agent sees it, instead of every
/// call ringing: how many wait, since when, and the longest-waiting ones.
/// Sent (`desk_queue`) at most once a second when it changed, and in the
/// agent's welcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskQueue {
    /// Calls waiting now.
    pub waiting: u32,
    /// Tick the longest-waiting call came in; `None` when none waits.
    pub oldest_tick: Option<u64>,
    /// Waiting calls by the caller's mood.
    pub moods: MoodCounts,
    /// The longest-waiting calls, longest first, at most
    /// `DESK_QUEUE_CALLS_MAX`.
    pub calls: Vec<QueuedCall>,
}

/// Waiting calls per caller mood.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoodCounts {
    /// Calm callers.
    pub calm: u32,
    /// Upset callers.
    pub upset: u32,
    /// Angry callers.
    pub angry: u32,
}

/// A waiting call in the [`DeskQueue`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedCall {
    /// The call's id (send it as `call`).
    pub id: u32,
    /// Who is calling, as in [`CallView`].
    pub caller: String,
    /// The caller's region id, when known.
    pub region: Option<String>,
    /// Tick the call came in.
    pub opened_tick: u64,
    /// How the caller feels now.
    pub mood: CallerMood,
}

/// A corporate client's chat with sales (LINE-like).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatView {
    /// Client id.
    pub client: String,
    /// Client name.
    pub name: String,
    /// Stores it owns.
    pub stores: u32,
    /// Seat of the person playing the client; `None` when a bot plays it.
    pub client_seat: Option<u32>,
    /// Tick since which the client's last message is unanswered.
    pub waiting_since: Option<u64>,
    /// Times the client escalated (ignored too long, or misinformed).
    pub escalations: u32,
    /// What was said, oldest first (empty in `chat_updated` events).
    pub lines: Vec<CallLine>,
}

/// How an inject reaches people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    /// A phone call to the support desk.
    Phone,
    /// A message in a corporate client's chat with sales.
    LineChat,
    /// An email to support.
    Email,
    /// A post on the public social feed.
    Social,
    /// A message in the company chat (the war room, or #ops before it).
    InternalChat,
}

/// An inject as the facilitator's timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InjectView {
    /// Inject id (`adhoc-N` for ones written live).
    pub id: String,
    /// Who sends it (persona name).
    pub persona: String,
    /// How it arrives.
    pub medium: Medium,
    /// What it says (as edited, if it was).
    pub text: String,
    /// Tick it is due, when it has a time (a conditional inject has none
    /// until its condition is met).
    pub due_tick: Option<u64>,
    /// Tick it fired.
    pub fired_tick: Option<u64>,
    /// Whether the facilitator skipped it.
    pub skipped: bool,
    /// Role expected to respond.
    pub expect_role: Option<Role>,
    /// Seconds the response is expected within.
    pub expect_within_s: Option<u64>,
    /// What a good response looks like (facilitator's note).
    pub note: String,
}

/// What the facilitator does to a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultOp {
    /// Start it now, if it has not started.
    Start,
    /// Move it to its next stage, if it has one.
    Worsen,
    /// Spread it to its next regions, if it has more.
    Spread,
    /// End it now (the facilitator heals it).
    Heal,
}

/// What a person playing an outside actor is given to play it: a persona of
/// the scenario (a store, a corporate client), how to play it, and the
/// lines the script has it say, with when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorBrief {
    /// Persona id.
    pub persona: String,
    /// Persona name.
    pub name: String,
    /// How to play them, as written in the scenario.
    pub description: String,
    /// Their region id, for a store.
    pub region: Option<String>,
    /// Their corporate client id.
    pub client: Option<String>,
    /// What the script has them say, in time order.
    pub lines: Vec<BriefLine>,
}

/// One scripted line of an actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefLine {
    /// Drill second it is due, when it has a time.
    pub due_tick: Option<u64>,
    /// How it arrives (a call, a chat message, a social post...).
    pub medium: Medium,
    /// The words.
    pub text: String,
}

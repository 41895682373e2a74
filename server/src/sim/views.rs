//! Read-only views of the world for the screens to come: stores, regions
//! and corporate clients for support and sales, time series for dashboards
//! and the review, logs, alerts and deploys for engineers, and what a
//! published notice does to the stores.
//!
//! These are plain data with ids rather than indices; the drill turns them
//! into protocol messages when a screen needs them. Nothing here changes
//! the world.

use serde::Serialize;

use crate::protocol::ComponentStatus;
use crate::scenario::Level;

/// One store as support and the store actor see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreView {
    /// Position in the world's store order (its id in commands).
    pub index: u32,
    /// Region id.
    pub region: String,
    /// Kind id.
    pub kind: String,
    /// Corporate client id, if owned by one.
    pub client: Option<String>,
    /// Whether it uses the company's mobile order.
    pub uses_mobile_order: bool,
    /// Whether it uses the company's POS.
    pub uses_pos: bool,
    /// Whether it uses the company's card payments.
    pub uses_payments: bool,
    /// Revenue taken since T+0, yen.
    pub revenue_yen: u64,
    /// Revenue lost since T+0, yen.
    pub lost_yen: u64,
    /// Orders accepted by the app that never reached it.
    pub lost_orders: u32,
    /// Failed attempts its guests saw.
    pub failures: u32,
    /// Anger, parts per million of furious.
    pub anger_ppm: u32,
    /// Its temper: the anger at which it calls support while nobody has
    /// told it anything (twice that once it is informed), ppm.
    pub temper_ppm: u32,
    /// Tick of its last failed attempt, if it ever had one.
    pub last_failure_tick: Option<u64>,
    /// Whether it knows what is going on.
    pub informed: bool,
    /// Whether an all-clear notice misled it while it still fails.
    pub misled: bool,
    /// Whether it is taking orders on paper.
    pub on_paper: bool,
    /// Since when it wants to call support, if it does.
    pub wants_to_call_since: Option<u64>,
    /// Times it decided to call support.
    pub calls_wanted: u32,
    /// Times a call of its was answered.
    pub calls_answered: u32,
    /// Times it posted on social media.
    pub posts: u32,
    /// Tick of its last post.
    pub last_post_tick: Option<u64>,
}

/// One region now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionState {
    /// Region id.
    pub region: String,
    /// Stores in it.
    pub stores: u32,
    /// Orders completed per minute (last minute).
    pub orders_per_min: u32,
    /// Orders per minute on a normal day at this time.
    pub orders_per_min_expected: u32,
    /// Card payment success, ppm (last minute).
    pub payment_success_ppm: u32,
    /// Revenue taken since T+0, yen.
    pub revenue_yen: u64,
    /// Revenue lost since T+0, yen.
    pub lost_yen: u64,
    /// Orders and payments silently lost since T+0.
    pub lost_orders: u32,
    /// Stores at least half-way to calling.
    pub stores_angry: u32,
    /// Stores that want to call support.
    pub stores_calling: u32,
    /// Stores that posted on social media in the last half hour.
    pub stores_posting: u32,
    /// Stores that know what is going on.
    pub stores_informed: u32,
    /// Stores misled by an all-clear notice.
    pub stores_misled: u32,
    /// Stores on paper.
    pub stores_on_paper: u32,
    /// Whether the health bot has it in alert.
    pub alerting: bool,
    /// Stores that saw a failure in the last minute (as the health bot
    /// counts them), now.
    pub stores_affected: u32,
    /// Every store of the region counted once, now.
    pub mix: StoreMix,
}

/// A set of stores with each store counted once, in the worst state true
/// of it, in this order: wants to call support, angry (at least half-way
/// to calling), on paper, saw a failure in the last minute, fine. The
/// parts add up to the stores counted, so a screen can stack them in one
/// bar. Taken from the stores as they are now, whereas the other counts of
/// a [`RegionState`] are from the last mood update (every ten seconds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StoreMix {
    /// Wanting to call support.
    pub calling: u32,
    /// Angry, not calling.
    pub angry: u32,
    /// On paper, neither calling nor angry.
    pub on_paper: u32,
    /// Saw a failure in the last minute, none of the above.
    pub affected: u32,
    /// None of the above.
    pub ok: u32,
}

impl StoreMix {
    /// Counts one store in its worst state.
    pub(crate) fn add(&mut self, calling: bool, angry: bool, on_paper: bool, affected: bool) {
        let slot = if calling {
            &mut self.calling
        } else if angry {
            &mut self.angry
        } else if on_paper {
            &mut self.on_paper
        } else if affected {
            &mut self.affected
        } else {
            &mut self.ok
        };
        *slot += 1;
    }
}

/// One corporate client now, as sales sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientState {
    /// Client id.
    pub client: String,
    /// Display name.
    pub name: String,
    /// Stores it owns.
    pub stores: u32,
    /// Its stores that saw a failure in the last minute.
    pub stores_affected: u32,
    /// Its stores that want to call support.
    pub stores_calling: u32,
    /// Revenue its stores lost since T+0, yen.
    pub lost_yen: u64,
    /// Average anger of its stores, ppm.
    pub anger_ppm: u32,
    /// Whether it would escalate to its sales contact now: a fifth of its
    /// stores hurting and no briefing yet.
    pub wants_to_escalate: bool,
    /// Its stores that are informed.
    pub stores_informed: u32,
    /// Every store it owns counted once, now.
    pub mix: StoreMix,
}

/// One minute of one region, for charts and the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RegionPoint {
    /// Minute index (minute 1 ends at T+1:00).
    pub minute: u32,
    /// Guests who arrived.
    pub arrivals: u32,
    /// Orders completed.
    pub orders: u32,
    /// Revenue taken, yen.
    pub revenue_yen: u64,
    /// Revenue lost, yen.
    pub lost_yen: u64,
    /// Orders and payments silently lost.
    pub lost_orders: u32,
    /// Guests who left without paying.
    pub guests_lost: u32,
    /// Card payment success, ppm.
    pub payment_success_ppm: u32,
    /// Tries guests gave up waiting on.
    pub timeouts: u32,
    /// Average time services took per try, ms.
    pub latency_ms: u32,
    /// Stores angry at the end of the minute.
    pub stores_angry: u32,
    /// Stores wanting to call at the end of the minute.
    pub stores_calling: u32,
    /// Stores informed at the end of the minute.
    pub stores_informed: u32,
    /// Stores on paper at the end of the minute.
    pub stores_on_paper: u32,
}

/// One minute of one service, whole world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ServicePoint {
    /// Minute index (minute 1 ends at T+1:00).
    pub minute: u32,
    /// Calls.
    pub requests: u64,
    /// Failed calls.
    pub errors: u64,
    /// Error rate, ppm.
    pub error_ppm: u32,
    /// Average latency, ms.
    pub latency_ms: u32,
}

/// One service in one region over the last minute (the dashboards' "now").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceNow {
    /// Service id.
    pub service: String,
    /// Region id.
    pub region: String,
    /// Calls per minute.
    pub requests_per_min: u64,
    /// Error rate, ppm.
    pub error_ppm: u32,
    /// Average latency, ms.
    pub latency_ms: u32,
}

/// A log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLine {
    /// Tick written.
    pub tick: u64,
    /// Service id.
    pub service: String,
    /// Severity.
    #[serde(serialize_with = "level_name")]
    pub level: Level,
    /// Region id it names, if any.
    pub region: Option<String>,
    /// The line, as the scenario wrote it.
    pub text: String,
}

/// An alert from monitoring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertView {
    /// Clue id.
    pub id: String,
    /// Service id.
    pub service: String,
    /// Severity.
    #[serde(serialize_with = "level_name")]
    pub level: Level,
    /// Title.
    pub title: String,
    /// Tick it fired.
    pub fired_tick: u64,
    /// Tick it resolved.
    pub resolved_tick: Option<u64>,
}

/// A deploy in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeployView {
    /// Service id.
    pub service: String,
    /// Version.
    pub version: String,
    /// Drill seconds relative to T+0 (negative: before the drill).
    pub at_s: i64,
    /// Who deployed it.
    pub by: String,
    /// What changed.
    pub note: String,
    /// Whether it is a rollback run during the drill.
    pub rollback: bool,
}

/// A metric clue's values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricSeries {
    /// Clue id.
    pub id: String,
    /// Service id.
    pub service: String,
    /// Metric name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// One value per completed minute.
    pub points: Vec<f64>,
    /// The value now.
    pub now: f64,
}

/// An inject that is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InjectFired {
    /// Index in the scenario's injects.
    pub index: usize,
    /// Inject id.
    pub id: String,
    /// Tick it fired.
    pub tick: u64,
}

/// What the published notices do to the stores now: the link that makes
/// communication matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeEffect {
    /// Status of the latest notice, if any.
    pub latest: Option<ComponentStatus>,
    /// Stores in the world.
    pub stores: u32,
    /// Stores that know what is going on (read a notice or were briefed).
    pub stores_informed: u32,
    /// Stores misled by an all-clear notice while they still fail.
    pub stores_misled: u32,
    /// How fast an informed store gets angry, percent of an uninformed one.
    pub informed_anger_pct: u32,
    /// How angry an informed store must be to call, percent of an
    /// uninformed one.
    pub informed_call_threshold_pct: u32,
    /// How fast a misled store gets angry, percent of an uninformed one.
    pub misled_anger_pct: u32,
}

fn level_name<S: serde::Serializer>(l: &Level, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match l {
        Level::Info => "info",
        Level::Warn => "warn",
        Level::Error => "error",
    })
}

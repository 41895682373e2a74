//! Scenarios: the TOML files a facilitator writes to plan a drill.
//!
//! Loading happens in two stages (as ripgrep turns low-level args into
//! high-level ones): [`raw`] mirrors the file with serde, then [`validate`]
//! resolves every reference (service names, regions, actions), checks every
//! limit, and returns either a [`Scenario`] whose indices are known good or
//! *every* problem at once, each with its line and column. The simulation
//! only ever sees a validated `Scenario`. Built-in scenarios are the files in
//! `scenarios/`, embedded in the binary.
//!
//! Around the two stages: [`limits`] holds every limit a file meets,
//! `vocab` the closed vocabularies (fault kinds, channels, roles...) shared
//! by validation and the schema, and [`json_schema`] derives the JSON Schema
//! of the format from the raw mirror for editors and `firedrill schema`.
//! Injects, personas, talk scripts, templates, roles and objectives are
//! validated and kept here for the drill; the world simulates the rest.

mod json_schema;
pub mod limits;
mod raw;
mod team;
mod validate;
mod vocab;

use std::fmt;
use std::path::Path;

pub use json_schema::json_schema;
pub use team::{TEAM_COMMANDS, Team, TeamCommand, is_team_file, parse_team, team_scenario_id};
pub use validate::{PLACEHOLDERS, default_objectives, default_roles, parse};

use crate::protocol::{ComponentStatus, Phase, Role};

/// A scenario that passed validation. Cross-references are indices into the
/// vectors here, so the simulation never looks a name up. Rates are parts
/// per million, times are seconds, money is yen.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Stable id, e.g. `lunch-peak-pos-outage`.
    pub id: String,
    /// Title, as written (any language).
    pub title: String,
    /// One-paragraph summary, as written.
    pub summary: String,
    /// BCP 47 language of the texts.
    pub language: String,
    /// Planned length, in drill seconds.
    pub duration_s: u64,
    /// World time of day at tick 0, seconds after midnight.
    pub start_time_of_day_s: u32,
    /// Day of the week in the world, when the scenario names one.
    pub weekday: Option<Weekday>,
    /// Default speed, drill seconds per real second.
    pub time_scale: u32,
    /// Default seed.
    pub seed: u64,
    /// Regions, with their store counts.
    pub regions: Vec<Region>,
    /// What a typical store looks like (the defaults of every kind).
    pub store: StoreProfile,
    /// Guest arrivals through the day, as a share of the peak rate (the
    /// default curve of every kind).
    pub arrival_curve: Vec<CurvePoint>,
    /// Kinds of store; never empty (a file without kinds gets one, `store`,
    /// made of the typical store).
    pub kinds: Vec<StoreKind>,
    /// Corporate clients and the stores they own.
    pub clients: Vec<Client>,
    /// Which service each guest step enters by.
    pub flows: Flows,
    /// The company's services.
    pub services: Vec<Service>,
    /// The outage timeline.
    pub faults: Vec<Fault>,
    /// Runbook actions engineers can run.
    pub actions: Vec<Action>,
    /// Clues and red herrings for engineers.
    pub clues: Vec<Clue>,
    /// Support agents bots staff when nobody plays the role.
    pub support_desk: u32,
    /// The product-health bot's rhythm and thresholds.
    pub health: HealthBot,
    /// People who send injects.
    pub personas: Vec<Persona>,
    /// The master scenario events list.
    pub injects: Vec<Inject>,
    /// Talk-script templates for support.
    pub talk_scripts: Vec<TalkScript>,
    /// What informed stores do instead of a step that fails.
    pub fallbacks: Vec<Fallback>,
    /// Document templates the declaration instantiates.
    pub templates: Templates,
    /// Roles the drill needs; defaults when the file names none.
    pub roles: Vec<RoleNeed>,
    /// What the team is scored on; defaults when the file names none.
    pub objectives: Vec<Objective>,
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

/// A region of the world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Id used in references.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Number of stores.
    pub stores: u32,
}

/// The typical store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreProfile {
    /// Average spend per guest, yen.
    pub avg_ticket_yen: u32,
    /// Guests per hour at the peak of the arrival curve.
    pub peak_guests_per_hour: u32,
    /// Share of guests who pay by card, percent.
    pub card_share_pct: u32,
    /// Share of guests who order on the mobile app, percent.
    pub mobile_order_share_pct: u32,
}

/// One point of the arrival curve; the curve is linear between points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurvePoint {
    /// Time of day, seconds after midnight.
    pub at_s: u32,
    /// Arrival rate as a percentage of the peak.
    pub pct: u32,
}

/// A kind of store (izakaya, cafe, yakiniku chain...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreKind {
    /// Id used in references.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Share of every region's stores of this kind, percent (all kinds add
    /// up to 100).
    pub share_pct: u32,
    /// Size relative to the typical store, percent; scales its guests.
    pub size_pct: u32,
    /// Guests, spend and payment habits at a store of this kind (size 100).
    pub profile: StoreProfile,
    /// Opening hours `(opens, closes)` in seconds after midnight; `None` is
    /// open all day. `closes <= opens` means it closes after midnight.
    pub hours: Option<(u32, u32)>,
    /// Arrivals through the day.
    pub arrival_curve: Vec<CurvePoint>,
    /// Shares of its stores that use each product.
    pub uses: Products,
}

impl StoreKind {
    /// Whether a store of this kind is open at a time of day.
    pub fn is_open(&self, tod_s: u32) -> bool {
        match self.hours {
            None => true,
            Some((opens, closes)) if opens < closes => tod_s >= opens && tod_s < closes,
            Some((opens, closes)) => tod_s >= opens || tod_s < closes,
        }
    }
}

/// Shares of stores that use each of the company's products, percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Products {
    /// Mobile order.
    pub mobile_order_pct: u32,
    /// POS.
    pub pos_pct: u32,
    /// Card payments.
    pub payments_pct: u32,
}

/// A corporate client (法人) owning a group of stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// Id used in references.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Regions its stores are in; empty means any.
    pub regions: Vec<usize>,
    /// Kinds of its stores; empty means any.
    pub kinds: Vec<usize>,
    /// How many of the matching stores it owns.
    pub size: ClientSize,
}

/// How many stores a client owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientSize {
    /// This many (or all the matching stores, if fewer).
    Stores(u32),
    /// This share of the matching stores, percent.
    SharePct(u32),
}

/// The entry service of each step a guest takes. A step fails if its entry
/// service or anything it depends on fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flows {
    /// Ordering on the mobile app.
    pub order_mobile: usize,
    /// Ordering at the counter.
    pub order_counter: usize,
    /// Paying by card.
    pub pay_card: usize,
    /// Paying cash.
    pub pay_cash: usize,
}

/// A service of the company's (or a vendor's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// Id used in references.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Services this one calls; indices into `Scenario::services`.
    pub depends_on: Vec<usize>,
    /// Deployed version, shown to engineers.
    pub version: String,
    /// Run by a vendor.
    pub vendor: bool,
    /// Share of calls that fail on a normal day, ppm.
    pub normal_error_ppm: u32,
    /// Time to answer on a normal day, milliseconds.
    pub normal_latency_ms: u32,
    /// Deploy history, oldest first.
    pub deploys: Vec<Deploy>,
    /// Its own error-rate alert threshold, ppm (else the health bot's).
    pub alert_errors_above_ppm: Option<u32>,
    /// Its own latency alert threshold, ms (else the health bot's).
    pub alert_latency_above_ms: Option<u32>,
    /// Seconds a threshold must stay crossed before it alerts.
    pub alert_after_s: u64,
}

/// A deploy in a service's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deploy {
    /// Version deployed.
    pub version: String,
    /// Drill seconds relative to T+0 (negative: before the drill).
    pub at_s: i64,
    /// Who deployed it.
    pub by: String,
    /// What changed.
    pub note: String,
}

/// When something on the timeline happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// At this drill second.
    At(u64),
    /// This many seconds after a condition is first met.
    When(Condition, u64),
}

/// A condition on the state of the drill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// A fault started.
    FaultStarted(usize),
    /// A fault ended (fixed or recovered).
    FaultEnded(usize),
    /// Someone ran an action.
    ActionRun(usize),
    /// An action took effect.
    ActionDone(usize),
    /// The emergency was declared.
    Declared,
    /// The incident reached a phase.
    Phase(Phase),
    /// An external notice was published.
    NoticePublished,
    /// `resolved` was set while a fault was still open.
    ResolvedTooEarly,
    /// Lost revenue passed this many yen.
    LostRevenueAbove(u64),
    /// This many stores want to call support at once.
    StoresCallingAbove(u32),
}

/// What a fault does to its service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// A share of calls fail.
    Errors,
    /// Calls take longer (and may also fail).
    Latency,
    /// Every call fails.
    Down,
    /// Calls succeed but a share of what they carry is silently lost (an
    /// order accepted by the app never reaches the POS).
    DataLoss,
}

/// How hard a fault hits, at one stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Magnitude {
    /// Share of calls that fail, ppm.
    pub error_ppm: u32,
    /// Extra time to answer, milliseconds.
    pub latency_ms: u32,
    /// Share of successful calls whose data is silently lost, ppm.
    pub loss_ppm: u32,
}

/// Which stores a fault hits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// Regions; empty means every region.
    pub regions: Vec<usize>,
    /// Corporate clients; empty means any store.
    pub clients: Vec<usize>,
    /// Store kinds; empty means every kind.
    pub kinds: Vec<usize>,
    /// Share of the stores in scope, ppm (chosen by a fixed hash of the
    /// store and the fault, so the same stores every run).
    pub store_share_ppm: u32,
}

/// A step by which a fault worsens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stage {
    /// Seconds after the fault starts (or is relieved).
    pub after_s: u64,
    /// Its strength from then on.
    pub magnitude: Magnitude,
}

/// A step by which a fault reaches more regions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spread {
    /// Seconds after the fault starts.
    pub after_s: u64,
    /// Regions it reaches.
    pub regions: Vec<usize>,
    /// Strength there, percent of the fault's.
    pub strength_pct: u32,
}

/// A fault that comes and goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waves {
    /// Seconds each wave lasts.
    pub on_s: u64,
    /// Seconds of calm between waves.
    pub off_s: u64,
    /// Waves before it ends by itself; `None` until fixed.
    pub count: Option<u32>,
}

/// What a fault caused by another does when its cause ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WithCause {
    /// It ends too.
    #[default]
    Ends,
    /// It goes back to its first stage.
    Eases,
    /// It goes on: it needs its own fix.
    Stays,
}

/// A fault on the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Id used in references.
    pub id: String,
    /// The service it breaks.
    pub service: usize,
    /// When it starts.
    pub trigger: Trigger,
    /// What it does.
    pub kind: FaultKind,
    /// Its strength when it starts.
    pub magnitude: Magnitude,
    /// Stores it hits when it starts.
    pub scope: Scope,
    /// How it worsens, in time order.
    pub stages: Vec<Stage>,
    /// How it spreads, in time order.
    pub spreads: Vec<Spread>,
    /// Whether it comes in waves.
    pub waves: Option<Waves>,
    /// Seconds after its start at which it ends by itself.
    pub recovers_after_s: Option<u64>,
    /// The hidden truth engineers must find.
    pub root_cause: String,
    /// Actions that fix it.
    pub fixed_by: Vec<usize>,
    /// Whether every action in `fixed_by` is needed (else any one).
    pub fix_needs_all: bool,
    /// Actions that bring it back to its first stage without fixing it.
    pub relieved_by: Vec<usize>,
    /// The fault that causes it (index into `faults`): it starts only while
    /// that one is open.
    pub caused_by: Option<usize>,
    /// What it does when its cause ends.
    pub with_cause: WithCause,
    /// Actions that speed its recovery (cut the time left by `sped_by_pct`).
    pub sped_by: Vec<usize>,
    /// Percent of the time left that each of `sped_by` cuts.
    pub sped_by_pct: u32,
    /// Waves at arbitrary times: (start, end) seconds after it starts, in
    /// order; it ends after the last. Empty: see `waves`.
    pub wave_times: Vec<(u64, u64)>,
}

impl Fault {
    /// Drill second it is scheduled for, when it has a time.
    pub fn scheduled_s(&self) -> Option<u64> {
        match self.trigger {
            Trigger::At(s) => Some(s),
            Trigger::When(..) => None,
        }
    }
}

/// Kinds of runbook action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// Deploy the previous version again.
    Rollback,
    /// Switch to a replica or a backup.
    Failover,
    /// Restart the service.
    Restart,
    /// Turn a feature flag off (or on).
    FeatureFlag,
    /// Add capacity.
    Scale,
    /// Ask the vendor to fix their side.
    VendorEscalation,
    /// Anything else.
    Other,
}

/// What an action's side effect does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EffectKind {
    /// A share of calls fail.
    Errors,
    /// Calls take longer.
    Latency,
    /// Every call fails.
    Down,
}

/// The harm an action does to its service while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideEffect {
    /// What it does.
    pub kind: EffectKind,
    /// How hard.
    pub magnitude: Magnitude,
    /// Seconds from the moment the action is run.
    pub duration_s: u64,
    /// Regions it hits; empty means every region.
    pub regions: Vec<usize>,
}

/// A runbook action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// Id used in commands.
    pub id: String,
    /// What it does, as shown to engineers.
    pub label: String,
    /// Service it acts on.
    pub service: usize,
    /// Drill seconds before it takes effect.
    pub delay_s: u64,
    /// What kind of action it is.
    pub kind: ActionKind,
    /// Version a rollback goes back to.
    pub to_version: Option<String>,
    /// Harm it does meanwhile.
    pub side_effect: Option<SideEffect>,
}

/// Kinds of clue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClueKind {
    /// Log lines.
    Log,
    /// A metric on a dashboard.
    Metric,
    /// An alert from monitoring.
    Alert,
}

/// Severity of a log line or alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Informational.
    Info,
    /// Worth a look.
    Warn,
    /// Something failed.
    Error,
}

/// A clue for engineers, or a red herring.
#[derive(Debug, Clone, PartialEq)]
pub struct Clue {
    /// Id used in references.
    pub id: String,
    /// Log, metric or alert.
    pub kind: ClueKind,
    /// Service it belongs to.
    pub service: usize,
    /// The fault it reveals (shown while that fault is active); `None` for
    /// background noise and red herrings.
    pub fault: Option<usize>,
    /// Drill second from which it may show.
    pub from_s: u64,
    /// Drill second after which it no longer shows.
    pub until_s: Option<u64>,
    /// The log line, metric name or alert title.
    pub text: String,
    /// Severity.
    pub level: Level,
    /// Logs: seconds between two lines.
    pub every_s: u32,
    /// Metrics: `(normal, faulted)` values.
    pub values: (f64, f64),
    /// Metrics: unit.
    pub unit: String,
}

/// The status bot's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthBot {
    /// Drill seconds between regular posts.
    pub interval_s: u64,
    /// A region whose payment success falls below this (ppm) raises an alert.
    pub alert_below_ppm: u32,
    /// A region whose orders fall below this share of normal (ppm) raises an alert.
    pub alert_orders_below_ppm: u32,
    /// A service whose error rate in a region rises above this (ppm) raises an alert.
    pub alert_errors_above_ppm: u32,
    /// A service whose latency in a region rises above this (ms) raises an alert.
    pub alert_latency_above_ms: u32,
}

/// Who a persona is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonaKind {
    /// A store (店舗).
    Store,
    /// A corporate client (法人).
    Client,
    /// An executive of the company.
    Executive,
    /// The press.
    Press,
    /// Someone on social media.
    Social,
    /// A vendor.
    Vendor,
    /// A colleague.
    Colleague,
}

/// Someone who sends injects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Persona {
    /// Id used in references.
    pub id: String,
    /// Name as shown.
    pub name: String,
    /// Who they are.
    pub kind: PersonaKind,
    /// Their region, for a store.
    pub region: Option<usize>,
    /// Their corporate client.
    pub client: Option<usize>,
    /// How to play them.
    pub description: String,
}

/// Where an inject arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InjectChannel {
    /// A phone call to support.
    Phone,
    /// A LINE chat with sales.
    LineChat,
    /// An email.
    Email,
    /// A post on social media.
    Social,
    /// A message in the company chat.
    InternalChat,
}

/// The response an inject expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    /// Role that should respond.
    pub role: Role,
    /// Seconds it has.
    pub within_s: u64,
    /// What a good response does.
    pub note: String,
}

/// One inject of the master scenario events list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inject {
    /// Id used in references.
    pub id: String,
    /// When it is sent.
    pub trigger: Trigger,
    /// Who sends it; index into `Scenario::personas`.
    pub persona: usize,
    /// Where it arrives.
    pub channel: InjectChannel,
    /// What it says.
    pub text: String,
    /// The response expected, if any.
    pub expect: Option<Expectation>,
    /// Weight in scoring.
    pub weight: u32,
}

impl Inject {
    /// Drill second it is scheduled for, when it has a time.
    pub fn trigger_at(&self) -> Option<u64> {
        match self.trigger {
            Trigger::At(s) => Some(s),
            Trigger::When(..) => None,
        }
    }
}

/// A talk-script template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TalkScript {
    /// Id used in references.
    pub id: String,
    /// Title.
    pub title: String,
    /// Faults it is written for; empty means any.
    pub faults: Vec<usize>,
    /// Text with `{placeholders}`.
    pub text: String,
}

/// Document templates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Templates {
    /// The status board, with `{placeholders}`.
    pub status_board: String,
    /// The incident document, with `{placeholders}`.
    pub incident_doc: String,
    /// External notice drafts.
    pub notices: Vec<NoticeDraft>,
}

/// A draft external notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeDraft {
    /// Id used in references.
    pub id: String,
    /// Title.
    pub title: String,
    /// Status it announces.
    pub status: ComponentStatus,
    /// Text with `{placeholders}`.
    pub text: String,
}

/// What a role needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleNeed {
    /// The role.
    pub role: Role,
    /// Fewest people.
    pub min: u32,
    /// Most people.
    pub max: u32,
    /// Newcomers go here by default.
    pub newcomers: bool,
}

/// What an objective measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectiveKind {
    /// Time from the first signal to the declaration.
    Declare,
    /// Time from the declaration to the first external notice.
    Notice,
    /// Cadence of status updates.
    Updates,
    /// Time from the first fault to the last fix.
    Mitigate,
    /// `resolved` set only once the world is healthy.
    Resolve,
    /// Injects answered by the right role in time.
    Injects,
    /// Calls answered rather than abandoned.
    Calls,
    /// Time stores spend on hold.
    HoldTime,
    /// Lost revenue between the best and worst baselines.
    LostRevenue,
    /// Whether what was told matched what was true.
    Awareness,
}

/// What informed stores do instead of a guest step that fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    /// Id used in references.
    pub id: String,
    /// What stores call it.
    pub name: String,
    /// The failing service it works around; index into `services`.
    pub service: usize,
    /// The guest step it stands in for, as a flow index (0 order on the
    /// app, 1 order at the counter, 2 pay by card, 3 pay cash).
    pub step: usize,
    /// Kinds of fault it helps with (empty: all).
    pub fault_kinds: Vec<FaultKind>,
    /// Of the guests at that step in a store using it, the share it serves,
    /// percent.
    pub serves_pct: u32,
    /// Of the sales it serves, the share lost later, percent.
    pub cost_pct: u32,
    /// Seconds it adds per guest.
    pub slower_s: u64,
    /// Words that name it, lower-cased.
    pub words: Vec<String>,
    /// Share of informed stores that use it without being told of it,
    /// percent.
    pub unnamed_pct: u32,
}

impl Fallback {
    /// Whether `text` names this fallback (contains one of its words).
    pub fn named_in(&self, text: &str) -> bool {
        let text = text.to_lowercase();
        self.words.iter().any(|w| text.contains(w.as_str()))
    }
}

/// An objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Objective {
    /// What it measures.
    pub kind: ObjectiveKind,
    /// Full points up to this many seconds (for timed objectives).
    pub target_s: Option<u64>,
    /// No points from this many seconds on.
    pub zero_s: Option<u64>,
    /// Weight.
    pub weight: u32,
}

impl Scenario {
    /// Total number of stores in the world.
    pub fn store_count(&self) -> u32 {
        self.regions.iter().map(|r| r.stores).sum()
    }

    /// Index of the service with this id.
    pub fn service_index(&self, id: &str) -> Option<usize> {
        self.services.iter().position(|s| s.id == id)
    }

    /// Index of the region with this id.
    pub fn region_index(&self, id: &str) -> Option<usize> {
        self.regions.iter().position(|r| r.id == id)
    }
}

/// One problem found while loading a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// Where in the document, e.g. `faults[2].service` (may be empty).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}:{}: {}", self.line, self.col, self.message)
        } else {
            write!(f, "{}:{}: {}: {}", self.line, self.col, self.path, self.message)
        }
    }
}

/// Why a scenario file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// The file is larger than `SCENARIO_FILE_BYTES_MAX`.
    #[error("file is {0} bytes; the limit is {max}", max = crate::limits::SCENARIO_FILE_BYTES_MAX)]
    TooLarge(u64),
    /// The file was read but is not a valid scenario.
    #[error("{} problem(s)", .0.len())]
    Invalid(Vec<Problem>),
}

/// Reads and validates a scenario file.
pub fn load_file(path: &Path) -> Result<Scenario, LoadError> {
    let len = std::fs::metadata(path)?.len();
    if len > limits::SCENARIO_FILE_BYTES_MAX as u64 {
        return Err(LoadError::TooLarge(len));
    }
    let text = std::fs::read_to_string(path)?;
    parse(&text).map_err(LoadError::Invalid)
}

/// The scenarios shipped in `scenarios/`, embedded at build time.
#[derive(rust_embed::Embed)]
#[folder = "../scenarios/"]
struct BuiltinFiles;

/// A built-in scenario and the text it was loaded from.
#[derive(Debug, Clone)]
pub struct Builtin {
    /// The scenario.
    pub scenario: Scenario,
    /// Its TOML, as shipped (stored with each drill so a replay uses it).
    pub source: std::sync::Arc<str>,
}

/// Every built-in scenario, sorted by id. A built-in that fails validation
/// is a bug caught by the tests, so it is skipped here with an error log
/// rather than taking the server down.
pub fn builtins() -> Vec<Builtin> {
    let mut out = Vec::new();
    for name in BuiltinFiles::iter() {
        // Team files live in `scenarios/teams/`.
        if !name.ends_with(".toml") || name.contains('/') {
            continue;
        }
        let Some(file) = BuiltinFiles::get(&name) else { continue };
        let text = String::from_utf8_lossy(&file.data);
        match parse(&text) {
            Ok(scenario) => out.push(Builtin { scenario, source: text.into() }),
            Err(problems) => {
                tracing::error!(file = %name, count = problems.len(), "built-in scenario is invalid");
            }
        }
    }
    out.sort_by(|a, b| a.scenario.id.cmp(&b.scenario.id));
    out
}

/// The team files shipped in `scenarios/teams/` (`ID.strong.toml`,
/// `ID.weak.toml` for each built-in scenario), as `(file name, text)`,
/// sorted by name.
pub fn builtin_teams() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = BuiltinFiles::iter()
        .filter_map(|name| {
            let file = name.strip_prefix("teams/")?.to_string();
            if !file.ends_with(".toml") {
                return None;
            }
            let data = BuiltinFiles::get(&name)?;
            Some((file, String::from_utf8_lossy(&data.data).into_owned()))
        })
        .collect();
    out.sort();
    out
}

/// The shipped team file `teams/ID.LEVEL.toml` of a built-in scenario
/// (`level`: `strong` or `weak`), checked against it.
pub fn builtin_team(scenario: &Scenario, level: &str) -> Option<Team> {
    let name = format!("{}.{level}.toml", scenario.id);
    let (_, text) = builtin_teams().into_iter().find(|(n, _)| *n == name)?;
    parse_team(&text, scenario).ok()
}

/// The built-in scenario with this id.
pub fn builtin(id: &str) -> Option<Scenario> {
    builtins().into_iter().map(|b| b.scenario).find(|s| s.id == id)
}

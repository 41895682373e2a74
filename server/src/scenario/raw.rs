//! Stage one of loading: a serde mirror of the TOML file, as written.
//!
//! Nothing here is checked beyond TOML syntax, types and unknown keys
//! (`deny_unknown_fields` everywhere, so a typo in a key is an error with
//! its position). Values that later need a position in an error message are
//! wrapped in [`Sp`]. Closed vocabularies (fault kinds, channels, roles...)
//! are plain strings here and are checked by `validate`, so that a wrong
//! word is reported together with every other problem rather than stopping
//! the parse. `validate` turns this into a [`super::Scenario`].
//!
//! The doc comments on these types are the descriptions in the JSON Schema
//! ([`super::json_schema`]) that editors show while a file is written.

use std::borrow::Cow;
use std::ops::Range;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;

use super::vocab;

/// A value with its byte range in the file. A transparent wrapper around
/// `toml::Spanned` that describes itself in the JSON Schema as the value it
/// holds.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub(crate) struct Sp<T>(toml::Spanned<T>);

impl<T> Sp<T> {
    /// The value.
    pub fn get_ref(&self) -> &T {
        self.0.get_ref()
    }

    /// Its byte range in the file.
    pub fn span(&self) -> Range<usize> {
        self.0.span()
    }
}

impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// A string from a closed list, in the schema.
fn one_of(words: &[&str]) -> Schema {
    schemars::json_schema!({ "type": "string", "enum": words })
}

fn fault_kind_schema(_: &mut SchemaGenerator) -> Schema {
    one_of(&vocab::names(vocab::FAULT_KINDS))
}
fn fault_kinds_schema(_: &mut SchemaGenerator) -> Schema {
    let words = vocab::names(vocab::FAULT_KINDS);
    schemars::json_schema!({ "type": "array", "items": { "type": "string", "enum": words } })
}
fn step_schema(_: &mut SchemaGenerator) -> Schema {
    one_of(&vocab::names(vocab::STEPS))
}
fn effect_kind_schema(_: &mut SchemaGenerator) -> Schema {
    one_of(&vocab::names(vocab::EFFECT_KINDS))
}
fn fix_needs_schema(_: &mut SchemaGenerator) -> Schema {
    one_of(&["any", "all"])
}
fn action_kind_schema(_: &mut SchemaGenerator) -> Schema {
    one_of(&vocab::names(vocab::ACTION_KINDS))
}
fn clue_kind_schema(_: &mut SchemaGenerator) -> Schema {
    one_of(&vocab::names(vocab::CLUE_KINDS))
}
fn level_schema(_: &mut SchemaGenerator) -> Schema {
    one_of(&vocab::names(vocab::LEVELS))
}
fn persona_kind_schema(_: &mut SchemaGenerator) -> Schema {
    one_of(&vocab::names(vocab::PERSONA_KINDS))
}
fn channel_schema(_: &mut SchemaGenerator) -> Schema {
    one_of(&vocab::names(vocab::CHANNELS))
}
fn role_schema(_: &mut SchemaGenerator) -> Schema {
    one_of(&vocab::role_names())
}
fn phase_schema(_: &mut SchemaGenerator) -> Schema {
    one_of(&vocab::phase_names())
}
fn status_schema(_: &mut SchemaGenerator) -> Schema {
    one_of(&vocab::status_names())
}
fn objective_schema(_: &mut SchemaGenerator) -> Schema {
    one_of(&vocab::names(vocab::OBJECTIVE_KINDS))
}
fn weekday_schema(_: &mut SchemaGenerator) -> Schema {
    one_of(&vocab::names(vocab::WEEKDAYS))
}
fn time_of_day_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$" })
}
fn id_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "string", "pattern": "^[a-z0-9_-]{1,64}$" })
}
fn opt_id_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "string", "pattern": "^[a-z0-9_-]{1,64}$" })
}
fn with_cause_schema(_: &mut SchemaGenerator) -> Schema {
    one_of(&["ends", "eases", "stays"])
}
fn ids_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({ "type": "array", "items": { "type": "string", "pattern": "^[a-z0-9_-]{1,64}$" } })
}

/// A Firedrill scenario: the world a drill runs in, what breaks, what fixes
/// it, and the script of the people around it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Firedrill scenario")]
pub(crate) struct RawScenario {
    /// What the drill is: id, title, length, clock.
    pub drill: RawDrill,
    /// Regions, stores, their kinds and owners, and when guests come.
    pub world: RawWorld,
    /// The entry service of each guest step.
    #[serde(default)]
    pub flows: Option<Sp<RawFlows>>,
    /// The company's services and its vendors'.
    #[serde(default)]
    pub services: Vec<Sp<RawService>>,
    /// The outage timeline.
    #[serde(default)]
    pub faults: Vec<Sp<RawFault>>,
    /// Runbook actions engineers can run.
    #[serde(default)]
    pub actions: Vec<Sp<RawAction>>,
    /// Clues and red herrings engineers find: log lines, metrics, alerts.
    #[serde(default)]
    pub clues: Vec<Sp<RawClue>>,
    /// The product-health bot in #ops.
    #[serde(default)]
    pub health: Option<RawHealth>,
    /// People and organisations who send injects.
    #[serde(default)]
    pub personas: Vec<Sp<RawPersona>>,
    /// The master scenario events list.
    #[serde(default)]
    pub injects: Vec<Sp<RawInject>>,
    /// Talk scripts the declaration gives to support.
    #[serde(default)]
    pub talk_scripts: Vec<Sp<RawTalkScript>>,
    /// What informed stores do instead of a step that fails.
    #[serde(default)]
    pub fallbacks: Vec<Sp<RawFallback>>,
    /// Documents the declaration creates.
    #[serde(default)]
    pub templates: Option<RawTemplates>,
    /// Roles the drill needs.
    #[serde(default)]
    pub roles: Vec<Sp<RawRole>>,
    /// What the team is scored on.
    #[serde(default)]
    pub objectives: Vec<Sp<RawObjective>>,
}

/// What the drill is.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDrill {
    /// Stable id: a-z, 0-9, '-', '_'; at most 64 characters.
    #[schemars(schema_with = "id_schema")]
    pub id: Sp<String>,
    /// Title, in the scenario's language.
    pub title: Sp<String>,
    /// One-paragraph summary for the facilitator.
    #[serde(default)]
    pub summary: Option<Sp<String>>,
    /// BCP 47 language of the texts, e.g. "en" or "ja". Default "en".
    #[serde(default)]
    pub language: Option<Sp<String>>,
    /// Planned length in minutes, 1 to 1440.
    pub duration_min: Sp<u32>,
    /// World time of day at T+0, "HH:MM".
    #[schemars(schema_with = "time_of_day_schema")]
    pub start_time: Sp<String>,
    /// Day of the week in the world (shown to players).
    #[serde(default)]
    #[schemars(schema_with = "weekday_schema")]
    pub weekday: Option<Sp<String>>,
    /// Default speed: drill seconds per real second, 1 to 120.
    #[serde(default)]
    pub time_scale: Option<Sp<u32>>,
    /// Default seed of the world.
    #[serde(default)]
    pub seed: Option<u64>,
}

/// The world.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWorld {
    /// Regions and their store counts.
    pub regions: Vec<Sp<RawRegion>>,
    /// The typical store: defaults for every store kind.
    #[serde(default)]
    pub store: Option<RawStore>,
    /// Guest arrivals through the day as a percentage of the peak; linear
    /// between points, flat outside them. Default for kinds without their own.
    #[serde(default)]
    pub arrival_curve: Option<Sp<Vec<Sp<RawCurvePoint>>>>,
    /// Store kinds (izakaya, cafe...) and their share of every region's stores.
    #[serde(default)]
    pub kinds: Vec<Sp<RawKind>>,
    /// Corporate clients (法人) that own groups of stores.
    #[serde(default)]
    pub clients: Vec<Sp<RawClient>>,
    /// Support agents bots staff when nobody plays the role (1 to 50;
    /// default 3).
    #[serde(default)]
    pub support_desk: Option<Sp<u32>>,
}

/// A region.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRegion {
    /// Id used in references.
    #[schemars(schema_with = "id_schema")]
    pub id: Sp<String>,
    /// Display name.
    pub name: Sp<String>,
    /// Number of stores, at least 1.
    pub stores: Sp<u32>,
}

/// The typical store.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStore {
    /// Average spend per guest, yen. Default 1200.
    #[serde(default)]
    pub avg_ticket_yen: Option<Sp<u32>>,
    /// Guests per hour at the peak of the arrival curve. Default 40.
    #[serde(default)]
    pub peak_guests_per_hour: Option<Sp<u32>>,
    /// Share of guests who pay by card, percent. Default 65.
    #[serde(default)]
    pub card_share_pct: Option<Sp<u32>>,
    /// Share of guests who order on the mobile app (where the store has
    /// it), percent. Default 30.
    #[serde(default)]
    pub mobile_order_share_pct: Option<Sp<u32>>,
}

/// One point of an arrival curve.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCurvePoint {
    /// Time of day, "HH:MM"; times must increase.
    #[schemars(schema_with = "time_of_day_schema")]
    pub at: Sp<String>,
    /// Arrival rate as a percentage of the peak, 0 to 100.
    pub pct: Sp<u32>,
}

/// A kind of store.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawKind {
    /// Id used in references.
    #[schemars(schema_with = "id_schema")]
    pub id: Sp<String>,
    /// Display name.
    pub name: Sp<String>,
    /// Share of every region's stores that are of this kind, percent. The
    /// shares of all kinds add up to 100.
    pub share_pct: Sp<u32>,
    /// Size relative to the typical store, percent (scales guests). Default 100.
    #[serde(default)]
    pub size_pct: Option<Sp<u32>>,
    /// Average spend per guest, yen. Default: the typical store's.
    #[serde(default)]
    pub avg_ticket_yen: Option<Sp<u32>>,
    /// Guests per hour at the peak for a store of size 100. Default: the typical store's.
    #[serde(default)]
    pub peak_guests_per_hour: Option<Sp<u32>>,
    /// Share of guests paying by card, percent. Default: the typical store's.
    #[serde(default)]
    pub card_share_pct: Option<Sp<u32>>,
    /// Share of guests ordering on the app, percent. Default: the typical store's.
    #[serde(default)]
    pub mobile_order_share_pct: Option<Sp<u32>>,
    /// Opening time, "HH:MM". Default: open all day.
    #[serde(default)]
    #[schemars(schema_with = "time_of_day_schema")]
    pub opens: Option<Sp<String>>,
    /// Closing time, "HH:MM" ("24:00" for midnight; earlier than `opens`
    /// means after midnight).
    #[serde(default)]
    #[schemars(schema_with = "time_of_day_schema")]
    pub closes: Option<Sp<String>>,
    /// This kind's own arrival curve (lunch and dinner rushes).
    #[serde(default)]
    pub arrival_curve: Option<Sp<Vec<Sp<RawCurvePoint>>>>,
    /// Which of the company's products stores of this kind use.
    #[serde(default)]
    pub uses: Option<RawProducts>,
}

/// Shares of stores that use each product, percent (default 100 each). A
/// store that does not use a product takes that step through another
/// vendor, which never fails in the drill.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProducts {
    /// Mobile order (モバイルオーダー).
    #[serde(default)]
    pub mobile_order_pct: Option<Sp<u32>>,
    /// POS: ordering at the counter and taking cash.
    #[serde(default)]
    pub pos_pct: Option<Sp<u32>>,
    /// Card payments.
    #[serde(default)]
    pub payments_pct: Option<Sp<u32>>,
}

/// A corporate client (法人) owning a group of stores.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawClient {
    /// Id used in references.
    #[schemars(schema_with = "id_schema")]
    pub id: Sp<String>,
    /// Display name.
    pub name: Sp<String>,
    /// Regions its stores are in (default: all).
    #[serde(default)]
    #[schemars(schema_with = "ids_schema")]
    pub regions: Vec<Sp<String>>,
    /// Kinds of its stores (default: all).
    #[serde(default)]
    #[schemars(schema_with = "ids_schema")]
    pub kinds: Vec<Sp<String>>,
    /// How many stores it owns (give this or `share_pct`).
    #[serde(default)]
    pub stores: Option<Sp<u32>>,
    /// Share of the matching stores it owns, percent (give this or `stores`).
    #[serde(default)]
    pub share_pct: Option<Sp<u32>>,
}

/// The entry service of each guest step.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFlows {
    /// Ordering on the mobile app.
    #[schemars(schema_with = "id_schema")]
    pub order_mobile: Sp<String>,
    /// Ordering at the counter (the POS).
    #[schemars(schema_with = "id_schema")]
    pub order_counter: Sp<String>,
    /// Paying by card.
    #[schemars(schema_with = "id_schema")]
    pub pay_card: Sp<String>,
    /// Paying cash (rung up on the POS).
    #[schemars(schema_with = "id_schema")]
    pub pay_cash: Sp<String>,
}

/// A service.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawService {
    /// Id used in references.
    #[schemars(schema_with = "id_schema")]
    pub id: Sp<String>,
    /// Display name.
    pub name: Sp<String>,
    /// Services this one calls (no cycles).
    #[serde(default)]
    #[schemars(schema_with = "ids_schema")]
    pub depends_on: Vec<Sp<String>>,
    /// Version deployed now.
    #[serde(default)]
    pub version: Option<Sp<String>>,
    /// Run by a vendor rather than the company.
    #[serde(default)]
    pub vendor: bool,
    /// Share of calls that fail on a normal day, percent (e.g. 0.2).
    #[serde(default)]
    pub normal_error_pct: Option<Sp<f64>>,
    /// Time to answer on a normal day, milliseconds.
    #[serde(default)]
    pub normal_latency_ms: Option<Sp<u32>>,
    /// Deploy history, shown to engineers (clues and red herrings).
    #[serde(default)]
    pub deploys: Vec<Sp<RawDeploy>>,
    /// This service's error-rate alert threshold, percent (default: the
    /// health bot's `alert_errors_above_pct`).
    #[serde(default)]
    pub alert_errors_above_pct: Option<Sp<u32>>,
    /// This service's latency alert threshold, milliseconds (default: the
    /// health bot's `alert_latency_above_ms`).
    #[serde(default)]
    pub alert_latency_above_ms: Option<Sp<u32>>,
    /// Minutes a threshold must stay crossed before this service alerts
    /// (default 0: at the next check).
    #[serde(default)]
    pub alert_after_min: Option<Sp<f64>>,
}

/// One deploy of a service.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDeploy {
    /// Version deployed.
    pub version: Sp<String>,
    /// Minutes relative to T+0 (negative: before the drill starts).
    pub at_min: Sp<f64>,
    /// Who deployed it.
    #[serde(default)]
    pub by: Option<Sp<String>>,
    /// What the change was, as the deploy log says it.
    #[serde(default)]
    pub note: Option<Sp<String>>,
}

/// A condition that starts a fault or sends an inject. Name exactly one
/// condition; `after_min` delays it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWhen {
    /// When this fault starts.
    #[serde(default)]
    #[schemars(schema_with = "id_schema")]
    pub fault_started: Option<Sp<String>>,
    /// When this fault ends (fixed or recovered).
    #[serde(default)]
    #[schemars(schema_with = "id_schema")]
    pub fault_ended: Option<Sp<String>>,
    /// When someone runs this action.
    #[serde(default)]
    #[schemars(schema_with = "id_schema")]
    pub action_run: Option<Sp<String>>,
    /// When this action takes effect.
    #[serde(default)]
    #[schemars(schema_with = "id_schema")]
    pub action_done: Option<Sp<String>>,
    /// When the emergency is declared (must be true).
    #[serde(default)]
    pub declared: Option<Sp<bool>>,
    /// When the incident reaches this phase.
    #[serde(default)]
    #[schemars(schema_with = "phase_schema")]
    pub phase: Option<Sp<String>>,
    /// When the first external notice is published (must be true).
    #[serde(default)]
    pub notice_published: Option<Sp<bool>>,
    /// When someone sets `resolved` while a fault is still open (must be true).
    #[serde(default)]
    pub resolved_too_early: Option<Sp<bool>>,
    /// When lost revenue passes this many yen.
    #[serde(default)]
    pub lost_revenue_above_yen: Option<Sp<u64>>,
    /// When this many stores want to call support at once.
    #[serde(default)]
    pub stores_calling_above: Option<Sp<u32>>,
    /// Minutes after the condition is met.
    #[serde(default)]
    pub after_min: Option<Sp<f64>>,
}

/// A fault on the timeline.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFault {
    /// Id used in references.
    #[schemars(schema_with = "id_schema")]
    pub id: Sp<String>,
    /// The service it breaks.
    #[schemars(schema_with = "id_schema")]
    pub service: Sp<String>,
    /// Minutes after T+0 it starts (give this or `when`).
    #[serde(default)]
    pub at_min: Option<Sp<f64>>,
    /// The condition that starts it (give this or `at_min`).
    #[serde(default)]
    pub when: Option<Sp<RawWhen>>,
    /// What it does: errors, latency, down, data_loss. Default errors.
    #[serde(default)]
    #[schemars(schema_with = "fault_kind_schema")]
    pub kind: Option<Sp<String>>,
    /// Share of calls that fail, percent (errors; optional for latency).
    #[serde(default)]
    pub error_rate_pct: Option<Sp<f64>>,
    /// Extra time to answer, milliseconds (latency).
    #[serde(default)]
    pub latency_ms: Option<Sp<u32>>,
    /// Share of calls accepted but silently lost, percent (data_loss).
    #[serde(default)]
    pub loss_rate_pct: Option<Sp<f64>>,
    /// Regions it hits (default: all).
    #[serde(default)]
    #[schemars(schema_with = "ids_schema")]
    pub regions: Vec<Sp<String>>,
    /// Corporate clients whose stores it hits (default: any store).
    #[serde(default)]
    #[schemars(schema_with = "ids_schema")]
    pub clients: Vec<Sp<String>>,
    /// Store kinds it hits (default: all).
    #[serde(default)]
    #[schemars(schema_with = "ids_schema")]
    pub kinds: Vec<Sp<String>>,
    /// Share of the stores in scope it hits, percent. Default 100.
    #[serde(default)]
    pub store_share_pct: Option<Sp<f64>>,
    /// How it gets worse over time.
    #[serde(default)]
    pub worsens: Vec<Sp<RawStage>>,
    /// Where it spreads over time.
    #[serde(default)]
    pub spreads: Vec<Sp<RawSpread>>,
    /// It comes and goes in waves until fixed.
    #[serde(default)]
    pub waves: Option<Sp<RawWaves>>,
    /// It ends by itself this many minutes after it starts.
    #[serde(default)]
    pub recovers_after_min: Option<Sp<f64>>,
    /// The hidden truth (facilitators only).
    pub root_cause: Sp<String>,
    /// Actions that fix it.
    pub fixed_by: Sp<Vec<Sp<String>>>,
    /// "any": one of `fixed_by` fixes it (default); "all": every one is needed.
    #[serde(default)]
    #[schemars(schema_with = "fix_needs_schema")]
    pub fix_needs: Option<Sp<String>>,
    /// Actions that bring it back to its first stage without fixing it
    /// (a restart that buys time).
    #[serde(default)]
    #[schemars(schema_with = "ids_schema")]
    pub relieved_by: Vec<Sp<String>>,
    /// The fault that causes this one: it starts only while its cause is
    /// still going on (a fix in time prevents it), and follows it when it
    /// ends (`with_cause`).
    #[serde(default)]
    #[schemars(schema_with = "opt_id_schema")]
    pub caused_by: Option<Sp<String>>,
    /// What it does when its cause ends: "ends" (default), "eases" (back to
    /// its first stage) or "stays" (the damage is done: it needs its own
    /// fix).
    #[serde(default)]
    #[schemars(schema_with = "with_cause_schema")]
    pub with_cause: Option<Sp<String>>,
    /// Actions that speed its recovery without fixing it (an escalation to
    /// the vendor): each cuts the time left until it recovers by itself.
    #[serde(default)]
    #[schemars(schema_with = "ids_schema")]
    pub sped_by: Vec<Sp<String>>,
    /// How much of the time left each of `sped_by` cuts, percent (default
    /// 50).
    #[serde(default)]
    pub sped_by_pct: Option<Sp<u32>>,
    /// Waves at arbitrary times, minutes after it starts, instead of
    /// evenly spaced `waves`; it ends by itself after the last.
    #[serde(default)]
    pub wave_times: Vec<Sp<RawWaveTime>>,
}

/// One wave of `wave_times`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWaveTime {
    /// Minutes after the fault starts that the wave begins.
    pub from_min: Sp<f64>,
    /// Minutes after the fault starts that it is over.
    pub to_min: Sp<f64>,
}

/// A step by which a fault gets worse.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStage {
    /// Minutes after the fault starts.
    pub after_min: Sp<f64>,
    /// New error rate, percent.
    #[serde(default)]
    pub error_rate_pct: Option<Sp<f64>>,
    /// New extra latency, milliseconds.
    #[serde(default)]
    pub latency_ms: Option<Sp<u32>>,
    /// New loss rate, percent.
    #[serde(default)]
    pub loss_rate_pct: Option<Sp<f64>>,
}

/// A step by which a fault reaches more regions.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSpread {
    /// Minutes after the fault starts.
    pub after_min: Sp<f64>,
    /// Regions it reaches.
    #[schemars(schema_with = "ids_schema")]
    pub regions: Sp<Vec<Sp<String>>>,
    /// Strength there, percent of the fault's. Default 100.
    #[serde(default)]
    pub strength_pct: Option<Sp<u32>>,
}

/// Waves: on for `on_min`, off for `off_min`, again and again.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWaves {
    /// Minutes each wave lasts.
    pub on_min: Sp<f64>,
    /// Minutes of calm between waves.
    pub off_min: Sp<f64>,
    /// Number of waves, after which it ends by itself (default: until fixed).
    #[serde(default)]
    pub count: Option<Sp<u32>>,
}

/// A runbook action.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAction {
    /// Id used in commands.
    #[schemars(schema_with = "id_schema")]
    pub id: Sp<String>,
    /// What it does, as engineers see it.
    pub label: Sp<String>,
    /// Service it acts on.
    #[schemars(schema_with = "id_schema")]
    pub service: Sp<String>,
    /// Minutes before it takes effect.
    pub delay_min: Sp<f64>,
    /// rollback, failover, restart, feature_flag, scale, vendor_escalation, other.
    #[serde(default)]
    #[schemars(schema_with = "action_kind_schema")]
    pub kind: Option<Sp<String>>,
    /// Version a rollback goes back to (shown in the deploy history).
    #[serde(default)]
    pub to_version: Option<Sp<String>>,
    /// What running it does to its service meanwhile (e.g. a restart's
    /// short full outage).
    #[serde(default)]
    pub side_effect: Option<Sp<RawSideEffect>>,
}

/// The harm an action does to its own service while it runs.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSideEffect {
    /// errors, latency or down.
    #[schemars(schema_with = "effect_kind_schema")]
    pub kind: Sp<String>,
    /// Share of calls that fail meanwhile, percent (errors).
    #[serde(default)]
    pub error_rate_pct: Option<Sp<f64>>,
    /// Extra time to answer meanwhile, milliseconds (latency).
    #[serde(default)]
    pub latency_ms: Option<Sp<u32>>,
    /// How long it lasts from the moment the action is run, minutes.
    pub duration_min: Sp<f64>,
    /// Regions it hits (default: all).
    #[serde(default)]
    #[schemars(schema_with = "ids_schema")]
    pub regions: Vec<Sp<String>>,
}

/// A clue or red herring for engineers.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawClue {
    /// Id used in references.
    #[schemars(schema_with = "id_schema")]
    pub id: Sp<String>,
    /// log, metric or alert.
    #[schemars(schema_with = "clue_kind_schema")]
    pub kind: Sp<String>,
    /// Service it belongs to.
    #[schemars(schema_with = "id_schema")]
    pub service: Sp<String>,
    /// The fault it reveals: shown while that fault is active. Without one
    /// it is background noise or a red herring, shown from `at_min`.
    #[serde(default)]
    #[schemars(schema_with = "id_schema")]
    pub fault: Option<Sp<String>>,
    /// Minutes after T+0 from which it shows (default 0).
    #[serde(default)]
    pub at_min: Option<Sp<f64>>,
    /// Minutes after T+0 after which it no longer shows.
    #[serde(default)]
    pub until_min: Option<Sp<f64>>,
    /// The log line, the metric's name, or the alert's title.
    pub text: Sp<String>,
    /// info, warn or error. Default: error with a fault, info without.
    #[serde(default)]
    #[schemars(schema_with = "level_schema")]
    pub level: Option<Sp<String>>,
    /// Logs: seconds between two lines. Default 30.
    #[serde(default)]
    pub every_s: Option<Sp<u32>>,
    /// Metrics: the value on a normal day.
    #[serde(default)]
    pub normal: Option<Sp<f64>>,
    /// Metrics: the value while the fault is active.
    #[serde(default)]
    pub faulted: Option<Sp<f64>>,
    /// Metrics: the unit, e.g. "ms" or "/min".
    #[serde(default)]
    pub unit: Option<Sp<String>>,
}

/// The product-health bot.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHealth {
    /// Minutes between regular posts (at least 10 seconds). Default 2.
    #[serde(default)]
    pub interval_min: Option<Sp<f64>>,
    /// Alert when a region's card payment success falls below this, percent. Default 95.
    #[serde(default)]
    pub alert_below_pct: Option<Sp<u32>>,
    /// Alert when a region's orders fall below this share of normal, percent. Default 60.
    #[serde(default)]
    pub alert_orders_below_pct: Option<Sp<u32>>,
    /// Alert when a service's error rate in a region rises above this, percent. Default 10.
    #[serde(default)]
    pub alert_errors_above_pct: Option<Sp<u32>>,
    /// Alert when a service's latency in a region rises above this, milliseconds. Default 3000.
    #[serde(default)]
    pub alert_latency_above_ms: Option<Sp<u32>>,
}

/// Someone who sends injects.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPersona {
    /// Id used in references.
    #[schemars(schema_with = "id_schema")]
    pub id: Sp<String>,
    /// Name as shown, e.g. "田中 (ラーメン田中 新宿店 店長)".
    pub name: Sp<String>,
    /// store, client, executive, press, social, vendor, colleague.
    #[schemars(schema_with = "persona_kind_schema")]
    pub kind: Sp<String>,
    /// Region, for a store.
    #[serde(default)]
    #[schemars(schema_with = "id_schema")]
    pub region: Option<Sp<String>>,
    /// Corporate client, for a client (or one of its stores).
    #[serde(default)]
    #[schemars(schema_with = "id_schema")]
    pub client: Option<Sp<String>>,
    /// Who they are and how they talk, for whoever plays them.
    #[serde(default)]
    pub description: Option<Sp<String>>,
}

/// One inject of the master scenario events list.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawInject {
    /// Id used in references.
    #[schemars(schema_with = "id_schema")]
    pub id: Sp<String>,
    /// Minutes after T+0 (give this or `when`).
    #[serde(default)]
    pub at_min: Option<Sp<f64>>,
    /// The condition that sends it (give this or `at_min`).
    #[serde(default)]
    pub when: Option<Sp<RawWhen>>,
    /// Who sends it.
    #[schemars(schema_with = "id_schema")]
    pub persona: Sp<String>,
    /// phone, line_chat, email, social or internal_chat.
    #[schemars(schema_with = "channel_schema")]
    pub channel: Sp<String>,
    /// What they say, in any language.
    pub text: Sp<String>,
    /// The response expected.
    #[serde(default)]
    pub expect: Option<Sp<RawExpect>>,
    /// Weight in scoring, 0 to 100. Default 1.
    #[serde(default)]
    pub weight: Option<Sp<u32>>,
}

/// The response an inject expects.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExpect {
    /// Role that should respond.
    #[schemars(schema_with = "role_schema")]
    pub role: Sp<String>,
    /// Minutes it has to respond.
    pub within_min: Sp<f64>,
    /// What a good response does, for evaluators.
    #[serde(default)]
    pub note: Option<Sp<String>>,
}

/// A talk script (トークスクリプト) template.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTalkScript {
    /// Id used in references.
    #[schemars(schema_with = "id_schema")]
    pub id: Sp<String>,
    /// Title shown in the call panel.
    pub title: Sp<String>,
    /// Faults it is written for (default: any).
    #[serde(default)]
    #[schemars(schema_with = "ids_schema")]
    pub faults: Vec<Sp<String>>,
    /// The script; `{placeholders}` are filled in when the emergency is declared.
    pub text: Sp<String>,
}

/// What informed stores do instead of a guest step that fails (take cash,
/// an offline card mode, paper orders), and what it costs.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFallback {
    /// Id used in references.
    #[schemars(schema_with = "id_schema")]
    pub id: Sp<String>,
    /// What stores call it.
    pub name: Sp<String>,
    /// The failing service it works around (a fault on it, or on a service
    /// it depends on).
    #[schemars(schema_with = "id_schema")]
    pub service: Sp<String>,
    /// The guest step it stands in for: order_mobile, order_counter,
    /// pay_card or pay_cash.
    #[schemars(schema_with = "step_schema")]
    pub step: Sp<String>,
    /// Kinds of fault it helps with (default: all).
    #[serde(default)]
    #[schemars(schema_with = "fault_kinds_schema")]
    pub fault_kinds: Vec<Sp<String>>,
    /// Of the guests at that step in a store using it, the share it serves,
    /// percent (default 80).
    #[serde(default)]
    pub serves_pct: Option<Sp<u32>>,
    /// Of the sales it serves, the share lost later (declined offline
    /// payments), percent (default 0).
    #[serde(default)]
    pub cost_pct: Option<Sp<u32>>,
    /// Seconds it adds per guest (default 0).
    #[serde(default)]
    pub slower_s: Option<Sp<u32>>,
    /// Words that name it: a notice or what a support agent said names it
    /// when it contains one of them (any language, case-insensitive).
    pub words: Vec<Sp<String>>,
    /// Share of informed stores that use it without being told of it,
    /// percent (default 25).
    #[serde(default)]
    pub unnamed_pct: Option<Sp<u32>>,
}

/// Document templates the declaration instantiates.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTemplates {
    /// The status board.
    #[serde(default)]
    pub status_board: Option<Sp<String>>,
    /// The incident document.
    #[serde(default)]
    pub incident_doc: Option<Sp<String>>,
    /// External notice drafts.
    #[serde(default)]
    pub notices: Vec<Sp<RawNoticeDraft>>,
}

/// A draft external notice.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNoticeDraft {
    /// Id used in references.
    #[schemars(schema_with = "id_schema")]
    pub id: Sp<String>,
    /// Title of the draft.
    pub title: Sp<String>,
    /// Component status it announces.
    #[schemars(schema_with = "status_schema")]
    pub status: Sp<String>,
    /// The text; `{placeholders}` are filled in.
    pub text: Sp<String>,
}

/// A role the drill needs.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRole {
    /// The role.
    #[schemars(schema_with = "role_schema")]
    pub role: Sp<String>,
    /// Fewest people. Default 0.
    #[serde(default)]
    pub min: Option<Sp<u32>>,
    /// Most people. Default: no limit below the drill's seats.
    #[serde(default)]
    pub max: Option<Sp<u32>>,
    /// Newcomers are put here by default.
    #[serde(default)]
    pub newcomers: bool,
}

/// An objective the team is scored on.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawObjective {
    /// What is measured.
    #[schemars(schema_with = "objective_schema")]
    pub kind: Sp<String>,
    /// Full points up to this many minutes.
    #[serde(default)]
    pub target_min: Option<Sp<f64>>,
    /// No points from this many minutes on.
    #[serde(default)]
    pub zero_min: Option<Sp<f64>>,
    /// Weight, 0 to 100.
    pub weight: Sp<u32>,
}

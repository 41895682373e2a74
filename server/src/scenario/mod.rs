//! Scenarios: the TOML files a facilitator writes to plan a drill.
//!
//! Loading happens in two stages (as ripgrep turns low-level args into
//! high-level ones): [`raw`] mirrors the file with serde, then [`validate`]
//! resolves every reference (service names, regions, actions), checks every
//! limit, and returns either a [`Scenario`] whose indices are known good or
//! *every* problem at once, each with its line and column. The simulation
//! only ever sees a validated `Scenario`. Built-in scenarios are the files in
//! `scenarios/`, embedded in the binary.

mod raw;
mod validate;

use std::fmt;
use std::path::Path;

pub use validate::parse;

/// A scenario that passed validation. Cross-references are indices into the
/// vectors here, so the simulation never looks a name up.
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
    /// Default speed, drill seconds per real second.
    pub time_scale: u32,
    /// Default seed.
    pub seed: u64,
    /// Regions, with their store counts.
    pub regions: Vec<Region>,
    /// What a typical store looks like.
    pub store: StoreProfile,
    /// Guest arrivals through the day, as a share of the peak rate.
    pub arrival_curve: Vec<CurvePoint>,
    /// Which service each guest step enters by.
    pub flows: Flows,
    /// The company's services.
    pub services: Vec<Service>,
    /// The outage timeline.
    pub faults: Vec<Fault>,
    /// Runbook actions engineers can run.
    pub actions: Vec<Action>,
    /// The product-health bot's rhythm and thresholds.
    pub health: HealthBot,
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
}

/// A fault on the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Id used in references.
    pub id: String,
    /// The service it breaks.
    pub service: usize,
    /// Drill second it starts.
    pub starts_s: u64,
    /// Regions it hits; empty means every region.
    pub regions: Vec<usize>,
    /// Share of calls to the service that fail, parts per million.
    pub error_ppm: u32,
    /// The hidden truth engineers must find.
    pub root_cause: String,
    /// Actions that fix it (any one of them).
    pub fixed_by: Vec<usize>,
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
}

/// The status bot's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthBot {
    /// Drill seconds between regular posts.
    pub interval_s: u64,
    /// A region whose payment success falls below this (ppm) raises an alert.
    pub alert_below_ppm: u32,
}

impl Scenario {
    /// Total number of stores in the world.
    pub fn store_count(&self) -> u32 {
        self.regions.iter().map(|r| r.stores).sum()
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
    if len > crate::limits::SCENARIO_FILE_BYTES_MAX as u64 {
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
        if !name.ends_with(".toml") {
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

/// The built-in scenario with this id.
pub fn builtin(id: &str) -> Option<Scenario> {
    builtins().into_iter().map(|b| b.scenario).find(|s| s.id == id)
}

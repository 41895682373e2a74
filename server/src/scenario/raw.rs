//! Stage one of loading: a serde mirror of the TOML file, as written.
//!
//! Nothing here is checked beyond TOML syntax, types and unknown keys
//! (`deny_unknown_fields` everywhere, so a typo in a key is an error with
//! its position). Values that later need a position in an error message are
//! wrapped in [`Spanned`]. `validate` turns this into a [`super::Scenario`].

use serde::Deserialize;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub drill: RawDrill,
    pub world: RawWorld,
    #[serde(default)]
    pub flows: Option<Spanned<RawFlows>>,
    #[serde(default)]
    pub services: Vec<Spanned<RawService>>,
    #[serde(default)]
    pub faults: Vec<Spanned<RawFault>>,
    #[serde(default)]
    pub actions: Vec<Spanned<RawAction>>,
    #[serde(default)]
    pub health: Option<RawHealth>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDrill {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub language: Option<Spanned<String>>,
    pub duration_min: Spanned<u32>,
    pub start_time: Spanned<String>,
    #[serde(default)]
    pub time_scale: Option<Spanned<u32>>,
    #[serde(default)]
    pub seed: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWorld {
    pub regions: Vec<Spanned<RawRegion>>,
    pub store: RawStore,
    pub arrival_curve: Spanned<Vec<Spanned<RawCurvePoint>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRegion {
    pub id: Spanned<String>,
    pub name: String,
    pub stores: Spanned<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStore {
    pub avg_ticket_yen: Spanned<u32>,
    pub peak_guests_per_hour: Spanned<u32>,
    pub card_share_pct: Spanned<u32>,
    pub mobile_order_share_pct: Spanned<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCurvePoint {
    pub at: Spanned<String>,
    pub pct: Spanned<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFlows {
    pub order_mobile: Spanned<String>,
    pub order_counter: Spanned<String>,
    pub pay_card: Spanned<String>,
    pub pay_cash: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawService {
    pub id: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub depends_on: Vec<Spanned<String>>,
    #[serde(default)]
    pub version: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFault {
    pub id: Spanned<String>,
    pub service: Spanned<String>,
    pub at_min: Spanned<f64>,
    #[serde(default)]
    pub regions: Vec<Spanned<String>>,
    pub error_rate_pct: Spanned<u32>,
    pub root_cause: String,
    pub fixed_by: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAction {
    pub id: Spanned<String>,
    pub label: String,
    pub service: Spanned<String>,
    pub delay_min: Spanned<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHealth {
    #[serde(default)]
    pub interval_min: Option<Spanned<f64>>,
    #[serde(default)]
    pub alert_below_pct: Option<Spanned<u32>>,
}

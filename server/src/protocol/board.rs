//! Wire types of the facilitators' board: the world behind the incident,
//! region by region and corporate client by corporate client, and one
//! store up close. They answer the `board` and `store` queries (see
//! [`super::Query`]), which only facilitators may send: like the answer
//! key, the board shows what the response team has to find out.
//!
//! `sim::views` computes these figures; `drill::task` copies them here, so
//! the simulation's own types never cross the wire.

use serde::{Deserialize, Serialize};

/// Stores counted once each, in the worst state true of them, in this
/// order: `calling` (wants to call support), `angry` (at least half-way to
/// calling), `on_paper`, `affected` (saw a failure in the last minute),
/// `ok`. The parts add up to the stores counted, for a stacked bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// One region now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardRegion {
    /// Region id.
    pub region: String,
    /// Stores in it.
    pub stores: u32,
    /// Orders completed in the last minute.
    pub orders_per_min: u32,
    /// Orders a normal day would have had.
    pub orders_per_min_expected: u32,
    /// Card payments that went through in the last minute, ppm.
    pub payment_success_ppm: u32,
    /// Revenue taken since T+0, yen.
    pub revenue_yen: u64,
    /// Revenue lost since T+0, yen.
    pub lost_yen: u64,
    /// Orders and payments silently lost since T+0.
    pub lost_orders: u32,
    /// Stores that saw a failure in the last minute.
    pub stores_affected: u32,
    /// Stores at least half-way to calling support.
    pub stores_angry: u32,
    /// Stores that want to call support.
    pub stores_calling: u32,
    /// Stores that posted on the social feed in the last half hour.
    pub stores_posting: u32,
    /// Stores that know what is going on (read a notice, were briefed).
    pub stores_informed: u32,
    /// Stores misled by an all-clear notice while they still fail.
    pub stores_misled: u32,
    /// Stores taking orders on paper.
    pub stores_on_paper: u32,
    /// Whether the health bot has the region in alert.
    pub alerting: bool,
    /// Every store of the region counted once.
    pub mix: StoreMix,
}

/// One corporate client now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardClient {
    /// Client id.
    pub client: String,
    /// Name, as written in the scenario.
    pub name: String,
    /// Stores it owns.
    pub stores: u32,
    /// Its stores that saw a failure in the last minute.
    pub stores_affected: u32,
    /// Its stores that want to call support.
    pub stores_calling: u32,
    /// Its stores that know what is going on.
    pub stores_informed: u32,
    /// Revenue its stores lost since T+0, yen.
    pub lost_yen: u64,
    /// Mean anger of its stores, ppm of furious.
    pub anger_ppm: u32,
    /// Whether it would escalate to its sales contact now (a fifth of its
    /// stores hurting and no briefing yet).
    pub wants_to_escalate: bool,
    /// Every store it owns counted once.
    pub mix: StoreMix,
}

/// One store up close.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreDetail {
    /// Index in the world's store order (as in `CallView::store`).
    pub index: u32,
    /// Region id.
    pub region: String,
    /// Store kind id.
    pub kind: String,
    /// Corporate client id, if a client owns it.
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
    /// Failed attempts its guests saw since T+0.
    pub failures: u32,
    /// Tick of its last failed attempt, if any.
    pub last_failure_tick: Option<u64>,
    /// Anger, ppm of furious.
    pub anger_ppm: u32,
    /// The anger at which it calls support while uninformed (twice that
    /// once informed), ppm.
    pub temper_ppm: u32,
    /// Whether it knows what is going on.
    pub informed: bool,
    /// Whether an all-clear notice misled it while it still fails.
    pub misled: bool,
    /// Whether it is taking orders on paper.
    pub on_paper: bool,
    /// Tick since which it wants to call support, if it does.
    pub wants_to_call_since: Option<u64>,
    /// Times it decided to call support.
    pub calls_wanted: u32,
    /// Times one of its calls was answered.
    pub calls_answered: u32,
    /// Times it posted on the social feed.
    pub posts: u32,
    /// Tick of its last post, if any.
    pub last_post_tick: Option<u64>,
}

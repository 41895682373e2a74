//! Wire types of read-only queries: the engineers' tools (log search,
//! dashboards, the deploy history), a channel's older posts, and the
//! facilitators' board (`board`, `store`; its types are in `board.rs`).
//! They are answered to the asking connection alone (`answer`), so a
//! thousand participants do not receive every engineer's charts.

use serde::{Deserialize, Serialize};

/// What an engineer (or the owner, an observer, a facilitator) looks at;
/// `board` and `store` are for facilitators alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Query {
    /// Search the logs: the latest lines, optionally of one service and
    /// containing a text (case-insensitive).
    Logs {
        /// Service id, or none for every service.
        service: Option<String>,
        /// Text the line must contain; empty for any.
        contains: String,
    },
    /// Every service's and region's health now and per minute, the alerts
    /// fired, and the scenario's extra metrics.
    Dashboard {},
    /// The deploy history, oldest first.
    Deploys {},
    /// Older posts of a channel this seat reads (a welcome carries only the
    /// latest): up to `POSTS_IN_WELCOME_MAX` posts before the latest `skip`.
    History {
        /// The channel.
        channel: super::Channel,
        /// Posts from the end to skip (how many the client has).
        skip: u32,
    },
    /// Facilitators: every region and corporate client now (stores hurting,
    /// calling, on paper, informed; orders, payments, revenue lost).
    Board {},
    /// Facilitators: one store now, by its index.
    Store {
        /// The store's index (from 0, below the number of stores).
        index: u32,
    },
    /// Those who manage the roster: a page of seats, by id, from `from`
    /// (the welcome carries only the first ones).
    Roster {
        /// The first seat id of the page.
        from: u32,
    },
}

/// The answer to a [`Query`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    /// Matching log lines, oldest first (at most `LOG_LINES_PER_ANSWER_MAX`).
    Logs {
        /// The lines.
        lines: Vec<LogEntry>,
    },
    /// The dashboards.
    Dashboard {
        /// One panel per service.
        services: Vec<ServicePanel>,
        /// One panel per region.
        regions: Vec<RegionPanel>,
        /// Alerts fired so far.
        alerts: Vec<Alert>,
        /// The scenario's extra metrics (clues shown on dashboards).
        metrics: Vec<MetricPanel>,
    },
    /// The deploy history.
    Deploys {
        /// Deploys and rollbacks, oldest first.
        deploys: Vec<Deploy>,
    },
    /// Older posts of a channel, oldest first; empty when there are no more.
    History {
        /// The channel.
        channel: super::Channel,
        /// The posts.
        posts: Vec<super::Post>,
    },
    /// The facilitators' board.
    Board {
        /// Tick the figures are from.
        tick: u64,
        /// One row per region, in scenario order.
        regions: Vec<super::BoardRegion>,
        /// One row per corporate client, in scenario order.
        clients: Vec<super::BoardClient>,
    },
    /// One store.
    Store {
        /// Tick the figures are from.
        tick: u64,
        /// The store.
        store: Box<super::StoreDetail>,
    },
    /// A page of the roster: seats with an id from `from`, by id, at most
    /// `ROSTER_PAGE_MAX`.
    Roster {
        /// The `from` asked for.
        from: u32,
        /// The seats.
        seats: Vec<super::SeatView>,
        /// Seats in the drill, all of them.
        total: u32,
    },
}

/// A log line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Tick it was written.
    pub tick: u64,
    /// Service id.
    pub service: String,
    /// `info`, `warn` or `error`.
    pub level: String,
    /// Region id, when the line names one.
    pub region: Option<String>,
    /// The line.
    pub text: String,
}

/// One service's health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePanel {
    /// Service id.
    pub service: String,
    /// Name, as written in the scenario.
    pub name: String,
    /// Requests in the last minute, every region.
    pub requests_per_min: u64,
    /// Failed share in the last minute, ppm.
    pub error_ppm: u32,
    /// Mean latency in the last minute, ms.
    pub latency_ms: u32,
    /// Per completed minute since T+0.
    pub series: Vec<ServiceMinute>,
}

/// A service's minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceMinute {
    /// Minute since T+0.
    pub minute: u32,
    /// Requests.
    pub requests: u64,
    /// Failed share, ppm.
    pub error_ppm: u32,
    /// Mean latency, ms.
    pub latency_ms: u32,
}

/// One region's health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionPanel {
    /// Region id.
    pub region: String,
    /// Orders in the last minute.
    pub orders_per_min: u32,
    /// Orders a normal day would have had.
    pub orders_per_min_expected: u32,
    /// Card payments that went through, ppm.
    pub payment_success_ppm: u32,
    /// Stores wanting to call support.
    pub stores_calling: u32,
    /// Stores taking orders on paper.
    pub stores_on_paper: u32,
    /// Per completed minute since T+0.
    pub series: Vec<RegionMinute>,
}

/// A region's minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionMinute {
    /// Minute since T+0.
    pub minute: u32,
    /// Orders taken.
    pub orders: u32,
    /// Card payments that went through, ppm.
    pub payment_success_ppm: u32,
    /// Revenue lost, yen.
    pub lost_yen: u64,
    /// Stores wanting to call support.
    pub stores_calling: u32,
}

/// A monitoring alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    /// Alert id.
    pub id: String,
    /// Service id.
    pub service: String,
    /// `info`, `warn` or `error`.
    pub level: String,
    /// What it says.
    pub title: String,
    /// Tick it fired.
    pub fired_tick: u64,
    /// Tick it cleared.
    pub resolved_tick: Option<u64>,
}

/// A metric the scenario shows on dashboards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricPanel {
    /// Metric id.
    pub id: String,
    /// Service id.
    pub service: String,
    /// Name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// One value per completed minute.
    pub points: Vec<f64>,
    /// The value now.
    pub now: f64,
}

/// A deploy or a rollback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deploy {
    /// Service id.
    pub service: String,
    /// Version deployed.
    pub version: String,
    /// Drill second (negative: before T+0).
    pub at_s: i64,
    /// Who deployed.
    pub by: String,
    /// Note.
    pub note: String,
    /// Whether it was a rollback.
    pub rollback: bool,
}

//! Process-wide counters and gauges, exposed at `GET /metrics` in the
//! Prometheus text format.
//!
//! Plain atomics in one static: cheap enough to bump on every message, no
//! registry, no allocation. Neighbours: `net` counts connections and
//! messages, `drill` counts drills, ticks, refusals and drops.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// A counter that only goes up.
#[derive(Debug)]
pub struct Counter(AtomicU64);

impl Counter {
    const fn new() -> Counter {
        Counter(AtomicU64::new(0))
    }
    /// Adds one.
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    /// Adds `n`.
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    /// Current value.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A value that goes up and down.
#[derive(Debug)]
pub struct Gauge(AtomicI64);

impl Gauge {
    const fn new() -> Gauge {
        Gauge(AtomicI64::new(0))
    }
    /// Adds `d` (may be negative).
    pub fn add(&self, d: i64) {
        self.0.fetch_add(d, Ordering::Relaxed);
    }
    /// Current value.
    pub fn get(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }
    /// Sets the value.
    pub fn set(&self, v: i64) {
        self.0.store(v, Ordering::Relaxed);
    }
}

/// Upper bounds of the tick-duration histogram, microseconds.
const TICK_BUCKETS_US: [u64; 8] = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 50_000];

/// Histogram of simulation tick durations.
#[derive(Debug)]
pub struct TickHistogram {
    buckets: [AtomicU64; TICK_BUCKETS_US.len()],
    count: AtomicU64,
    sum_us: AtomicU64,
}

impl TickHistogram {
    /// Records one tick that took `us` microseconds.
    pub fn observe_us(&self, us: u64) {
        for (i, bound) in TICK_BUCKETS_US.iter().enumerate() {
            if us <= *bound {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_us.fetch_add(us, Ordering::Relaxed);
    }
}

/// Every metric of the process.
#[derive(Debug)]
pub struct Metrics {
    /// Open WebSocket connections.
    pub connections: Gauge,
    /// Drills in memory (running or lingering after their end).
    pub drills: Gauge,
    /// Simulation ticks run, all drills.
    pub ticks: Counter,
    /// Tick durations.
    pub tick_duration: TickHistogram,
    /// Messages received from clients.
    pub messages_in: Counter,
    /// Messages queued to clients.
    pub messages_out: Counter,
    /// Commands refused (unauthorized, wrong state, invalid value).
    pub commands_refused: Counter,
    /// Connections dropped because their outbound queue was full.
    pub slow_drops: Counter,
    /// Connections closed for sending too fast.
    pub rate_limited: Counter,
    /// Times a drill's store started refusing writes.
    pub store_outages: Counter,
    /// Deepest outbound queue seen at the last fan-out, in messages.
    pub outbound_queue_depth_max: Gauge,
    /// TCP connections that have not joined a drill (HTTP requests, and
    /// WebSockets before their `hello`).
    pub waiting_connections: Gauge,
    /// TCP connections closed at once because their address (or the
    /// server) had as many waiting connections as it may.
    pub connections_refused: Counter,
}

/// The process's metrics.
pub static METRICS: Metrics = Metrics {
    connections: Gauge::new(),
    drills: Gauge::new(),
    ticks: Counter::new(),
    tick_duration: TickHistogram {
        buckets: [const { AtomicU64::new(0) }; TICK_BUCKETS_US.len()],
        count: AtomicU64::new(0),
        sum_us: AtomicU64::new(0),
    },
    messages_in: Counter::new(),
    messages_out: Counter::new(),
    commands_refused: Counter::new(),
    slow_drops: Counter::new(),
    rate_limited: Counter::new(),
    store_outages: Counter::new(),
    outbound_queue_depth_max: Gauge::new(),
    waiting_connections: Gauge::new(),
    connections_refused: Counter::new(),
};

/// The Prometheus text exposition of every metric.
pub fn render() -> String {
    let m = &METRICS;
    let mut out = String::new();
    let mut metric = |name: &str, kind: &str, help: &str, value: String| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
    };
    metric("firedrill_connections", "gauge", "Open WebSocket connections.", m.connections.get().to_string());
    metric(
        "firedrill_waiting_connections",
        "gauge",
        "TCP connections that have not joined a drill.",
        m.waiting_connections.get().to_string(),
    );
    metric(
        "firedrill_connections_refused_total",
        "counter",
        "TCP connections closed at once: their address or the server had too many waiting.",
        m.connections_refused.get().to_string(),
    );
    metric("firedrill_drills", "gauge", "Drills in memory.", m.drills.get().to_string());
    metric("firedrill_ticks_total", "counter", "Simulation ticks run.", m.ticks.get().to_string());
    metric(
        "firedrill_messages_in_total",
        "counter",
        "Messages received from clients.",
        m.messages_in.get().to_string(),
    );
    metric("firedrill_messages_out_total", "counter", "Messages queued to clients.", m.messages_out.get().to_string());
    metric("firedrill_commands_refused_total", "counter", "Commands refused.", m.commands_refused.get().to_string());
    metric(
        "firedrill_slow_consumer_drops_total",
        "counter",
        "Connections dropped because they could not keep up.",
        m.slow_drops.get().to_string(),
    );
    metric(
        "firedrill_rate_limited_total",
        "counter",
        "Connections closed for sending too fast.",
        m.rate_limited.get().to_string(),
    );
    metric(
        "firedrill_store_outages_total",
        "counter",
        "Times a drill's database started refusing writes.",
        m.store_outages.get().to_string(),
    );
    metric(
        "firedrill_outbound_queue_depth_max",
        "gauge",
        "Deepest outbound queue at the last fan-out, in messages.",
        m.outbound_queue_depth_max.get().to_string(),
    );
    let h = &m.tick_duration;
    let _ = writeln!(out, "# HELP firedrill_tick_duration_seconds Simulation tick duration.");
    let _ = writeln!(out, "# TYPE firedrill_tick_duration_seconds histogram");
    for (i, bound) in TICK_BUCKETS_US.iter().enumerate() {
        let le = *bound as f64 / 1e6;
        let _ = writeln!(
            out,
            "firedrill_tick_duration_seconds_bucket{{le=\"{le}\"}} {}",
            h.buckets[i].load(Ordering::Relaxed)
        );
    }
    let count = h.count.load(Ordering::Relaxed);
    let _ = writeln!(out, "firedrill_tick_duration_seconds_bucket{{le=\"+Inf\"}} {count}");
    let _ = writeln!(out, "firedrill_tick_duration_seconds_sum {}", h.sum_us.load(Ordering::Relaxed) as f64 / 1e6);
    let _ = writeln!(out, "firedrill_tick_duration_seconds_count {count}");
    out
}

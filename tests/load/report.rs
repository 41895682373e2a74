//! Figures: percentiles, the per-target result, ratios to the baseline, and
//! printing them (text for people, JSON for the CI test and scripts).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Percentiles of a set of samples, in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Percentiles {
    /// Number of samples.
    pub n: u64,
    /// Median.
    pub p50_ms: f64,
    /// 90th percentile.
    pub p90_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest.
    pub max_ms: f64,
}

impl Percentiles {
    /// From samples in microseconds (sorted here).
    pub fn of_us(samples: &mut [u32]) -> Percentiles {
        if samples.is_empty() {
            return Percentiles::default();
        }
        samples.sort_unstable();
        let at = |q: f64| {
            let i = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1;
            f64::from(samples[i]) / 1000.0
        };
        Percentiles { n: samples.len() as u64, p50_ms: at(0.50), p90_ms: at(0.90), p99_ms: at(0.99), max_ms: at(1.0) }
    }
}

/// Joining: `POST /api/join`, WebSocket, `hello`, greeting.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Joins {
    /// Clients that tried.
    pub tried: u64,
    /// Clients that failed or were refused.
    pub refused: u64,
    /// From the storm's start until the last client was greeted.
    pub storm_ms: f64,
    /// Per client, from the storm's start to the join API's answer.
    pub api: Percentiles,
    /// Per client, from the storm's start to its greeting.
    pub greeted: Percentiles,
    /// Frames received by clients already there while the others joined
    /// (storm and idle phase).
    pub joining_frames: u64,
    /// Their bytes.
    pub joining_bytes: u64,
    /// Largest greeting (welcome) a client received, in bytes.
    pub greeting_bytes_max: u64,
    /// Some reasons for failures.
    pub failures: Vec<String>,
}

/// Server memory, from `/proc/PID/status`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Memory {
    /// Resident after start.
    pub rss_start_kib: u64,
    /// Resident after the drills and facilitators are there.
    pub rss_drills_kib: u64,
    /// Resident with every client connected and idle.
    pub rss_idle_kib: u64,
    /// (idle - drills) / clients: what one idle participant costs.
    pub per_idle_client_bytes: u64,
    /// Resident at the end of the play.
    pub rss_end_kib: u64,
    /// Peak resident over the whole run (VmHWM).
    pub peak_kib: u64,
}

/// The play phase.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Play {
    /// Length of the measured window (play + drain), seconds.
    pub window_s: f64,
    /// Frames received by all clients in the window.
    pub frames: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Frames per second.
    pub frames_per_s: f64,
    /// Pulses received.
    pub pulses: u64,
    /// Acks received.
    pub acks: u64,
    /// Server CPU in the window (user + system), milliseconds.
    pub server_cpu_ms: u64,
    /// Server CPU as a percentage of one core.
    pub server_cpu_pct: f64,
    /// Server CPU per delivered frame, microseconds.
    pub server_cpu_us_per_frame: f64,
    /// The load generator's own CPU, as a percentage of one core.
    pub loader_cpu_pct: f64,
    /// CPU used by every other process on the machine meanwhile, as a
    /// percentage of one core (a busy machine makes every figure worse).
    pub others_cpu_pct: f64,
    /// Chat messages sent in the window.
    pub chats_sent: u64,
    /// Chat deliveries expected (each message to every internal client of its drill).
    pub chats_expected: u64,
    /// Chat deliveries that arrived (live or replayed after a resume).
    pub chats_received: u64,
    /// Latency from a chat's send to its arrival, per receiving client.
    pub latency: Percentiles,
}

/// Everything that went wrong (or was exercised on purpose).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Trouble {
    /// `error` messages from the server, by code.
    pub error_codes: BTreeMap<String, u64>,
    /// All `error` messages.
    pub errors: u64,
    /// Connections the server dropped as too slow (close 1013).
    pub drops: u64,
    /// Other lost connections.
    pub lost: u64,
    /// Clients that could not get back after a lost connection.
    pub reconnect_failures: u64,
    /// Orders the conductor could not give (a client's queue was full).
    pub orders_skipped: u64,
    /// Page reloads and the time each took to be greeted again.
    pub reloads: Percentiles,
    /// Reconnects greeted with `resumed`.
    pub resumed: u64,
    /// Reconnects greeted with a fresh `welcome`.
    pub rewelcomed: u64,
    /// Events replayed after a resume.
    pub replayed: u64,
}

/// One target's run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TargetResult {
    /// `firedrill` or `baseline`.
    pub target: String,
    /// Participants (not counting facilitators).
    pub clients: u64,
    /// Drills (rooms).
    pub drills: u64,
    /// Joining.
    pub joins: Joins,
    /// Memory.
    pub memory: Memory,
    /// Playing.
    pub play: Play,
    /// Errors and reconnects.
    pub trouble: Trouble,
}

/// Firedrill's figures divided by the baseline's.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ratios {
    /// Server CPU per delivered frame.
    pub cpu_per_frame: f64,
    /// p99 latency.
    pub p99: f64,
    /// p50 latency.
    pub p50: f64,
    /// Peak resident memory.
    pub peak_rss: f64,
    /// Memory per idle client.
    pub per_idle_client: f64,
    /// Join storm wall time.
    pub storm: f64,
}

/// The whole session.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Session {
    /// The command line.
    pub command: String,
    /// Sessions this one is the median of (1: a single run).
    #[serde(default)]
    pub runs: u64,
    /// Key figures of each run, when there were several.
    #[serde(default)]
    pub each_run: Vec<String>,
    /// Firedrill's run, if any.
    pub firedrill: Option<TargetResult>,
    /// The baseline's run, if any.
    pub baseline: Option<TargetResult>,
    /// Firedrill / baseline, when both ran.
    pub ratios: Option<Ratios>,
}

fn div(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

impl Ratios {
    /// Firedrill / baseline.
    pub fn of(f: &TargetResult, b: &TargetResult) -> Ratios {
        Ratios {
            cpu_per_frame: div(f.play.server_cpu_us_per_frame, b.play.server_cpu_us_per_frame),
            p99: div(f.play.latency.p99_ms, b.play.latency.p99_ms),
            p50: div(f.play.latency.p50_ms, b.play.latency.p50_ms),
            peak_rss: div(f.memory.peak_kib as f64, b.memory.peak_kib as f64),
            per_idle_client: div(f.memory.per_idle_client_bytes as f64, b.memory.per_idle_client_bytes as f64),
            storm: div(f.joins.storm_ms, b.joins.storm_ms),
        }
    }
}

/// Figure by figure, the median of several sessions (each number is the
/// median of that number over the runs, so a line may mix runs).
pub fn median(sessions: &[Session]) -> Session {
    let values: Vec<Value> = sessions.iter().filter_map(|s| serde_json::to_value(s).ok()).collect();
    let mut out: Session = serde_json::from_value(median_value(&values)).unwrap_or_default();
    out.runs = sessions.len() as u64;
    out.each_run = sessions.iter().map(one_line).collect();
    out
}

fn median_value(values: &[Value]) -> Value {
    match values.first() {
        Some(Value::Object(first)) => Value::Object(
            first
                .keys()
                .map(|k| {
                    let column: Vec<Value> = values.iter().map(|v| v[k].clone()).collect();
                    (k.clone(), median_value(&column))
                })
                .collect(),
        ),
        Some(Value::Number(_)) => {
            let mut xs: Vec<f64> = values.iter().filter_map(Value::as_f64).collect();
            xs.sort_by(f64::total_cmp);
            let m = if xs.is_empty() {
                0.0
            } else if xs.len() % 2 == 1 {
                xs[xs.len() / 2]
            } else {
                (xs[xs.len() / 2 - 1] + xs[xs.len() / 2]) / 2.0
            };
            // Integers stay integers so that the result deserializes.
            if values.iter().all(|v| v.is_u64()) { Value::from(m.round() as u64) } else { Value::from(m) }
        }
        Some(v) => v.clone(),
        None => Value::Null,
    }
}

fn one_line(s: &Session) -> String {
    let mut out = String::new();
    for r in [&s.firedrill, &s.baseline].into_iter().flatten() {
        out += &format!(
            "{}: p99 {:.1} ms, {:.2} µs/frame, storm {:.0} ms, peak {:.1} MiB, others {:.0}%; ",
            r.target,
            r.play.latency.p99_ms,
            r.play.server_cpu_us_per_frame,
            r.joins.storm_ms,
            r.memory.peak_kib as f64 / 1024.0,
            r.play.others_cpu_pct
        );
    }
    out.trim_end_matches("; ").to_string()
}

/// A human-readable report.
pub fn text(s: &Session) -> String {
    let mut out = format!("$ {}\n", s.command);
    if s.runs > 1 {
        out += &format!("median of {} runs, figure by figure:\n", s.runs);
        for (i, line) in s.each_run.iter().enumerate() {
            out += &format!("  run {}: {line}\n", i + 1);
        }
    }
    for r in [&s.firedrill, &s.baseline].into_iter().flatten() {
        let j = &r.joins;
        let m = &r.memory;
        let p = &r.play;
        let t = &r.trouble;
        let l = &p.latency;
        out += &format!("\n== {} — {} clients in {} drill(s)\n", r.target, r.clients, r.drills);
        out += &format!(
            "join storm   {} tried, {} refused; all greeted in {:.0} ms (api p50 {:.0} p99 {:.0} ms; greeted p50 {:.0} p99 {:.0} ms); largest greeting {} B\n             meanwhile {} frames ({:.1} MB) went to the clients already in\n",
            j.tried,
            j.refused,
            j.storm_ms,
            j.api.p50_ms,
            j.api.p99_ms,
            j.greeted.p50_ms,
            j.greeted.p99_ms,
            j.greeting_bytes_max,
            j.joining_frames,
            j.joining_bytes as f64 / 1e6
        );
        out += &format!(
            "memory       start {:.1} MiB, drills {:.1} MiB, idle {:.1} MiB ({:.1} KiB per idle client), end {:.1} MiB, peak {:.1} MiB\n",
            mib(m.rss_start_kib),
            mib(m.rss_drills_kib),
            mib(m.rss_idle_kib),
            m.per_idle_client_bytes as f64 / 1024.0,
            mib(m.rss_end_kib),
            mib(m.peak_kib)
        );
        out += &format!(
            "play         {:.1} s: {} frames ({:.0}/s, {:.1} MB), {} pulses, {} acks; chats sent {}, delivered {}/{}\n",
            p.window_s,
            p.frames,
            p.frames_per_s,
            p.bytes as f64 / 1e6,
            p.pulses,
            p.acks,
            p.chats_sent,
            p.chats_received,
            p.chats_expected
        );
        out += &format!(
            "server cpu   {:.1}% of one core, {:.2} µs per delivered frame (load generator: {:.1}%, other processes: {:.1}% of one core)\n",
            p.server_cpu_pct, p.server_cpu_us_per_frame, p.loader_cpu_pct, p.others_cpu_pct
        );
        out += &format!(
            "latency      chat send -> each receiver: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} samples)\n",
            l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms, l.n
        );
        out += &format!(
            "trouble      {} errors {:?}, {} dropped (1013), {} lost, {} never back, {} orders skipped; {} reloads (p50 {:.1} p99 {:.1} ms), {} resumed, {} re-welcomed, {} replayed\n",
            t.errors,
            t.error_codes,
            t.drops,
            t.lost,
            t.reconnect_failures,
            t.orders_skipped,
            t.reloads.n,
            t.reloads.p50_ms,
            t.reloads.p99_ms,
            t.resumed,
            t.rewelcomed,
            t.replayed
        );
        if !j.failures.is_empty() {
            out += &format!("failures     {:?}\n", j.failures);
        }
    }
    if let Some(r) = &s.ratios {
        out += &format!(
            "\n== firedrill / baseline\ncpu per frame {:.2}x, p50 {:.2}x, p99 {:.2}x, peak rss {:.2}x, per idle client {:.2}x, join storm {:.2}x\n",
            r.cpu_per_frame, r.p50, r.p99, r.peak_rss, r.per_idle_client, r.storm
        );
    }
    out
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

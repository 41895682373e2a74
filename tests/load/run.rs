//! `firedrill-load run`: one session against Firedrill and/or the baseline.
//!
//! For each target: start the server, create the drills (the facilitators
//! connect), join every client at once (the join storm), let them sit idle
//! (memory per idle client), then play for the given time and drain (CPU,
//! frames, latency), and stop everything. Firedrill runs first so that the
//! baseline can send the very pulse and health frames Firedrill sent, at
//! the rate it sent them.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::json;
use tokio::sync::{Semaphore, mpsc};

use crate::client::{self, Auth, Proto, Report, Spec, Stats};
use crate::report::{self, Joins, Memory, Percentiles, Play, Ratios, Session, TargetResult, Trouble};
use crate::server::{self, Kind, Server};
use crate::workload::{self, Member, Plan};
use crate::{CHAT_PER_S_MAX, CLIENTS_MAX, DURATION_S_MAX, JOINING, MEASURING, Rng, now_us};

/// Orders waiting for one client.
const ORDERS_QUEUE_LEN_MAX: usize = 64;

/// Longest wait for the join storm to finish.
const STORM_TIMEOUT_MS: u64 = 120_000;

/// Longest wait for a client task to hand back its figures after the end.
const CLIENT_STOP_TIMEOUT_MS: u64 = 15_000;

/// Which servers to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// Firedrill, then the baseline, in the same session.
    Both,
    /// Firedrill only.
    Firedrill,
    /// The baseline only.
    Baseline,
}

/// The `run` command's options.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// Participants in total, spread evenly over the drills (facilitators come on top).
    #[arg(long, default_value_t = 1000)]
    pub clients: usize,
    /// Drills (each with its own facilitator).
    #[arg(long, default_value_t = 1)]
    pub drills: usize,
    /// Seconds of play (measured, followed by the drain).
    #[arg(long, default_value_t = 20)]
    pub duration_s: u64,
    /// Steady chat messages per second, per drill.
    #[arg(long, default_value_t = 8.0)]
    pub chat_per_s: f64,
    /// A chat burst every this many seconds (0: none).
    #[arg(long, default_value_t = 10)]
    pub burst_every_s: u64,
    /// Messages in one burst, per drill, spread over one second.
    #[arg(long, default_value_t = 50)]
    pub burst_size: usize,
    /// Page reloads (close, resume with the last seq) per second, per drill.
    #[arg(long, default_value_t = 0.2)]
    pub reload_per_s: f64,
    /// Drill speed the facilitators set (drill seconds per real second).
    #[arg(long, default_value_t = 60)]
    pub speed: u32,
    /// Most clients joining at the same moment.
    #[arg(long, default_value_t = 1000)]
    pub join_concurrency: usize,
    /// Milliseconds of idleness before the idle memory is read.
    #[arg(long, default_value_t = 2000)]
    pub settle_ms: u64,
    /// Milliseconds after the play during which late messages still count.
    #[arg(long, default_value_t = 2000)]
    pub drain_ms: u64,
    /// Which servers to measure.
    #[arg(long, value_enum, default_value_t = Target::Both)]
    pub target: Target,
    /// The `firedrill` binary (default: next to this one).
    #[arg(long)]
    pub firedrill_bin: Option<PathBuf>,
    /// Built-in scenario of the drills.
    #[arg(long, default_value = "lunch-peak-pos-outage")]
    pub scenario: String,
    /// Bots in the drills' unplayed response roles (`off`, `good`, `perfect`).
    #[arg(long, default_value = "off")]
    pub bots: String,
    /// Seed of the workload's choices.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads of the load generator's runtime.
    #[arg(long, default_value_t = 2)]
    pub loader_threads: usize,
    /// Listen backlog of the baseline server (Firedrill's is tokio's 1024).
    #[arg(long, default_value_t = 1024)]
    pub baseline_backlog: u32,
    /// Sessions to run; the report gives the median of each figure.
    #[arg(long, default_value_t = 1)]
    pub runs: usize,
    /// Before each session, wait up to this many seconds for other
    /// processes to leave the machine idle (0: do not wait).
    #[arg(long, default_value_t = 0)]
    pub wait_quiet_s: u64,
    /// Also write the figures as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// Frames and rates seen from Firedrill, for the baseline to send.
#[derive(Debug, Default)]
struct Captured {
    pulse: Option<String>,
    health: Option<String>,
    health_ms: Option<u64>,
}

/// Runs the session and prints the report.
pub async fn run(args: RunArgs) -> Result<(), String> {
    if args.clients == 0 || args.clients > CLIENTS_MAX {
        return Err(format!("--clients must be 1 to {CLIENTS_MAX}"));
    }
    if args.drills == 0 || args.drills > args.clients || args.drills > 256 {
        return Err("--drills must be 1 to 256, and at most --clients".into());
    }
    if args.duration_s == 0 || args.duration_s > DURATION_S_MAX {
        return Err(format!("--duration-s must be 1 to {DURATION_S_MAX}"));
    }
    if !(0.0..=CHAT_PER_S_MAX).contains(&args.chat_per_s) || !(0.0..=50.0).contains(&args.reload_per_s) {
        return Err(format!("--chat-per-s must be 0 to {CHAT_PER_S_MAX}, --reload-per-s 0 to 50"));
    }
    if args.burst_size > 5_000 || args.join_concurrency == 0 {
        return Err("--burst-size must be at most 5000, --join-concurrency at least 1".into());
    }
    if args.runs == 0 || args.runs > 20 {
        return Err("--runs must be 1 to 20".into());
    }
    let mut sessions = Vec::new();
    for i in 0..args.runs {
        if args.wait_quiet_s > 0 {
            wait_quiet(args.wait_quiet_s).await;
        }
        if args.runs > 1 {
            eprintln!("firedrill-load: run {} of {}", i + 1, args.runs);
        }
        let s = session(&args).await?;
        if args.runs > 1 {
            eprintln!("{}", report::text(&s));
        }
        sessions.push(s);
    }
    let session = if sessions.len() == 1 { sessions.remove(0) } else { report::median(&sessions) };
    print_report(&report::text(&session));
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&session).map_err(|e| e.to_string())?;
        std::fs::write(path, json).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Waits (bounded) until the machine's other processes use less than a
/// quarter of a core for three seconds: this machine is shared, and a busy
/// neighbour makes every figure worse.
async fn wait_quiet(limit_s: u64) {
    const QUIET_BUSY_PCT_MAX: u64 = 25;
    const SAMPLE_MS: u64 = 3_000;
    let deadline = now_us() + limit_s * 1_000_000;
    loop {
        let before = server::machine_busy_ms();
        tokio::time::sleep(Duration::from_millis(SAMPLE_MS)).await;
        let busy_pct = server::machine_busy_ms().saturating_sub(before) * 100 / SAMPLE_MS;
        if busy_pct < QUIET_BUSY_PCT_MAX {
            return;
        }
        if now_us() > deadline {
            eprintln!("firedrill-load: the machine is still busy ({busy_pct}% of a core); measuring anyway");
            return;
        }
        eprintln!("firedrill-load: waiting for a quiet machine ({busy_pct}% of a core busy)");
        tokio::time::sleep(Duration::from_millis(10_000)).await;
    }
}

/// One session: Firedrill and/or the baseline.
async fn session(args: &RunArgs) -> Result<Session, String> {
    let args = args.clone();
    let mut session =
        Session { command: std::env::args().collect::<Vec<_>>().join(" "), runs: 1, ..Session::default() };
    let mut captured = Captured::default();
    if matches!(args.target, Target::Both | Target::Firedrill) {
        let bin = args.firedrill_bin.clone().or_else(server::sibling_firedrill).ok_or(
            "no firedrill binary next to this one: build it (cargo build --release -p firedrill) or pass --firedrill-bin",
        )?;
        let data = crate::temp_dir("data")?;
        let kind = Kind::Firedrill { bin, data: data.clone() };
        let result = run_target(&args, Proto::Firedrill, &kind, &mut captured).await;
        let _ = std::fs::remove_dir_all(&data);
        session.firedrill = Some(result?);
    }
    if matches!(args.target, Target::Both | Target::Baseline) {
        let dir = crate::temp_dir("baseline")?;
        let mut extra = Vec::new();
        for (name, frame) in [("pulse", &captured.pulse), ("health", &captured.health)] {
            if let Some(frame) = frame {
                let path = dir.join(format!("{name}.json"));
                std::fs::write(&path, frame).map_err(|e| format!("{}: {e}", path.display()))?;
                extra.push(format!("--{name}-file"));
                extra.push(path.display().to_string());
            }
        }
        // Without a capture: the scenario's health rhythm (every 2 drill
        // minutes) at the play's speed.
        let health_ms = captured.health_ms.unwrap_or(120_000 / u64::from(args.speed.max(1)));
        extra.extend(["--health-ms".to_string(), health_ms.to_string()]);
        extra.extend(["--backlog".to_string(), args.baseline_backlog.to_string()]);
        let kind = Kind::Baseline { args: extra };
        let result = run_target(&args, Proto::Baseline, &kind, &mut Captured::default()).await;
        let _ = std::fs::remove_dir_all(&dir);
        session.baseline = Some(result?);
    }
    if let (Some(f), Some(b)) = (&session.firedrill, &session.baseline) {
        session.ratios = Some(Ratios::of(f, b));
    }
    Ok(session)
}

#[expect(clippy::print_stdout, reason = "the load generator's report")]
fn print_report(text: &str) {
    println!("{text}");
}

/// A client task and what main knows about it.
struct Running {
    drill: usize,
    internal: bool,
    handle: tokio::task::JoinHandle<Stats>,
}

async fn run_target(
    args: &RunArgs,
    proto: Proto,
    kind: &Kind,
    captured: &mut Captured,
) -> Result<TargetResult, String> {
    let name = match proto {
        Proto::Firedrill => "firedrill",
        Proto::Baseline => "baseline",
    };
    eprintln!("firedrill-load: {name}: starting the server");
    let server = Server::start(kind).await?;
    let addr = server.addr;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut memory = Memory { rss_start_kib: server.rss_kib(), ..Memory::default() };
    let (reports_tx, mut reports_rx) = mpsc::unbounded_channel::<Report>();
    let mut members: Vec<Vec<Member>> = (0..args.drills).map(|_| Vec::new()).collect();
    let mut running: Vec<Running> = Vec::new();

    // Drills and their facilitators.
    let mut codes = Vec::new();
    for (d, drill_members) in members.iter_mut().enumerate() {
        let auth = match proto {
            Proto::Baseline => Auth::Baseline,
            Proto::Firedrill => {
                let mut body = json!({"scenario": args.scenario, "name": format!("Facilitator {d}"), "seed": d});
                if args.bots != "off" {
                    body["bots"] = json!(args.bots);
                }
                let (status, v) = crate::http::request(addr, "POST", "/api/drills", Some(&body)).await?;
                let (Some(token), Some(code)) = (v["token"].as_str(), v["join_code"].as_str()) else {
                    return Err(format!("creating drill {d}: {status} {v}"));
                };
                codes.push(code.to_string());
                Auth::Token(token.to_string())
            }
        };
        let spec = Spec { id: (args.clients + d) as u32, drill: d, role: None, auth, capture: d == 0 };
        let (tx, rx) = mpsc::channel(ORDERS_QUEUE_LEN_MAX);
        drill_members.push(Member { role: None, tx });
        let handle = tokio::spawn(client::run(spec, addr, proto, rx, reports_tx.clone(), now_us(), None));
        running.push(Running { drill: d, internal: true, handle });
    }
    let mut facilitators = 0;
    while facilitators < args.drills {
        match tokio::time::timeout(Duration::from_millis(STORM_TIMEOUT_MS), reports_rx.recv()).await {
            Ok(Some(Report::Joined { .. })) => facilitators += 1,
            Ok(Some(Report::Back { .. })) => {}
            Ok(Some(Report::Failed { why })) => return Err(format!("a facilitator could not connect: {why}")),
            Ok(None) | Err(_) => return Err("the facilitators did not connect in time".into()),
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    memory.rss_drills_kib = server.rss_kib();

    // The join storm.
    eprintln!("firedrill-load: {name}: join storm of {} clients", args.clients);
    let mut rng = Rng::new(args.seed);
    let mut roles_by_drill: Vec<std::vec::IntoIter<&'static str>> = (0..args.drills)
        .map(|d| {
            let n = args.clients / args.drills + usize::from(d < args.clients % args.drills);
            workload::roles(n, &mut rng).into_iter()
        })
        .collect();
    let sem = Arc::new(Semaphore::new(args.join_concurrency));
    JOINING.store(true, Ordering::SeqCst);
    let t0 = now_us();
    let mut storm = Vec::with_capacity(args.clients);
    for i in 0..args.clients {
        let d = i % args.drills;
        let role = roles_by_drill[d].next().unwrap_or("support_agent");
        let auth = match proto {
            Proto::Baseline => Auth::Baseline,
            Proto::Firedrill => Auth::Join(codes[d].clone()),
        };
        let spec = Spec { id: i as u32, drill: d, role: Some(role), auth, capture: false };
        let (tx, rx) = mpsc::channel(ORDERS_QUEUE_LEN_MAX);
        members[d].push(Member { role: Some(role), tx });
        storm.push((spec, rx));
    }
    let spawner = {
        let sem = sem.clone();
        let reports_tx = reports_tx.clone();
        tokio::spawn(async move {
            let mut out = Vec::with_capacity(storm.len());
            for (spec, rx) in storm {
                let Ok(permit) = sem.clone().acquire_owned().await else { break };
                let drill = spec.drill;
                let internal = spec.internal();
                let handle = tokio::spawn(client::run(spec, addr, proto, rx, reports_tx.clone(), t0, Some(permit)));
                out.push(Running { drill, internal, handle });
            }
            out
        })
    };
    let mut joins = Joins { tried: args.clients as u64, ..Joins::default() };
    let mut api = Vec::new();
    let mut greeted = Vec::new();
    let mut joined_by_drill = vec![0u64; args.drills];
    let mut heard = 0;
    while heard < args.clients {
        match tokio::time::timeout(Duration::from_millis(STORM_TIMEOUT_MS), reports_rx.recv()).await {
            Ok(Some(Report::Joined { api_us, greeted_us, .. })) => {
                if let Some(a) = api_us {
                    api.push(a as u32);
                }
                greeted.push(greeted_us as u32);
                joins.storm_ms = joins.storm_ms.max(greeted_us as f64 / 1000.0);
            }
            Ok(Some(Report::Back { .. })) => continue,
            Ok(Some(Report::Failed { why })) => {
                joins.refused += 1;
                if joins.failures.len() < 5 {
                    joins.failures.push(why);
                }
            }
            Ok(None) | Err(_) => {
                joins.refused += (args.clients - heard) as u64;
                joins.failures.push("the join storm did not finish in time".into());
                break;
            }
        }
        heard += 1;
    }
    joins.api = Percentiles::of_us(&mut api);
    joins.greeted = Percentiles::of_us(&mut greeted);
    running.extend(spawner.await.map_err(|e| format!("spawner: {e}"))?);
    eprintln!(
        "firedrill-load: {name}: {} greeted in {:.0} ms, {} refused",
        greeted.len(),
        joins.storm_ms,
        joins.refused
    );

    // Idle.
    tokio::time::sleep(Duration::from_millis(args.settle_ms)).await;
    memory.rss_idle_kib = server.rss_kib();
    JOINING.store(false, Ordering::SeqCst);
    memory.per_idle_client_bytes =
        memory.rss_idle_kib.saturating_sub(memory.rss_drills_kib) * 1024 / args.clients.max(1) as u64;

    // Play.
    eprintln!("firedrill-load: {name}: playing for {} s", args.duration_s);
    let plan = Plan {
        duration_ms: args.duration_s * 1000,
        chat_per_s: args.chat_per_s,
        burst_every_s: args.burst_every_s,
        burst_size: args.burst_size,
        reload_per_s: args.reload_per_s,
        speed: args.speed,
        script: true,
    };
    let own_pid = std::process::id();
    MEASURING.store(true, Ordering::SeqCst);
    let w0 = now_us();
    let cpu0 = server.cpu_ms();
    let self0 = server::cpu_ms(own_pid).unwrap_or(0);
    let busy0 = server::machine_busy_ms();
    let conductors: Vec<_> = members
        .into_iter()
        .enumerate()
        .map(|(d, m)| tokio::spawn(workload::conduct(m, plan.clone(), args.seed.wrapping_add(d as u64))))
        .collect();
    let mut kept = Vec::new();
    let mut trouble = Trouble::default();
    for c in conductors {
        let (m, done) = c.await.map_err(|e| format!("conductor: {e}"))?;
        trouble.orders_skipped += done.skipped;
        kept.push(m);
    }
    tokio::time::sleep(Duration::from_millis(args.drain_ms)).await;
    MEASURING.store(false, Ordering::SeqCst);
    let cpu1 = server.cpu_ms();
    let self1 = server::cpu_ms(own_pid).unwrap_or(0);
    let busy1 = server::machine_busy_ms();
    let w1 = now_us();
    memory.rss_end_kib = server.rss_kib();
    memory.peak_kib = server.hwm_kib();

    // Stop the clients and gather what they saw.
    drop(kept);
    let mut play = Play { window_s: (w1 - w0) as f64 / 1e6, ..Play::default() };
    let mut latencies = Vec::new();
    let mut reloads = Vec::new();
    let mut sent_by_drill = vec![0u64; args.drills];
    for r in running {
        let Ok(Ok(st)) = tokio::time::timeout(Duration::from_millis(CLIENT_STOP_TIMEOUT_MS), r.handle).await else {
            trouble.lost += 1;
            continue;
        };
        if !st.refused && r.internal {
            joined_by_drill[r.drill] += 1;
        }
        sent_by_drill[r.drill] += st.chats_sent;
        joins.joining_frames += st.joining_frames;
        joins.joining_bytes += st.joining_bytes;
        play.frames += st.frames;
        play.bytes += st.bytes;
        play.pulses += st.pulses;
        play.acks += st.acks;
        play.chats_sent += st.chats_sent;
        play.chats_received += st.chats_received;
        latencies.extend_from_slice(&st.latencies_us);
        reloads.extend_from_slice(&st.reload_us);
        trouble.errors += st.errors;
        for code in st.error_codes {
            *trouble.error_codes.entry(code).or_default() += 1;
        }
        trouble.drops += st.drops;
        trouble.lost += st.lost;
        trouble.reconnect_failures += st.reconnect_failures;
        trouble.resumed += st.resumed;
        trouble.rewelcomed += st.rewelcomed;
        trouble.replayed += st.replayed;
        joins.greeting_bytes_max = joins.greeting_bytes_max.max(st.greeting_bytes_max);
        if st.sample_pulse.is_some() {
            captured.pulse = st.sample_pulse;
            captured.health = st.sample_health;
            captured.health_ms = ((w1 - w0) / 1000).checked_div(st.health_posts);
        }
    }
    server.kill();
    play.chats_expected = sent_by_drill.iter().zip(&joined_by_drill).map(|(s, j)| s * j).sum();
    play.frames_per_s = play.frames as f64 / play.window_s.max(1e-9);
    play.server_cpu_ms = cpu1.saturating_sub(cpu0);
    play.server_cpu_pct = play.server_cpu_ms as f64 / 10.0 / play.window_s.max(1e-9);
    play.server_cpu_us_per_frame = play.server_cpu_ms as f64 * 1000.0 / play.frames.max(1) as f64;
    play.loader_cpu_pct = self1.saturating_sub(self0) as f64 / 10.0 / play.window_s.max(1e-9);
    let others_ms = busy1.saturating_sub(busy0).saturating_sub(play.server_cpu_ms + self1.saturating_sub(self0));
    play.others_cpu_pct = others_ms as f64 / 10.0 / play.window_s.max(1e-9);
    play.latency = Percentiles::of_us(&mut latencies);
    trouble.reloads = Percentiles::of_us(&mut reloads);
    Ok(TargetResult {
        target: name.to_string(),
        clients: args.clients as u64,
        drills: args.drills as u64,
        joins,
        memory,
        play,
        trouble,
    })
}

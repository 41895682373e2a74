//! `firedrill-load restart`: how fast a long, crowded drill comes back.
//!
//! Writes, through `firedrill::store::Store` (the server's own store), the
//! input log a drill of `--minutes` with `--clients` participants would have
//! left: every seat joining and coming online, the start, the declaration,
//! chat at `--chat-per-s` the whole time, phase changes, runbook actions,
//! notices and some presence flaps, up to one minute before its end. Then:
//! start a server on that data (the restore: replaying the whole log),
//! connect every participant with its token, play, and SIGKILL and restart
//! the server `--restarts` times while the clients reconnect on their own
//! with their last `seq`. Reported: time from process start to `/healthz`
//! (restore done) and until every client is greeted again.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

use firedrill::protocol::{Channel, Command, ComponentStatus, Phase, Role, SeatKind};
use firedrill::store::{DrillRecord, LogRecord, LoggedInput, Store};
use serde::Serialize;
use serde_json::json;
use tokio::sync::mpsc;

use crate::client::{self, Auth, Proto, Report, Spec};
use crate::report::Percentiles;
use crate::server::{self, Kind, Server};
use crate::workload::{self, Member, Plan};
use crate::{CLIENTS_MAX, MEASURING, Rng, now_us};

/// Longest wait for every client to be greeted.
const GREET_TIMEOUT_MS: u64 = 120_000;

/// Most kill/restart cycles.
const RESTARTS_MAX: usize = 20;

/// Tick of the declaration in the written log.
const DECLARE_TICK: u64 = 120;

/// The `restart` command's options.
#[derive(Debug, Clone, clap::Args)]
pub struct RestartArgs {
    /// Participants (plus one facilitator).
    #[arg(long, default_value_t = 1000)]
    pub clients: usize,
    /// Length of the drill, in drill minutes; the log covers all but the last one.
    #[arg(long, default_value_t = 60)]
    pub minutes: u64,
    /// Chat messages per drill second in the written log.
    #[arg(long, default_value_t = 10.0)]
    pub chat_per_s: f64,
    /// Seconds of live play before each kill.
    #[arg(long, default_value_t = 5)]
    pub play_s: u64,
    /// Kill/restart cycles.
    #[arg(long, default_value_t = 3)]
    pub restarts: usize,
    /// The `firedrill` binary (default: next to this one).
    #[arg(long)]
    pub firedrill_bin: Option<PathBuf>,
    /// Seed of the log and the workload.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads of the load generator's runtime.
    #[arg(long, default_value_t = 2)]
    pub loader_threads: usize,
    /// Also write the figures as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// One kill and restart.
#[derive(Debug, Clone, Serialize)]
struct Cycle {
    /// From spawning the process to `/healthz` answering (restore done).
    restore_ms: f64,
    /// From spawning the process until every client was greeted again.
    all_back_ms: f64,
    /// Clients greeted with `resumed`.
    resumed: u64,
    /// Clients greeted with a fresh `welcome`.
    rewelcomed: u64,
    /// Clients that did not come back in time.
    missing: u64,
    /// Peak resident memory of the restarted server by the end of the cycle.
    peak_kib: u64,
}

/// The whole restart session.
#[derive(Debug, Clone, Serialize)]
struct RestartReport {
    command: String,
    clients: u64,
    minutes: u64,
    log_records: u64,
    log_write_s: f64,
    db_bytes: u64,
    /// First start on the written log: restore, then every client connects fresh.
    first_restore_ms: f64,
    first_all_greeted_ms: f64,
    greeting_bytes_max: u64,
    cycles: Vec<Cycle>,
    /// Latency of chat during the live play (all cycles).
    latency: Percentiles,
    errors: u64,
    /// Some error messages.
    error_codes: Vec<String>,
}

/// Runs the restart measurement and prints the report.
pub async fn run(args: RestartArgs) -> Result<(), String> {
    if args.clients == 0 || args.clients > CLIENTS_MAX.min(4_999) {
        return Err("--clients must be 1 to 4999".into());
    }
    if args.minutes < 3 || args.minutes > 24 * 60 || args.restarts > RESTARTS_MAX || args.play_s > 600 {
        return Err(format!("--minutes must be 3 to 1440, --restarts at most {RESTARTS_MAX}, --play-s at most 600"));
    }
    if !(0.0..=200.0).contains(&args.chat_per_s) {
        return Err("--chat-per-s must be 0 to 200".into());
    }
    let bin = args
        .firedrill_bin
        .clone()
        .or_else(server::sibling_firedrill)
        .ok_or("no firedrill binary next to this one: pass --firedrill-bin")?;
    let data = crate::temp_dir("restart")?;
    let result = measure(&args, bin, data.clone()).await;
    let _ = std::fs::remove_dir_all(&data);
    let report = result?;
    print_report(&report);
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(path, json).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

#[expect(clippy::print_stdout, reason = "the load generator's report")]
fn print_report(r: &RestartReport) {
    println!("$ {}", r.command);
    println!(
        "log          {} participants, {} drill minutes: {} inputs written in {:.2} s ({:.0}/s), database {:.1} MB",
        r.clients,
        r.minutes,
        r.log_records,
        r.log_write_s,
        r.log_records as f64 / r.log_write_s.max(1e-9),
        r.db_bytes as f64 / 1e6
    );
    println!(
        "first start  restore {:.0} ms; all {} clients greeted {:.0} ms after the start; largest greeting {} B",
        r.first_restore_ms,
        r.clients + 1,
        r.first_all_greeted_ms,
        r.greeting_bytes_max
    );
    for (i, c) in r.cycles.iter().enumerate() {
        println!(
            "restart {}    restore {:.0} ms; all back {:.0} ms after the start ({} resumed, {} re-welcomed, {} missing); peak {:.1} MiB",
            i + 1,
            c.restore_ms,
            c.all_back_ms,
            c.resumed,
            c.rewelcomed,
            c.missing,
            c.peak_kib as f64 / 1024.0
        );
    }
    let l = &r.latency;
    println!(
        "play         chat latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} samples); {} errors {:?}",
        l.p50_ms, l.p99_ms, l.max_ms, l.n, r.errors, r.error_codes
    );
}

async fn measure(args: &RestartArgs, bin: PathBuf, data: PathBuf) -> Result<RestartReport, String> {
    let mut rng = Rng::new(args.seed);
    let roles = workload::roles(args.clients, &mut rng);
    eprintln!("firedrill-load: writing a {}-minute log for {} participants", args.minutes, args.clients);
    let t_write = now_us();
    let (tokens, log_records) = write_log(args, &roles, &data, &mut rng).await?;
    let log_write_s = (now_us() - t_write) as f64 / 1e6;
    // The store's writer thread closes the database once its handle is gone.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let db_bytes = server::dir_bytes(&data);

    let kind = Kind::Firedrill { bin, data };
    let port = server::free_port()?;
    let t_spawn = now_us();
    let mut server = Server::start_on(&kind, port).await?;
    let first_restore_ms = (now_us() - t_spawn) as f64 / 1000.0;
    eprintln!("firedrill-load: restored in {first_restore_ms:.0} ms; connecting {} clients", args.clients + 1);

    let (reports_tx, mut reports_rx) = mpsc::unbounded_channel::<Report>();
    let mut members = Vec::new();
    let mut handles = Vec::new();
    for (seat, token) in tokens.iter().enumerate() {
        let role = if seat == 0 { None } else { Some(roles[seat - 1]) };
        let spec = Spec { id: seat as u32, drill: 0, role, auth: Auth::Token(token.clone()), capture: false };
        let (tx, rx) = mpsc::channel(64);
        members.push(Member { role, tx });
        handles.push(tokio::spawn(client::run(
            spec,
            server.addr,
            Proto::Firedrill,
            rx,
            reports_tx.clone(),
            t_spawn,
            None,
        )));
    }
    let mut first_all_greeted_ms = 0.0f64;
    let mut greeted = 0;
    while greeted < tokens.len() {
        match tokio::time::timeout(Duration::from_millis(GREET_TIMEOUT_MS), reports_rx.recv()).await {
            Ok(Some(Report::Joined { greeted_us, .. })) => {
                greeted += 1;
                first_all_greeted_ms = first_all_greeted_ms.max(greeted_us as f64 / 1000.0);
            }
            Ok(Some(Report::Failed { why })) => return Err(format!("a client could not connect: {why}")),
            Ok(Some(Report::Back { .. })) => {}
            Ok(None) | Err(_) => return Err("the clients did not connect in time".into()),
        }
    }

    let plan = Plan {
        duration_ms: args.play_s * 1000,
        chat_per_s: 8.0,
        burst_every_s: 0,
        burst_size: 0,
        reload_per_s: 0.0,
        speed: 1,
        script: false,
    };
    let mut cycles = Vec::new();
    MEASURING.store(true, Ordering::SeqCst);
    for k in 0..args.restarts {
        let (m, _) = workload::conduct(members, plan.clone(), args.seed + k as u64).await;
        members = m;
        eprintln!("firedrill-load: restart {}: kill", k + 1);
        server.kill();
        let t_spawn = now_us();
        server = Server::start_on(&kind, port).await?;
        let restore_ms = (now_us() - t_spawn) as f64 / 1000.0;
        let mut cycle = Cycle { restore_ms, all_back_ms: 0.0, resumed: 0, rewelcomed: 0, missing: 0, peak_kib: 0 };
        let mut back = 0;
        while back < tokens.len() {
            match tokio::time::timeout(Duration::from_millis(GREET_TIMEOUT_MS), reports_rx.recv()).await {
                Ok(Some(Report::Back { at_us, resumed })) => {
                    back += 1;
                    cycle.all_back_ms = cycle.all_back_ms.max(at_us.saturating_sub(t_spawn) as f64 / 1000.0);
                    if resumed {
                        cycle.resumed += 1;
                    } else {
                        cycle.rewelcomed += 1;
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => {
                    cycle.missing = (tokens.len() - back) as u64;
                    break;
                }
            }
        }
        cycle.peak_kib = server.hwm_kib();
        eprintln!(
            "firedrill-load: restart {}: restore {:.0} ms, all back {:.0} ms",
            k + 1,
            restore_ms,
            cycle.all_back_ms
        );
        cycles.push(cycle);
    }
    MEASURING.store(false, Ordering::SeqCst);
    drop(members);
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut error_codes = Vec::new();
    let mut greeting_bytes_max = 0;
    for h in handles {
        if let Ok(Ok(st)) = tokio::time::timeout(Duration::from_secs(15), h).await {
            latencies.extend_from_slice(&st.latencies_us);
            errors += st.errors;
            error_codes.extend(st.error_codes.into_iter().take(5usize.saturating_sub(error_codes.len())));
            greeting_bytes_max = greeting_bytes_max.max(st.greeting_bytes_max);
        }
    }
    server.kill();
    Ok(RestartReport {
        command: std::env::args().collect::<Vec<_>>().join(" "),
        clients: args.clients as u64,
        minutes: args.minutes,
        log_records,
        log_write_s,
        db_bytes,
        first_restore_ms,
        first_all_greeted_ms,
        greeting_bytes_max,
        cycles,
        latency: Percentiles::of_us(&mut latencies),
        errors,
        error_codes,
    })
}

/// A hex string of `bytes` random bytes from the workload's generator (these
/// tokens guard nothing: the server lives for one measurement).
fn hex(rng: &mut Rng, bytes: usize) -> String {
    (0..bytes).map(|_| format!("{:02x}", rng.next_u64() as u8)).collect()
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the drill and its log; returns every seat's token (seat 0, the
/// facilitator, first) and the number of inputs written.
async fn write_log(
    args: &RestartArgs,
    roles: &[&'static str],
    data: &std::path::Path,
    rng: &mut Rng,
) -> Result<(Vec<String>, u64), String> {
    let builtin = firedrill::scenario::builtins()
        .into_iter()
        .find(|b| b.scenario.id == "lunch-peak-pos-outage")
        .ok_or("the built-in scenario is missing")?;
    // The drill's own length is the top-level `duration_min` line.
    let toml: String = builtin
        .source
        .lines()
        .map(|l| if l.starts_with("duration_min") { format!("duration_min = {}", args.minutes) } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n");
    firedrill::scenario::parse(&toml).map_err(|p| format!("the longer scenario does not validate: {p:?}"))?;
    let store = Store::open(data).map_err(|e| e.to_string())?;
    let drill = hex(rng, 8);
    store
        .create_drill(DrillRecord {
            id: drill.clone(),
            join_code: hex(rng, 16),
            facilitator_code: String::new(),
            scenario_id: builtin.scenario.id.clone(),
            scenario_toml: toml,
            seed: 42,
            bots: firedrill::protocol::Bots::Off,
            created_ms: 1,
        })
        .await
        .map_err(|e| e.to_string())?;

    let last_tick = args.minutes * 60 - 60;
    let mut by_tick: std::collections::BTreeMap<u64, Vec<LoggedInput>> = Default::default();
    let mut tokens = Vec::with_capacity(roles.len() + 1);
    let mut cids = vec![0u64; roles.len() + 1];
    let mut cmd =
        |by_tick: &mut std::collections::BTreeMap<u64, Vec<LoggedInput>>, tick: u64, seat: usize, cmd: Command| {
            // Nothing after the log's last tick (a short drill skips the
            // later script).
            if tick >= last_tick {
                return;
            }
            cids[seat] += 1;
            by_tick.entry(tick).or_default().push(LoggedInput::Command { seat: seat as u32, cid: cids[seat], cmd });
        };
    let seat_kinds: Vec<SeatKind> = std::iter::once(Ok(SeatKind::Facilitator))
        .chain(roles.iter().map(|r| serde_json::from_value::<Role>(json!(r)).map(SeatKind::Participant)))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    for (seat, kind) in seat_kinds.iter().enumerate() {
        let token = hex(rng, 32);
        let name = if seat == 0 { "Facilitator".to_string() } else { format!("{} {seat}", roles[seat - 1]) };
        // Seats get their ids in the order they are added: join in seat
        // order over the first minute.
        let tick = (seat * 60 / seat_kinds.len()) as u64;
        let at = by_tick.entry(tick).or_default();
        at.push(LoggedInput::AddSeat { name, seat: *kind, token_hash: sha256_hex(&token) });
        at.push(LoggedInput::Online { seat: seat as u32 });
        tokens.push(token);
    }
    cmd(&mut by_tick, 0, 0, Command::Start {});
    let seat_of = |role: &str| roles.iter().position(|r| *r == role).map_or(0, |i| i + 1);
    let owner = seat_of("incident_owner");
    let engineer = seat_of("engineer");
    let comms = seat_of("comms_lead");
    cmd(&mut by_tick, DECLARE_TICK, owner, Command::Declare {});
    let notice = |text: &str| Command::PublishNotice { status: ComponentStatus::PartialOutage, text: text.into() };
    cmd(&mut by_tick, 300, comms, notice("Card payments are failing in some Kanto stores."));
    cmd(&mut by_tick, 600, owner, Command::SetPhase { phase: Phase::Identified });
    cmd(&mut by_tick, 900, engineer, Command::RunAction { action: "rollback-payments".into() });
    cmd(&mut by_tick, 1200, owner, Command::SetPhase { phase: Phase::Mitigating });
    for t in (1500..last_tick).step_by(1200) {
        cmd(&mut by_tick, t, comms, notice("Update: payments are recovering; we keep watching."));
    }
    let chatters: Vec<usize> = (1..=roles.len())
        .filter(|&s| !matches!(roles[s - 1], "store_actor" | "corporate_actor" | "observer"))
        .collect();
    let chats = (args.chat_per_s * (last_tick - DECLARE_TICK - 1) as f64) as u64;
    for _ in 0..chats {
        if chatters.is_empty() {
            break;
        }
        let tick = DECLARE_TICK + 1 + rng.below((last_tick - DECLARE_TICK - 1) as usize) as u64;
        let seat = chatters[rng.below(chatters.len())];
        let channel = if rng.below(4) == 0 { Channel::Ops } else { Channel::IncidentWarRoom };
        let text = format!("update {tick} from seat {seat}: checking the payments dashboard, card errors in Kanto");
        cmd(&mut by_tick, tick, seat, Command::Chat { channel, text });
    }
    // Some people drop off and come back (a closed laptop, a train).
    for _ in 0..roles.len() / 20 {
        let seat = 1 + rng.below(roles.len()) as u32;
        let off = 60 + rng.below((last_tick - 120) as usize) as u64;
        by_tick.entry(off).or_default().push(LoggedInput::Offline { seat });
        by_tick.entry(off + 30).or_default().push(LoggedInput::Online { seat });
    }
    // Chats and flaps were drawn in random order; within a tick the order
    // is what it is, but a seat's commands must keep increasing cids.
    let mut seen_cid = vec![0u64; roles.len() + 1];
    let mut n = 0u64;
    for (tick, inputs) in &mut by_tick {
        let mut records = Vec::with_capacity(inputs.len());
        for input in inputs.drain(..) {
            let input = match input {
                LoggedInput::Command { seat, cmd, .. } => {
                    seen_cid[seat as usize] += 1;
                    LoggedInput::Command { seat, cid: seen_cid[seat as usize], cmd }
                }
                other => other,
            };
            records.push(LogRecord { tick: *tick, input });
        }
        n += records.len() as u64;
        store.append(&drill, *tick, records).await.map_err(|e| e.to_string())?;
    }
    store.append(&drill, last_tick, Vec::new()).await.map_err(|e| e.to_string())?;
    Ok((tokens, n))
}

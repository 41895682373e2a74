//! `firedrill-load`: a load generator for a Firedrill server, and a bare
//! tokio-tungstenite broadcast server to compare it with.
//!
//! `run` starts a server process on loopback (the `firedrill` binary, the
//! baseline, or both one after the other in the same session), creates
//! drills, joins N real WebSocket clients in a realistic role mix (the join
//! storm), lets them sit idle, then plays: the facilitator starts the drill
//! at a speed, chat flows at a steady rate with bursts, a few commands and
//! page reloads happen. Every chat message carries its send time; every
//! client that receives it records the latency, so both ends read one clock.
//! The report has latency percentiles, join times, errors, messages
//! delivered, the server's CPU (from `/proc/PID/stat`) and memory
//! (`/proc/PID/status`), and, when both targets ran, every figure as a
//! ratio to the baseline.
//!
//! `restart` writes the log of a long drill with many participants through
//! `firedrill::store::Store`, then measures how long a server takes to
//! restore it, and how long its clients take to resume after a SIGKILL.
//!
//! Everything is bounded: clients, rates, durations, reconnects. Traffic goes
//! to 127.0.0.1 only. Neighbours: `client` (one simulated person),
//! `workload` (who does what when), `baseline` (the bare server), `server`
//! (starting and watching a server process), `report` (figures).

mod baseline;
mod client;
mod http;
mod report;
mod restart;
mod run;
mod server;
mod workload;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use clap::{Parser, Subcommand};

/// Most clients one run may open (per target).
pub const CLIENTS_MAX: usize = 20_000;

/// Longest play phase, in seconds.
pub const DURATION_S_MAX: u64 = 600;

/// Highest steady chat rate per drill, in messages per second.
pub const CHAT_PER_S_MAX: f64 = 200.0;

/// Whether clients are inside the measurement window: frames and latencies
/// are counted only while this is set.
pub static MEASURING: AtomicBool = AtomicBool::new(false);

/// Whether clients are in the join storm and idle phase: frames are
/// counted apart, to show what joining costs everyone already there.
pub static JOINING: AtomicBool = AtomicBool::new(false);

/// Microseconds since this process's clock origin. Senders stamp chat
/// messages with it and receivers subtract it, in the same process.
#[expect(clippy::disallowed_methods, reason = "the load generator measures real time")]
pub fn now_us() -> u64 {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed().as_micros() as u64
}

/// Load generator and baseline server for Firedrill (loopback only).
#[derive(Parser)]
#[command(name = "firedrill-load", about)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Join storm, idle memory and play against Firedrill and/or the baseline.
    Run(run::RunArgs),
    /// Restore-after-restart: a long drill's log, a SIGKILL, a resume.
    Restart(restart::RestartArgs),
    /// Serve the bare tokio-tungstenite broadcast baseline (used by `run`).
    BaselineServer(baseline::BaselineArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    now_us();
    let threads = match &cli.command {
        Cmd::Run(a) => a.loader_threads,
        Cmd::Restart(a) => a.loader_threads,
        // The baseline server gets the same runtime as `firedrill serve`:
        // one worker per core.
        Cmd::BaselineServer(_) => std::thread::available_parallelism().map_or(2, |n| n.get()),
    };
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(threads.max(1)).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("firedrill-load: cannot start a runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async move {
        match cli.command {
            Cmd::Run(args) => run::run(args).await,
            Cmd::Restart(args) => restart::run(args).await,
            Cmd::BaselineServer(args) => baseline::serve(args).await.map_err(|e| e.to_string()),
        }
    });
    // Client tasks may still hold sockets; do not wait for them.
    rt.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("firedrill-load: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A fresh directory under the system's temp dir for one server's data.
pub fn temp_dir(name: &str) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("firedrill-load-{name}-{}-{}", std::process::id(), now_us()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// A small, seeded, reproducible generator (SplitMix64) for the workload's
/// choices; the workload is the same from run to run with the same seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

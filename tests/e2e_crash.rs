//! Crash trials: a bot-played drill is killed (SIGKILL) at random moments
//! and restarted on the same data until it ends. Its final state hash must
//! equal that of the same scenario and seed simulated without any crash.
//!
//! Two trials by default; `FIREDRILL_CRASH_TRIALS=N` runs more. A failing
//! trial prints `SEED=n`; `FIREDRILL_CRASH_SEED=n` reruns exactly that one.

use std::time::Duration;

use firedrill_tests::{Client, ServerProcess, firedrill_bin, free_port, http, temp_dir};
use serde_json::{Value, json};

/// A small deterministic generator for crash timings (not the world's RNG).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn simulate_hash(seed: u64) -> String {
    let out = std::process::Command::new(firedrill_bin())
        .args(["simulate", "lunch-peak-pos-outage", "--bots", "good", "--json", "--seed", &seed.to_string()])
        .output()
        .expect("simulate runs");
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    v["state_hash"].as_str().unwrap_or_default().to_string()
}

async fn trial(seed: u64) {
    eprintln!("crash trial SEED={seed}");
    let mut rng = SplitMix(seed);
    let data = temp_dir("crash");
    let port = free_port();
    let server = ServerProcess::start(&data, port).await;
    let addr = server.addr;
    let body = json!({"scenario": "lunch-peak-pos-outage", "name": "Aiko", "seed": seed, "bots": "good"});
    let (status, created) = http(addr, "POST", "/api/drills", Some(&body)).await;
    assert_eq!(status, 201, "{created}");
    let token = created["token"].as_str().unwrap_or_default().to_string();
    let (mut fac, _) = Client::connect(addr, &token, None).await;
    fac.ok(json!({"type": "set_speed", "speed": 120})).await;
    fac.ok(json!({"type": "start"})).await;
    drop(fac);

    // Kill it once or twice at random moments of the 15-second drill.
    let mut server = Some(server);
    let crashes = 1 + rng.next() % 2;
    for _ in 0..crashes {
        let after_ms = 500 + rng.next() % 5_000;
        tokio::time::sleep(Duration::from_millis(after_ms)).await;
        if let Some(s) = server.take() {
            s.kill();
        }
        server = Some(ServerProcess::start(&data, port).await);
    }

    // Let it run to its end and read the result.
    let (mut fac, welcome) = Client::connect(addr, &token, None).await;
    let summary = if welcome["snapshot"]["summary"].is_object() {
        welcome["snapshot"]["summary"].clone()
    } else {
        // The drill lasts 30 drill minutes: 15 s at speed 120 (allow for a
        // busy machine).
        let ended = tokio::time::timeout(Duration::from_secs(90), async {
            loop {
                let m = fac.next_raw().await;
                assert_ne!(m["type"], "closed", "SEED={seed}: connection closed: {m}");
                if m["event"]["kind"] == "ended" {
                    return m;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("SEED={seed}: the drill did not end"));
        ended["event"]["summary"].clone()
    };
    assert_eq!(summary["ticks"], 1800, "SEED={seed}: the drill ran to its end: {summary}");
    assert_eq!(
        summary["state_hash"].as_str().unwrap_or_default(),
        simulate_hash(seed),
        "SEED={seed}: the drill, crashed {crashes} time(s), ended in another world than without crashes"
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drill_killed_at_random_moments_ends_in_the_same_world() {
    if let Some(seed) = std::env::var("FIREDRILL_CRASH_SEED").ok().and_then(|s| s.parse().ok()) {
        trial(seed).await;
        return;
    }
    let trials: u64 = std::env::var("FIREDRILL_CRASH_TRIALS").ok().and_then(|s| s.parse().ok()).unwrap_or(2);
    #[expect(clippy::disallowed_methods, reason = "a fresh seed per run; printed so a failure can be rerun")]
    let base = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_secs());
    for i in 0..trials {
        trial(base.wrapping_mul(31).wrapping_add(i) % 1_000_000).await;
    }
}

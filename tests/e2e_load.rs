//! A short, bounded load run in CI: 200 clients in one drill for 5 seconds
//! against the `firedrill` binary, then the bare baseline with the same
//! clients, through the real load generator (`firedrill-load run`).
//!
//! It fails only on a regression by an order of magnitude: the thresholds
//! are about ten times what a debug build measures on a busy 2-core machine
//! (docs/performance.md has the release figures and the targets).

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

/// Longest the whole run may take before the test fails.
const RUN_TIMEOUT_S: u64 = 180;

fn f(v: &Value, path: &str) -> f64 {
    path.split('.').fold(v, |v, k| &v[k]).as_f64().unwrap_or(f64::NAN)
}

#[test]
fn two_hundred_clients_play_for_five_seconds_within_an_order_of_magnitude_of_the_baseline() {
    let firedrill = firedrill_tests::firedrill_bin();
    let dir = firedrill_tests::temp_dir("load");
    let json = dir.join("load.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_firedrill-load"))
        .args(["run", "--clients", "200", "--drills", "1", "--duration-s", "5", "--chat-per-s", "8"])
        .args(["--burst-every-s", "4", "--burst-size", "20", "--reload-per-s", "0.5", "--speed", "60"])
        .args(["--settle-ms", "500", "--drain-ms", "1500", "--target", "both", "--firedrill-bin"])
        .arg(&firedrill)
        .arg("--json")
        .arg(&json)
        .stdin(Stdio::null())
        .spawn()
        .expect("firedrill-load starts");
    let mut waited = Duration::ZERO;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if waited > Duration::from_secs(RUN_TIMEOUT_S) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the load run took more than {RUN_TIMEOUT_S} s");
        }
        std::thread::sleep(Duration::from_millis(100));
        waited += Duration::from_millis(100);
    };
    assert!(status.success(), "firedrill-load failed: {status}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).expect("the JSON report")).expect("JSON");
    let _ = std::fs::remove_dir_all(&dir);
    let fd = &report["firedrill"];
    let base = &report["baseline"];

    // Correctness under load: everyone joins, every chat reaches every
    // internal client, nobody is dropped, nothing is refused.
    assert_eq!(f(fd, "joins.refused"), 0.0, "joins refused: {}", fd["joins"]);
    assert_eq!(f(fd, "trouble.errors"), 0.0, "errors: {}", fd["trouble"]);
    assert_eq!(f(fd, "trouble.drops"), 0.0, "slow-consumer drops: {}", fd["trouble"]);
    let (got, want) = (f(fd, "play.chats_received"), f(fd, "play.chats_expected"));
    assert!(want > 1000.0 && got >= want * 0.99, "chat deliveries {got} of {want}");
    assert!(f(base, "play.chats_received") >= f(base, "play.chats_expected") * 0.99, "the baseline lost chat");

    // Performance, an order of magnitude above what a debug build does.
    let storm = f(fd, "joins.storm_ms");
    assert!(storm < 20_000.0, "200 joins took {storm} ms");
    let p99 = f(fd, "play.latency.p99_ms");
    assert!(p99 < 1_000.0, "chat p99 latency {p99} ms");
    let peak_mib = f(fd, "memory.peak_kib") / 1024.0;
    assert!(peak_mib < 400.0, "peak resident memory {peak_mib} MiB");
    let per_client_kib = f(fd, "memory.per_idle_client_bytes") / 1024.0;
    assert!(per_client_kib < 1024.0, "{per_client_kib} KiB per idle client");
    let cpu_ratio = f(&report, "ratios.cpu_per_frame");
    assert!(cpu_ratio < 20.0, "server CPU per delivered frame is {cpu_ratio}x the baseline's");
}

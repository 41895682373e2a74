//! The event log: appending commands to SQLite through
//! `firedrill::store::Store` (WAL, one transaction per batch, on its writer
//! thread), in batches of 1 to 1,000 as the drill task's group commit makes
//! them, and reading a long log back as a restart does. Run with
//! `cargo bench -p firedrill --bench eventlog`.

use divan::Bencher;
use divan::counter::ItemsCount;
use firedrill::protocol::{Bots, Channel, Command};
use firedrill::store::{DrillRecord, LogRecord, LoggedInput, Store};

fn main() {
    divan::main();
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
}

/// A store in a fresh directory on disk, with one drill.
fn store(rt: &tokio::runtime::Runtime, name: &str) -> (Store, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("firedrill-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = Store::open(&dir).expect("the store opens");
    rt.block_on(store.create_drill(DrillRecord {
        id: "bench".into(),
        join_code: "code".into(),
        facilitator_code: "fcode".into(),
        scenario_id: "lunch-peak-pos-outage".into(),
        scenario_toml: String::new(),
        seed: 1,
        bots: Bots::Off,
        created_ms: 1,
    }))
    .expect("the drill is stored");
    (store, dir)
}

fn chat(seat: u32, cid: u64) -> LogRecord {
    let text = format!("update from seat {seat}: checking the payments dashboard, card errors in Kanto");
    LogRecord {
        tick: cid,
        input: LoggedInput::Command { seat, cid, cmd: Command::Chat { channel: Channel::IncidentWarRoom, text } },
    }
}

/// Commands per second written, by batch size (one transaction per batch).
#[divan::bench(args = [1, 10, 100, 1_000], sample_count = 20)]
fn append(bencher: Bencher, batch: usize) {
    let rt = runtime();
    let (store, dir) = store(&rt, &format!("append{batch}"));
    let mut cid = 0u64;
    bencher.counter(ItemsCount::new(batch)).bench_local(|| {
        let records: Vec<LogRecord> = (0..batch)
            .map(|i| {
                cid += 1;
                chat(i as u32, cid)
            })
            .collect();
        rt.block_on(store.append("bench", cid, records)).expect("appended");
    });
    drop(store);
    let _ = std::fs::remove_dir_all(dir);
}

/// Reading back a drill's whole log (what a restart does before replaying).
#[divan::bench(args = [40_000], sample_count = 5)]
fn load(bencher: Bencher, records: usize) {
    let rt = runtime();
    let (store, dir) = store(&rt, "load");
    for chunk in 0..records / 1_000 {
        let batch: Vec<_> = (0..1_000).map(|i| chat(i, (chunk * 1_000 + i as usize) as u64 + 1)).collect();
        rt.block_on(store.append("bench", chunk as u64, batch)).expect("appended");
    }
    bencher.counter(ItemsCount::new(records)).bench_local(|| rt.block_on(store.load("bench")).expect("loaded"));
    drop(store);
    let _ = std::fs::remove_dir_all(dir);
}

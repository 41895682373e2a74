//! Resume under churn: many clients in one drill while a tenth of them are
//! cut every couple of seconds. Every client ends up with every message,
//! exactly once and in order.
//!
//! Bounded by default (`FIREDRILL_CHURN_CLIENTS`, default 200; rounds of
//! cuts `FIREDRILL_CHURN_ROUNDS`, default 4); loopback only.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use firedrill_tests::{Client, TestServer, create_drill, join};
use serde_json::{Value, json};
use tokio::sync::watch;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Markers ("m17") in a message, if it is a chat post carrying one.
fn marker(m: &Value) -> Option<u64> {
    m["event"]["post"]["body"]["text"].as_str()?.strip_prefix('m')?.parse().ok()
}

/// Markers in a snapshot's #ops channel, oldest first.
fn snapshot_markers(welcome: &Value) -> Vec<u64> {
    welcome["snapshot"]["channels"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["channel"] == "ops")
        .flat_map(|c| c["posts"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p["body"]["text"].as_str()?.strip_prefix('m')?.parse().ok())
        .collect()
}

/// One participant: reads until told to stop, reconnects with its last seq
/// whenever the test cuts it, and records every marker it sees.
async fn participant(
    addr: std::net::SocketAddr,
    token: String,
    mut cut: watch::Receiver<u64>,
    done: Arc<AtomicBool>,
    last_marker: u64,
) -> Vec<u64> {
    let mut seen: Vec<u64> = Vec::new();
    let mut last_seq = None;
    let mut cuts_seen = *cut.borrow();
    loop {
        let (mut c, first) = Client::connect(addr, &token, last_seq).await;
        match first["type"].as_str() {
            Some("welcome") => {
                // Too far behind (or first time): take what the snapshot
                // holds beyond what was already seen.
                let top = seen.last().copied();
                seen.extend(snapshot_markers(&first).into_iter().filter(|m| top.is_none_or(|t| *m > t)));
            }
            Some("resumed") => {}
            other => panic!("unexpected first message {other:?}: {first}"),
        }
        loop {
            tokio::select! {
                changed = cut.changed() => {
                    if changed.is_err() { break; }
                    let n = *cut.borrow();
                    if n != cuts_seen {
                        cuts_seen = n;
                        // This client is among the cut ones if the test says so.
                        break;
                    }
                }
                m = c.next_raw() => {
                    assert_ne!(m["type"], "closed", "connection closed: {m}");
                    if let Some(k) = marker(&m) {
                        seen.push(k);
                        if k == last_marker {
                            done.store(true, Ordering::Relaxed);
                            return seen;
                        }
                    }
                }
            }
        }
        last_seq = Some(c.last_seq);
        drop(c);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_client_gets_every_message_once_and_in_order_while_a_tenth_are_cut() {
    let clients = env_or("FIREDRILL_CHURN_CLIENTS", 200);
    let rounds = env_or("FIREDRILL_CHURN_ROUNDS", 4);
    let per_round = 40u64;
    let total = per_round * rounds as u64;

    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;

    // One cut signal per group of a tenth of the clients.
    let groups = 10;
    let mut cut_tx = Vec::new();
    let mut tasks = Vec::new();
    let done = Arc::new(AtomicBool::new(false));
    for i in 0..clients {
        if i < groups {
            cut_tx.push(watch::channel(0u64));
        }
        let token = join(addr, &code, &format!("P{i}"), "support_agent").await;
        let rx = cut_tx[i % groups].1.clone();
        tasks.push(tokio::spawn(participant(addr, token, rx, done.clone(), total - 1)));
    }

    let mut next = 0u64;
    for round in 0..rounds {
        for _ in 0..per_round {
            fac.ok(json!({"type": "chat", "channel": "ops", "text": format!("m{next}")})).await;
            next += 1;
            // Under the per-connection rate limit.
            tokio::time::sleep(Duration::from_millis(55)).await;
            if next.is_multiple_of(10) {
                fac.drain().await;
            }
        }
        // Cut a tenth of the clients (a different tenth each round).
        let (tx, _) = &cut_tx[round % groups];
        tx.send_modify(|n| *n += 1);
    }

    for (i, t) in tasks.into_iter().enumerate() {
        let seen = tokio::time::timeout(Duration::from_secs(60), t).await.expect("client finished").expect("client ok");
        let expected: Vec<u64> = (0..total).collect();
        assert_eq!(seen, expected, "client {i} lost, duplicated or reordered messages");
    }
}

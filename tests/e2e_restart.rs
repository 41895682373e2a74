//! Nothing lost: the server process is killed (SIGKILL) in the middle of a
//! drill and restarted on the same data; acknowledged commands survive,
//! clients carry on, and the finished drill replays to the same state hash.

use firedrill_tests::{Client, ServerProcess, create_drill, firedrill_bin, free_port, join, temp_dir};
use serde_json::{Value, json};

fn post_texts(snapshot: &Value, channel: &str) -> Vec<String> {
    snapshot["channels"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["channel"] == channel)
        .flat_map(|c| c["posts"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p["body"]["text"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_resumes_the_drill_with_nothing_acknowledged_lost() {
    let data = temp_dir("restart");
    let port = free_port();
    let server = ServerProcess::start(&data, port).await;
    let addr = server.addr;

    let (drill_id, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let owner_token = join(addr, &code, "Kenji", "incident_owner").await;
    let eng_token = join(addr, &code, "Mai", "engineer").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let (mut owner, _) = Client::connect(addr, &owner_token, None).await;
    fac.ok(json!({"type": "set_speed", "speed": 60})).await;
    fac.ok(json!({"type": "start"})).await;
    owner.ok(json!({"type": "chat", "channel": "ops", "text": "written before the crash"})).await;
    owner.wait_for("an alert", |m| m["event"]["post"]["body"]["alert"] == true).await;
    owner.ok(json!({"type": "declare"})).await;
    let seen_before = owner.last_seq;

    server.kill();
    let server = ServerProcess::start(&data, port).await;

    // A client that resumes is told what it missed, or given a fresh
    // snapshot; either way the acknowledged commands are there.
    let (mut owner, first) = Client::connect(addr, &owner_token, Some(seen_before)).await;
    assert!(first["type"] == "resumed" || first["type"] == "welcome", "{first}");
    let (_, welcome) = Client::connect(addr, &owner_token, None).await;
    let snap = &welcome["snapshot"];
    assert_eq!(snap["phase"], "investigating", "the declaration survived: {snap}");
    assert!(post_texts(snap, "ops").contains(&"written before the crash".to_string()), "the chat survived");
    assert!(snap["channels"].as_array().is_some_and(|c| c.iter().any(|c| c["channel"] == "incident-war-room")));
    assert_eq!(snap["status"], "running", "the clock goes on after a restart");
    assert!(snap["seq"].as_u64().unwrap_or(0) >= seen_before, "event numbering carries on");

    // Play on to the end.
    let (mut eng, _) = Client::connect(addr, &eng_token, None).await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    eng.ok(json!({"type": "run_action", "action": "rollback-payments"})).await;
    eng.wait_for("the fix", |m| m["event"]["kind"] == "action_updated" && m["event"]["run"]["done"] == true).await;
    owner.ok(json!({"type": "set_phase", "phase": "resolved"})).await;
    fac.ok(json!({"type": "end"})).await;
    let ended = fac.event("ended").await;
    let live = ended["event"]["summary"].clone();
    assert!(live["declared_at_s"].is_u64(), "{live}");

    // Finished drills are listed and can be opened later.
    let (status, list) = firedrill_tests::http(addr, "GET", "/api/history", None).await;
    assert_eq!(status, 200);
    assert!(list.as_array().is_some_and(|l| l.iter().any(|d| d["id"] == drill_id.as_str())), "{list}");
    let (status, one) = firedrill_tests::http(addr, "GET", &format!("/api/history/{drill_id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(one["summary"], live);
    drop(server);

    // The stored log, replayed headless without any crash, ends in the
    // very same world.
    let out = std::process::Command::new(firedrill_bin())
        .args(["replay", &drill_id, "--json", "--data"])
        .arg(&data)
        .output()
        .expect("replay runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let replayed: Value = serde_json::from_slice(&out.stdout).expect("replay prints JSON");
    assert_eq!(replayed, live, "replaying the log reproduces the drill exactly");
    let _ = std::fs::remove_dir_all(&data);
}

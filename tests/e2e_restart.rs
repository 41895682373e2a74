//! Nothing lost: the server process is killed (SIGKILL) in the middle of a
//! drill and restarted on the same data; acknowledged commands survive,
//! clients carry on, the public status page still shows what was published
//! (and, once the drill has ended, is served from the store), and the
//! finished drill replays to the same state hash. While the database
//! refuses writes, nothing is acknowledged that a restart would not bring
//! back.

use firedrill_tests::{
    Client, ServerProcess, create_drill, firedrill_bin, free_port, http, http_with, join, post_texts, temp_dir,
};
use serde_json::{Value, json};

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
    owner
        .ok(json!({"type": "publish_notice", "status": "partial_outage", "text": "Card payments fail in Kanto; cash works."}))
        .await;
    let status_path = format!("/api/drills/{drill_id}/status");
    let (status, page_before) = http(addr, "GET", &status_path, None).await;
    assert_eq!(status, 200, "{page_before}");
    assert_eq!(page_before["notices"][0]["text"], "Card payments fail in Kanto; cash works.");
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
    // The status page is rebuilt from the log, real publishing times and all.
    let (status, page) = http(addr, "GET", &status_path, None).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page, page_before, "the public status page survived the restart");

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

    // Finished drills are listed and can be opened later by their people.
    let owner_auth = format!("Bearer {owner_token}");
    let auth = [("Authorization", owner_auth.as_str())];
    let ((status, list), _) = http_with(addr, "GET", "/api/history", None, &auth).await;
    assert_eq!(status, 200);
    assert!(list.as_array().is_some_and(|l| l.iter().any(|d| d["id"] == drill_id.as_str())), "{list}");
    let ((status, one), _) = http_with(addr, "GET", &format!("/api/history/{drill_id}"), None, &auth).await;
    assert_eq!(status, 200);
    assert_eq!(one["summary"], live);
    let owner_notice = json!({"type": "publish_notice", "status": "operational", "text": "Resolved."});
    assert_eq!(owner.refused(owner_notice).await, "wrong_state", "nothing is published after the end");
    let (_, page_ended) = http(addr, "GET", &status_path, None).await;
    assert_eq!(page_ended["ended"], true, "{page_ended}");
    assert_eq!(page_ended["notices"], page_before["notices"]);
    drop(server);

    // A finished drill is not restored: its page comes from the store.
    let server = ServerProcess::start(&data, port).await;
    let (status, page) = http(addr, "GET", &status_path, None).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page, page_ended, "the stored page is the last one served");
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

/// A drill that ended before status pages were kept with results has none
/// stored: the first request rebuilds it from the log, and keeps it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drill_stored_without_a_status_page_gets_one_from_its_log() {
    use firedrill::protocol::{Bots, Command, ComponentStatus, SeatKind};
    use firedrill::store::{DrillRecord, LogRecord, LoggedInput, Store, Unfinished};

    let data = temp_dir("status-legacy");
    let builtin = firedrill::scenario::builtins()
        .into_iter()
        .find(|b| b.scenario.id == "lunch-peak-pos-outage")
        .expect("the storyboard's scenario is built in");
    let drill = DrillRecord {
        id: "0123456789abcdef".into(),
        join_code: "j".repeat(32),
        facilitator_code: "f".repeat(32),
        scenario_id: builtin.scenario.id.clone(),
        scenario_toml: builtin.source.to_string(),
        seed: builtin.scenario.seed,
        bots: Bots::Off,
        created_ms: 1,
    };
    // A log as an older server wrote it: no real times of notices.
    let text = "Card payments fail in Kanto.".to_string();
    let log = vec![
        LogRecord {
            tick: 0,
            input: LoggedInput::AddSeat { name: "Aiko".into(), seat: SeatKind::Facilitator, token_hash: "a".into() },
        },
        LogRecord {
            tick: 0,
            input: LoggedInput::AddSeat {
                name: "Sora".into(),
                seat: SeatKind::Participant(firedrill::protocol::Role::CommsLead),
                token_hash: "b".into(),
            },
        },
        LogRecord { tick: 0, input: LoggedInput::Command { seat: 0, cid: 1, cmd: Command::Start {} } },
        LogRecord {
            tick: 30,
            input: LoggedInput::Command {
                seat: 1,
                cid: 1,
                cmd: Command::PublishNotice { status: ComponentStatus::PartialOutage, text: text.clone() },
            },
        },
        LogRecord { tick: 60, input: LoggedInput::Command { seat: 0, cid: 2, cmd: Command::End {} } },
    ];
    let summary = firedrill::drill::replay_summary(
        &Unfinished { drill: drill.clone(), tick: 60, log: log.clone() },
        &builtin.scenario,
    );
    {
        let store = Store::open(&data).expect("store opens");
        store.create_drill(drill.clone()).await.expect("drill stored");
        store.append(&drill.id, 60, log).await.expect("log stored");
        store.finish(&drill.id, summary).await.expect("result stored");
        assert_eq!(store.status_page(&drill.id).await.expect("readable"), Some(None), "no page kept");
    }

    let server = ServerProcess::start(&data, free_port()).await;
    let path = format!("/api/drills/{}/status", drill.id);
    let (status, page) = http(server.addr, "GET", &path, None).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["ended"], true);
    assert_eq!(page["notices"][0]["text"], text.as_str());
    assert_eq!(page["notices"][0]["tick"], 30);
    assert_eq!(page["notices"][0]["published_ms"], Value::Null, "not known for an old drill");
    let (_, again) = http(server.addr, "GET", &path, None).await;
    assert_eq!(again, page);
    drop(server);
    let store = Store::open(&data).expect("store opens");
    let kept = store.status_page(&drill.id).await.expect("readable").flatten().expect("kept from then on");
    assert_eq!(serde_json::from_str::<Value>(&kept).expect("JSON"), page);
    let _ = std::fs::remove_dir_all(&data);
}

/// Another process holds the database's write lock (a stuck writer, a
/// backup), so the server's writes fail with `SQLITE_BUSY`: the commands
/// it had applied stay unacknowledged until the lock is gone, new ones are
/// refused with `store_unavailable`, and after a restart exactly the
/// acknowledged ones are there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[expect(clippy::print_stdout, reason = "prints the figure docs/reliability.md quotes")]
async fn a_database_that_refuses_writes_loses_nothing_acknowledged() {
    use std::collections::BTreeMap;

    let data = temp_dir("store-refuses");
    let port = free_port();
    let server = ServerProcess::start(&data, port).await;
    let addr = server.addr;
    let (_, _, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let chat = |text: &str| json!({"type": "chat", "channel": "ops", "text": text});
    let mut acked = Vec::new();
    for text in ["before 1", "before 2"] {
        fac.ok(chat(text)).await;
        acked.push(text.to_string());
    }

    let lock = rusqlite::Connection::open(data.join("firedrill.sqlite3")).expect("the database opens");
    lock.execute_batch("BEGIN IMMEDIATE").expect("the write lock is taken");
    // Sent at once: the first batch waits for the lock and is refused; what
    // came with it stays held, what came after is refused.
    let mut sent = BTreeMap::new();
    for i in 1..=4 {
        let text = format!("during {i}");
        sent.insert(fac.cmd(chat(&text)).await, text);
    }
    // Read in order: a reply before the store works again must not be an
    // ack of these.
    let mut replies: BTreeMap<u64, Value> = BTreeMap::new();
    loop {
        let m = fac.next().await;
        if m["type"] == "store_status" {
            assert_eq!(m["writable"], false, "{m}");
            break;
        }
        if let Some(cid) = m["cid"].as_u64().filter(|_| m["type"] != "event") {
            replies.insert(cid, m);
        }
    }
    let mut while_down = Vec::new();
    for i in 1..=2 {
        while_down.push(fac.cmd(chat(&format!("while down {i}"))).await);
    }
    while !while_down.iter().all(|c| replies.contains_key(c)) {
        let m = fac.next().await;
        if let Some(cid) = m["cid"].as_u64().filter(|_| m["type"] != "event") {
            replies.insert(cid, m);
        }
    }
    for cid in &while_down {
        assert_eq!(replies[cid]["code"], "store_unavailable", "refused while the store is down: {}", replies[cid]);
    }
    assert!(
        replies.values().all(|m| m["type"] == "error" && m["code"] == "store_unavailable"),
        "nothing acknowledged while the store refuses: {replies:?}"
    );

    lock.execute_batch("ROLLBACK").expect("the lock is released");
    drop(lock);
    let mut up = false;
    while !up || !sent.keys().all(|c| replies.contains_key(c)) {
        let m = fac.next().await;
        if m["type"] == "store_status" {
            assert_eq!(m["writable"], true, "{m}");
            up = true;
        } else if let Some(cid) = m["cid"].as_u64().filter(|_| m["type"] != "event") {
            assert!(up || m["type"] == "error", "an ack before the store took writes: {m}");
            replies.insert(cid, m);
        }
    }
    for (cid, text) in &sent {
        match replies[cid]["type"].as_str() {
            Some("ack") => acked.push(text.clone()),
            _ => assert_eq!(replies[cid]["code"], "store_unavailable", "{}", replies[cid]),
        }
    }
    assert!(acked.iter().any(|t| t.starts_with("during")), "the held batch is acknowledged once stored");
    fac.ok(chat("after")).await;
    acked.push("after".into());

    server.kill();
    let server = ServerProcess::start(&data, port).await;
    let (_, welcome) = Client::connect(server.addr, &fac_token, None).await;
    let mut present = post_texts(&welcome["snapshot"], "ops");
    present.sort();
    acked.sort();
    let refused = replies.values().filter(|m| m["type"] == "error").count();
    println!(
        "sent {}, refused {refused}, acknowledged {}, present after restart {}",
        acked.len() + refused,
        acked.len(),
        present.len()
    );
    assert_eq!(present, acked, "after a restart: exactly the acknowledged commands ({} of them)", acked.len());
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
}

/// Whether any file of the data directory holds `needle`.
fn on_disk(data: &std::path::Path, needle: &str) -> bool {
    std::fs::read_dir(data)
        .expect("data dir")
        .flatten()
        .any(|e| std::fs::read(e.path()).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes())))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_are_stored_only_as_hashes_and_still_open_the_drill_after_a_restart() {
    let data = temp_dir("codes");
    let port = free_port();
    let server = ServerProcess::start(&data, port).await;
    let addr = server.addr;
    let (status, v) =
        http(addr, "POST", "/api/drills", Some(&json!({"scenario": "lunch-peak-pos-outage", "name": "Aiko"}))).await;
    assert_eq!(status, 201, "{v}");
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    let (code, fac_code) = (s("join_code"), s("facilitator_code"));
    join(addr, &code, "Kenji", "engineer").await;
    server.kill();
    assert!(!on_disk(&data, &code), "the join code is on disk in clear");
    assert!(!on_disk(&data, &fac_code), "the facilitator code is on disk in clear");

    // After a restart both codes still open the drill, and facilitators
    // still see them to invite others.
    let server = ServerProcess::start(&data, port).await;
    join(addr, &code, "Mai", "comms_lead").await;
    let (status, v) = http(addr, "POST", "/api/join", Some(&json!({"code": fac_code, "name": "Ren"}))).await;
    assert_eq!(status, 200, "{v}");
    let (_, welcome) = Client::connect(addr, v["token"].as_str().unwrap_or_default(), None).await;
    assert_eq!(welcome["snapshot"]["drill"]["join_code"], json!(code), "{welcome}");
    assert_eq!(welcome["snapshot"]["facilitator_code"], json!(fac_code));
    server.kill();

    // A database from before: the codes in clear. The server hashes them
    // in place when it opens it, and they still open the drill.
    let db = data.join("firedrill.sqlite3");
    let (old_code, old_fac) = ("0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210");
    {
        let conn = rusqlite::Connection::open(&db).expect("open db");
        conn.execute("UPDATE drills SET join_code = ?1, facilitator_code = ?2", [old_code, old_fac]).expect("update");
        conn.execute_batch("PRAGMA user_version = 0").expect("version");
    }
    let server = ServerProcess::start(&data, port).await;
    join(addr, old_code, "Sora", "engineer").await;
    let (status, v) = http(addr, "POST", "/api/join", Some(&json!({"code": old_fac, "name": "Yui"}))).await;
    assert_eq!(status, 200, "{v}");
    server.kill();
    assert!(!on_disk(&data, old_code), "an old join code stayed on disk in clear");
    assert!(!on_disk(&data, old_fac), "an old facilitator code stayed on disk in clear");
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seat_locked_by_a_huge_cid_in_an_old_log_is_free_after_a_restart() {
    use firedrill::protocol::{Bots, Channel, Command, Role, SeatKind};
    use firedrill::store::{DrillRecord, LogRecord, LoggedInput, Store};

    let data = temp_dir("cid-legacy");
    let builtin = firedrill::scenario::builtins()
        .into_iter()
        .find(|b| b.scenario.id == "lunch-peak-pos-outage")
        .expect("the storyboard's scenario is built in");
    let drill = DrillRecord {
        id: "00112233445566ff".into(),
        join_code: firedrill::drill::hash_token("join"),
        facilitator_code: firedrill::drill::hash_token("fac"),
        scenario_id: builtin.scenario.id.clone(),
        scenario_toml: builtin.source.to_string(),
        seed: builtin.scenario.seed,
        bots: Bots::Off,
        created_ms: 1,
    };
    let token = "e".repeat(64);
    let chat = |text: &str| Command::Chat { channel: Channel::Ops, text: text.into() };
    // What a server before the cid rule stored: Kenji's command with the
    // largest cid there is, which left no greater one.
    let log = vec![
        LogRecord {
            tick: 0,
            input: LoggedInput::AddSeat {
                name: "Aiko".into(),
                seat: SeatKind::Facilitator,
                token_hash: firedrill::drill::hash_token(&"a".repeat(64)),
            },
        },
        LogRecord {
            tick: 0,
            input: LoggedInput::AddSeat {
                name: "Kenji".into(),
                seat: SeatKind::Participant(Role::Engineer),
                token_hash: firedrill::drill::hash_token(&token),
            },
        },
        LogRecord { tick: 0, input: LoggedInput::Command { seat: 1, cid: 3, cmd: chat("three") } },
        LogRecord { tick: 0, input: LoggedInput::Command { seat: 1, cid: u64::MAX, cmd: chat("locked") } },
    ];
    {
        let store = Store::open(&data).expect("store opens");
        store.create_drill(drill.clone()).await.expect("drill stored");
        store.append(&drill.id, 0, log).await.expect("log stored");
    }
    let server = ServerProcess::start(&data, free_port()).await;
    let (mut c, welcome) = Client::connect(server.addr, &token, None).await;
    assert_eq!(welcome["last_cid"], json!(3), "the seat goes on from its last cid below the limit");
    let texts = post_texts(&welcome["snapshot"], "ops");
    assert!(texts.iter().any(|t| t == "locked"), "what was applied stays applied: {texts:?}");
    c.ok(json!({"type": "chat", "channel": "ops", "text": "free again"})).await;
    c.wait_for("my post", |m| m["event"]["post"]["body"]["text"] == "free again").await;
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
}

//! The walking skeleton, end to end: a facilitator, an incident owner and an
//! engineer play "lunch-peak POS outage" to resolution over real WebSockets.

use firedrill_tests::{Client, TestServer, create_drill, http, join};
use serde_json::{Value, json};

fn is_health(m: &Value, pred: impl Fn(&Value) -> bool) -> bool {
    m["type"] == "event"
        && m["event"]["kind"] == "posted"
        && m["event"]["channel"] == "ops"
        && m["event"]["post"]["body"]["kind"] == "health"
        && pred(&m["event"]["post"]["body"])
}

fn kanto_success(body: &Value) -> u64 {
    body["regions"][0]["payment_success_ppm"].as_u64().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_plays_the_lunch_peak_outage_to_resolution() {
    let server = TestServer::start().await;
    let addr = server.addr;

    let (status, list) = http(addr, "GET", "/api/scenarios", None).await;
    assert_eq!(status, 200);
    assert!(list.as_array().is_some_and(|l| l.iter().any(|s| s["id"] == "lunch-peak-pos-outage")), "{list}");

    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let owner_token = join(addr, &code, "Kenji", "incident_owner").await;
    let eng_token = join(addr, &code, "Mai", "engineer").await;

    let (mut fac, welcome) = Client::connect(addr, &fac_token, None).await;
    assert_eq!(welcome["type"], "welcome", "{welcome}");
    assert_eq!(welcome["snapshot"]["status"], "lobby");
    assert!(welcome["snapshot"]["answer_key"].is_array(), "facilitators see the answer key");
    let (mut owner, w) = Client::connect(addr, &owner_token, None).await;
    assert_eq!(w["snapshot"]["answer_key"], Value::Null, "participants never see the answer key");
    assert_eq!(w["snapshot"]["actions"], json!([]), "only engineers get the runbook");
    let (mut eng, w) = Client::connect(addr, &eng_token, None).await;
    assert!(w["snapshot"]["actions"].as_array().is_some_and(|a| !a.is_empty()));

    // Nobody but the facilitator runs the clock; nothing happens before it starts.
    assert_eq!(owner.refused(json!({"type": "start"})).await, "forbidden");
    assert_eq!(owner.refused(json!({"type": "declare"})).await, "wrong_state");

    fac.ok(json!({"type": "set_speed", "speed": 120})).await;
    fac.ok(json!({"type": "start"})).await;

    // The fault fires at T+3 in Kanto; the health bot raises an alert.
    let alert = owner.wait_for("a health alert", |m| is_health(m, |b| b["alert"] == true)).await;
    let body = &alert["event"]["post"]["body"];
    assert!(kanto_success(body) < 950_000, "Kanto should be failing: {body}");
    assert!(alert["tick"].as_u64().unwrap_or(0) >= 180, "no alert before the fault: {alert}");

    // Only the owner (and a few leads) may declare; engineers can too. Sales cannot run actions.
    assert_eq!(owner.refused(json!({"type": "run_action", "action": "rollback-payments"})).await, "forbidden");
    owner.ok(json!({"type": "declare"})).await;
    let opened = eng
        .wait_for("war room", |m| {
            m["event"]["kind"] == "channel_opened" && m["event"]["channel"] == "incident-war-room"
        })
        .await;
    assert_eq!(opened["type"], "event");
    assert_eq!(owner.refused(json!({"type": "declare"})).await, "wrong_state", "declaring twice is refused");
    owner.ok(json!({"type": "chat", "channel": "incident-war-room", "text": "Declared. Mai, look at payments."})).await;

    // A wrong action changes nothing; the right one fixes the fault after its delay.
    assert_eq!(eng.refused(json!({"type": "run_action", "action": "no-such-action"})).await, "invalid_value");
    eng.ok(json!({"type": "run_action", "action": "rollback-payments"})).await;
    owner.ok(json!({"type": "set_phase", "phase": "mitigating"})).await;
    let done = eng
        .wait_for("the rollback to take effect", |m| {
            m["event"]["kind"] == "action_updated" && m["event"]["run"]["done"] == true
        })
        .await;
    assert_eq!(done["event"]["run"]["action"], "rollback-payments");
    let fixed = fac
        .wait_for("the fault to end", |m| {
            m["event"]["kind"] == "fault_changed" && m["event"]["fault"]["active"] == false
        })
        .await;
    assert_eq!(fixed["event"]["fault"]["id"], "gateway-tls");

    // Orders come back: a later health post shows Kanto healthy again.
    owner
        .wait_for("Kanto to recover", |m| {
            is_health(m, |b| {
                kanto_success(b) >= 990_000 && m["tick"].as_u64().unwrap_or(0) > done["tick"].as_u64().unwrap_or(0) + 60
            })
        })
        .await;

    owner.ok(json!({"type": "set_phase", "phase": "monitoring"})).await;
    owner.ok(json!({"type": "set_phase", "phase": "resolved"})).await;
    fac.ok(json!({"type": "end"})).await;

    for c in [&mut fac, &mut owner, &mut eng] {
        let ended = c.event("ended").await;
        let s = &ended["event"]["summary"];
        assert!(s["declared_at_s"].as_u64().is_some(), "{s}");
        assert!(s["mitigated_at_s"].as_u64().is_some(), "{s}");
        assert!(s["resolved_at_s"].as_u64().is_some(), "{s}");
        assert_eq!(s["resolved_prematurely"], false);
        assert!(s["lost_revenue"].as_u64().unwrap_or(0) > 0, "the outage cost something: {s}");
        assert!(s["score"].as_u64().unwrap_or(0) >= 50, "a quick response scores well: {s}");
    }
    assert_eq!(owner.refused(json!({"type": "chat", "channel": "ops", "text": "late"})).await, "wrong_state");
}

#[tokio::test]
async fn bad_input_gets_a_typed_error_and_the_connection_stays() {
    let server = TestServer::start().await;
    let (_, code, _) = create_drill(server.addr, "lunch-peak-pos-outage").await;
    let token = join(server.addr, &code, "Yui", "support_agent").await;
    let (mut c, _) = Client::connect(server.addr, &token, None).await;

    c.send_text("this is not json").await;
    assert_eq!(c.error().await, "bad_message");
    c.send(&json!({"type": "launch_missiles"})).await;
    assert_eq!(c.error().await, "bad_message");
    c.send(&json!({"type": "cmd", "cid": "one", "cmd": {"type": "declare"}})).await;
    assert_eq!(c.error().await, "bad_message");
    assert_eq!(c.refused(json!({"type": "chat", "channel": "ops", "text": "   "})).await, "invalid_value");
    assert_eq!(c.refused(json!({"type": "chat", "channel": "ops", "text": "x".repeat(2001)})).await, "invalid_value");
    assert_eq!(c.refused(json!({"type": "chat", "channel": "sales", "text": "hi"})).await, "forbidden");
    // Still connected and able to talk.
    c.ok(json!({"type": "chat", "channel": "ops", "text": "<b>hello</b>"})).await;
    let posted = c.event("posted").await;
    assert_eq!(posted["event"]["post"]["body"]["text"], "<b>hello</b>", "text is stored as typed, never interpreted");

    let (status, v) =
        http(server.addr, "POST", "/api/join", Some(&json!({"code": code, "name": "", "role": "engineer"}))).await;
    assert_eq!((status, v["error"].as_str()), (400, Some("invalid_value")));
    let (status, v) =
        http(server.addr, "POST", "/api/join", Some(&json!({"code": code, "name": "X", "role": "ceo"}))).await;
    assert_eq!((status, v["error"].as_str()), (400, Some("bad_message")));
    let (status, _) =
        http(server.addr, "POST", "/api/join", Some(&json!({"code": "nope", "name": "X", "role": "engineer"}))).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn an_unknown_token_is_refused() {
    let server = TestServer::start().await;
    let (mut c, first) = Client::connect(server.addr, "not-a-token", None).await;
    assert_eq!(first["code"], "bad_token");
    assert_eq!(c.next_raw().await["type"], "closed");
}

#[tokio::test]
async fn a_resent_command_applies_once_and_a_dropped_client_gets_what_it_missed() {
    let server = TestServer::start().await;
    let (_, code, fac_token) = create_drill(server.addr, "lunch-peak-pos-outage").await;
    let token = join(server.addr, &code, "Sora", "engineer").await;
    let (mut fac, _) = Client::connect(server.addr, &fac_token, None).await;
    let (mut c, _) = Client::connect(server.addr, &token, None).await;

    // The same cid twice: acknowledged twice, posted once.
    let chat = json!({"type": "cmd", "cid": 7, "cmd": {"type": "chat", "channel": "ops", "text": "once"}});
    c.send(&chat).await;
    c.send(&chat).await;
    assert_eq!(c.wait_for("ack", |m| m["cid"] == 7).await["type"], "ack");
    assert_eq!(c.wait_for("ack", |m| m["cid"] == 7).await["type"], "ack");
    fac.ok(json!({"type": "chat", "channel": "ops", "text": "marker"})).await;
    fac.wait_for("marker", |m| m["event"]["post"]["body"]["text"] == "marker").await;
    let onces = fac.events.iter().filter(|e| e["event"]["post"]["body"]["text"] == "once").count();
    assert_eq!(onces, 1, "a resent command is applied once");

    // Drop the engineer, post while they are away, reconnect with last_seq.
    c.wait_for("marker", |m| m["event"]["post"]["body"]["text"] == "marker").await;
    let last = c.last_seq;
    drop(c);
    for i in 0..5 {
        fac.ok(json!({"type": "chat", "channel": "ops", "text": format!("missed {i}")})).await;
    }
    let (mut c, first) = Client::connect(server.addr, &token, Some(last)).await;
    assert_eq!(first["type"], "resumed", "{first}");
    assert_eq!(first["last_cid"], 7, "the client learns where its numbering stands");
    let replayed = first["replayed"].as_u64().unwrap_or(0);
    let mut texts = Vec::new();
    for _ in 0..replayed {
        let m = c.next().await;
        assert_eq!(m["type"], "event");
        if let Some(t) = m["event"]["post"]["body"]["text"].as_str() {
            texts.push(t.to_string());
        }
    }
    assert_eq!(texts, (0..5).map(|i| format!("missed {i}")).collect::<Vec<_>>(), "exactly what was missed, in order");

    // A last_seq from the future (or long gone) gets a fresh snapshot.
    let (_, first) = Client::connect(server.addr, &token, Some(1_000_000)).await;
    assert_eq!(first["type"], "welcome");
}

#[tokio::test]
async fn a_code_is_checked_before_a_seat_is_taken() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (status, created) =
        http(addr, "POST", "/api/drills", Some(&json!({"scenario": "lunch-peak-pos-outage", "name": "Aiko"}))).await;
    assert_eq!(status, 201, "{created}");
    let code = created["join_code"].as_str().unwrap_or_default().to_string();
    let fcode = created["facilitator_code"].as_str().unwrap_or_default().to_string();
    let check = |c: String| async move { http(addr, "POST", "/api/join/check", Some(&json!({"code": c}))).await };

    assert_eq!(check(code.clone()).await, (200, json!({"seat": "participant"})));
    assert_eq!(check(fcode.clone()).await, (200, json!({"seat": "facilitator"})));
    let (status, v) = check("0123456789abcdef".into()).await;
    assert_eq!((status, v["error"].as_str()), (404, Some("unknown_code")), "{v}");
    let (status, v) = http(addr, "POST", "/api/join/check", Some(&json!({"code": code, "name": "X"}))).await;
    assert_eq!((status, v["error"].as_str()), (400, Some("bad_message")), "{v}");

    // Checking takes no seat: the facilitator is still alone in the roster.
    let (mut fac, welcome) = Client::connect(addr, created["token"].as_str().unwrap_or_default(), None).await;
    assert_eq!(welcome["snapshot"]["roster"].as_array().map(Vec::len), Some(1), "{}", welcome["snapshot"]["roster"]);

    // Once the drill has ended, both codes say so.
    fac.ok(json!({"type": "end"})).await;
    fac.event("ended").await;
    let mut last = (0, Value::Null);
    for _ in 0..50 {
        last = check(code.clone()).await;
        if last.0 == 410 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!((last.0, last.1["error"].as_str()), (410, Some("ended")), "{}", last.1);
    assert_eq!(check(fcode).await.0, 410);
}

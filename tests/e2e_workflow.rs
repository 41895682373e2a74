//! The declaration workflow (発令) beyond the channels: shared documents
//! from templates, each role's checklist, structured status reports with a
//! nudge when the next one is late, hypotheses, the facilitators' private
//! channel, and the public status page that shows what comms published.

use firedrill_tests::{Client, TestServer, create_drill, http_with, join};
use serde_json::{Value, json};

fn doc_event(m: &Value, id: &str) -> bool {
    m["event"]["kind"] == "doc_updated" && m["event"]["doc"]["id"] == id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declaring_creates_the_documents_and_the_team_works_in_them() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let seat = |name: &'static str, role: &'static str| {
        let code = code.clone();
        async move { Client::connect(addr, &join(addr, &code, name, role).await, None).await.0 }
    };
    let mut owner = seat("Kenji", "incident_owner").await;
    let mut lead = seat("Haru", "support_lead").await;
    let mut agent = seat("Yui", "support_agent").await;
    let mut eng = seat("Mai", "engineer").await;
    let mut store = seat("Ramen shop", "store_actor").await;

    // Private notes: facilitators only.
    fac.ok(json!({"type": "chat", "channel": "facilitators", "text": "watch the owner's cadence"})).await;
    assert_eq!(owner.refused(json!({"type": "chat", "channel": "facilitators", "text": "hi"})).await, "forbidden");

    fac.ok(json!({"type": "set_speed", "speed": 120})).await;
    fac.ok(json!({"type": "start"})).await;
    assert_eq!(
        owner.refused(json!({"type": "status_report", "affected": "x", "scope": "", "impact": "", "actions": "", "next_update_min": 10})).await,
        "wrong_state",
        "no status report before the declaration"
    );
    owner.wait_for("an alert", |m| m["event"]["post"]["body"]["alert"] == true).await;
    owner.ok(json!({"type": "declare"})).await;

    // Every document arrives, with each lead's checklist.
    for id in [
        "status-board",
        "incident-doc",
        "talk-script",
        "incident-report",
        "checklist-incident_owner",
        "checklist-support_agent",
    ] {
        agent.wait_for(id, |m| doc_event(m, id)).await;
    }
    let script = lead.wait_for("talk script", |m| doc_event(m, "talk-script")).await;
    assert_eq!(script["event"]["doc"]["version"], 1);
    assert!(script["event"]["doc"]["text"].as_str().is_some_and(|t| t.contains("cash")), "{script}");

    // Agents read the script; the support lead edits it; a stale edit conflicts.
    let edit = |v: u64, text: &str| json!({"type": "edit_doc", "doc": "talk-script", "base_version": v, "text": text});
    assert_eq!(agent.refused(edit(1, "mine now")).await, "forbidden");
    lead.ok(edit(1, "Card payments fail in Kanto. Offer cash or record the card for later.")).await;
    let saved =
        agent.wait_for("the edited script", |m| doc_event(m, "talk-script") && m["event"]["doc"]["version"] == 2).await;
    assert_eq!(saved["event"]["doc"]["updated_by"], "Haru");
    assert_eq!(owner.refused(edit(1, "an edit from an old copy")).await, "conflict");
    assert_eq!(
        agent.refused(json!({"type": "edit_doc", "doc": "nope", "base_version": 1, "text": "x"})).await,
        "invalid_value"
    );
    agent.ok(json!({"type": "edit_doc", "doc": "checklist-support_agent", "base_version": 1, "text": "[x] Read the talk script"})).await;

    // A hypothesis, and a status report that promises an update in a minute.
    eng.ok(json!({"type": "hypothesis", "text": "TLS handshakes to the acquirer fail since v2.31"})).await;
    let h = owner.wait_for("the hypothesis", |m| m["event"]["post"]["body"]["kind"] == "hypothesis").await;
    assert_eq!(h["event"]["channel"], "incident-war-room");
    let report = json!({
        "type": "status_report",
        "affected": "card payments",
        "scope": "Kanto",
        "impact": "about 40% of card payments fail",
        "actions": "rollback in progress",
        "next_update_min": 1
    });
    assert_eq!(eng.refused(report.clone()).await, "forbidden");
    owner.ok(report).await;
    let posted = eng.wait_for("the report", |m| m["event"]["post"]["body"]["kind"] == "status_report").await;
    assert_eq!(posted["event"]["post"]["body"]["scope"], "Kanto");
    let due = posted["event"]["post"]["body"]["next_update_tick"].as_u64().unwrap_or(0);
    let nudge = owner.wait_for("the nudge", |m| m["event"]["post"]["body"]["kind"] == "report_overdue").await;
    assert_eq!(nudge["event"]["post"]["body"]["due_tick"], due);
    assert!(nudge["tick"].as_u64().unwrap_or(0) > due);

    // A fresh snapshot carries the documents and the promise.
    let (_, w) = Client::connect(addr, &join(addr, &code, "Late", "comms_lead").await, None).await;
    let docs = w["snapshot"]["docs"].as_array().cloned().unwrap_or_default();
    assert!(docs.iter().any(|d| d["id"] == "talk-script" && d["version"] == 2));
    assert_eq!(w["snapshot"]["next_report_due_tick"], due);
    assert!(!w["snapshot"]["channels"].as_array().is_some_and(|c| c.iter().any(|c| c["channel"] == "facilitators")));

    fac.ok(json!({"type": "end"})).await;
    store.event("ended").await;
    assert!(
        store.events.iter().all(|e| e["event"]["kind"] != "doc_updated"),
        "outside actors never see internal documents"
    );
    assert!(
        owner.events.iter().all(|e| e["event"]["channel"] != "facilitators"),
        "nobody else reads the facilitators' notes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_status_page_shows_what_comms_published_and_nothing_else() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (drill_id, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let path = format!("/api/drills/{drill_id}/status");
    let path = path.as_str();
    let page = move || async move { http_with(addr, "GET", path, None, &[]).await };

    // An unknown drill is a clear 404, like every other endpoint's.
    let ((status, err), _) = http_with(addr, "GET", "/api/drills/0123456789abcdef/status", None, &[]).await;
    assert_eq!((status, err["error"].as_str()), (404, Some("not_found")), "{err}");
    assert_eq!(err["message"], "no drill with that id");

    // Nothing published yet: all operational, and never cached.
    let ((status, p), head) = page().await;
    assert_eq!(status, 200, "{p}");
    assert!(head.to_ascii_lowercase().contains("cache-control: no-store"), "{head}");
    assert_eq!(p["drill"], drill_id.as_str());
    assert_eq!((&p["status"], &p["resolved"], &p["ended"]), (&json!("operational"), &json!(false), &json!(false)));
    assert_eq!(p["notices"], json!([]));

    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let seat = |name: &'static str, role: &'static str| {
        let code = code.clone();
        async move { Client::connect(addr, &join(addr, &code, name, role).await, None).await.0 }
    };
    let mut comms = seat("Sora", "comms_lead").await;
    let mut eng = seat("Mai", "engineer").await;
    fac.ok(json!({"type": "start"})).await;

    // Internal talk and refused notices never reach the page.
    comms.ok(json!({"type": "chat", "channel": "ops", "text": "internal: the gateway deploy looks guilty"})).await;
    let notice = |status: &str, text: &str| json!({"type": "publish_notice", "status": status, "text": text});
    assert_eq!(eng.refused(notice("major_outage", "engineers may not publish")).await, "forbidden");
    assert_eq!(comms.refused(notice("major_outage", "   ")).await, "invalid_value");
    let ((_, p), _) = page().await;
    assert_eq!(p["notices"], json!([]), "{p}");

    // A published notice is on the page as soon as it is acknowledged.
    comms.ok(notice("partial_outage", "We are investigating card payment failures in Kanto.")).await;
    let ((_, p), _) = page().await;
    assert_eq!(p["status"], "partial_outage");
    assert_eq!(p["notices_total"], 1);
    let first = &p["notices"][0];
    assert_eq!(first["text"], "We are investigating card payment failures in Kanto.");
    assert_eq!(first["status"], "partial_outage");
    let tick = first["tick"].as_u64().unwrap_or(u64::MAX);
    assert_eq!(first["time_of_day_s"].as_u64(), Some(11 * 3600 + 45 * 60 + tick), "drill time: 11:45 + tick");
    assert!(first["published_ms"].as_u64().is_some_and(|ms| ms > 1_700_000_000_000), "real time: {first}");
    let body = p.to_string();
    assert!(!body.contains("Sora") && !body.contains("internal") && !body.contains("engineers"), "{body}");

    // The all-clear comes first and resolves the page.
    comms.ok(notice("operational", "Card payments work again.")).await;
    let ((_, p), _) = page().await;
    assert_eq!((&p["status"], &p["resolved"], &p["notices_total"]), (&json!("operational"), &json!(true), &json!(2)));
    let texts: Vec<&str> = p["notices"].as_array().into_iter().flatten().filter_map(|n| n["text"].as_str()).collect();
    assert_eq!(texts, ["Card payments work again.", "We are investigating card payment failures in Kanto."]);

    fac.ok(json!({"type": "end"})).await;
    let ((_, p), _) = page().await;
    assert_eq!(p["ended"], true, "{p}");
    assert_eq!(p["notices_total"], 2);
}

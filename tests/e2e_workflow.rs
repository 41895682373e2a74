//! The declaration workflow (発令) beyond the channels: shared documents
//! from templates, each role's checklist, structured status reports with a
//! nudge when the next one is late, hypotheses, and the facilitators'
//! private channel.

use firedrill_tests::{Client, TestServer, create_drill, join};
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

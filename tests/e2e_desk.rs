//! The support desk, client chats and the facilitator's live controls over
//! real WebSockets: a newcomer takes a call placed by an inject the
//! facilitator fired while the drill was paused, talks with the bot caller
//! and closes it; a person playing a store calls and is answered by a
//! person; sales answers a client played by a person; every seat sees only
//! what its role may see; the facilitators' board shows the faulted region,
//! to them alone.

use firedrill_tests::{Client, TestServer, create_drill, join};
use serde_json::{Value, json};

fn call_event(m: &Value) -> bool {
    m["type"] == "event" && m["event"]["kind"] == "call_updated"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newcomer_takes_a_call_the_facilitator_triggered_during_a_pause() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut fac, welcome) = Client::connect(addr, &fac_token, None).await;
    let injects = welcome["snapshot"]["injects"].as_array().cloned().unwrap_or_default();
    assert!(injects.iter().any(|i| i["id"] == "store-call-cards" && i["fired_tick"].is_null()), "{injects:?}");
    assert!(!welcome["snapshot"]["personas"].as_array().is_some_and(Vec::is_empty));
    let seat = |name: &'static str, role: &'static str| {
        let code = code.clone();
        async move { Client::connect(addr, &join(addr, &code, name, role).await, None).await }
    };
    let (mut agent, _) = seat("Yui", "support_agent").await;
    let (mut sales, sales_welcome) = seat("Sho", "sales").await;
    assert!(!sales_welcome["snapshot"]["clients"].as_array().is_some_and(Vec::is_empty));
    let (mut store, store_welcome) = seat("Ramen shop", "store_actor").await;
    // A store actor is briefed: the scenario's store personas and their lines.
    let briefs = store_welcome["snapshot"]["briefs"].as_array().cloned().unwrap_or_default();
    let tanaka = briefs.iter().find(|b| b["persona"] == "tanaka-ramen").cloned().unwrap_or_default();
    assert!(!tanaka["description"].as_str().unwrap_or_default().is_empty(), "{briefs:?}");
    assert!(tanaka["lines"].as_array().is_some_and(|l| l.iter().any(|l| l["medium"] == "phone")), "{tanaka}");
    assert_eq!(sales_welcome["snapshot"]["briefs"], json!([]), "only outside actors get briefs");

    // Nobody but the facilitator runs the inject timeline.
    assert_eq!(agent.refused(json!({"type": "trigger_inject", "inject": "store-call-cards"})).await, "forbidden");
    assert_eq!(sales.refused(json!({"type": "take_call", "call": null})).await, "forbidden");
    assert_eq!(store.refused(json!({"type": "take_call", "call": null})).await, "forbidden");

    fac.ok(json!({"type": "set_speed", "speed": 10})).await;
    fac.ok(json!({"type": "start"})).await;
    fac.ok(json!({"type": "pause"})).await;
    fac.ok(json!({"type": "trigger_inject", "inject": "store-call-cards"})).await;
    let fired = fac.event("inject_updated").await;
    assert_eq!(fired["event"]["inject"]["id"], "store-call-cards");
    assert!(fired["event"]["inject"]["fired_tick"].is_u64());
    assert_eq!(fac.refused(json!({"type": "trigger_inject", "inject": "store-call-cards"})).await, "wrong_state");
    assert_eq!(fac.refused(json!({"type": "trigger_inject", "inject": "no-such"})).await, "invalid_value");
    fac.ok(json!({"type": "resume"})).await;

    // The call rings at the desk with the inject's words: the facilitator
    // hears it ring; the agent sees it in the desk's queue.
    let rang = fac
        .wait_for("the inject's call", |m| call_event(m) && m["event"]["call"]["inject"] == "store-call-cards")
        .await;
    let id = rang["event"]["call"]["id"].as_u64().unwrap_or(u64::MAX);
    assert_eq!(rang["event"]["call"]["state"], "waiting");
    let queued = agent
        .wait_for("the call in the queue", |m| {
            m["type"] == "desk_queue" && m["calls"].as_array().is_some_and(|c| c.iter().any(|c| c["id"] == id))
        })
        .await;
    assert!(queued["waiting"].as_u64().is_some_and(|n| n >= 1), "{queued}");
    assert!(queued["oldest_tick"].is_u64(), "{queued}");

    agent.ok(json!({"type": "take_call", "call": id})).await;
    let talking = agent
        .wait_for("talking", |m| {
            call_event(m) && m["event"]["call"]["id"] == id && m["event"]["call"]["state"] == "talking"
        })
        .await;
    // Picking it up, the agent gets what the caller said before.
    let first = &talking["event"]["call"]["lines"][0];
    assert!(first["text"].as_str().is_some_and(|t| t.contains("Cards")), "{talking}");
    agent
        .ok(json!({"type": "call_say", "call": id, "text": "<img src=x onerror=alert(1)> Please take cash for now."}))
        .await;
    let answer = agent
        .wait_for("the caller's answer", |m| {
            m["event"]["kind"] == "call_line" && m["event"]["call"] == id && m["event"]["line"]["speaker"] == "caller"
        })
        .await;
    assert!(!answer["event"]["line"]["text"].as_str().unwrap_or_default().is_empty());
    agent.ok(json!({"type": "end_call", "call": id, "disposition": "workaround"})).await;
    let ended = agent
        .wait_for("ended", |m| {
            call_event(m) && m["event"]["call"]["id"] == id && m["event"]["call"]["state"] == "ended"
        })
        .await;
    assert_eq!(ended["event"]["call"]["disposition"], "workaround");
    assert_eq!(agent.refused(json!({"type": "end_call", "call": id, "disposition": "informed"})).await, "wrong_state");

    // A person playing a store calls; the agent answers; both hear each other.
    store.ok(json!({"type": "call_support", "text": "Our register shows error E42."})).await;
    let mine = store.wait_for("my call", call_event).await;
    let my_call = mine["event"]["call"]["id"].as_u64().unwrap_or(u64::MAX);
    assert!(mine["event"]["call"]["caller_seat"].is_u64());
    agent
        .wait_for("the store's call in the queue", |m| {
            m["type"] == "desk_queue" && m["calls"].as_array().is_some_and(|c| c.iter().any(|c| c["id"] == my_call))
        })
        .await;
    agent.ok(json!({"type": "take_call", "call": my_call})).await;
    agent.ok(json!({"type": "call_say", "call": my_call, "text": "Support here. We know about card failures."})).await;
    store
        .wait_for("the agent's words", |m| {
            m["event"]["kind"] == "call_line"
                && m["event"]["line"]["speaker"] == "agent"
                && m["event"]["call"] == my_call
        })
        .await;
    store.ok(json!({"type": "call_say", "call": my_call, "text": "Thanks, we will take cash."})).await;
    assert_eq!(store.refused(json!({"type": "call_say", "call": id, "text": "not my call"})).await, "wrong_state");

    // Sales answers a client played by a person (a facilitator here).
    let client = sales_welcome["snapshot"]["clients"][0]["id"].as_str().unwrap_or_default().to_string();
    fac.ok(json!({"type": "chat_say", "client": client, "text": "Are our stores affected?"})).await;
    sales
        .wait_for("the client's message", |m| m["event"]["kind"] == "chat_line" && m["event"]["client"] == client)
        .await;
    sales.ok(json!({"type": "chat_say", "client": client, "text": "Yes, card payments in Kanto. Cash works."})).await;
    assert_eq!(agent.refused(json!({"type": "chat_say", "client": client, "text": "hi"})).await, "forbidden");

    // A fresh connection of someone watching the desk gets the calls in its
    // snapshot, lines included; another agent only the queue; the store
    // actor sees only its own call.
    let (_, again) = Client::connect(addr, &join(addr, &code, "Rin", "observer").await, None).await;
    let calls = again["snapshot"]["calls"].as_array().cloned().unwrap_or_default();
    let c = calls.iter().find(|c| c["id"] == id).cloned().unwrap_or_default();
    assert!(c["lines"].as_array().is_some_and(|l| l.len() >= 3), "{c}");
    let (_, other) = Client::connect(addr, &join(addr, &code, "Kaito", "support_agent").await, None).await;
    assert_eq!(other["snapshot"]["calls"], json!([]), "not Kaito's calls");
    assert!(other["snapshot"]["desk_queue"]["waiting"].is_u64(), "{}", other["snapshot"]);
    let (_, store_again) = Client::connect(addr, &join(addr, &code, "Udon shop", "store_actor").await, None).await;
    assert_eq!(store_again["snapshot"]["calls"], json!([]));
    assert!(store_again["snapshot"]["channels"].as_array().is_some_and(|c| c.iter().any(|c| c["channel"] == "social")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facilitator_writes_ad_hoc_injects_and_heals_the_fault() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut fac, welcome) = Client::connect(addr, &fac_token, None).await;
    let persona = welcome["snapshot"]["personas"][0]["id"].as_str().unwrap_or_default().to_string();
    let fault = welcome["snapshot"]["answer_key"][0]["id"].as_str().unwrap_or_default().to_string();
    let (mut store, _) = Client::connect(addr, &join(addr, &code, "Ramen shop", "store_actor").await, None).await;
    fac.ok(json!({"type": "start"})).await;

    // A post on the social feed reaches everyone, outside actors included.
    let post =
        json!({"type": "ad_hoc_inject", "persona": persona, "medium": "social", "text": "Cash only at every shop?"});
    fac.ok(post).await;
    let seen = store.wait_for("the social post", |m| m["event"]["channel"] == "social").await;
    assert_eq!(seen["event"]["post"]["author"]["kind"], "persona");
    store.ok(json!({"type": "chat", "channel": "social", "text": "Same here, cards fail."})).await;
    assert_eq!(store.refused(json!({"type": "chat", "channel": "ops", "text": "hi"})).await, "forbidden");
    let bad = json!({"type": "ad_hoc_inject", "persona": "nobody", "medium": "email", "text": "x"});
    assert_eq!(fac.refused(bad).await, "invalid_value");

    fac.ok(json!({"type": "fault_control", "fault": fault, "op": "start"})).await;
    let started = fac
        .wait_for("the fault", |m| m["event"]["kind"] == "fault_changed" && m["event"]["fault"]["active"] == true)
        .await;
    assert_eq!(started["event"]["fault"]["id"], fault);
    assert_eq!(fac.refused(json!({"type": "fault_control", "fault": fault, "op": "start"})).await, "wrong_state");
    fac.ok(json!({"type": "fault_control", "fault": fault, "op": "heal"})).await;
    fac.wait_for("healed", |m| m["event"]["kind"] == "fault_changed" && m["event"]["fault"]["active"] == false).await;
    assert_eq!(store.refused(json!({"type": "fault_control", "fault": fault, "op": "heal"})).await, "forbidden");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engineers_search_logs_read_dashboards_and_need_approval_for_risky_actions() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let (mut owner, _) = Client::connect(addr, &join(addr, &code, "Kenji", "incident_owner").await, None).await;
    let (mut eng, welcome) = Client::connect(addr, &join(addr, &code, "Mai", "engineer").await, None).await;
    let (mut agent, _) = Client::connect(addr, &join(addr, &code, "Yui", "support_agent").await, None).await;
    let actions = welcome["snapshot"]["actions"].as_array().cloned().unwrap_or_default();
    assert!(actions.iter().any(|a| a["id"] == "restart-pos" && a["risky"] == true), "{actions:?}");
    assert!(actions.iter().any(|a| a["id"] == "rollback-payments" && a["risky"] == false));

    fac.ok(json!({"type": "set_speed", "speed": 120})).await;
    fac.ok(json!({"type": "start"})).await;
    owner.wait_for("an alert", |m| m["event"]["post"]["body"]["alert"] == true).await;

    // Queries are answered to the asker alone, never acked or logged.
    let ask = |query: Value| json!({"type": "query", "query": query});
    let cid = eng.cmd(ask(json!({"kind": "dashboard"}))).await;
    let dash = eng.wait_for("the dashboard", |m| m["cid"] == cid).await;
    assert_eq!(dash["type"], "answer", "{dash}");
    let services = dash["answer"]["services"].as_array().cloned().unwrap_or_default();
    let payments = services.iter().find(|s| s["service"] == "payments").cloned().unwrap_or_default();
    assert!(payments["series"].as_array().is_some_and(|s| !s.is_empty()), "{payments}");
    assert!(payments["error_ppm"].as_u64().unwrap_or(0) > 10_000, "payments fail: {payments}");
    assert!(dash["answer"]["alerts"].as_array().is_some_and(|a| !a.is_empty()));
    let cid = eng.cmd(ask(json!({"kind": "logs", "service": "payments", "contains": "TLS"}))).await;
    let logs = eng.wait_for("log lines", |m| m["cid"] == cid).await;
    let lines = logs["answer"]["lines"].as_array().cloned().unwrap_or_default();
    assert!(!lines.is_empty() && lines.iter().all(|l| l["service"] == "payments"), "{logs}");
    let cid = eng.cmd(ask(json!({"kind": "deploys"}))).await;
    let deploys = eng.wait_for("deploys", |m| m["cid"] == cid).await;
    assert!(deploys["answer"]["deploys"].as_array().is_some_and(|d| !d.is_empty()), "{deploys}");
    let bad = ask(json!({"kind": "logs", "service": "nope", "contains": ""}));
    assert_eq!(eng.refused(bad).await, "invalid_value");
    assert_eq!(agent.refused(ask(json!({"kind": "dashboard"}))).await, "forbidden");

    // A risky action waits for the owner; a safe one runs at once.
    owner.ok(json!({"type": "declare"})).await;
    eng.ok(json!({"type": "run_action", "action": "restart-pos"})).await;
    let asked = owner.wait_for("the request", |m| m["event"]["post"]["body"]["kind"] == "approval_requested").await;
    assert_eq!(asked["event"]["post"]["body"]["action"], "restart-pos");
    assert_eq!(eng.refused(json!({"type": "run_action", "action": "restart-pos"})).await, "wrong_state");
    assert_eq!(
        eng.refused(json!({"type": "decide_action", "action": "restart-pos", "approve": true})).await,
        "forbidden"
    );
    owner.ok(json!({"type": "decide_action", "action": "restart-pos", "approve": false})).await;
    let no = eng.wait_for("the decision", |m| m["event"]["post"]["body"]["kind"] == "approval_decided").await;
    assert_eq!(no["event"]["post"]["body"]["approved"], false);
    assert_eq!(
        owner.refused(json!({"type": "decide_action", "action": "restart-pos", "approve": true})).await,
        "wrong_state"
    );
    eng.ok(json!({"type": "run_action", "action": "restart-pos"})).await;
    owner.ok(json!({"type": "decide_action", "action": "restart-pos", "approve": true})).await;
    let started = eng.wait_for("the run", |m| m["event"]["kind"] == "action_updated").await;
    assert_eq!(started["event"]["run"]["action"], "restart-pos");
    assert_eq!(started["event"]["run"]["by"], "Mai");
    eng.ok(json!({"type": "run_action", "action": "rollback-payments"})).await;
    eng.wait_for("the rollback", |m| {
        m["event"]["kind"] == "action_updated" && m["event"]["run"]["action"] == "rollback-payments"
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pulse_question_is_scored_for_accuracy_and_agreement() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let (mut owner, _) = Client::connect(addr, &join(addr, &code, "Kenji", "incident_owner").await, None).await;
    let (mut agent, _) = Client::connect(addr, &join(addr, &code, "Yui", "support_agent").await, None).await;
    let (mut eng, _) = Client::connect(addr, &join(addr, &code, "Mai", "engineer").await, None).await;
    let (mut store, _) = Client::connect(addr, &join(addr, &code, "Ramen", "store_actor").await, None).await;
    assert_eq!(fac.refused(json!({"type": "ask_pulse", "kind": "regions"})).await, "wrong_state", "not in the lobby");
    fac.ok(json!({"type": "set_speed", "speed": 30})).await;
    fac.ok(json!({"type": "start"})).await;
    owner.wait_for("an alert", |m| m["event"]["post"]["body"]["alert"] == true).await;
    fac.ok(json!({"type": "ask_pulse", "kind": "regions"})).await;
    let asked = agent.event("pulse_asked").await;
    let id = asked["event"]["question"]["id"].as_u64().unwrap_or(99);
    assert!(asked["event"]["question"]["options"].as_array().is_some_and(|o| o.len() >= 2));
    assert_eq!(owner.refused(json!({"type": "ask_pulse", "kind": "services"})).await, "forbidden");
    let answer = |picks: Value| json!({"type": "answer_pulse", "pulse": id, "picks": picks});
    assert_eq!(store.refused(answer(json!(["kanto"]))).await, "forbidden", "outside actors are not asked");
    assert_eq!(eng.refused(answer(json!(["atlantis"]))).await, "invalid_value");
    owner.ok(answer(json!(["kanto"]))).await;
    agent.ok(answer(json!(["kanto"]))).await;
    eng.ok(answer(json!(["kansai"]))).await;
    let closed = fac.event("pulse_closed").await;
    let r = &closed["event"]["result"];
    assert_eq!(r["truth"], json!(["kanto"]), "{r}");
    assert_eq!(r["answers"], 3);
    assert_eq!(r["agreement_pct"], 66);
    let options = r["question"]["options"].as_array().map_or(0, Vec::len) as u64;
    // Two answers fully right; one wrong on two options.
    let want = (100 + 100 + (options - 2) * 100 / options) / 3;
    assert_eq!(r["accuracy_pct"].as_u64(), Some(want), "{r}");
    assert_eq!(owner.refused(answer(json!([]))).await, "wrong_state", "closed");
}

/// Pausing, triggering and resuming while many people chat: every
/// triggered inject is delivered exactly once, and never again at its own
/// time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triggered_injects_fire_exactly_once_under_load() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let (mut agent, _) = Client::connect(addr, &join(addr, &code, "Yui", "support_agent").await, None).await;
    let mut crowd = Vec::new();
    for i in 0..40 {
        let token = join(addr, &code, &format!("Engineer {i}"), "engineer").await;
        crowd.push(Client::connect(addr, &token, None).await.0);
    }
    fac.ok(json!({"type": "set_speed", "speed": 60})).await;
    fac.ok(json!({"type": "start"})).await;
    let chatter = tokio::spawn(async move {
        for round in 0..10 {
            for c in &mut crowd {
                c.send(&json!({"type": "cmd", "cid": round + 1, "cmd": {"type": "chat", "channel": "ops", "text": "busy"}}))
                    .await;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        crowd
    });
    for inject in ["store-call-cards", "client-line", "cto-eta"] {
        fac.ok(json!({"type": "pause"})).await;
        fac.ok(json!({"type": "trigger_inject", "inject": inject})).await;
        assert_eq!(fac.refused(json!({"type": "trigger_inject", "inject": inject})).await, "wrong_state");
        fac.ok(json!({"type": "resume"})).await;
    }
    let _crowd = chatter.await.expect("the chatter finishes");
    // Past every inject's own minute (the latest is minute 8).
    fac.wait_for("minute 10", |m| m["type"] == "pulse" && m["tick"].as_u64().is_some_and(|t| t > 600)).await;
    let (_, again) = Client::connect(addr, &join(addr, &code, "Rin", "support_lead").await, None).await;
    let calls = again["snapshot"]["calls"].as_array().cloned().unwrap_or_default();
    let cards = calls.iter().filter(|c| c["inject"] == "store-call-cards").count();
    assert_eq!(cards, 1, "one call from the phone inject: {calls:?}");
    let (_, fac_again) = Client::connect(addr, &fac_token, None).await;
    let chats = fac_again["snapshot"]["chats"].as_array().cloned().unwrap_or_default();
    let client_lines: usize = chats
        .iter()
        .flat_map(|c| c["lines"].as_array().cloned().unwrap_or_default())
        .filter(|l| l["text"].as_str().is_some_and(|t| t.contains("80 stores")))
        .count();
    assert_eq!(client_lines, 1, "the LINE inject arrived once: {chats:?}");
    let injects = fac_again["snapshot"]["injects"].as_array().cloned().unwrap_or_default();
    for id in ["store-call-cards", "client-line", "cto-eta"] {
        let i = injects.iter().find(|i| i["id"] == id).cloned().unwrap_or_default();
        assert!(i["fired_tick"].as_u64().is_some_and(|t| t < 240), "{id} fired when triggered: {i}");
    }
    agent.drain().await;
}

/// The facilitators' board shows the world behind the incident: the
/// faulted region hurts, the others do not, the figures agree with the
/// live pulse; nobody else may look at it, observers included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_shows_the_faulted_region_to_facilitators_alone() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let mut others = Vec::new();
    for (name, role) in
        [("Kenji", "incident_owner"), ("Mai", "engineer"), ("Obi", "observer"), ("Ramen", "store_actor")]
    {
        others.push(Client::connect(addr, &join(addr, &code, name, role).await, None).await.0);
    }
    let ask = |query: Value| json!({"type": "query", "query": query});

    // In the lobby the board already lists every region, all quiet.
    let cid = fac.cmd(ask(json!({"kind": "board"}))).await;
    let lobby = fac.wait_for("the lobby's board", |m| m["cid"] == cid).await;
    assert_eq!(lobby["type"], "answer", "{lobby}");
    let regions = lobby["answer"]["regions"].as_array().cloned().unwrap_or_default();
    let ids: Vec<&str> = regions.iter().filter_map(|r| r["region"].as_str()).collect();
    assert_eq!(ids, ["kanto", "kansai", "kyushu"]);
    assert!(regions.iter().all(|r| r["mix"]["ok"] == r["stores"]), "{regions:?}");

    // The payments fault hits Kanto at minute 3; past minute 8 it has hurt
    // for a while. The clock stops so that the board and the pulse agree.
    fac.ok(json!({"type": "set_speed", "speed": 120})).await;
    fac.ok(json!({"type": "start"})).await;
    fac.wait_for("minute 8", |m| m["type"] == "pulse" && m["tick"].as_u64().is_some_and(|t| t > 480)).await;
    fac.ok(json!({"type": "pause"})).await;
    let pulse = fac.wait_for("the paused pulse", |m| m["type"] == "pulse" && m["status"] == "paused").await;
    let cid = fac.cmd(ask(json!({"kind": "board"}))).await;
    let board = fac.wait_for("the board", |m| m["cid"] == cid).await;
    assert_eq!(board["type"], "answer", "{board}");
    let b = &board["answer"];
    assert_eq!(b["kind"], "board");
    assert_eq!(b["tick"], pulse["tick"]);
    let regions = b["regions"].as_array().cloned().unwrap_or_default();
    let n = |v: &Value| v.as_u64().unwrap_or(0);
    let lost: u64 = regions.iter().map(|r| n(&r["lost_yen"])).sum();
    assert_eq!(lost, n(&pulse["lost_revenue_yen"]), "the board's losses are the pulse's");
    for r in &regions {
        let m = &r["mix"];
        let parts = ["calling", "angry", "on_paper", "affected", "ok"].iter().map(|k| n(&m[*k])).sum::<u64>();
        assert_eq!(parts, n(&r["stores"]), "every store counted once: {r}");
    }
    let kanto = regions.iter().find(|r| r["region"] == "kanto").cloned().unwrap_or_default();
    assert!(n(&kanto["stores_affected"]) > 20, "Kanto hurts: {kanto}");
    assert!(n(&kanto["mix"]["calling"]) + n(&kanto["mix"]["angry"]) > 0, "Kanto's stores are angry: {kanto}");
    assert!(n(&kanto["payment_success_ppm"]) < 900_000, "{kanto}");
    assert!(n(&kanto["lost_yen"]) > 0);
    for r in regions.iter().filter(|r| r["region"] != "kanto") {
        assert_eq!((n(&r["stores_calling"]), n(&r["mix"]["calling"]), n(&r["mix"]["angry"])), (0, 0, 0), "{r}");
        assert!(n(&r["stores_affected"]) * 10 < n(&kanto["stores_affected"]), "{r}");
        assert!(n(&r["payment_success_ppm"]) > 980_000, "{r}");
    }
    let clients = b["clients"].as_array().cloned().unwrap_or_default();
    assert_eq!(clients.len(), 2, "{clients:?}");

    // One store: stores are numbered region by region, Kanto's first.
    let cid = fac.cmd(ask(json!({"kind": "store", "index": 0}))).await;
    let store = fac.wait_for("a store", |m| m["cid"] == cid).await;
    assert_eq!(store["answer"]["store"]["region"], "kanto", "{store}");
    assert_eq!(fac.refused(ask(json!({"kind": "store", "index": 1200}))).await, "invalid_value");

    for c in &mut others {
        assert_eq!(c.refused(ask(json!({"kind": "board"}))).await, "forbidden");
        assert_eq!(c.refused(ask(json!({"kind": "store", "index": 0}))).await, "forbidden");
    }
}

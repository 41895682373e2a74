//! Seats and roles: planned in advance by name, newcomers to support,
//! co-facilitators by invitation, and the incident owner handing over.

use firedrill_tests::{Client, TestServer, http};
use serde_json::{Value, json};

async fn post(addr: std::net::SocketAddr, path: &str, body: Value) -> (u16, Value) {
    http(addr, "POST", path, Some(&body)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_are_planned_given_to_newcomers_and_handed_over() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (status, created) =
        post(addr, "/api/drills", json!({"scenario": "lunch-peak-pos-outage", "name": "Aiko"})).await;
    assert_eq!(status, 201);
    let code = created["join_code"].as_str().unwrap_or_default().to_string();
    let fcode = created["facilitator_code"].as_str().unwrap_or_default().to_string();
    assert!(fcode.len() >= 32 && fcode != code, "a separate secret of at least 128 bits");
    let (mut fac, welcome) = Client::connect(addr, created["token"].as_str().unwrap_or_default(), None).await;
    assert_eq!(welcome["snapshot"]["facilitator_code"], fcode);

    // Planned in advance: the CTO will be the owner whatever they pick.
    fac.ok(json!({"type": "plan_role", "name": "Kenji Sato", "role": "incident_owner"})).await;
    let (status, owner) =
        post(addr, "/api/join", json!({"code": code, "name": "  kenji sato ", "role": "sales"})).await;
    assert_eq!(status, 200, "{owner}");
    assert_eq!(owner["seat"], json!({"kind": "participant", "role": "incident_owner"}));

    // Newcomers land in support; without a role or a plan, joining is refused.
    let (_, newbie) = post(addr, "/api/join", json!({"code": code, "name": "Yui", "newcomer": true})).await;
    assert_eq!(newbie["seat"], json!({"kind": "participant", "role": "support_agent"}));
    let (status, v) = post(addr, "/api/join", json!({"code": code, "name": "Nobody"})).await;
    assert_eq!((status, v["error"].as_str()), (400, Some("invalid_value")), "{v}");

    // A co-facilitator joins with the facilitator code and sees the answer key.
    let (_, cofac) = post(addr, "/api/join", json!({"code": fcode, "name": "Ren"})).await;
    assert_eq!(cofac["seat"], json!({"kind": "facilitator"}));
    let (_, w) = Client::connect(addr, cofac["token"].as_str().unwrap_or_default(), None).await;
    assert!(w["snapshot"]["answer_key"].is_array());

    // An engineer joins; the owner hands ownership over to them.
    let (_, eng) = post(addr, "/api/join", json!({"code": code, "name": "Mai", "role": "engineer"})).await;
    let eng_seat = eng["seat_id"].as_u64().unwrap_or_default();
    let (mut owner_c, _) = Client::connect(addr, owner["token"].as_str().unwrap_or_default(), None).await;
    let (mut eng_c, _) = Client::connect(addr, eng["token"].as_str().unwrap_or_default(), None).await;
    fac.ok(json!({"type": "start"})).await;
    // Only owners and facilitators assign roles.
    assert_eq!(eng_c.refused(json!({"type": "assign_role", "seat": 0, "role": "observer"})).await, "forbidden");
    owner_c.ok(json!({"type": "assign_role", "seat": eng_seat, "role": "incident_owner"})).await;
    let w = eng_c.wait_for("a fresh welcome", |m| m["type"] == "welcome").await;
    assert_eq!(w["you"]["seat"], json!({"kind": "participant", "role": "incident_owner"}));
    let w = owner_c.wait_for("a fresh welcome", |m| m["type"] == "welcome").await;
    assert_eq!(w["you"]["seat"], json!({"kind": "participant", "role": "engineer"}), "a handover is a swap");
    assert!(w["snapshot"]["actions"].as_array().is_some_and(|a| !a.is_empty()), "the new engineer gets the runbook");
    // The new roles work at once.
    eng_c.ok(json!({"type": "declare"})).await;
    owner_c.ok(json!({"type": "run_action", "action": "rollback-payments"})).await;
    assert_eq!(owner_c.refused(json!({"type": "set_phase", "phase": "identified"})).await, "forbidden");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn practice_mode_fills_every_other_role_with_bots() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let body = json!({"scenario": "lunch-peak-pos-outage", "name": "Newbie", "role": "engineer", "speed": 120});
    let (status, joined) = post(addr, "/api/practice", body).await;
    assert_eq!(status, 201, "{joined}");
    assert_eq!(joined["seat"], json!({"kind": "participant", "role": "engineer"}));
    let (mut me, welcome) = Client::connect(addr, joined["token"].as_str().unwrap_or_default(), None).await;
    assert!(welcome["snapshot"]["status"] == "running" || welcome["snapshot"]["status"] == "lobby");

    // The owner bot declares after the first alert; the engineer's job is mine.
    let declared = me.event("declared").await;
    assert_eq!(declared["event"]["by"], "Owner bot");
    me.ok(json!({"type": "run_action", "action": "rollback-payments"})).await;
    let done =
        me.wait_for("the fix", |m| m["event"]["kind"] == "action_updated" && m["event"]["run"]["done"] == true).await;
    assert_eq!(done["event"]["run"]["by"], "Newbie", "the engineer bot stood down for the person");
    let resolved =
        me.wait_for("resolution", |m| m["event"]["kind"] == "phase_changed" && m["event"]["phase"] == "resolved").await;
    assert_eq!(resolved["type"], "event");
    assert!(me.events.iter().any(|e| e["event"]["kind"] == "notice_published"), "the comms bot told customers");
    assert!(
        !me.events.iter().any(|e| e["event"]["kind"] == "action_updated" && e["event"]["run"]["by"] == "Engineer bot"),
        "no bot played the person's role"
    );

    let (status, v) =
        post(addr, "/api/practice", json!({"scenario": "lunch-peak-pos-outage", "name": "X", "speed": 0})).await;
    assert_eq!((status, v["error"].as_str()), (400, Some("invalid_value")));
}

/// Every message a connection receives (pulses too) until one matches
/// `done`, as text and parsed; the match is the last one.
async fn everything_until(c: &mut Client, what: &str, done: impl Fn(&Value) -> bool) -> Vec<(String, Value)> {
    let mut got = Vec::new();
    for _ in 0..100_000 {
        let m = c.next_raw().await;
        assert_ne!(m["type"], "closed", "closed while waiting for {what}");
        let stop = done(&m);
        got.push((m.to_string(), m));
        if stop {
            return got;
        }
    }
    panic!("never got {what}");
}

/// The company's figures in a pulse.
const FIGURES: [&str; 6] =
    ["orders_per_min", "payment_success_ppm", "payments_per_min", "revenue_yen", "lost_revenue_yen", "guests_waiting"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_actors_receive_only_what_their_character_would() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (status, created) =
        post(addr, "/api/drills", json!({"scenario": "lunch-peak-pos-outage", "name": "Aiko"})).await;
    assert_eq!(status, 201);
    let code = created["join_code"].as_str().unwrap_or_default().to_string();
    let fac_token = created["token"].as_str().unwrap_or_default().to_string();
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let token = |name: &'static str, role: &'static str| {
        let code = code.clone();
        async move {
            let (_, v) = post(addr, "/api/join", json!({"code": code, "name": name, "role": role})).await;
            v["token"].as_str().unwrap_or_default().to_string()
        }
    };
    let (mut sales, _) = Client::connect(addr, &token("Ren", "sales").await, None).await;
    let (mut comms, _) = Client::connect(addr, &token("Sora", "comms_lead").await, None).await;
    let (mut agent, _) = Client::connect(addr, &token("Yui", "support_lead").await, None).await;
    let store_token = token("Tanaka (store)", "store_actor").await;
    let (mut store, store_w) = Client::connect(addr, &store_token, None).await;
    let (mut corp, corp_w) = Client::connect(addr, &token("Ito-san", "corporate_actor").await, None).await;
    let (_, second_w) = Client::connect(addr, &token("Second client", "corporate_actor").await, None).await;

    // Each outside actor plays a character, given by the server: the store
    // persona; the client a persona speaks for, then the other client.
    let c = &store_w["snapshot"]["character"];
    assert_eq!((c["persona"].as_str(), c["region"].as_str()), (Some("tanaka-ramen"), Some("kanto")), "{c}");
    assert_eq!(c["name"], "Mr Tanaka, manager, Ramen Tanaka Shinjuku");
    let c = &corp_w["snapshot"]["character"];
    assert_eq!((c["client"].as_str(), c["persona"].as_str()), (Some("kanto-ramen-hd"), Some("kanto-ramen-hd")), "{c}");
    assert_eq!(second_w["snapshot"]["character"]["client"], "hikari-cafe", "the least played client");
    // The client's chat is there from the start, before anyone wrote.
    let chats = corp_w["snapshot"]["chats"].as_array().cloned().unwrap_or_default();
    assert_eq!(chats.iter().map(|c| c["client"].clone()).collect::<Vec<_>>(), [json!("kanto-ramen-hd")]);
    // No figure of the company's, in the welcome either, nor its services.
    for w in [&store_w, &corp_w] {
        for f in FIGURES {
            assert!(w["snapshot"]["pulse"].get(f).is_none(), "{f} in {}", w["snapshot"]["pulse"]);
        }
        assert_eq!(w["snapshot"]["drill"]["services"], json!([]), "the company's services are its own");
    }
    let (_, fac_again) = Client::connect(addr, &fac_token, None).await;
    assert!(fac_again["snapshot"].get("character").is_none(), "only outside actors play a character");
    assert!(fac_again["snapshot"]["pulse"]["orders_per_min"].is_u64());
    assert!(fac_again["snapshot"]["drill"]["services"].as_array().is_some_and(|s| !s.is_empty()));

    fac.ok(json!({"type": "start"})).await;
    let before_notice = store.last_seq;

    // Sales writes to the client, and a facilitator as the client: the
    // person playing it sees both, before having written anything.
    let say = |client: &str, text: &str| json!({"type": "chat_say", "client": client, "text": text});
    sales.ok(say("kanto-ramen-hd", "Card payments fail in Kanto; cash works. Next update 12:10.")).await;
    sales.ok(say("hikari-cafe", "A note for Hikari only.")).await;
    fac.ok(say("kanto-ramen-hd", "Facilitator, speaking as Kanto Ramen.")).await;
    let line =
        |text: &'static str| move |m: &Value| m["event"]["kind"] == "chat_line" && m["event"]["line"]["text"] == text;
    let from_sales =
        corp.wait_for("sales' line", line("Card payments fail in Kanto; cash works. Next update 12:10.")).await;
    assert_eq!(from_sales["event"]["client"], "kanto-ramen-hd");
    corp.wait_for("the facilitator's line as the client", line("Facilitator, speaking as Kanto Ramen.")).await;

    // Comms publishes: inside, Sora's notice; outside, the company's.
    comms
        .ok(json!({"type": "publish_notice", "status": "partial_outage", "text": "Card payments fail in Kanto."}))
        .await;
    let inside = comms.event("notice_published").await;
    assert_eq!(inside["event"]["notice"]["by"], "Sora");

    // The store calls: the support lead, who watches the whole desk, hears
    // the store, not the colleague's name.
    store.ok(json!({"type": "call_support", "text": "Every card is declined."})).await;
    let call = agent
        .wait_for("the store's call", |m| {
            m["event"]["kind"] == "call_updated" && m["event"]["call"]["caller_seat"].is_u64()
        })
        .await;
    assert_eq!(call["event"]["call"]["caller"], "Mr Tanaka, manager, Ramen Tanaka Shinjuku");
    let id = call["event"]["call"]["id"].clone();
    let first =
        agent.wait_for("its first line", |m| m["event"]["kind"] == "call_line" && m["event"]["call"] == id).await;
    assert_eq!(first["event"]["line"]["name"], "Mr Tanaka, manager, Ramen Tanaka Shinjuku");

    // A post on #social, which everyone reads, closes the window; every
    // message each outside actor got until then (and a pulse after) is
    // inspected.
    fac.ok(json!({"type": "chat", "channel": "social", "text": "end of the window"})).await;
    let marker =
        |m: &Value| m["event"]["kind"] == "posted" && m["event"]["post"]["body"]["text"] == "end of the window";
    let inside_pulse = comms.wait_for("a pulse", |m| m["type"] == "pulse").await;
    assert!(FIGURES.iter().all(|f| inside_pulse.get(*f).is_some()), "inside, every figure: {inside_pulse}");
    for (who, c) in [("store", &mut store), ("corporate", &mut corp)] {
        let mut got = everything_until(c, "the marker", marker).await;
        got.extend(everything_until(c, "a pulse", |m| m["type"] == "pulse").await);
        // Events read while waiting for something else count too.
        got.extend(c.events.iter().map(|e| (e.to_string(), e.clone())));
        for (_, p) in got.iter().filter(|(_, m)| m["type"] == "pulse") {
            assert!(p["tick"].is_u64() && p["status"] == "running", "{p}");
            for f in FIGURES {
                assert!(p.get(f).is_none(), "{who} got {f}: {p}");
            }
        }
        for (text, m) in &got {
            assert!(!text.contains("Sora"), "{who} learned the comms lead's name: {text}");
            assert!(!text.contains("Hikari only"), "{who} read another client's chat: {text}");
            assert!(!text.contains("Tanaka (store)"), "{who} was sent the colleague's own name: {text}");
            if m["event"]["kind"] == "notice_published" {
                assert_eq!(m["event"]["notice"]["by"], "", "the company's notice");
                assert_eq!(m["seq"], inside["seq"], "one event, two copies");
            }
        }
        assert!(got.iter().any(|(_, m)| m["event"]["kind"] == "notice_published"), "{who} got the notice");
    }

    // Resuming from before the notice replays the outside copy.
    let (mut again, resumed) = Client::connect(addr, &store_token, Some(before_notice)).await;
    assert_eq!(resumed["type"], "resumed", "{resumed}");
    let replayed = again.event("notice_published").await;
    assert_eq!(replayed["event"]["notice"]["by"], "");
    assert_eq!(replayed["seq"], inside["seq"]);
    // And a fresh welcome has the company's notice, without figures.
    let (_, w) = Client::connect(addr, &store_token, None).await;
    assert_eq!(w["snapshot"]["notices"][0]["by"], "", "{}", w["snapshot"]["notices"]);
    assert!(!w.to_string().contains("Sora"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locked_lead_roles_go_only_to_the_people_planned_for_them() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (status, created) =
        post(addr, "/api/drills", json!({"scenario": "lunch-peak-pos-outage", "name": "Aiko"})).await;
    assert_eq!(status, 201);
    let code = created["join_code"].as_str().unwrap_or_default().to_string();
    let (mut fac, welcome) = Client::connect(addr, created["token"].as_str().unwrap_or_default(), None).await;
    assert_eq!(welcome["snapshot"]["roles_locked"], json!(false));
    let join = |name: &str, role: &str| post(addr, "/api/join", json!({"code": code, "name": name, "role": role}));

    // Unlocked, the join code admits any role: an outside actor can come
    // back as incident owner.
    let (status, v) = join("Store 12", "incident_owner").await;
    assert_eq!((status, &v["seat"]), (200, &json!({"kind": "participant", "role": "incident_owner"})), "{v}");

    fac.ok(json!({"type": "plan_role", "name": "Kenji", "role": "incident_owner"})).await;
    fac.ok(json!({"type": "plan_role", "name": "Sora", "role": "comms_lead"})).await;
    fac.ok(json!({"type": "lock_roles", "locked": true})).await;
    let ev = fac.event("roles_locked").await;
    assert_eq!(ev["event"]["locked"], json!(true));

    // Locked: no lead role through the join code alone.
    for role in ["incident_owner", "comms_lead", "support_lead"] {
        let (status, v) = join("Store 12", role).await;
        assert_eq!((status, v["error"].as_str()), (403, Some("role_locked")), "{role}: {v}");
    }
    // Other roles as before.
    let (status, v) = join("Store 12", "store_actor").await;
    assert_eq!((status, &v["seat"]), (200, &json!({"kind": "participant", "role": "store_actor"})), "{v}");
    // The planned people get their lead roles, whatever they pick...
    let (_, v) = join("kenji", "engineer").await;
    assert_eq!(v["seat"], json!({"kind": "participant", "role": "incident_owner"}), "{v}");
    let (_, v) = join("Sora", "comms_lead").await;
    assert_eq!(v["seat"], json!({"kind": "participant", "role": "comms_lead"}), "{v}");
    // ...once: whoever types the same name later does not.
    let (status, v) = join("Kenji", "incident_owner").await;
    assert_eq!((status, v["error"].as_str()), (403, Some("role_locked")), "{v}");
    let (_, v) = join("Kenji", "engineer").await;
    assert_eq!(v["seat"], json!({"kind": "participant", "role": "engineer"}), "{v}");

    // A fresh facilitator welcome says so; unlocking opens the roles again.
    let (_, w) = Client::connect(addr, created["token"].as_str().unwrap_or_default(), None).await;
    assert_eq!(w["snapshot"]["roles_locked"], json!(true));
    fac.ok(json!({"type": "lock_roles", "locked": false})).await;
    let (status, v) = join("Mai", "support_lead").await;
    assert_eq!((status, &v["seat"]), (200, &json!({"kind": "participant", "role": "support_lead"})), "{v}");
    // Only facilitators lock.
    let (_, v) = join("Ren", "engineer").await;
    let (mut ren, _) = Client::connect(addr, v["token"].as_str().unwrap_or_default(), None).await;
    assert_eq!(ren.refused(json!({"type": "lock_roles", "locked": true})).await, "forbidden");
}

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

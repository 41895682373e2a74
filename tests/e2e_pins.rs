//! Pinned posts: who may pin and unpin in which channel, the bound on
//! pins per channel, who hears of a pin, and pins that outlive the posts a
//! welcome carries, a reconnect and a restart of the server.

use std::time::Duration;

use firedrill_tests::{Client, ServerProcess, TestServer, create_drill, free_port, join, temp_dir};
use serde_json::{Value, json};

/// Posts a chat message and returns its post id, from the `posted` event
/// the author gets back.
async fn chat(c: &mut Client, channel: &str, text: &str) -> u64 {
    c.ok(json!({"type": "chat", "channel": channel, "text": text})).await;
    let posted = c
        .wait_for(text, |m| {
            m["event"]["kind"] == "posted"
                && m["event"]["channel"] == channel
                && m["event"]["post"]["body"]["text"] == text
        })
        .await;
    posted["event"]["post"]["id"].as_u64().unwrap_or_else(|| panic!("a post has an id: {posted}"))
}

fn pin(channel: &str, post: u64, pinned: bool) -> Value {
    json!({"type": "pin_post", "channel": channel, "post": post, "pinned": pinned})
}

/// Waits for the `pin_changed` of this post.
async fn pin_event(c: &mut Client, channel: &str, post: u64, pinned: bool) -> Value {
    c.wait_for("pin_changed", |m| {
        m["event"]["kind"] == "pin_changed"
            && m["event"]["channel"] == channel
            && m["event"]["post"]["id"] == post
            && m["event"]["pinned"] == pinned
    })
    .await
}

/// A channel of a snapshot (its posts and pins), or null.
fn channel<'a>(snapshot: &'a Value, name: &str) -> &'a Value {
    snapshot["channels"].as_array().and_then(|cs| cs.iter().find(|c| c["channel"] == name)).unwrap_or(&Value::Null)
}

/// The ids of a snapshot channel's pinned posts, in pin order.
fn pinned_ids(snapshot: &Value, name: &str) -> Vec<u64> {
    channel(snapshot, name)["pins"].as_array().into_iter().flatten().filter_map(|p| p["post"]["id"].as_u64()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whoever_may_write_in_a_channel_pins_there_and_its_readers_hear_of_it() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let seat = |name: &'static str, role: &'static str| {
        let code = code.clone();
        async move { Client::connect(addr, &join(addr, &code, name, role).await, None).await.0 }
    };
    let mut owner = seat("Kenji", "incident_owner").await;
    let mut agent = seat("Yui", "support_agent").await;
    let mut sales = seat("Ren", "sales").await;
    let mut eng = seat("Mai", "engineer").await;
    let mut store = seat("Ramen shop", "store_actor").await;
    let mut observer = seat("Obi", "observer").await;

    // Declared, then paused: the response channels are open, and no health
    // post comes between the steps below.
    fac.ok(json!({"type": "start"})).await;
    owner.ok(json!({"type": "declare"})).await;
    fac.ok(json!({"type": "pause"})).await;

    // #support: written (and so pinned) by the owner, the support lead and
    // agents; read by everyone inside.
    let tip = chat(&mut agent, "support", "Cash works everywhere; tell the callers.").await;
    assert_eq!(sales.refused(pin("support", tip, true)).await, "forbidden", "sales reads #support but does not write");
    assert_eq!(observer.refused(pin("support", tip, true)).await, "forbidden");
    assert_eq!(store.refused(pin("support", tip, true)).await, "forbidden");
    agent.ok(pin("support", tip, true)).await;
    let pinned = pin_event(&mut eng, "support", tip, true).await;
    assert_eq!(pinned["event"]["by"], "Yui");
    assert_eq!(pinned["event"]["post"]["body"]["text"], "Cash works everywhere; tell the callers.");
    pin_event(&mut sales, "support", tip, true).await;
    pin_event(&mut fac, "support", tip, true).await;
    assert_eq!(agent.refused(pin("support", tip, true)).await, "wrong_state", "already pinned");
    owner.ok(pin("support", tip, false)).await;
    let unpinned = pin_event(&mut agent, "support", tip, false).await;
    assert_eq!(unpinned["event"]["by"], "Kenji");
    assert_eq!(owner.refused(pin("support", tip, false)).await, "wrong_state", "not pinned any more");
    agent.ok(pin("support", tip, true)).await;

    // Posts that do not exist.
    assert_eq!(agent.refused(pin("support", 999, true)).await, "invalid_value");
    assert_eq!(agent.refused(pin("support", 0, true)).await, "invalid_value");

    // #social: everyone reads it, outside actors write in it.
    let rant = chat(&mut store, "social", "Cards down at my shop again!").await;
    store.ok(pin("social", rant, true)).await;
    pin_event(&mut observer, "social", rant, true).await;

    // #facilitators: facilitators alone.
    let note = chat(&mut fac, "facilitators", "Watch the owner's cadence.").await;
    assert_eq!(owner.refused(pin("facilitators", note, true)).await, "forbidden");
    fac.ok(pin("facilitators", note, true)).await;
    pin_event(&mut fac, "facilitators", note, true).await;

    // A facilitator pins anywhere, also where no role writes for them.
    let war = chat(&mut eng, "incident-war-room", "Payments gateway v2.31 is the suspect.").await;
    fac.ok(pin("incident-war-room", war, true)).await;
    pin_event(&mut owner, "incident-war-room", war, true).await;

    // At most PINS_PER_CHANNEL_MAX pins per channel; unpin one to pin another.
    let max = firedrill::limits::PINS_PER_CHANNEL_MAX;
    let mut ids = vec![war];
    for i in 1..=max {
        ids.push(chat(&mut owner, "incident-war-room", &format!("war room note {i}")).await);
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    for id in &ids[1..max] {
        eng.ok(pin("incident-war-room", *id, true)).await;
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    let (last, first) = (ids[max], ids[0]);
    let cid = eng.cmd(pin("incident-war-room", last, true)).await;
    let reply = eng.wait_for("the refusal", |m| m["cid"] == cid).await;
    assert_eq!(reply["code"], "full", "{reply}");
    assert!(reply["message"].as_str().is_some_and(|m| m.contains(&max.to_string())), "a clear message: {reply}");
    eng.ok(pin("incident-war-room", first, false)).await;
    eng.ok(pin("incident-war-room", last, true)).await;

    // A fresh welcome carries every channel's pins, in pin order, with the
    // whole posts, to those who read the channel.
    let (_, w) = Client::connect(addr, &join(addr, &code, "Late", "engineer").await, None).await;
    let snap = &w["snapshot"];
    assert_eq!(pinned_ids(snap, "support"), vec![tip]);
    assert_eq!(pinned_ids(snap, "social"), vec![rant]);
    assert_eq!(pinned_ids(snap, "incident-war-room"), ids[1..=max].to_vec());
    assert!(channel(snap, "facilitators").is_null(), "only facilitators read #facilitators");
    let pin0 = &channel(snap, "support")["pins"][0];
    assert_eq!(pin0["by"], "Yui");
    assert_eq!(pin0["post"]["body"]["text"], "Cash works everywhere; tell the callers.");
    let (_, w) = Client::connect(addr, &join(addr, &code, "Another shop", "store_actor").await, None).await;
    let snap = &w["snapshot"];
    assert_eq!(snap["channels"].as_array().map(Vec::len), Some(1), "an outside actor reads #social only: {snap}");
    assert_eq!(pinned_ids(snap, "social"), vec![rant]);
    let (_, w) = Client::connect(addr, &fac_token, None).await;
    assert_eq!(pinned_ids(&w["snapshot"], "facilitators"), vec![note]);

    // Outside actors hear of pins on the public feed only; the rest of the
    // company hears of none in #facilitators.
    fac.ok(json!({"type": "end"})).await;
    for c in [&mut store, &mut owner] {
        c.event("ended").await;
    }
    let store_pins: Vec<&Value> = store.events.iter().filter(|e| e["event"]["kind"] == "pin_changed").collect();
    assert!(!store_pins.is_empty());
    assert!(
        store_pins.iter().all(|e| e["event"]["channel"] == "social"),
        "a store saw an internal pin: {store_pins:?}"
    );
    assert!(
        !owner.events.iter().any(|e| e["event"]["kind"] == "pin_changed" && e["event"]["channel"] == "facilitators"),
        "the owner saw a pin in #facilitators"
    );
    // Nothing is pinned once the drill has ended.
    assert_eq!(agent.refused(pin("support", tip, false)).await, "wrong_state");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pinned_post_older_than_a_welcome_reaches_is_still_in_it() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let mut writers = Vec::new();
    for (name, role) in [("Kenji", "incident_owner"), ("Yui", "support_agent"), ("Ren", "sales"), ("Mai", "engineer")] {
        writers.push(Client::connect(addr, &join(addr, &code, name, role).await, None).await.0);
    }
    // In the lobby: no health posts, only ours.
    let first = chat(&mut writers[0], "ops", "Bridge number: 0120-000-000").await;
    writers[0].ok(pin("ops", first, true)).await;
    // More than a welcome carries, shared among the writers (each
    // connection has its own rate limit).
    let in_welcome = firedrill::limits::POSTS_IN_WELCOME_MAX;
    for i in 0..=in_welcome {
        let c = &mut writers[i % 4];
        c.cmd(json!({"type": "chat", "channel": "ops", "text": format!("chatter {i}")})).await;
        if i % 4 == 3 {
            tokio::time::sleep(Duration::from_millis(60)).await;
        }
    }
    let last = format!("chatter {in_welcome}");
    fac.wait_for("the last chatter", |m| m["event"]["post"]["body"]["text"] == last.as_str()).await;

    let (_, w) = Client::connect(addr, &fac_token, None).await;
    let ops = channel(&w["snapshot"], "ops");
    let posts = ops["posts"].as_array().cloned().unwrap_or_default();
    assert_eq!(posts.len(), in_welcome);
    assert!(posts.iter().all(|p| p["id"] != first), "the pinned post is older than the welcome's posts");
    assert_eq!(pinned_ids(&w["snapshot"], "ops"), vec![first], "yet it is among the pins");
    assert_eq!(ops["pins"][0]["post"]["body"]["text"], "Bridge number: 0120-000-000");
    // Post ids count up by one per post in the channel.
    let ids: Vec<u64> = posts.iter().filter_map(|p| p["id"].as_u64()).collect();
    assert!(ids.windows(2).all(|w| w[1] == w[0] + 1), "{ids:?}");
    assert_eq!(ids.last(), Some(&(first + in_welcome as u64 + 1)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pins_survive_a_reconnect_and_a_restart_of_the_server() {
    let data = temp_dir("pins");
    let port = free_port();
    let server = ServerProcess::start(&data, port).await;
    let addr = server.addr;
    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let owner_token = join(addr, &code, "Kenji", "incident_owner").await;
    let agent_token = join(addr, &code, "Yui", "support_agent").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let (mut owner, _) = Client::connect(addr, &owner_token, None).await;
    let (agent, _) = Client::connect(addr, &agent_token, None).await;
    fac.ok(json!({"type": "start"})).await;
    owner.ok(json!({"type": "declare"})).await;
    fac.ok(json!({"type": "pause"})).await;

    let decision = chat(&mut owner, "incident-war-room", "Decision: roll back payments-gateway.").await;
    let gone = chat(&mut owner, "incident-war-room", "Pinned, then unpinned.").await;
    owner.ok(pin("incident-war-room", decision, true)).await;
    owner.ok(pin("incident-war-room", gone, true)).await;
    owner.ok(pin("incident-war-room", gone, false)).await;

    // A reconnect that resumes gets the pin events it missed.
    let seen = agent.last_seq;
    let tip = chat(&mut owner, "support", "Callers: cash works.").await;
    owner.ok(pin("support", tip, true)).await;
    drop(agent);
    let (mut agent, first) = Client::connect(addr, &agent_token, Some(seen)).await;
    assert_eq!(first["type"], "resumed", "{first}");
    pin_event(&mut agent, "support", tip, true).await;

    server.kill();
    let server = ServerProcess::start(&data, port).await;

    // After the restart the pins are what they were, for everyone inside.
    let (mut agent, w) = Client::connect(addr, &agent_token, None).await;
    assert_eq!(pinned_ids(&w["snapshot"], "incident-war-room"), vec![decision]);
    assert_eq!(pinned_ids(&w["snapshot"], "support"), vec![tip]);
    // The numbering goes on where it was, and pinning works on.
    let next = chat(&mut agent, "support", "After the restart.").await;
    assert_eq!(next, tip + 1);
    agent.ok(pin("support", next, true)).await;
    let (mut owner, _) = Client::connect(addr, &owner_token, None).await;
    assert_eq!(owner.refused(pin("incident-war-room", decision, true)).await, "wrong_state", "still pinned");
    owner.ok(pin("incident-war-room", decision, false)).await;
    let (_, w) = Client::connect(addr, &fac_token, None).await;
    assert_eq!(pinned_ids(&w["snapshot"], "incident-war-room"), Vec::<u64>::new());
    assert_eq!(pinned_ids(&w["snapshot"], "support"), vec![tip, next]);
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
}

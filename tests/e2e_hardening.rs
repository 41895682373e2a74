//! A curious colleague pokes at the server: foreign origins, huge and
//! flooding messages, a client that stops reading, commands their role may
//! not send, outside actors peeking at internal channels, and the HTTP
//! surface. Every case gets its documented answer and changes nothing.

use std::time::Duration;

use firedrill::protocol::{
    Channel, Command, ComponentStatus, Disposition, DrillStatus, FaultOp, Medium, Phase, PulseKind, Query, Role,
    SeatKind, authorize,
};
use firedrill_tests::{ADMIN_TOKEN, Client, TestServer, create_drill, http, http_with, join};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// Reads until the server's close frame and returns its code, or what
/// happened instead.
async fn close_code(
    ws: &mut tokio_tungstenite::WebSocketStream<impl tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>,
) -> Result<u16, String> {
    let deadline = tokio::time::sleep(Duration::from_secs(60));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = &mut deadline => return Err("no close frame within 60 s".into()),
            m = ws.next() => match m {
                Some(Ok(Message::Close(f))) => return f.map(|f| u16::from(f.code)).ok_or_else(|| "a close frame without a code".into()),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(format!("read error: {e}")),
                None => return Err("end of stream without a close frame".into()),
            },
        }
    }
}

#[tokio::test]
async fn a_foreign_origin_is_refused_before_the_upgrade() {
    let server = TestServer::start().await;
    let mut req = format!("ws://{}/ws", server.addr).into_client_request().expect("request");
    req.headers_mut().insert("Origin", "http://evil.example".parse().expect("header"));
    let err = tokio_tungstenite::connect_async(req).await.expect_err("foreign origin refused");
    let status = match err {
        tokio_tungstenite::tungstenite::Error::Http(res) => res.status().as_u16(),
        other => panic!("expected an HTTP refusal, got {other}"),
    };
    assert_eq!(status, 403);

    let mut req = format!("ws://{}/ws", server.addr).into_client_request().expect("request");
    let own = format!("http://{}", server.addr);
    req.headers_mut().insert("Origin", own.parse().expect("header"));
    assert!(tokio_tungstenite::connect_async(req).await.is_ok(), "the server's own origin is allowed");
}

#[tokio::test]
async fn an_oversized_message_closes_with_1009_and_a_flood_with_1008() {
    let server = TestServer::start().await;
    let url = format!("ws://{}/ws", server.addr);

    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.expect("connect");
    let big = "x".repeat(firedrill::limits::CLIENT_MESSAGE_BYTES_MAX + 1024);
    let _ = ws.send(Message::Text(big.into())).await;
    assert_eq!(close_code(&mut ws).await, Ok(1009));

    let (_, code, _) = create_drill(server.addr, "lunch-peak-pos-outage").await;
    let token = join(server.addr, &code, "Flood", "engineer").await;
    let (mut c, _) = Client::connect(server.addr, &token, None).await;
    for t in 0..500u64 {
        if !c.try_send(&json!({"type": "ping", "t": t})).await {
            break;
        }
    }
    let mut closed = None;
    for _ in 0..2_000 {
        let m = c.next_raw().await;
        if m["type"] == "closed" {
            closed = Some(m);
            break;
        }
    }
    assert_eq!(closed.map(|m| m["code"].clone()), Some(json!(1008)));
}

#[tokio::test]
async fn a_silent_client_gets_a_timely_refusal_of_its_handshake() {
    // No hello within the handshake timeout closes with 1008; here we only
    // check that a non-hello first message is refused at once.
    let server = TestServer::start().await;
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/ws", server.addr)).await.expect("connect");
    ws.send(Message::Text(json!({"type": "ping", "t": 1}).to_string().into())).await.expect("send");
    let first = ws.next().await.expect("a reply").expect("a message");
    let v: Value = serde_json::from_str(first.to_text().expect("text")).expect("json");
    assert_eq!(v["code"], "hello_required");
    assert_eq!(close_code(&mut ws).await, Ok(1008));
}

/// One sample of every command, for walking the permission table.
fn sample_commands() -> Vec<Command> {
    let mut v: Vec<Command> =
        [Channel::Ops, Channel::IncidentWarRoom, Channel::Support, Channel::External, Channel::Sales]
            .into_iter()
            .map(|channel| Command::Chat { channel, text: "probe".into() })
            .collect();
    v.extend([
        Command::Declare {},
        Command::SetPhase { phase: Phase::Identified },
        Command::RunAction { action: "rollback-payments".into() },
        Command::PublishNotice { status: ComponentStatus::PartialOutage, text: "probe".into() },
        Command::Start {},
        Command::Pause {},
        Command::Resume {},
        Command::SetSpeed { speed: 2 },
        Command::End {},
        Command::AssignRole { seat: 0, role: Role::Observer },
        Command::PlanRole { name: "Someone".into(), role: Role::Engineer },
        Command::EditDoc { doc: "talk-script".into(), base_version: 1, text: "probe".into() },
        Command::StatusReport {
            affected: "probe".into(),
            scope: String::new(),
            impact: String::new(),
            actions: String::new(),
            next_update_min: 10,
        },
        Command::Hypothesis { text: "probe".into() },
        Command::Chat { channel: Channel::Social, text: "probe".into() },
        Command::TakeCall { call: None },
        Command::CallSay { call: 0, text: "probe".into() },
        Command::HoldCall { call: 0, hold: true },
        Command::EndCall { call: 0, disposition: Disposition::Informed },
        Command::AssignCall { call: 0, seat: 0 },
        Command::CallSupport { text: "probe".into() },
        Command::ChatSay { client: "probe".into(), text: "probe".into() },
        Command::TriggerInject { inject: "store-call-cards".into() },
        Command::SkipInject { inject: "store-call-cards".into() },
        Command::DelayInject { inject: "store-call-cards".into(), minutes: 5 },
        Command::EditInject { inject: "store-call-cards".into(), text: "probe".into() },
        Command::AdHocInject { persona: "probe".into(), medium: Medium::Social, text: "probe".into() },
        Command::FaultControl { fault: "probe".into(), op: FaultOp::Heal },
        Command::Query { query: Query::Dashboard {} },
        Command::Query { query: Query::Board {} },
        Command::Query { query: Query::Store { index: 0 } },
        Command::DecideAction { action: "restart-pos".into(), approve: true },
        Command::AskPulse { kind: PulseKind::Regions },
        Command::AnswerPulse { pulse: 0, picks: Vec::new() },
    ]);
    // Pinning goes with writing, per channel (post 1 may not exist: the
    // role and status checks come first).
    v.extend(
        [
            Channel::Ops,
            Channel::IncidentWarRoom,
            Channel::Support,
            Channel::External,
            Channel::Sales,
            Channel::Facilitators,
            Channel::Social,
        ]
        .into_iter()
        .map(|channel| Command::PinPost { channel, post: 1, pinned: true }),
    );
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_a_role_may_not_do_is_accepted_in_any_status() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let mut seats = Vec::new();
    for role in Role::ALL {
        let name = format!("{role:?}");
        let role_name = serde_json::to_value(role).expect("role").as_str().unwrap_or_default().to_string();
        let token = join(addr, &code, &name, &role_name).await;
        let (c, _) = Client::connect(addr, &token, None).await;
        seats.push((role, c));
    }
    let refused_before = metric(addr, "firedrill_commands_refused_total").await;
    let mut refusals = 0u64;

    for status in [DrillStatus::Lobby, DrillStatus::Running, DrillStatus::Paused, DrillStatus::Ended] {
        match status {
            DrillStatus::Lobby => {}
            DrillStatus::Running => fac.ok(json!({"type": "start"})).await,
            DrillStatus::Paused => fac.ok(json!({"type": "pause"})).await,
            DrillStatus::Ended => fac.ok(json!({"type": "end"})).await,
        }
        if status == DrillStatus::Ended {
            refusals += refuse_everything_forbidden(&mut seats, status).await;
            continue;
        }
        fac.ok(json!({"type": "chat", "channel": "ops", "text": "sync"})).await;
        let sync = fac.wait_for("sync", |m| m["event"]["post"]["body"]["text"] == "sync").await;
        let before = fac.events.len();
        let marker_seq = sync["seq"].as_u64().unwrap_or(0);
        refusals += refuse_everything_forbidden(&mut seats, status).await;
        // Nothing changed: a probe from the facilitator is the next event.
        {
            fac.ok(json!({"type": "chat", "channel": "ops", "text": "probe"})).await;
            let probe = fac.wait_for("probe", |m| m["event"]["post"]["body"]["text"] == "probe").await;
            let between: Vec<&Value> = fac.events[before..]
                .iter()
                .filter(|e| e["seq"].as_u64().unwrap_or(0) > marker_seq && e["seq"] != probe["seq"])
                .filter(|e| e["event"]["post"]["author"]["kind"] != "health_bot")
                .collect();
            assert!(between.is_empty(), "refused commands changed something in {status:?}: {between:?}");
        }
    }
    let refused_after = metric(addr, "firedrill_commands_refused_total").await;
    assert!(refused_after - refused_before >= refusals, "every refusal is counted ({refusals})");
}

/// Sends every sample command each seat may not send in `status`; each must
/// be refused. Returns how many were sent.
async fn refuse_everything_forbidden(seats: &mut [(Role, Client)], status: DrillStatus) -> u64 {
    let mut n = 0;
    for (role, c) in seats.iter_mut() {
        let mut sent = 0;
        for cmd in sample_commands() {
            if authorize(SeatKind::Participant(*role), status, &cmd).is_ok() {
                continue;
            }
            let code = c.refused(serde_json::to_value(&cmd).expect("cmd")).await;
            assert!(code == "forbidden" || code == "wrong_state", "{role:?} {cmd:?} in {status:?}: {code}");
            n += 1;
            sent += 1;
            // Some seats are refused more probes than the rate limit's
            // burst: let it refill on the way.
            if sent == 30 {
                tokio::time::sleep(Duration::from_millis(1_000)).await;
            }
        }
        // Stay under the per-connection rate limit.
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    n
}

async fn metric(addr: std::net::SocketAddr, name: &str) -> u64 {
    let admin = format!("Bearer {ADMIN_TOKEN}");
    let ((status, body), _) = http_with(addr, "GET", "/metrics", None, &[("Authorization", admin.as_str())]).await;
    assert_eq!(status, 200);
    let text = body.as_str().unwrap_or_default().to_string();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} missing from /metrics:\n{text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_actors_never_see_internal_channels_or_the_answer_key() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let owner_token = join(addr, &code, "Owner", "incident_owner").await;
    let store_token = join(addr, &code, "Ramen shop", "store_actor").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let (mut owner, _) = Client::connect(addr, &owner_token, None).await;
    let (mut store, welcome) = Client::connect(addr, &store_token, None).await;
    let snap = &welcome["snapshot"];
    // The public social feed is the only channel an outside actor reads.
    assert_eq!(snap["channels"], json!([{"channel": "social", "posts": [], "pins": []}]));
    assert_eq!(snap["roster"], json!([]));
    assert_eq!(snap["answer_key"], Value::Null);
    assert_eq!(snap["actions"], json!([]));

    fac.ok(json!({"type": "set_speed", "speed": 120})).await;
    fac.ok(json!({"type": "start"})).await;
    owner.wait_for("an alert", |m| m["event"]["post"]["body"]["alert"] == true).await;
    owner.ok(json!({"type": "declare"})).await;
    owner.ok(json!({"type": "chat", "channel": "incident-war-room", "text": "internal only"})).await;
    let internal = owner.wait_for("the internal post", |m| m["event"]["post"]["body"]["text"] == "internal only").await;
    owner.ok(json!({"type": "pin_post", "channel": "incident-war-room", "post": internal["event"]["post"]["id"], "pinned": true})).await;
    owner.ok(json!({"type": "publish_notice", "status": "partial_outage", "text": "We are investigating."})).await;
    fac.ok(json!({"type": "end"})).await;
    store.event("ended").await;
    for e in &store.events {
        let kind = e["event"]["kind"].as_str().unwrap_or_default();
        assert!(matches!(kind, "status" | "notice_published" | "ended"), "an outside actor saw {e}");
    }
    assert!(store.events.iter().any(|e| e["event"]["kind"] == "notice_published"), "the public notice is public");
}

#[tokio::test]
async fn the_http_surface_is_typed_and_locked_down() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let ((status, _), head) = http_with(addr, "GET", "/", None, &[]).await;
    assert_eq!(status, 200);
    let head = head.to_ascii_lowercase();
    let csp = head.lines().find(|l| l.starts_with("content-security-policy:")).expect("a CSP header");
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert!(head.contains("x-content-type-options: nosniff"));
    assert!(head.contains("x-frame-options: deny"));

    let (status, v) = http(addr, "GET", "/api/nope", None).await;
    assert_eq!((status, v["error"].as_str()), (404, Some("not_found")));
    let big = format!("{{\"scenario\":\"{}\"}}", "x".repeat(firedrill::limits::HTTP_BODY_BYTES_MAX + 1));
    let ((status, v), _) = http_with(addr, "POST", "/api/drills", Some(&big), &[]).await;
    assert_eq!((status, v["error"].as_str()), (413, Some("too_large")), "{v}");
    let ((status, v), _) = http_with(addr, "POST", "/api/drills", Some("{not json"), &[]).await;
    assert_eq!((status, v["error"].as_str()), (400, Some("bad_message")));
    assert!(!v["message"].as_str().unwrap_or_default().contains("src/"), "no internals in errors: {v}");
    let (status, v) = http(addr, "POST", "/api/drills", Some(&json!({"scenario": "nope", "name": "A"}))).await;
    assert_eq!((status, v["error"].as_str()), (404, Some("unknown_scenario")));

    // The metrics are for the operator.
    let (status, _) = http(addr, "GET", "/metrics", None).await;
    assert_eq!(status, 401);
    let ((status, _), _) = http_with(addr, "GET", "/metrics", None, &[("Authorization", "Bearer not-the-token")]).await;
    assert_eq!(status, 403);
    let admin = format!("Bearer {ADMIN_TOKEN}");
    let ((status, body), _) = http_with(addr, "GET", "/metrics", None, &[("Authorization", admin.as_str())]).await;
    assert_eq!(status, 200);
    let text = body.as_str().unwrap_or_default();
    for name in
        ["firedrill_connections", "firedrill_drills", "firedrill_ticks_total", "firedrill_tick_duration_seconds_bucket"]
    {
        assert!(text.contains(name), "{name} missing");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_dropped_and_others_keep_their_latency() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;

    // The slow client: a tiny receive buffer, and it never reads.
    let slow_token = join(addr, &code, "Slow", "engineer").await;
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("rcvbuf");
    let stream = socket.connect(addr).await.expect("connect");
    let (mut slow, _) = tokio_tungstenite::client_async(format!("ws://{addr}/ws"), stream).await.expect("upgrade");
    let hello = json!({"type": "hello", "v": 1, "token": slow_token});
    slow.send(Message::Text(hello.to_string().into())).await.expect("hello");

    let fast_token = join(addr, &code, "Fast", "engineer").await;
    let (mut fast, _) = Client::connect(addr, &fast_token, None).await;
    let mut chatters = Vec::new();
    for i in 0..10 {
        let t = join(addr, &code, &format!("Chatter {i}"), "incident_owner").await;
        chatters.push(Client::connect(addr, &t, None).await.0);
    }

    // Chatters fill the slow client's queue with large posts while the fast
    // client measures the round trip of its own messages.
    let text = "y".repeat(1_900);
    let mut rtts = Vec::new();
    let before_drops = metric(addr, "firedrill_slow_consumer_drops_total").await;
    for round in 0..250 {
        for c in chatters.iter_mut() {
            c.cmd(json!({"type": "chat", "channel": "ops", "text": text})).await;
            c.drain().await;
        }
        #[expect(clippy::disallowed_methods, reason = "measuring real latency")]
        let t0 = std::time::Instant::now();
        let marker = format!("rtt {round}");
        fast.cmd(json!({"type": "chat", "channel": "ops", "text": marker})).await;
        fast.wait_for("own post", |m| m["event"]["post"]["body"]["text"] == marker.as_str()).await;
        rtts.push(t0.elapsed());
        tokio::time::sleep(Duration::from_millis(60)).await;
        if metric(addr, "firedrill_slow_consumer_drops_total").await > before_drops && round > 10 {
            break;
        }
    }
    assert!(
        metric(addr, "firedrill_slow_consumer_drops_total").await > before_drops,
        "the client that stopped reading was dropped"
    );
    rtts.sort();
    let p90 = rtts[rtts.len() * 9 / 10];
    assert!(p90 < Duration::from_millis(500), "the others were slowed down: p90 {p90:?} of {rtts:?}");
    // It was the one that stopped reading: after what was queued, its
    // socket says "try again later" (1013), and it may resume.
    assert_eq!(close_code(&mut slow).await, Ok(1013));
    // The facilitator connects only now: a client that does not read while
    // the chatters fill the channel would itself become a slow consumer.
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    fac.ok(json!({"type": "chat", "channel": "ops", "text": "still fine"})).await;
}

/// Sends a raw request (`head` without the blank line) and returns the status.
async fn raw_status(addr: std::net::SocketAddr, head: &str, body: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!("{head}Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    s.write_all(req.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut buf)).await;
    String::from_utf8_lossy(&buf).split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[tokio::test]
async fn cross_site_posts_and_rebinding_host_names_are_refused() {
    let config = firedrill::net::Config { hosts: vec!["drills.example.com".into()], ..Default::default() };
    let server = TestServer::start_with(config).await;
    let addr = server.addr;
    let body = json!({"scenario": "lunch-peak-pos-outage", "name": "Aiko"}).to_string();
    let post = |host: &str, origin: Option<&str>, content_type: &str| {
        let origin = origin.map(|o| format!("Origin: {o}\r\n")).unwrap_or_default();
        format!("POST /api/drills HTTP/1.1\r\nHost: {host}\r\n{origin}Content-Type: {content_type}\r\n")
    };
    let own = addr.to_string();
    let json_type = "application/json";
    // A form or a text/plain fetch from another site (no preflight): not JSON.
    assert_eq!(raw_status(addr, &post(&own, Some("http://evil.example"), "text/plain"), &body).await, 403);
    assert_eq!(raw_status(addr, &post(&own, None, "text/plain"), &body).await, 415);
    assert_eq!(raw_status(addr, &post(&own, None, "application/x-www-form-urlencoded"), &body).await, 415);
    // JSON from a page of another origin.
    assert_eq!(raw_status(addr, &post(&own, Some("http://evil.example"), json_type), &body).await, 403);
    assert_eq!(raw_status(addr, &post(&own, Some("null"), json_type), &body).await, 403);
    // DNS rebinding: the attacker's name resolves to this server, so Host
    // and Origin agree with each other, but the server does not answer to it.
    let evil = format!("evil.example:{}", addr.port());
    let evil_origin = format!("http://{evil}");
    assert_eq!(raw_status(addr, &post(&evil, Some(&evil_origin), json_type), &body).await, 421);
    let page = format!("GET / HTTP/1.1\r\nHost: {evil}\r\n");
    assert_eq!(raw_status(addr, &page, "").await, 421, "pages too");
    let ws = format!(
        "GET /ws HTTP/1.1\r\nHost: {evil}\r\nOrigin: {evil_origin}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    );
    assert_eq!(raw_status(addr, &ws, "").await, 421, "the WebSocket too");
    let probe = format!("GET /healthz HTTP/1.1\r\nHost: 10.0.0.7:{}\r\n", addr.port());
    assert_eq!(raw_status(addr, &probe, "").await, 200, "health probes ask by address");
    // The server's own origin, by address or by a configured name.
    let own_origin = format!("http://{own}");
    assert_eq!(raw_status(addr, &post(&own, Some(&own_origin), json_type), &body).await, 201);
    assert_eq!(raw_status(addr, &post(&own, None, "application/json; charset=utf-8"), &body).await, 201);
    let named = format!("drills.example.com:{}", addr.port());
    let named_origin = format!("https://{named}");
    assert_eq!(raw_status(addr, &post(&named, Some(&named_origin), json_type), &body).await, 201);
    let localhost = format!("localhost:{}", addr.port());
    let origin = format!("http://{localhost}");
    assert_eq!(raw_status(addr, &post(&localhost, Some(&origin), json_type), &body).await, 201);
    // A matching name that is not configured is refused even for GET.
    assert_eq!(raw_status(addr, "GET /api/scenarios HTTP/1.1\r\nHost: drills.example.org\r\n", "").await, 421);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drill_creation_is_limited_per_address_and_empty_lobbies_count_apart() {
    use firedrill::limits::{DRILL_CREATES_PER_ADDRESS_MAX, LOBBY_DRILLS_PER_SERVER_MAX};
    let config = firedrill::net::Config {
        trust_forwarded_for: true,
        admin_token: Some(ADMIN_TOKEN.into()),
        ..Default::default()
    };
    let server = TestServer::start_with(config).await;
    let addr = server.addr;
    let body = json!({"scenario": "lunch-peak-pos-outage", "name": "Flood"}).to_string();
    let create = |from: String, auth: Option<String>| {
        let body = body.clone();
        async move {
            let mut headers = vec![("X-Forwarded-For", from.as_str())];
            if let Some(a) = &auth {
                headers.push(("Authorization", a.as_str()));
            }
            http_with(addr, "POST", "/api/drills", Some(&body), &headers).await.0
        }
    };
    // One address: a burst, then 429.
    let mut codes = Vec::new();
    for _ in 0..DRILL_CREATES_PER_ADDRESS_MAX {
        let (status, v) = create("198.51.100.1".into(), None).await;
        assert_eq!(status, 201, "{v}");
        codes.push(v["join_code"].as_str().unwrap_or_default().to_string());
    }
    let (status, v) = create("198.51.100.1".into(), None).await;
    assert_eq!((status, v["error"].as_str()), (429, Some("too_many")), "{v}");
    // IPv6 counts by its /64.
    for i in 0..DRILL_CREATES_PER_ADDRESS_MAX {
        assert_eq!(create(format!("2001:db8:1:2::{i:x}"), None).await.0, 201);
    }
    assert_eq!(create("2001:db8:1:2:ffff::1".into(), None).await.0, 429, "the same /64");
    // Many addresses fill the lobbies, never the slots of drills people play.
    let mut n = 2 * DRILL_CREATES_PER_ADDRESS_MAX as usize;
    while n < LOBBY_DRILLS_PER_SERVER_MAX {
        assert_eq!(create(format!("192.0.2.{n}"), None).await.0, 201);
        n += 1;
    }
    let (status, v) = create("192.0.2.250".into(), None).await;
    assert_eq!((status, v["error"].as_str()), (503, Some("full")), "{v}");
    assert!(v["message"].as_str().unwrap_or_default().contains("waiting"), "{v}");
    // Someone joins one: it is a drill now, and a lobby is free again.
    join(addr, &codes[0], "Kenji", "incident_owner").await;
    assert_eq!(create("192.0.2.251".into(), None).await.0, 201);
    // The operator is not limited per address.
    let admin = Some(format!("Bearer {ADMIN_TOKEN}"));
    join(addr, &codes[1], "Mai", "engineer").await;
    assert_eq!(create("198.51.100.1".into(), admin).await.0, 201);
}

#[tokio::test]
async fn an_operator_may_require_a_creation_token() {
    let token = "creation-token-0123456789abcdef-0123456789";
    let config = firedrill::net::Config {
        create_token: Some(token.into()),
        admin_token: Some(ADMIN_TOKEN.into()),
        ..Default::default()
    };
    let server = TestServer::start_with(config).await;
    let body = json!({"scenario": "lunch-peak-pos-outage", "name": "Aiko"}).to_string();
    let post = |path: &'static str, auth: Option<String>| {
        let body = body.clone();
        async move {
            let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
            http_with(server.addr, "POST", path, Some(&body), &headers).await.0
        }
    };
    let (status, v) = post("/api/drills", None).await;
    assert_eq!((status, v["error"].as_str()), (401, Some("bad_token")), "{v}");
    assert_eq!(post("/api/drills", Some("Bearer wrong".into())).await.0, 403);
    assert_eq!(post("/api/practice", None).await.0, 401, "practice drills too");
    assert_eq!(post("/api/drills", Some(format!("Bearer {token}"))).await.0, 201);
    assert_eq!(post("/api/drills", Some(format!("Bearer {ADMIN_TOKEN}"))).await.0, 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_handshakes_are_answered_and_shutdown_says_going_away() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, _) = create_drill(addr, "lunch-peak-pos-outage").await;
    // The client closes first: the server answers with the same close.
    let token = join(addr, &code, "Kenji", "engineer").await;
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await.expect("connect");
    let mut ws = ws;
    ws.send(Message::Text(json!({"type": "hello", "v": 1, "token": token}).to_string().into())).await.expect("hello");
    let welcome = ws.next().await;
    assert!(matches!(welcome, Some(Ok(Message::Text(_)))), "{welcome:?}");
    ws.send(Message::Close(None)).await.expect("close");
    let mut answered = false;
    while let Ok(Some(m)) = tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
        match m {
            Ok(Message::Close(_)) => answered = true,
            Ok(_) => continue,
            Err(_) => break,
        }
    }
    assert!(answered, "the server answered the client's close frame");

    // The server shuts down: every connection hears 1001 first.
    let token = join(addr, &code, "Mai", "engineer").await;
    let (mut c, _) = Client::connect(addr, &token, None).await;
    drop(server);
    let mut code = None;
    for _ in 0..1_000 {
        let m = c.next_raw().await;
        if m["type"] == "closed" {
            code = Some(m["code"].clone());
            break;
        }
    }
    assert_eq!(code, Some(json!(1001)), "going away on shutdown");
}

#[tokio::test]
async fn a_huge_content_length_is_refused_before_the_body() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = TestServer::start().await;
    let mut s = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    let head = format!(
        "POST /api/drills HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n{{",
        server.addr
    );
    s.write_all(head.as_bytes()).await.expect("write");
    // Only the head was sent: the answer comes without waiting for a body.
    let mut buf = vec![0u8; 4096];
    let n =
        tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await.expect("answered at once").expect("read");
    let text = String::from_utf8_lossy(&buf[..n]).to_string();
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("too_large"), "{text}");
}

/// The state of the server's side of a loopback TCP connection, from
/// `/proc/net/tcp` (`1` is ESTABLISHED); `None` once it has none.
fn server_socket_state(server_port: u16, client_port: u16) -> Option<u8> {
    let text = std::fs::read_to_string("/proc/net/tcp").ok()?;
    let port = |s: &str| s.rsplit(':').next().and_then(|p| u16::from_str_radix(p, 16).ok());
    text.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        (f.len() > 3 && port(f[1]) == Some(server_port) && port(f[2]) == Some(client_port))
            .then(|| u8::from_str_radix(f[3], 16).ok())
            .flatten()
    })
}

/// A TCP connection to `addr` from another loopback address (127.0.0.2),
/// as a client elsewhere would have.
async fn connect_from_elsewhere(addr: std::net::SocketAddr) -> tokio::net::TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind("127.0.0.2:0".parse().expect("addr")).expect("bind 127.0.0.2");
    socket.connect(addr).await.expect("connect")
}

/// Joins `code` from 127.0.0.2 and opens its WebSocket up to the welcome;
/// returns how long that took.
async fn timed_join_from_elsewhere(addr: std::net::SocketAddr, code: &str, name: &str) -> Duration {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    #[expect(clippy::disallowed_methods, reason = "measuring real latency")]
    let t0 = std::time::Instant::now();
    let body = json!({"code": code, "name": name, "role": "engineer"}).to_string();
    let mut s = connect_from_elsewhere(addr).await;
    let req = format!(
        "POST /api/join HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut buf)).await.expect("join answered").expect("read");
    let text = String::from_utf8_lossy(&buf).to_string();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    let v: Value = serde_json::from_str(text.split_once("\r\n\r\n").map(|p| p.1).unwrap_or("")).expect("json");
    let token = v["token"].as_str().expect("token").to_string();
    let stream = connect_from_elsewhere(addr).await;
    let (mut ws, _) = tokio_tungstenite::client_async(format!("ws://{addr}/ws"), stream).await.expect("upgrade");
    ws.send(Message::Text(json!({"type": "hello", "v": 1, "token": token}).to_string().into())).await.expect("hello");
    let welcome = tokio::time::timeout(Duration::from_secs(20), ws.next()).await.expect("welcome in time");
    let Some(Ok(Message::Text(t))) = welcome else { panic!("no welcome: {welcome:?}") };
    assert!(t.contains("\"welcome\""), "{t}");
    t0.elapsed()
}

/// Waits until every socket sees its end (the server closed it); returns
/// how long that took, or panics after `bound`.
async fn all_closed<S: tokio::io::AsyncRead + Unpin>(sockets: Vec<S>, bound: Duration) -> Duration {
    use tokio::io::AsyncReadExt;
    #[expect(clippy::disallowed_methods, reason = "measuring real time")]
    let t0 = std::time::Instant::now();
    let waits = sockets.into_iter().map(|mut s| async move {
        let mut buf = [0u8; 4096];
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    });
    tokio::time::timeout(bound, futures_util::future::join_all(waits))
        .await
        .unwrap_or_else(|_| panic!("sockets were still open after {bound:?}"));
    t0.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sockets_that_dribble_headers_or_send_nothing_are_dropped_while_others_join() {
    use firedrill::limits::{HTTP_HEADER_READ_TIMEOUT_MS, WAITING_CONNECTIONS_PER_ADDRESS_MAX};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A server process of its own: its file descriptors and metrics are
    // this test's alone.
    let data = firedrill_tests::temp_dir("slowloris");
    let server = firedrill_tests::ServerProcess::start(&data, firedrill_tests::free_port()).await;
    let addr = server.addr;
    let (_, code, _) = create_drill(addr, "lunch-peak-pos-outage").await;
    let quiet = timed_join_from_elsewhere(addr, &code, "Before").await;
    let bound = Duration::from_millis(HTTP_HEADER_READ_TIMEOUT_MS + 10_000);

    // Slowloris: 300 sockets send a request line, then a header byte by
    // byte, never the blank line.
    #[expect(clippy::disallowed_methods, reason = "measuring real time")]
    let t0 = std::time::Instant::now();
    let (mut readers, mut writers) = (Vec::new(), Vec::new());
    for _ in 0..300 {
        let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
        s.write_all(format!("GET /api/scenarios HTTP/1.1\r\nHost: {addr}\r\n").as_bytes()).await.expect("write");
        let (r, w) = s.into_split();
        readers.push(r);
        writers.push(w);
    }
    // One byte per socket per second, for longer than the test waits for
    // them to be closed (a socket whose writer stops would close by itself).
    let dribbling = tokio::spawn(async move {
        for _ in 0..(bound.as_secs() + 10) {
            for w in writers.iter_mut() {
                let _ = w.write_all(b"X").await;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
    tokio::time::sleep(Duration::from_secs(2)).await;
    let during_slowloris = timed_join_from_elsewhere(addr, &code, "During slowloris").await;
    all_closed(readers, bound).await;
    let slowloris_closed = t0.elapsed();
    dribbling.abort();

    // An idle flood: 5,000 connections that never send a byte. Those over
    // the per-address cap are closed at once, the rest after the timeout.
    #[expect(clippy::disallowed_methods, reason = "measuring real time")]
    let t0 = std::time::Instant::now();
    let mut idle = Vec::new();
    for _ in 0..5_000 {
        idle.push(tokio::net::TcpStream::connect(addr).await.expect("connect"));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let during_idle = timed_join_from_elsewhere(addr, &code, "During idle flood").await;
    // Which were closed at once: all looked at together, in 200 ms.
    let looks = idle.into_iter().map(|mut s| async move {
        let mut b = [0u8; 1];
        let closed =
            matches!(tokio::time::timeout(Duration::from_millis(200), s.read(&mut b)).await, Ok(Ok(0) | Err(_)));
        (closed, s)
    });
    let (closed, open): (Vec<_>, Vec<_>) = futures_util::future::join_all(looks).await.into_iter().partition(|c| c.0);
    let refused = closed.len();
    let held: Vec<_> = open.into_iter().map(|c| c.1).collect();
    assert_eq!(held.len(), WAITING_CONNECTIONS_PER_ADDRESS_MAX, "one address holds at most its cap");
    all_closed(held, bound).await;
    let idle_closed = t0.elapsed();
    eprintln!(
        "join time: quiet {quiet:?}, during slowloris (300) {during_slowloris:?}, during idle flood (5000) {during_idle:?}; \
         slowloris all closed {slowloris_closed:?} after it began, idle flood all closed {idle_closed:?} after it began, \
         {refused} idle connections refused at once"
    );
    for (what, t) in [("slowloris", during_slowloris), ("idle flood", during_idle)] {
        assert!(t < Duration::from_secs(2), "a join during the {what} took {t:?}");
    }
    assert!(slowloris_closed < bound && idle_closed < bound, "{slowloris_closed:?} {idle_closed:?}");
    // The server is itself again.
    timed_join_from_elsewhere(addr, &code, "After").await;
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_is_closed_and_only_it_counts_as_a_slow_drop() {
    use firedrill::limits::WS_WRITE_TIMEOUT_MS;
    let data = firedrill_tests::temp_dir("never-reads");
    let server = firedrill_tests::ServerProcess::start(&data, firedrill_tests::free_port()).await;
    let addr = server.addr;
    let drops = || metric(addr, "firedrill_slow_consumer_drops_total");
    let (_, code, _) = create_drill(addr, "lunch-peak-pos-outage").await;
    let mut chatters = Vec::new();
    for i in 0..10 {
        let t = join(addr, &code, &format!("Chatter {i}"), "incident_owner").await;
        chatters.push(Client::connect(addr, &t, None).await.0);
    }
    // Thirty clients that simply go away (no close frame) while the
    // channel is busy: gone, not slow.
    let mut leavers = Vec::new();
    for i in 0..30 {
        let t = join(addr, &code, &format!("Leaver {i}"), "engineer").await;
        leavers.push(Client::connect(addr, &t, None).await.0);
    }
    for round in 0..20 {
        if round % 2 == 0 {
            leavers.truncate(leavers.len().saturating_sub(3));
        }
        for c in chatters.iter_mut() {
            c.ok(json!({"type": "chat", "channel": "ops", "text": format!("round {round}")})).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(drops().await, 0, "connections that closed are not slow consumers");

    // Three clients that never read, with tiny receive buffers.
    let mut stuck = Vec::new();
    for i in 0..3 {
        let token = join(addr, &code, &format!("Stuck {i}"), "engineer").await;
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.set_recv_buffer_size(4096).expect("rcvbuf");
        let stream = socket.connect(addr).await.expect("connect");
        let port = stream.local_addr().expect("local").port();
        let (mut ws, _) = tokio_tungstenite::client_async(format!("ws://{addr}/ws"), stream).await.expect("upgrade");
        ws.send(Message::Text(json!({"type": "hello", "v": 1, "token": token}).to_string().into()))
            .await
            .expect("hello");
        stuck.push((port, ws));
    }
    let text = "z".repeat(1_900);
    for _ in 0..300 {
        for c in chatters.iter_mut() {
            c.cmd(json!({"type": "chat", "channel": "ops", "text": text})).await;
            c.drain().await;
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
        if drops().await >= 3 {
            break;
        }
    }
    assert_eq!(drops().await, 3, "exactly the three that stopped reading");
    // Each is really closed on the server's side, within the write timeout
    // and the close wait, though the client still reads nothing.
    let ports: Vec<u16> = stuck.iter().map(|s| s.0).collect();
    let mut open = ports.clone();
    for _ in 0..(WS_WRITE_TIMEOUT_MS / 500 + 40) {
        open.retain(|p| server_socket_state(addr.port(), *p) == Some(1));
        if open.is_empty() {
            break;
        }
        for c in chatters.iter_mut() {
            c.drain().await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(open.is_empty(), "the server still holds the connections from ports {open:?} of {ports:?}");
    drop(stuck);
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test]
async fn unit_commands_with_unknown_fields_are_refused_on_the_wire() {
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let owner = join(addr, &code, "Kenji", "incident_owner").await;
    let (mut owner, _) = Client::connect(addr, &owner, None).await;
    for (facilitator, cmd) in [
        (true, json!({"type": "start", "speed": 120})),
        (true, json!({"type": "pause", "until": 5})),
        (false, json!({"type": "declare", "severity": "sev1"})),
    ] {
        let client = if facilitator { &mut fac } else { &mut owner };
        client.send(&json!({"type": "cmd", "cid": 1, "cmd": cmd})).await;
        let reply = client.wait_for("a reply", |m| m["type"] == "error" || m["type"] == "ack").await;
        assert_eq!(reply["code"], "bad_message", "{cmd} was not refused: {reply}");
        assert!(reply.get("cid").is_none(), "{reply}");
    }
    // Nothing happened: the drill is still in its lobby, and the same
    // commands without the extra field work.
    fac.ok(json!({"type": "start"})).await;
    owner.ok(json!({"type": "declare"})).await;
    fac.ok(json!({"type": "pause"})).await;
}

#[tokio::test]
async fn a_huge_cid_is_refused_and_cannot_lock_a_seat() {
    use firedrill::limits::CID_STEP_MAX;
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, _) = create_drill(addr, "lunch-peak-pos-outage").await;
    let token = join(addr, &code, "Kenji", "engineer").await;
    let (mut c, _) = Client::connect(addr, &token, None).await;
    let chat = |text: &str| json!({"type": "chat", "channel": "ops", "text": text});
    for cid in [u64::MAX, (1 << 53), CID_STEP_MAX + 1] {
        c.cid = cid - 1;
        assert_eq!(c.refused(chat("locked?")).await, "invalid_value", "cid {cid}");
    }
    // The seat still numbers from where it was: cid 1 is a new command,
    // applied, not an old one acknowledged.
    c.cid = 0;
    c.ok(chat("still mine")).await;
    c.wait_for("my post", |m| m["event"]["post"]["body"]["text"] == "still mine").await;
    // A leap of exactly the step is allowed.
    c.cid = CID_STEP_MAX;
    c.ok(chat("a leap")).await;
    // After a reconnect the seat carries on above it.
    drop(c);
    let (c2, welcome) = Client::connect(addr, &token, None).await;
    assert_eq!(welcome["last_cid"], json!(CID_STEP_MAX + 1));
    let mut c2 = c2;
    c2.ok(chat("after")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_token_on_ten_connections_writes_within_one_seat_budget() {
    use firedrill::limits::{SEAT_WRITE_BYTES_BURST_MAX, SEAT_WRITE_BYTES_PER_S_MAX};
    let server = TestServer::start().await;
    let addr = server.addr;
    let (_, code, _) = create_drill(addr, "lunch-peak-pos-outage").await;
    let token = join(addr, &code, "Flood", "engineer").await;
    let mut conns = Vec::new();
    for _ in 0..10 {
        conns.push(Client::connect(addr, &token, None).await.0);
    }
    // Each connection sends a burst its own rate limit allows (30 messages
    // of ~1.9 KB): 570 KB in all, more than the seat's budget.
    let text = "w".repeat(1_900);
    #[expect(clippy::disallowed_methods, reason = "measuring real time")]
    let t0 = std::time::Instant::now();
    let mut next_cid = 0u64;
    for c in conns.iter_mut() {
        for _ in 0..30 {
            next_cid += 1;
            c.cid = next_cid - 1;
            c.cmd(json!({"type": "chat", "channel": "ops", "text": text})).await;
        }
    }
    let (mut acked, mut full) = (0usize, 0usize);
    for c in conns.iter_mut() {
        for _ in 0..30 {
            let m = c.wait_for("a reply", |m| m["type"] == "ack" || m["type"] == "error").await;
            match (m["type"].as_str(), m["code"].as_str()) {
                (Some("ack"), _) => acked += 1,
                (_, Some("full")) => full += 1,
                _ => panic!("unexpected reply {m}"),
            }
        }
    }
    let elapsed = t0.elapsed().as_secs_f64();
    let per_cmd = json!({"type": "cmd", "cid": next_cid, "cmd": {"type": "chat", "channel": "ops", "text": text}})
        .to_string()
        .len() as f64;
    let allowed = (SEAT_WRITE_BYTES_BURST_MAX as f64 + elapsed * SEAT_WRITE_BYTES_PER_S_MAX as f64) / per_cmd;
    assert!(full > 0, "the seat's budget never ran out ({acked} acked)");
    assert!((acked as f64) <= allowed + 1.0, "{acked} commands acked, at most {allowed:.0} allowed");
    // Another seat is not affected, and the budget refills.
    let other = join(addr, &code, "Calm", "engineer").await;
    let (mut calm, _) = Client::connect(addr, &other, None).await;
    calm.ok(json!({"type": "chat", "channel": "ops", "text": text})).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let c = &mut conns[0];
    c.cid = next_cid;
    c.ok(json!({"type": "chat", "channel": "ops", "text": "refilled"})).await;
}

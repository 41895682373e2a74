//! After a drill, who may read what follows the audiences of the drill
//! itself: its facilitators and the server's operator everything, an
//! internal seat what internal seats saw, an outside actor what outside
//! actors saw, anyone else only the public status page.

use firedrill_tests::{ADMIN_TOKEN, Client, ServerProcess, create_drill, free_port, http_with, join, temp_dir};
use serde_json::{Value, json};

const INTERNAL: &str = "war room only: rollback at 12:05";
const PRIVATE: &str = "facilitators only: inject the Kansai call next";
const PUBLIC: &str = "our card reader is broken again";

async fn get(addr: std::net::SocketAddr, path: &str, token: Option<&str>) -> (u16, Value) {
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
    http_with(addr, "GET", path, None, &headers).await.0
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().map(|l| l.iter().filter_map(|d| d["id"].as_str().map(String::from)).collect()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_drill_each_reads_what_their_seat_saw_and_nobody_else_reads_anything() {
    let data = temp_dir("access");
    let server = ServerProcess::start(&data, free_port()).await;
    let addr = server.addr;
    let (drill, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let owner_token = join(addr, &code, "Kenji", "incident_owner").await;
    let store_token = join(addr, &code, "Ramen shop", "store_actor").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let (mut owner, _) = Client::connect(addr, &owner_token, None).await;
    let (mut store, _) = Client::connect(addr, &store_token, None).await;
    fac.ok(json!({"type": "set_speed", "speed": 120})).await;
    fac.ok(json!({"type": "start"})).await;
    owner.wait_for("an alert", |m| m["event"]["post"]["body"]["alert"] == true).await;
    owner.ok(json!({"type": "declare"})).await;
    owner.ok(json!({"type": "chat", "channel": "incident-war-room", "text": INTERNAL})).await;
    let notice = "Card payments fail in Kanto; cash works.";
    owner.ok(json!({"type": "publish_notice", "status": "partial_outage", "text": notice})).await;
    fac.ok(json!({"type": "chat", "channel": "facilitators", "text": PRIVATE})).await;
    store.ok(json!({"type": "chat", "channel": "social", "text": PUBLIC})).await;
    fac.ok(json!({"type": "end"})).await;
    fac.event("ended").await;

    // Someone else's drill, whose facilitator is a stranger to this one.
    let (other, _, other_fac) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut o, _) = Client::connect(addr, &other_fac, None).await;
    o.ok(json!({"type": "end"})).await;
    o.event("ended").await;

    // The history lists what the caller may read.
    assert_eq!(get(addr, "/api/history", None).await, (200, json!([])), "anonymous: nothing");
    for t in [&fac_token, &owner_token, &store_token] {
        let (status, list) = get(addr, "/api/history", Some(t)).await;
        assert_eq!((status, ids(&list)), (200, vec![drill.clone()]), "a seat lists its own drill only");
    }
    let (_, list) = get(addr, "/api/history", Some(&other_fac)).await;
    assert_eq!(ids(&list), vec![other.clone()]);
    let (_, list) = get(addr, "/api/history", Some(&format!("{owner_token},{other_fac}"))).await;
    assert_eq!(ids(&list).len(), 2, "a browser lists every drill it holds a seat in: {list}");
    let (_, list) = get(addr, "/api/history", Some(ADMIN_TOKEN)).await;
    assert!(ids(&list).contains(&drill) && ids(&list).contains(&other), "the operator lists all: {list}");
    let many = vec!["f"; firedrill::limits::BEARER_TOKENS_MAX + 1].join(",");
    assert_eq!(get(addr, "/api/history", Some(&many)).await.0, 401, "too many tokens");

    // Anonymous callers and strangers read nothing but the status page.
    let item = format!("/api/history/{drill}");
    let paths = [
        item.clone(),
        format!("{item}/review"),
        format!("{item}/review?format=md"),
        format!("{item}/replay?tick=0"),
        format!("{item}/export"),
    ];
    for p in &paths {
        assert_eq!(get(addr, p, None).await.0, 401, "anonymous {p}");
        assert_eq!(get(addr, p, Some(&other_fac)).await.0, 403, "another drill's facilitator {p}");
    }
    assert_eq!(get(addr, &format!("/api/drills/{drill}/status"), None).await.0, 200, "the status page is public");

    // The review, as each reader may read it, in every format.
    let review = |t: &str, f: &str| {
        let path = format!("{item}/review?format={f}");
        let t = t.to_string();
        let json = f == "json";
        async move {
            let (status, v) = get(addr, &path, Some(&t)).await;
            assert_eq!(status, 200, "{path}: {v}");
            if json { v.to_string() } else { v.as_str().unwrap_or_default().to_string() }
        }
    };
    for f in ["json", "md", "html", "csv"] {
        // How a fault of the answer key shows in each format.
        let key = if f == "json" { "\"fault_started\"" } else { " active: " };
        let all = review(&fac_token, f).await;
        assert!(all.contains(INTERNAL) && all.contains(PRIVATE) && all.contains(PUBLIC), "{f} for facilitators");
        assert!(all.contains(key), "{f}: the answer key for facilitators");
        assert_eq!(review(ADMIN_TOKEN, f).await, all, "{f}: the operator reads what facilitators read");
        let inside = review(&owner_token, f).await;
        assert!(inside.contains(INTERNAL) && inside.contains(PUBLIC), "{f} for an internal seat");
        assert!(!inside.contains(PRIVATE), "{f}: never #facilitators for an internal seat");
        assert!(!inside.contains(key), "{f}: no answer key for an internal seat");
        let outside = review(&store_token, f).await;
        assert!(outside.contains(PUBLIC), "{f} for an outside actor");
        assert!(!outside.contains(INTERNAL) && !outside.contains(PRIVATE), "{f}: nothing internal outside");
        assert!(!outside.contains(key), "{f}: no answer key outside");
        assert!(outside.contains(notice), "{f}: the notice outside");
    }
    let (_, outside) = get(addr, &format!("{item}/review"), Some(&store_token)).await;
    let kinds: Vec<&str> =
        outside["timeline"].as_array().into_iter().flatten().filter_map(|e| e["what"]["kind"].as_str()).collect();
    assert!(kinds.iter().all(|k| ["notice", "message", "ended"].contains(k)), "outside actors' timeline: {kinds:?}");
    // The notice is there as outside actors got it: the company's, signed by
    // nobody inside (the timeline and the chart's marks alike).
    let notices: Vec<&Value> =
        outside["timeline"].as_array().into_iter().flatten().filter(|e| e["what"]["kind"] == "notice").collect();
    assert!(!notices.is_empty() && notices.iter().all(|e| e["who"] == "" && e["role"].is_null()), "{notices:?}");
    let marks = outside["chart"]["marks"].as_array().cloned().unwrap_or_default();
    assert!(marks.iter().filter(|m| m["kind"] == "notice").all(|m| m["who"] == ""), "{marks:?}");
    let (_, inside) = get(addr, &format!("{item}/review"), Some(&owner_token)).await;
    assert!(
        inside["timeline"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["what"]["kind"] == "notice" && e["who"] == "Kenji")
    );

    // The replay, as each seat saw the drill.
    let at_end = format!("{item}/replay?tick=100000");
    let channels = |v: &Value| -> Vec<String> {
        v["snapshot"]["channels"]
            .as_array()
            .map(|c| c.iter().filter_map(|c| c["channel"].as_str().map(String::from)).collect())
            .unwrap_or_default()
    };
    let (_, f) = get(addr, &at_end, Some(&fac_token)).await;
    assert!(f["snapshot"]["answer_key"].as_array().is_some_and(|k| !k.is_empty()), "{f}");
    let (_, i) = get(addr, &at_end, Some(&owner_token)).await;
    assert_eq!(i["snapshot"]["answer_key"], Value::Null);
    assert!(channels(&i).contains(&"incident-war-room".to_string()) && !channels(&i).contains(&"facilitators".into()));
    let (_, s) = get(addr, &at_end, Some(&store_token)).await;
    assert_eq!(s["snapshot"]["answer_key"], Value::Null);
    assert_eq!(channels(&s), vec!["social".to_string()], "{s}");

    // Export and delete stay with the facilitators (and the operator).
    assert_eq!(get(addr, &format!("{item}/export"), Some(&owner_token)).await.0, 403);
    assert_eq!(get(addr, &format!("{item}/export"), Some(ADMIN_TOKEN)).await.0, 200);
    let del = |t: &str| {
        let auth = format!("Bearer {t}");
        let path = item.clone();
        async move { http_with(addr, "DELETE", &path, None, &[("Authorization", auth.as_str())]).await.0.0 }
    };
    assert_eq!(del(&store_token).await, 403);
    assert_eq!(del(&other_fac).await, 403);
    assert_eq!(del(ADMIN_TOKEN).await, 204);
    assert_eq!(get(addr, &item, Some(&fac_token)).await.0, 404, "gone");
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_drill_closes_its_connections_first() {
    let data = temp_dir("delete-close");
    let server = ServerProcess::start(&data, free_port()).await;
    let addr = server.addr;
    let (drill, _, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    fac.ok(json!({"type": "end"})).await;
    fac.event("ended").await;
    let (mut watcher, _) = Client::connect(addr, &fac_token, None).await;
    let auth = format!("Bearer {fac_token}");
    let ((status, _), _) =
        http_with(addr, "DELETE", &format!("/api/history/{drill}"), None, &[("Authorization", auth.as_str())]).await;
    assert_eq!(status, 204);
    for c in [&mut fac, &mut watcher] {
        let mut closed = Value::Null;
        for _ in 0..1_000 {
            let m = c.next_raw().await;
            if m["type"] == "closed" {
                closed = m;
                break;
            }
        }
        assert_eq!(closed["code"], 1001, "{closed}");
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_drill_leaves_no_text_in_the_database_files() {
    let data = temp_dir("secure-delete");
    let server = ServerProcess::start(&data, free_port()).await;
    let addr = server.addr;
    let secret = "the merger with Kitsune Foods closes on Friday";
    let (drill, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let owner = join(addr, &code, "Kenji", "incident_owner").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let (mut o, _) = Client::connect(addr, &owner, None).await;
    fac.ok(json!({"type": "start"})).await;
    for _ in 0..20 {
        o.ok(json!({"type": "chat", "channel": "ops", "text": secret})).await;
    }
    fac.ok(json!({"type": "end"})).await;
    fac.event("ended").await;
    // Another drill keeps the database busy beside it.
    let (_, _, other) = create_drill(addr, "lunch-peak-pos-outage").await;
    let (mut keep, _) = Client::connect(addr, &other, None).await;
    keep.ok(json!({"type": "chat", "channel": "facilitators", "text": "still here"})).await;
    let files = || {
        let mut all = Vec::new();
        for e in std::fs::read_dir(&data).expect("data dir").flatten() {
            all.extend(std::fs::read(e.path()).unwrap_or_default());
        }
        all
    };
    let holds = |bytes: &[u8], text: &str| bytes.windows(text.len()).any(|w| w == text.as_bytes());
    assert!(holds(&files(), secret), "the text is stored while the drill exists");
    let auth = format!("Bearer {fac_token}");
    let ((status, _), _) =
        http_with(addr, "DELETE", &format!("/api/history/{drill}"), None, &[("Authorization", auth.as_str())]).await;
    assert_eq!(status, 204);
    let after = files();
    assert!(!holds(&after, secret), "deleted text is still readable in the database files");
    assert!(!holds(&after, &fac_token_hash(&fac_token)), "nor the seats' token hashes");
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
}

fn fac_token_hash(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_never_reach_the_exports() {
    let data = temp_dir("control");
    let server = ServerProcess::start(&data, free_port()).await;
    let addr = server.addr;
    let (drill, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let owner = join(addr, &code, "Kenji", "incident_owner").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let (mut o, _) = Client::connect(addr, &owner, None).await;
    fac.ok(json!({"type": "start"})).await;
    o.ok(json!({"type": "chat", "channel": "ops", "text": "clear \u{1b}[2J\u{1b}]0;owned\u{7} bell"})).await;
    fac.ok(json!({"type": "end"})).await;
    fac.event("ended").await;
    for f in ["md", "html", "csv"] {
        let (status, body) = get(addr, &format!("/api/history/{drill}/review?format={f}"), Some(&fac_token)).await;
        assert_eq!(status, 200);
        let text = body.as_str().unwrap_or_default();
        assert!(text.contains("bell"), "{f}: the message is there");
        assert!(!text.chars().any(|c| c == '\u{1b}' || c == '\u{7}'), "{f}: a raw control character");
    }
    // The command line prints the same Markdown to a terminal.
    drop(server);
    let out = std::process::Command::new(firedrill_tests::firedrill_bin())
        .args(["review", &drill, "--format", "md", "--data"])
        .arg(&data)
        .output()
        .expect("review runs");
    assert!(out.status.success());
    assert!(!out.stdout.iter().any(|b| *b == 0x1b || *b == 0x07), "no ESC or BEL on stdout");
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn a_data_directory_the_server_cannot_write_is_refused_at_start() {
    let dir = temp_dir("unusable");
    let file = dir.join("not-a-directory");
    std::fs::write(&file, b"x").expect("file");
    let out = std::process::Command::new(firedrill_tests::firedrill_bin())
        .args(["serve", "--addr", "127.0.0.1:0", "--data"])
        .arg(file.join("data"))
        .output()
        .expect("firedrill runs");
    assert!(!out.status.success(), "it must not start");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("data directory") && err.contains("not usable"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Who may call each HTTP endpoint, once a drill has ended: the status for
/// each caller, in the order of `CALLERS`. Every endpoint `docs/protocol.md`
/// documents must be here, and nothing else: a new endpoint cannot be
/// added without deciding who may call it.
const CALLERS: [&str; 6] =
    ["anonymous", "outside actor", "internal participant", "other drill's facilitator", "facilitator", "admin"];

#[rustfmt::skip]
const WALK: &[(&str, &str, [u16; 6])] = &[
    ("GET", "/healthz",                         [200, 200, 200, 200, 200, 200]),
    ("GET", "/metrics",                         [401, 403, 403, 403, 403, 200]),
    ("GET", "/api/scenarios",                   [200, 200, 200, 200, 200, 200]),
    ("POST", "/api/drills",                     [201, 201, 201, 201, 201, 201]),
    ("POST", "/api/join",                       [410, 410, 410, 410, 410, 410]),
    ("POST", "/api/join/check",                 [410, 410, 410, 410, 410, 410]),
    ("POST", "/api/practice",                   [201, 201, 201, 201, 201, 201]),
    ("GET", "/api/drills/{id}/status",          [200, 200, 200, 200, 200, 200]),
    ("GET", "/api/history",                     [200, 200, 200, 200, 200, 200]),
    ("GET", "/api/history/{id}",                [401, 200, 200, 403, 200, 200]),
    ("GET", "/api/history/{id}/review",         [401, 200, 200, 403, 200, 200]),
    ("GET", "/api/history/{id}/replay",         [401, 200, 200, 403, 200, 200]),
    ("GET", "/api/history/{id}/export",         [401, 403, 403, 403, 200, 200]),
    ("DELETE", "/api/history/{id}",             [401, 403, 403, 403, 204, 404]),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_http_endpoint_answers_each_kind_of_caller_as_documented() {
    // The table and the protocol document list the same endpoints.
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md")).expect("docs");
    let http = doc.split("## HTTP API").nth(1).and_then(|s| s.split("\n## ").next()).unwrap_or_default();
    let mut documented: Vec<(String, String)> = Vec::new();
    for line in http.lines().filter(|l| l.starts_with("### `")) {
        for part in line.split('`').skip(1).step_by(2) {
            if let Some((m, p)) = part.split_once(' ') {
                documented.push((m.to_string(), p.to_string()));
            }
        }
    }
    let mut walked: Vec<(String, String)> = WALK.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
    documented.sort();
    walked.sort();
    assert_eq!(walked, documented, "every documented endpoint is walked, and only those");

    let data = temp_dir("walk");
    let server = ServerProcess::start(&data, free_port()).await;
    let addr = server.addr;
    let (drill, code, fac) = create_drill(addr, "lunch-peak-pos-outage").await;
    let outside = join(addr, &code, "Ramen shop", "store_actor").await;
    let internal = join(addr, &code, "Kenji", "incident_owner").await;
    let (other_drill, _, other) = create_drill(addr, "lunch-peak-pos-outage").await;
    for (t, _) in [(&fac, &drill), (&other, &other_drill)] {
        let (mut c, _) = Client::connect(addr, t, None).await;
        c.ok(json!({"type": "end"})).await;
        c.event("ended").await;
    }
    let tokens = [None, Some(outside), Some(internal), Some(other), Some(fac), Some(ADMIN_TOKEN.to_string())];
    let body = |path: &str| match path {
        "/api/drills" => Some(json!({"scenario": "lunch-peak-pos-outage", "name": "Walker"}).to_string()),
        "/api/practice" => Some(json!({"scenario": "lunch-peak-pos-outage", "name": "Walker"}).to_string()),
        "/api/join" => Some(json!({"code": code, "name": "Walker", "role": "engineer"}).to_string()),
        "/api/join/check" => Some(json!({"code": code}).to_string()),
        _ => None,
    };
    for (method, template, expected) in WALK {
        for (i, token) in tokens.iter().enumerate() {
            let path = template.replace("{id}", &drill);
            let path = if path.ends_with("/replay") { format!("{path}?tick=0") } else { path };
            let auth = token.as_ref().map(|t| format!("Bearer {t}"));
            let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("Authorization", a.as_str())).collect();
            let ((status, v), _) = http_with(addr, method, &path, body(template).as_deref(), &headers).await;
            assert_eq!(status, expected[i], "{method} {path} by {}: {v}", CALLERS[i]);
        }
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
}

//! The after-action review over HTTP and the command line: a short drill is
//! played over WebSocket, rated and ended; its review comes back in every
//! format with the right headers and content, and the CLI agrees.

use firedrill_tests::{Client, ServerProcess, create_drill, firedrill_bin, free_port, http_with, join, temp_dir};
use serde_json::{Value, json};

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_played_drill_has_a_review_in_every_format() {
    let data = temp_dir("review");
    let server = ServerProcess::start(&data, free_port()).await;
    let addr = server.addr;

    let (drill_id, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let owner_token = join(addr, &code, "Kenji", "incident_owner").await;
    let eng_token = join(addr, &code, "Mai", "engineer").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let (mut owner, _) = Client::connect(addr, &owner_token, None).await;
    let (mut eng, _) = Client::connect(addr, &eng_token, None).await;
    fac.ok(json!({"type": "set_speed", "speed": 60})).await;
    fac.ok(json!({"type": "start"})).await;
    owner.wait_for("an alert", |m| m["event"]["post"]["body"]["alert"] == true).await;
    owner.ok(json!({"type": "declare"})).await;
    owner
        .ok(json!({"type": "publish_notice", "status": "partial_outage", "text": "Card payments fail in Kanto."}))
        .await;
    owner
        .ok(json!({"type": "status_report", "affected": "Payments gateway", "scope": "Kanto stores; Kansai is fine",
            "impact": "Card payments fail", "actions": "Rolling back", "next_update_min": 10}))
        .await;
    eng.ok(json!({"type": "run_action", "action": "rollback-payments"})).await;
    eng.wait_for("the fix", |m| m["event"]["kind"] == "action_updated" && m["event"]["run"]["done"] == true).await;
    owner.ok(json!({"type": "set_phase", "phase": "resolved"})).await;
    // Ratings may come before and after the end; a participant may not rate.
    fac.ok(json!({"type": "rate_capability", "capability": "declaration", "rating": "M", "comment": "first"})).await;
    let refused = owner
        .refused(json!({"type": "rate_capability", "capability": "declaration", "rating": "P", "comment": ""}))
        .await;
    assert_eq!(refused, "forbidden");
    // While the drill runs, its review (which shows the answer key) is for
    // its facilitators alone, live; the replay opens at the end.
    let live = format!("/api/history/{drill_id}/review");
    let ((status, _), _) = http_with(addr, "GET", &live, None, &[]).await;
    assert_eq!(status, 401);
    let owner_auth = format!("Bearer {owner_token}");
    let ((status, _), _) = http_with(addr, "GET", &live, None, &[("Authorization", owner_auth.as_str())]).await;
    assert_eq!(status, 403);
    let fac_auth = format!("Bearer {fac_token}");
    let ((status, provisional), _) = http_with(addr, "GET", &live, None, &[("Authorization", fac_auth.as_str())]).await;
    assert_eq!(status, 200, "{provisional}");
    assert_eq!(provisional["ended"], false);
    let replay_path = format!("/api/history/{drill_id}/replay?tick=0");
    let ((status, _), _) = http_with(addr, "GET", &replay_path, None, &[]).await;
    assert_eq!(status, 401, "nobody unknown learns anything");
    let ((status, _), _) = http_with(addr, "GET", &replay_path, None, &[("Authorization", fac_auth.as_str())]).await;
    assert_eq!(status, 403, "the replay opens at the end");
    fac.ok(json!({"type": "end"})).await;
    let ended = fac.event("ended").await;
    let banner = ended["event"]["summary"].clone();
    fac.ok(json!({"type": "rate_capability", "capability": "declaration", "rating": "S", "comment": "<b>late</b>"}))
        .await;
    fac.ok(json!({"type": "add_improvement", "text": "Page the owner on the first alert", "owner": "SRE"})).await;
    let refused =
        fac.refused(json!({"type": "rate_capability", "capability": " ", "rating": "S", "comment": ""})).await;
    assert_eq!(refused, "invalid_value");

    let path = |f: &str| format!("/api/history/{drill_id}/review?format={f}");
    let fac = [("Authorization", fac_auth.as_str())];
    let ((status, review), head) = http_with(addr, "GET", &path("json"), None, &fac).await;
    assert_eq!(status, 200, "{review}");
    assert!(header(&head, "content-type").is_some_and(|v| v.starts_with("application/json")), "{head}");
    assert!(header(&head, "content-security-policy").is_some(), "security headers stay: {head}");
    assert_eq!(review["ended"], true);
    assert_eq!(review["drill"], drill_id.as_str());
    let objective = |key: &str| -> Value {
        review["objectives"].as_array().and_then(|o| o.iter().find(|o| o["key"] == key).cloned()).unwrap_or_default()
    };
    assert_eq!(objective("declare")["done_by"], "Kenji", "{review}");
    assert!(["met", "met_late"].contains(&objective("declare")["outcome"].as_str().unwrap_or("")));
    assert!(["met", "met_late"].contains(&objective("first_notice")["outcome"].as_str().unwrap_or("")));
    assert_eq!(objective("mitigate")["done_by"], "Mai", "{review}");
    assert_eq!(objective("premature_resolve")["outcome"], "met");
    assert_eq!(review["awareness"]["reports"][0]["accuracy_pct"], 100, "{}", review["awareness"]);
    let ratings = review["ratings"].as_array().cloned().unwrap_or_default();
    assert_eq!(ratings.len(), 1, "a later rating replaces the earlier one: {ratings:?}");
    assert_eq!(ratings[0]["rating"], "S");
    assert_eq!(review["improvements"][0]["owner"], "SRE");
    let out = &review["outcome"];
    assert!(out["no_response"]["lost_revenue_yen"].as_u64() >= out["perfect"]["lost_revenue_yen"].as_u64(), "{out}");
    assert!(review["chart"]["minutes"].as_array().is_some_and(|m| !m.is_empty()));
    assert!(review["scores"]["people"].as_array().is_some_and(|p| p.iter().any(|p| p["name"] == "Kenji")));
    // One score everywhere: the end banner, the review (its headline and
    // its objectives), and the history show the same number, made of the
    // review's objectives.
    let score = banner["score"].as_u64().expect("the end banner has a score");
    assert_eq!(review["scores"]["team_pct"].as_u64(), Some(score), "{banner}");
    assert_eq!(review["summary"]["score"].as_u64(), Some(score));
    assert_eq!(review["summary"]["score_parts"], banner["score_parts"]);
    let counted: Vec<Value> = review["objectives"]
        .as_array()
        .map(|o| o.iter().filter(|o| o["max"].as_u64() > Some(0)).map(|o| o["key"].clone()).collect())
        .unwrap_or_default();
    let parts: Vec<Value> =
        banner["score_parts"].as_array().map(|p| p.iter().map(|p| p["key"].clone()).collect()).unwrap_or_default();
    assert_eq!(parts, counted, "the banner's parts are the review's objectives");
    assert!(score < 100, "three objectives were left undone (no scoping notice, no final notice): {banner}");
    let ((_, list), _) = http_with(addr, "GET", "/api/history", None, &fac).await;
    let listed = list.as_array().and_then(|l| l.iter().find(|d| d["id"] == drill_id.as_str()).cloned());
    assert_eq!(listed.map(|d| d["summary"]["score"].clone()), Some(json!(score)), "the history agrees");

    let ((status, md), head) = http_with(addr, "GET", &path("md"), None, &fac).await;
    assert_eq!(status, 200);
    assert!(header(&head, "content-type").is_some_and(|v| v.starts_with("text/markdown")), "{head}");
    assert!(header(&head, "content-disposition").is_some_and(|v| v.starts_with("attachment") && v.contains(".md")));
    let md = md.as_str().unwrap_or_default().to_string();
    assert!(md.contains("# After-action review") && md.contains("Kenji") && md.contains("SRE"), "{md}");

    let ((status, html), head) = http_with(addr, "GET", &path("html"), None, &fac).await;
    assert_eq!(status, 200);
    assert!(header(&head, "content-type").is_some_and(|v| v.starts_with("text/html")), "{head}");
    let html = html.as_str().unwrap_or_default().to_string();
    assert!(html.starts_with("<!DOCTYPE html>") && !html.contains("<script"), "{html}");
    assert!(html.contains("&lt;b&gt;late&lt;/b&gt;"), "comments are escaped");

    let ((status, csv), head) = http_with(addr, "GET", &path("csv"), None, &fac).await;
    assert_eq!(status, 200);
    assert!(header(&head, "content-type").is_some_and(|v| v.starts_with("text/csv")), "{head}");
    let csv = csv.as_str().unwrap_or_default().to_string();
    assert!(csv.starts_with("tick,time,who,role,kind,text\r\n"), "{csv}");
    assert!(csv.contains("\"Kenji\",\"incident_owner\",\"declared\""), "{csv}");

    let ((status, err), _) = http_with(addr, "GET", &path("pdf"), None, &fac).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"], "invalid_value", "{err}");
    let ((status, _), _) = http_with(addr, "GET", "/api/history/nope/review", None, &[]).await;
    assert_eq!(status, 404);

    // Replay: the drill at any moment, re-run from its log.
    let replay = |q: String| {
        let path = format!("/api/history/{drill_id}/replay?{q}");
        let auth = fac_auth.clone();
        async move { http_with(addr, "GET", &path, None, &[("Authorization", auth.as_str())]).await }
    };
    let ((status, start), _) = replay("tick=0".into()).await;
    assert_eq!(status, 200, "{start}");
    assert_eq!(start["tick"], 0);
    assert_eq!(start["snapshot"]["phase"], "normal");
    assert_eq!(start["snapshot"]["notices"], json!([]));
    let ticks = start["ticks"].as_u64().unwrap_or(0);
    assert!(ticks > 0);
    let ((_, end), _) = replay(format!("tick={ticks}")).await;
    let snap = &end["snapshot"];
    assert_eq!(snap["phase"], "resolved");
    assert_eq!(snap["notices"][0]["text"], "Card payments fail in Kanto.");
    assert!(snap["answer_key"].as_array().is_some_and(|k| !k.is_empty()), "the answer key is revealed");
    assert!(!snap["channels"].as_array().is_some_and(|c| c.iter().any(|c| c["channel"] == "facilitators")));
    assert_eq!(snap["drill"]["join_code"], "", "no way back in from a replay");
    let ((_, again), _) = replay(format!("tick={ticks}")).await;
    assert_eq!(again, end, "the same moment replays to the same state");
    let ((status, _), _) = replay("tick=soon".into()).await;
    assert_eq!(status, 400);
    let ((status, _), _) = http_with(addr, "GET", "/api/history/nope/replay?tick=1", None, &[]).await;
    assert_eq!(status, 404);
    drop(server);

    // The command line replays the same log to the same review.
    let out = std::process::Command::new(firedrill_bin())
        .args(["review", &drill_id, "--format", "json", "--data"])
        .arg(&data)
        .output()
        .expect("review runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli: Value = serde_json::from_slice(&out.stdout).expect("review prints JSON");
    assert_eq!(cli, review, "the CLI and the server agree");
    let _ = std::fs::remove_dir_all(&data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facilitators_export_and_delete_a_finished_drill() {
    let data = temp_dir("export");
    let server = ServerProcess::start(&data, free_port()).await;
    let addr = server.addr;
    let (drill_id, code, fac_token) = create_drill(addr, "lunch-peak-pos-outage").await;
    let owner_token = join(addr, &code, "Kenji", "incident_owner").await;
    let (mut fac, _) = Client::connect(addr, &fac_token, None).await;
    let (mut owner, _) = Client::connect(addr, &owner_token, None).await;
    fac.ok(json!({"type": "start"})).await;
    owner.ok(json!({"type": "chat", "channel": "ops", "text": "Anyone else seeing card errors?"})).await;
    let bearer = |t: &str| format!("Bearer {t}");
    let path = format!("/api/history/{drill_id}/export");
    let (fac_auth, owner_auth) = (bearer(&fac_token), bearer(&owner_token));
    let ((status, _), _) = http_with(addr, "GET", &path, None, &[("Authorization", fac_auth.as_str())]).await;
    assert_eq!(status, 403, "not before the end");
    fac.ok(json!({"type": "end"})).await;
    fac.event("ended").await;

    let ((status, err), _) = http_with(addr, "GET", &path, None, &[]).await;
    assert_eq!((status, err["error"].as_str()), (401, Some("bad_token")), "{err}");
    let ((status, _), _) = http_with(addr, "GET", &path, None, &[("Authorization", owner_auth.as_str())]).await;
    assert_eq!(status, 403, "participants may not");
    let ((status, export), head) = http_with(addr, "GET", &path, None, &[("Authorization", fac_auth.as_str())]).await;
    assert_eq!(status, 200, "{export}");
    assert!(header(&head, "content-disposition").is_some_and(|v| v.contains("attachment")));
    assert_eq!(export["drill"]["id"], drill_id.as_str());
    assert!(export["scenario_toml"].as_str().is_some_and(|t| t.contains("[[faults]]")));
    let inputs = export["inputs"].as_array().cloned().unwrap_or_default();
    assert!(inputs.iter().any(|i| i["input"]["cmd"]["text"] == "Anyone else seeing card errors?"), "{inputs:?}");
    assert!(inputs.iter().all(|i| i["input"]["token_hash"].as_str().is_none_or(str::is_empty)), "no token hashes");

    let status_page = format!("/api/drills/{drill_id}/status");
    let ((status, page), _) = http_with(addr, "GET", &status_page, None, &[]).await;
    assert_eq!((status, &page["ended"]), (200, &json!(true)), "{page}");
    let item = format!("/api/history/{drill_id}");
    let ((status, _), _) = http_with(addr, "DELETE", &item, None, &[("Authorization", owner_auth.as_str())]).await;
    assert_eq!(status, 403);
    let ((status, _), _) = http_with(addr, "DELETE", &item, None, &[("Authorization", fac_auth.as_str())]).await;
    assert_eq!(status, 204);
    let ((status, _), _) = http_with(addr, "GET", &item, None, &[]).await;
    assert_eq!(status, 404, "gone");
    let ((status, _), _) = http_with(addr, "GET", &format!("{item}/review"), None, &[]).await;
    assert_eq!(status, 404);
    let ((status, _), _) = http_with(addr, "GET", &status_page, None, &[]).await;
    assert_eq!(status, 404, "the public status page is gone too");
    let ((_, list), _) = http_with(addr, "GET", "/api/history", None, &[("Authorization", fac_auth.as_str())]).await;
    assert!(!list.as_array().is_some_and(|l| l.iter().any(|d| d["id"] == drill_id.as_str())));
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
}

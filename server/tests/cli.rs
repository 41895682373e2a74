//! The command line as operators and scripts use it: `validate` and
//! `simulate`, run as a real process.

use std::process::Command;

fn firedrill(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_firedrill")).args(args).output().expect("firedrill runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn scenario_path(name: &str) -> String {
    format!("{}/../scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = firedrill(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

#[test]
fn simulate_is_deterministic_per_seed() {
    let file = scenario_path("lunch-peak-pos-outage.toml");
    let a = json(&["simulate", &file, "--seed", "11", "--json"]);
    let b = json(&["simulate", &file, "--seed", "11", "--json"]);
    let c = json(&["simulate", &file, "--seed", "12", "--json"]);
    assert_eq!(a, b, "same seed, same drill");
    assert_ne!(a["state_hash"], c["state_hash"], "another seed, another drill");
    for key in [
        "scenario",
        "seed",
        "ticks",
        "state_hash",
        "declared_at_s",
        "first_external_notice_at_s",
        "mitigated_at_s",
        "resolved_at_s",
        "lost_revenue",
        "score",
    ] {
        assert!(a.get(key).is_some_and(|v| !v.is_null()), "missing {key}: {a}");
    }
    assert_eq!(a["scenario"], "lunch-peak-pos-outage");
    assert_eq!(a["ticks"], 30 * 60);
}

#[test]
fn simulate_accepts_a_built_in_id_and_prints_a_summary() {
    let (code, out, err) = firedrill(&["simulate", "lunch-peak-pos-outage"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("lost revenue") && out.contains("score"), "{out}");
}

#[test]
fn validate_passes_good_files_and_lists_every_problem_in_bad_ones() {
    let good = scenario_path("lunch-peak-pos-outage.toml");
    let (code, out, err) = firedrill(&["validate", &good]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, format!("{good}: ok (Lunch-peak POS outage)\n"), "a valid file is named as checked");

    let dir = std::env::temp_dir().join(format!("firedrill-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bad = dir.join("bad.toml");
    let text = std::fs::read_to_string(&good).expect("read scenario");
    let text = text.replacen("service = \"payments\"", "service = \"pos-api\"", 1).replacen(
        "error_rate_pct = 40",
        "error_rate_pct = 400",
        1,
    );
    std::fs::write(&bad, &text).expect("write");
    let (code, _, err) = firedrill(&["validate", &good, bad.to_str().unwrap_or_default()]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    let prefix = format!("{}:", bad.display());
    for line in &lines {
        assert!(line.starts_with(&prefix), "{line}");
        let rest = &line[prefix.len()..];
        let mut parts = rest.splitn(3, ':');
        let line_no: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        let col: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        assert!(line_no > 0 && col > 0, "{line}");
    }
    assert!(err.contains("faults[0].service: unknown service \"pos-api\""), "{err}");
    assert!(err.contains("faults[0].error_rate_pct"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn validate_reports_a_missing_file() {
    let (code, _, err) = firedrill(&["validate", "/nonexistent/drill.toml"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("/nonexistent/drill.toml:1:1: cannot read"), "{err}");
}

#[test]
fn schema_prints_a_json_schema_of_the_scenario_format() {
    let v = json(&["schema"]);
    assert!(v["$schema"].is_string() || v["type"] == "object", "{v}");
    let text = v.to_string();
    for key in ["drill", "world", "services", "faults", "actions"] {
        assert!(text.contains(&format!("\"{key}\"")), "{key} missing from the schema");
    }
}

fn team_path(name: &str) -> String {
    format!("{}/../scenarios/teams/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn simulate_plays_a_team_file_and_validate_checks_one() {
    let strong = team_path("acquirer-outage-waves.strong.toml");
    let weak = team_path("acquirer-outage-waves.weak.toml");
    let a = json(&["simulate", "acquirer-outage-waves", "--team", &strong, "--json"]);
    let b = json(&["simulate", "acquirer-outage-waves", "--team", &weak, "--json"]);
    assert_eq!(a["team"], "Practised team");
    assert!(a["score"].as_u64() > b["score"].as_u64(), "{} vs {}", a["score"], b["score"]);
    assert_eq!(a["score"], a["review"]["summary"]["score"], "one score");
    assert_eq!(b["status_page"]["reopened"], true, "the weak team resolved between two waves");
    assert_eq!(a["refused"], serde_json::json!([]));
    let (code, out, err) = firedrill(&["simulate", "acquirer-outage-waves", "--team", &weak]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("reopened after an all-clear"), "{out}");

    let (code, out, err) = firedrill(&["validate", &strong]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ok (Practised team, a team for acquirer-outage-waves)"), "{out}");

    // Against the wrong scenario, and with a typo: precise errors, no run.
    let (code, _, err) = firedrill(&["simulate", "lunch-peak-pos-outage", "--team", &strong]);
    assert_eq!(code, 1);
    assert!(err.contains(&format!("{strong}:")) && err.contains("team.scenario: this team was written for"), "{err}");
    let dir = std::env::temp_dir().join(format!("firedrill-cli-team-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bad = dir.join("bad.toml");
    let text = std::fs::read_to_string(&strong).expect("read").replacen("type = \"declare\"", "type = \"declar\"", 1);
    std::fs::write(&bad, text).expect("write");
    let (code, _, err) = firedrill(&["validate", bad.to_str().unwrap_or_default()]);
    assert_eq!(code, 1);
    assert!(err.contains("commands[0].type: unknown command \"declar\" (did you mean \"declare\"?)"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn simulate_table_prints_every_built_in_scenario() {
    let (code, out, err) = firedrill(&["simulate", "--table", "--seeds", "1"]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| scenario")).collect();
    assert_eq!(rows.len(), firedrill::scenario::builtins().len(), "{out}");
    for b in firedrill::scenario::builtins() {
        assert!(rows.iter().any(|r| r.starts_with(&format!("| {} | {} |", b.scenario.id, b.scenario.seed))), "{out}");
    }
}

//! House-keeping checks: every shipped scenario loads, is described by the
//! JSON Schema, and is played to resolution by bots; the scenarios differ
//! in kind and some are in Japanese; the architecture document names every
//! top-level folder.

use std::path::{Path, PathBuf};

use firedrill::scenario::{self, FaultKind, LoadError, Scenario, Trigger};
use firedrill::sim::{BotSkill, simulate};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every scenario file shipped in `scenarios/`, with its path and text.
fn shipped() -> Vec<(PathBuf, String, Scenario)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root().join("scenarios")).expect("scenarios/ exists") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let s = scenario::load_file(&path).unwrap_or_else(|e| match e {
            LoadError::Invalid(p) => {
                let lines: Vec<String> = p.iter().map(|p| format!("{}:{p}", path.display())).collect();
                panic!("{}", lines.join("\n"))
            }
            other => panic!("{}: {other}", path.display()),
        });
        let text = std::fs::read_to_string(&path).expect("readable");
        out.push((path, text, s));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_shipped_scenario_validates_and_bots_resolve_it() {
    let all = shipped();
    assert!(all.len() >= 5, "at least five scenarios ship");
    for (path, _, s) in &all {
        assert!(scenario::builtin(&s.id).is_some(), "{} is not embedded", s.id);
        let good = simulate(s, s.seed, BotSkill::Good);
        assert_eq!(good.ticks, s.duration_s, "{}", s.id);
        assert!(good.resolved_at_s.is_some(), "bots resolve {}: {good:?}", path.display());
        assert!(!good.resolved_prematurely, "{good:?}");
        let none = simulate(s, s.seed, BotSkill::None);
        assert!(none.first_signal_at_s.is_some(), "{}: the outage is noticed", s.id);
        assert!(none.lost_revenue > good.lost_revenue, "{}: a response saves money: {none:?} {good:?}", s.id);
    }
}

#[test]
fn the_shipped_scenarios_differ_in_kind() {
    let all = shipped();
    let faults: Vec<_> = all.iter().flat_map(|(_, _, s)| s.faults.iter()).collect();
    for kind in [FaultKind::Errors, FaultKind::Latency, FaultKind::Down, FaultKind::DataLoss] {
        assert!(faults.iter().any(|f| f.kind == kind), "no {kind:?} fault ships");
    }
    assert!(faults.iter().any(|f| f.waves.is_some()), "no fault comes in waves");
    assert!(faults.iter().any(|f| !f.spreads.is_empty()), "no fault spreads");
    assert!(faults.iter().any(|f| !f.stages.is_empty()), "no fault worsens");
    assert!(faults.iter().any(|f| matches!(f.trigger, Trigger::When(..))), "no fault waits for a condition");
    assert!(faults.iter().any(|f| !f.scope.clients.is_empty()), "no fault hits one corporate client");
    let japanese: Vec<_> = all.iter().filter(|(_, _, s)| s.language == "ja").collect();
    assert!(japanese.len() >= 2, "at least two scenarios are written in Japanese");
    for (path, _, s) in japanese {
        // Kana or kanji: written in Japanese, not transliterated.
        let ja = |t: &str| {
            t.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c))
        };
        assert!(ja(&s.title) && ja(&s.summary), "{}", path.display());
        assert!(!s.talk_scripts.is_empty() && s.talk_scripts.iter().all(|t| ja(&t.text)), "{}", path.display());
        assert!(!s.personas.is_empty() && s.personas.iter().all(|p| ja(&p.description)), "{}", path.display());
        assert!(s.injects.iter().all(|i| ja(&i.text)), "{}", path.display());
        assert!(s.templates.notices.iter().all(|n| ja(&n.text)), "{}", path.display());
    }
}

#[test]
fn the_json_schema_describes_every_key_of_every_shipped_file() {
    let schema = scenario::json_schema();
    for (path, text, _) in shipped() {
        let doc: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut unknown = Vec::new();
        check(&schema, &schema, &toml_to_json(&toml::Value::Table(doc)), "", &mut unknown);
        assert!(unknown.is_empty(), "{}: keys missing from the schema: {unknown:?}", path.display());
    }
}

/// TOML as JSON, so the walk below deals with one kind of tree.
fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(t.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect()),
    }
}

/// Follows `$ref`s and picks the object (or array) branch of an `anyOf`.
fn resolve<'a>(root: &'a Value, mut s: &'a Value) -> &'a Value {
    for _ in 0..16 {
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let name = r.trim_start_matches("#/$defs/");
            s = &root["$defs"][name];
        } else if let Some(branches) = s.get("anyOf").and_then(Value::as_array) {
            match branches.iter().find(|b| b.get("type") != Some(&Value::String("null".into()))) {
                Some(b) => s = b,
                None => return s,
            }
        } else {
            return s;
        }
    }
    s
}

/// Records every key in `v` that the schema `s` does not list.
fn check(root: &Value, s: &Value, v: &Value, path: &str, unknown: &mut Vec<String>) {
    let s = resolve(root, s);
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                match s.get("properties").and_then(|p| p.get(k)) {
                    Some(cs) => check(root, cs, child, &format!("{path}.{k}"), unknown),
                    None => unknown.push(format!("{path}.{k}")),
                }
            }
        }
        Value::Array(items) => {
            if let Some(is) = s.get("items") {
                for (i, child) in items.iter().enumerate() {
                    check(root, is, child, &format!("{path}[{i}]"), unknown);
                }
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}

#[test]
fn architecture_names_every_top_level_folder() {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    for entry in std::fs::read_dir(root()).expect("root") {
        let entry = entry.expect("dir entry");
        let name = entry.file_name().to_string_lossy().to_string();
        let skip = name.starts_with('.') && name != ".ci" || name == "target" || name == "node_modules";
        if entry.path().is_dir() && !skip {
            assert!(text.contains(&format!("`{name}/")), "ARCHITECTURE.md does not describe {name}/");
        }
    }
}

#[test]
fn the_documented_example_is_a_valid_scenario() {
    let doc = std::fs::read_to_string(root().join("docs/scenarios.md")).expect("docs/scenarios.md");
    let start = doc.find("```toml\n").expect("an example") + "```toml\n".len();
    let len = doc[start..].find("```").expect("the example ends");
    let s = scenario::parse(&doc[start..start + len]).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(s.kinds.len(), 2);
    let good = simulate(&s, s.seed, BotSkill::Good);
    assert!(good.resolved_at_s.is_some(), "{good:?}");
}

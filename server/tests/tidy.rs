//! House-keeping checks: every shipped scenario loads and simulates, and the
//! architecture document names every top-level folder.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn every_shipped_scenario_validates_and_simulates() {
    let mut seen = 0;
    for entry in std::fs::read_dir(root().join("scenarios")).expect("scenarios/ exists") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        seen += 1;
        let s = firedrill::scenario::load_file(&path).unwrap_or_else(|e| match e {
            firedrill::scenario::LoadError::Invalid(p) => {
                let lines: Vec<String> = p.iter().map(|p| format!("{}:{p}", path.display())).collect();
                panic!("{}", lines.join("\n"))
            }
            other => panic!("{}: {other}", path.display()),
        });
        assert!(firedrill::scenario::builtin(&s.id).is_some(), "{} is not embedded", s.id);
        let summary = firedrill::sim::simulate(&s, s.seed, firedrill::sim::BotSkill::Good);
        assert_eq!(summary.ticks, s.duration_s, "{}", s.id);
        assert!(summary.resolved_at_s.is_some(), "bots resolve {}: {summary:?}", s.id);
    }
    assert!(seen >= 1, "no scenarios found");
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

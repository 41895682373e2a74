//! Known-good state hashes: for every built-in scenario, with its own seed
//! and bots in every response role, the world's `state_hash` after a given
//! number of ticks. A change to the simulation, to a scenario or to what the
//! hash covers shows up here as a changed line, so that the crash and replay
//! tests, which compare hashes, keep comparing what they claim to.
//!
//! The table is `tests/golden/state_hashes.txt`, one `scenario seed ticks
//! hash` per line. When a change is meant to move the world, refresh it
//! with `FIREDRILL_BLESS_HASHES=1 cargo test -p firedrill --test
//! integration state_hash_golden` and commit the new table with the change.

use std::path::PathBuf;

use firedrill::scenario::builtins;
use firedrill::sim::{BotSkill, Crew, Sim};

/// Ticks at which each world's hash is pinned (and the scenario's end,
/// when sooner).
const CHECKPOINTS: [u64; 3] = [1, 300, 900];

fn table_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("golden").join("state_hashes.txt")
}

/// The table as the code computes it now.
fn computed() -> String {
    let mut out = String::from("# scenario seed ticks state_hash (see server/tests/state_hash_golden.rs)\n");
    let mut all = builtins();
    all.sort_by(|a, b| a.scenario.id.cmp(&b.scenario.id));
    for b in all {
        let s = &b.scenario;
        let end = s.duration_s / firedrill::limits::TICK_DRILL_SECONDS;
        let mut sim = Sim::new(s, s.seed, Crew::everyone(BotSkill::Good));
        for ticks in CHECKPOINTS.iter().map(|&t| t.min(end)) {
            while sim.tick() < ticks {
                sim.step();
            }
            out.push_str(&format!("{} {} {} {:016x}\n", s.id, s.seed, ticks, sim.state_hash()));
        }
    }
    out
}

#[test]
fn every_built_in_scenario_reaches_its_pinned_state_hashes() {
    let now = computed();
    let path = table_path();
    if std::env::var_os("FIREDRILL_BLESS_HASHES").is_some_and(|v| v == "1") {
        std::fs::write(&path, &now).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let pinned = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let changed: Vec<String> = now
        .lines()
        .zip(pinned.lines().chain(std::iter::repeat("(missing)")))
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("now    {a}\npinned {b}"))
        .collect();
    assert!(
        changed.is_empty() && now.lines().count() == pinned.lines().count(),
        "state hashes moved (refresh with FIREDRILL_BLESS_HASHES=1 if that is meant):\n{}",
        changed.join("\n")
    );
}

#[test]
fn the_table_has_a_line_for_every_built_in_scenario() {
    let pinned = std::fs::read_to_string(table_path()).unwrap_or_default();
    for b in builtins() {
        let lines = pinned.lines().filter(|l| l.split(' ').next() == Some(b.scenario.id.as_str())).count();
        assert_eq!(lines, CHECKPOINTS.len(), "{}: {lines} pinned hashes", b.scenario.id);
    }
}

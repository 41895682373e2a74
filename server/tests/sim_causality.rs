//! Faults have causes: a fault caused by another starts only while its
//! cause goes on (a fix in time prevents it) and follows it when it ends; a
//! vendor's fault with no fix of the company's own recovers by itself,
//! sooner when someone escalates; waves come at the times written.

use firedrill::protocol::Role;
use firedrill::scenario::{Scenario, parse};
use firedrill::sim::{Actor, Crew, Sim, SimCommand};

/// The lunch-peak outage with `extra` TOML appended, small.
fn lunch(extra: &str) -> Scenario {
    build(&format!("{}\n{extra}", include_str!("../../scenarios/lunch-peak-pos-outage.toml")))
}

fn build(text: &str) -> Scenario {
    let mut s = parse(text).unwrap_or_else(|p| panic!("{p:?}"));
    for r in &mut s.regions {
        r.stores = r.stores.min(60);
    }
    s
}

/// Retries from the failing card path overload the POS ten minutes after
/// the gateway fault starts (T+3), so at T+13, unless it is fixed first;
/// once overloaded, the POS needs its own fix.
const CASCADE: &str = r#"
[[faults]]
id = "pos-overload"
service = "pos"
when = { fault_started = "gateway-tls", after_min = 10 }
caused_by = "gateway-tls"
with_cause = "stays"
error_rate_pct = 50
root_cause = "Card retries overload the POS API."
fixed_by = ["restart-pos"]
"#;

fn engineer() -> Actor {
    Actor { name: "Mai".into(), role: Some(Role::Engineer) }
}

fn run_until(sim: &mut Sim, tick: u64) {
    while sim.tick() < tick {
        sim.step();
    }
}

/// Runs the cascade with the gateway rolled back at `fix_min` (it takes
/// three minutes); returns the POS fault as the answer key shows it at
/// T+25: (started, active).
fn cascade_with_fix_at(fix_min: u64) -> (bool, bool) {
    let s = lunch(CASCADE);
    let mut sim = Sim::new(&s, 3, Crew::nobody());
    run_until(&mut sim, fix_min * 60);
    sim.apply(&engineer(), &SimCommand::RunAction("rollback-payments".into())).unwrap_or_else(|e| panic!("{e}"));
    run_until(&mut sim, 25 * 60);
    let pos = sim.faults().into_iter().find(|f| f.id == "pos-overload").unwrap_or_else(|| panic!("no fault"));
    let gateway = sim.faults().into_iter().find(|f| f.id == "gateway-tls").unwrap_or_else(|| panic!("no fault"));
    assert!(gateway.ended && gateway.fixed, "the rollback fixed the cause: {gateway:?}");
    (pos.starts_tick < 25 * 60 && (pos.active || pos.ended), pos.active)
}

#[test]
fn a_fix_before_the_cascade_prevents_it_and_one_after_does_not() {
    // Rolled back at T+5, effective at T+8: before T+13.
    assert_eq!(cascade_with_fix_at(5), (false, false), "fixed in time: the POS never overloads");
    // Rolled back at T+12, effective at T+15: the POS overloaded at T+13
    // and stays down after its cause is fixed.
    assert_eq!(cascade_with_fix_at(12), (true, true), "too late: the cascade happened and stays");
}

#[test]
fn a_fault_caused_by_another_ends_with_it_by_default() {
    let s = lunch(&CASCADE.replace("with_cause = \"stays\"\n", ""));
    let mut sim = Sim::new(&s, 3, Crew::nobody());
    run_until(&mut sim, 14 * 60);
    let pos = |sim: &Sim| sim.faults().into_iter().find(|f| f.id == "pos-overload").unwrap_or_else(|| panic!("x"));
    assert!(pos(&sim).active, "the cascade started at T+13");
    sim.apply(&engineer(), &SimCommand::RunAction("rollback-payments".into())).unwrap_or_else(|e| panic!("{e}"));
    run_until(&mut sim, 18 * 60);
    let p = pos(&sim);
    assert!(p.ended && !p.active, "it ended with its cause: {p:?}");
    assert!(p.fixed, "and the fix of its cause gets the credit");
    assert!(sim.all_clear());
}

#[test]
fn a_vendor_fault_with_no_fix_of_ours_recovers_sooner_when_escalated() {
    // The acquirer itself fails; nothing the company runs fixes it; it
    // recovers after 20 minutes, and an escalation halves the time left.
    let vendor = r#"
[[faults]]
id = "acquirer-down"
service = "card-acquirer"
at_min = 2
error_rate_pct = 60
recovers_after_min = 20
sped_by = ["escalate-acquirer"]
root_cause = "The acquirer's data centre lost power."
fixed_by = []
"#;
    // The scenario's escalation takes 20 minutes; here the vendor answers
    // in two.
    let text = format!("{}\n{vendor}", include_str!("../../scenarios/lunch-peak-pos-outage.toml")).replacen(
        "delay_min = 20",
        "delay_min = 2",
        1,
    );
    let end_of = |escalate: bool| {
        let s = build(&text);
        let mut sim = Sim::new(&s, 3, Crew::nobody());
        run_until(&mut sim, 3 * 60);
        if escalate {
            sim.apply(&engineer(), &SimCommand::RunAction("escalate-acquirer".into()))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let mut ended = None;
        while sim.tick() < s.duration_s && ended.is_none() {
            sim.step();
            let f = sim.faults().into_iter().find(|f| f.id == "acquirer-down").unwrap_or_else(|| panic!("x"));
            if f.ended {
                ended = Some((sim.tick(), f.fixed));
            }
        }
        ended
    };
    assert_eq!(end_of(false), Some((22 * 60, false)), "recovers by itself at T+22, not fixed by anyone");
    let sped = end_of(true).unwrap_or_else(|| panic!("it recovers"));
    assert!(sped.0 < 22 * 60 && !sped.1, "the escalation brought the recovery forward: {sped:?}");
}

#[test]
fn waves_come_at_the_times_written() {
    let waves = r#"
[[faults]]
id = "flaky-pos"
service = "pos"
at_min = 2
error_rate_pct = 50
wave_times = [{ from_min = 0, to_min = 3 }, { from_min = 4, to_min = 5 }, { from_min = 11, to_min = 14 }]
root_cause = "A flapping load balancer."
fixed_by = []
"#;
    let s = lunch(waves);
    let mut sim = Sim::new(&s, 3, Crew::nobody());
    let mut active = Vec::new();
    while sim.tick() < 20 * 60 {
        sim.step();
        let f = sim.faults().into_iter().find(|f| f.id == "flaky-pos").unwrap_or_else(|| panic!("x"));
        if sim.tick() % 60 == 30 {
            active.push(f.active);
        }
    }
    // Minutes 0..20 (at :30): on 2-4, 6, 13-15.
    let on: Vec<usize> = active.iter().enumerate().filter(|(_, a)| **a).map(|(m, _)| m).collect();
    assert_eq!(on, vec![2, 3, 4, 6, 13, 14, 15]);
    let f = sim.faults().into_iter().find(|f| f.id == "flaky-pos").unwrap_or_else(|| panic!("x"));
    assert!(f.ended && !f.fixed, "it ended by itself after its last wave");
}

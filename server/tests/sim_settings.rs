//! World settings a facilitator sets: when a service's alert fires (its
//! own threshold, and how long it must hold), and how many support agents
//! bots staff.

use firedrill::scenario::{Scenario, parse};
use firedrill::sim::{BotSkill, Crew, Sim, SimEvent, simulate};

/// The lunch-peak outage, where only the services' error alerts can fire
/// (payment success never counts), with `service_extra` on the payments
/// gateway.
fn lunch(service_extra: &str) -> Scenario {
    let text = include_str!("../../scenarios/lunch-peak-pos-outage.toml")
        .replacen("alert_below_pct = 95", "alert_below_pct = 0", 1)
        .replacen("id = \"payments\"\n", &format!("id = \"payments\"\n{service_extra}\n"), 1);
    let mut s = parse(&text).unwrap_or_else(|p| panic!("{p:?}"));
    for r in &mut s.regions {
        r.stores = r.stores.min(120);
    }
    s
}

fn first_alert(s: &Scenario) -> Option<u64> {
    let mut sim = Sim::new(s, 2, Crew::nobody());
    while sim.tick() < 20 * 60 {
        for (_, e) in sim.step() {
            if let SimEvent::Health(h) = e
                && h.alert
            {
                return Some(sim.tick());
            }
        }
    }
    None
}

#[test]
fn a_service_alerts_after_its_own_delay_and_at_its_own_threshold() {
    let now = first_alert(&lunch("")).unwrap_or_else(|| panic!("the gateway's errors alert"));
    let later = first_alert(&lunch("alert_after_min = 5")).unwrap_or_else(|| panic!("it still alerts"));
    assert!(later >= now + 5 * 60 - 10, "held five minutes first: {now} then {later}");
    assert_eq!(first_alert(&lunch("alert_errors_above_pct = 90")), None, "40% errors stay under a 90% threshold");
}

#[test]
fn a_bigger_support_desk_answers_more_calls() {
    let s = parse(include_str!("../../scenarios/lunch-peak-pos-outage.toml")).unwrap_or_else(|p| panic!("{p:?}"));
    let mut one = s.clone();
    one.support_desk = 1;
    let mut many = s.clone();
    many.support_desk = 12;
    let (a, b) = (simulate(&one, 4, BotSkill::Good), simulate(&many, 4, BotSkill::Good));
    assert!(b.desk.wait_s_mean < a.desk.wait_s_mean, "{:?} vs {:?}", a.desk, b.desk);
    assert!(b.desk.abandoned <= a.desk.abandoned, "{:?} vs {:?}", a.desk, b.desk);
}

#[test]
fn the_health_bot_says_when_an_alert_fires_stays_and_resolves() {
    use firedrill::protocol::{AlertState, Role};
    use firedrill::sim::{Actor, SimCommand};
    let s = parse(include_str!("../../scenarios/lunch-peak-pos-outage.toml")).unwrap_or_else(|p| panic!("{p:?}"));
    let mut sim = Sim::new(&s, 2, Crew::nobody());
    let mut states = Vec::new();
    while sim.tick() < 20 * 60 {
        if sim.tick() == 6 * 60 {
            let eng = Actor { name: "Mai".into(), role: Some(Role::Engineer) };
            sim.apply(&eng, &SimCommand::RunAction("rollback-payments".into())).unwrap_or_else(|e| panic!("{e}"));
        }
        for (_, e) in sim.step() {
            if let SimEvent::Health(h) = e
                && h.alert_state != AlertState::None
                && states.last() != Some(&h.alert_state)
            {
                states.push(h.alert_state);
            }
        }
    }
    assert_eq!(states.first(), Some(&AlertState::Firing), "{states:?}");
    assert_eq!(states.last(), Some(&AlertState::Resolved), "the fix ends with a recovery, not an alarm: {states:?}");
    assert!(states.contains(&AlertState::StillFiring), "regular posts in between say it still fires: {states:?}");
}

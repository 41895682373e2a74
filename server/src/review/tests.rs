//! Each objective rule on hand-built entries with known answers, and whole
//! bot runs: a perfect response meets more than none.

use super::facts::Facts;
use super::objectives::{self, Objective, Outcome, Params};
use super::record::{Entry, What};
use super::*;
use crate::protocol::{ComponentStatus, Phase, Role};

fn scenario() -> Scenario {
    crate::scenario::parse(include_str!("../../../scenarios/lunch-peak-pos-outage.toml"))
        .unwrap_or_else(|p| panic!("{p:?}"))
}

fn e(tick: u64, who: &str, role: Option<Role>, what: What) -> Entry {
    Entry { tick, who: who.into(), role, what }
}

fn world(tick: u64, what: What) -> Entry {
    e(tick, "", None, what)
}

fn owner(tick: u64, what: What) -> Entry {
    e(tick, "Kenji", Some(Role::IncidentOwner), what)
}

fn comms(tick: u64, status: ComponentStatus) -> Entry {
    e(tick, "Aiko", Some(Role::CommsLead), What::Notice { status, text: "update".into() })
}

fn report(tick: u64, next_min: u64, affected: &str, scope: &str) -> Entry {
    owner(
        tick,
        What::StatusReport {
            affected: affected.into(),
            scope: scope.into(),
            impact: String::new(),
            next_update_tick: tick + next_min * 60,
        },
    )
}

/// The scenario's fault (fixed by `rollback-payments`) starts.
fn fault_on(tick: u64) -> Entry {
    world(
        tick,
        What::FaultStarted { fault: "gateway-tls".into(), service: "payments".into(), regions: vec!["kanto".into()] },
    )
}

/// The team's fix ends it.
fn fault_off(tick: u64) -> Entry {
    world(tick, What::FaultStopped { fault: "gateway-tls".into(), ended: true, fixed: true })
}

/// It ends by itself.
fn fault_recovers(tick: u64) -> Entry {
    world(tick, What::FaultStopped { fault: "gateway-tls".into(), ended: true, fixed: false })
}

const P: Params = Params { target_s: 300, zero_s: 1200, weight: 30 };

fn run(rule: objectives::Rule, entries: &[Entry], now: u64, ended: bool, p: Params) -> Objective {
    let mut entries = entries.to_vec();
    entries.sort_by_key(|e| e.tick);
    let f = Facts::new(&entries, now, ended);
    let mut out = rule(&f, &scenario(), p);
    assert_eq!(out.len(), 1, "{out:?}");
    out.remove(0)
}

#[test]
fn declare_on_time_late_missed_pending_and_not_applicable() {
    let signal = world(100, What::FirstSignal);
    let o = run(objectives::declare, &[signal.clone(), owner(300, What::Declared)], 2000, true, P);
    assert_eq!((o.outcome, o.points, o.due_tick, o.margin_s), (Outcome::Met, 30, Some(400), Some(-100)));
    assert_eq!(o.done_by.as_deref(), Some("Kenji"));
    // 450 s late of a 900 s span: half the points.
    let o = run(objectives::declare, &[signal.clone(), owner(850, What::Declared)], 2000, true, P);
    assert_eq!((o.outcome, o.points, o.margin_s), (Outcome::MetLate, 15, Some(450)));
    let o = run(objectives::declare, std::slice::from_ref(&signal), 2000, true, P);
    assert_eq!((o.outcome, o.points, o.max), (Outcome::Missed, 0, 30));
    let o = run(objectives::declare, std::slice::from_ref(&signal), 350, false, P);
    assert_eq!(o.outcome, Outcome::Pending);
    let o = run(objectives::declare, &[], 2000, true, P);
    assert_eq!((o.outcome, o.max), (Outcome::NotApplicable, 0));
}

#[test]
fn first_and_scoping_notices_count_from_the_declaration() {
    let base = vec![owner(60, What::Declared), comms(200, ComponentStatus::PartialOutage)];
    let o = run(objectives::first_notice, &base, 3000, true, P);
    assert_eq!((o.outcome, o.due_tick, o.done_tick), (Outcome::Met, Some(360), Some(200)));
    let scoping = Params { target_s: 600, zero_s: 1500, weight: 10 };
    let o = run(objectives::scoping_notice, &base, 3000, true, scoping);
    assert_eq!(o.outcome, Outcome::Missed);
    let mut with = base.clone();
    with.push(comms(900, ComponentStatus::PartialOutage));
    let o = run(objectives::scoping_notice, &with, 3000, true, scoping);
    assert_eq!((o.outcome, o.margin_s), (Outcome::MetLate, Some(240)));
    let o = run(objectives::first_notice, &[comms(10, ComponentStatus::PartialOutage)], 3000, true, P);
    assert_eq!(o.outcome, Outcome::NotApplicable);
}

#[test]
fn notice_cadence_judges_the_longest_gap_while_open() {
    let cadence = Params { target_s: 1200, zero_s: 2400, weight: 10 };
    let mut es = vec![
        owner(0, What::Declared),
        comms(100, ComponentStatus::PartialOutage),
        comms(1200, ComponentStatus::PartialOutage),
        comms(2300, ComponentStatus::PartialOutage),
    ];
    let o = run(objectives::notice_cadence, &es, 3000, true, cadence);
    assert_eq!((o.outcome, o.points), (Outcome::Met, 10));
    // A 30-minute gap: met late, half the points.
    es.push(comms(4100, ComponentStatus::PartialOutage));
    es.push(owner(4200, What::Phase { phase: Phase::Resolved }));
    let o = run(objectives::notice_cadence, &es, 5000, true, cadence);
    assert_eq!((o.outcome, o.start_tick, o.done_tick, o.points), (Outcome::MetLate, Some(2300), Some(4100), 5));
    // Silence until the end of the drill: missed.
    let es = vec![owner(0, What::Declared), comms(100, ComponentStatus::PartialOutage)];
    let o = run(objectives::notice_cadence, &es, 3000, true, cadence);
    assert_eq!(o.outcome, Outcome::Missed);
}

#[test]
fn final_notice_must_say_operational_after_the_fix() {
    let p = Params { target_s: 300, zero_s: 1200, weight: 10 };
    let mut es = vec![
        fault_on(10),
        owner(20, What::Declared),
        fault_off(900),
        owner(1000, What::Phase { phase: Phase::Resolved }),
        comms(1100, ComponentStatus::DegradedPerformance),
    ];
    let o = run(objectives::final_notice, &es, 3000, true, p);
    assert_eq!(o.outcome, Outcome::Missed);
    es.push(comms(1200, ComponentStatus::Operational));
    let o = run(objectives::final_notice, &es, 3000, true, p);
    assert_eq!((o.outcome, o.done_tick), (Outcome::Met, Some(1200)));
    let o = run(objectives::final_notice, &[owner(20, What::Declared)], 3000, true, p);
    assert_eq!(o.outcome, Outcome::NotApplicable);
}

#[test]
fn reports_are_judged_against_the_promised_time() {
    let p = Params { target_s: 900, zero_s: 600, weight: 10 };
    // First within 15 min, next promised at +10 min and kept.
    let es = vec![
        owner(0, What::Declared),
        report(600, 10, "payments", "kanto"),
        report(1100, 10, "payments", "kanto"),
        owner(1500, What::Phase { phase: Phase::Resolved }),
    ];
    let o = run(objectives::report_cadence, &es, 3000, true, p);
    assert_eq!((o.outcome, o.points), (Outcome::Met, 10));
    // The second report comes 5 min after its promise: half the points.
    let es = vec![
        owner(0, What::Declared),
        report(600, 10, "payments", "kanto"),
        report(1500, 10, "payments", "kanto"),
        owner(1800, What::Phase { phase: Phase::Resolved }),
    ];
    let o = run(objectives::report_cadence, &es, 3000, true, p);
    assert_eq!((o.outcome, o.due_tick, o.done_tick, o.points), (Outcome::MetLate, Some(1200), Some(1500), 5));
    // No report at all.
    let o = run(objectives::report_cadence, &[owner(0, What::Declared)], 3000, true, p);
    assert_eq!((o.outcome, o.due_tick), (Outcome::Missed, Some(900)));
}

#[test]
fn mitigate_resolve_and_premature_resolution() {
    let mp = Params { target_s: 900, zero_s: 2700, weight: 30 };
    let rp = Params { target_s: 600, zero_s: 1800, weight: 10 };
    let eng = e(600, "Eng", Some(Role::Engineer), What::ActionDone { action: "rollback".into(), label: "x".into() });
    let es = vec![
        fault_on(100),
        owner(200, What::Declared),
        owner(300, What::Phase { phase: Phase::Resolved }),
        owner(400, What::Phase { phase: Phase::Mitigating }),
        eng,
        fault_off(600),
        owner(1000, What::Phase { phase: Phase::Resolved }),
    ];
    let o = run(objectives::mitigate, &es, 3000, true, mp);
    assert_eq!((o.outcome, o.done_tick, o.done_by.as_deref()), (Outcome::Met, Some(600), Some("Eng")));
    let o = run(objectives::resolve, &es, 3000, true, rp);
    assert_eq!((o.outcome, o.due_tick, o.done_tick), (Outcome::Met, Some(1200), Some(1000)));
    let o = run(objectives::premature_resolve, &es, 3000, true, Params { target_s: 0, zero_s: 0, weight: 10 });
    assert_eq!((o.outcome, o.due_tick, o.points), (Outcome::Missed, Some(300), 0));
    // Without the early one it is met.
    let clean: Vec<Entry> = es.iter().filter(|x| x.tick != 300).cloned().collect();
    let o = run(objectives::premature_resolve, &clean, 3000, true, Params { target_s: 0, zero_s: 0, weight: 10 });
    assert_eq!((o.outcome, o.points), (Outcome::Met, 10));
    // A fault never fixed: mitigation missed.
    let o = run(objectives::mitigate, &[fault_on(100)], 3000, true, mp);
    assert_eq!(o.outcome, Outcome::Missed);
}

#[test]
fn a_fault_that_recovers_by_itself_earns_no_mitigation() {
    let mp = Params { target_s: 900, zero_s: 2700, weight: 30 };
    // Nobody did anything; the fault ended on its own within the target.
    let o = run(objectives::mitigate, &[fault_on(100), fault_recovers(400)], 3000, true, mp);
    assert_eq!((o.outcome, o.points, o.max, o.done_by), (Outcome::Missed, 0, 30, None));
    assert!(o.rule.en.contains("recovers by itself"), "the review says why: {}", o.rule.en);
    // Still open while the drill runs: pending, no points yet.
    let o = run(objectives::mitigate, &[fault_on(100)], 500, false, mp);
    assert_eq!((o.outcome, o.points), (Outcome::Pending, 0));
    // A fix that took effect halfway between target and cut-off: half.
    let eng = e(
        1900,
        "Eng",
        Some(Role::Engineer),
        What::ActionDone { action: "rollback-payments".into(), label: "x".into() },
    );
    let o = run(objectives::mitigate, &[fault_on(100), eng, fault_off(1900)], 3000, true, mp);
    assert_eq!((o.outcome, o.points, o.done_by.as_deref()), (Outcome::MetLate, 15, Some("Eng")));
}

#[test]
fn injects_need_the_right_role_in_time() {
    let s = scenario();
    let inject = s
        .injects
        .iter()
        .find(|i| i.expect.is_some() && i.channel == crate::scenario::InjectChannel::InternalChat)
        .expect("the scenario has a company-chat inject with an expectation");
    let expect = inject.expect.clone().expect("checked above");
    let fired = world(500, What::InjectFired { inject: inject.id.clone(), text: inject.text.clone() });
    let wrong = Role::ALL.into_iter().find(|r| *r != expect.role && *r != Role::Observer).expect("another role");
    let by = |tick, role| {
        e(tick, "P", Some(role), What::Message { channel: crate::protocol::Channel::Ops, text: "on it".into() })
    };
    let p = Params { target_s: 0, zero_s: 0, weight: 20 };
    let es = vec![fired.clone(), by(510, wrong)];
    let o = run(objectives::injects, &es, 5000, true, p);
    // The objective's 20 points are shared by the injects that expect a
    // response, in proportion to their weights.
    let total: u32 = s.injects.iter().filter(|i| i.expect.is_some()).map(|i| i.weight.max(1)).sum();
    assert!(total > inject.weight.max(1), "the scenario has more than one inject to share with");
    assert_eq!((o.outcome, o.max), (Outcome::Missed, 20 * inject.weight.max(1) / total));
    let es = vec![fired.clone(), by(510, wrong), by(520, expect.role)];
    let o = run(objectives::injects, &es, 5000, true, p);
    assert_eq!((o.outcome, o.done_tick), (Outcome::Met, Some(520)));
    let es = vec![fired, by(500 + expect.within_s + 1, expect.role)];
    let o = run(objectives::injects, &es, 5000, true, p);
    assert_eq!(o.outcome, Outcome::MetLate);
}

#[test]
fn awareness_compares_reports_with_the_answer_key() {
    let s = scenario();
    let es = vec![
        fault_on(100),
        owner(150, What::Declared),
        report(200, 10, "Card payments (payments gateway)", "Kanto stores; Kansai is fine"),
        report(300, 10, "pos", "Kansai"),
        fault_off(400),
        report(500, 10, "nothing", "none"),
    ];
    let f = Facts::new(&es, 1000, true);
    let a = awareness::assess(&f, &s);
    let pct: Vec<u32> = a.reports.iter().map(|r| r.accuracy_pct).collect();
    assert_eq!(pct[0], 100, "{a:?}");
    assert!(pct[1] < 50, "{a:?}");
    assert_eq!(pct[2], 100, "{a:?}");
    assert_eq!(a.accuracy_pct, Some((pct[0] + pct[1] + pct[2]) / 3));
}

#[test]
fn a_perfect_response_meets_more_objectives_than_none() {
    let s = scenario();
    let none = simulate(&s, 3, BotSkill::None);
    let perfect = simulate(&s, 3, BotSkill::Perfect);
    let met = |r: &Review| r.objectives.iter().filter(|o| o.outcome == Outcome::Met).count();
    assert!(met(&perfect) > met(&none), "perfect {} none {}", met(&perfect), met(&none));
    assert!(perfect.scores.team_points > none.scores.team_points);
    assert_eq!(met(&none), 0);
    assert_eq!(none.outcome.place_pct, Some(0));
    assert_eq!(perfect.outcome.place_pct, Some(100));
    assert!(perfect.chart.minutes.len() as u64 == s.duration_s / 60);
    assert!(perfect.timeline.iter().any(|e| matches!(e.what, What::Declared)));
    // The same run gives the same review.
    assert_eq!(simulate(&s, 3, BotSkill::Perfect), perfect);
}

#[test]
fn exports_escape_user_text() {
    let s = scenario();
    let mut r = simulate(&s, 3, BotSkill::Perfect);
    r.improvements.push(Improvement {
        text: "<script>alert(1)</script> | \"quoted\"\nnext".into(),
        owner: "=cmd".into(),
        by: "F".into(),
        tick: 1,
    });
    r.timeline.push(e(5, "=HYPERLINK(\"x\")", Some(Role::Engineer), What::Hypothesis { text: "a,\"b\"\nc".into() }));
    let html = export::html(&r);
    assert!(!html.contains("<script"), "unescaped HTML");
    assert!(html.contains("&lt;script&gt;"));
    let md = export::markdown(&r);
    assert!(md.contains("\\<script\\>"));
    assert!(!md.contains("\"quoted\"\nnext"));
    let csv = export::csv(&r);
    assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{csv}");
    assert!(csv.contains("\"hypothesis: a,\"\"b\"\"\nc\""));
    let json: Review = serde_json::from_str(&export::render(&r, export::Format::Json)).expect("JSON round trip");
    assert_eq!(json, r);
}

#[test]
fn a_phone_inject_is_answered_by_picking_up_its_call() {
    let s = scenario();
    let inject = s
        .injects
        .iter()
        .find(|i| i.expect.is_some() && i.channel == crate::scenario::InjectChannel::Phone)
        .expect("the scenario has a phone inject with an expectation");
    let role = inject.expect.as_ref().map(|x| x.role).expect("checked above");
    let fired = world(500, What::InjectFired { inject: inject.id.clone(), text: inject.text.clone() });
    let p = Params { target_s: 0, zero_s: 0, weight: 2 };
    let chat = e(510, "P", Some(role), What::Message { channel: crate::protocol::Channel::Support, text: "hi".into() });
    let take = |tick, which: Option<&str>| {
        let what = What::CallTaken { call: 1, caller: "x".into(), inject: which.map(str::to_string), wait_s: 10 };
        e(tick, "P", Some(role), what)
    };
    let es = vec![fired.clone(), chat, take(520, None)];
    assert_eq!(run(objectives::injects, &es, 5000, true, p).outcome, Outcome::Missed, "another call does not count");
    let es = vec![fired, take(530, Some(inject.id.as_str()))];
    let o = run(objectives::injects, &es, 5000, true, p);
    assert_eq!((o.outcome, o.done_tick), (Outcome::Met, Some(530)));
}

#[test]
fn desk_objectives_count_calls_and_escalations() {
    let p = Params { target_s: 60, zero_s: 60, weight: 10 };
    let taken = |tick, wait_s| {
        e(tick, "A", Some(Role::SupportAgent), What::CallTaken { call: 0, caller: "x".into(), inject: None, wait_s })
    };
    let gone = |tick| world(tick, What::CallAbandoned { call: 0, caller: "x".into() });
    // 8 of 10 within a minute: met; 1 of 10 abandoned: met.
    let mut es: Vec<Entry> = (0..8).map(|i| taken(100 + i, 30)).collect();
    es.push(taken(200, 120));
    es.push(gone(300));
    let o = run(objectives::calls_answered, &es, 3000, true, p);
    assert_eq!((o.outcome, o.points), (Outcome::Met, 10));
    let o = run(objectives::calls_abandoned, &es, 3000, true, p);
    assert_eq!((o.outcome, o.points), (Outcome::Met, 10));
    // Half abandoned: both missed or late, with fewer points.
    let es: Vec<Entry> = (0..5).map(|i| taken(100 + i, 30)).chain((0..5).map(|i| gone(200 + i))).collect();
    let o = run(objectives::calls_answered, &es, 3000, true, p);
    assert_eq!((o.outcome, o.points), (Outcome::MetLate, 6));
    let o = run(objectives::calls_abandoned, &es, 3000, true, p);
    assert_eq!(o.outcome, Outcome::Missed);
    assert!(o.points < 10);
    // No calls at all: not applicable.
    let o = run(objectives::calls_answered, &[], 3000, true, p);
    assert_eq!(o.outcome, Outcome::NotApplicable);
    // One escalation costs a third and misses the objective.
    let es = vec![
        e(100, "S", Some(Role::Sales), What::ClientAnswered { client: "c".into(), text: "x".into() }),
        world(400, What::ClientEscalated { client: "c".into() }),
    ];
    let o = run(objectives::client_escalations, &es, 3000, true, p);
    assert_eq!((o.outcome, o.points), (Outcome::Missed, 6));
}

#[test]
fn identifying_counts_a_hypothesis_or_the_right_fix() {
    let s = scenario();
    let p = Params { target_s: 600, zero_s: 1800, weight: 10 };
    let hypothesis = e(400, "Mai", Some(Role::Engineer), What::Hypothesis { text: "TLS".into() });
    let o = run(objectives::identify, &[fault_on(100), hypothesis], 3000, true, p);
    assert_eq!((o.outcome, o.done_tick, o.points), (Outcome::Met, Some(400), 10));
    let fix = s.faults[0].fixed_by[0];
    let action = s.actions[fix].id.clone();
    let started = e(1000, "Mai", Some(Role::Engineer), What::ActionStarted { action, label: String::new() });
    let o = run(objectives::identify, &[fault_on(100), started], 3000, true, p);
    assert_eq!(o.outcome, Outcome::MetLate, "the right fix 15 minutes in");
    let o = run(objectives::identify, &[fault_on(100)], 3000, true, p);
    assert_eq!(o.outcome, Outcome::Missed);
    let o = run(objectives::identify, &[], 3000, true, p);
    assert_eq!(o.outcome, Outcome::NotApplicable, "no fault, nothing to identify");
}

/// The lunch-peak scenario with `extra` lines after its fault's fixes.
fn lunch_with(fault_extra: &str, tail: &str) -> Scenario {
    let text = include_str!("../../../scenarios/lunch-peak-pos-outage.toml");
    let fixes = "fixed_by = [\"rollback-payments\"]";
    assert!(text.contains(fixes));
    let text = format!("{}\n{tail}", text.replacen(fixes, &format!("{fixes}\n{fault_extra}"), 1));
    crate::scenario::parse(&text).unwrap_or_else(|p| panic!("{p:?}"))
}

#[test]
fn doing_nothing_earns_no_mitigation_and_misses_the_notices() {
    // The fault heals by itself ten minutes in, while nobody does anything.
    let s = lunch_with("recovers_after_min = 10", "");
    let r = simulate(&s, 3, BotSkill::None);
    let get = |key: &str| r.objectives.iter().find(|o| o.key == key).unwrap_or_else(|| panic!("no {key}")).clone();
    let m = get("mitigate");
    assert_eq!((m.outcome, m.points), (Outcome::Missed, 0), "self-recovery is not mitigation: {m:?}");
    assert!(m.max > 0);
    for key in ["first_notice", "scoping_notice", "notice_cadence", "report_cadence"] {
        let o = get(key);
        assert_eq!((o.outcome, o.points), (Outcome::Missed, 0), "{key}: not declaring is a miss: {o:?}");
        assert!(o.max > 0, "{key} counts");
    }
    assert_eq!(r.summary.mitigated_at_s, None, "the summary does not call it mitigated either");
    assert_eq!(r.summary.score, r.scores.team_pct);
    assert!(r.summary.score <= 10, "doing nothing scores (almost) nothing: {}", r.summary.score);
}

#[test]
fn the_headline_score_is_the_reviews_and_follows_the_scenarios_objectives() {
    let s = scenario();
    let r = simulate(&s, 3, BotSkill::Good);
    assert_eq!(r.summary.score, r.scores.team_pct);
    assert_eq!(crate::sim::simulate(&s, 3, BotSkill::Good), r.summary, "simulate prints the review's score");
    let parts: u32 = r.summary.score_parts.iter().map(|p| p.max).sum();
    assert_eq!(parts, r.scores.team_max, "the parts are the objectives that count");
    // Only declaring counts here: the same run scores its declaration.
    let only = lunch_with("", "[[objectives]]\nkind = \"declare\"\ntarget_min = 1\nzero_min = 2\nweight = 100\n");
    let o = simulate(&only, 3, BotSkill::Good);
    assert_eq!(o.summary.score_parts.len(), 1, "{:?}", o.summary.score_parts);
    assert_eq!(o.summary.score_parts[0].key, "declare");
    let d = &o.objectives[0];
    assert_eq!(o.summary.score, d.points * 100 / d.max);
    assert_ne!(o.summary.score, r.summary.score, "the scenario's objectives change the score");
}

#[test]
fn inject_points_stay_in_proportion_to_the_objectives_weight() {
    let s = crate::scenario::parse(include_str!("../../../scenarios/mobile-order-silent-loss.toml"))
        .unwrap_or_else(|p| panic!("{p:?}"));
    let weight = s.objectives.iter().find(|o| o.kind == crate::scenario::ObjectiveKind::Injects).map(|o| o.weight);
    let r = simulate(&s, s.seed, BotSkill::Perfect);
    let injects: u32 = r.objectives.iter().filter(|o| o.key.starts_with("inject:")).map(|o| o.max).sum();
    assert!(injects > 0);
    assert!(injects <= weight.unwrap_or(0), "injects weigh {injects} of {}", r.scores.team_max);
    assert!(injects * 100 / r.scores.team_max <= 25, "injects are not most of the score");
}

#[test]
fn resolving_between_two_waves_is_premature() {
    let pause = world(400, What::FaultStopped { fault: "gateway-tls".into(), ended: false, fixed: false });
    let es = vec![
        fault_on(100),
        owner(200, What::Declared),
        pause,
        owner(500, What::Phase { phase: Phase::Resolved }),
        fault_on(700),
    ];
    let o = run(objectives::premature_resolve, &es, 3000, true, Params { target_s: 0, zero_s: 0, weight: 10 });
    assert_eq!((o.outcome, o.points, o.max), (Outcome::Missed, 0, 10), "the fault was only paused: {o:?}");
    let o = run(objectives::resolve, &es, 3000, true, Params { target_s: 600, zero_s: 1800, weight: 10 });
    assert_eq!((o.outcome, o.points), (Outcome::Missed, 0), "a resolution that did not hold earns nothing");
}

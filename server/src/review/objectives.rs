//! Objectives: time-bound expectations, each met, met late or missed when
//! its window closes (the way exercise platforms score injects).
//!
//! Every rule is one function in [`RULES`]; a scenario's `[[objectives]]`
//! pick rules through [`rules_for`] (a scenario that names none gets the
//! defaults of `scenario::default_objectives`, written there only). To add
//! an objective, write its function, add it to `RULES` and to the kind
//! that stands for it in `rules_for`: nothing else changes.

use serde::{Deserialize, Serialize};

use super::Text;
use super::facts::Facts;
use super::record::{Entry, What};
use crate::protocol::Role;
use crate::scenario::{Objective as ScenarioObjective, ObjectiveKind, Scenario};

/// How an objective turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Done by its due tick.
    Met,
    /// Done, but after its due tick.
    MetLate,
    /// Not done, and its window has closed.
    Missed,
    /// Its window is still open (a running drill).
    Pending,
    /// What it measures never arose (e.g. no fault, no declaration).
    NotApplicable,
}

/// One objective's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    /// Stable key, e.g. `declare` or `inject:cto-eta`.
    pub key: String,
    /// Short name.
    pub label: Text,
    /// The rule, in words, with its numbers.
    pub rule: Text,
    /// The role responsible for it, if one is.
    pub role: Option<Role>,
    /// Tick its clock started (the event it answers).
    pub start_tick: Option<u64>,
    /// Tick it was due.
    pub due_tick: Option<u64>,
    /// Tick it was done.
    pub done_tick: Option<u64>,
    /// Who did it.
    pub done_by: Option<String>,
    /// Done minus due, seconds (negative: early).
    pub margin_s: Option<i64>,
    /// The result.
    pub outcome: Outcome,
    /// Points earned.
    pub points: u32,
    /// Points possible (0 when not applicable).
    pub max: u32,
}

/// A rule's numbers: full points up to `target_s`, none from `zero_s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Seconds allowed (the rule says from when).
    pub target_s: u64,
    /// Seconds after which lateness earns nothing.
    pub zero_s: u64,
    /// Points when met.
    pub weight: u32,
}

/// A rule: evaluates into zero or more objectives.
pub type Rule = fn(&Facts, &Scenario, Params) -> Vec<Objective>;

/// Every rule, by key.
pub const RULES: &[(&str, Rule)] = &[
    ("declare", declare),
    ("first_notice", first_notice),
    ("scoping_notice", scoping_notice),
    ("notice_cadence", notice_cadence),
    ("final_notice", final_notice),
    ("report_cadence", report_cadence),
    ("identify", identify),
    ("mitigate", mitigate),
    ("resolve", resolve),
    ("premature_resolve", premature_resolve),
    ("injects", injects),
    ("calls_answered", calls_answered),
    ("calls_abandoned", calls_abandoned),
    ("client_escalations", client_escalations),
];

const fn p(target_min: u64, zero_min: u64, weight: u32) -> Params {
    Params { target_s: target_min * 60, zero_s: zero_min * 60, weight }
}

/// Splits `weight` by `shares` (percentages adding up to 100) so that the
/// parts add up to `weight` exactly: the last part takes the remainder.
fn split(weight: u32, shares: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = shares.iter().map(|s| weight * s / 100).collect();
    let given: u32 = out.iter().sum();
    if let Some(last) = out.last_mut() {
        *last += weight - given.min(weight);
    }
    out
}

/// The rules a scenario's objective stands for, with their numbers: a
/// kind's weight is split between its rules (the parts add up to it), and
/// its target and cut-off time the main rule; the secondary rules' times
/// follow from them.
pub fn rules_for(o: &ScenarioObjective) -> Vec<(&'static str, Params)> {
    let w = o.weight;
    // Validation fills in every timed kind's default times; these only
    // guard a hand-built scenario.
    let target = o.target_s.unwrap_or(5 * 60);
    let zero = o.zero_s.unwrap_or(target * 4).max(target);
    let at = |target_s: u64, zero_s: u64, weight: u32| Params { target_s, zero_s: zero_s.max(target_s), weight };
    match o.kind {
        ObjectiveKind::Declare => vec![("declare", at(target, zero, w))],
        ObjectiveKind::Notice => {
            let [a, b] = split(w, &[70, 30])[..] else { return Vec::new() };
            vec![("first_notice", at(target, zero, a)), ("scoping_notice", at(target + 300, zero + 300, b))]
        }
        ObjectiveKind::Updates => {
            let [a, b] = split(w, &[50, 50])[..] else { return Vec::new() };
            vec![("notice_cadence", at(target, zero, a)), ("report_cadence", p(15, 10, b))]
        }
        ObjectiveKind::Mitigate => {
            let [a, b] = split(w, &[75, 25])[..] else { return Vec::new() };
            vec![("mitigate", at(target, zero, a)), ("identify", at(target * 2 / 3, zero * 2 / 3, b))]
        }
        ObjectiveKind::Resolve => {
            let [a, b, c] = split(w, &[50, 25, 25])[..] else { return Vec::new() };
            vec![
                ("resolve", at(target, zero, a)),
                ("final_notice", at(target / 2, zero * 2 / 3, b)),
                ("premature_resolve", p(0, 0, c)),
            ]
        }
        ObjectiveKind::Injects => vec![("injects", p(0, 0, w))],
        ObjectiveKind::Calls => {
            let [a, b, c] = split(w, &[40, 30, 30])[..] else { return Vec::new() };
            vec![
                ("calls_answered", Params { target_s: target, zero_s: target, weight: a }),
                ("calls_abandoned", p(0, 0, b)),
                ("client_escalations", p(0, 0, c)),
            ]
        }
        // Shown in the review (awareness, business outcome, the desk
        // figures of the summary), not scored: validation keeps their
        // weight at 0.
        ObjectiveKind::HoldTime | ObjectiveKind::LostRevenue | ObjectiveKind::Awareness => Vec::new(),
    }
}

/// The plan for a scenario: the rules of its objectives (validation gives
/// a scenario that names none [`crate::scenario::default_objectives`]).
/// This is the only scoring rulebook: the review, the end-of-drill
/// summary, the history and every export score by it.
pub fn plan(s: &Scenario) -> Vec<(&'static str, Params)> {
    s.objectives.iter().flat_map(rules_for).collect()
}

/// Evaluates every objective of the plan.
pub fn evaluate(facts: &Facts, s: &Scenario, plan: &[(&'static str, Params)]) -> Vec<Objective> {
    let mut out = Vec::new();
    for (key, params) in plan {
        if let Some((_, rule)) = RULES.iter().find(|(k, _)| k == key) {
            out.extend(rule(facts, s, *params));
        }
    }
    out
}

/// Points for being `late_s` late: all up to 0, none from `span_s`.
fn late_points(max: u32, late_s: u64, span_s: u64) -> u32 {
    if late_s == 0 {
        return max;
    }
    if late_s >= span_s || span_s == 0 {
        return 0;
    }
    (u64::from(max) * (span_s - late_s) / span_s) as u32
}

/// Builds a timed objective: clock from `start`, due at `due`, no points
/// from `zero`, done by `done` (if it was).
#[expect(clippy::too_many_arguments, reason = "one objective's whole definition")]
fn timed(
    key: &str,
    label: Text,
    rule: Text,
    role: Option<Role>,
    f: &Facts,
    start: u64,
    due: u64,
    zero: u64,
    done: Option<&Entry>,
    max: u32,
) -> Objective {
    let (outcome, points) = match done {
        Some(e) if e.tick <= due => (Outcome::Met, max),
        Some(e) => (Outcome::MetLate, late_points(max, e.tick - due, zero.saturating_sub(due))),
        None if f.ended || f.now >= zero => (Outcome::Missed, 0),
        None => (Outcome::Pending, 0),
    };
    Objective {
        key: key.to_string(),
        label,
        rule,
        role,
        start_tick: Some(start),
        due_tick: Some(due),
        done_tick: done.map(|e| e.tick),
        done_by: done.map(|e| e.who.clone()),
        margin_s: done.map(|e| e.tick as i64 - due as i64),
        outcome,
        points,
        max,
    }
}

/// An objective whose subject never arose.
fn not_applicable(key: &str, label: Text, rule: Text, role: Option<Role>) -> Objective {
    Objective {
        key: key.to_string(),
        label,
        rule,
        role,
        start_tick: None,
        due_tick: None,
        done_tick: None,
        done_by: None,
        margin_s: None,
        outcome: Outcome::NotApplicable,
        points: 0,
        max: 0,
    }
}

/// An objective that needs the declaration when nobody declared: missed
/// once the drill is over if there was something to declare (a signal or a
/// fault), pending before; not applicable only when nothing happened.
/// Not declaring is a miss, not an excuse.
fn undeclared(key: &str, label: Text, rule: Text, role: Option<Role>, f: &Facts, weight: u32) -> Objective {
    let mut o = not_applicable(key, label, rule, role);
    let Some(start) = f.first_signal.or(f.first_fault) else { return o };
    o.start_tick = Some(start);
    o.max = weight;
    o.outcome = if f.ended { Outcome::Missed } else { Outcome::Pending };
    o
}

fn min(s: u64) -> u64 {
    s / 60
}

fn t(en: String, ja: String) -> Text {
    Text { en, ja }
}

/// Time from the first signal to the declaration.
pub fn declare(f: &Facts, _: &Scenario, p: Params) -> Vec<Objective> {
    let label = t("Declare the emergency".into(), "緊急事態の発令".into());
    let rule = t(
        format!(
            "Declare within {} min of the first signal (first alert or first store calling); points fall to zero at {} min.",
            min(p.target_s),
            min(p.zero_s)
        ),
        format!(
            "最初の兆候（最初のアラートまたは店舗からの最初の電話）から{}分以内に発令する。{}分で0点。",
            min(p.target_s),
            min(p.zero_s)
        ),
    );
    let Some(signal) = f.first_signal else {
        return vec![not_applicable("declare", label, rule, Some(Role::IncidentOwner))];
    };
    let done = f.declared;
    // Declaring before the first signal counts as on time.
    let due = signal + p.target_s;
    vec![timed("declare", label, rule, Some(Role::IncidentOwner), f, signal, due, signal + p.zero_s, done, p.weight)]
}

/// The first external notice after the declaration.
pub fn first_notice(f: &Facts, _: &Scenario, p: Params) -> Vec<Objective> {
    let label = t("First external notice".into(), "最初の外部告知".into());
    let rule = t(
        format!(
            "Publish the first external notice within {} min of the declaration; zero points at {} min.",
            min(p.target_s),
            min(p.zero_s)
        ),
        format!("発令から{}分以内に最初の外部告知を出す。{}分で0点。", min(p.target_s), min(p.zero_s)),
    );
    let Some(d) = f.declared else {
        return vec![undeclared("first_notice", label, rule, Some(Role::CommsLead), f, p.weight)];
    };
    let done = f.notices.first().copied();
    vec![timed(
        "first_notice",
        label,
        rule,
        Some(Role::CommsLead),
        f,
        d.tick,
        d.tick + p.target_s,
        d.tick + p.zero_s,
        done,
        p.weight,
    )]
}

/// A second notice that scopes the problem.
pub fn scoping_notice(f: &Facts, _: &Scenario, p: Params) -> Vec<Objective> {
    let label = t("Scoping update".into(), "影響範囲の続報".into());
    let rule = t(
        format!(
            "Publish a second notice (scope: who is affected, what works) within {} min of the declaration, 5 min after the first; zero points at {} min.",
            min(p.target_s),
            min(p.zero_s)
        ),
        format!(
            "発令から{}分以内（最初の告知の5分後）に、影響範囲を伝える2回目の告知を出す。{}分で0点。",
            min(p.target_s),
            min(p.zero_s)
        ),
    );
    let Some(d) = f.declared else {
        return vec![undeclared("scoping_notice", label, rule, Some(Role::CommsLead), f, p.weight)];
    };
    let done = f.notices.get(1).copied();
    vec![timed(
        "scoping_notice",
        label,
        rule,
        Some(Role::CommsLead),
        f,
        d.tick,
        d.tick + p.target_s,
        d.tick + p.zero_s,
        done,
        p.weight,
    )]
}

/// Notices at least every `target_s` while the incident is open.
pub fn notice_cadence(f: &Facts, _: &Scenario, p: Params) -> Vec<Objective> {
    let label = t("Regular updates".into(), "定期的な続報".into());
    let rule = t(
        format!(
            "While the incident is open, never let more than {} min pass between two external notices; the longest gap counts, zero points at {} min.",
            min(p.target_s),
            min(p.zero_s)
        ),
        format!(
            "対応中は外部告知の間隔を{}分以内に保つ。最も長い間隔で判定し、{}分で0点。",
            min(p.target_s),
            min(p.zero_s)
        ),
    );
    let role = Some(Role::CommsLead);
    if f.declared.is_none() {
        return vec![undeclared("notice_cadence", label, rule, role, f, p.weight)];
    }
    let Some(first) = f.notices.first() else {
        // Declared, and not a single notice: the cadence never started.
        let mut o = undeclared("notice_cadence", label, rule, role, f, p.weight);
        if f.ended || f.resolved.is_some() {
            o.outcome = Outcome::Missed;
        }
        return vec![o];
    };
    let close = f.close();
    let mut prev = first.tick;
    // The worst gap: (its start, the notice that ended it, if one did).
    let mut worst: (u64, Option<&Entry>) = (prev, None);
    let mut worst_len = 0;
    for n in f.notices.iter().skip(1).filter(|n| n.tick <= close) {
        let gap = n.tick - prev;
        if gap > worst_len {
            worst = (prev, Some(*n));
            worst_len = gap;
        }
        prev = n.tick;
    }
    let tail = close.saturating_sub(prev);
    if tail > p.target_s && tail > worst_len {
        worst = (prev, None);
    }
    if worst.1.is_none() && tail <= p.target_s {
        // Every gap so far is within the limit; the last notice is "done"
        // for the next window, which is still open (or closed in time).
        let last = f.notices.iter().copied().rfind(|n| n.tick <= close);
        let mut o =
            timed("notice_cadence", label, rule, role, f, prev, prev + p.target_s, prev + p.zero_s, last, p.weight);
        o.outcome = Outcome::Met;
        o.points = p.weight;
        return vec![o];
    }
    let (start, done) = worst;
    let mut o =
        timed("notice_cadence", label, rule, role, f, start, start + p.target_s, start + p.zero_s, done, p.weight);
    if done.is_none() && f.resolved.is_some() {
        o.outcome = Outcome::Missed;
    }
    vec![o]
}

/// A final notice (status operational) at resolution.
pub fn final_notice(f: &Facts, _: &Scenario, p: Params) -> Vec<Objective> {
    let label = t("Final notice".into(), "最終告知".into());
    let rule = t(
        format!(
            "Once resolved, publish a notice with status \"operational\" within {} min (from the fix on counts); zero points at {} min.",
            min(p.target_s),
            min(p.zero_s)
        ),
        format!(
            "解決後{}分以内に、ステータス「正常稼働」の告知を出す（復旧後に出したものも可）。{}分で0点。",
            min(p.target_s),
            min(p.zero_s)
        ),
    );
    let Some(r) = f.resolved else {
        // Never resolved: the all-clear is missed once every fault is over
        // and the drill has ended (the resolve objective counts the
        // resolution itself).
        if f.declared.is_none() || f.mitigated.is_some() {
            let mut o = undeclared("final_notice", label, rule, Some(Role::CommsLead), f, p.weight);
            if f.declared.is_some() && !f.ended {
                o.outcome = Outcome::Pending;
            }
            return vec![o];
        }
        return vec![not_applicable("final_notice", label, rule, Some(Role::CommsLead))];
    };
    let from = f.mitigated.unwrap_or(r.tick).min(r.tick);
    let done = f.operational_notice_from(from);
    vec![timed(
        "final_notice",
        label,
        rule,
        Some(Role::CommsLead),
        f,
        r.tick,
        r.tick + p.target_s,
        r.tick + p.zero_s,
        done,
        p.weight,
    )]
}

/// Status reports at the owner's promised cadence.
pub fn report_cadence(f: &Facts, _: &Scenario, p: Params) -> Vec<Objective> {
    let label = t("Status reports on time".into(), "状況報告の約束どおりの更新".into());
    let rule = t(
        format!(
            "Post the first status report within {} min of the declaration, then each next one by the time the last one promised (next update); the latest one counts, zero points when {} min late.",
            min(p.target_s),
            min(p.zero_s)
        ),
        format!(
            "発令から{}分以内に最初の状況報告を出し、その後は前回約束した時刻までに次の報告を出す。最も遅れたもので判定し、{}分遅れで0点。",
            min(p.target_s),
            min(p.zero_s)
        ),
    );
    let role = Some(Role::IncidentOwner);
    let Some(d) = f.declared else {
        return vec![undeclared("report_cadence", label, rule, role, f, p.weight)];
    };
    let close = f.close();
    let mut due = d.tick + p.target_s;
    let mut start = d.tick;
    let mut worst: Option<(u64, u64, Option<&Entry>)> = None;
    let mut worst_late = 0;
    let mut last_on_time: Option<(u64, u64, &Entry)> = None;
    for r in f.reports.iter().copied().filter(|r| r.tick >= d.tick && r.tick <= close) {
        let late = r.tick.saturating_sub(due);
        if late > worst_late || (late > 0 && worst.is_none()) {
            worst = Some((start, due, Some(r)));
            worst_late = late;
        } else if late == 0 {
            last_on_time = Some((start, due, r));
        }
        start = r.tick;
        if let What::StatusReport { next_update_tick, .. } = r.what {
            due = next_update_tick;
        }
    }
    // The promise still open at the close (or now).
    if close > due && close - due > worst_late {
        worst = Some((start, due, None));
    }
    let o = match (worst, last_on_time) {
        (Some((s, due, done)), _) => {
            timed("report_cadence", label, rule, role, f, s, due, due + p.zero_s, done, p.weight)
        }
        (None, Some((s, due, done))) => {
            timed("report_cadence", label, rule, role, f, s, due, due + p.zero_s, Some(done), p.weight)
        }
        // Nothing late and no report yet: the first one is not due yet.
        (None, None) => timed("report_cadence", label, rule, role, f, start, due, due + p.zero_s, None, p.weight),
    };
    vec![o]
}

/// The team's own fixes: every fault it can fix (one with a fix in the
/// runbook) stopped by the team's action, each judged from its own start.
/// A fault that recovers by itself, or that a facilitator heals, earns
/// nothing: doing nothing must never look like mitigation. A relief (an
/// action in `relieved_by`) that took effect before the fault recovered by
/// itself earns half, timed at the relief.
pub fn mitigate(f: &Facts, s: &Scenario, p: Params) -> Vec<Objective> {
    let label = t("Mitigate".into(), "影響の緩和".into());
    let rule = t(
        format!(
            "Stop every fault that has a fix with the team's own action within {} min of its start; zero points at {} min. A fault that recovers by itself (or that a facilitator heals) earns nothing; one the team relieved before it recovered earns half. Points are shared equally between the faults.",
            min(p.target_s),
            min(p.zero_s)
        ),
        format!(
            "修正手段のある障害を、発生から{}分以内にチームの対処で止める。{}分で0点。自然に回復した（またはファシリテーターが止めた）障害は0点、回復前にチームが緩和していた障害は半分。点は障害ごとに等分。",
            min(p.target_s),
            min(p.zero_s)
        ),
    );
    let role = Some(Role::Engineer);
    let def = |id: &str| s.faults.iter().find(|x| x.id == id);
    let fixable: Vec<_> = f.faults.iter().filter(|r| def(&r.fault).is_some_and(|d| !d.fixed_by.is_empty())).collect();
    if fixable.is_empty() {
        return vec![not_applicable("mitigate", label, rule, role)];
    }
    // The team's relief of a fault: the first `relieved_by` action that
    // took effect while it was open.
    let relief = |r: &super::facts::FaultRun| {
        let d = def(&r.fault)?;
        f.entries.iter().find(|e| {
            e.tick >= r.started
                && r.ended.is_none_or(|end| e.tick <= end)
                && matches!(&e.what, What::ActionDone { action, .. }
                    if s.actions.iter().position(|a| a.id == *action).is_some_and(|i| d.relieved_by.contains(&i)))
        })
    };
    let span = p.zero_s.saturating_sub(p.target_s);
    let mut earned: u64 = 0;
    let (mut all_fixed, mut all_on_time, mut open) = (true, true, false);
    let mut last_fix: Option<u64> = None;
    let mut start = u64::MAX;
    for r in &fixable {
        start = start.min(r.started);
        let credit = |at: u64| {
            let took = at.saturating_sub(r.started);
            u64::from(late_points(1000, took.saturating_sub(p.target_s), span.max(1)))
        };
        match r.ended {
            Some(end) if r.fixed => {
                earned += credit(end);
                all_on_time &= end - r.started <= p.target_s;
                last_fix = last_fix.max(Some(end));
            }
            ended => {
                all_fixed = false;
                open |= ended.is_none();
                if ended.is_some()
                    && let Some(x) = relief(r)
                {
                    earned += credit(x.tick) / 2;
                }
            }
        }
    }
    // Credited to whoever ran the action that took effect at the last fix.
    let last = last_fix.filter(|_| all_fixed).and_then(|m| {
        f.entries
            .iter()
            .rev()
            .find(|e| e.tick == m && matches!(e.what, What::ActionDone { .. }))
            .or_else(|| f.entries.iter().find(|e| e.tick == m && matches!(e.what, What::FaultStopped { .. })))
    });
    let points = (u64::from(p.weight) * earned / (1000 * fixable.len() as u64)) as u32;
    let outcome = if all_fixed && all_on_time {
        Outcome::Met
    } else if all_fixed {
        Outcome::MetLate
    } else if open && !f.ended {
        Outcome::Pending
    } else {
        Outcome::Missed
    };
    let due = start + p.target_s;
    vec![Objective {
        key: "mitigate".into(),
        label,
        rule,
        role,
        start_tick: Some(start),
        due_tick: Some(due),
        done_tick: last.map(|e| e.tick),
        done_by: last.map(|e| e.who.clone()),
        margin_s: last.map(|e| e.tick as i64 - due as i64),
        outcome,
        points: if outcome == Outcome::Met { p.weight } else { points },
        max: p.weight,
    }]
}

/// Naming the cause: the first hypothesis stated, the phase set to
/// `identified`, or a right fix started, after the first fault started.
pub fn identify(f: &Facts, s: &Scenario, p: Params) -> Vec<Objective> {
    let label = t("Identify the cause".into(), "原因の特定".into());
    let rule = t(
        format!(
            "State a hypothesis about the cause (or set the phase to identified, or start a fix that is right) within {} min of the first fault starting; zero points at {} min.",
            min(p.target_s),
            min(p.zero_s)
        ),
        format!(
            "最初の障害発生から{}分以内に原因の仮説を示す（またはフェーズを「特定」にする、正しい対処を始める）。{}分で0点。",
            min(p.target_s),
            min(p.zero_s)
        ),
    );
    let Some(start) = f.first_fault else {
        return vec![not_applicable("identify", label, rule, Some(Role::Engineer))];
    };
    // Starting the right fix shows the cause was found, too.
    let right_fix = |action: &str| {
        s.actions.iter().position(|a| a.id == action).is_some_and(|i| s.faults.iter().any(|x| x.fixed_by.contains(&i)))
    };
    let done = f.entries.iter().find(|e| {
        e.tick >= start
            && e.by_team()
            && match &e.what {
                What::Hypothesis { .. } | What::Phase { phase: crate::protocol::Phase::Identified } => true,
                What::ActionStarted { action, .. } => right_fix(action),
                _ => false,
            }
    });
    vec![timed(
        "identify",
        label,
        rule,
        Some(Role::Engineer),
        f,
        start,
        start + p.target_s,
        start + p.zero_s,
        done,
        p.weight,
    )]
}

/// Setting `resolved` after the fix.
pub fn resolve(f: &Facts, _: &Scenario, p: Params) -> Vec<Objective> {
    let label = t("Resolve".into(), "解決の宣言".into());
    let rule = t(
        format!(
            "Set the phase to \"resolved\" within {} min of the last fault being fixed (after checking it stays fixed); zero points at {} min.",
            min(p.target_s),
            min(p.zero_s)
        ),
        format!(
            "最後の障害が直ってから{}分以内に（再発しないことを確認して）フェーズを「解決」にする。{}分で0点。",
            min(p.target_s),
            min(p.zero_s)
        ),
    );
    let Some(m) = f.mitigated else {
        if f.first_fault.is_some() && f.ended {
            let mut o = not_applicable("resolve", label, rule, Some(Role::IncidentOwner));
            o.outcome = Outcome::Missed;
            o.max = p.weight;
            return vec![o];
        }
        return vec![not_applicable("resolve", label, rule, Some(Role::IncidentOwner))];
    };
    let done = f.resolved.filter(|r| f.premature.last().is_none_or(|x| x.tick != r.tick));
    vec![timed("resolve", label, rule, Some(Role::IncidentOwner), f, m, m + p.target_s, m + p.zero_s, done, p.weight)]
}

/// No `resolved` while a fault was still active.
pub fn premature_resolve(f: &Facts, _: &Scenario, p: Params) -> Vec<Objective> {
    let label = t("No premature \"resolved\"".into(), "早すぎる「解決」宣言がない".into());
    let rule = t(
        "Never set \"resolved\" while a fault is still active (a resolution that has to be reopened misleads everyone).".into(),
        "障害が続いている間に「解決」にしない（再オープンが必要な解決宣言は全員を誤らせる）。".into(),
    );
    let role = Some(Role::IncidentOwner);
    let first_resolved =
        f.entries.iter().find(|e| matches!(e.what, What::Phase { phase: crate::protocol::Phase::Resolved }));
    let Some(first) = first_resolved else {
        return vec![not_applicable("premature_resolve", label, rule, role)];
    };
    let mut o = not_applicable("premature_resolve", label, rule, role);
    o.max = p.weight;
    o.start_tick = Some(first.tick);
    match f.premature.first() {
        Some(bad) => {
            o.outcome = Outcome::Missed;
            o.due_tick = Some(bad.tick);
            o.done_by = Some(bad.who.clone());
        }
        None => {
            o.outcome = Outcome::Met;
            o.points = p.weight;
            o.done_tick = Some(first.tick);
            o.done_by = Some(first.who.clone());
        }
    }
    vec![o]
}

/// Every fired inject's expected response, by the right role, in time. A
/// response is anything a seat (or bot) in that role posts or does after
/// the inject fired. Points: the rule's weight shared between the
/// scenario's injects that expect a response, in proportion to their own
/// weights, so injects weigh what the objective weighs however many there
/// are (one that never fired is not applicable).
pub fn injects(f: &Facts, s: &Scenario, p: Params) -> Vec<Objective> {
    let mut out = Vec::new();
    let total: u64 = s.injects.iter().filter(|i| i.expect.is_some()).map(|i| u64::from(i.weight.max(1))).sum();
    for e in f.entries {
        let What::InjectFired { inject, .. } = &e.what else { continue };
        let Some(def) = s.injects.iter().find(|i| i.id == *inject) else { continue };
        let Some(expect) = &def.expect else { continue };
        let key = format!("inject:{inject}");
        let label = t(format!("Inject \"{inject}\""), format!("インジェクト「{inject}」"));
        let note = if expect.note.is_empty() { String::new() } else { format!(" ({})", expect.note) };
        let role = expect.role;
        let rule = t(
            format!(
                "Someone in the role {} responds within {} min of the inject{note}; zero points at twice that.",
                super::role_name(role),
                min(expect.within_s).max(1)
            ),
            format!(
                "インジェクトから{}分以内に役割「{}」の誰かが対応する{note}。その2倍の時間で0点。",
                min(expect.within_s).max(1),
                super::role_name(role)
            ),
        );
        // A phone inject is answered by picking up its call; a LINE
        // message by answering its client; anything else by any action.
        let client = s.personas.get(def.persona).and_then(|p| p.client).and_then(|c| s.clients.get(c));
        let answers = |w: &What| match (def.channel, w) {
            (crate::scenario::InjectChannel::Phone, What::CallTaken { inject: i, .. }) => i.as_deref() == Some(inject),
            (crate::scenario::InjectChannel::Phone, _) => false,
            (crate::scenario::InjectChannel::LineChat, What::ClientAnswered { client: c, .. }) => {
                client.is_none_or(|cl| cl.id == *c)
            }
            _ => responds(w),
        };
        let done =
            f.entries.iter().find(|r| r.tick >= e.tick && r.by_team() && r.role == Some(role) && answers(&r.what));
        let max =
            (u64::from(p.weight) * u64::from(def.weight.max(1)) / total.max(1)).max(u64::from(p.weight > 0)) as u32;
        out.push(timed(
            &key,
            label,
            rule,
            Some(role),
            f,
            e.tick,
            e.tick + expect.within_s,
            e.tick + 2 * expect.within_s,
            done,
            max,
        ));
    }
    out
}

/// Whether an entry counts as responding to something.
fn responds(w: &What) -> bool {
    matches!(
        w,
        What::Message { .. }
            | What::Notice { .. }
            | What::StatusReport { .. }
            | What::Hypothesis { .. }
            | What::ActionStarted { .. }
            | What::Phase { .. }
            | What::Declared
            | What::CallTaken { .. }
            | What::ClientAnswered { .. }
    )
}

/// A share-based objective: `good` of `total` percent, met at `met_pct`,
/// late (partly) at `late_pct`.
#[expect(clippy::too_many_arguments, reason = "one objective's whole definition")]
fn share(
    key: &str,
    label: Text,
    rule: Text,
    role: Role,
    pct: u64,
    met_pct: u64,
    late_pct: u64,
    weight: u32,
) -> Objective {
    let mut o = not_applicable(key, label, rule, Some(role));
    o.max = weight;
    o.points = (u64::from(weight) * pct.min(met_pct) / met_pct.max(1)) as u32;
    o.outcome = if pct >= met_pct {
        Outcome::Met
    } else if pct >= late_pct {
        Outcome::MetLate
    } else {
        Outcome::Missed
    };
    o
}

/// Calls picked up within the target wait, of every call that was picked
/// up or abandoned. Full points at 80 % or more.
pub fn calls_answered(f: &Facts, _: &Scenario, p: Params) -> Vec<Objective> {
    let label = t("Calls answered quickly".into(), "電話への迅速な応答".into());
    let rule = t(
        format!(
            "At least 80% of the calls that rang are picked up within {} s (calls still ringing at the end do not count); points in proportion below that.",
            p.target_s
        ),
        format!(
            "鳴った電話の80%以上に{}秒以内に応答する（終了時に呼出中のものは除く）。それ未満は割合に応じた点。",
            p.target_s
        ),
    );
    let waits: Vec<u64> = f
        .entries
        .iter()
        .filter_map(|e| if let What::CallTaken { wait_s, .. } = e.what { Some(wait_s) } else { None })
        .collect();
    let abandoned = f.entries.iter().filter(|e| matches!(e.what, What::CallAbandoned { .. })).count() as u64;
    let total = waits.len() as u64 + abandoned;
    if total == 0 {
        return vec![not_applicable("calls_answered", label, rule, Some(Role::SupportAgent))];
    }
    let fast = waits.iter().filter(|&&w| w <= p.target_s).count() as u64;
    vec![share("calls_answered", label, rule, Role::SupportAgent, fast * 100 / total, 80, 50, p.weight)]
}

/// Few callers hang up: at most 10 % of the calls that rang.
pub fn calls_abandoned(f: &Facts, _: &Scenario, p: Params) -> Vec<Objective> {
    let label = t("Few abandoned calls".into(), "放棄呼が少ない".into());
    let rule = t(
        "At most 10% of the calls that rang end with the caller hanging up (in the queue or on hold); points fall with the share abandoned.".into(),
        "鳴った電話のうち、相手が切ってしまった（待ちや保留中に）ものが10%以下。放棄の割合に応じて減点。".into(),
    );
    let taken = f.entries.iter().filter(|e| matches!(e.what, What::CallTaken { .. })).count() as u64;
    let abandoned = f.entries.iter().filter(|e| matches!(e.what, What::CallAbandoned { .. })).count() as u64;
    let total = taken + abandoned;
    if total == 0 {
        return vec![not_applicable("calls_abandoned", label, rule, Some(Role::SupportLead))];
    }
    // 10 % abandoned or fewer is full marks; every further point costs.
    let kept = 100 - abandoned * 100 / total;
    vec![share("calls_abandoned", label, rule, Role::SupportLead, kept, 90, 70, p.weight)]
}

/// Corporate clients are answered before they escalate.
pub fn client_escalations(f: &Facts, _: &Scenario, p: Params) -> Vec<Objective> {
    let label = t("No client escalations".into(), "法人顧客のエスカレーションなし".into());
    let rule = t(
        "No corporate client escalates (a client escalates when its message goes unanswered for 5 minutes, or when it is told all is well while its stores still fail); a third of the points lost per escalation.".into(),
        "法人顧客がエスカレーションしない（5分間返答がない、または店舗で障害が続くのに復旧と伝えられるとエスカレーションする）。1回ごとに3分の1を減点。".into(),
    );
    let answered = f.entries.iter().filter(|e| matches!(e.what, What::ClientAnswered { .. })).count() as u64;
    let escalations = f.entries.iter().filter(|e| matches!(e.what, What::ClientEscalated { .. })).count() as u64;
    if answered + escalations == 0 {
        return vec![not_applicable("client_escalations", label, rule, Some(Role::Sales))];
    }
    let kept = 100u64.saturating_sub(escalations * 100 / 3);
    let mut o = share("client_escalations", label, rule, Role::Sales, kept, 100, 34, p.weight);
    if escalations > 0 && o.outcome == Outcome::MetLate {
        o.outcome = Outcome::Missed;
    }
    vec![o]
}

//! Scores per role, per person and for the team, from the objectives.
//!
//! An objective's points go to the role responsible for it and to the
//! person (or bot) whose action completed it; every other significant
//! thing a person did is counted for them too, so the review shows who did
//! what even where it earned no points.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::objectives::{Objective, Outcome};
use super::record::{Entry, What};
use crate::protocol::Role;

/// Points of one role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleScore {
    /// The role.
    pub role: Role,
    /// Points earned by objectives this role is responsible for.
    pub points: u32,
    /// Points possible.
    pub max: u32,
}

/// What one person did that counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonScore {
    /// Display name.
    pub name: String,
    /// Roles they acted in.
    pub roles: Vec<Role>,
    /// Points of objectives their action completed.
    pub points: u32,
    /// Keys of those objectives.
    pub objectives: Vec<String>,
    /// How many of each significant kind of thing they did, by kind.
    pub did: BTreeMap<String, u32>,
}

/// Every score, with the rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Team points (all objectives).
    pub team_points: u32,
    /// Team points possible.
    pub team_max: u32,
    /// Points as a percentage of the possible, 0..=100.
    pub team_pct: u32,
    /// Objectives met on time, late, missed.
    pub met: u32,
    /// Objectives met late.
    pub met_late: u32,
    /// Objectives missed.
    pub missed: u32,
    /// Per role, in the protocol's role order.
    pub roles: Vec<RoleScore>,
    /// Per person, by name.
    pub people: Vec<PersonScore>,
    /// How the scores are made, in words.
    pub rule: super::Text,
}

/// Adds up the objectives and who did what.
pub fn score(objectives: &[Objective], entries: &[Entry]) -> Scores {
    let team_points = objectives.iter().map(|o| o.points).sum();
    let team_max: u32 = objectives.iter().map(|o| o.max).sum();
    let count = |x: Outcome| objectives.iter().filter(|o| o.outcome == x).count() as u32;
    let mut roles: BTreeMap<Role, (u32, u32)> = BTreeMap::new();
    for o in objectives.iter().filter(|o| o.max > 0) {
        if let Some(r) = o.role {
            let e = roles.entry(r).or_default();
            e.0 += o.points;
            e.1 += o.max;
        }
    }
    let mut people: BTreeMap<String, PersonScore> = BTreeMap::new();
    let person = |people: &mut BTreeMap<String, PersonScore>, name: &str| {
        people.entry(name.to_string()).or_insert_with(|| PersonScore {
            name: name.to_string(),
            roles: Vec::new(),
            points: 0,
            objectives: Vec::new(),
            did: BTreeMap::new(),
        });
    };
    for e in entries.iter().filter(|e| e.by_team() && !matches!(e.what, What::ActionDone { .. })) {
        person(&mut people, &e.who);
        if let Some(p) = people.get_mut(&e.who) {
            if let Some(r) = e.role
                && !p.roles.contains(&r)
            {
                p.roles.push(r);
            }
            *p.did.entry(super::kind(&e.what).to_string()).or_default() += 1;
        }
    }
    for o in objectives.iter().filter(|o| o.points > 0) {
        if let Some(name) = o.done_by.as_deref().filter(|n| !n.is_empty()) {
            person(&mut people, name);
            if let Some(p) = people.get_mut(name) {
                p.points += o.points;
                p.objectives.push(o.key.clone());
            }
        }
    }
    Scores {
        team_points,
        team_max,
        team_pct: (team_points * 100).checked_div(team_max).unwrap_or(0),
        met: count(Outcome::Met),
        met_late: count(Outcome::MetLate),
        missed: count(Outcome::Missed),
        roles: Role::ALL
            .iter()
            .filter_map(|r| roles.get(r).map(|(p, m)| RoleScore { role: *r, points: *p, max: *m }))
            .collect(),
        people: people.into_values().collect(),
        rule: super::Text {
            en: "Each objective earns its full points when met on time, falls linearly to zero between its due time and \
                 its cut-off when met late, and earns nothing when missed. The team scores every objective; a role \
                 scores the objectives it is responsible for; a person scores the objectives their own action \
                 completed. What each person did is counted as well."
                .into(),
            ja: "各目標は期限内なら満点、遅れた場合は期限から打ち切りまでに直線的に0点へ、未達は0点。チームは全目標、\
                 役割は担当する目標、個人は自分の行動で達成した目標の点を得る。各人の行動の回数も数える。"
                .into(),
        },
    }
}

//! The after-action review: objectives met or missed, situational
//! awareness, the business outcome against two bot baselines, the timeline
//! with a chart, scores per role, person and team, the facilitators'
//! ratings and the improvement plan.
//!
//! A [`Review`] is computed from a drill's recorded input log by replaying
//! it (`drill::replay_for_review`), or from a headless bot run
//! ([`simulate`]); both go through [`record::Entry`] and [`build`], so the
//! live view, a replay and the command line agree. Nothing here reads the
//! clock or iterates a hash map: the same log gives the same review.
//!
//! One file per concern: `record` (what happened), `facts` (derived
//! moments), `objectives` (the rules), `awareness`, `outcome` (baselines),
//! `chart`, `scores`, and `export` (Markdown, HTML, CSV).

mod awareness;
mod chart;
pub mod export;
mod facts;
mod objectives;
mod outcome;
mod record;
mod scores;

use serde::{Deserialize, Serialize};

pub use awareness::{Awareness, ReportCheck};
pub use chart::{Chart, Mark, MinutePoint};
pub use objectives::{Objective, Outcome as ObjectiveOutcome, Params, RULES};
pub use outcome::{Cost, Outcome};
pub use record::{Entry, Improvement, Rating, Recorder, What};
pub use scores::{PersonScore, RoleScore, Scores};

use crate::protocol::{CapabilityRating, Role, ScorePart, Summary};
use crate::scenario::Scenario;
use crate::sim::{BotSkill, Crew, Sim};

/// Most ratings, and most improvement items, one drill keeps.
pub const REVIEW_ITEMS_MAX: usize = 200;

/// Longest capability name, in characters.
pub const CAPABILITY_CHARS_MAX: usize = 80;

/// A text in English and Japanese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// English.
    pub en: String,
    /// Japanese.
    pub ja: String,
}

impl Text {
    /// The text in `lang` (Japanese for `ja*`, else English).
    pub fn get(&self, lang: &str) -> &str {
        if lang.starts_with("ja") { &self.ja } else { &self.en }
    }
}

/// The whole after-action review of one drill (or one bot run).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    /// The drill's id; `None` for a headless run.
    pub drill: Option<String>,
    /// Scenario id.
    pub scenario: String,
    /// Scenario title.
    pub title: String,
    /// Scenario language (BCP 47).
    pub language: String,
    /// World seed.
    pub seed: u64,
    /// The tick the review is as of.
    pub ticks: u64,
    /// Whether the drill had ended (else the review is provisional).
    pub ended: bool,
    /// The end-of-drill summary (the short score).
    pub summary: Summary,
    /// Every objective, in plan order.
    pub objectives: Vec<Objective>,
    /// Situational awareness of the status reports.
    pub awareness: Awareness,
    /// Lost revenue and stores against the two baselines.
    pub outcome: Outcome,
    /// Every significant entry, by tick.
    pub timeline: Vec<Entry>,
    /// Per-minute series with the team's actions marked.
    pub chart: Chart,
    /// Scores per role, person and team.
    pub scores: Scores,
    /// Facilitators' capability ratings (latest per capability).
    pub ratings: Vec<Rating>,
    /// The improvement plan.
    pub improvements: Vec<Improvement>,
}

/// What a replayed drill leaves for the review.
pub struct Replayed {
    /// The drill's id.
    pub drill: Option<String>,
    /// World seed.
    pub seed: u64,
    /// Whether the drill ended.
    pub ended: bool,
    /// Its summary as of the last tick.
    pub summary: Summary,
    /// What the team and the world did (world entries not yet added).
    pub entries: Vec<Entry>,
    /// Ratings given.
    pub ratings: Vec<Rating>,
    /// The improvement plan.
    pub improvements: Vec<Improvement>,
    /// The world as of the last tick.
    pub sim: Sim,
}

/// The score of a drill by its scenario's objectives (the only rulebook),
/// from its entries as of the world's tick: the team's percentage of the
/// points possible, and one part per objective that counts.
fn score_of(objectives: &[Objective], timeline: &[Entry]) -> (Scores, Vec<ScorePart>) {
    let scores = scores::score(objectives, timeline);
    let parts = objectives
        .iter()
        .filter(|o| o.max > 0)
        .map(|o| ScorePart { key: o.key.clone(), points: o.points, max: o.max })
        .collect();
    (scores, parts)
}

/// The end-of-drill summary of a world, with its score from the review's
/// objectives evaluated on `entries` (what the drill task recorded, or what
/// a headless run emitted), so the end banner, the history, the review and
/// every export show the same number. `ended`: whether the drill is over
/// (open windows close then).
pub fn summary(sim: &mut Sim, seed: u64, entries: Vec<Entry>, ended: bool) -> Summary {
    let s = sim.scenario().clone();
    let timeline = record::finish(entries, sim);
    let facts = facts::Facts::new(&timeline, sim.tick(), ended);
    let objectives = objectives::evaluate(&facts, &s, &objectives::plan(&s));
    let (scores, parts) = score_of(&objectives, &timeline);
    sim.summary(seed, scores.team_pct, parts)
}

/// Computes the review of a replayed drill (runs the two baselines).
pub fn build(r: Replayed) -> Review {
    let s = r.sim.scenario().clone();
    let ticks = r.sim.tick();
    let timeline = record::finish(r.entries, &r.sim);
    let facts = facts::Facts::new(&timeline, ticks, r.ended);
    let objectives = objectives::evaluate(&facts, &s, &objectives::plan(&s));
    let awareness = awareness::assess(&facts, &s);
    let outcome = outcome::compare(&s, r.seed, ticks, outcome::cost(&r.sim));
    let chart = chart::build(&r.sim, &timeline);
    let (scores, parts) = score_of(&objectives, &timeline);
    // One score everywhere: the summary's is the review's (the same
    // entries give the same number; this makes it so by construction).
    let mut summary = r.summary;
    summary.score = scores.team_pct;
    summary.score_parts = parts;
    Review {
        drill: r.drill,
        scenario: s.id.clone(),
        title: s.title.clone(),
        language: s.language.clone(),
        seed: r.seed,
        ticks,
        ended: r.ended,
        summary,
        objectives,
        awareness,
        outcome,
        timeline,
        chart,
        scores,
        ratings: r.ratings,
        improvements: r.improvements,
    }
}

/// Runs a whole scenario headless with bots of `skill` in every role, as
/// `firedrill simulate` does: the world at its end and what happened.
fn run_headless(s: &Scenario, seed: u64, skill: BotSkill) -> (Sim, Vec<Entry>) {
    let mut sim = Sim::new(s, seed, Crew::everyone(skill));
    let ticks = s.duration_s / crate::limits::TICK_DRILL_SECONDS;
    let mut entries = Vec::new();
    let mut faults = record::SimFaults::default();
    for _ in 0..ticks {
        let events = sim.step();
        record::from_sim_events(sim.tick(), &events, &mut entries, &mut faults);
    }
    (sim, entries)
}

/// The summary of a whole headless run with bots of `skill` in every role
/// (`sim::simulate`), scored by the scenario's objectives.
pub fn simulate_summary(s: &Scenario, seed: u64, skill: BotSkill) -> Summary {
    let (mut sim, entries) = run_headless(s, seed, skill);
    summary(&mut sim, seed, entries, true)
}

/// Runs a whole scenario headless with bots of `skill` in every role, as
/// `firedrill simulate` does, and reviews it.
pub fn simulate(s: &Scenario, seed: u64, skill: BotSkill) -> Review {
    let (mut sim, mut entries) = run_headless(s, seed, skill);
    let summary = summary(&mut sim, seed, entries.clone(), true);
    entries.push(Entry { tick: sim.tick(), who: String::new(), role: None, what: What::Ended });
    build(Replayed {
        drill: None,
        seed,
        ended: true,
        summary,
        entries,
        ratings: Vec::new(),
        improvements: Vec::new(),
        sim,
    })
}

/// The wire name of an entry's kind (as in its JSON `kind`).
pub fn kind(w: &What) -> &'static str {
    match w {
        What::FirstSignal => "first_signal",
        What::Alert { .. } => "alert",
        What::FaultStarted { .. } => "fault_started",
        What::FaultStopped { .. } => "fault_stopped",
        What::InjectFired { .. } => "inject_fired",
        What::Declared => "declared",
        What::Phase { .. } => "phase",
        What::ActionStarted { .. } => "action_started",
        What::ActionDone { .. } => "action_done",
        What::Notice { .. } => "notice",
        What::StatusReport { .. } => "status_report",
        What::Hypothesis { .. } => "hypothesis",
        What::Message { .. } => "message",
        What::CallTaken { .. } => "call_taken",
        What::CallEnded { .. } => "call_ended",
        What::CallAbandoned { .. } => "call_abandoned",
        What::ClientAnswered { .. } => "client_answered",
        What::ClientEscalated { .. } => "client_escalated",
        What::Pulse { .. } => "pulse",
        What::Ended => "ended",
    }
}

/// A role's wire name (`incident_owner`, ...).
pub fn role_name(r: Role) -> String {
    serde_json::to_value(r).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// Checks a rating command and makes the rating.
pub fn check_rating(
    capability: &str,
    rating: CapabilityRating,
    comment: &str,
    by: &str,
    tick: u64,
) -> Result<Rating, String> {
    let capability = capability.trim();
    if capability.is_empty() || capability.chars().count() > CAPABILITY_CHARS_MAX {
        return Err(format!("the capability is 1 to {CAPABILITY_CHARS_MAX} characters"));
    }
    if capability.chars().any(char::is_control) {
        return Err("the capability may not contain control characters".into());
    }
    let comment = comment.trim();
    if comment.chars().count() > crate::limits::CHAT_TEXT_CHARS_MAX {
        return Err(format!("the comment is at most {} characters", crate::limits::CHAT_TEXT_CHARS_MAX));
    }
    Ok(Rating { capability: capability.to_string(), rating, comment: comment.to_string(), by: by.to_string(), tick })
}

/// Checks an improvement command and makes the item.
pub fn check_improvement(text: &str, owner: &str, by: &str, tick: u64) -> Result<Improvement, String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > crate::limits::CHAT_TEXT_CHARS_MAX {
        return Err(format!("the text is 1 to {} characters", crate::limits::CHAT_TEXT_CHARS_MAX));
    }
    let owner = owner.trim();
    if owner.chars().count() > crate::limits::NAME_CHARS_MAX || owner.chars().any(char::is_control) {
        return Err(format!(
            "the owner is at most {} characters, without control characters",
            crate::limits::NAME_CHARS_MAX
        ));
    }
    Ok(Improvement { text: text.to_string(), owner: owner.to_string(), by: by.to_string(), tick })
}

#[cfg(test)]
mod tests;

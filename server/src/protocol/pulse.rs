//! Wire types of pulse questions: short questions a facilitator pushes to
//! everyone inside the company during the drill ("which services are
//! failing?"), scored for accuracy against what the simulation knew and
//! for how much the team agreed.

use serde::{Deserialize, Serialize};

use super::NamedId;

/// What a pulse question asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PulseKind {
    /// Which services are failing now?
    Services,
    /// Which regions are affected now?
    Regions,
}

/// An open or closed pulse question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PulseQuestion {
    /// Question id, unique in the drill.
    pub id: u32,
    /// What it asks.
    pub kind: PulseKind,
    /// The choices (services or regions); any number may be picked.
    pub options: Vec<NamedId>,
    /// Tick it was asked.
    pub asked_tick: u64,
    /// Tick it closes.
    pub closes_tick: u64,
}

/// A closed pulse question's result (facilitators live, everyone in the
/// review).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PulseResult {
    /// The question.
    pub question: PulseQuestion,
    /// The right answer at the time it was asked (option ids).
    pub truth: Vec<String>,
    /// Seats that answered.
    pub answers: u32,
    /// Mean accuracy of the answers, percent: for each answer, the options
    /// it got right (picked and true, or not picked and not true) over all
    /// options.
    pub accuracy_pct: u32,
    /// Share of the answers identical to the most common one, percent.
    pub agreement_pct: u32,
    /// How many answers picked each option, in option order.
    pub picks: Vec<u32>,
}

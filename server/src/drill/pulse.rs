//! Pulse questions: the facilitator asks everyone inside the company a
//! short question; each seat picks options until it closes; the result is
//! scored against what the simulation knew when it was asked (accuracy)
//! and against the team's most common answer (agreement).

use std::collections::BTreeMap;

use crate::limits;
use crate::protocol::{ErrorCode, NamedId, PulseKind, PulseOpen, PulseQuestion, PulseResult};
use crate::sim::Sim;

struct Pulse {
    question: PulseQuestion,
    truth: Vec<String>,
    /// Picks by seat, sorted.
    answers: BTreeMap<u32, Vec<String>>,
    result: Option<PulseResult>,
}

/// Every pulse question of a drill.
#[derive(Default)]
pub(super) struct Pulses {
    list: Vec<Pulse>,
}

use crate::protocol::Refusal;

impl Pulses {
    /// Asks a question now; its truth is what the world is at this tick.
    pub fn ask(&mut self, kind: PulseKind, sim: &Sim) -> Result<PulseQuestion, Refusal> {
        if self.list.len() >= limits::PULSES_MAX {
            return Err((ErrorCode::Full, format!("a drill has at most {} pulse questions", limits::PULSES_MAX)));
        }
        let s = sim.scenario();
        let active: Vec<_> = sim.faults().into_iter().filter(|f| f.active).collect();
        let (options, mut truth): (Vec<NamedId>, Vec<String>) = match kind {
            PulseKind::Services => (
                s.services.iter().map(|x| NamedId { id: x.id.clone(), name: x.name.clone() }).collect(),
                active.iter().map(|f| f.service.clone()).collect(),
            ),
            PulseKind::Regions => (
                s.regions.iter().map(|x| NamedId { id: x.id.clone(), name: x.name.clone() }).collect(),
                active
                    .iter()
                    .flat_map(|f| {
                        if f.regions.is_empty() {
                            s.regions.iter().map(|r| r.id.clone()).collect()
                        } else {
                            f.regions.clone()
                        }
                    })
                    .collect(),
            ),
        };
        truth.sort();
        truth.dedup();
        let now = sim.tick();
        let question = PulseQuestion {
            id: self.list.len() as u32,
            kind,
            options,
            asked_tick: now,
            closes_tick: now + limits::PULSE_OPEN_S,
        };
        self.list.push(Pulse { question: question.clone(), truth, answers: BTreeMap::new(), result: None });
        Ok(question)
    }

    /// Records a seat's answer (replacing an earlier one).
    pub fn answer(&mut self, seat: u32, id: u32, picks: &[String]) -> Result<(), Refusal> {
        let Some(p) = self.list.get_mut(id as usize) else {
            return Err((ErrorCode::InvalidValue, format!("no pulse question {id}")));
        };
        if p.result.is_some() {
            return Err((ErrorCode::WrongState, "that question has closed".into()));
        }
        if picks.len() > p.question.options.len() {
            return Err((ErrorCode::InvalidValue, "more picks than options".into()));
        }
        let mut picks: Vec<String> = picks.to_vec();
        if let Some(bad) = picks.iter().find(|x| !p.question.options.iter().any(|o| &o.id == *x)) {
            return Err((ErrorCode::InvalidValue, format!("\"{bad}\" is not one of the options")));
        }
        picks.sort();
        picks.dedup();
        p.answers.insert(seat, picks);
        Ok(())
    }

    /// Closes the questions due at `now` and returns their results.
    pub fn close_due(&mut self, now: u64) -> Vec<PulseResult> {
        let mut out = Vec::new();
        for p in self.list.iter_mut().filter(|p| p.result.is_none() && now >= p.question.closes_tick) {
            let r = score(p);
            p.result = Some(r.clone());
            out.push(r);
        }
        out
    }

    /// Closes every open question (the drill ended).
    pub fn close_all(&mut self) -> Vec<PulseResult> {
        self.close_due(u64::MAX)
    }

    /// Open questions, with this seat's picks.
    pub fn open_for(&self, seat: u32) -> Vec<PulseOpen> {
        self.list
            .iter()
            .filter(|p| p.result.is_none())
            .map(|p| PulseOpen { question: p.question.clone(), picks: p.answers.get(&seat).cloned() })
            .collect()
    }

    /// Results of the closed questions.
    pub fn results(&self) -> Vec<PulseResult> {
        self.list.iter().filter_map(|p| p.result.clone()).collect()
    }
}

fn score(p: &Pulse) -> PulseResult {
    let options = &p.question.options;
    let n = options.len().max(1) as u64;
    let mut right_sum = 0u64;
    let mut same: BTreeMap<&[String], u32> = BTreeMap::new();
    let mut picks = vec![0u32; options.len()];
    for answer in p.answers.values() {
        let right = options.iter().filter(|o| answer.contains(&o.id) == p.truth.contains(&o.id)).count() as u64;
        right_sum += right * 100 / n;
        *same.entry(answer.as_slice()).or_default() += 1;
        for (i, o) in options.iter().enumerate() {
            picks[i] += u32::from(answer.contains(&o.id));
        }
    }
    let answers = p.answers.len() as u32;
    let top = same.values().copied().max().unwrap_or(0);
    PulseResult {
        question: p.question.clone(),
        truth: p.truth.clone(),
        answers,
        accuracy_pct: right_sum.checked_div(u64::from(answers)).unwrap_or(0) as u32,
        agreement_pct: (u64::from(top) * 100).checked_div(u64::from(answers)).unwrap_or(0) as u32,
        picks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pulse(truth: &[&str], answers: &[&[&str]]) -> Pulse {
        let ids = ["a", "b", "c", "d"];
        Pulse {
            question: PulseQuestion {
                id: 0,
                kind: PulseKind::Regions,
                options: ids.iter().map(|i| NamedId { id: (*i).into(), name: (*i).into() }).collect(),
                asked_tick: 0,
                closes_tick: 120,
            },
            truth: truth.iter().map(|t| (*t).to_string()).collect(),
            answers: answers
                .iter()
                .enumerate()
                .map(|(i, a)| (i as u32, a.iter().map(|x| (*x).to_string()).collect()))
                .collect(),
            result: None,
        }
    }

    #[test]
    fn accuracy_counts_every_option_right_or_wrong_and_agreement_the_largest_group() {
        // Truth {a}. "a" is all right (4/4), "a,b" 3/4, "c" 1/4 (b and d right).
        let r = score(&pulse(&["a"], &[&["a"], &["a", "b"], &["c"], &["a"]]));
        assert_eq!(r.answers, 4);
        assert_eq!(r.accuracy_pct, (100 + 75 + 50 + 100) / 4);
        assert_eq!(r.agreement_pct, 50);
        assert_eq!(r.picks, vec![3, 1, 1, 0]);
    }

    #[test]
    fn nobody_answering_scores_zero_without_dividing_by_zero() {
        let r = score(&pulse(&["a"], &[]));
        assert_eq!((r.answers, r.accuracy_pct, r.agreement_pct), (0, 0, 0));
    }
}

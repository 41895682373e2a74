//! Business outcome: what the outage cost the company with this team,
//! against two baselines computed by re-running the same scenario and seed
//! to the same tick with bots: nobody responding, and a perfect response.

use serde::{Deserialize, Serialize};

use crate::scenario::Scenario;
use crate::sim::{BotSkill, Crew, Sim};

/// Lost revenue and stores hurt, for one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cost {
    /// Revenue lost to the outage, yen.
    pub lost_revenue_yen: u64,
    /// Stores that lost at least one sale or saw a failure.
    pub stores_affected: u32,
}

/// The team between the baselines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The team's run.
    pub team: Cost,
    /// Bots that do nothing, same seed, same length.
    pub no_response: Cost,
    /// Bots that respond at once and always right.
    pub perfect: Cost,
    /// Where the team's lost revenue sits between the two: 0 = as bad as no
    /// response, 100 = as good as perfect (clamped); `None` when the two
    /// baselines cost the same.
    pub place_pct: Option<u32>,
    /// How it is computed, in words.
    pub rule: super::Text,
}

/// What a world has cost so far.
pub fn cost(sim: &Sim) -> Cost {
    let mut stores_affected = 0;
    let mut lost = 0;
    for i in 0..sim.store_count() {
        if let Some(s) = sim.store(i) {
            lost += s.lost_yen;
            if s.lost_yen > 0 || s.failures > 0 || s.lost_orders > 0 {
                stores_affected += 1;
            }
        }
    }
    Cost { lost_revenue_yen: lost, stores_affected }
}

/// Runs the scenario headless with bots of `skill` for `ticks` ticks.
pub fn baseline(s: &Scenario, seed: u64, skill: BotSkill, ticks: u64) -> Cost {
    let mut sim = Sim::new(s, seed, Crew::everyone(skill));
    while sim.tick() < ticks {
        sim.step();
    }
    cost(&sim)
}

/// The team's place between the baselines.
pub fn place(team: Cost, no_response: Cost, perfect: Cost) -> Option<u32> {
    let (worst, best, got) = (no_response.lost_revenue_yen, perfect.lost_revenue_yen, team.lost_revenue_yen);
    if worst <= best {
        return None;
    }
    let saved = worst.saturating_sub(got).min(worst - best);
    Some((saved * 100 / (worst - best)) as u32)
}

/// Compares the team's cost with both baselines, run to `ticks`.
pub fn compare(s: &Scenario, seed: u64, ticks: u64, team: Cost) -> Outcome {
    let no_response = baseline(s, seed, BotSkill::None, ticks);
    let perfect = baseline(s, seed, BotSkill::Perfect, ticks);
    Outcome {
        team,
        no_response,
        perfect,
        place_pct: place(team, no_response, perfect),
        rule: super::Text {
            en: "The same scenario and seed are re-run to the same tick with bots that do nothing and with bots that \
                 respond at once and always right. Place = (no-response loss − team loss) / (no-response loss − perfect \
                 loss), 0 to 100 %."
                .into(),
            ja: "同じシナリオ・同じシードを同じ時刻まで、何もしないボットと即座に正しく対応するボットで再実行する。\
                 位置 =（無対応の損失 − チームの損失）÷（無対応の損失 − 完璧な対応の損失）、0〜100%。"
                .into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(lost: u64) -> Cost {
        Cost { lost_revenue_yen: lost, stores_affected: 0 }
    }

    #[test]
    fn place_runs_from_no_response_to_perfect() {
        assert_eq!(place(c(1000), c(1000), c(0)), Some(0));
        assert_eq!(place(c(0), c(1000), c(0)), Some(100));
        assert_eq!(place(c(250), c(1000), c(0)), Some(75));
        assert_eq!(place(c(2000), c(1000), c(0)), Some(0));
        assert_eq!(place(c(0), c(1000), c(100)), Some(100));
        assert_eq!(place(c(5), c(10), c(10)), None);
    }
}

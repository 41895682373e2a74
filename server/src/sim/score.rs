//! The end-of-drill summary and the team score.
//!
//! Four parts, each explained in the summary so the score is not a black
//! box: how fast the team declared after the first signal, how fast it told
//! customers after declaring, how fast the faults were fixed, and whether
//! `resolved` was set only once the world was healthy again. Each part earns
//! full points up to a deadline and falls linearly to zero at a cut-off.

use bevy_ecs::prelude::*;

use super::faults::Faults;
use super::incident::Incident;
use super::metrics::{first_signal, totals};
use super::{Clock, Plan};
use crate::protocol::{DeskSummary, ScorePart, Summary};

/// Points for a delay: `max` up to `full_s`, then linear down to zero at
/// `zero_s`; `None` (never happened) earns nothing.
pub(crate) fn linear_points(delay_s: Option<u64>, max: u32, full_s: u64, zero_s: u64) -> u32 {
    let Some(d) = delay_s else { return 0 };
    if d <= full_s {
        return max;
    }
    if d >= zero_s {
        return 0;
    }
    (u64::from(max) * (zero_s - d) / (zero_s - full_s)) as u32
}

pub(crate) fn summary(world: &World, seed: u64, state_hash: u64) -> Summary {
    let tick = world.resource::<Clock>().tick;
    let plan = &world.resource::<Plan>().0;
    let inc = world.resource::<Incident>();
    let faults = &world.resource::<Faults>().0;
    let signal = first_signal(world);
    let first_fault = faults.iter().filter_map(|f| f.started_tick).min();
    // Mitigated once nothing hurts or is about to: a trap nobody sprang
    // does not count against the team.
    let mitigated = if !faults.is_empty() && super::faults::clear(plan, faults, tick) {
        faults.iter().filter_map(|f| f.ended_tick).max()
    } else {
        None
    };
    let first_notice = inc.notices.first().map(|n| n.tick);

    let declare = linear_points(delay(signal, inc.declared_at), 30, 5 * 60, 20 * 60);
    let notice = linear_points(delay(inc.declared_at, first_notice), 20, 5 * 60, 20 * 60);
    let mitigate = linear_points(delay(first_fault, mitigated), 30, 15 * 60, 45 * 60);
    let resolve = if inc.resolved_at.is_some() && !inc.resolved_prematurely { 20 } else { 0 };
    let parts = vec![
        ScorePart { key: "declare".into(), points: declare, max: 30 },
        ScorePart { key: "notice".into(), points: notice, max: 20 },
        ScorePart { key: "mitigate".into(), points: mitigate, max: 30 },
        ScorePart { key: "resolve".into(), points: resolve, max: 20 },
    ];
    let t = totals(world);
    Summary {
        scenario: plan.id.clone(),
        seed,
        ticks: tick,
        state_hash: format!("{state_hash:016x}"),
        first_signal_at_s: signal,
        declared_at_s: inc.declared_at,
        first_external_notice_at_s: first_notice,
        mitigated_at_s: mitigated,
        resolved_at_s: inc.resolved_at,
        resolved_prematurely: inc.resolved_prematurely,
        revenue_yen: t.revenue_yen,
        lost_revenue: t.lost_yen,
        score: parts.iter().map(|p| p.points).sum(),
        score_parts: parts,
        desk: {
            let d = world.resource::<super::calls::Desk>().stats;
            DeskSummary {
                calls: d.calls,
                answered: d.answered,
                abandoned: d.abandoned,
                busy: d.busy,
                wait_s_mean: d.wait_s_total.checked_div(u64::from(d.answered)).unwrap_or(0),
                wait_s_max: d.wait_s_max,
                hold_s_total: d.hold_s_total,
                chat_replies: d.chat_replies,
                escalations: d.escalations,
            }
        },
    }
}

/// Seconds from `from` to `to`, when both happened (a declaration before
/// the first signal counts as instant).
fn delay(from: Option<u64>, to: Option<u64>) -> Option<u64> {
    match (from, to) {
        (Some(f), Some(t)) => Some(t.saturating_sub(f)),
        (None, Some(_)) => Some(0),
        (_, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_fall_linearly_between_deadline_and_cut_off() {
        assert_eq!(linear_points(Some(0), 30, 300, 1200), 30);
        assert_eq!(linear_points(Some(300), 30, 300, 1200), 30);
        assert_eq!(linear_points(Some(750), 30, 300, 1200), 15);
        assert_eq!(linear_points(Some(1200), 30, 300, 1200), 0);
        assert_eq!(linear_points(None, 30, 300, 1200), 0);
    }
}

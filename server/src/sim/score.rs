//! The end-of-drill summary: when things happened, what the outage cost,
//! how the desk did, and the score.
//!
//! The score is not computed here: it comes from the after-action
//! review's objectives (`review::summary`), the one scoring rulebook, so
//! the end banner, the history, the review and the exports agree.

use bevy_ecs::prelude::*;

use super::faults::Faults;
use super::incident::Incident;
use super::metrics::{first_signal, totals};
use super::{Clock, Plan};
use crate::protocol::{DeskSummary, ScorePart, Summary};

pub(crate) fn summary(world: &World, seed: u64, state_hash: u64, score: u32, score_parts: Vec<ScorePart>) -> Summary {
    let tick = world.resource::<Clock>().tick;
    let plan = &world.resource::<Plan>().0;
    let inc = world.resource::<Incident>();
    let faults = &world.resource::<Faults>().0;
    let signal = first_signal(world);
    // Mitigated once nothing hurts or is about to (a trap nobody sprang
    // does not count against the team), and only if the team's fixes ended
    // every fault that started: a fault that recovered by itself is not
    // mitigation.
    let by_team = faults.iter().all(|f| f.started_tick.is_none() || f.fixed);
    let mitigated = if !faults.is_empty() && by_team && super::faults::clear(plan, faults, tick) {
        faults.iter().filter_map(|f| f.ended_tick).max()
    } else {
        None
    };
    let first_notice = inc.notices.first().map(|n| n.tick);
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
        score,
        score_parts,
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

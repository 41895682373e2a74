//! Builds the read-only [`super::views`] from the world, walking stores in
//! their recorded order so every view is deterministic.

use bevy_ecs::prelude::*;

use super::clues::{AlertBook, DeployLog, LogBook, MetricBook};
use super::incident::Incident;
use super::injects::InjectBook;
use super::metrics::{Metrics, WINDOW_S, expected_orders_per_min, per_minute};
use super::profiles::{Profiles, USES_MOBILE, USES_PAYMENTS, USES_POS};
use super::stores::{
    Capacity, INFORMED_ANGER_PCT, INFORMED_CALL_THRESHOLD_PCT, Ledger, MISLED_ANGER_PCT, Mood, NO_CLIENT, Store,
    StoreOrder, StoreStats,
};
use super::views::*;
use super::{Clock, Plan};
use crate::scenario::ClueKind;

/// Every store with its parts, in creation order.
fn each_store(world: &World) -> impl Iterator<Item = (&Store, &Ledger, &Mood)> {
    world
        .resource::<StoreOrder>()
        .0
        .iter()
        .filter_map(|&e| Some((world.get::<Store>(e)?, world.get::<Ledger>(e)?, world.get::<Mood>(e)?)))
}

pub(crate) fn store(world: &World, index: u32) -> Option<StoreView> {
    let s = &world.resource::<Plan>().0;
    let now = world.resource::<Clock>().tick;
    let &e = world.resource::<StoreOrder>().0.get(index as usize)?;
    let (st, ledger, mood) = (world.get::<Store>(e)?, world.get::<Ledger>(e)?, world.get::<Mood>(e)?);
    let uses = world.resource::<Profiles>().uses[st.profile as usize];
    Some(StoreView {
        index,
        region: s.regions[usize::from(st.region)].id.clone(),
        kind: s.kinds[usize::from(st.kind)].id.clone(),
        client: (st.client != NO_CLIENT).then(|| s.clients[st.client as usize].id.clone()),
        uses_mobile_order: uses & USES_MOBILE != 0,
        uses_pos: uses & USES_POS != 0,
        uses_payments: uses & USES_PAYMENTS != 0,
        revenue_yen: ledger.revenue_yen,
        lost_yen: ledger.lost_yen,
        lost_orders: ledger.lost_orders,
        failures: ledger.failures,
        anger_ppm: mood.anger,
        temper_ppm: st.temper,
        last_failure_tick: (ledger.failures > 0).then_some(ledger.last_failure_tick),
        informed: mood.informed,
        misled: mood.misled,
        on_paper: mood.on_paper(now),
        wants_to_call_since: mood.wants_call_since,
        calls_wanted: mood.calls_wanted,
        calls_answered: mood.calls_answered,
        posts: mood.posts,
        last_post_tick: mood.posted_tick,
    })
}

pub(crate) fn stores_wanting_to_call(world: &World, max: usize) -> Vec<u32> {
    let mut out: Vec<(u64, u32)> =
        each_store(world).filter_map(|(st, _, m)| m.wants_call_since.map(|t| (t, st.index))).collect();
    out.sort_unstable();
    out.into_iter().take(max).map(|(_, i)| i).collect()
}

pub(crate) fn stores_posting(world: &World, since_tick: u64) -> Vec<u32> {
    each_store(world)
        .filter(|(_, _, m)| m.posted_tick.is_some_and(|t| t > since_tick))
        .map(|(st, _, _)| st.index)
        .collect()
}

pub(crate) fn region_states(world: &World) -> Vec<RegionState> {
    let s = &world.resource::<Plan>().0;
    let clock = world.resource::<Clock>();
    let m = world.resource::<Metrics>();
    let stats = world.resource::<StoreStats>();
    let capacity = world.resource::<Capacity>();
    let mut now = vec![(0u32, StoreMix::default()); s.regions.len()];
    for (st, ledger, mood) in each_store(world) {
        if let Some((affected, mix)) = now.get_mut(usize::from(st.region)) {
            *affected += u32::from(hit_lately(ledger, clock.tick));
            add_to_mix(mix, st, ledger, mood, clock.tick);
        }
    }
    (0..s.regions.len())
        .map(|r| {
            let w = m.window_sum(r);
            let c = stats.regions.get(r).copied().unwrap_or_default();
            let (stores_affected, mix) = now[r];
            RegionState {
                region: s.regions[r].id.clone(),
                stores: s.regions[r].stores,
                orders_per_min: per_minute(w.orders, clock.tick),
                orders_per_min_expected: expected_orders_per_min(s, capacity, r, clock.time_of_day_s()),
                payment_success_ppm: w.payment_success_ppm(),
                revenue_yen: m.totals[r].revenue_yen,
                lost_yen: m.totals[r].lost_yen,
                lost_orders: m.totals[r].lost_orders,
                stores_angry: c.angry,
                stores_calling: c.calling,
                stores_posting: c.posting,
                stores_informed: c.informed,
                stores_misled: c.misled,
                stores_on_paper: c.paper,
                alerting: m.alerting[r],
                stores_affected,
                mix,
            }
        })
        .collect()
}

/// Whether a store saw a failure in the last minute (the health bot's
/// "affected").
fn hit_lately(ledger: &Ledger, now: u64) -> bool {
    ledger.failures > 0 && ledger.last_failure_tick > now.saturating_sub(WINDOW_S as u64)
}

/// Counts a store in its worst state, with the mood update's own rule for
/// "angry" (half-way to its temper).
fn add_to_mix(mix: &mut StoreMix, st: &Store, ledger: &Ledger, mood: &Mood, now: u64) {
    mix.add(mood.wants_call_since.is_some(), mood.anger >= st.temper / 2, mood.on_paper(now), hit_lately(ledger, now));
}

pub(crate) fn client_states(world: &World) -> Vec<ClientState> {
    let s = &world.resource::<Plan>().0;
    let now = world.resource::<Clock>().tick;
    let mut out: Vec<ClientState> = s
        .clients
        .iter()
        .map(|c| ClientState {
            client: c.id.clone(),
            name: c.name.clone(),
            stores: 0,
            stores_affected: 0,
            stores_calling: 0,
            lost_yen: 0,
            anger_ppm: 0,
            wants_to_escalate: false,
            stores_informed: 0,
            mix: StoreMix::default(),
        })
        .collect();
    let mut anger_sum = vec![0u64; out.len()];
    let mut briefed = vec![false; out.len()];
    for (st, ledger, mood) in each_store(world) {
        let Some(c) = out.get_mut(st.client as usize) else { continue };
        c.stores += 1;
        c.stores_affected += u32::from(hit_lately(ledger, now));
        add_to_mix(&mut c.mix, st, ledger, mood, now);
        c.stores_calling += u32::from(mood.wants_call_since.is_some());
        c.stores_informed += u32::from(mood.informed);
        c.lost_yen += ledger.lost_yen;
        anger_sum[st.client as usize] += u64::from(mood.anger);
        briefed[st.client as usize] |= mood.briefed_tick.is_some();
    }
    for (i, c) in out.iter_mut().enumerate() {
        c.anger_ppm = anger_sum[i].checked_div(u64::from(c.stores)).map_or(0, |v| v as u32);
        let hurting = c.stores_affected.max(c.stores_calling);
        c.wants_to_escalate = c.stores > 0 && hurting * 5 >= c.stores && !briefed[i];
    }
    out
}

pub(crate) fn region_series(world: &World, region: usize) -> Vec<RegionPoint> {
    let m = world.resource::<Metrics>();
    let Some(series) = m.region_series.get(region) else { return Vec::new() };
    series
        .iter()
        .enumerate()
        .map(|(i, p)| RegionPoint {
            minute: i as u32 + 1,
            arrivals: p.tally.arrivals,
            orders: p.tally.orders,
            revenue_yen: p.tally.revenue_yen,
            lost_yen: p.tally.lost_yen,
            lost_orders: p.tally.lost_orders,
            guests_lost: p.tally.left,
            payment_success_ppm: p.tally.payment_success_ppm(),
            timeouts: p.tally.timeouts,
            latency_ms: p.tally.latency_ms(),
            stores_angry: p.stores.angry,
            stores_calling: p.stores.calling,
            stores_informed: p.stores.informed,
            stores_on_paper: p.stores.paper,
        })
        .collect()
}

pub(crate) fn service_series(world: &World, service: usize) -> Vec<ServicePoint> {
    let m = world.resource::<Metrics>();
    let Some(series) = m.service_series.get(service) else { return Vec::new() };
    series
        .iter()
        .enumerate()
        .map(|(i, c)| ServicePoint {
            minute: i as u32 + 1,
            requests: c.requests,
            errors: c.errors_milli / 1000,
            error_ppm: c.error_ppm(),
            latency_ms: c.latency_ms(),
        })
        .collect()
}

pub(crate) fn services_now(world: &World) -> Vec<ServiceNow> {
    let s = &world.resource::<Plan>().0;
    let tick = world.resource::<Clock>().tick;
    let m = world.resource::<Metrics>();
    let regions = s.regions.len();
    let secs = tick.clamp(1, WINDOW_S as u64);
    let mut out = Vec::with_capacity(s.services.len() * regions);
    for (svc, service) in s.services.iter().enumerate() {
        for (r, region) in s.regions.iter().enumerate() {
            let c = m.window_cells[svc * regions + r];
            out.push(ServiceNow {
                service: service.id.clone(),
                region: region.id.clone(),
                requests_per_min: c.requests * 60 / secs,
                error_ppm: c.error_ppm(),
                latency_ms: c.latency_ms(),
            });
        }
    }
    out
}

pub(crate) fn logs(world: &World, service: Option<&str>, since_tick: u64, limit: usize) -> Vec<LogLine> {
    let s = &world.resource::<Plan>().0;
    let book = world.resource::<LogBook>();
    let wanted = service.map(|id| s.service_index(id));
    if wanted == Some(None) {
        return Vec::new();
    }
    let mut out: Vec<LogLine> = book
        .lines
        .iter()
        .rev()
        .filter(|l| l.tick > since_tick)
        .filter(|l| wanted.flatten().is_none_or(|w| s.clues[l.clue].service == w))
        .take(limit)
        .map(|l| {
            let c = &s.clues[l.clue];
            LogLine {
                tick: l.tick,
                service: s.services[c.service].id.clone(),
                level: c.level,
                region: l.region.map(|r| s.regions[usize::from(r)].id.clone()),
                text: c.text.clone(),
            }
        })
        .collect();
    out.reverse();
    out
}

pub(crate) fn alerts(world: &World) -> Vec<AlertView> {
    let s = &world.resource::<Plan>().0;
    world
        .resource::<AlertBook>()
        .fired
        .iter()
        .map(|a| {
            let c = &s.clues[a.clue];
            AlertView {
                id: c.id.clone(),
                service: s.services[c.service].id.clone(),
                level: c.level,
                title: c.text.clone(),
                fired_tick: a.fired_tick,
                resolved_tick: a.resolved_tick,
            }
        })
        .collect()
}

pub(crate) fn deploys(world: &World) -> Vec<DeployView> {
    let s = &world.resource::<Plan>().0;
    let now = world.resource::<Clock>().tick;
    world
        .resource::<DeployLog>()
        .visible(now)
        .map(|d| DeployView {
            service: s.services[d.service].id.clone(),
            version: d.version.clone(),
            at_s: d.at_s,
            by: d.by.clone(),
            note: d.note.clone(),
            rollback: d.rollback,
        })
        .collect()
}

pub(crate) fn versions(world: &World) -> Vec<(String, String)> {
    let s = &world.resource::<Plan>().0;
    let now = world.resource::<Clock>().tick;
    let log = world.resource::<DeployLog>();
    (0..s.services.len()).map(|i| (s.services[i].id.clone(), log.version(s, i, now))).collect()
}

pub(crate) fn clue_metrics(world: &World) -> Vec<MetricSeries> {
    let s = &world.resource::<Plan>().0;
    let book = world.resource::<MetricBook>();
    s.clues
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == ClueKind::Metric)
        .map(|(i, c)| {
            let value = |faulted: bool| if faulted { c.values.1 } else { c.values.0 };
            MetricSeries {
                id: c.id.clone(),
                service: s.services[c.service].id.clone(),
                name: c.text.clone(),
                unit: c.unit.clone(),
                points: book.minutes[i].iter().map(|&f| value(f)).collect(),
                now: value(book.now[i]),
            }
        })
        .collect()
}

pub(crate) fn fired_injects(world: &World) -> Vec<InjectFired> {
    let s = &world.resource::<Plan>().0;
    let book = world.resource::<InjectBook>();
    book.order
        .iter()
        .map(|&i| InjectFired { index: i, id: s.injects[i].id.clone(), tick: book.fired[i].unwrap_or(0) })
        .collect()
}

pub(crate) fn published_notice_effect(world: &World) -> NoticeEffect {
    let stats = world.resource::<StoreStats>();
    let incident = world.resource::<Incident>();
    NoticeEffect {
        latest: incident.notices.last().map(|n| n.status),
        stores: world.resource::<StoreOrder>().0.len() as u32,
        stores_informed: stats.regions.iter().map(|r| r.informed).sum(),
        stores_misled: stats.regions.iter().map(|r| r.misled).sum(),
        informed_anger_pct: INFORMED_ANGER_PCT,
        informed_call_threshold_pct: INFORMED_CALL_THRESHOLD_PCT,
        misled_anger_pct: MISLED_ANGER_PCT,
    }
}

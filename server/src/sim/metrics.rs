//! Metrics and the product-health bot.
//!
//! `guests` tallies what happened this tick per profile ([`ProfileTally`]);
//! this module folds the tallies into regions and, through the profiles'
//! effect table, into services (requests, errors and latency per service
//! and region). It keeps sliding windows of the last [`WINDOW_S`] seconds,
//! totals, and per-minute time series per region and per service for
//! dashboards and the after-action review. It posts health reports on the
//! scenario's rhythm and at once when a region crosses a threshold: card
//! payment success, orders against a normal day, a service's error rate or
//! latency (the seed's status bot). The first alert, or the first store
//! deciding to call support, is the drill's "first signal", from which
//! time-to-declare is measured.

use bevy_ecs::prelude::*;

use super::guests::{GuestCount, curve_pct};
use super::profiles::{Effects, Flow, PPM, Profiles, Topology};
use super::stores::{Capacity, Ledger, Store, StoreStats};
use super::{Clock, Outbox, Plan, SimEvent, TickSet};
use crate::protocol::{AlertState, DrillStatus, HealthReport, Pulse, RegionHealth};
use crate::scenario::Scenario;

/// Seconds in the sliding window behind "per minute" figures and alerts.
pub(crate) const WINDOW_S: usize = 60;

/// Seconds between two alert checks.
const ALERT_CHECK_EVERY_S: u64 = 10;

/// Fewest samples in the window for an alert check to count.
const ALERT_MIN_SAMPLES: u64 = 20;

/// Fewest failures in the window for a rate alert: on a normal day a small
/// region sees the odd failed card payment, and two failures out of twenty
/// tries is not an outage.
const ALERT_MIN_FAILURES: u64 = 5;

/// Seconds after the start before orders, errors and latency can alert: the
/// world starts empty, so orders lag the arrivals for a minute or two.
const WARMUP_S: u64 = 180;

/// Seconds guests take from arriving to paying, about: the expected order
/// rate is read this long ago.
const SERVICE_LAG_S: u32 = 90;

/// Fewest expected orders per minute in a region for the orders check.
const ORDERS_MIN_EXPECTED: u64 = 30;

/// What happened in one profile or region in one tick (or summed over many).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Guests who arrived.
    pub arrivals: u32,
    /// Orders completed (paid).
    pub orders: u32,
    /// Card payments that went through.
    pub pay_ok: u32,
    /// Card payment attempts that failed.
    pub pay_fail: u32,
    /// Revenue taken, yen.
    pub revenue_yen: u64,
    /// Revenue lost (guests who left, orders and payments lost), yen.
    pub lost_yen: u64,
    /// Guests who left without paying.
    pub left: u32,
    /// Orders or payments accepted and silently lost.
    pub lost_orders: u32,
    /// Tries the guest gave up waiting on.
    pub timeouts: u32,
    /// Tries per flow that reached a service.
    pub attempts: [u32; 4],
    /// Tries per flow that a service failed.
    pub fails: [u32; 4],
    /// Sum of the time services took over every try, ms.
    pub latency_ms_sum: u64,
}

impl Tally {
    pub(crate) fn add(&mut self, o: &Tally) {
        self.arrivals += o.arrivals;
        self.orders += o.orders;
        self.pay_ok += o.pay_ok;
        self.pay_fail += o.pay_fail;
        self.revenue_yen += o.revenue_yen;
        self.lost_yen += o.lost_yen;
        self.left += o.left;
        self.lost_orders += o.lost_orders;
        self.timeouts += o.timeouts;
        for f in 0..4 {
            self.attempts[f] += o.attempts[f];
            self.fails[f] += o.fails[f];
        }
        self.latency_ms_sum += o.latency_ms_sum;
    }

    /// Card payment success in ppm; full success when nothing was tried.
    pub fn payment_success_ppm(&self) -> u32 {
        let n = u64::from(self.pay_ok) + u64::from(self.pay_fail);
        (u64::from(self.pay_ok) * u64::from(PPM)).checked_div(n).map_or(PPM, |v| v as u32)
    }

    /// Average time services took per try, ms.
    pub fn latency_ms(&self) -> u32 {
        let n: u64 = self.attempts.iter().map(|&a| u64::from(a)).sum();
        self.latency_ms_sum.checked_div(n).map_or(0, |v| v as u32)
    }
}

/// This tick's tally per profile, filled by `guests`.
#[derive(Resource, Debug, Default)]
pub(crate) struct ProfileTally(pub Vec<Tally>);

/// What one service did in one region over some time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Cell {
    /// Calls.
    pub requests: u64,
    /// Failed calls, in thousandths (a failure is shared among the services
    /// that could have caused it, in proportion to their error rates).
    pub errors_milli: u64,
    /// Sum of the time calls took, ms.
    pub latency_ms_sum: u64,
}

impl Cell {
    fn add(&mut self, o: &Cell) {
        self.requests += o.requests;
        self.errors_milli += o.errors_milli;
        self.latency_ms_sum += o.latency_ms_sum;
    }

    fn sub(&mut self, o: &Cell) {
        self.requests -= o.requests;
        self.errors_milli -= o.errors_milli;
        self.latency_ms_sum -= o.latency_ms_sum;
    }

    /// Error rate, ppm.
    pub fn error_ppm(&self) -> u32 {
        (self.errors_milli * 1000).checked_div(self.requests).map_or(0, |v| v.min(u64::from(PPM)) as u32)
    }

    /// Average latency, ms.
    pub fn latency_ms(&self) -> u32 {
        self.latency_ms_sum.checked_div(self.requests).map_or(0, |v| v as u32)
    }
}

/// One minute of the whole world, for charts and the review.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct MinutePoint {
    /// Orders completed in the minute.
    pub orders: u32,
    /// Card payment success in the minute, ppm.
    pub payment_success_ppm: u32,
    /// Revenue lost in the minute, yen.
    pub lost_yen: u64,
}

/// One minute of one region.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RegionMinute {
    /// What the guests did.
    pub tally: Tally,
    /// Store counts at the end of the minute.
    pub stores: super::stores::RegionCounts,
}

/// Rolling and total figures.
#[derive(Resource, Debug, Default)]
pub(crate) struct Metrics {
    /// Per region, the last `WINDOW_S` ticks' tallies (a ring indexed by tick).
    pub window: Vec<[Tally; WINDOW_S]>,
    /// Per region, totals since the start.
    pub totals: Vec<Tally>,
    /// Whole world, one point per completed minute.
    pub minutes: Vec<MinutePoint>,
    /// The minute being filled, whole world.
    pub minute: Tally,
    /// Per region, the minute being filled.
    pub region_minute: Vec<Tally>,
    /// Per region, one point per completed minute.
    pub region_series: Vec<Vec<RegionMinute>>,
    /// Services x regions: `cells[s * regions + r]`, the last `WINDOW_S`
    /// ticks as a ring: `ring[slot * cells + cell]`.
    pub ring: Vec<Cell>,
    /// Services x regions: the window's sum.
    pub window_cells: Vec<Cell>,
    /// Services x regions: the minute being filled.
    pub minute_cells: Vec<Cell>,
    /// Per service (whole world), one point per completed minute.
    pub service_series: Vec<Vec<Cell>>,
    /// Per region, whether it is currently in alert.
    pub alerting: Vec<bool>,
    /// Per service and region (service-major): since when it has been over
    /// its error or latency threshold, if it is.
    pub over_since: Vec<Option<u64>>,
    /// Tick of the first alert.
    pub first_alert_tick: Option<u64>,
    /// Scratch: this tick's tallies per region.
    scratch: Vec<Tally>,
    /// Scratch: this tick's cells.
    scratch_cells: Vec<Cell>,
}

impl Metrics {
    /// Sum of the window for one region.
    pub fn window_sum(&self, region: usize) -> Tally {
        let mut t = Tally::default();
        for s in &self.window[region] {
            t.add(s);
        }
        t
    }

    /// Revenue lost so far, yen.
    pub fn lost_yen(&self) -> u64 {
        self.totals.iter().map(|t| t.lost_yen).sum()
    }

    /// Number of regions.
    pub fn regions(&self) -> usize {
        self.totals.len()
    }
}

pub(crate) fn init(world: &mut World, s: &Scenario) {
    let n = s.regions.len();
    let cells = s.services.len() * n;
    let profiles = world.resource::<Profiles>().len();
    world.insert_resource(ProfileTally(vec![Tally::default(); profiles]));
    world.insert_resource(GuestCount::default());
    world.insert_resource(Metrics {
        window: vec![[Tally::default(); WINDOW_S]; n],
        totals: vec![Tally::default(); n],
        region_minute: vec![Tally::default(); n],
        region_series: vec![Vec::new(); n],
        ring: vec![Cell::default(); cells * WINDOW_S],
        window_cells: vec![Cell::default(); cells],
        minute_cells: vec![Cell::default(); cells],
        service_series: vec![Vec::new(); s.services.len()],
        alerting: vec![false; n],
        over_since: vec![None; cells],
        scratch: vec![Tally::default(); n],
        scratch_cells: vec![Cell::default(); cells],
        ..Metrics::default()
    });
}

pub(crate) fn register(schedule: &mut Schedule) {
    schedule.add_systems((roll_tallies, post_health).chain().in_set(TickSet::Metrics));
}

#[expect(clippy::too_many_arguments, reason = "a system's parameters are its declared reads and writes")]
fn roll_tallies(
    clock: Res<Clock>,
    plan: Res<Plan>,
    profiles: Res<Profiles>,
    effects: Res<Effects>,
    topo: Res<Topology>,
    stats: Res<StoreStats>,
    mut tally: ResMut<ProfileTally>,
    mut m: ResMut<Metrics>,
) {
    let s = &plan.0;
    let m = &mut *m;
    let regions = m.regions();
    let services = s.services.len();
    for t in &mut m.scratch {
        *t = Tally::default();
    }
    for c in &mut m.scratch_cells {
        *c = Cell::default();
    }
    for (p, t) in tally.0.iter_mut().enumerate() {
        if *t == Tally::default() {
            continue;
        }
        let region = usize::from(profiles.region[p]);
        m.scratch[region].add(t);
        for flow in Flow::ALL {
            let f = flow as usize;
            if t.attempts[f] == 0 || profiles.uses[p] & flow.product() == 0 {
                continue;
            }
            let entry = topo.entry[f];
            let entry_err = u64::from(effects.service[p * services + entry].error_ppm);
            for &svc in &topo.reach[entry] {
                let e = effects.service[p * services + svc];
                let cell = &mut m.scratch_cells[svc * regions + region];
                cell.requests += u64::from(t.attempts[f]);
                cell.latency_ms_sum += u64::from(t.attempts[f]) * u64::from(e.latency_ms);
                if let Some(share) = (u64::from(t.fails[f]) * 1000 * u64::from(e.error_ppm)).checked_div(entry_err) {
                    cell.errors_milli += share;
                }
            }
        }
        *t = Tally::default();
    }

    let slot = (clock.tick as usize) % WINDOW_S;
    for region in 0..regions {
        let t = m.scratch[region];
        m.window[region][slot] = t;
        m.totals[region].add(&t);
        m.minute.add(&t);
        m.region_minute[region].add(&t);
    }
    let cells = m.window_cells.len();
    for c in 0..cells {
        let old = m.ring[slot * cells + c];
        let new = m.scratch_cells[c];
        m.window_cells[c].sub(&old);
        m.window_cells[c].add(&new);
        m.minute_cells[c].add(&new);
        m.ring[slot * cells + c] = new;
    }

    if clock.tick.is_multiple_of(60) {
        let minute = std::mem::take(&mut m.minute);
        m.minutes.push(MinutePoint {
            orders: minute.orders,
            payment_success_ppm: minute.payment_success_ppm(),
            lost_yen: minute.lost_yen,
        });
        for region in 0..regions {
            let tally = std::mem::take(&mut m.region_minute[region]);
            let stores = stats.regions.get(region).copied().unwrap_or_default();
            m.region_series[region].push(RegionMinute { tally, stores });
        }
        for svc in 0..services {
            let mut sum = Cell::default();
            for region in 0..regions {
                sum.add(&std::mem::take(&mut m.minute_cells[svc * regions + region]));
            }
            m.service_series[svc].push(sum);
        }
    }
}

fn post_health(
    clock: Res<Clock>,
    plan: Res<Plan>,
    capacity: Res<Capacity>,
    mut m: ResMut<Metrics>,
    mut outbox: ResMut<Outbox>,
    ledgers: Query<(&Store, &Ledger)>,
) {
    let s = &plan.0;
    let mut alert = false;
    let mut fired = false;
    if clock.tick.is_multiple_of(ALERT_CHECK_EVERY_S) {
        let now = clock.tick;
        let regions = m.regions();
        for svc in 0..s.services.len() {
            for region in 0..regions {
                let over = service_over(s, &m, svc, region);
                let since = &mut m.over_since[svc * regions + region];
                *since = if over { since.or(Some(now)) } else { None };
            }
        }
        for region in 0..s.regions.len() {
            let bad = region_in_trouble(s, &m, &capacity, &clock, region);
            if bad != m.alerting[region] {
                m.alerting[region] = bad;
                alert = true;
                fired |= bad;
                if bad && m.first_alert_tick.is_none() {
                    m.first_alert_tick = Some(clock.tick);
                }
            }
        }
    }
    if alert || clock.tick.is_multiple_of(s.health.interval_s) {
        let since = clock.tick.saturating_sub(WINDOW_S as u64);
        let mut affected = vec![0u32; s.regions.len()];
        for (store, ledger) in ledgers.iter() {
            if ledger.failures > 0 && ledger.last_failure_tick > since {
                affected[usize::from(store.region)] += 1;
            }
        }
        let firing = m.alerting.iter().any(|&a| a);
        let state = match (fired, firing, alert) {
            (true, _, _) => AlertState::Firing,
            (false, true, _) => AlertState::StillFiring,
            (false, false, true) => AlertState::Resolved,
            (false, false, false) => AlertState::None,
        };
        let mut report = compose_report(&clock, s, &m, &capacity, &affected, alert);
        report.alert_state = state;
        outbox.0.push(SimEvent::Health(report));
    }
}

/// Whether a region is in trouble by any of the health bot's thresholds.
fn region_in_trouble(s: &Scenario, m: &Metrics, capacity: &Capacity, clock: &Clock, region: usize) -> bool {
    let h = &s.health;
    let w = m.window_sum(region);
    let tries = u64::from(w.pay_ok) + u64::from(w.pay_fail);
    if tries >= ALERT_MIN_SAMPLES
        && u64::from(w.pay_fail) >= ALERT_MIN_FAILURES
        && w.payment_success_ppm() < h.alert_below_ppm
    {
        return true;
    }
    if clock.tick < WARMUP_S {
        return false;
    }
    let expected = u64::from(expected_orders_per_min(s, capacity, region, clock.time_of_day_s()));
    let orders = u64::from(per_minute(w.orders, clock.tick));
    if expected >= ORDERS_MIN_EXPECTED && orders * u64::from(PPM) < expected * u64::from(h.alert_orders_below_ppm) {
        return true;
    }
    let regions = m.regions();
    // A service alerts once over its threshold for its delay.
    (0..s.services.len()).any(|svc| {
        m.over_since[svc * regions + region].is_some_and(|t| clock.tick >= t + s.services[svc].alert_after_s)
    })
}

/// Whether a service is over its error or latency threshold in a region
/// now (its own thresholds, else the health bot's).
fn service_over(s: &Scenario, m: &Metrics, svc: usize, region: usize) -> bool {
    let h = &s.health;
    let def = &s.services[svc];
    let c = m.window_cells[svc * m.regions() + region];
    let errors = c.requests >= ALERT_MIN_SAMPLES
        && c.errors_milli >= ALERT_MIN_FAILURES * 1000
        && c.error_ppm() > def.alert_errors_above_ppm.unwrap_or(h.alert_errors_above_ppm);
    let slow = c.requests >= ALERT_MIN_SAMPLES
        && c.latency_ms() > def.alert_latency_above_ms.unwrap_or(h.alert_latency_above_ms);
    errors || slow
}

/// A health report from the window and the count of affected stores per
/// region.
fn compose_report(
    clock: &Clock,
    s: &Scenario,
    m: &Metrics,
    capacity: &Capacity,
    affected: &[u32],
    alert: bool,
) -> HealthReport {
    let mut world = Tally::default();
    let regions = (0..s.regions.len())
        .map(|r| {
            let w = m.window_sum(r);
            world.add(&w);
            RegionHealth {
                region: s.regions[r].id.clone(),
                orders_per_min: per_minute(w.orders, clock.tick),
                payment_success_ppm: w.payment_success_ppm(),
                stores_affected: affected[r],
            }
        })
        .collect();
    let tod = clock.time_of_day_s();
    HealthReport {
        alert,
        alert_state: AlertState::None,
        orders_per_min: per_minute(world.orders, clock.tick),
        orders_per_min_expected: (0..s.regions.len()).map(|r| expected_orders_per_min(s, capacity, r, tod)).sum(),
        payment_success_ppm: world.payment_success_ppm(),
        regions,
        stores_affected: affected.iter().sum(),
        lost_revenue_yen: m.totals.iter().map(|t| t.lost_yen).sum(),
    }
}

/// Scales a window count to a per-minute rate while the window is still
/// filling at the start of the drill.
pub(crate) fn per_minute(count: u32, tick: u64) -> u32 {
    let secs = tick.clamp(1, WINDOW_S as u64);
    (u64::from(count) * 60 / secs) as u32
}

/// Orders per minute a region would complete with nothing broken: every
/// store's arrival rate as it was a moment ago (guests take a while to
/// pay), counting only kinds that were open then and are open now.
pub(crate) fn expected_orders_per_min(s: &Scenario, capacity: &Capacity, region: usize, tod_s: u32) -> u32 {
    let then = (tod_s + 86_400 - SERVICE_LAG_S) % 86_400;
    let mut per_hour_x100: u64 = 0;
    for (k, kind) in s.kinds.iter().enumerate() {
        if !kind.is_open(tod_s) || !kind.is_open(then) {
            continue;
        }
        let size = capacity.0.get(region).and_then(|r| r.get(k)).copied().unwrap_or(0);
        let pct = u64::from(curve_pct(&kind.arrival_curve, then));
        per_hour_x100 += size * u64::from(kind.profile.peak_guests_per_hour) * pct / 100;
    }
    (per_hour_x100 / 100 / 60) as u32
}

pub(crate) fn report(world: &World, alert: bool) -> HealthReport {
    let clock = world.resource::<Clock>();
    let s = &world.resource::<Plan>().0;
    let m = world.resource::<Metrics>();
    let since = clock.tick.saturating_sub(WINDOW_S as u64);
    // Outside a system, walk the stores by their recorded order.
    let order = &world.resource::<super::stores::StoreOrder>().0;
    let mut affected = vec![0u32; s.regions.len()];
    for &e in order {
        if let (Some(store), Some(ledger)) = (world.get::<Store>(e), world.get::<Ledger>(e))
            && ledger.failures > 0
            && ledger.last_failure_tick > since
        {
            affected[usize::from(store.region)] += 1;
        }
    }
    let mut r = compose_report(clock, s, m, world.resource::<Capacity>(), &affected, alert);
    if m.alerting.iter().any(|&a| a) {
        r.alert_state = AlertState::StillFiring;
    }
    r
}

pub(crate) fn pulse(world: &World) -> Pulse {
    let clock = world.resource::<Clock>();
    let m = world.resource::<Metrics>();
    let mut w = Tally::default();
    let mut total = Tally::default();
    for r in 0..m.totals.len() {
        w.add(&m.window_sum(r));
        total.add(&m.totals[r]);
    }
    Pulse {
        tick: clock.tick,
        time_of_day_s: clock.time_of_day_s(),
        status: DrillStatus::Lobby,
        speed: 0,
        orders_per_min: Some(per_minute(w.orders, clock.tick)),
        payment_success_ppm: Some(w.payment_success_ppm()),
        payments_per_min: Some(per_minute(w.pay_ok.saturating_add(w.pay_fail), clock.tick)),
        revenue_yen: Some(total.revenue_yen),
        lost_revenue_yen: Some(total.lost_yen),
        guests_waiting: Some(world.resource::<GuestCount>().0 as u32),
        seats: 0,
    }
}

/// Tick of the first signal: the first health alert or the first store
/// deciding to call support, whichever came first.
pub(crate) fn first_signal(world: &World) -> Option<u64> {
    signal(world.resource::<Metrics>(), world.resource::<StoreStats>())
}

/// The first signal from the two sources.
pub(crate) fn signal(m: &Metrics, stats: &StoreStats) -> Option<u64> {
    match (m.first_alert_tick, stats.first_complaint_tick) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Totals over every region.
pub(crate) fn totals(world: &World) -> Tally {
    let mut t = Tally::default();
    for r in &world.resource::<Metrics>().totals {
        t.add(r);
    }
    t
}

//! Metrics and the product-health bot.
//!
//! `guests` tallies what happened this tick per region ([`TickTally`]);
//! this module rolls the tallies into a sliding window of the last
//! [`WINDOW_S`] seconds and into totals, keeps a per-minute series for
//! charts and the review, and posts health reports: on the scenario's
//! rhythm, and at once when a region's payment success crosses the alert
//! threshold (the seed's status bot). The first alert is the drill's
//! "first signal", from which time-to-declare is measured.

use bevy_ecs::prelude::*;

use super::faults::PPM;
use super::guests::{GuestCount, curve_pct};
use super::stores::Ledger;
use super::{Clock, Outbox, Plan, SimEvent, TickSet};
use crate::protocol::{DrillStatus, HealthReport, Pulse, RegionHealth};
use crate::scenario::Scenario;

/// Seconds in the sliding window behind "per minute" figures and alerts.
pub(crate) const WINDOW_S: usize = 60;

/// Seconds between two alert checks.
const ALERT_CHECK_EVERY_S: u64 = 10;

/// Fewest card payments in the window for an alert check to count.
const ALERT_MIN_SAMPLES: u32 = 20;

/// What happened in one region in one tick (or summed over many).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Orders completed (paid).
    pub orders: u32,
    /// Card payments that went through.
    pub pay_ok: u32,
    /// Card payment attempts that failed.
    pub pay_fail: u32,
    /// Revenue taken, yen.
    pub revenue_yen: u64,
    /// Revenue lost (guests who left), yen.
    pub lost_yen: u64,
    /// Guests who left without paying.
    pub left: u32,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.orders += o.orders;
        self.pay_ok += o.pay_ok;
        self.pay_fail += o.pay_fail;
        self.revenue_yen += o.revenue_yen;
        self.lost_yen += o.lost_yen;
        self.left += o.left;
    }

    /// Card payment success in ppm; full success when nothing was tried.
    pub fn payment_success_ppm(&self) -> u32 {
        let n = u64::from(self.pay_ok) + u64::from(self.pay_fail);
        (u64::from(self.pay_ok) * u64::from(PPM)).checked_div(n).map_or(PPM, |v| v as u32)
    }
}

/// This tick's tally per region, filled by `guests`.
#[derive(Resource, Debug, Default)]
pub(crate) struct TickTally(pub Vec<Tally>);

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

/// Rolling and total figures.
#[derive(Resource, Debug, Default)]
pub(crate) struct Metrics {
    /// Per region, the last `WINDOW_S` ticks' tallies (a ring indexed by tick).
    pub window: Vec<[Tally; WINDOW_S]>,
    /// Per region, totals since the start.
    pub totals: Vec<Tally>,
    /// Whole world, one point per completed minute.
    pub minutes: Vec<MinutePoint>,
    /// The minute being filled.
    pub minute: Tally,
    /// Per region, whether it is currently in alert.
    pub alerting: Vec<bool>,
    /// Tick of the first alert.
    pub first_signal_tick: Option<u64>,
}

impl Metrics {
    /// Sum of the window for one region.
    fn window_sum(&self, region: usize) -> Tally {
        let mut t = Tally::default();
        for s in &self.window[region] {
            t.add(s);
        }
        t
    }
}

pub(crate) fn init(world: &mut World, scenario: &Scenario) {
    let n = scenario.regions.len();
    world.insert_resource(TickTally(vec![Tally::default(); n]));
    world.insert_resource(GuestCount::default());
    world.insert_resource(Metrics {
        window: vec![[Tally::default(); WINDOW_S]; n],
        totals: vec![Tally::default(); n],
        alerting: vec![false; n],
        ..Metrics::default()
    });
}

pub(crate) fn register(schedule: &mut Schedule) {
    schedule.add_systems((roll_tallies, post_health).chain().in_set(TickSet::Metrics));
}

fn roll_tallies(clock: Res<Clock>, mut tally: ResMut<TickTally>, mut m: ResMut<Metrics>) {
    let slot = (clock.tick as usize) % WINDOW_S;
    let m = &mut *m;
    for (region, t) in tally.0.iter_mut().enumerate() {
        m.window[region][slot] = *t;
        m.totals[region].add(t);
        m.minute.add(t);
        *t = Tally::default();
    }
    if clock.tick.is_multiple_of(60) {
        let minute = std::mem::take(&mut m.minute);
        m.minutes.push(MinutePoint {
            orders: minute.orders,
            payment_success_ppm: minute.payment_success_ppm(),
            lost_yen: minute.lost_yen,
        });
    }
}

fn post_health(
    clock: Res<Clock>,
    plan: Res<Plan>,
    mut m: ResMut<Metrics>,
    mut outbox: ResMut<Outbox>,
    ledgers: Query<(&super::stores::Store, &Ledger)>,
) {
    let s = &plan.0;
    let mut alert = false;
    if clock.tick.is_multiple_of(ALERT_CHECK_EVERY_S) {
        for region in 0..s.regions.len() {
            let w = m.window_sum(region);
            if w.pay_ok + w.pay_fail < ALERT_MIN_SAMPLES {
                continue;
            }
            let bad = w.payment_success_ppm() < s.health.alert_below_ppm;
            if bad != m.alerting[region] {
                m.alerting[region] = bad;
                alert = true;
                if bad && m.first_signal_tick.is_none() {
                    m.first_signal_tick = Some(clock.tick);
                }
            }
        }
    }
    if alert || clock.tick.is_multiple_of(s.health.interval_s) {
        let report = build_report(&clock, s, &m, &ledgers, alert);
        outbox.0.push(SimEvent::Health(report));
    }
}

fn build_report(
    clock: &Clock,
    s: &Scenario,
    m: &Metrics,
    ledgers: &Query<(&super::stores::Store, &Ledger)>,
    alert: bool,
) -> HealthReport {
    let since = clock.tick.saturating_sub(WINDOW_S as u64);
    let mut affected = vec![0u32; s.regions.len()];
    for (store, ledger) in ledgers.iter() {
        if ledger.failures > 0 && ledger.last_failure_tick > since {
            affected[store.region as usize] += 1;
        }
    }
    compose_report(clock, s, m, &affected, alert)
}

/// A health report from the window and the count of affected stores per
/// region.
fn compose_report(clock: &Clock, s: &Scenario, m: &Metrics, affected: &[u32], alert: bool) -> HealthReport {
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
    HealthReport {
        alert,
        orders_per_min: per_minute(world.orders, clock.tick),
        orders_per_min_expected: expected_orders_per_min(s, clock.time_of_day_s()),
        payment_success_ppm: world.payment_success_ppm(),
        regions,
        stores_affected: affected.iter().sum(),
        lost_revenue_yen: m.totals.iter().map(|t| t.lost_yen).sum(),
    }
}

/// Scales a window count to a per-minute rate while the window is still
/// filling at the start of the drill.
fn per_minute(count: u32, tick: u64) -> u32 {
    let secs = tick.clamp(1, WINDOW_S as u64);
    (u64::from(count) * 60 / secs) as u32
}

/// Orders per minute the world would complete with nothing broken.
pub(crate) fn expected_orders_per_min(s: &Scenario, tod_s: u32) -> u32 {
    let pct = u64::from(curve_pct(&s.arrival_curve, tod_s));
    (u64::from(s.store_count()) * u64::from(s.store.peak_guests_per_hour) * pct / 100 / 60) as u32
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
        if let (Some(store), Some(ledger)) = (world.get::<super::stores::Store>(e), world.get::<Ledger>(e))
            && ledger.failures > 0
            && ledger.last_failure_tick > since
        {
            affected[store.region as usize] += 1;
        }
    }
    compose_report(clock, s, m, &affected, alert)
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
        orders_per_min: per_minute(w.orders, clock.tick),
        payment_success_ppm: w.payment_success_ppm(),
        revenue_yen: total.revenue_yen,
        lost_revenue_yen: total.lost_yen,
        guests_waiting: world.resource::<GuestCount>().0 as u32,
    }
}

/// Tick of the first alert.
pub(crate) fn first_signal(world: &World) -> Option<u64> {
    world.resource::<Metrics>().first_signal_tick
}

/// Totals over every region.
pub(crate) fn totals(world: &World) -> Tally {
    let mut t = Tally::default();
    for r in &world.resource::<Metrics>().totals {
        t.add(r);
    }
    t
}

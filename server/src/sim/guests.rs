//! Guests: they arrive at stores by the scenario's curve, order (on the app
//! or at the counter), pay (card or cash), and react when a step fails:
//! retry, walk to the counter, switch to cash, or give up and leave.
//!
//! A guest is an entity from arrival until it has paid or left. Each step is
//! a draw against the failure rate `faults` computed for its region this
//! tick; what happens is tallied per region for `metrics`.

use bevy_ecs::prelude::*;
use rand::{Rng, RngExt};

use super::faults::{Flow, FlowErrors, PPM};
use super::metrics::TickTally;
use super::stores::{Ledger, Store};
use super::{Clock, Plan, SimRng, TickSet};
use crate::limits::GUESTS_IN_WORLD_MAX;
use crate::scenario::CurvePoint;

/// Where a guest is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Trying to order.
    Order,
    /// Trying to pay.
    Pay,
}

/// A guest in a store.
#[derive(Component, Debug, Clone, Copy)]
pub(crate) struct Guest {
    /// The store.
    pub store: Entity,
    /// The store's region.
    pub region: u16,
    /// What they will spend, yen.
    pub ticket_yen: u32,
    /// Ordering on the app (else at the counter).
    pub mobile: bool,
    /// Paying by card (else cash).
    pub card: bool,
    /// Current step.
    pub step: Step,
    /// Failed tries at the current step.
    pub tries: u8,
    /// Tick of the next try.
    pub next_try_tick: u64,
}

/// Guests currently in the world.
#[derive(Resource, Debug, Default)]
pub(crate) struct GuestCount(pub usize);

pub(crate) fn register(schedule: &mut Schedule) {
    schedule.add_systems((serve_guests, spawn_arriving_guests).chain().in_set(TickSet::Guests));
}

/// Arrival rate as a percentage of the peak at a time of day: linear between
/// the curve's points, flat before the first and after the last.
pub(crate) fn curve_pct(curve: &[CurvePoint], tod_s: u32) -> u32 {
    let Some(first) = curve.first() else { return 0 };
    if tod_s <= first.at_s {
        return first.pct;
    }
    for pair in curve.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if tod_s <= b.at_s {
            let span = u64::from(b.at_s - a.at_s).max(1);
            let into = u64::from(tod_s - a.at_s);
            let (pa, pb) = (i64::from(a.pct), i64::from(b.pct));
            return (pa + (pb - pa) * into as i64 / span as i64) as u32;
        }
    }
    curve.last().map_or(0, |p| p.pct)
}

/// A draw that succeeds with probability `ppm / 1_000_000`.
fn chance(rng: &mut impl Rng, ppm: u32) -> bool {
    ppm > 0 && rng.random_range(0..PPM) < ppm
}

fn spawn_arriving_guests(
    mut commands: Commands,
    clock: Res<Clock>,
    plan: Res<Plan>,
    mut rng: ResMut<SimRng>,
    mut count: ResMut<GuestCount>,
    mut tally: ResMut<TickTally>,
    stores: Query<(Entity, &Store)>,
) {
    let s = &plan.0;
    let pct = u64::from(curve_pct(&s.arrival_curve, clock.time_of_day_s()));
    // Probability that a guest arrives at one store in this one-second tick,
    // as a threshold on a uniform u32.
    let threshold = (u64::from(s.store.peak_guests_per_hour) * pct * (1u64 << 32)) / (100 * 3600);
    let rng = &mut rng.0;
    // Query order over one never-changing archetype is creation order, so
    // this walk is deterministic.
    for (store, st) in &stores {
        if u64::from(rng.next_u32()) >= threshold {
            continue;
        }
        let ticket_yen = s.store.avg_ticket_yen * rng.random_range(70..=130) / 100;
        if count.0 >= GUESTS_IN_WORLD_MAX {
            // Turned away at the door: the world is full.
            let t = &mut tally.0[st.region as usize];
            t.lost_yen += u64::from(ticket_yen);
            t.left += 1;
            continue;
        }
        let mobile = rng.random_range(0..100) < s.store.mobile_order_share_pct;
        let card = rng.random_range(0..100) < s.store.card_share_pct;
        count.0 += 1;
        commands.spawn(Guest {
            store,
            region: st.region,
            ticket_yen,
            mobile,
            card,
            step: Step::Order,
            tries: 0,
            next_try_tick: clock.tick,
        });
    }
}

#[expect(clippy::too_many_arguments, reason = "a system's parameters are its declared reads and writes")]
fn serve_guests(
    mut commands: Commands,
    clock: Res<Clock>,
    errors: Res<FlowErrors>,
    mut rng: ResMut<SimRng>,
    mut count: ResMut<GuestCount>,
    mut tally: ResMut<TickTally>,
    mut guests: Query<(Entity, &mut Guest)>,
    mut ledgers: Query<&mut Ledger>,
) {
    let now = clock.tick;
    let rng = &mut rng.0;
    for (entity, mut g) in &mut guests {
        if g.next_try_tick > now {
            continue;
        }
        let flow = match (g.step, g.mobile, g.card) {
            (Step::Order, true, _) => Flow::OrderMobile,
            (Step::Order, false, _) => Flow::OrderCounter,
            (Step::Pay, _, true) => Flow::PayCard,
            (Step::Pay, _, false) => Flow::PayCash,
        };
        let failed = chance(rng, errors.get(g.region, flow));
        let t = &mut tally.0[g.region as usize];
        if failed {
            if flow == Flow::PayCard {
                t.pay_fail += 1;
            }
            if let Ok(mut ledger) = ledgers.get_mut(g.store) {
                ledger.failures += 1;
                ledger.last_failure_tick = now;
            }
            g.tries += 1;
            match react_to_failure(&mut g, rng) {
                Reaction::Retry(after_s) => g.next_try_tick = now + after_s,
                Reaction::Leave => {
                    t.lost_yen += u64::from(g.ticket_yen);
                    t.left += 1;
                    if let Ok(mut ledger) = ledgers.get_mut(g.store) {
                        ledger.lost_yen += u64::from(g.ticket_yen);
                    }
                    commands.entity(entity).despawn();
                    count.0 -= 1;
                }
            }
            continue;
        }
        match g.step {
            Step::Order => {
                g.step = Step::Pay;
                g.tries = 0;
                g.next_try_tick = now + rng.random_range(30..=90);
            }
            Step::Pay => {
                if flow == Flow::PayCard {
                    t.pay_ok += 1;
                }
                t.orders += 1;
                t.revenue_yen += u64::from(g.ticket_yen);
                if let Ok(mut ledger) = ledgers.get_mut(g.store) {
                    ledger.revenue_yen += u64::from(g.ticket_yen);
                }
                commands.entity(entity).despawn();
                count.0 -= 1;
            }
        }
    }
}

enum Reaction {
    /// Try again after this many seconds.
    Retry(u64),
    /// Give up; the sale is lost.
    Leave,
}

/// What a guest does after a failed try (`tries` already counts it). Guests
/// on the app walk to the counter after two failures and give up on the
/// third at the counter. A failed card payment is what makes people leave:
/// after each failure some pay cash, some give up, the rest try again, and
/// nobody tries a card a fourth time.
fn react_to_failure(g: &mut Guest, rng: &mut impl Rng) -> Reaction {
    match g.step {
        Step::Order if g.mobile && g.tries >= 2 => {
            g.mobile = false;
            g.tries = 0;
            Reaction::Retry(30)
        }
        Step::Order if g.tries >= 3 => Reaction::Leave,
        Step::Order => Reaction::Retry(rng.random_range(15..=45)),
        Step::Pay if g.card => {
            let roll = rng.random_range(0..100u32);
            let (cash_pct, leave_pct) = if g.tries >= 3 {
                (40, 60)
            } else if g.tries == 2 {
                (40, 40)
            } else {
                (30, 20)
            };
            if roll < cash_pct {
                g.card = false;
                g.tries = 0;
                Reaction::Retry(20)
            } else if roll < cash_pct + leave_pct {
                Reaction::Leave
            } else {
                Reaction::Retry(rng.random_range(10..=30))
            }
        }
        Step::Pay if g.tries >= 3 => Reaction::Leave,
        Step::Pay => Reaction::Retry(rng.random_range(10..=30)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curve_is_linear_between_points_and_flat_outside() {
        let c = [CurvePoint { at_s: 100, pct: 20 }, CurvePoint { at_s: 200, pct: 100 }];
        assert_eq!(curve_pct(&c, 0), 20);
        assert_eq!(curve_pct(&c, 150), 60);
        assert_eq!(curve_pct(&c, 200), 100);
        assert_eq!(curve_pct(&c, 5000), 100);
    }
}

//! Guests: they arrive at open stores by their kind's curve, order (on the
//! app or at the counter), pay (card or cash), and react when a step fails
//! or hangs: retry, wait, walk to the counter, switch to cash, or give up
//! and leave. An order the app accepted but lost never reaches the store:
//! the guest waits, asks, and either orders again at the counter or leaves,
//! and the store learns it lost an order.
//!
//! A guest is an entity from arrival until it has paid or left. Each step
//! looks up its profile's effect for the flow this tick (`profiles`), makes
//! at most two draws from the world's RNG, and tallies what happened per
//! profile for `metrics`. A store on paper (its POS unusable) takes counter
//! orders and cash by hand; a store that has been told what is going on
//! also writes card details down for later instead of sending guests away.

use bevy_ecs::prelude::*;
use rand::{Rng, RngExt};

use super::metrics::ProfileTally;
use super::profiles::{Effects, Flow, PPM, Profiles, Topology, USES_MOBILE};
use super::stores::{
    ANGER_PER_FAILURE, ANGER_PER_GUEST_LOST, ANGER_PER_ORDER_LOST, FallbackState, Ledger, Mood, Store,
};
use super::{Clock, Plan, SimRng, TickSet};
use crate::limits::GUESTS_IN_WORLD_MAX;
use crate::scenario::{CurvePoint, Fallback};

/// Where a guest is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Trying to order.
    Order,
    /// Trying to pay.
    Pay,
    /// Waiting for an order that was lost on the way to the store.
    Waiting,
}

/// A guest in a store.
#[derive(Component, Debug, Clone, Copy)]
pub(crate) struct Guest {
    /// The store.
    pub store: Entity,
    /// The store's profile.
    pub profile: u32,
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
    /// Seconds they wait for an answer before giving up on a try.
    pub patience_s: u8,
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

/// A draw that succeeds with probability `ppm / 1_000_000`; no draw at 0.
fn chance(rng: &mut impl Rng, ppm: u32) -> bool {
    ppm > 0 && (ppm >= PPM || rng.random_range(0..PPM) < ppm)
}

#[expect(clippy::too_many_arguments, reason = "a system's parameters are its declared reads and writes")]
fn spawn_arriving_guests(
    mut commands: Commands,
    clock: Res<Clock>,
    plan: Res<Plan>,
    profiles: Res<Profiles>,
    mut rng: ResMut<SimRng>,
    mut count: ResMut<GuestCount>,
    mut tally: ResMut<ProfileTally>,
    stores: Query<(Entity, &Store)>,
) {
    let s = &plan.0;
    let tod = clock.time_of_day_s();
    // Probability that a guest arrives at a typical store of each kind in
    // this one-second tick, as a threshold on a uniform u32 (before size).
    let thresholds: Vec<u64> = s
        .kinds
        .iter()
        .map(|k| {
            if !k.is_open(tod) {
                return 0;
            }
            let pct = u64::from(curve_pct(&k.arrival_curve, tod));
            u64::from(k.profile.peak_guests_per_hour) * pct * (1u64 << 32) / (100 * 3600)
        })
        .collect();
    let rng = &mut rng.0;
    // Query order over one never-changing archetype is creation order, so
    // this walk is deterministic.
    for (entity, st) in &stores {
        let threshold = thresholds[usize::from(st.kind)] * u64::from(st.size_pct) / 100;
        if threshold == 0 || u64::from(rng.next_u32()) >= threshold {
            continue;
        }
        let kind = &s.kinds[usize::from(st.kind)].profile;
        let ticket_yen = kind.avg_ticket_yen * rng.random_range(70..=130) / 100;
        let t = &mut tally.0[st.profile as usize];
        t.arrivals += 1;
        if count.0 >= GUESTS_IN_WORLD_MAX {
            // Turned away at the door: the world is full.
            t.lost_yen += u64::from(ticket_yen);
            t.left += 1;
            continue;
        }
        let has_app = profiles.uses[st.profile as usize] & USES_MOBILE != 0;
        let mobile = has_app && rng.random_range(0..100) < kind.mobile_order_share_pct;
        let card = rng.random_range(0..100) < kind.card_share_pct;
        count.0 += 1;
        commands.spawn(Guest {
            store: entity,
            profile: st.profile,
            ticket_yen,
            mobile,
            card,
            step: Step::Order,
            tries: 0,
            patience_s: rng.random_range(8..=40),
            next_try_tick: clock.tick,
        });
    }
}

/// What the world looks like to `serve_guests` this tick.
struct Ctx<'a> {
    now: u64,
    effects: &'a Effects,
    by_hand: [bool; 4],
    /// The scenario's fallbacks, which of them are usable now, and which
    /// stand in for each step.
    fallbacks: &'a [Fallback],
    usable: u64,
    by_step: [u64; 4],
}

#[expect(clippy::too_many_arguments, reason = "a system's parameters are its declared reads and writes")]
fn serve_guests(
    mut commands: Commands,
    clock: Res<Clock>,
    plan: Res<Plan>,
    effects: Res<Effects>,
    topo: Res<Topology>,
    fallback: Res<FallbackState>,
    mut rng: ResMut<SimRng>,
    mut count: ResMut<GuestCount>,
    mut tally: ResMut<ProfileTally>,
    mut guests: Query<(Entity, &mut Guest)>,
    mut stores: Query<(&mut Ledger, &mut Mood)>,
) {
    let ctx = Ctx {
        now: clock.tick,
        effects: &effects,
        by_hand: topo.by_hand,
        fallbacks: &plan.0.fallbacks,
        usable: fallback.usable,
        by_step: fallback.by_step,
    };
    let rng = &mut rng.0;
    for (entity, mut g) in &mut guests {
        if g.next_try_tick > ctx.now {
            continue;
        }
        let Ok((mut ledger, mut mood)) = stores.get_mut(g.store) else { continue };
        let t = &mut tally.0[g.profile as usize];
        let outcome = step(&ctx, &mut g, &mut ledger, &mut mood, t, rng);
        if outcome == Outcome::Gone {
            commands.entity(entity).despawn();
            count.0 -= 1;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Still in the store.
    Stays,
    /// Paid or left.
    Gone,
}

/// One try of one guest.
fn step(
    ctx: &Ctx<'_>,
    g: &mut Guest,
    ledger: &mut Ledger,
    mood: &mut Mood,
    t: &mut super::metrics::Tally,
    rng: &mut impl Rng,
) -> Outcome {
    let now = ctx.now;
    if g.step == Step::Waiting {
        // The guest asks where the order is; the store finds it never came.
        ledger.lost_orders += 1;
        t.lost_orders += 1;
        mood.hurt(ANGER_PER_ORDER_LOST);
        if rng.random_range(0..100) < 60 {
            g.step = Step::Order;
            g.mobile = false;
            g.tries = 0;
            g.next_try_tick = now + 30;
            return Outcome::Stays;
        }
        return leave(g, ledger, mood, t);
    }
    let flow = match (g.step, g.mobile, g.card) {
        (Step::Order, true, _) => Flow::OrderMobile,
        (Step::Order, false, _) => Flow::OrderCounter,
        (Step::Pay | Step::Waiting, _, true) => Flow::PayCard,
        (Step::Pay | Step::Waiting, _, false) => Flow::PayCash,
    };
    if mood.on_paper(now) && ctx.by_hand[flow as usize] {
        return by_hand(now, g, flow, ledger, mood, t, rng);
    }
    // A store that uses a fallback for this step serves most guests with it
    // instead of trying the system (cash instead of the card, paper
    // instead of the app...).
    let mine = mood.fallbacks & ctx.usable & ctx.by_step[flow as usize];
    if mine != 0 {
        let f = &ctx.fallbacks[mine.trailing_zeros() as usize];
        if chance(rng, f.serves_pct * (PPM / 100)) {
            return fallback_step(now, g, f, ledger, t, rng);
        }
    }
    let e = ctx.effects.flow[g.profile as usize][flow as usize];
    t.attempts[flow as usize] += 1;
    t.latency_ms_sum += u64::from(e.latency_ms);
    let timed_out = e.latency_ms > u32::from(g.patience_s) * 1000;
    let failed = !timed_out && chance(rng, e.error_ppm);
    if timed_out || failed {
        t.timeouts += u32::from(timed_out);
        t.fails[flow as usize] += u32::from(failed);
        if flow == Flow::PayCard {
            t.pay_fail += 1;
        }
        ledger.failures += 1;
        ledger.last_failure_tick = now;
        mood.hurt(ANGER_PER_FAILURE);
        if ctx.by_hand[flow as usize] {
            mood.pos_trouble = mood.pos_trouble.saturating_add(1);
        }
        g.tries += 1;
        return match react_to_failure(g, rng) {
            Reaction::Retry(after_s) => {
                g.next_try_tick =
                    now + after_s + e.latency_ms.min(u32::from(g.patience_s) * 1000).div_ceil(1000) as u64;
                Outcome::Stays
            }
            Reaction::Leave => leave(g, ledger, mood, t),
        };
    }
    if ctx.by_hand[flow as usize] {
        mood.pos_trouble = 0;
    }
    let wait_s = u64::from(e.latency_ms.div_ceil(1000));
    if chance(rng, e.loss_ppm) {
        // Accepted, then lost on the way: nobody notices yet.
        if g.step == Step::Order {
            g.step = Step::Waiting;
            g.next_try_tick = now + wait_s + rng.random_range(300..=720);
            return Outcome::Stays;
        }
        // A payment taken but never recorded: the store is not paid.
        if flow == Flow::PayCard {
            t.pay_ok += 1;
        }
        t.lost_orders += 1;
        t.lost_yen += u64::from(g.ticket_yen);
        ledger.lost_orders += 1;
        ledger.lost_yen += u64::from(g.ticket_yen);
        return Outcome::Gone;
    }
    match g.step {
        Step::Order | Step::Waiting => {
            g.step = Step::Pay;
            g.tries = 0;
            g.next_try_tick = now + wait_s + rng.random_range(30..=90);
            Outcome::Stays
        }
        Step::Pay => {
            if flow == Flow::PayCard {
                t.pay_ok += 1;
            }
            paid(g, ledger, t);
            Outcome::Gone
        }
    }
}

/// A store on paper: counter orders are written down, cash is taken by
/// hand, and a card is either written down for later (when the store knows
/// what is going on) or turned away (the guest pays cash or leaves).
fn by_hand(
    now: u64,
    g: &mut Guest,
    flow: Flow,
    ledger: &mut Ledger,
    mood: &mut Mood,
    t: &mut super::metrics::Tally,
    rng: &mut impl Rng,
) -> Outcome {
    match flow {
        Flow::OrderCounter | Flow::OrderMobile => {
            g.step = Step::Pay;
            g.tries = 0;
            // Paper is slower than the POS.
            g.next_try_tick = now + rng.random_range(60..=150);
            Outcome::Stays
        }
        Flow::PayCash => {
            paid(g, ledger, t);
            Outcome::Gone
        }
        Flow::PayCard if mood.informed => {
            paid(g, ledger, t);
            Outcome::Gone
        }
        Flow::PayCard => {
            if rng.random_range(0..100) < 60 {
                g.card = false;
                g.next_try_tick = now + 20;
                Outcome::Stays
            } else {
                leave(g, ledger, mood, t)
            }
        }
    }
}

/// A guest served by the store's fallback: an order taken goes on to
/// paying, a payment taken is a sale (less what the fallback loses later,
/// e.g. offline card payments declined afterwards).
fn fallback_step(
    now: u64,
    g: &mut Guest,
    f: &Fallback,
    ledger: &mut Ledger,
    t: &mut super::metrics::Tally,
    rng: &mut impl Rng,
) -> Outcome {
    match g.step {
        Step::Order | Step::Waiting => {
            g.step = Step::Pay;
            g.tries = 0;
            g.next_try_tick = now + f.slower_s + rng.random_range(30..=90);
            Outcome::Stays
        }
        Step::Pay => {
            let lost = u64::from(g.ticket_yen) * u64::from(f.cost_pct) / 100;
            t.orders += 1;
            t.revenue_yen += u64::from(g.ticket_yen) - lost;
            ledger.revenue_yen += u64::from(g.ticket_yen) - lost;
            t.lost_yen += lost;
            ledger.lost_yen += lost;
            Outcome::Gone
        }
    }
}

fn paid(g: &Guest, ledger: &mut Ledger, t: &mut super::metrics::Tally) {
    t.orders += 1;
    t.revenue_yen += u64::from(g.ticket_yen);
    ledger.revenue_yen += u64::from(g.ticket_yen);
}

fn leave(g: &Guest, ledger: &mut Ledger, mood: &mut Mood, t: &mut super::metrics::Tally) -> Outcome {
    t.lost_yen += u64::from(g.ticket_yen);
    t.left += 1;
    ledger.lost_yen += u64::from(g.ticket_yen);
    ledger.guests_lost += 1;
    mood.hurt(ANGER_PER_GUEST_LOST);
    Outcome::Gone
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
        Step::Order | Step::Waiting if g.tries >= 3 => Reaction::Leave,
        Step::Order | Step::Waiting => Reaction::Retry(rng.random_range(15..=45)),
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

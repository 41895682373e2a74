//! Profiles: groups of stores that experience the services identically.
//!
//! Two stores in the same region, using the same products and covered by
//! the same fault scopes (base scope and each spread) see exactly the same
//! error rates and latencies, so the world computes what services do once
//! per profile rather than once per store. A scenario has a handful of
//! profiles (regions x product mixes x scope splits), so recomputing the
//! table of [`Effects`] when a fault changes costs nothing, and a guest's
//! step is one table lookup.
//!
//! Neighbours: `stores` assigns each store its profile when the world is
//! built; `faults` says which fault parts are hurting and how hard and
//! marks the table dirty; `guests` reads [`Effects::flow`]; `metrics`
//! reads [`Effects::service`] to attribute errors and latency to services.

use std::collections::BTreeMap;

use bevy_ecs::prelude::*;

use crate::scenario::{Fault, Magnitude, Scenario, Scope};

/// Parts per million: the unit of every rate in the simulation.
pub(crate) const PPM: u32 = 1_000_000;

/// Product bit: mobile order.
pub(crate) const USES_MOBILE: u8 = 1;
/// Product bit: POS.
pub(crate) const USES_POS: u8 = 2;
/// Product bit: card payments.
pub(crate) const USES_PAYMENTS: u8 = 4;

/// The four steps a guest can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Order on the app.
    OrderMobile = 0,
    /// Order at the counter.
    OrderCounter = 1,
    /// Pay by card.
    PayCard = 2,
    /// Pay cash.
    PayCash = 3,
}

impl Flow {
    /// Every flow, in index order.
    pub const ALL: [Flow; 4] = [Flow::OrderMobile, Flow::OrderCounter, Flow::PayCard, Flow::PayCash];

    /// The product a store needs for this step to go through the company.
    pub fn product(self) -> u8 {
        match self {
            Flow::OrderMobile => USES_MOBILE,
            Flow::OrderCounter | Flow::PayCash => USES_POS,
            Flow::PayCard => USES_PAYMENTS,
        }
    }
}

/// What a service (with everything it calls) does to a call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Effect {
    /// Share of calls that fail, ppm.
    pub error_ppm: u32,
    /// Time to answer, milliseconds.
    pub latency_ms: u32,
    /// Share of successful calls whose data is lost, ppm.
    pub loss_ppm: u32,
}

impl Effect {
    /// Two independent effects in sequence: failures and losses combine as
    /// probabilities, latencies add.
    fn then(self, o: Effect) -> Effect {
        Effect {
            error_ppm: combine(self.error_ppm, o.error_ppm),
            latency_ms: self.latency_ms.saturating_add(o.latency_ms),
            loss_ppm: combine(self.loss_ppm, o.loss_ppm),
        }
    }
}

/// `1 - (1-a)(1-b)` in ppm.
fn combine(a: u32, b: u32) -> u32 {
    let ok = u64::from(PPM - a.min(PPM)) * u64::from(PPM - b.min(PPM)) / u64::from(PPM);
    PPM - ok as u32
}

/// One scope of one fault: its base scope (`spread == None`) or one of the
/// regions lists it spreads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Part {
    /// The fault.
    pub fault: usize,
    /// Which spread, if not the base scope.
    pub spread: Option<usize>,
}

/// Every fault part, in scenario order.
#[derive(Resource, Debug, Default)]
pub(crate) struct Parts(pub Vec<Part>);

/// The profiles of the world.
#[derive(Resource, Debug, Default)]
pub(crate) struct Profiles {
    /// Region of each profile.
    pub region: Vec<u16>,
    /// Products each profile's stores use (`USES_*` bits).
    pub uses: Vec<u8>,
    /// Fault parts that cover each profile, ascending.
    pub parts: Vec<Vec<u16>>,
    /// Stores in each profile.
    pub stores: Vec<u32>,
}

impl Profiles {
    /// Number of profiles.
    pub fn len(&self) -> usize {
        self.region.len()
    }
}

/// What each profile experiences now.
#[derive(Resource, Debug, Default)]
pub(crate) struct Effects {
    /// `flow[profile][flow]`: the step's effect; zero when the store does
    /// not use the product (another vendor carries the step).
    pub flow: Vec<[Effect; 4]>,
    /// `service[profile * services + s]`: the effect of calling service `s`
    /// (it and everything it calls), for attributing metrics.
    pub service: Vec<Effect>,
    /// `impacted[profile]`: whether something beyond a normal day hurts
    /// the profile's stores now (what a store can tell from its guests).
    pub impacted: Vec<bool>,
    /// Whether something changed since the table was computed.
    pub dirty: bool,
}

/// Failure rate above normal, ppm, from which a store notices.
const NOTICEABLE_ERROR_PPM: u32 = 10_000;
/// Latency above normal, ms, from which a store notices.
const NOTICEABLE_LATENCY_MS: u32 = 1_000;

/// For each service, every service it reaches through `depends_on`,
/// itself included; and for each flow, its entry service.
#[derive(Resource, Debug, Default)]
pub(crate) struct Topology {
    /// `reach[s]`: services `s` calls, directly or not, and `s`.
    pub reach: Vec<Vec<usize>>,
    /// Entry service of each flow.
    pub entry: [usize; 4],
    /// Flows a store on paper (POS unusable) takes by hand: those sharing a
    /// service with ordering at the counter. Ordering on the app never is.
    pub by_hand: [bool; 4],
}

pub(crate) fn topology(s: &Scenario) -> Topology {
    let reach: Vec<Vec<usize>> = (0..s.services.len()).map(|e| reachable(s, e)).collect();
    let f = s.flows;
    let entry = [f.order_mobile, f.order_counter, f.pay_card, f.pay_cash];
    let empty = Vec::new();
    let pos = reach.get(f.order_counter).unwrap_or(&empty);
    let by_hand = Flow::ALL.map(|flow| {
        flow != Flow::OrderMobile
            && reach.get(entry[flow as usize]).is_some_and(|path| path.iter().any(|x| pos.contains(x)))
    });
    Topology { reach, entry, by_hand }
}

/// Services reachable from `entry` through `depends_on`, ascending
/// (validation guarantees there is no cycle; the visited set bounds the
/// walk anyway).
fn reachable(scenario: &Scenario, entry: usize) -> Vec<usize> {
    let mut seen = vec![false; scenario.services.len()];
    let mut stack = vec![entry];
    while let Some(s) = stack.pop() {
        if s >= seen.len() || seen[s] {
            continue;
        }
        seen[s] = true;
        stack.extend(scenario.services[s].depends_on.iter().copied());
    }
    seen.iter().enumerate().filter(|(_, on)| **on).map(|(i, _)| i).collect()
}

/// Every part of every fault, in order.
pub(crate) fn parts(s: &Scenario) -> Parts {
    let mut out = Vec::new();
    for (f, def) in s.faults.iter().enumerate() {
        out.push(Part { fault: f, spread: None });
        out.extend((0..def.spreads.len()).map(|j| Part { fault: f, spread: Some(j) }));
    }
    Parts(out)
}

/// What a store is, as far as fault scopes care.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoreKey {
    /// Position in the world's store order.
    pub index: u32,
    /// Region.
    pub region: usize,
    /// Kind.
    pub kind: usize,
    /// Corporate client, if any.
    pub client: Option<usize>,
    /// Products used.
    pub uses: u8,
}

/// Builds the profiles and returns each store's profile, in store order.
pub(crate) fn assign(s: &Scenario, parts: &Parts, stores: &[StoreKey]) -> (Profiles, Vec<u32>) {
    let mut ids: BTreeMap<(u16, u8, Vec<u16>), u32> = BTreeMap::new();
    let mut profiles = Profiles::default();
    let mut out = Vec::with_capacity(stores.len());
    let mut covering: Vec<u16> = Vec::new();
    for st in stores {
        covering.clear();
        for (p, part) in parts.0.iter().enumerate() {
            if covers(&s.faults[part.fault], part, st) {
                covering.push(p as u16);
            }
        }
        let region = st.region as u16;
        let key = (region, st.uses, covering.clone());
        let next = profiles.len() as u32;
        let id = *ids.entry(key).or_insert_with(|| {
            profiles.region.push(region);
            profiles.uses.push(st.uses);
            profiles.parts.push(covering.clone());
            profiles.stores.push(0);
            next
        });
        profiles.stores[id as usize] += 1;
        out.push(id);
    }
    (profiles, out)
}

/// Whether a fault part covers a store.
fn covers(fault: &Fault, part: &Part, st: &StoreKey) -> bool {
    let regions = match part.spread {
        None => &fault.scope.regions,
        Some(j) => &fault.spreads[j].regions,
    };
    in_scope(&fault.scope, regions, st, part.fault)
}

fn in_scope(scope: &Scope, regions: &[usize], st: &StoreKey, fault: usize) -> bool {
    (regions.is_empty() || regions.contains(&st.region))
        && (scope.kinds.is_empty() || scope.kinds.contains(&st.kind))
        && (scope.clients.is_empty() || st.client.is_some_and(|c| scope.clients.contains(&c)))
        && (scope.store_share_ppm >= PPM
            || (mix(u64::from(st.index), 0x5eed_f00d ^ fault as u64) % u64::from(PPM))
                < u64::from(scope.store_share_ppm))
}

/// A fixed 64-bit mix (splitmix64's finaliser) of a value and a salt: the
/// stable, seed-independent choice of "which stores" for shares.
pub(crate) fn mix(v: u64, salt: u64) -> u64 {
    let mut z = v.wrapping_add(salt.wrapping_mul(0x9e37_79b9_7f4a_7c15)).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A fault's strength scaled to a part's share of it.
pub(crate) fn scaled(m: Magnitude, pct: u32) -> Effect {
    let f = |v: u32| (u64::from(v) * u64::from(pct) / 100) as u32;
    Effect { error_ppm: f(m.error_ppm), latency_ms: f(m.latency_ms), loss_ppm: f(m.loss_ppm) }
}

/// Recomputes the effect table.
///
/// `part_effect[p]` is what part `p` does now (zero when not hurting);
/// `side[s]` lists the side effects of running actions on service `s` with
/// the regions they hit (empty: all).
pub(crate) fn compute(
    s: &Scenario,
    topo: &Topology,
    parts: &Parts,
    profiles: &Profiles,
    part_effect: &[Effect],
    side: &[(usize, Effect, &[usize])],
    out: &mut Effects,
) {
    let n = s.services.len();
    out.flow.resize(profiles.len(), [Effect::default(); 4]);
    out.impacted.resize(profiles.len(), false);
    let normal: Vec<Effect> = topo
        .reach
        .iter()
        .map(|path| {
            path.iter().fold(Effect::default(), |acc, &r| {
                let svc = &s.services[r];
                acc.then(Effect { error_ppm: svc.normal_error_ppm, latency_ms: svc.normal_latency_ms, loss_ppm: 0 })
            })
        })
        .collect();
    out.service.resize(profiles.len() * n, Effect::default());
    let mut own = vec![Effect::default(); n];
    for p in 0..profiles.len() {
        let region = usize::from(profiles.region[p]);
        for (i, svc) in s.services.iter().enumerate() {
            own[i] = Effect { error_ppm: svc.normal_error_ppm, latency_ms: svc.normal_latency_ms, loss_ppm: 0 };
        }
        for &part in &profiles.parts[p] {
            let part = usize::from(part);
            let fault = parts.0[part].fault;
            let svc = s.faults[fault].service;
            own[svc] = own[svc].then(part_effect[part]);
        }
        for (svc, e, regions) in side {
            if regions.is_empty() || regions.contains(&region) {
                own[*svc] = own[*svc].then(*e);
            }
        }
        for (i, path) in topo.reach.iter().enumerate() {
            out.service[p * n + i] = path.iter().fold(Effect::default(), |acc, &r| acc.then(own[r]));
        }
        let mut impacted = false;
        for flow in Flow::ALL {
            let uses = profiles.uses[p] & flow.product() != 0;
            let entry = topo.entry[flow as usize];
            let e = if uses { out.service[p * n + entry] } else { Effect::default() };
            out.flow[p][flow as usize] = e;
            if uses {
                let base = normal[entry];
                impacted |= e.error_ppm > base.error_ppm + NOTICEABLE_ERROR_PPM
                    || e.latency_ms > base.latency_ms + NOTICEABLE_LATENCY_MS
                    || e.loss_ppm > 0;
            }
        }
        out.impacted[p] = impacted;
    }
    out.dirty = false;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_combine_as_independent_probabilities() {
        assert_eq!(combine(0, 0), 0);
        assert_eq!(combine(PPM, 0), PPM);
        assert_eq!(combine(500_000, 500_000), 750_000);
    }

    #[test]
    fn the_store_mix_is_stable() {
        // SplitMix64's finaliser: the same stores are hit in every run, on
        // every platform, with every compiler.
        assert_eq!(mix(0, 0), 0xe220_a839_7b1d_cdaf);
        assert_eq!(mix(12_345, 7), 0x6e74_11b0_6820_371c);
    }
}

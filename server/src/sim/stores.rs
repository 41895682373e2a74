//! Stores: the restaurants that use the company's products, and how they
//! feel about it.
//!
//! Each store is an entity with a [`Store`] (what it is: region, kind,
//! owner, profile, temper), a [`Ledger`] (what happened to it) and a
//! [`Mood`] (how angry it is, whether it knows what is going on, whether it
//! has gone to paper, whether it wants to call support or post on social
//! media). [`StoreOrder`] keeps the entities in creation order so that
//! anything that walks every store outside a system (hashing, views) does
//! so in a stable order.
//!
//! Mood is where communication matters: failures and lost sales make a
//! store angry; once it has read a published external notice (or been
//! briefed on a call or by its corporate client's sales contact) it gets
//! angry half as fast and needs twice the anger before it calls. A notice
//! that says "operational" while the store still fails misleads it, which
//! makes it angrier than saying nothing. [`update_store_moods`] runs every
//! [`MOOD_EVERY_S`] seconds; `guests` adds anger as things happen.

use bevy_ecs::prelude::*;

use super::faults::Faults;
use super::incident::Incident;
use super::profiles::{self, Effects, StoreKey, Topology, USES_MOBILE, USES_PAYMENTS, USES_POS, mix};
use super::{Clock, Plan, TickSet};
use crate::protocol::ComponentStatus;
use crate::scenario::{ClientSize, Scenario};

/// Seconds between two mood updates.
pub(crate) const MOOD_EVERY_S: u64 = 10;

/// Anger is in ppm of "furious".
pub(crate) const ANGER_MAX: u32 = 1_000_000;
/// Anger from one failed attempt a guest complains about at the register.
pub(crate) const ANGER_PER_FAILURE: u32 = 25_000;
/// Anger from one guest who left without paying.
pub(crate) const ANGER_PER_GUEST_LOST: u32 = 50_000;
/// Anger from one order that was accepted and never arrived.
pub(crate) const ANGER_PER_ORDER_LOST: u32 = 150_000;
/// Per mood update, anger falls by this many parts per thousand (about an
/// eleven-minute half-life).
const ANGER_DECAY_PER_MILLE: u32 = 10;
/// How fast an informed store gets angry, percent of an uninformed one.
pub(crate) const INFORMED_ANGER_PCT: u32 = 50;
/// How angry an informed store must be to call, percent of an uninformed one.
pub(crate) const INFORMED_CALL_THRESHOLD_PCT: u32 = 200;
/// How fast a store misled by an all-clear gets angry, percent.
pub(crate) const MISLED_ANGER_PCT: u32 = 150;
/// Temper: the anger at which a store calls support, drawn per store.
const TEMPER_MIN: u32 = 100_000;
const TEMPER_MAX: u32 = 400_000;
/// Anger at which an uninformed store posts on social media.
const POST_AT: u32 = 700_000;
/// Seconds before a store that posted may post again.
const POST_AGAIN_AFTER_S: u64 = 1_800;
/// Seconds a store needs, at most, to read a new external notice.
const READ_DELAY_MAX_S: u64 = 300;
/// Seconds a call or a client briefing keeps a store informed.
const BRIEFED_FOR_S: u64 = 1_800;
/// Failures in a row at the POS after which a store goes to paper; one is
/// enough for a store that has been told the POS is down.
const PAPER_AFTER_FAILURES: u16 = 3;
const PAPER_AFTER_FAILURES_INFORMED: u16 = 1;
/// Seconds a store stays on paper before it tries the POS again.
const PAPER_FOR_S: u64 = 300;

/// What a store is.
#[derive(Component, Debug, Clone, Copy)]
pub(crate) struct Store {
    /// Position in creation order.
    pub index: u32,
    /// Region, index into the scenario.
    pub region: u16,
    /// Kind, index into the scenario.
    pub kind: u16,
    /// Corporate client, index into the scenario; `NO_CLIENT` if none.
    pub client: u32,
    /// Profile (see `profiles`).
    pub profile: u32,
    /// Size, percent of its kind's typical store.
    pub size_pct: u32,
    /// Anger at which it calls support.
    pub temper: u32,
    /// Seconds it takes to read a new notice.
    pub read_delay_s: u64,
}

/// `Store::client` for an independent store.
pub(crate) const NO_CLIENT: u32 = u32::MAX;

/// What happened to a store since the start.
#[derive(Component, Debug, Clone, Copy, Default)]
pub(crate) struct Ledger {
    /// Revenue taken, yen.
    pub revenue_yen: u64,
    /// Revenue lost (guests who left, orders and payments lost), yen.
    pub lost_yen: u64,
    /// Failed attempts (ordering or paying) since the start.
    pub failures: u32,
    /// Tick of the last failed attempt, 0 if none.
    pub last_failure_tick: u64,
    /// Orders accepted by the app that never reached the store.
    pub lost_orders: u32,
    /// Guests who left without paying.
    pub guests_lost: u32,
}

/// How a store feels and what it is about to do.
#[derive(Component, Debug, Clone, Copy, Default)]
pub(crate) struct Mood {
    /// Anger, ppm of furious.
    pub anger: u32,
    /// Whether it knows what is going on (read a notice, was briefed).
    pub informed: bool,
    /// Whether a notice told it all is well while it still fails.
    pub misled: bool,
    /// Failures in a row at the POS (a success at the POS resets it).
    pub pos_trouble: u16,
    /// Taking orders on paper and payments by hand until this tick.
    pub paper_until: u64,
    /// Since when it wants to call support, if it does.
    pub wants_call_since: Option<u64>,
    /// Times it decided to call.
    pub calls_wanted: u32,
    /// Times a call of its was answered.
    pub calls_answered: u32,
    /// Tick it last posted on social media.
    pub posted_tick: Option<u64>,
    /// Times it posted.
    pub posts: u32,
    /// Tick it was last briefed (a call, its client's sales contact).
    pub briefed_tick: Option<u64>,
    /// Fallbacks (bit per scenario fallback) named in what it was last told
    /// on a call or by its client's sales contact.
    pub told_fallbacks: u64,
    /// Fallbacks it uses now instead of a failing step (bit per scenario
    /// fallback).
    pub fallbacks: u64,
}

impl Mood {
    /// Whether it takes orders on paper now.
    pub fn on_paper(&self, now: u64) -> bool {
        now < self.paper_until
    }

    /// Anger gained from something that hurt, given what the store knows.
    pub fn hurt(&mut self, amount: u32) {
        let pct = if self.misled {
            MISLED_ANGER_PCT
        } else if self.informed {
            INFORMED_ANGER_PCT
        } else {
            100
        };
        let amount = (u64::from(amount) * u64::from(pct) / 100) as u32;
        self.anger = self.anger.saturating_add(amount).min(ANGER_MAX);
    }
}

/// What the scenario's fallbacks can do now: which are usable (a fault of
/// a kind they help with hurts the service they work around), which each
/// published notice names, and which stand in for each guest step.
#[derive(Resource, Debug, Default)]
pub(crate) struct FallbackState {
    /// Bit per fallback: usable now.
    pub usable: u64,
    /// Per published notice, in order: the fallbacks it names.
    pub notice_named: Vec<u64>,
    /// Per guest step (flow index): the fallbacks that stand in for it.
    pub by_step: [u64; 4],
}

/// The fallbacks named in `text`, bit per scenario fallback.
pub(crate) fn named_fallbacks(s: &Scenario, text: &str) -> u64 {
    s.fallbacks.iter().enumerate().filter(|(_, f)| f.named_in(text)).fold(0, |m, (i, _)| m | 1 << i)
}

/// Every store entity, in creation order.
#[derive(Resource, Debug, Default)]
pub(crate) struct StoreOrder(pub Vec<Entity>);

/// Per-region counts from the last mood update.
#[derive(Resource, Debug, Default, Clone)]
pub(crate) struct StoreStats {
    /// Per region.
    pub regions: Vec<RegionCounts>,
    /// Tick the first store decided to call support.
    pub first_complaint_tick: Option<u64>,
}

/// How many stores of a region are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RegionCounts {
    /// Angry: anger at or above half their temper.
    pub angry: u32,
    /// Wanting to call support.
    pub calling: u32,
    /// Posted on social media in the last half hour.
    pub posting: u32,
    /// Informed.
    pub informed: u32,
    /// Misled by an all-clear notice.
    pub misled: u32,
    /// On paper.
    pub paper: u32,
}

impl StoreStats {
    /// Stores wanting to call, all regions.
    pub fn calling(&self) -> u32 {
        self.regions.iter().map(|r| r.calling).sum()
    }
}

/// Per region and kind, the sum of the stores' sizes (percent), for the
/// arrival rate a healthy world would see.
#[derive(Resource, Debug, Default)]
pub(crate) struct Capacity(pub Vec<Vec<u64>>);

/// Spawns every store of the scenario, region by region, and builds the
/// profiles.
pub(crate) fn spawn(world: &mut World, s: &Scenario, seed: u64) {
    let n = s.store_count() as usize;
    let mut keys: Vec<StoreKey> = Vec::with_capacity(n);
    for (region, r) in s.regions.iter().enumerate() {
        let mut assigned = vec![0u64; s.kinds.len()];
        for j in 0..u64::from(r.stores) {
            let kind = pick_kind(s, &assigned, j);
            assigned[kind] += 1;
            let index = keys.len() as u32;
            let k = &s.kinds[kind];
            let mut uses = 0;
            for (pct, bit, salt) in [
                (k.uses.mobile_order_pct, USES_MOBILE, 11),
                (k.uses.pos_pct, USES_POS, 12),
                (k.uses.payments_pct, USES_PAYMENTS, 13),
            ] {
                if mix(u64::from(index), salt) % 100 < u64::from(pct) {
                    uses |= bit;
                }
            }
            keys.push(StoreKey { index, region, kind, client: None, uses });
        }
    }
    assign_clients(s, &mut keys);
    let parts = profiles::parts(s);
    let (profile_table, profile_of) = profiles::assign(s, &parts, &keys);

    let mut capacity = vec![vec![0u64; s.kinds.len()]; s.regions.len()];
    let mut order = Vec::with_capacity(n);
    for (k, &profile) in keys.iter().zip(&profile_of) {
        let i = u64::from(k.index);
        // Sizes vary from 60% to 140% of the kind's typical store.
        let size_pct = (s.kinds[k.kind].size_pct * (60 + (mix(i ^ seed, 21) % 81) as u32) / 100).max(1);
        capacity[k.region][k.kind] += u64::from(size_pct);
        let store = Store {
            index: k.index,
            region: k.region as u16,
            kind: k.kind as u16,
            client: k.client.map_or(NO_CLIENT, |c| c as u32),
            profile,
            size_pct,
            temper: TEMPER_MIN + (mix(i ^ seed, 22) % u64::from(TEMPER_MAX - TEMPER_MIN)) as u32,
            read_delay_s: 10 + mix(i ^ seed, 23) % READ_DELAY_MAX_S,
        };
        order.push(world.spawn((store, Ledger::default(), Mood::default())).id());
    }
    world.insert_resource(StoreOrder(order));
    world.insert_resource(Capacity(capacity));
    world.insert_resource(StoreStats {
        regions: vec![RegionCounts::default(); s.regions.len()],
        first_complaint_tick: None,
    });
    world.insert_resource(parts);
    world.insert_resource(profile_table);
    let mut by_step = [0u64; 4];
    for (i, f) in s.fallbacks.iter().enumerate() {
        by_step[f.step.min(3)] |= 1 << i;
    }
    world.insert_resource(FallbackState { by_step, ..FallbackState::default() });
}

/// The kind of the `j`-th store of a region: the kind furthest behind its
/// share so far, so kinds interleave and every share is met to within one
/// store.
fn pick_kind(s: &Scenario, assigned: &[u64], j: u64) -> usize {
    let mut best = 0;
    let mut best_deficit = i64::MIN;
    for (k, kind) in s.kinds.iter().enumerate() {
        let deficit = ((j + 1) * u64::from(kind.share_pct)) as i64 - (assigned[k] * 100) as i64;
        if deficit > best_deficit {
            best = k;
            best_deficit = deficit;
        }
    }
    best
}

/// Gives each corporate client its stores: among the stores that match its
/// regions and kinds and have no owner yet, an evenly spaced selection of
/// the size it asks for. Clients are served in scenario order.
fn assign_clients(s: &Scenario, keys: &mut [StoreKey]) {
    for (c, client) in s.clients.iter().enumerate() {
        let matches = |k: &StoreKey| {
            k.client.is_none()
                && (client.regions.is_empty() || client.regions.contains(&k.region))
                && (client.kinds.is_empty() || client.kinds.contains(&k.kind))
        };
        let candidates = keys.iter().filter(|k| matches(k)).count() as u64;
        if candidates == 0 {
            continue;
        }
        let target = match client.size {
            ClientSize::Stores(n) => u64::from(n).min(candidates),
            ClientSize::SharePct(p) => (candidates * u64::from(p) + 50) / 100,
        };
        for (seen, k) in keys.iter_mut().filter(|k| matches(k)).enumerate() {
            let seen = seen as u64;
            if (seen + 1) * target / candidates > seen * target / candidates {
                k.client = Some(c);
            }
        }
    }
}

pub(crate) fn register(schedule: &mut Schedule) {
    schedule.add_systems(update_store_moods.in_set(TickSet::Stores));
}

/// Every few seconds: anger fades; stores read notices; stores in trouble
/// at the POS go to paper; angry stores decide to call or post.
#[expect(clippy::too_many_arguments, reason = "a system's parameters are its declared reads and writes")]
fn update_store_moods(
    clock: Res<Clock>,
    plan: Res<Plan>,
    incident: Res<Incident>,
    effects: Res<Effects>,
    faults: Res<Faults>,
    topo: Res<Topology>,
    mut fallback: ResMut<FallbackState>,
    mut stats: ResMut<StoreStats>,
    mut stores: Query<(&Store, &mut Mood)>,
) {
    let now = clock.tick;
    if !now.is_multiple_of(MOOD_EVERY_S) {
        return;
    }
    let s = &plan.0;
    let fb = &mut *fallback;
    if !s.fallbacks.is_empty() {
        // Usable while a fault of a kind it helps with hurts the service it
        // works around (or one that service depends on).
        fb.usable = 0;
        for (i, f) in s.fallbacks.iter().enumerate() {
            let hit = s.faults.iter().zip(&faults.0).any(|(def, st)| {
                st.active
                    && (f.fault_kinds.is_empty() || f.fault_kinds.contains(&def.kind))
                    && topo.reach.get(f.service).is_some_and(|r| r.contains(&def.service))
            });
            if hit {
                fb.usable |= 1 << i;
            }
        }
        while fb.notice_named.len() < incident.notices.len() {
            let n = &incident.notices[fb.notice_named.len()];
            fb.notice_named.push(named_fallbacks(s, &n.text));
        }
    }
    let stats = &mut *stats;
    for r in &mut stats.regions {
        *r = RegionCounts::default();
    }
    // Query order over one never-changing archetype is creation order.
    for (store, mut mood) in &mut stores {
        let mood = &mut *mood;
        mood.anger -= mood.anger * ANGER_DECAY_PER_MILLE / 1000;
        // The latest notice this store has had time to read.
        let read_at = incident.notices.iter().rposition(|n| now >= n.tick + store.read_delay_s);
        let read = read_at.map(|i| (incident.notices[i].tick, incident.notices[i].status));
        let briefed = mood.briefed_tick.is_some_and(|t| now < t + BRIEFED_FOR_S);
        // Whether its guests are running into something beyond a normal
        // day's odd failure.
        let hurting = effects.impacted.get(store.profile as usize).copied().unwrap_or(false);
        // An all-clear informs a store that is fine and misleads one that
        // still fails (unless someone told it otherwise since).
        let (informed, misled) = match read {
            Some((_, ComponentStatus::Operational)) => (briefed || !hurting, hurting && !briefed),
            Some(_) => (true, false),
            None => (briefed, false),
        };
        mood.informed = informed;
        mood.misled = misled;
        // What it does instead of a failing step: what it was told of
        // (the notice it read, what support or its client's sales contact
        // said), and, told nothing specific, sometimes a fallback of its own.
        mood.fallbacks = 0;
        if informed && !misled && hurting && !s.fallbacks.is_empty() {
            let from_notice = read_at
                .filter(|&i| incident.notices[i].status != ComponentStatus::Operational)
                .and_then(|i| fb.notice_named.get(i).copied())
                .unwrap_or(0);
            let told = if briefed { mood.told_fallbacks } else { 0 };
            let own = s.fallbacks.iter().enumerate().fold(0u64, |m, (i, f)| {
                let roll = mix(u64::from(store.index), 40 + i as u64) % 100;
                if roll < u64::from(f.unnamed_pct) { m | 1 << i } else { m }
            });
            mood.fallbacks = (from_notice | told | own) & fb.usable;
        }

        let paper_after = if informed { PAPER_AFTER_FAILURES_INFORMED } else { PAPER_AFTER_FAILURES };
        if mood.pos_trouble >= paper_after && !mood.on_paper(now) {
            mood.paper_until = now + PAPER_FOR_S;
            mood.pos_trouble = 0;
        }

        let threshold = if informed {
            (u64::from(store.temper) * u64::from(INFORMED_CALL_THRESHOLD_PCT) / 100) as u32
        } else {
            store.temper
        };
        match mood.wants_call_since {
            None if mood.anger >= threshold => {
                mood.wants_call_since = Some(now);
                mood.calls_wanted += 1;
                stats.first_complaint_tick.get_or_insert(now);
            }
            // A store that has calmed down, or has been told and no longer
            // fails, gives up on calling.
            Some(_) if mood.anger < threshold / 2 || (informed && !hurting && mood.anger < threshold) => {
                mood.wants_call_since = None;
            }
            None | Some(_) => {}
        }
        let may_post = mood.posted_tick.is_none_or(|t| now >= t + POST_AGAIN_AFTER_S);
        if !informed && mood.anger >= POST_AT && may_post {
            mood.posted_tick = Some(now);
            mood.posts += 1;
        }

        let c = &mut stats.regions[usize::from(store.region)];
        c.angry += u32::from(mood.anger >= store.temper / 2);
        c.calling += u32::from(mood.wants_call_since.is_some());
        c.posting += u32::from(mood.posted_tick.is_some_and(|t| now < t + POST_AGAIN_AFTER_S));
        c.informed += u32::from(informed);
        c.misled += u32::from(misled);
        c.paper += u32::from(mood.on_paper(now));
    }
}

/// A call from a store was answered: it is informed for a while and
/// calmer. Returns whether the store exists.
pub(crate) fn answer_call(world: &mut World, store: u32, now: u64) -> bool {
    let Some(&e) = world.resource::<StoreOrder>().0.get(store as usize) else { return false };
    let Some(mut mood) = world.get_mut::<Mood>(e) else { return false };
    mood.anger /= 2;
    mood.wants_call_since = None;
    mood.calls_answered += 1;
    mood.briefed_tick = Some(now);
    mood.informed = true;
    true
}

/// What a store was told on its call named these fallbacks (it uses them
/// while it stays briefed).
pub(crate) fn tell_store(world: &mut World, store: u32, named: u64) {
    let Some(&e) = world.resource::<StoreOrder>().0.get(store as usize) else { return };
    if let Some(mut mood) = world.get_mut::<Mood>(e) {
        mood.told_fallbacks = named;
    }
}

/// What sales told a corporate client named these fallbacks: every store
/// it owns uses them while it stays briefed.
pub(crate) fn tell_client(world: &mut World, client: u32, named: u64) {
    let mut q = world.query::<(&Store, &mut Mood)>();
    for (store, mut mood) in q.iter_mut(world) {
        if store.client == client {
            mood.told_fallbacks = named;
        }
    }
}

/// Sales briefed a corporate client: every store it owns is informed.
/// Returns how many stores that reached.
pub(crate) fn brief_client(world: &mut World, client: u32, now: u64) -> u32 {
    let mut q = world.query::<(&Store, &mut Mood)>();
    let mut n = 0;
    for (store, mut mood) in q.iter_mut(world) {
        if store.client == client {
            mood.briefed_tick = Some(now);
            mood.informed = true;
            n += 1;
        }
    }
    n
}

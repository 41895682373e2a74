//! The master scenario events list: when each inject is due.
//!
//! The world only keeps time for injects: each one is due at its minute or
//! a while after its condition is first met, and [`InjectBook`] records the
//! tick. Delivering them (a store's call, a client's LINE message, a post
//! on the social feed) and judging the response is the drill's business;
//! it reads `Sim::fired_injects`.

use bevy_ecs::prelude::*;

use super::faults::{Faults, Runs};
use super::incident::Incident;
use super::metrics::Metrics;
use super::stores::StoreStats;
use super::triggers::{Pending, View};
use super::{Clock, Plan, TickSet};

/// Each inject's trigger and the tick it fired.
#[derive(Resource, Debug, Default)]
pub(crate) struct InjectBook {
    /// Per inject, its trigger's progress.
    pub pending: Vec<Pending>,
    /// Per inject, the tick it fired.
    pub fired: Vec<Option<u64>>,
    /// Injects in the order they fired.
    pub order: Vec<usize>,
    /// Per inject, whether the facilitator skipped it.
    pub skipped: Vec<bool>,
    /// Per inject, the tick before which it may not fire (a delay).
    pub not_before: Vec<u64>,
    /// Per inject, its text as the facilitator edited it.
    pub texts: Vec<Option<String>>,
    /// Ad-hoc injects sent so far.
    pub adhoc: u32,
}

pub(crate) fn init(world: &mut World, injects: usize) {
    world.insert_resource(InjectBook {
        pending: vec![Pending::default(); injects],
        fired: vec![None; injects],
        order: Vec::new(),
        skipped: vec![false; injects],
        not_before: vec![0; injects],
        texts: vec![None; injects],
        adhoc: 0,
    });
}

pub(crate) fn register(schedule: &mut Schedule) {
    schedule.add_systems(fire_due_injects.in_set(TickSet::Clues));
}

#[expect(clippy::too_many_arguments, reason = "a system's parameters are its declared reads and writes")]
fn fire_due_injects(
    clock: Res<Clock>,
    plan: Res<Plan>,
    faults: Res<Faults>,
    runs: Res<Runs>,
    incident: Res<Incident>,
    metrics: Res<Metrics>,
    stats: Res<StoreStats>,
    mut book: ResMut<InjectBook>,
) {
    let now = clock.tick;
    let v = View {
        faults: &faults.0,
        runs: &runs.0,
        incident: &incident,
        lost_yen: metrics.lost_yen(),
        stores_calling: stats.calling(),
    };
    let book = &mut *book;
    for (i, inject) in plan.0.injects.iter().enumerate() {
        // The trigger's progress is tracked even while delayed, so a delay
        // postpones a met condition instead of forgetting it.
        let due = book.pending[i].due(inject.trigger, now, &v);
        if book.fired[i].is_none() && !book.skipped[i] && now >= book.not_before[i] && due {
            book.fired[i] = Some(now);
            book.order.push(i);
        }
    }
}

/// The facilitator's view of inject `i`.
pub(crate) fn view(s: &crate::scenario::Scenario, book: &InjectBook, i: usize) -> crate::protocol::InjectView {
    let def = &s.injects[i];
    let due = match def.trigger {
        crate::scenario::Trigger::At(t) => Some(t.max(book.not_before[i])),
        crate::scenario::Trigger::When(_, after) => {
            book.pending[i].met_tick.map(|m| (m + after).max(book.not_before[i]))
        }
    };
    crate::protocol::InjectView {
        id: def.id.clone(),
        persona: s.personas.get(def.persona).map(|p| p.name.clone()).unwrap_or_default(),
        medium: super::calls::medium(def.channel),
        text: book.texts[i].clone().unwrap_or_else(|| def.text.clone()),
        due_tick: due,
        fired_tick: book.fired[i],
        skipped: book.skipped[i],
        expect_role: def.expect.as_ref().map(|e| e.role),
        expect_within_s: def.expect.as_ref().map(|e| e.within_s),
        note: def.expect.as_ref().map(|e| e.note.clone()).unwrap_or_default(),
    }
}

/// Every inject, for the facilitator's timeline.
pub(crate) fn views(world: &World) -> Vec<crate::protocol::InjectView> {
    let s = &world.resource::<Plan>().0;
    let book = world.resource::<InjectBook>();
    (0..s.injects.len()).map(|i| view(s, book, i)).collect()
}

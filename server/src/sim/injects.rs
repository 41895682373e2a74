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
}

pub(crate) fn init(world: &mut World, injects: usize) {
    world.insert_resource(InjectBook {
        pending: vec![Pending::default(); injects],
        fired: vec![None; injects],
        order: Vec::new(),
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
        if book.fired[i].is_none() && book.pending[i].due(inject.trigger, now, &v) {
            book.fired[i] = Some(now);
            book.order.push(i);
        }
    }
}

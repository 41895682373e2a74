//! Stores: the restaurants that use the company's products.
//!
//! Each store is an entity with a [`Store`] (what it is) and a [`Ledger`]
//! (what happened to it). [`StoreOrder`] keeps the entities in creation
//! order so that anything that walks every store (hashing, reports) does so
//! in a stable order without relying on query iteration order.

use bevy_ecs::prelude::*;

use crate::scenario::Scenario;

/// What a store is.
#[derive(Component, Debug, Clone, Copy)]
pub(crate) struct Store {
    /// Index of its region in the scenario.
    pub region: u16,
}

/// What happened to a store since the start.
#[derive(Component, Debug, Clone, Copy, Default)]
pub(crate) struct Ledger {
    /// Revenue taken, yen.
    pub revenue_yen: u64,
    /// Revenue lost to failures (guests who left), yen.
    pub lost_yen: u64,
    /// Failed attempts (ordering or paying) since the start.
    pub failures: u32,
    /// Tick of the last failed attempt, 0 if none.
    pub last_failure_tick: u64,
}

/// Every store entity, in creation order.
#[derive(Resource, Debug, Default)]
pub(crate) struct StoreOrder(pub Vec<Entity>);

/// Spawns every store of the scenario, region by region.
pub(crate) fn spawn(world: &mut World, scenario: &Scenario) {
    let mut order = Vec::with_capacity(scenario.store_count() as usize);
    for (region, r) in scenario.regions.iter().enumerate() {
        let region = u16::try_from(region).unwrap_or(u16::MAX);
        for _ in 0..r.stores {
            order.push(world.spawn((Store { region }, Ledger::default())).id());
        }
    }
    world.insert_resource(StoreOrder(order));
}

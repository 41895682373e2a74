//! How fast the world runs: one tick at lunch peak for 1,000 / 10,000 /
//! 100,000 stores (divan prints ticks per second as items/s), and a whole
//! 60-minute drill of 10,000 stores with bots in every role, as
//! `firedrill simulate` runs it.
//!
//! Run with `cargo bench -p firedrill --bench sim`. The targets (issue 3):
//! a tick of 10,000 stores at peak in at most 2 ms (median), a 60-minute
//! simulate of 10,000 stores in at most 10 s.

use divan::Bencher;
use divan::counter::ItemsCount;
use firedrill::scenario::Scenario;
use firedrill::sim::{BotSkill, Crew, Sim, simulate};

fn main() {
    divan::main();
}

/// The lunch-peak scenario with its stores scaled to `stores` (same
/// regional split) and a 60-minute drill.
fn world(stores: u32) -> Scenario {
    let mut s = firedrill::scenario::builtin("lunch-peak-pos-outage").expect("the lunch-peak scenario is built in");
    let total = s.store_count();
    let mut left = stores;
    let n = s.regions.len();
    for (i, r) in s.regions.iter_mut().enumerate() {
        r.stores = if i + 1 == n { left } else { (u64::from(r.stores) * u64::from(stores) / u64::from(total)) as u32 };
        left -= r.stores;
    }
    s.duration_s = 3600;
    s
}

/// One tick at lunch peak, with the fault active and guests in flight.
#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 60, sample_size = 5)]
fn tick_at_lunch_peak(bencher: Bencher, stores: u32) {
    let s = world(stores);
    let mut sim = Sim::new(&s, 42, Crew::nobody());
    // T+10: twelve minutes into the rush, seven into the outage.
    for _ in 0..600 {
        sim.step();
    }
    bencher.counter(ItemsCount::new(1u32)).bench_local(|| sim.step());
}

/// A whole 60-minute drill of 10,000 stores with bots in every role.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn simulate_60_min_10k_stores(bencher: Bencher) {
    let s = world(10_000);
    bencher.counter(ItemsCount::new(3600u32)).bench_local(|| simulate(&s, 42, BotSkill::Good));
}

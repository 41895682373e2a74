//! A stable hash of the world's state, for determinism checks, replay and
//! crash recovery. FNV-1a over a fixed walk of the state: no `Hash` impls
//! (whose output may change between compiler versions), no map iteration.

use bevy_ecs::prelude::*;

use super::faults::{Faults, Runs};
use super::guests::{Guest, GuestCount};
use super::incident::Incident;
use super::metrics::Metrics;
use super::stores::{Ledger, StoreOrder};
use super::{Clock, SimRng};

/// 64-bit FNV-1a.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn bytes(&mut self, b: &[u8]) {
        for &x in b {
            self.0 ^= u64::from(x);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }
    fn opt(&mut self, v: Option<u64>) {
        self.u64(v.map_or(u64::MAX, |x| x));
    }
}

pub(crate) fn state_hash(world: &mut World) -> u64 {
    let mut h = Fnv::new();
    h.u64(world.resource::<Clock>().tick);
    // The RNG's position captures every draw made so far.
    h.u64(world.resource::<SimRng>().0.get_word_pos() as u64);
    for f in &world.resource::<Faults>().0 {
        h.u64(u64::from(f.active));
        h.opt(f.started_tick);
        h.opt(f.fixed_tick);
    }
    for r in &world.resource::<Runs>().0 {
        h.u64(r.action as u64);
        h.u64(r.started_tick);
        h.u64(u64::from(r.done));
        h.bytes(r.by.as_bytes());
    }
    let inc = world.resource::<Incident>();
    h.u64(inc.phase as u64);
    h.opt(inc.declared_at);
    h.opt(inc.resolved_at);
    for n in &inc.notices {
        h.u64(n.tick);
        h.bytes(n.text.as_bytes());
    }
    let m = world.resource::<Metrics>();
    for t in &m.totals {
        h.u64(u64::from(t.orders));
        h.u64(u64::from(t.pay_ok));
        h.u64(u64::from(t.pay_fail));
        h.u64(t.revenue_yen);
        h.u64(t.lost_yen);
    }
    h.opt(m.first_signal_tick);
    h.u64(world.resource::<GuestCount>().0 as u64);
    let order = world.resource::<StoreOrder>().0.clone();
    for e in order {
        if let Some(l) = world.get::<Ledger>(e) {
            h.u64(l.revenue_yen);
            h.u64(l.lost_yen);
            h.u64(u64::from(l.failures));
        }
    }
    // Guests in query order, which is deterministic for a deterministic
    // sequence of spawns and despawns.
    let mut q = world.query::<&Guest>();
    for g in q.iter(world) {
        h.u64(g.next_try_tick);
        h.u64(u64::from(g.ticket_yen));
        h.u64(u64::from(g.tries));
    }
    h.0
}

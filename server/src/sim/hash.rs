//! A stable hash of the world's state, for determinism checks, replay and
//! crash recovery. FNV-1a over a fixed walk of the state: no `Hash` impls
//! (whose output may change between compiler versions), no map iteration.

use bevy_ecs::prelude::*;

use super::clues::{AlertBook, LogBook};
use super::faults::{Faults, Runs};
use super::guests::{Guest, GuestCount, Step};
use super::incident::Incident;
use super::injects::InjectBook;
use super::metrics::{Metrics, Tally};
use super::stores::{Ledger, Mood, StoreOrder, StoreStats};
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
    fn tally(&mut self, t: &Tally) {
        for v in [t.arrivals, t.orders, t.pay_ok, t.pay_fail, t.left, t.lost_orders, t.timeouts] {
            self.u64(u64::from(v));
        }
        for f in 0..4 {
            self.u64(u64::from(t.attempts[f]));
            self.u64(u64::from(t.fails[f]));
        }
        self.u64(t.revenue_yen);
        self.u64(t.lost_yen);
        self.u64(t.latency_ms_sum);
    }
}

pub(crate) fn state_hash(world: &mut World) -> u64 {
    let mut h = Fnv::new();
    h.u64(world.resource::<Clock>().tick);
    // The RNG's position captures every draw made so far.
    h.u64(world.resource::<SimRng>().0.get_word_pos() as u64);
    h.u64(world.resource::<super::calls::DeskRng>().0.get_word_pos() as u64);
    let desk = world.resource::<super::calls::Desk>();
    let d = desk.stats;
    for v in [d.calls, d.answered, d.abandoned, d.busy, d.escalations, d.chat_replies] {
        h.u64(u64::from(v));
    }
    h.u64(d.wait_s_total);
    h.u64(d.hold_s_total);
    for c in &desk.calls {
        h.u64(c.state as u64);
        h.opt(c.answered);
        h.opt(c.ended);
        h.u64(c.lines.len() as u64);
    }
    for f in &world.resource::<Faults>().0 {
        h.opt(f.pending.met_tick);
        h.opt(f.started_tick);
        h.opt(f.ended_tick);
        h.u64(u64::from(f.fixed));
        h.u64(u64::from(f.active));
        h.u64(f.stage_origin);
        h.u64(f.stage as u64);
        h.u64(f.spread as u64);
        h.u64(f.fixes_done);
        h.u64(f.boost_stage as u64);
        h.u64(f.boost_spread as u64);
        h.u64(f.sped_s);
    }
    for r in &world.resource::<Runs>().0 {
        h.u64(r.action as u64);
        h.u64(r.started_tick);
        h.u64(u64::from(r.done));
        h.bytes(r.by.as_bytes());
    }
    let inc = world.resource::<Incident>();
    h.u64(inc.phase as u64);
    h.u64(u64::from(inc.reached_phases));
    h.opt(inc.declared_at);
    h.opt(inc.resolved_at);
    for n in &inc.notices {
        h.u64(n.tick);
        h.bytes(n.text.as_bytes());
    }
    let m = world.resource::<Metrics>();
    for t in &m.totals {
        h.tally(t);
    }
    for c in &m.window_cells {
        h.u64(c.requests);
        h.u64(c.errors_milli);
        h.u64(c.latency_ms_sum);
    }
    h.opt(m.first_alert_tick);
    for t in &m.over_since {
        h.opt(*t);
    }
    let stats = world.resource::<StoreStats>();
    h.opt(stats.first_complaint_tick);
    h.u64(world.resource::<GuestCount>().0 as u64);
    let logs = world.resource::<LogBook>();
    h.u64(logs.lines.len() as u64);
    for &w in &logs.written {
        h.u64(u64::from(w));
    }
    for a in &world.resource::<AlertBook>().fired {
        h.u64(a.clue as u64);
        h.u64(a.fired_tick);
        h.opt(a.resolved_tick);
    }
    for f in &world.resource::<InjectBook>().fired {
        h.opt(*f);
    }
    let order = &world.resource::<StoreOrder>().0;
    for &e in order {
        if let Some(l) = world.get::<Ledger>(e) {
            h.u64(l.revenue_yen);
            h.u64(l.lost_yen);
            h.u64(u64::from(l.failures));
            h.u64(u64::from(l.lost_orders));
        }
        if let Some(m) = world.get::<Mood>(e) {
            h.u64(u64::from(m.anger));
            h.u64(u64::from(m.informed) | u64::from(m.misled) << 1);
            h.u64(m.paper_until);
            h.u64(u64::from(m.pos_trouble));
            h.opt(m.wants_call_since);
            h.u64(u64::from(m.calls_wanted) << 32 | u64::from(m.calls_answered));
            h.opt(m.posted_tick);
            h.opt(m.briefed_tick);
            h.u64(m.told_fallbacks);
            h.u64(m.fallbacks);
        }
    }
    // Guests in query order, which is deterministic for a deterministic
    // sequence of spawns and despawns.
    let mut q = world.query::<&Guest>();
    for g in q.iter(world) {
        h.u64(g.next_try_tick);
        h.u64(u64::from(g.ticket_yen));
        h.u64(u64::from(g.tries));
        let step = match g.step {
            Step::Order => 0,
            Step::Pay => 1,
            Step::Waiting => 2,
        };
        h.u64(step | u64::from(g.mobile) << 2 | u64::from(g.card) << 3 | u64::from(g.patience_s) << 8);
    }
    h.0
}

//! The facilitators' board: the `board` and `store` queries answered from
//! the world's read-only views (`sim::views`), copied into their wire
//! types (`protocol::board`). Who may ask is `protocol::authorize`'s
//! business; the drill task calls these only for a query it allowed.

use crate::protocol::{Answer, BoardClient, BoardRegion, ErrorCode, StoreDetail, StoreMix};
use crate::sim::Sim;

/// Every region and corporate client now.
pub(super) fn board(sim: &Sim) -> Answer {
    let regions = sim
        .region_states()
        .into_iter()
        .map(|r| BoardRegion {
            region: r.region,
            stores: r.stores,
            orders_per_min: r.orders_per_min,
            orders_per_min_expected: r.orders_per_min_expected,
            payment_success_ppm: r.payment_success_ppm,
            revenue_yen: r.revenue_yen,
            lost_yen: r.lost_yen,
            lost_orders: r.lost_orders,
            stores_affected: r.stores_affected,
            stores_angry: r.stores_angry,
            stores_calling: r.stores_calling,
            stores_posting: r.stores_posting,
            stores_informed: r.stores_informed,
            stores_misled: r.stores_misled,
            stores_on_paper: r.stores_on_paper,
            alerting: r.alerting,
            mix: mix(r.mix),
        })
        .collect();
    let clients = sim
        .client_states()
        .into_iter()
        .map(|c| BoardClient {
            client: c.client,
            name: c.name,
            stores: c.stores,
            stores_affected: c.stores_affected,
            stores_calling: c.stores_calling,
            stores_informed: c.stores_informed,
            lost_yen: c.lost_yen,
            anger_ppm: c.anger_ppm,
            wants_to_escalate: c.wants_to_escalate,
            mix: mix(c.mix),
        })
        .collect();
    Answer::Board { tick: sim.tick(), regions, clients }
}

/// One store now; `invalid_value` for an index past the last store.
pub(super) fn store(sim: &Sim, index: u32) -> Result<Answer, crate::protocol::Refusal> {
    let Some(s) = sim.store(index) else {
        let message = format!("no store with index {index} (there are {})", sim.store_count());
        return Err((ErrorCode::InvalidValue, message));
    };
    let store = StoreDetail {
        index: s.index,
        region: s.region,
        kind: s.kind,
        client: s.client,
        uses_mobile_order: s.uses_mobile_order,
        uses_pos: s.uses_pos,
        uses_payments: s.uses_payments,
        revenue_yen: s.revenue_yen,
        lost_yen: s.lost_yen,
        lost_orders: s.lost_orders,
        failures: s.failures,
        last_failure_tick: s.last_failure_tick,
        anger_ppm: s.anger_ppm,
        temper_ppm: s.temper_ppm,
        informed: s.informed,
        misled: s.misled,
        on_paper: s.on_paper,
        wants_to_call_since: s.wants_to_call_since,
        calls_wanted: s.calls_wanted,
        calls_answered: s.calls_answered,
        posts: s.posts,
        last_post_tick: s.last_post_tick,
    };
    Ok(Answer::Store { tick: sim.tick(), store: Box::new(store) })
}

fn mix(m: crate::sim::StoreMix) -> StoreMix {
    StoreMix { calling: m.calling, angry: m.angry, on_paper: m.on_paper, affected: m.affected, ok: m.ok }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Crew;

    /// Runs the storyboard's drill with nobody responding until the fault
    /// (payments in Kanto) has hurt for a while.
    fn hurting() -> Sim {
        let s = crate::scenario::builtin("lunch-peak-pos-outage").expect("built-in scenario");
        let mut sim = Sim::new(&s, 42, Crew::nobody());
        for _ in 0..12 * 60 {
            sim.step();
        }
        sim
    }

    #[test]
    fn the_board_matches_the_stores_one_by_one() {
        let sim = hurting();
        let Answer::Board { tick, regions, clients } = board(&sim) else { panic!("a board") };
        assert_eq!(tick, sim.tick());
        let stores: Vec<_> = (0..sim.store_count()).filter_map(|i| sim.store(i)).collect();
        assert_eq!(stores.len() as u32, sim.store_count());
        let recent = |s: &crate::sim::StoreView| s.last_failure_tick.is_some_and(|t| t + 60 > tick);
        for r in &regions {
            let mine: Vec<_> = stores.iter().filter(|s| s.region == r.region).collect();
            let m = r.mix;
            assert_eq!(m.calling + m.angry + m.on_paper + m.affected + m.ok, r.stores, "{}", r.region);
            assert_eq!(mine.len() as u32, r.stores);
            assert_eq!(m.calling, mine.iter().filter(|s| s.wants_to_call_since.is_some()).count() as u32);
            assert_eq!(r.stores_affected, mine.iter().filter(|s| recent(s)).count() as u32, "{}", r.region);
            let lost: u64 = mine.iter().map(|s| s.lost_yen).sum();
            assert_eq!(r.lost_yen, lost, "{}", r.region);
        }
        // The fault is in Kanto: Kanto hurts, the others only see the odd
        // failure of a normal day.
        let kanto = regions.iter().find(|r| r.region == "kanto").expect("kanto");
        assert!(kanto.stores_affected > 0 && kanto.mix.calling > 0, "{kanto:?}");
        assert!(kanto.payment_success_ppm < 900_000, "{kanto:?}");
        assert!(kanto.lost_yen > 0);
        for r in regions.iter().filter(|r| r.region != "kanto") {
            assert_eq!((r.mix.calling, r.mix.angry, r.stores_calling), (0, 0, 0), "{r:?}");
            assert!(r.stores_affected * 10 < kanto.stores_affected, "{r:?}");
            assert!(r.payment_success_ppm > 980_000, "{r:?}");
        }
        for c in &clients {
            let mine: Vec<_> = stores.iter().filter(|s| s.client.as_deref() == Some(c.client.as_str())).collect();
            assert_eq!(mine.len() as u32, c.stores, "{}", c.client);
            assert_eq!(c.mix.calling + c.mix.angry + c.mix.on_paper + c.mix.affected + c.mix.ok, c.stores);
        }
    }

    #[test]
    fn one_store_up_close_and_an_index_past_the_end() {
        let sim = hurting();
        let n = sim.store_count();
        let Ok(Answer::Store { store, .. }) = store(&sim, n - 1) else { panic!("the last store") };
        assert_eq!(store.index, n - 1);
        assert!(store.temper_ppm > 0);
        let Err((code, message)) = super::store(&sim, n) else { panic!("no such store") };
        assert_eq!(code, ErrorCode::InvalidValue);
        assert!(message.contains(&n.to_string()), "{message}");
    }
}

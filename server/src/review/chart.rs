//! Per-minute series for the review's chart (orders, errors, stores
//! calling, lost revenue, whole world) with the team's actions marked.

use serde::{Deserialize, Serialize};

use super::record::{Entry, What};
use crate::sim::Sim;

/// One completed minute of the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutePoint {
    /// Minute number, from 1.
    pub minute: u32,
    /// Orders completed.
    pub orders: u32,
    /// Failed calls to the company's services (payments included).
    pub errors: u64,
    /// Stores wanting to call support at the end of the minute.
    pub stores_calling: u32,
    /// Revenue lost in the minute, yen.
    pub lost_revenue_yen: u64,
}

/// Something the team did, to mark on the chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    /// Tick it happened at.
    pub tick: u64,
    /// Who did it.
    pub who: String,
    /// The entry's kind (`declared`, `notice`, `action_started`, ...).
    pub kind: String,
}

/// The chart's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// One point per completed minute.
    pub minutes: Vec<MinutePoint>,
    /// The team's significant actions.
    pub marks: Vec<Mark>,
}

/// Builds the chart from the replayed world and the entries.
pub fn build(sim: &Sim, entries: &[Entry]) -> Chart {
    let s = sim.scenario();
    let mut minutes: Vec<MinutePoint> = Vec::new();
    for r in 0..s.regions.len() {
        for (i, p) in sim.region_series(r).iter().enumerate() {
            if minutes.len() <= i {
                minutes.push(MinutePoint {
                    minute: p.minute,
                    orders: 0,
                    errors: 0,
                    stores_calling: 0,
                    lost_revenue_yen: 0,
                });
            }
            let m = &mut minutes[i];
            m.orders += p.orders;
            m.stores_calling += p.stores_calling;
            m.lost_revenue_yen += p.lost_yen;
        }
    }
    for svc in 0..s.services.len() {
        for (i, p) in sim.service_series(svc).iter().enumerate() {
            if let Some(m) = minutes.get_mut(i) {
                m.errors += p.errors;
            }
        }
    }
    Chart { minutes, marks: marks(entries) }
}

/// The team's significant actions (chat messages are left out).
pub fn marks(entries: &[Entry]) -> Vec<Mark> {
    entries
        .iter()
        .filter(|e| e.by_team() && !matches!(e.what, What::Message { .. } | What::ActionDone { .. }))
        .map(|e| Mark { tick: e.tick, who: e.who.clone(), kind: super::kind(&e.what).to_string() })
        .collect()
}

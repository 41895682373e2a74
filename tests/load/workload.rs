//! Who does what, when: the role mix of a drill and the conductor that
//! plays it (start, declaration, steady chat with bursts, scripted
//! commands, keep-alive pings, page reloads).
//!
//! The same plan drives Firedrill and the baseline, with the same seed, so
//! both see the same messages from the same clients at the same times.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::MissedTickBehavior;

use crate::Rng;
use crate::client::Order;

/// The conductor's clock granularity.
const CONDUCTOR_TICK_MS: u64 = 5;

/// A burst's messages are spread over this long.
const BURST_SPREAD_MS: u64 = 1_000;

/// How often every client pings, as the web client does.
const PING_INTERVAL_MS: u64 = 20_000;

/// Steady chat starts this long after the start (after the declaration).
const CHAT_START_MS: u64 = 1_000;

/// Roles per 1,000 participants: a company-wide drill has a handful of
/// leads, many support agents, engineers and sales people, some observers,
/// and a few people playing the outside world.
const ROLE_MIX_PER_1000: [(&str, usize); 9] = [
    ("incident_owner", 2),
    ("comms_lead", 3),
    ("support_lead", 5),
    ("support_agent", 350),
    ("sales", 200),
    ("engineer", 250),
    ("store_actor", 80),
    ("corporate_actor", 30),
    ("observer", 80),
];

/// The roles of `n` participants of one drill: the mix above, with at least
/// one incident owner, comms lead and engineer, in a seeded order (the
/// incident owner first).
pub fn roles(n: usize, rng: &mut Rng) -> Vec<&'static str> {
    let mut out = Vec::with_capacity(n);
    for (role, per) in ROLE_MIX_PER_1000 {
        let want = n * per / 1000;
        let want = if matches!(role, "incident_owner" | "comms_lead" | "engineer") { want.max(1) } else { want };
        out.extend(std::iter::repeat_n(role, want));
    }
    out.truncate(n);
    while out.len() < n {
        out.push("support_agent");
    }
    // Seeded shuffle, keeping one incident owner in front.
    for i in (2..out.len()).rev() {
        let j = 1 + rng.below(i);
        out.swap(i, j);
    }
    out
}

/// What to play.
#[derive(Debug, Clone)]
pub struct Plan {
    /// How long the play lasts.
    pub duration_ms: u64,
    /// Steady chat messages per second in the drill.
    pub chat_per_s: f64,
    /// A burst every this many seconds (0: none).
    pub burst_every_s: u64,
    /// Messages per burst.
    pub burst_size: usize,
    /// Page reloads per second in the drill.
    pub reload_per_s: f64,
    /// Drill speed the facilitator sets.
    pub speed: u32,
    /// Start the drill and run the scripted commands (not after a restart).
    pub script: bool,
}

/// A client as the conductor knows it.
#[derive(Debug)]
pub struct Member {
    /// Role name; `None` for the facilitator.
    pub role: Option<&'static str>,
    /// Where to send its orders.
    pub tx: mpsc::Sender<Order>,
}

/// What the conductor did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Conducted {
    /// Chat orders given.
    pub chats: u64,
    /// Orders dropped because a client's queue was full or gone.
    pub skipped: u64,
}

enum Step {
    Chat,
    Reload,
    Cmd(Option<&'static str>, Value),
}

/// Plays one drill; returns the members (so that their connections stay
/// open while the last messages drain) and what it did.
pub async fn conduct(members: Vec<Member>, plan: Plan, seed: u64) -> (Vec<Member>, Conducted) {
    let mut rng = Rng::new(seed);
    let mut steps = schedule(&plan, &mut rng);
    steps.sort_by_key(|(at, _)| *at);
    let chatters: Vec<usize> = (0..members.len())
        .filter(|&i| !matches!(members[i].role, Some("store_actor" | "corporate_actor" | "observer")))
        .collect();
    let reloaders: Vec<usize> = (0..members.len()).filter(|&i| members[i].role.is_some()).collect();
    let mut done = Conducted::default();
    let ping_every_us = (PING_INTERVAL_MS * 1000) / members.len().max(1) as u64;
    let t0 = crate::now_us();
    let mut next_ping_us = 0;
    let mut pinged = 0usize;
    let mut wake = tokio::time::interval(Duration::from_millis(CONDUCTOR_TICK_MS));
    wake.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut next = 0;
    loop {
        wake.tick().await;
        let now_us = crate::now_us().saturating_sub(t0);
        if now_us >= plan.duration_ms * 1000 {
            break;
        }
        while next < steps.len() && steps[next].0 * 1000 <= now_us {
            let order = match &steps[next].1 {
                Step::Chat if !chatters.is_empty() => {
                    let who = chatters[rng.below(chatters.len())];
                    done.chats += 1;
                    Some((who, Order::Chat { channel: channel_for(members[who].role, &mut rng) }))
                }
                Step::Reload if !reloaders.is_empty() => Some((reloaders[rng.below(reloaders.len())], Order::Reload)),
                Step::Cmd(role, cmd) => {
                    members.iter().position(|m| m.role == *role).map(|who| (who, Order::Cmd(cmd.clone())))
                }
                Step::Chat | Step::Reload => None,
            };
            if let Some((who, order)) = order
                && members[who].tx.try_send(order).is_err()
            {
                done.skipped += 1;
            }
            next += 1;
        }
        while next_ping_us <= now_us && !members.is_empty() {
            let _ = members[pinged % members.len()].tx.try_send(Order::Ping);
            pinged += 1;
            next_ping_us += ping_every_us.max(1);
        }
    }
    (members, done)
}

/// Every step of the play, by time (ms from the start).
fn schedule(plan: &Plan, rng: &mut Rng) -> Vec<(u64, Step)> {
    let mut steps = Vec::new();
    let end = plan.duration_ms;
    if plan.script {
        steps.push((0, Step::Cmd(None, json!({"type": "set_speed", "speed": plan.speed}))));
        steps.push((0, Step::Cmd(None, json!({"type": "start"}))));
        steps.push((300, Step::Cmd(Some("incident_owner"), json!({"type": "declare"}))));
        let script: [(u64, &'static str, Value); 6] = [
            (2_000, "engineer", json!({"type": "run_action", "action": "restart-pos"})),
            (
                4_000,
                "comms_lead",
                json!({"type": "publish_notice", "status": "partial_outage", "text": "Card payments are failing in some Kanto stores."}),
            ),
            (6_000, "incident_owner", json!({"type": "set_phase", "phase": "identified"})),
            (8_000, "engineer", json!({"type": "run_action", "action": "rollback-payments"})),
            (10_000, "incident_owner", json!({"type": "set_phase", "phase": "mitigating"})),
            (
                15_000,
                "comms_lead",
                json!({"type": "publish_notice", "status": "degraded_performance", "text": "A fix is rolling out; card payments are recovering."}),
            ),
        ];
        for (at, role, cmd) in script {
            if at < end {
                steps.push((at, Step::Cmd(Some(role), cmd)));
            }
        }
    }
    if plan.chat_per_s > 0.0 {
        let gap_ms = 1000.0 / plan.chat_per_s;
        let mut at = CHAT_START_MS as f64;
        while (at as u64) < end {
            steps.push((at as u64, Step::Chat));
            // Uneven spacing (±50%), the same rate on average.
            at += gap_ms * (0.5 + rng.unit());
        }
    }
    if plan.burst_every_s > 0 {
        let every = plan.burst_every_s * 1000;
        // Each drill bursts at its own moments (drills do not talk to each
        // other), from the first half of the period on.
        let mut start = every / 2 + rng.below((every / 2) as usize) as u64;
        while start + BURST_SPREAD_MS <= end {
            for _ in 0..plan.burst_size {
                steps.push((start + rng.below(BURST_SPREAD_MS as usize) as u64, Step::Chat));
            }
            start += every;
        }
    }
    if plan.reload_per_s > 0.0 {
        let gap_ms = 1000.0 / plan.reload_per_s;
        let mut at = CHAT_START_MS as f64 + gap_ms * rng.unit();
        while (at as u64) < end {
            steps.push((at as u64, Step::Reload));
            at += gap_ms;
        }
    }
    steps
}

/// Where a person in this role writes: mostly the war room, some in #ops,
/// some in their own team's channel.
fn channel_for(role: Option<&'static str>, rng: &mut Rng) -> &'static str {
    let roll = rng.below(10);
    if roll < 2 {
        return "ops";
    }
    if roll < 9 {
        return "incident-war-room";
    }
    match role {
        Some("support_agent" | "support_lead") => "support",
        Some("sales") => "sales",
        Some("comms_lead") => "external",
        _ => "incident-war-room",
    }
}

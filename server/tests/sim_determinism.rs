//! Determinism, proven rather than hoped for: the same scenario, seed and
//! commands at the same ticks give the same state hash at every tick, for
//! any seed and any command schedule (a property test), and a recorded
//! command log replayed into a fresh world reproduces every tick's hash, as
//! crash recovery and `firedrill replay` rely on.

use firedrill::protocol::{ComponentStatus, Disposition, FaultOp, Medium, Phase, Role};
use firedrill::scenario::{Scenario, builtins};
use firedrill::sim::{Actor, BotSkill, Crew, Sim, SimCommand};
use proptest::prelude::*;

/// A built-in scenario shrunk to `stores` stores per region, so that the
/// property runs many worlds quickly.
fn small(id: &str, stores: u32) -> Scenario {
    let mut s = builtins().into_iter().map(|b| b.scenario).find(|s| s.id == id).unwrap_or_else(|| panic!("no {id}"));
    for r in &mut s.regions {
        r.stores = stores;
    }
    s
}

fn engineer() -> Actor {
    Actor { name: "Eng".into(), role: Some(Role::Engineer) }
}

/// One command at one tick, as a drill's log records it.
#[derive(Debug, Clone, PartialEq)]
struct Logged {
    tick: u64,
    actor: Actor,
    cmd: SimCommand,
}

/// A command schedule drawn from the scenario's own vocabulary, over every
/// kind of simulation command (the response's, the desk's, the
/// facilitator's controls), each from an actor in the role that sends it.
fn schedule(s: &Scenario, picks: &[(u64, u8, u8)]) -> Vec<Logged> {
    let pick = |ids: Vec<String>, arg: u8| ids.get(usize::from(arg) % ids.len().max(1)).cloned().unwrap_or_default();
    let injects = || s.injects.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
    let as_role = |role: Role| Actor { name: format!("{role:?}"), role: Some(role) };
    let facilitator = Actor { name: "Fac".into(), role: None };
    let mut out: Vec<Logged> = picks
        .iter()
        .map(|&(tick, what, arg)| {
            let seat = 1 + u32::from(arg % 3);
            let call = u32::from(arg % 8);
            let (actor, cmd) = match what % KINDS {
                0 => (engineer(), SimCommand::Declare),
                1 => (engineer(), SimCommand::RunAction(s.actions[usize::from(arg) % s.actions.len()].id.clone())),
                2 => (
                    as_role(Role::CommsLead),
                    SimCommand::PublishNotice {
                        status: if arg % 2 == 0 {
                            ComponentStatus::PartialOutage
                        } else {
                            ComponentStatus::Operational
                        },
                        text: format!("notice {arg}"),
                    },
                ),
                3 => (
                    as_role(Role::IncidentOwner),
                    SimCommand::SetPhase(
                        [Phase::Investigating, Phase::Mitigating, Phase::Monitoring, Phase::Resolved]
                            [usize::from(arg) % 4],
                    ),
                ),
                4 => (as_role(Role::SupportAgent), SimCommand::TakeCall { seat, call: (arg % 2 == 0).then_some(call) }),
                5 => (as_role(Role::SupportAgent), SimCommand::CallSay { seat, call, text: format!("line {arg}") }),
                6 => (as_role(Role::SupportAgent), SimCommand::HoldCall { seat, call, hold: arg % 2 == 0 }),
                7 => (
                    as_role(Role::SupportAgent),
                    SimCommand::EndCall {
                        seat,
                        call,
                        disposition: [
                            Disposition::Informed,
                            Disposition::Workaround,
                            Disposition::Callback,
                            Disposition::Escalated,
                            Disposition::NoIssue,
                        ][usize::from(arg) % 5],
                    },
                ),
                8 => (
                    as_role(Role::SupportLead),
                    SimCommand::AssignCall { call, agent: seat, agent_name: format!("agent {seat}") },
                ),
                9 => (
                    as_role(Role::StoreActor),
                    SimCommand::CallSupport { seat, name: format!("store {seat}"), text: format!("help {arg}") },
                ),
                10 => (
                    as_role(Role::Sales),
                    SimCommand::ChatSay {
                        seat,
                        client: pick(s.clients.iter().map(|c| c.id.clone()).collect(), arg),
                        text: format!("reply {arg}"),
                        as_client: arg % 2 == 1,
                    },
                ),
                11 => (facilitator.clone(), SimCommand::TriggerInject(pick(injects(), arg))),
                12 => (facilitator.clone(), SimCommand::SkipInject(pick(injects(), arg))),
                13 => (
                    facilitator.clone(),
                    SimCommand::DelayInject { inject: pick(injects(), arg), minutes: 1 + u32::from(arg % 30) },
                ),
                14 => (
                    facilitator.clone(),
                    SimCommand::EditInject { inject: pick(injects(), arg), text: format!("edited {arg}") },
                ),
                15 => (
                    facilitator.clone(),
                    SimCommand::AdHocInject {
                        persona: pick(s.personas.iter().map(|p| p.id.clone()).collect(), arg),
                        medium: [Medium::Phone, Medium::LineChat, Medium::Email, Medium::Social, Medium::InternalChat]
                            [usize::from(arg) % 5],
                        text: format!("ad hoc {arg}"),
                    },
                ),
                _ => (
                    facilitator.clone(),
                    SimCommand::FaultControl {
                        fault: pick(s.faults.iter().map(|f| f.id.clone()).collect(), arg),
                        op: [FaultOp::Start, FaultOp::Worsen, FaultOp::Spread, FaultOp::Heal][usize::from(arg) % 4],
                    },
                ),
            };
            Logged { tick, actor, cmd }
        })
        .collect();
    out.sort_by_key(|l| l.tick);
    out
}

/// How many kinds of simulation command [`schedule`] draws from: all of
/// them (checked by `the_schedule_draws_every_command_kind`).
const KINDS: u8 = 17;

#[test]
fn the_schedule_draws_every_command_kind() {
    let s = small("lunch-peak-pos-outage", 2);
    let picks: Vec<(u64, u8, u8)> = (0..KINDS).map(|k| (0, k, 0)).collect();
    // Every variant, spelled out so that a new one fails to compile here
    // until the schedule draws it.
    let kind = |c: &SimCommand| match c {
        SimCommand::Declare => 0,
        SimCommand::SetPhase(_) => 1,
        SimCommand::RunAction(_) => 2,
        SimCommand::PublishNotice { .. } => 3,
        SimCommand::TakeCall { .. } => 4,
        SimCommand::CallSay { .. } => 5,
        SimCommand::HoldCall { .. } => 6,
        SimCommand::EndCall { .. } => 7,
        SimCommand::AssignCall { .. } => 8,
        SimCommand::CallSupport { .. } => 9,
        SimCommand::ChatSay { .. } => 10,
        SimCommand::TriggerInject(_) => 11,
        SimCommand::SkipInject(_) => 12,
        SimCommand::DelayInject { .. } => 13,
        SimCommand::EditInject { .. } => 14,
        SimCommand::AdHocInject { .. } => 15,
        SimCommand::FaultControl { .. } => 16,
    };
    let kinds: std::collections::BTreeSet<u8> = schedule(&s, &picks).iter().map(|l| kind(&l.cmd)).collect();
    assert_eq!(kinds.len(), usize::from(KINDS), "the schedule draws {} of {KINDS} kinds", kinds.len());
}

/// Runs `ticks` ticks applying `log` at its ticks (before the tick runs,
/// as the drill applies commands between ticks), returning every tick's
/// hash and the commands that were accepted.
fn run(s: &Scenario, seed: u64, crew: Crew, log: &[Logged], ticks: u64) -> (Vec<u64>, Vec<Logged>) {
    let mut sim = Sim::new(s, seed, crew);
    let mut hashes = Vec::with_capacity(ticks as usize);
    let mut accepted = Vec::new();
    let mut next = 0;
    while sim.tick() < ticks {
        while let Some(l) = log.get(next).filter(|l| l.tick <= sim.tick()) {
            if sim.apply(&l.actor, &l.cmd).is_ok() {
                accepted.push(Logged { tick: sim.tick(), ..l.clone() });
            }
            next += 1;
        }
        sim.step();
        hashes.push(sim.state_hash());
    }
    (hashes, accepted)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any seed, any command schedule, any scenario: two runs agree at every
    /// tick.
    #[test]
    fn same_inputs_same_world_at_every_tick(
        seed in any::<u64>(),
        which in 0usize..5,
        picks in prop::collection::vec((0u64..600, any::<u8>(), any::<u8>()), 0..24),
    ) {
        let ids = [
            "lunch-peak-pos-outage",
            "mobile-order-silent-loss",
            "saturday-dinner-pos-down",
            "acquirer-outage-waves",
            "slow-degradation-spreads",
        ];
        let s = small(ids[which], 12);
        let log = schedule(&s, &picks);
        let (a, _) = run(&s, seed, Crew::everyone(BotSkill::Good), &log, 600);
        let (b, _) = run(&s, seed, Crew::everyone(BotSkill::Good), &log, 600);
        prop_assert_eq!(a.len(), 600);
        if let Some(t) = a.iter().zip(&b).position(|(x, y)| x != y) {
            prop_assert!(false, "SEED={} scenario={} diverged at tick {}", seed, ids[which], t + 1);
        }
    }
}

#[test]
fn a_recorded_drill_replays_tick_for_tick() {
    let s = small("acquirer-outage-waves", 40);
    let picks = [(200, 0, 0), (260, 2, 0), (300, 1, 3), (420, 1, 1), (500, 3, 1), (700, 3, 3), (705, 2, 1)];
    let live = schedule(&s, &picks);
    let (hashes, accepted) = run(&s, 77, Crew::nobody(), &live, 1200);
    assert!(accepted.len() >= 5, "the schedule did things: {accepted:?}");

    // The log as the drill stores it: tick, actor and command, in order.
    // Replaying only what was accepted gives the same world.
    let (replayed, again) = run(&s, 77, Crew::nobody(), &accepted, 1200);
    assert_eq!(again, accepted);
    for (t, (a, b)) in hashes.iter().zip(&replayed).enumerate() {
        assert_eq!(a, b, "replay diverged at tick {}", t + 1);
    }
}

#[test]
fn another_seed_is_another_world() {
    let s = small("lunch-peak-pos-outage", 30);
    let (a, _) = run(&s, 1, Crew::nobody(), &[], 300);
    let (b, _) = run(&s, 2, Crew::nobody(), &[], 300);
    assert_ne!(a.last(), b.last());
}

#[test]
fn a_command_changes_the_world_from_its_tick_on() {
    let s = small("lunch-peak-pos-outage", 30);
    let log = vec![Logged { tick: 240, actor: engineer(), cmd: SimCommand::RunAction("rollback-payments".into()) }];
    let (with, _) = run(&s, 5, Crew::nobody(), &log, 600);
    let (without, _) = run(&s, 5, Crew::nobody(), &[], 600);
    let first = with.iter().zip(&without).position(|(a, b)| a != b);
    assert_eq!(first, Some(240), "the runs agree until the command and differ from its tick");
}

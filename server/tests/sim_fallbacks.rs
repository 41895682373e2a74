//! Communication protects revenue: stores that were told what to do
//! instead (take cash, an offline mode, paper orders: the scenario's
//! fallbacks) keep sales that uninformed stores lose, and a notice or a
//! talk script that names the fallback works better than one that does not.

use firedrill::protocol::{CallState, ComponentStatus, Disposition, Role};
use firedrill::scenario::{Scenario, parse};
use firedrill::sim::{Actor, Crew, Sim, SimCommand};

/// The built-in lunch-peak payments outage (whose stores may take cash or
/// write orders down to be paid later), stronger, with nobody fixing it:
/// there is no quick fix.
fn outage() -> Scenario {
    let text = include_str!("../../scenarios/lunch-peak-pos-outage.toml").replacen(
        "error_rate_pct = 40",
        "error_rate_pct = 70",
        1,
    );
    let mut s = parse(&text).unwrap_or_else(|p| panic!("{p:?}"));
    assert!(s.fallbacks.iter().any(|f| f.id == "cash"), "the scenario has a cash fallback");
    for r in &mut s.regions {
        r.stores = r.stores.min(150);
    }
    s
}

fn person(role: Role) -> Actor {
    Actor { name: format!("{role:?}"), role: Some(role) }
}

fn ok(sim: &mut Sim, role: Role, cmd: SimCommand) {
    if let Err(e) = sim.apply(&person(role), &cmd) {
        panic!("{cmd:?}: {e}");
    }
}

/// Plays the drill: at T+5 the owner declares and, with `notice`, publishes
/// it; with `script`, one agent answers every call with it. Returns the
/// lost revenue at the end.
fn play(notice: Option<&str>, script: Option<&str>) -> u64 {
    let s = outage();
    let mut sim = Sim::new(&s, 7, Crew::nobody());
    let agent = person(Role::SupportAgent);
    let mut on: Option<(u32, u64)> = None;
    while sim.tick() < s.duration_s {
        sim.step();
        let now = sim.tick();
        if now == 300 {
            ok(&mut sim, Role::IncidentOwner, SimCommand::Declare);
            if let Some(text) = notice {
                let cmd = SimCommand::PublishNotice { status: ComponentStatus::PartialOutage, text: text.into() };
                ok(&mut sim, Role::CommsLead, cmd);
            }
        }
        let Some(script) = script else { continue };
        match on {
            Some((call, since)) if now >= since + 20 => {
                let end = SimCommand::EndCall { seat: 1, call, disposition: Disposition::Workaround };
                let _ = sim.apply(&agent, &end);
                on = None;
            }
            Some(_) => {}
            None => {
                let waiting = sim.calls(0).into_iter().find(|c| c.state == CallState::Waiting && c.store.is_some());
                if let Some(c) = waiting
                    && sim.apply(&agent, &SimCommand::TakeCall { seat: 1, call: Some(c.id) }).is_ok()
                {
                    ok(&mut sim, Role::SupportAgent, SimCommand::CallSay { seat: 1, call: c.id, text: script.into() });
                    on = Some((c.id, now));
                }
            }
        }
    }
    sim.summary(7, 0, Vec::new()).lost_revenue
}

#[test]
fn a_notice_that_names_the_fallback_keeps_sales() {
    let nothing = play(None, None);
    let vague = play(Some("We are investigating card payment failures in Kanto."), None);
    let named = play(Some("Card payments fail in Kanto. Please take cash meanwhile; we post updates here."), None);
    eprintln!("lost revenue: nothing {nothing}, vague notice {vague}, notice naming cash {named}");
    assert!(vague < nothing, "being told at all helps a little: {vague} vs {nothing}");
    assert!(named < vague, "naming the fallback helps more: {named} vs {vague}");
    assert!(named * 10 < nothing * 7, "and it saves real money, not only calls: {named} vs {nothing}");
}

#[test]
fn a_talk_script_that_names_the_fallback_keeps_more_sales_than_one_that_does_not() {
    let plain = play(None, Some("We know card payments fail and are working on it. Sorry for the trouble."));
    let named = play(None, Some("We know card payments fail. Please ask guests to pay cash until we call back."));
    eprintln!("lost revenue with a script: plain {plain}, naming cash {named}");
    assert!(named < plain, "{named} vs {plain}");
}

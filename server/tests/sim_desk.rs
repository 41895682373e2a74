//! The support desk, the client chats and the facilitator's live controls,
//! driven through the public `Sim` the way the drill drives it: calls ring
//! when stores want help, wait and are abandoned when nobody answers, are
//! conversations with bot callers, and brief the store when closed; clients
//! write to sales and escalate when ignored; injects fire once, can be
//! triggered, skipped, delayed and edited; faults can be healed or worsened.

use firedrill::protocol::{CallState, Disposition, FaultOp, Medium, Role, Speaker};
use firedrill::scenario::{Scenario, builtins};
use firedrill::sim::{Actor, BotSkill, Crew, Sim, SimCommand, SimEvent, simulate};

fn scenario(id: &str) -> Scenario {
    builtins().into_iter().map(|b| b.scenario).find(|s| s.id == id).unwrap_or_else(|| panic!("no {id}"))
}

fn person(role: Role) -> Actor {
    Actor { name: format!("{role:?}"), role: Some(role) }
}

fn facilitator() -> Actor {
    Actor { name: "Facilitator".into(), role: None }
}

fn run_to(sim: &mut Sim, tick: u64) -> Vec<SimEvent> {
    let mut out = Vec::new();
    while sim.tick() < tick {
        out.extend(sim.step().into_iter().map(|(_, e)| e));
    }
    out
}

fn ok(sim: &mut Sim, actor: &Actor, cmd: SimCommand) -> Vec<SimEvent> {
    sim.apply(actor, &cmd).unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

/// The first waiting call from a store, stepping until one rings.
fn first_store_call(sim: &mut Sim, until: u64) -> u32 {
    while sim.tick() < until {
        sim.step();
        if let Some(c) = sim.calls(0).into_iter().find(|c| c.state == CallState::Waiting && c.store.is_some()) {
            return c.id;
        }
    }
    panic!("no store called by tick {until}");
}

#[test]
fn nobody_at_the_desk_means_abandoned_calls_and_angrier_stores() {
    let s = scenario("lunch-peak-pos-outage");
    let none = simulate(&s, 5, BotSkill::None);
    let good = simulate(&s, 5, BotSkill::Good);
    assert!(none.desk.calls > 10, "{:?}", none.desk);
    assert_eq!(none.desk.answered, 0);
    assert!(none.desk.abandoned > none.desk.calls / 2, "{:?}", none.desk);
    assert!(none.desk.escalations > 0, "clients ignored should escalate: {:?}", none.desk);
    assert!(good.desk.answered > 0 && good.desk.abandoned < none.desk.abandoned, "{:?}", good.desk);
    assert_eq!(good.desk.escalations, 0, "{:?}", good.desk);
    assert!(good.desk.chat_replies > 0);
}

#[test]
fn an_agent_takes_a_call_talks_with_the_bot_caller_and_briefs_the_store() {
    let s = scenario("lunch-peak-pos-outage");
    let mut sim = Sim::new(&s, 1, Crew::nobody());
    let id = first_store_call(&mut sim, 900);
    let call = sim.call(id).unwrap_or_else(|| panic!("no call {id}"));
    let store = call.store.unwrap_or_else(|| panic!("{call:?}"));
    assert_eq!(call.lines.len(), 1, "the caller opens with what is wrong");
    assert_eq!(call.lines[0].speaker, Speaker::Caller);
    assert!(!call.lines[0].text.is_empty());

    let agent = person(Role::SupportAgent);
    let events = ok(&mut sim, &agent, SimCommand::TakeCall { seat: 3, call: Some(id) });
    assert!(events.iter().any(|e| matches!(e, SimEvent::Call(c) if c.id == id && c.state == CallState::Talking)));
    // One call at a time.
    assert!(sim.apply(&agent, &SimCommand::TakeCall { seat: 3, call: None }).is_err());
    // Someone else may not talk in it.
    let other = SimCommand::CallSay { seat: 4, call: id, text: "hello".into() };
    assert!(sim.apply(&agent, &other).is_err());

    ok(&mut sim, &agent, SimCommand::CallSay { seat: 3, call: id, text: "We know; please take cash.".into() });
    let t = sim.tick();
    let events = run_to(&mut sim, t + 10);
    let reply = events.iter().find_map(|e| match e {
        SimEvent::CallLine { call, line, .. } if *call == id && line.speaker == Speaker::Caller => Some(line.clone()),
        _ => None,
    });
    assert!(reply.is_some(), "the bot caller answers the agent");

    let before = sim.store(store).unwrap_or_else(|| panic!("store"));
    ok(&mut sim, &agent, SimCommand::EndCall { seat: 3, call: id, disposition: Disposition::Workaround });
    let after = sim.store(store).unwrap_or_else(|| panic!("store"));
    assert_eq!(after.calls_answered, before.calls_answered + 1);
    assert!(after.informed);
    assert!(after.anger_ppm <= before.anger_ppm);
    let ended = sim.call(id).unwrap_or_else(|| panic!("call"));
    assert_eq!(ended.state, CallState::Ended);
    assert_eq!(ended.disposition, Some(Disposition::Workaround));
    assert!(sim.apply(&agent, &SimCommand::CallSay { seat: 3, call: id, text: "x".into() }).is_err());
    assert_eq!(sim.desk_stats().answered, 1);
}

#[test]
fn a_caller_left_waiting_hangs_up_and_one_left_on_hold_too() {
    let s = scenario("lunch-peak-pos-outage");
    let mut sim = Sim::new(&s, 2, Crew::nobody());
    let id = first_store_call(&mut sim, 900);
    let opened = sim.tick();
    run_to(&mut sim, opened + 250);
    assert_eq!(sim.call(id).map(|c| c.state), Some(CallState::Abandoned));
    assert!(sim.desk_stats().abandoned >= 1);

    let id = first_store_call(&mut sim, 1_500);
    let agent = person(Role::SupportAgent);
    ok(&mut sim, &agent, SimCommand::TakeCall { seat: 1, call: Some(id) });
    ok(&mut sim, &agent, SimCommand::HoldCall { seat: 1, call: id, hold: true });
    let held = sim.tick();
    run_to(&mut sim, held + 60);
    assert_eq!(sim.call(id).map(|c| c.state), Some(CallState::OnHold));
    ok(&mut sim, &agent, SimCommand::HoldCall { seat: 1, call: id, hold: false });
    let back = sim.call(id).unwrap_or_else(|| panic!("call"));
    assert_eq!(back.hold_s, 60);
    assert_eq!(back.lines.last().map(|l| l.speaker), Some(Speaker::Caller), "a long hold gets a complaint");
    ok(&mut sim, &agent, SimCommand::HoldCall { seat: 1, call: id, hold: true });
    let held = sim.tick();
    run_to(&mut sim, held + 121);
    assert_eq!(sim.call(id).map(|c| c.state), Some(CallState::Abandoned));
}

#[test]
fn a_phone_inject_is_a_call_and_trigger_now_fires_it_exactly_once() {
    let s = scenario("lunch-peak-pos-outage");
    let mut sim = Sim::new(&s, 3, Crew::nobody());
    run_to(&mut sim, 10);
    let f = facilitator();
    let fired = ok(&mut sim, &f, SimCommand::TriggerInject("store-call-cards".into()));
    assert!(fired.iter().any(|e| matches!(e, SimEvent::Inject(i) if i.fired_tick == Some(10))));
    assert!(sim.apply(&f, &SimCommand::TriggerInject("store-call-cards".into())).is_err(), "fires once");
    let events = run_to(&mut sim, 4 * 60 + 30);
    let calls: Vec<_> = sim.calls(10).into_iter().filter(|c| c.inject.as_deref() == Some("store-call-cards")).collect();
    assert_eq!(calls.len(), 1, "delivered once, not again at its scheduled minute");
    let text = &s.injects.iter().find(|i| i.id == "store-call-cards").map(|i| i.text.clone()).unwrap_or_default();
    assert_eq!(&calls[0].lines[0].text, text);
    assert!(events.iter().any(|e| matches!(e, SimEvent::CallLine { call, .. } if *call == calls[0].id)));
}

#[test]
fn skipped_injects_never_fire_delayed_ones_fire_later_and_edits_are_delivered() {
    let s = scenario("lunch-peak-pos-outage");
    let mut sim = Sim::new(&s, 3, Crew::nobody());
    let f = facilitator();
    ok(&mut sim, &f, SimCommand::SkipInject("store-call-cards".into()));
    ok(&mut sim, &f, SimCommand::DelayInject { inject: "client-line".into(), minutes: 10 });
    ok(&mut sim, &f, SimCommand::EditInject { inject: "client-line".into(), text: "Edited: are you there?".into() });
    assert!(sim.apply(&f, &SimCommand::DelayInject { inject: "client-line".into(), minutes: 0 }).is_err());
    assert!(sim.apply(&f, &SimCommand::SkipInject("no-such".into())).is_err());
    run_to(&mut sim, 9 * 60 + 59);
    let injects = sim.injects();
    let get = |id: &str| injects.iter().find(|i| i.id == id).cloned().unwrap_or_else(|| panic!("{id}"));
    assert!(get("store-call-cards").skipped && get("store-call-cards").fired_tick.is_none());
    assert_eq!(get("client-line").fired_tick, None, "delayed past its minute 8");
    assert_eq!(get("client-line").due_tick, Some(10 * 60));
    run_to(&mut sim, 10 * 60 + 2);
    let injects = sim.injects();
    assert_eq!(injects.iter().find(|i| i.id == "client-line").and_then(|i| i.fired_tick), Some(10 * 60));
    let chats = sim.chats();
    assert!(chats.iter().any(|c| c.lines.iter().any(|l| l.text == "Edited: are you there?")), "{chats:?}");
    assert!(!sim.calls(50).iter().any(|c| c.inject.as_deref() == Some("store-call-cards")));
}

#[test]
fn an_ignored_client_escalates_and_a_reply_briefs_its_stores() {
    let s = scenario("lunch-peak-pos-outage");
    let mut sim = Sim::new(&s, 4, Crew::nobody());
    let events = run_to(&mut sim, 8 * 60 + 5);
    assert!(events.iter().any(|e| matches!(e, SimEvent::ChatLine { .. })), "the client writes");
    let events = run_to(&mut sim, 14 * 60);
    assert!(events.iter().any(|e| matches!(e, SimEvent::Escalated { .. })), "ignored for 5 minutes");

    let mut sim = Sim::new(&s, 4, Crew::nobody());
    run_to(&mut sim, 8 * 60 + 5);
    let chat = sim.chats().into_iter().find(|c| c.waiting_since.is_some()).unwrap_or_else(|| panic!("no chat"));
    let sales = person(Role::Sales);
    let say =
        SimCommand::ChatSay { seat: 2, client: chat.client.clone(), text: "Cash works.".into(), as_client: false };
    ok(&mut sim, &sales, say);
    let now = sim.tick();
    let events = run_to(&mut sim, now + 10);
    assert!(
        events.iter().any(|e| matches!(e, SimEvent::ChatLine { line, .. } if line.speaker == Speaker::Caller)),
        "the client answers"
    );
    assert_eq!(sim.desk_stats().chat_replies, 1);
    let stores: Vec<_> = (0..sim.store_count()).filter_map(|i| sim.store(i)).collect();
    assert!(stores.iter().filter(|st| st.client.as_deref() == Some(chat.client.as_str())).all(|st| st.informed));
}

#[test]
fn a_person_playing_a_store_calls_and_a_person_playing_a_client_takes_it_over() {
    let s = scenario("lunch-peak-pos-outage");
    let mut sim = Sim::new(&s, 5, Crew::nobody());
    run_to(&mut sim, 5);
    let store = person(Role::StoreActor);
    let ev = ok(&mut sim, &store, SimCommand::CallSupport { seat: 7, name: "Aki".into(), text: "Hi".into() });
    let id = ev.iter().find_map(|e| if let SimEvent::Call(c) = e { Some(c.id) } else { None }).unwrap_or(0);
    assert_eq!(sim.call(id).and_then(|c| c.caller_seat), Some(7));
    assert!(sim.apply(&store, &SimCommand::CallSupport { seat: 7, name: "Aki".into(), text: "again".into() }).is_err());
    let agent = person(Role::SupportAgent);
    ok(&mut sim, &agent, SimCommand::TakeCall { seat: 1, call: Some(id) });
    ok(&mut sim, &agent, SimCommand::CallSay { seat: 1, call: id, text: "Support here".into() });
    ok(&mut sim, &store, SimCommand::CallSay { seat: 7, call: id, text: "Cards fail".into() });
    run_to(&mut sim, 600);
    let c = sim.call(id).unwrap_or_else(|| panic!("call"));
    assert_eq!(c.state, CallState::Talking, "a person caller is never hung up by the world");
    assert_eq!(c.lines.len(), 3, "no bot lines in a person's call: {:?}", c.lines);

    let client = s.clients[0].id.clone();
    let corp = person(Role::CorporateActor);
    let say =
        |seat, text: &str| SimCommand::ChatSay { seat, client: client.clone(), text: text.into(), as_client: true };
    ok(&mut sim, &corp, say(9, "We are the client"));
    assert!(sim.apply(&corp, &say(10, "me too")).is_err(), "one person per client");
    assert_eq!(sim.chats()[0].client_seat, Some(9));
}

#[test]
fn the_facilitator_heals_worsens_and_starts_faults() {
    let s = scenario("lunch-peak-pos-outage");
    let mut sim = Sim::new(&s, 6, Crew::nobody());
    let f = facilitator();
    let fault = s.faults[0].id.clone();
    assert!(sim.apply(&f, &SimCommand::FaultControl { fault: fault.clone(), op: FaultOp::Heal }).is_err());
    ok(&mut sim, &f, SimCommand::FaultControl { fault: fault.clone(), op: FaultOp::Start });
    assert!(sim.faults()[0].active);
    assert!(sim.apply(&f, &SimCommand::FaultControl { fault: fault.clone(), op: FaultOp::Start }).is_err());
    run_to(&mut sim, 60);
    ok(&mut sim, &f, SimCommand::FaultControl { fault: fault.clone(), op: FaultOp::Heal });
    run_to(&mut sim, 61);
    assert!(!sim.faults()[0].active);
    assert!(sim.apply(&f, &SimCommand::FaultControl { fault: "nope".into(), op: FaultOp::Worsen }).is_err());
}

#[test]
fn ad_hoc_injects_arrive_where_their_medium_says() {
    let s = scenario("lunch-peak-pos-outage");
    let mut sim = Sim::new(&s, 7, Crew::nobody());
    let f = facilitator();
    let store_persona = s.personas.iter().find(|p| p.region.is_some()).map(|p| p.id.clone()).unwrap_or_default();
    let ev = ok(
        &mut sim,
        &f,
        SimCommand::AdHocInject { persona: store_persona, medium: Medium::Phone, text: "<b>help</b>".into() },
    );
    assert!(ev.iter().any(|e| matches!(e, SimEvent::Call(c) if c.inject.as_deref() == Some("adhoc-1"))));
    let persona = s.personas[0].id.clone();
    let ev = ok(&mut sim, &f, SimCommand::AdHocInject { persona, medium: Medium::Social, text: "Outage?".into() });
    assert!(ev.iter().any(|e| matches!(e, SimEvent::InjectPost { medium: Medium::Social, .. })));
    let bad = SimCommand::AdHocInject { persona: "nobody".into(), medium: Medium::Email, text: "x".into() };
    assert!(sim.apply(&f, &bad).is_err());
}

#[test]
fn bots_at_the_desk_answer_calls_in_every_shipped_scenario() {
    for b in builtins() {
        let good = simulate(&b.scenario, 11, BotSkill::Good);
        let none = simulate(&b.scenario, 11, BotSkill::None);
        assert!(good.desk.answered > 0 || good.desk.calls == 0, "{}: {:?}", b.scenario.id, good.desk);
        assert!(good.desk.abandoned <= none.desk.abandoned, "{}: {:?} vs {:?}", b.scenario.id, good.desk, none.desk);
        assert!(good.lost_revenue < none.lost_revenue, "{}", b.scenario.id);
    }
}

#[test]
fn a_person_who_stops_playing_hands_the_client_back_and_hangs_up() {
    let s = scenario("lunch-peak-pos-outage");
    let mut sim = Sim::new(&s, 8, Crew::nobody());
    run_to(&mut sim, 5);
    let client = s.clients[0].id.clone();
    let corp = person(Role::CorporateActor);
    ok(&mut sim, &corp, SimCommand::ChatSay { seat: 9, client: client.clone(), text: "Hello".into(), as_client: true });
    let store = person(Role::StoreActor);
    let ev = ok(&mut sim, &store, SimCommand::CallSupport { seat: 9, name: "Aki".into(), text: "Hi".into() });
    let id = ev.iter().find_map(|e| if let SimEvent::Call(c) = e { Some(c.id) } else { None }).unwrap_or(0);
    let events = sim.release_seat(9);
    assert!(events.iter().any(|e| matches!(e, SimEvent::Chat(c) if c.client_seat.is_none())));
    assert_eq!(sim.chats()[0].client_seat, None);
    assert_eq!(sim.call(id).map(|c| c.state), Some(CallState::Abandoned));
    // Someone else may take the client over now.
    ok(&mut sim, &corp, SimCommand::ChatSay { seat: 10, client, text: "Me now".into(), as_client: true });
}

//! The support desk (the phone queue and its calls) and the corporate
//! clients' chats with sales.
//!
//! A store that wants to call support (see `stores`) rings the desk: its
//! call waits in the queue until an agent picks it up, or until the store
//! loses patience and hangs up (an abandoned call makes it angrier, and it
//! tries again later). A call is a conversation: a bot caller opens with
//! what its guests are running into, in the scenario's language, and
//! answers each thing the agent says with its next question; a person can
//! play the caller instead. The agent closes the call with a disposition;
//! any disposition but "no issue" briefs the store (it knows what is going
//! on for a while and calms down).
//!
//! Corporate clients write to sales when enough of their stores hurt. A
//! reply briefs every store they own; a message left unanswered too long,
//! or an all-clear notice while their stores still fail, makes them
//! escalate.
//!
//! Injects are delivered here too: a phone inject is a call from its
//! persona, a LINE inject a message in its client's chat; the others
//! become posts the drill places in the right channel.
//!
//! Every change goes through [`apply`] (people and bots alike) or the tick
//! system, and every change is an event, so the drill can keep screens up
//! to date and a replay repeats it.

use std::collections::{BTreeMap, BTreeSet};

use bevy_ecs::prelude::*;
use rand::RngExt;

use super::bots::{Crew, Intents};
use super::incident::Incident;
use super::injects::InjectBook;
use super::profiles::{Effects, Flow};
use super::stores::{Mood, NO_CLIENT, Store, StoreOrder};
use super::{Actor, Clock, CommandError, Outbox, Plan, SimCommand, SimEvent, TickSet};
use crate::protocol::{
    CallLine, CallState, CallView, CallerMood, ChatView, ComponentStatus, Disposition, Medium, Role, Speaker,
};
use crate::scenario::{InjectChannel, Scenario};

/// Seat ids from here up are bots' (no drill has this many seats).
pub const BOT_SEAT_BASE: u32 = 1_000_000;
/// Most calls waiting in the queue; a store that calls beyond it hears a
/// busy tone (counted) and tries again later.
const QUEUE_MAX: usize = 200;
/// Most lines kept per call or chat.
const LINES_MAX: usize = 40;
/// A waiting caller hangs up after this long, plus up to `PATIENCE_SPREAD_S`.
const PATIENCE_S: u64 = 90;
const PATIENCE_SPREAD_S: u64 = 150;
/// A caller on hold hangs up after this long on hold in one go.
const HOLD_PATIENCE_S: u64 = 120;
/// Seconds a store waits after hanging up (or a busy tone) before it tries
/// again.
const RETRY_AFTER_S: u64 = 300;
/// Anger an abandoned call adds (before what the store knows scales it).
const ANGER_ABANDONED: u32 = 150_000;
/// Seconds a bot caller takes to answer.
const CALLER_REPLY_S: u64 = 4;
/// Seconds between two checks of the clients' stores.
const CLIENT_CHECK_EVERY_S: u64 = 30;
/// A client writes once this share of its stores hurt, percent...
const CLIENT_WRITES_AT_PCT: u32 = 10;
/// ...or this many of them.
const CLIENT_WRITES_AT_STORES: u32 = 5;
/// A client's message unanswered this long makes it escalate.
const CHAT_ESCALATE_AFTER_S: u64 = 300;
/// Most escalations per client.
const ESCALATIONS_MAX: u32 = 3;
/// A client whose stores still hurt asks again after this long without news.
const CLIENT_ASKS_AGAIN_S: u64 = 20 * 60;

/// Who is calling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// A store, played by a bot.
    Store(u32),
    /// A scenario persona (a phone inject), played by a bot.
    Persona(usize),
    /// A person in a seat (a store actor).
    Seat(u32),
}

/// One call.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub caller: Caller,
    pub label: String,
    pub region: Option<usize>,
    pub client: Option<usize>,
    pub inject: Option<String>,
    pub state: CallState,
    pub agent: Option<u32>,
    pub agent_name: String,
    pub opened: u64,
    pub answered: Option<u64>,
    pub ended: Option<u64>,
    pub held_since: Option<u64>,
    pub hold_s: u64,
    pub give_up_at: u64,
    pub disposition: Option<Disposition>,
    pub lines: Vec<CallLine>,
    /// The bot caller's next follow-up.
    pub step: u8,
    /// When the bot caller answers what the agent said.
    pub reply_due: Option<u64>,
}

impl Call {
    /// A call that starts waiting at `now` with the caller's first line,
    /// and hangs up at `give_up_at` unless someone picks it up.
    fn ringing(caller: Caller, label: String, now: u64, give_up_at: u64, first_line: String) -> Call {
        let line = CallLine { tick: now, speaker: Speaker::Caller, name: label.clone(), text: first_line };
        Call {
            caller,
            label,
            region: None,
            client: None,
            inject: None,
            state: CallState::Waiting,
            agent: None,
            agent_name: String::new(),
            opened: now,
            answered: None,
            ended: None,
            held_since: None,
            hold_s: 0,
            give_up_at,
            disposition: None,
            lines: vec![line],
            step: 0,
            reply_due: None,
        }
    }
}

/// One corporate client's chat.
#[derive(Debug, Clone, Default)]
pub(crate) struct Chat {
    pub seat: Option<u32>,
    pub waiting_since: Option<u64>,
    pub escalations: u32,
    pub lines: Vec<CallLine>,
    /// The bot client's next follow-up.
    pub step: u8,
    pub reply_due: Option<u64>,
    /// Tick of the last news it got (a reply, or its first message).
    pub last_news: Option<u64>,
    /// Notice count when it last complained about being misinformed.
    pub misled_at_notice: usize,
    pub stores: u32,
}

/// Totals for the review.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeskStats {
    /// Calls placed (inject calls included).
    pub calls: u32,
    /// Calls an agent picked up.
    pub answered: u32,
    /// Calls whose caller hung up first.
    pub abandoned: u32,
    /// Calls refused because the queue was full.
    pub busy: u32,
    /// Seconds callers waited before being picked up, summed.
    pub wait_s_total: u64,
    /// Longest wait before being picked up.
    pub wait_s_max: u64,
    /// Seconds on hold, summed.
    pub hold_s_total: u64,
    /// Client escalations.
    pub escalations: u32,
    /// Client messages sales answered.
    pub chat_replies: u32,
}

/// The desk.
#[derive(Resource, Debug, Default)]
pub(crate) struct Desk {
    pub calls: Vec<Call>,
    /// Open calls, by id.
    pub live: BTreeSet<u32>,
    /// The open call of each calling store.
    pub by_store: BTreeMap<u32, u32>,
    /// Stores that hung up, and when they may call again.
    pub retry_after: BTreeMap<u32, u64>,
    /// One per scenario client.
    pub chats: Vec<Chat>,
    /// Injects delivered so far (a cursor into `InjectBook::order`).
    pub delivered: usize,
    pub stats: DeskStats,
    /// Most calls this drill keeps (`limits::calls_max` of its world).
    pub calls_max: usize,
}

/// The desk's own randomness (callers' patience), apart from the world's,
/// so that how the desk is staffed does not reshuffle which guests come:
/// two runs of one seed with different responses see the same guests,
/// and their difference is the response's.
#[derive(Resource)]
pub(crate) struct DeskRng(pub rand::rngs::ChaCha8Rng);

/// Mixed into the seed for the desk's stream.
const DESK_STREAM: u64 = 0x6465_736b_5f72_6e67;

pub(crate) fn init(world: &mut World, s: &Scenario, seed: u64) {
    use rand::SeedableRng;
    world.insert_resource(DeskRng(rand::rngs::ChaCha8Rng::seed_from_u64(seed ^ DESK_STREAM)));
    let mut chats = vec![Chat::default(); s.clients.len()];
    let mut q = world.query::<&Store>();
    for st in q.iter(world) {
        if st.client != NO_CLIENT
            && let Some(c) = chats.get_mut(st.client as usize)
        {
            c.stores += 1;
        }
    }
    let calls_max = crate::limits::calls_max(s.store_count());
    world.insert_resource(Desk { chats, calls_max, ..Desk::default() });
}

pub(crate) fn register(schedule: &mut Schedule) {
    schedule.add_systems(run_desk.in_set(TickSet::Desk));
    schedule.add_systems(desk_bots.in_set(TickSet::Bots).after(super::bots::decide_bot_commands));
}

/// The lines bots say, in the scenario's language.
struct Lines {
    card: &'static str,
    counter: &'static str,
    mobile: &'static str,
    slow: &'static str,
    heard: &'static str,
    misled: &'static str,
    asks: [&'static str; 3],
    hold_long: &'static str,
    agent_known: &'static str,
    agent_unknown: &'static str,
    agent_close: &'static str,
    client_first: &'static str,
    client_asks: [&'static str; 2],
    client_again: &'static str,
    client_escalates: &'static str,
    client_misled: &'static str,
}

const EN: Lines = Lines {
    card: "Card payments keep failing at our register. Guests are waiting. What is going on?",
    counter: "Our POS won't take orders at the counter. We have had to stop.",
    mobile: "Mobile orders aren't reaching our kitchen. Guests say they ordered, but we have nothing.",
    slow: "Everything on our terminals is very slow today. Guests are complaining.",
    heard: "We heard something is down. Are we affected?",
    misled: "Your status page says everything is fine, but it isn't!",
    asks: [
        "When will it be fixed?",
        "What should we do in the meantime?",
        "All right. Please let us know when it's fixed.",
    ],
    hold_long: "I've been on hold for a long time...",
    agent_known: "We know about the problem and are working on it: ",
    agent_unknown: "We are looking into it right now. Please take cash or take orders on paper for the moment; we will call you back.",
    agent_close: "Thank you for your patience. We will call you back as soon as it is fixed.",
    client_first: "{n} of our stores are having trouble taking orders or payments. What is going on?",
    client_asks: [
        "When will it be fixed? What should I tell our store managers?",
        "Understood. Please keep us posted.",
    ],
    client_again: "Any update? Our stores are still having problems.",
    client_escalates: "Nobody has answered us. We are escalating this to your management.",
    client_misled: "You said it was fixed, but our stores still can't work normally.",
};

const JA: Lines = Lines {
    card: "レジでカード決済が通りません。お客様をお待たせしています。どうなっていますか？",
    counter: "POSでレジの注文が取れません。受付を止めています。",
    mobile: "モバイルオーダーの注文が店に届いていません。お客様は注文済みだと言っています。",
    slow: "今日は端末の動きがとても遅いです。お客様から苦情が出ています。",
    heard: "障害が起きていると聞きました。うちの店は大丈夫ですか？",
    misled: "ステータスページでは正常となっていますが、実際は使えません！",
    asks: ["いつ直りますか？", "それまでどうすればいいですか？", "わかりました。直ったら連絡をください。"],
    hold_long: "ずいぶん待たされているのですが……",
    agent_known: "事象は把握しており、対応中です：",
    agent_unknown: "現在調査中です。恐れ入りますが、当面は現金や紙での受付をお願いします。折り返しご連絡します。",
    agent_close: "お待たせして申し訳ございません。復旧しましたらすぐにご連絡いたします。",
    client_first: "当社の{n}店舗で注文や決済ができなくなっています。何が起きていますか？",
    client_asks: [
        "いつ直りますか？店長たちには何と伝えればいいですか？",
        "承知しました。引き続き状況を教えてください。",
    ],
    client_again: "その後いかがですか？まだ店舗で問題が続いています。",
    client_escalates: "返答がありません。御社の経営層にエスカレーションします。",
    client_misled: "復旧したと聞きましたが、店舗ではまだ正常に使えません。",
};

fn lines(s: &Scenario) -> &'static Lines {
    if s.language.starts_with("ja") { &JA } else { &EN }
}

/// How a store's situation sounds to the agent.
fn opening(s: &Scenario, effects: &Effects, profile: u32, misled: bool) -> String {
    let l = lines(s);
    let flows = effects.flow.get(profile as usize);
    let bad = |f: Flow| flows.is_some_and(|e| e[f as usize].error_ppm >= 50_000 || e[f as usize].loss_ppm >= 50_000);
    let slow = flows.is_some_and(|e| e.iter().any(|x| x.latency_ms >= 2_000));
    let mut text = String::from(if bad(Flow::PayCard) {
        l.card
    } else if bad(Flow::OrderCounter) {
        l.counter
    } else if bad(Flow::OrderMobile) {
        l.mobile
    } else if slow {
        l.slow
    } else {
        l.heard
    });
    if misled {
        text.push(' ');
        text.push_str(l.misled);
    }
    text
}

/// A store's label as the agent sees it: region, kind and number.
fn store_label(s: &Scenario, st: &Store) -> String {
    let region = s.regions.get(usize::from(st.region)).map_or("", |r| r.name.as_str());
    let kind = s.kinds.get(usize::from(st.kind)).map_or("", |k| k.name.as_str());
    format!("{region} · {kind} #{:04}", st.index)
}

fn push_line(lines: &mut Vec<CallLine>, line: CallLine) {
    if lines.len() >= LINES_MAX {
        lines.remove(0);
    }
    lines.push(line);
}

impl Desk {
    /// The protocol view of call `id`, with or without its lines.
    pub(crate) fn view(&self, s: &Scenario, id: u32, with_lines: bool, mood: CallerMood) -> Option<CallView> {
        let c = self.calls.get(id as usize)?;
        Some(CallView {
            id,
            caller: c.label.clone(),
            store: match c.caller {
                Caller::Store(i) => Some(i),
                Caller::Persona(_) | Caller::Seat(_) => None,
            },
            region: c.region.and_then(|r| s.regions.get(r)).map(|r| r.id.clone()),
            client: c.client.and_then(|r| s.clients.get(r)).map(|r| r.id.clone()),
            inject: c.inject.clone(),
            caller_seat: match c.caller {
                Caller::Seat(seat) => Some(seat),
                Caller::Store(_) | Caller::Persona(_) => None,
            },
            state: c.state,
            agent: c.agent,
            agent_name: c.agent_name.clone(),
            opened_tick: c.opened,
            answered_tick: c.answered,
            ended_tick: c.ended,
            hold_s: c.hold_s,
            mood,
            disposition: c.disposition,
            lines: if with_lines { c.lines.clone() } else { Vec::new() },
        })
    }

    /// The protocol view of client `i`'s chat.
    pub(crate) fn chat_view(&self, s: &Scenario, i: usize, with_lines: bool) -> Option<ChatView> {
        let c = self.chats.get(i)?;
        let def = s.clients.get(i)?;
        Some(ChatView {
            client: def.id.clone(),
            name: def.name.clone(),
            stores: c.stores,
            client_seat: c.seat,
            waiting_since: c.waiting_since,
            escalations: c.escalations,
            lines: if with_lines { c.lines.clone() } else { Vec::new() },
        })
    }

    fn open_call(&mut self, now: u64, call: Call) -> Option<u32> {
        let waiting = self.live.iter().filter(|&&i| self.calls[i as usize].state == CallState::Waiting).count();
        if waiting >= QUEUE_MAX || self.calls.len() >= self.calls_max {
            self.stats.busy += 1;
            if let Caller::Store(st) = call.caller {
                self.retry_after.insert(st, now + RETRY_AFTER_S);
            }
            return None;
        }
        let id = self.calls.len() as u32;
        if let Caller::Store(st) = call.caller {
            self.by_store.insert(st, id);
        }
        self.calls.push(call);
        self.live.insert(id);
        self.stats.calls += 1;
        Some(id)
    }

    fn close(&mut self, id: u32, now: u64, state: CallState) {
        let c = &mut self.calls[id as usize];
        if let Some(since) = c.held_since.take() {
            c.hold_s += now - since;
        }
        self.stats.hold_s_total += c.hold_s;
        c.state = state;
        c.ended = Some(now);
        c.reply_due = None;
        self.live.remove(&id);
        if let Caller::Store(st) = c.caller {
            self.by_store.remove(&st);
        }
    }
}

/// What a caller's mood sounds like, from its store's anger.
fn mood_of(world_mood: Option<(&Store, &Mood)>) -> CallerMood {
    match world_mood {
        Some((st, m)) if m.anger >= st.temper => CallerMood::Angry,
        Some((st, m)) if m.anger >= st.temper / 2 => CallerMood::Upset,
        Some(_) | None => CallerMood::Calm,
    }
}

fn store_parts(world: &World, index: u32) -> Option<(&Store, &Mood)> {
    let &e = world.resource::<StoreOrder>().0.get(index as usize)?;
    Some((world.get::<Store>(e)?, world.get::<Mood>(e)?))
}

/// The mood of call `id`'s caller now.
pub(crate) fn call_mood(world: &World, id: u32) -> CallerMood {
    let desk = world.resource::<Desk>();
    match desk.calls.get(id as usize).map(|c| c.caller) {
        Some(Caller::Store(i)) => mood_of(store_parts(world, i)),
        Some(Caller::Persona(_) | Caller::Seat(_)) | None => CallerMood::Calm,
    }
}

fn call_event(world: &World, id: u32) -> Option<SimEvent> {
    let mood = call_mood(world, id);
    let s = &world.resource::<Plan>().0;
    world.resource::<Desk>().view(s, id, false, mood).map(SimEvent::Call)
}

fn line_event(desk: &Desk, id: u32) -> Option<SimEvent> {
    let c = desk.calls.get(id as usize)?;
    let caller_seat = match c.caller {
        Caller::Seat(seat) => Some(seat),
        Caller::Store(_) | Caller::Persona(_) => None,
    };
    Some(SimEvent::CallLine { call: id, caller_seat, line: c.lines.last()?.clone() })
}

fn chat_line_event(s: &Scenario, desk: &Desk, i: usize) -> Option<SimEvent> {
    let c = desk.chats.get(i)?;
    Some(SimEvent::ChatLine {
        client: s.clients.get(i)?.id.clone(),
        client_seat: c.seat,
        line: c.lines.last()?.clone(),
    })
}

/// An inject on its way to people.
pub(crate) struct Delivery<'a> {
    /// Index of the persona who sends it.
    pub persona: usize,
    /// How it arrives.
    pub medium: Medium,
    /// What it says.
    pub text: &'a str,
    /// Its id.
    pub inject: &'a str,
}

/// Delivers an inject (scenario or ad hoc) at `now`.
pub(crate) fn deliver(s: &Scenario, desk: &mut Desk, now: u64, d: Delivery<'_>, out: &mut Vec<SimEvent>) {
    let Delivery { persona, medium, text, inject } = d;
    let Some(p) = s.personas.get(persona) else { return };
    match medium {
        Medium::Phone => {
            // An inject's caller waits as long as the most patient store.
            let give_up_at = now + PATIENCE_S + PATIENCE_SPREAD_S;
            let call = Call {
                region: p.region,
                client: p.client,
                inject: Some(inject.to_string()),
                ..Call::ringing(Caller::Persona(persona), p.name.clone(), now, give_up_at, text.into())
            };
            if let Some(id) = desk.open_call(now, call) {
                out.extend(desk.view(s, id, false, CallerMood::Calm).map(SimEvent::Call));
                out.extend(line_event(desk, id));
            }
        }
        Medium::LineChat if p.client.is_some_and(|i| i < desk.chats.len()) => {
            let i = p.client.unwrap_or_default();
            let chat = &mut desk.chats[i];
            push_line(
                &mut chat.lines,
                CallLine { tick: now, speaker: Speaker::Caller, name: p.name.clone(), text: text.into() },
            );
            chat.waiting_since.get_or_insert(now);
            chat.step = chat.step.max(1);
            chat.last_news.get_or_insert(now);
            out.extend(desk.chat_view(s, i, false).map(SimEvent::Chat));
            if let Some(e) = chat_line_event(s, desk, i) {
                out.push(e);
            }
        }
        Medium::LineChat | Medium::Email | Medium::Social | Medium::InternalChat => {
            out.push(SimEvent::InjectPost { medium, persona: p.name.clone(), text: text.to_string() });
        }
    }
}

/// The wire medium of a scenario inject channel.
pub fn medium(c: InjectChannel) -> Medium {
    match c {
        InjectChannel::Phone => Medium::Phone,
        InjectChannel::LineChat => Medium::LineChat,
        InjectChannel::Email => Medium::Email,
        InjectChannel::Social => Medium::Social,
        InjectChannel::InternalChat => Medium::InternalChat,
    }
}

#[expect(clippy::too_many_arguments, reason = "a system's parameters are its declared reads and writes")]
fn run_desk(
    clock: Res<Clock>,
    plan: Res<Plan>,
    incident: Res<Incident>,
    effects: Res<Effects>,
    book: Res<InjectBook>,
    mut rng: ResMut<DeskRng>,
    mut desk: ResMut<Desk>,
    mut outbox: ResMut<Outbox>,
    mut stores: Query<(&Store, &mut Mood)>,
    order: Res<StoreOrder>,
) {
    let now = clock.tick;
    let s = &plan.0;
    let l = lines(s);
    let desk = &mut *desk;
    let mut out = Vec::new();

    // Injects that fell due.
    while desk.delivered < book.order.len() {
        let i = book.order[desk.delivered];
        desk.delivered += 1;
        let def = &s.injects[i];
        let text = book.texts.get(i).cloned().flatten().unwrap_or_else(|| def.text.clone());
        let d = Delivery { persona: def.persona, medium: medium(def.channel), text: &text, inject: &def.id };
        deliver(s, desk, now, d, &mut out);
        out.push(SimEvent::Inject(super::injects::view(s, &book, i)));
    }

    // Stores that want to call ring the desk.
    if now.is_multiple_of(super::stores::MOOD_EVERY_S) {
        for &e in &order.0 {
            let Ok((st, mood)) = stores.get(e) else { continue };
            if mood.wants_call_since.is_none()
                || desk.by_store.contains_key(&st.index)
                || desk.retry_after.get(&st.index).is_some_and(|&t| now < t)
            {
                continue;
            }
            let patience = PATIENCE_S + rng.0.random_range(0..=PATIENCE_SPREAD_S);
            let text = opening(s, &effects, st.profile, mood.misled);
            let label = store_label(s, st);
            let call = Call {
                region: Some(usize::from(st.region)),
                client: (st.client != NO_CLIENT).then_some(st.client as usize),
                ..Call::ringing(Caller::Store(st.index), label, now, now + patience, text)
            };
            let m = mood_of(Some((st, mood)));
            if let Some(id) = desk.open_call(now, call) {
                out.extend(desk.view(s, id, false, m).map(SimEvent::Call));
                out.extend(line_event(desk, id));
            }
        }
    }

    // Callers who lose patience hang up; bot callers answer the agent.
    let live: Vec<u32> = desk.live.iter().copied().collect();
    for id in live {
        let c = &mut desk.calls[id as usize];
        let bot = !matches!(c.caller, Caller::Seat(_));
        let gives_up = match c.state {
            CallState::Waiting => bot && now >= c.give_up_at,
            CallState::OnHold => bot && c.held_since.is_some_and(|t| now >= t + HOLD_PATIENCE_S),
            CallState::Talking | CallState::Ended | CallState::Abandoned => false,
        };
        if gives_up {
            let caller = c.caller;
            desk.close(id, now, CallState::Abandoned);
            desk.stats.abandoned += 1;
            let mut m = CallerMood::Calm;
            if let Caller::Store(st) = caller {
                desk.retry_after.insert(st, now + RETRY_AFTER_S);
                if let Some(&e) = order.0.get(st as usize)
                    && let Ok((store, mut mood)) = stores.get_mut(e)
                {
                    mood.hurt(ANGER_ABANDONED);
                    m = mood_of(Some((store, &mood)));
                }
            }
            out.extend(desk.view(s, id, false, m).map(SimEvent::Call));
            continue;
        }
        if c.state == CallState::Talking && c.reply_due.is_some_and(|t| now >= t) {
            c.reply_due = None;
            let Some(text) = l.asks.get(usize::from(c.step)) else { continue };
            c.step += 1;
            let name = c.label.clone();
            push_line(&mut c.lines, CallLine { tick: now, speaker: Speaker::Caller, name, text: (*text).into() });
            if let Some(e) = line_event(desk, id) {
                out.push(e);
            }
        }
    }

    // Corporate clients.
    let hurting_per_client = if now.is_multiple_of(CLIENT_CHECK_EVERY_S) {
        let mut n = vec![0u32; desk.chats.len()];
        for (st, _) in stores.iter() {
            if st.client != NO_CLIENT && effects.impacted.get(st.profile as usize).copied().unwrap_or(false) {
                n[st.client as usize] += 1;
            }
        }
        Some(n)
    } else {
        None
    };
    let operational_notice = incident.notices.last().is_some_and(|n| n.status == ComponentStatus::Operational);
    for i in 0..desk.chats.len() {
        let name = s.clients[i].name.clone();
        let chat = &mut desk.chats[i];
        if chat.seat.is_some() {
            continue;
        }
        let mut said: Option<String> = None;
        let mut escalated = false;
        if let Some(t) = chat.reply_due
            && now >= t
        {
            chat.reply_due = None;
            if let Some(text) = l.client_asks.get(usize::from(chat.step).saturating_sub(1)) {
                said = Some((*text).to_string());
                if chat.step == 1 {
                    chat.waiting_since = Some(now);
                }
                chat.step += 1;
            }
        }
        if let Some(hurting) = hurting_per_client.as_ref().map(|n| n[i]) {
            let hurts = hurting >= CLIENT_WRITES_AT_STORES || hurting * 100 >= chat.stores * CLIENT_WRITES_AT_PCT;
            let hurts = hurts && hurting > 0;
            if hurts && chat.step == 0 && said.is_none() {
                said = Some(l.client_first.replace("{n}", &hurting.to_string()));
                chat.step = 1;
                chat.waiting_since = Some(now);
                chat.last_news = Some(now);
            } else if hurts
                && chat.waiting_since.is_none()
                && chat.step >= 1
                && chat.last_news.is_some_and(|t| now >= t + CLIENT_ASKS_AGAIN_S)
                && said.is_none()
            {
                said = Some(l.client_again.to_string());
                chat.waiting_since = Some(now);
                chat.last_news = Some(now);
            }
            if hurts
                && operational_notice
                && chat.misled_at_notice < incident.notices.len()
                && chat.escalations < ESCALATIONS_MAX
                && said.is_none()
            {
                chat.misled_at_notice = incident.notices.len();
                said = Some(l.client_misled.to_string());
                chat.escalations += 1;
                escalated = true;
            }
        }
        if said.is_none()
            && chat.escalations < ESCALATIONS_MAX
            && chat.waiting_since.is_some_and(|t| now >= t + CHAT_ESCALATE_AFTER_S * u64::from(chat.escalations + 1))
        {
            said = Some(l.client_escalates.to_string());
            chat.escalations += 1;
            escalated = true;
        }
        if let Some(text) = said {
            push_line(&mut chat.lines, CallLine { tick: now, speaker: Speaker::Caller, name: name.clone(), text });
            if escalated {
                desk.stats.escalations += 1;
                out.push(SimEvent::Escalated { client: s.clients[i].id.clone(), name });
            }
            out.extend(desk.chat_view(s, i, false).map(SimEvent::Chat));
            if let Some(e) = chat_line_event(s, desk, i) {
                out.push(e);
            }
        }
    }
    outbox.0.extend(out);
}

/// Bot support agents and the sales bot, for the roles nobody plays.
fn desk_bots(
    clock: Res<Clock>,
    plan: Res<Plan>,
    crew: Res<Crew>,
    incident: Res<Incident>,
    desk: Res<Desk>,
    mut intents: ResMut<Intents>,
) {
    let now = clock.tick;
    let s = &plan.0;
    let l = lines(s);
    let perfect = crew.skill == super::BotSkill::Perfect;
    let said_known = incident.notices.last().map(|n| format!("{}{}", l.agent_known, n.text));
    let answer = said_known.clone().unwrap_or_else(|| l.agent_unknown.to_string());
    if crew.plays(Role::SupportAgent) {
        // The scenario's desk size; the perfect baseline staffs at least
        // eight.
        let (agents, pick_after, talk_every) =
            if perfect { (s.support_desk.max(8), 0, 6) } else { (s.support_desk, 20, 15) };
        let mut waiting = desk
            .live
            .iter()
            .copied()
            .filter(|&i| desk.calls[i as usize].state == CallState::Waiting)
            .filter(|&i| now >= desk.calls[i as usize].opened + pick_after);
        for k in 0..agents {
            let seat = BOT_SEAT_BASE + k;
            let actor = Actor { name: format!("{} {}", bot_agent_name(s), k + 1), role: Some(Role::SupportAgent) };
            let mine = desk.live.iter().copied().find(|&i| desk.calls[i as usize].agent == Some(seat));
            match mine {
                None => {
                    if let Some(call) = waiting.next() {
                        intents.0.push((actor, SimCommand::TakeCall { seat, call: Some(call) }));
                    }
                }
                Some(call) => {
                    let c = &desk.calls[call as usize];
                    let last = c.lines.last();
                    let quiet_since = last.map_or(c.opened, |x| x.tick);
                    let agent_lines = c.lines.iter().filter(|x| x.speaker == Speaker::Agent).count();
                    if c.state != CallState::Talking || now < quiet_since + talk_every {
                        continue;
                    }
                    if agent_lines >= 2 || c.step as usize >= l.asks.len() {
                        intents.0.push((actor, SimCommand::EndCall { seat, call, disposition: Disposition::Informed }));
                    } else if last.is_some_and(|x| x.speaker == Speaker::Caller) {
                        let text = if agent_lines == 0 { answer.clone() } else { l.agent_close.to_string() };
                        intents.0.push((actor, SimCommand::CallSay { seat, call, text }));
                    }
                }
            }
        }
    }
    if crew.plays(Role::Sales) {
        let reply_after = if perfect { 20 } else { 120 };
        for (i, chat) in desk.chats.iter().enumerate() {
            if chat.seat.is_none() && chat.waiting_since.is_some_and(|t| now >= t + reply_after) {
                let actor = Actor { name: bot_sales_name(s).into(), role: Some(Role::Sales) };
                let cmd = SimCommand::ChatSay {
                    seat: BOT_SEAT_BASE,
                    client: s.clients[i].id.clone(),
                    text: answer.clone(),
                    as_client: false,
                };
                intents.0.push((actor, cmd));
            }
        }
    }
}

fn bot_agent_name(s: &Scenario) -> &'static str {
    if s.language.starts_with("ja") { "サポートbot" } else { "Support bot" }
}

fn bot_sales_name(s: &Scenario) -> &'static str {
    if s.language.starts_with("ja") { "営業bot" } else { "Sales bot" }
}

/// Applies a desk command. `Ok` carries what changed.
pub(crate) fn apply(world: &mut World, actor: &Actor, cmd: &SimCommand) -> Result<Vec<SimEvent>, CommandError> {
    let now = world.resource::<Clock>().tick;
    let mut out = Vec::new();
    match cmd {
        SimCommand::TakeCall { seat, call } => {
            let desk = world.resource::<Desk>();
            if desk.live.iter().any(|&i| desk.calls[i as usize].agent == Some(*seat)) {
                return Err(CommandError::AlreadyOnCall);
            }
            let id = match call {
                Some(id) => {
                    let c = desk.calls.get(*id as usize).ok_or(CommandError::UnknownCall(*id))?;
                    if c.state != CallState::Waiting {
                        return Err(CommandError::CallTaken);
                    }
                    *id
                }
                None => desk
                    .live
                    .iter()
                    .copied()
                    .find(|&i| desk.calls[i as usize].state == CallState::Waiting)
                    .ok_or(CommandError::QueueEmpty)?,
            };
            pick_up(world, id, *seat, &actor.name, now);
            out.extend(call_event(world, id));
        }
        SimCommand::AssignCall { call, agent, agent_name } => {
            let desk = world.resource::<Desk>();
            let c = desk.calls.get(*call as usize).ok_or(CommandError::UnknownCall(*call))?;
            if c.state != CallState::Waiting {
                return Err(CommandError::CallTaken);
            }
            if desk.live.iter().any(|&i| desk.calls[i as usize].agent == Some(*agent)) {
                return Err(CommandError::AlreadyOnCall);
            }
            pick_up(world, *call, *agent, agent_name, now);
            out.extend(call_event(world, *call));
        }
        SimCommand::CallSay { seat, call, text } => {
            let text = non_empty(text)?;
            let mut desk = world.resource_mut::<Desk>();
            let c = desk.calls.get_mut(*call as usize).ok_or(CommandError::UnknownCall(*call))?;
            if !c.state.is_open() {
                return Err(CommandError::CallClosed);
            }
            let speaker = if c.agent == Some(*seat) && actor.role.is_some() {
                Speaker::Agent
            } else if c.caller == Caller::Seat(*seat) || actor.role.is_none() {
                Speaker::Caller
            } else {
                return Err(CommandError::NotYourCall);
            };
            if speaker == Speaker::Agent && c.state != CallState::Talking {
                return Err(CommandError::CallNotTalking);
            }
            let name = if speaker == Speaker::Caller { c.label.clone() } else { actor.name.clone() };
            push_line(&mut c.lines, CallLine { tick: now, speaker, name, text });
            if speaker == Speaker::Agent && !matches!(c.caller, Caller::Seat(_)) {
                c.reply_due = Some(now + CALLER_REPLY_S);
            }
            out.extend(line_event(&desk, *call));
        }
        SimCommand::HoldCall { seat, call, hold } => {
            let mut desk = world.resource_mut::<Desk>();
            let c = desk.calls.get_mut(*call as usize).ok_or(CommandError::UnknownCall(*call))?;
            if c.agent != Some(*seat) {
                return Err(CommandError::NotYourCall);
            }
            let mut long_hold = false;
            match (c.state, hold) {
                (CallState::Talking, true) => {
                    c.state = CallState::OnHold;
                    c.held_since = Some(now);
                    c.reply_due = None;
                }
                (CallState::OnHold, false) => {
                    c.state = CallState::Talking;
                    let since = c.held_since.take().unwrap_or(now);
                    c.hold_s += now - since;
                    long_hold = now - since >= HOLD_PATIENCE_S / 2 && !matches!(c.caller, Caller::Seat(_));
                }
                _ => return Err(CommandError::CallNotTalking),
            }
            if long_hold {
                let text = lines(&world.resource::<Plan>().0).hold_long.to_string();
                let mut desk = world.resource_mut::<Desk>();
                let c = &mut desk.calls[*call as usize];
                let name = c.label.clone();
                push_line(&mut c.lines, CallLine { tick: now, speaker: Speaker::Caller, name, text });
                out.extend(line_event(&desk, *call));
            }
            out.extend(call_event(world, *call));
        }
        SimCommand::EndCall { seat, call, disposition } => {
            let caller = {
                let desk = world.resource::<Desk>();
                let c = desk.calls.get(*call as usize).ok_or(CommandError::UnknownCall(*call))?;
                if !c.state.is_open() {
                    return Err(CommandError::CallClosed);
                }
                // The support lead may close any call (a stuck one, say).
                let lead = actor.role == Some(Role::SupportLead) || actor.role.is_none();
                if c.agent != Some(*seat) && !lead {
                    return Err(CommandError::NotYourCall);
                }
                if c.state == CallState::Waiting && !lead {
                    return Err(CommandError::CallNotTalking);
                }
                c.caller
            };
            {
                let mut desk = world.resource_mut::<Desk>();
                desk.calls[*call as usize].disposition = Some(*disposition);
                desk.close(*call, now, CallState::Ended);
            }
            if let Caller::Store(st) = caller
                && *disposition != Disposition::NoIssue
            {
                super::stores::answer_call(world, st, now);
                // What the agent said (the talk script they read out) may
                // name a fallback the store then uses.
                let s = &world.resource::<Plan>().0;
                let said: Vec<&str> = world.resource::<Desk>().calls[*call as usize]
                    .lines
                    .iter()
                    .filter(|l| l.speaker == Speaker::Agent)
                    .map(|l| l.text.as_str())
                    .collect();
                let named = super::stores::named_fallbacks(s, &said.join("\n"));
                super::stores::tell_store(world, st, named);
            }
            out.extend(call_event(world, *call));
        }
        SimCommand::CallSupport { seat, name, text } => {
            let text = non_empty(text)?;
            let mut desk = world.resource_mut::<Desk>();
            if desk.live.iter().any(|&i| desk.calls[i as usize].caller == Caller::Seat(*seat)) {
                return Err(CommandError::AlreadyOnCall);
            }
            // A colleague playing a store waits as long as they like.
            let call = Call::ringing(Caller::Seat(*seat), name.clone(), now, u64::MAX, text);
            let id = desk.open_call(now, call).ok_or(CommandError::QueueFull)?;
            out.extend(call_event(world, id));
            out.extend(line_event(world.resource::<Desk>(), id));
        }
        SimCommand::ChatSay { seat, client, text, as_client } => {
            let text = non_empty(text)?;
            let s = &world.resource::<Plan>().0;
            let i = s.clients.iter().position(|c| &c.id == client).ok_or(CommandError::UnknownClient)?;
            let client_name = s.clients[i].name.clone();
            let mut desk = world.resource_mut::<Desk>();
            let chat = &mut desk.chats[i];
            let (speaker, name) = if *as_client {
                // A person takes the client over from its bot; a
                // facilitator speaks as the client without taking it.
                if actor.role.is_some() {
                    match chat.seat {
                        Some(other) if other != *seat => return Err(CommandError::ClientPlayed),
                        _ => chat.seat = Some(*seat),
                    }
                }
                chat.waiting_since.get_or_insert(now);
                chat.step = chat.step.max(1);
                (Speaker::Caller, client_name)
            } else {
                (Speaker::Agent, actor.name.clone())
            };
            push_line(&mut chat.lines, CallLine { tick: now, speaker, name, text });
            let mut brief = false;
            if speaker == Speaker::Agent {
                if chat.waiting_since.take().is_some() {
                    brief = true;
                }
                chat.last_news = Some(now);
                if chat.seat.is_none() && chat.step >= 1 && usize::from(chat.step) <= EN.client_asks.len() {
                    chat.reply_due = Some(now + CALLER_REPLY_S);
                }
            }
            if brief {
                desk.stats.chat_replies += 1;
            }
            let s = &world.resource::<Plan>().0;
            let desk = world.resource::<Desk>();
            out.extend(desk.chat_view(s, i, false).map(SimEvent::Chat));
            out.extend(chat_line_event(s, desk, i));
            if brief {
                let said = desk.chats[i].lines.last().map(|l| l.text.clone()).unwrap_or_default();
                let named = super::stores::named_fallbacks(s, &said);
                super::stores::brief_client(world, i as u32, now);
                super::stores::tell_client(world, i as u32, named);
            }
        }
        _ => return Err(CommandError::NotDesk),
    }
    Ok(out)
}

/// A person stopped playing an outside actor (their seat got another
/// role): the client they played goes back to its bot, and a call they
/// were making ends as if they hung up.
pub(crate) fn release_seat(world: &mut World, seat: u32) -> Vec<SimEvent> {
    let now = world.resource::<Clock>().tick;
    let s = world.resource::<Plan>().0.clone();
    let mut out = Vec::new();
    let mut desk = world.resource_mut::<Desk>();
    for i in 0..desk.chats.len() {
        if desk.chats[i].seat == Some(seat) {
            desk.chats[i].seat = None;
            out.extend(desk.chat_view(&s, i, false).map(SimEvent::Chat));
        }
    }
    let mine: Vec<u32> =
        desk.live.iter().copied().filter(|&i| desk.calls[i as usize].caller == Caller::Seat(seat)).collect();
    for id in mine {
        desk.close(id, now, CallState::Abandoned);
        desk.stats.abandoned += 1;
        out.extend(desk.view(&s, id, false, CallerMood::Calm).map(SimEvent::Call));
    }
    out
}

fn pick_up(world: &mut World, id: u32, seat: u32, name: &str, now: u64) {
    let mut desk = world.resource_mut::<Desk>();
    let c = &mut desk.calls[id as usize];
    c.state = CallState::Talking;
    c.agent = Some(seat);
    c.agent_name = name.to_string();
    c.answered = Some(now);
    let wait = now - c.opened;
    desk.stats.answered += 1;
    desk.stats.wait_s_total += wait;
    desk.stats.wait_s_max = desk.stats.wait_s_max.max(wait);
}

fn non_empty(text: &str) -> Result<String, CommandError> {
    let t = text.trim();
    if t.is_empty() { Err(CommandError::EmptyText) } else { Ok(t.to_string()) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_call_bound_scales_with_the_world() {
        use crate::limits::{CALLS_PER_DRILL_MAX, CALLS_PER_DRILL_MIN, CALLS_PER_STORE_MAX, calls_max};
        assert_eq!(calls_max(20), CALLS_PER_DRILL_MIN, "a small world still takes a busy afternoon of calls");
        assert_eq!(calls_max(2_000), 2_000 * CALLS_PER_STORE_MAX);
        assert_eq!(calls_max(200_000), CALLS_PER_DRILL_MAX, "and a huge one is bounded");
        let s = crate::scenario::parse(include_str!("../../../scenarios/lunch-peak-pos-outage.toml"))
            .unwrap_or_else(|p| panic!("{p:?}"));
        let sim = crate::sim::Sim::new(&s, 1, crate::sim::Crew::nobody());
        assert_eq!(sim.world.resource::<super::Desk>().calls_max, calls_max(s.store_count()));
    }
}

//! Serializing one update, as the drill task does once per event (and once
//! per joining client for the welcome): a chat post, a health report, a
//! pulse, a seat change, and welcomes carrying rosters of 100 and 1,000
//! seats. Run with `cargo bench -p firedrill --bench serialize`.

use divan::Bencher;
use divan::counter::BytesCount;
use firedrill::drill::encode_msg;
use firedrill::protocol::{Author, Channel, Event, Post, PostBody, Role, SeatKind, SeatView, ServerMsg};

fn main() {
    divan::main();
}

/// A message from the protocol's golden fixtures (docs/protocol/server/).
fn fixture(json: &str) -> ServerMsg {
    serde_json::from_str(json).expect("the fixture parses as a server message")
}

fn chat() -> ServerMsg {
    let post = Post {
        id: 57,
        author: Author::Seat { id: 412, name: "Kenji Sato".into(), seat: SeatKind::Participant(Role::Engineer) },
        body: PostBody::Text {
            text: "Rolling back payments-gateway to v2.30 now; card errors in Kanto should drop in 3 min.".into(),
        },
        tick: 196,
    };
    ServerMsg::Event { seq: 4_321, tick: 196, event: Event::Posted { channel: Channel::IncidentWarRoom, post } }
}

fn encode(bencher: Bencher, msg: &ServerMsg) {
    let bytes = encode_msg(msg).len();
    bencher.counter(BytesCount::new(bytes)).bench(|| encode_msg(divan::black_box(msg)));
}

#[divan::bench]
fn chat_post(bencher: Bencher) {
    encode(bencher, &chat());
}

#[divan::bench]
fn health_post(bencher: Bencher) {
    encode(bencher, &fixture(include_str!("../../docs/protocol/server/event_posted_health.json")));
}

#[divan::bench]
fn pulse(bencher: Bencher) {
    encode(bencher, &fixture(include_str!("../../docs/protocol/server/pulse.json")));
}

#[divan::bench]
fn seat_changed(bencher: Bencher) {
    encode(bencher, &fixture(include_str!("../../docs/protocol/server/event_seat_changed.json")));
}

/// The welcome a joining client gets: its size grows with the roster, so
/// a join storm of N clients serializes O(N²) bytes.
#[divan::bench(args = [100, 1_000])]
fn welcome(bencher: Bencher, seats: u32) {
    let mut msg = fixture(include_str!("../../docs/protocol/server/welcome.json"));
    if let ServerMsg::Welcome { snapshot, .. } = &mut msg {
        snapshot.roster = (0..seats)
            .map(|id| SeatView {
                id,
                name: format!("Participant {id}"),
                seat: SeatKind::Participant(Role::SupportAgent),
                online: true,
            })
            .collect();
    }
    encode(bencher, &msg);
}

//! Fan-out of one serialized update to many connections, in the two steps
//! the server takes: handing the shared bytes to every connection's bounded
//! outbound queue (what the drill task does), and framing them onto each
//! WebSocket (what each connection's writer does), batched with one flush
//! or flushed per message. Run with `cargo bench -p firedrill --bench fanout`.

use std::io::{self, Read, Write};

use divan::Bencher;
use divan::counter::ItemsCount;
use firedrill::drill::{Frame, encode_msg};
use firedrill::protocol::{Author, Channel, Event, Post, PostBody, Role, SeatKind, ServerMsg};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::{Role as WsRole, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes, WebSocket};

fn main() {
    divan::main();
}

fn frame() -> Frame {
    let post = Post {
        id: 57,
        author: Author::Seat { id: 412, name: "Kenji Sato".into(), seat: SeatKind::Participant(Role::Engineer) },
        body: PostBody::Text {
            text: "Rolling back payments-gateway to v2.30 now; card errors in Kanto should drop in 3 min.".into(),
        },
        tick: 196,
    };
    encode_msg(&ServerMsg::Event {
        seq: 4_321,
        tick: 196,
        event: Event::Posted { channel: Channel::IncidentWarRoom, post },
    })
}

/// One update to N connections' outbound queues (queue capacity as the
/// server's), then drained as their writers would.
#[divan::bench(args = [100, 1_000, 5_000])]
fn to_queues(bencher: Bencher, conns: usize) {
    let (txs, mut rxs): (Vec<_>, Vec<_>) =
        (0..conns).map(|_| mpsc::channel::<Frame>(firedrill::limits::OUTBOUND_QUEUE_LEN_MAX)).unzip();
    let frame = frame();
    bencher.counter(ItemsCount::new(conns)).bench_local(|| {
        for tx in &txs {
            let _ = tx.try_send(frame.clone());
        }
        for rx in &mut rxs {
            while let Ok(f) = rx.try_recv() {
                divan::black_box(f);
            }
        }
    });
}

/// A socket that takes every byte and never has anything to read.
struct Sink(u64);

impl Read for Sink {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::ErrorKind::WouldBlock.into())
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn socket() -> WebSocket<Sink> {
    let config = WebSocketConfig::default()
        .read_buffer_size(firedrill::limits::WS_READ_BUFFER_BYTES)
        .write_buffer_size(firedrill::limits::WS_WRITE_BUFFER_BYTES)
        .max_write_buffer_size(firedrill::limits::WS_WRITE_BUFFER_BYTES_MAX);
    WebSocket::from_raw_socket(Sink(0), WsRole::Server, Some(config))
}

/// Framing 64 updates onto one socket: written as a batch and flushed once
/// (the server's writer), or flushed after each message.
#[divan::bench(args = [true, false])]
fn to_socket(bencher: Bencher, batched: bool) {
    let mut ws = socket();
    let text = Utf8Bytes::from(frame().as_str());
    bencher.counter(ItemsCount::new(64usize)).bench_local(|| {
        for _ in 0..64 {
            let _ = ws.write(Message::Text(text.clone()));
            if !batched {
                let _ = ws.flush();
            }
        }
        let _ = ws.flush();
    });
}

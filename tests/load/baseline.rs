//! The baseline: a bare tokio-tungstenite broadcast server, what this
//! machine can do with no drill behind it.
//!
//! It has the same shape as Firedrill's transport (one hub task per room
//! owning the list of connections, one bounded outbound queue per
//! connection, a writer that writes everything ready and flushes once, 4 KiB
//! read buffers) and sends the same bytes at the same rate: every chat
//! command comes back to every internal client of the room as a `posted`
//! event of the same JSON shape, followed by an `ack` to its sender; a pulse
//! (a frame captured from Firedrill) goes to everyone every 500 ms, and a
//! health post (also captured) to internal clients at the rate Firedrill
//! posted them. No simulation, no persistence, no authorization.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::Value;
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::mpsc;
use tokio::time::MissedTickBehavior;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// Read buffer per connection (as Firedrill's `WS_READ_BUFFER_BYTES`).
const READ_BUFFER_BYTES: usize = 4 * 1024;

/// Write buffer per connection before a flush is forced (as Firedrill's).
const WRITE_BUFFER_BYTES: usize = 16 * 1024;

/// Most unsent bytes per connection (as Firedrill's).
const WRITE_BUFFER_BYTES_MAX: usize = 1024 * 1024;

/// Largest client message (as Firedrill's).
const CLIENT_MESSAGE_BYTES_MAX: usize = 64 * 1024;

/// Outbound queue per connection, in messages (as Firedrill's).
const OUTBOUND_QUEUE_LEN_MAX: usize = 1024;

/// Messages written before one flush (as Firedrill's writer).
const WRITE_BATCH_MAX: usize = 256;

/// Inputs queued for one room's hub.
const HUB_INBOX_LEN_MAX: usize = 4096;

/// Time a connection has to say hello.
const HELLO_TIMEOUT_MS: u64 = 10_000;

/// Fallback frames when no capture from Firedrill is given.
const PULSE_FIXTURE: &str = include_str!("../../docs/protocol/server/pulse.json");
const HEALTH_FIXTURE: &str = include_str!("../../docs/protocol/server/event_posted_health.json");

/// How the baseline server runs.
#[derive(Debug, Clone, clap::Args)]
pub struct BaselineArgs {
    /// Address to listen on (loopback).
    #[arg(long, default_value = "127.0.0.1:8090")]
    addr: SocketAddr,
    /// Milliseconds between two pulses to every client.
    #[arg(long, default_value_t = 500)]
    pulse_ms: u64,
    /// A pulse frame to send (default: the protocol fixture).
    #[arg(long)]
    pulse_file: Option<PathBuf>,
    /// Milliseconds between two health posts to internal clients (0: none).
    #[arg(long, default_value_t = 1000)]
    health_ms: u64,
    /// A health post frame to send (default: the protocol fixture).
    #[arg(long)]
    health_file: Option<PathBuf>,
    /// Listen backlog (1024 is what `tokio::net::TcpListener::bind`, and so
    /// `firedrill serve`, uses).
    #[arg(long, default_value_t = 1024)]
    backlog: u32,
}

struct Frames {
    pulse: Utf8Bytes,
    health: Utf8Bytes,
    pulse_ms: u64,
    health_ms: u64,
}

#[derive(Debug, Deserialize)]
struct Hello {
    room: u64,
    internal: bool,
    name: String,
    role: String,
}

enum HubInput {
    Join { id: u64, internal: bool, out: mpsc::Sender<Utf8Bytes> },
    Chat { from: u64, cid: u64, channel: String, text: String, name: String, role: String },
    Ack { from: u64, cid: u64 },
    Leave { id: u64 },
}

type Rooms = Arc<Mutex<HashMap<u64, mpsc::Sender<HubInput>>>>;

/// Serves until killed.
pub async fn serve(args: BaselineArgs) -> std::io::Result<()> {
    if !args.addr.ip().is_loopback() {
        return Err(std::io::Error::other("the baseline serves on loopback only"));
    }
    let read = |file: &Option<PathBuf>, fixture: &str| -> std::io::Result<Utf8Bytes> {
        let text = match file {
            Some(f) => std::fs::read_to_string(f)?,
            None => fixture.to_string(),
        };
        serde_json::from_str::<serde::de::IgnoredAny>(&text).map_err(std::io::Error::other)?;
        Ok(Utf8Bytes::from(compact(&text)))
    };
    let frames = Arc::new(Frames {
        pulse: read(&args.pulse_file, PULSE_FIXTURE)?,
        health: read(&args.health_file, HEALTH_FIXTURE)?,
        pulse_ms: args.pulse_ms.max(10),
        health_ms: args.health_ms,
    });
    let socket = if args.addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(args.addr)?;
    let listener = socket.listen(args.backlog)?;
    let rooms: Rooms = Arc::default();
    let mut next_id = 0u64;
    loop {
        let (stream, _) = listener.accept().await?;
        next_id += 1;
        tokio::spawn(connection(stream, next_id, rooms.clone(), frames.clone()));
    }
}

fn room(rooms: &Rooms, id: u64, frames: &Arc<Frames>) -> mpsc::Sender<HubInput> {
    let mut rooms = rooms.lock().unwrap_or_else(|e| e.into_inner());
    rooms
        .entry(id)
        .or_insert_with(|| {
            let (tx, rx) = mpsc::channel(HUB_INBOX_LEN_MAX);
            tokio::spawn(hub(rx, frames.clone()));
            tx
        })
        .clone()
}

struct Member {
    id: u64,
    internal: bool,
    out: mpsc::Sender<Utf8Bytes>,
}

/// One room: the list of connections, the ticker, the broadcast.
async fn hub(mut rx: mpsc::Receiver<HubInput>, frames: Arc<Frames>) {
    let mut members: Vec<Member> = Vec::new();
    let mut seq = 0u64;
    let mut pulse = tokio::time::interval(Duration::from_millis(frames.pulse_ms));
    pulse.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut health = tokio::time::interval(Duration::from_millis(frames.health_ms.max(10)));
    health.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        let mut slow = Vec::new();
        tokio::select! {
            input = rx.recv() => match input {
                None => return,
                Some(HubInput::Join { id, internal, out }) => members.push(Member { id, internal, out }),
                Some(HubInput::Leave { id }) => members.retain(|m| m.id != id),
                Some(HubInput::Ack { from, cid }) => send_to(&members, from, ack(cid), &mut slow),
                Some(HubInput::Chat { from, cid, channel, text, name, role }) => {
                    seq += 1;
                    let frame = posted(seq, from, &channel, &text, &name, &role);
                    for m in members.iter().filter(|m| m.internal) {
                        if m.out.try_send(frame.clone()).is_err() {
                            slow.push(m.id);
                        }
                    }
                    send_to(&members, from, ack(cid), &mut slow);
                }
            },
            _ = pulse.tick() => {
                for m in &members {
                    if m.out.try_send(frames.pulse.clone()).is_err() {
                        slow.push(m.id);
                    }
                }
            }
            _ = health.tick(), if frames.health_ms > 0 => {
                for m in members.iter().filter(|m| m.internal) {
                    if m.out.try_send(frames.health.clone()).is_err() {
                        slow.push(m.id);
                    }
                }
            }
        }
        // Too slow: dropped (its writer closes the socket), as Firedrill does.
        if !slow.is_empty() {
            members.retain(|m| !slow.contains(&m.id));
        }
    }
}

fn send_to(members: &[Member], id: u64, frame: Utf8Bytes, slow: &mut Vec<u64>) {
    if let Some(m) = members.iter().find(|m| m.id == id)
        && m.out.try_send(frame).is_err()
    {
        slow.push(id);
    }
}

fn ack(cid: u64) -> Utf8Bytes {
    Utf8Bytes::from(format!(r#"{{"type":"ack","cid":{cid}}}"#))
}

/// A `posted` event shaped as Firedrill's (same keys, same order), so
/// that the bytes match; `seq` stands in for the post's number too.
fn posted(seq: u64, from: u64, channel: &str, text: &str, name: &str, role: &str) -> Utf8Bytes {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string());
    let seat = if role == "facilitator" {
        r#"{"kind":"facilitator"}"#.to_string()
    } else {
        format!(r#"{{"kind":"participant","role":{}}}"#, q(role))
    };
    Utf8Bytes::from(format!(
        r#"{{"type":"event","seq":{seq},"tick":{seq},"event":{{"kind":"posted","channel":{},"post":{{"id":{seq},"author":{{"kind":"seat","id":{from},"name":{},"seat":{seat}}},"body":{{"kind":"text","text":{}}},"tick":{seq}}}}}}}"#,
        q(channel),
        q(name),
        q(text)
    ))
}

/// JSON without the white space outside strings, keeping the key order.
fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

async fn connection(stream: TcpStream, id: u64, rooms: Rooms, frames: Arc<Frames>) {
    let config = WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .max_write_buffer_size(WRITE_BUFFER_BYTES_MAX)
        .max_message_size(Some(CLIENT_MESSAGE_BYTES_MAX))
        .max_frame_size(Some(CLIENT_MESSAGE_BYTES_MAX));
    let Ok(ws) = tokio_tungstenite::accept_async_with_config(stream, Some(config)).await else { return };
    let (mut sink, mut stream) = ws.split();
    let first = tokio::time::timeout(Duration::from_millis(HELLO_TIMEOUT_MS), stream.next()).await;
    let Ok(Some(Ok(Message::Text(t)))) = first else { return };
    let Ok(hello) = serde_json::from_str::<Hello>(&t) else { return };
    let hub = room(&rooms, hello.room, &frames);
    if sink.send(Message::Text(Utf8Bytes::from_static(r#"{"type":"welcome","v":1}"#))).await.is_err() {
        return;
    }
    let (out_tx, mut out_rx) = mpsc::channel::<Utf8Bytes>(OUTBOUND_QUEUE_LEN_MAX);
    let local = out_tx.clone();
    if hub.send(HubInput::Join { id, internal: hello.internal, out: out_tx }).await.is_err() {
        return;
    }
    let writer = tokio::spawn(async move {
        while let Some(first) = out_rx.recv().await {
            if sink.feed(Message::Text(first)).await.is_err() {
                return;
            }
            let mut n = 1;
            while n < WRITE_BATCH_MAX {
                let Ok(next) = out_rx.try_recv() else { break };
                if sink.feed(Message::Text(next)).await.is_err() {
                    return;
                }
                n += 1;
            }
            if sink.flush().await.is_err() {
                return;
            }
        }
        let _ = sink.send(Message::Close(None)).await;
    });
    while let Some(Ok(msg)) = stream.next().await {
        let Message::Text(t) = msg else {
            if matches!(msg, Message::Close(_)) {
                break;
            }
            continue;
        };
        let Ok(v) = serde_json::from_str::<Value>(&t) else { continue };
        match v["type"].as_str() {
            Some("cmd") => {
                let cid = v["cid"].as_u64().unwrap_or(0);
                let cmd = &v["cmd"];
                let input = if cmd["type"] == "chat" {
                    HubInput::Chat {
                        from: id,
                        cid,
                        channel: cmd["channel"].as_str().unwrap_or("ops").to_string(),
                        text: cmd["text"].as_str().unwrap_or("").to_string(),
                        name: hello.name.clone(),
                        role: hello.role.clone(),
                    }
                } else {
                    HubInput::Ack { from: id, cid }
                };
                if hub.send(input).await.is_err() {
                    break;
                }
            }
            Some("ping") => {
                let t = v["t"].as_u64().unwrap_or(0);
                let _ = local.try_send(Utf8Bytes::from(format!(r#"{{"type":"pong","t":{t}}}"#)));
            }
            _ => {}
        }
    }
    let _ = hub.send(HubInput::Leave { id }).await;
    drop(local);
    let _ = tokio::time::timeout(Duration::from_secs(5), writer).await;
}

#[cfg(test)]
mod tests {
    use firedrill::protocol::{Author, Channel, Event, Post, PostBody, Role, SeatKind, ServerMsg};

    use super::*;

    #[test]
    fn a_baseline_post_has_the_bytes_of_a_firedrill_post() {
        let text = "lt:123:4 \"quoted\" and ünïcode";
        let post = Post {
            id: 9,
            author: Author::Seat { id: 4, name: "engineer 4".into(), seat: SeatKind::Participant(Role::Engineer) },
            body: PostBody::Text { text: text.into() },
            tick: 9,
        };
        let msg =
            ServerMsg::Event { seq: 9, tick: 9, event: Event::Posted { channel: Channel::IncidentWarRoom, post } };
        let firedrill = firedrill::drill::encode_msg(&msg);
        let baseline = posted(9, 4, "incident-war-room", text, "engineer 4", "engineer");
        assert_eq!(baseline.as_str(), firedrill.as_str());
    }

    #[test]
    fn compacting_keeps_strings_and_key_order() {
        assert_eq!(compact("{\n  \"b\": \"x y\\\" z\",\n  \"a\": [1, 2]\n}"), r#"{"b":"x y\" z","a":[1,2]}"#);
    }
}

//! One simulated person: joins (HTTP), connects (WebSocket, `hello`), then
//! follows the workload's orders (chat, commands, pings, page reloads) while
//! reading everything the server sends. Like the web client, it resumes
//! with its last `seq` when its connection is dropped.
//!
//! Reading is cheap on purpose: the load generator shares the machine with
//! the server, so frames are classified by their first bytes and only the
//! greeting is parsed as JSON. A chat message's text starts with
//! `lt:<send time in µs>:<sender>`; every receiver turns it into a latency
//! sample (events replayed after a resume are counted, not sampled).

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::{JOINING, MEASURING, now_us};

/// Longest wait for the server's answer to `hello`.
const GREETING_TIMEOUT_MS: u64 = 30_000;

/// After a lost connection, how long a client keeps trying to get back.
const RECONNECT_WINDOW_MS: u64 = 60_000;

/// Pause between two reconnection attempts.
const RECONNECT_RETRY_MS: u64 = 100;

/// Most reconnections of one client in one run.
const RECONNECTS_MAX: u32 = 50;

/// Error codes kept per client (the count is kept in full).
const ERROR_CODES_KEPT_MAX: usize = 8;

/// Client-side read buffer (the client's memory is not what is measured;
/// 16 KiB keeps 5,000 clients small).
const CLIENT_READ_BUFFER_BYTES: usize = 16 * 1024;

/// Words after the timestamp, so that a chat message is as long as a real one.
const CHAT_FILLER: &str = "checking the payments dashboard for Kanto, card errors are up again";

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Which server protocol to speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    /// Firedrill's protocol (docs/protocol.md).
    Firedrill,
    /// The baseline's minimal protocol (a `hello` naming a room).
    Baseline,
}

/// How this client gets its seat.
#[derive(Debug, Clone)]
pub enum Auth {
    /// A session token it already has (the facilitator's, or after a restart).
    Token(String),
    /// Join with this code first (`POST /api/join`).
    Join(String),
    /// The baseline needs no seat.
    Baseline,
}

/// Who this client is.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Index within the run.
    pub id: u32,
    /// Index of its drill (the baseline's room).
    pub drill: usize,
    /// Role name on the wire; `None` for a facilitator.
    pub role: Option<&'static str>,
    /// How it gets its seat.
    pub auth: Auth,
    /// Keep the first pulse and health post seen, for the baseline.
    pub capture: bool,
}

impl Spec {
    /// Whether this seat sees internal events (chat), as the server decides.
    pub fn internal(&self) -> bool {
        !matches!(self.role, Some("store_actor" | "corporate_actor"))
    }
}

/// What the workload tells a client to do.
#[derive(Debug, Clone)]
pub enum Order {
    /// Send a chat message, stamped with the send time.
    Chat {
        /// Channel name on the wire.
        channel: &'static str,
    },
    /// Send this command (the `cmd` object).
    Cmd(Value),
    /// Send a keep-alive ping.
    Ping,
    /// Close the socket and come back with the last seq, as a page reload.
    Reload,
}

/// Something main should know at once.
#[derive(Debug)]
pub enum Report {
    /// The client got its greeting.
    Joined {
        /// Microseconds from the storm's start to the join API's answer
        /// (`None` when no join call was made).
        api_us: Option<u64>,
        /// Microseconds from the storm's start to the greeting.
        greeted_us: u64,
    },
    /// The client got back after a lost connection.
    Back {
        /// When (µs, process clock).
        at_us: u64,
        /// Greeted with `resumed` (else a fresh `welcome`).
        resumed: bool,
    },
    /// The client could not join or connect.
    Failed {
        /// Why.
        why: String,
    },
}

/// What one client saw.
#[derive(Debug, Default)]
pub struct Stats {
    /// Latency samples (µs) of chat messages received live in the window.
    pub latencies_us: Vec<u32>,
    /// Frames received in the window.
    pub frames: u64,
    /// Bytes of text received in the window.
    pub bytes: u64,
    /// Frames received while others were joining (storm and idle phase).
    pub joining_frames: u64,
    /// Their bytes.
    pub joining_bytes: u64,
    /// Stamped chat messages received in the window, live or replayed.
    pub chats_received: u64,
    /// Stamped chat messages sent in the window.
    pub chats_sent: u64,
    /// Pulses received in the window.
    pub pulses: u64,
    /// Acks received in the window.
    pub acks: u64,
    /// `error` messages received (whole run).
    pub errors: u64,
    /// Their codes (a few).
    pub error_codes: Vec<String>,
    /// Closes with 1013 (too slow; resume).
    pub drops: u64,
    /// Other lost connections (read errors, closes not asked for).
    pub lost: u64,
    /// Reconnections that did not get back within the window.
    pub reconnect_failures: u64,
    /// Page reloads done, and how long each took to get its greeting (µs).
    pub reload_us: Vec<u32>,
    /// Events replayed after a resume.
    pub replayed: u64,
    /// Greetings after a reconnect that were `resumed` / `welcome`.
    pub resumed: u64,
    /// See `resumed`.
    pub rewelcomed: u64,
    /// When this client last got back after a lost connection (µs).
    pub back_at_us: Option<u64>,
    /// The join failed or was refused.
    pub refused: bool,
    /// First pulse frame seen (when capturing).
    pub sample_pulse: Option<String>,
    /// Health posts received in the window (when capturing).
    pub health_posts: u64,
    /// First health post seen (when capturing).
    pub sample_health: Option<String>,
    /// Largest greeting received, in bytes.
    pub greeting_bytes_max: u64,
}

/// The server's answer to `hello`.
#[derive(Debug, Deserialize)]
struct Greeting {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    last_cid: Option<u64>,
    #[serde(default)]
    snapshot: Option<SnapshotSeq>,
    #[serde(default)]
    replayed: Option<u64>,
    #[serde(default)]
    code: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SnapshotSeq {
    seq: u64,
}

struct Client {
    spec: Spec,
    addr: SocketAddr,
    proto: Proto,
    token: Option<String>,
    name: String,
    cid: u64,
    last_seq: Option<u64>,
    /// Events still to come that are replays.
    replaying: u64,
    reconnects: u32,
    reports: mpsc::UnboundedSender<Report>,
    /// Whether the last greeting was `resumed`.
    last_resumed: bool,
    st: Stats,
}

/// Runs one client until its orders channel closes; returns what it saw.
pub async fn run(
    spec: Spec,
    addr: SocketAddr,
    proto: Proto,
    mut orders: mpsc::Receiver<Order>,
    reports: mpsc::UnboundedSender<Report>,
    storm_t0_us: u64,
    permit: Option<tokio::sync::OwnedSemaphorePermit>,
) -> Stats {
    let name = match spec.role {
        Some(r) => format!("{r} {}", spec.id),
        None => format!("facilitator {}", spec.drill),
    };
    let mut c = Client {
        token: None,
        name,
        cid: 0,
        last_seq: None,
        replaying: 0,
        reconnects: 0,
        reports: reports.clone(),
        last_resumed: false,
        st: Stats::default(),
        addr,
        proto,
        spec,
    };
    // Join, then connect: together, what "joining" costs a person.
    let mut api_us = None;
    match c.spec.auth.clone() {
        Auth::Token(t) => c.token = Some(t),
        Auth::Baseline => {}
        Auth::Join(code) => match c.join(&code).await {
            Ok(t) => {
                api_us = Some(now_us().saturating_sub(storm_t0_us));
                c.token = Some(t);
            }
            Err(why) => {
                c.st.refused = true;
                let _ = reports.send(Report::Failed { why });
                return c.st;
            }
        },
    }
    let mut ws = match c.connect().await {
        Ok(ws) => ws,
        Err(why) => {
            c.st.refused = true;
            let _ = reports.send(Report::Failed { why });
            return c.st;
        }
    };
    let greeted_us = now_us().saturating_sub(storm_t0_us);
    drop(permit);
    let _ = reports.send(Report::Joined { api_us, greeted_us });

    loop {
        let mut lost = false;
        tokio::select! {
            m = ws.next() => match m {
                Some(Ok(Message::Text(t))) => c.on_text(&t),
                Some(Ok(Message::Close(f))) => {
                    if f.is_some_and(|f| u16::from(f.code) == 1013) {
                        c.st.drops += 1;
                    } else {
                        c.st.lost += 1;
                    }
                    lost = true;
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => {
                    c.st.lost += 1;
                    lost = true;
                }
            },
            o = orders.recv() => match o {
                None => {
                    let _ = tokio::time::timeout(Duration::from_millis(500), ws.close(None)).await;
                    break;
                }
                Some(Order::Reload) => {
                    let _ = tokio::time::timeout(Duration::from_millis(500), ws.close(None)).await;
                    let t0 = now_us();
                    match c.connect().await {
                        Ok(new) => {
                            ws = new;
                            c.st.reload_us.push(now_us().saturating_sub(t0) as u32);
                        }
                        Err(_) => lost = true,
                    }
                }
                Some(o) => {
                    if c.send_order(&mut ws, o).await.is_err() {
                        c.st.lost += 1;
                        lost = true;
                    }
                }
            },
        }
        if lost {
            match c.reconnect(&orders).await {
                Some(new) => ws = new,
                None => break,
            }
        }
    }
    c.st
}

impl Client {
    async fn join(&self, code: &str) -> Result<String, String> {
        let role = self.spec.role.unwrap_or("observer");
        let body = json!({"code": code, "name": self.name, "role": role});
        let (status, v) = crate::http::request(self.addr, "POST", "/api/join", Some(&body)).await?;
        match v["token"].as_str() {
            Some(t) if status == 200 => Ok(t.to_string()),
            _ => Err(format!("join refused: {status} {}", v["error"].as_str().unwrap_or(""))),
        }
    }

    /// Opens the socket and says hello; returns once greeted.
    async fn connect(&mut self) -> Result<Ws, String> {
        let config = WebSocketConfig::default().read_buffer_size(CLIENT_READ_BUFFER_BYTES);
        let url = format!("ws://{}/ws", self.addr);
        let fut = async {
            let (mut ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true)
                .await
                .map_err(|e| format!("connect: {e}"))?;
            let hello = match self.proto {
                Proto::Firedrill => {
                    json!({"type": "hello", "v": 1, "token": self.token, "last_seq": self.last_seq})
                }
                Proto::Baseline => json!({
                    "type": "hello",
                    "room": self.spec.drill,
                    "internal": self.spec.internal(),
                    "name": self.name,
                    "role": self.spec.role.unwrap_or("facilitator"),
                }),
            };
            ws.send(Message::Text(hello.to_string().into())).await.map_err(|e| format!("hello: {e}"))?;
            loop {
                match ws.next().await {
                    Some(Ok(Message::Text(t))) => {
                        self.st.greeting_bytes_max = self.st.greeting_bytes_max.max(t.len() as u64);
                        let g: Greeting = serde_json::from_str(&t).map_err(|e| format!("greeting: {e}"))?;
                        return match g.kind.as_str() {
                            "welcome" => {
                                self.cid = self.cid.max(g.last_cid.unwrap_or(0));
                                if let Some(s) = g.snapshot {
                                    self.last_seq = Some(s.seq);
                                }
                                self.replaying = 0;
                                Ok((ws, false))
                            }
                            "resumed" => {
                                self.cid = self.cid.max(g.last_cid.unwrap_or(0));
                                self.replaying = g.replayed.unwrap_or(0);
                                self.st.replayed += self.replaying;
                                Ok((ws, true))
                            }
                            _ => Err(format!("refused: {}", g.code.unwrap_or(g.kind))),
                        };
                    }
                    Some(Ok(Message::Close(f))) => return Err(format!("closed in handshake: {f:?}")),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(format!("handshake: {e}")),
                    None => return Err("closed in handshake".into()),
                }
            }
        };
        let (ws, resumed) = tokio::time::timeout(Duration::from_millis(GREETING_TIMEOUT_MS), fut)
            .await
            .map_err(|_| "no greeting in time".to_string())??;
        self.last_resumed = resumed;
        if self.reconnects > 0 || self.st.reload_us.len() as u64 + self.st.drops + self.st.lost > 0 {
            if resumed {
                self.st.resumed += 1;
            } else {
                self.st.rewelcomed += 1;
            }
        }
        Ok(ws)
    }

    /// After a lost connection: try again until back, told to stop, or out
    /// of time or attempts.
    async fn reconnect(&mut self, orders: &mpsc::Receiver<Order>) -> Option<Ws> {
        if self.reconnects >= RECONNECTS_MAX {
            self.st.reconnect_failures += 1;
            return None;
        }
        self.reconnects += 1;
        let deadline = now_us() + RECONNECT_WINDOW_MS * 1000;
        while now_us() < deadline {
            if orders.is_closed() {
                return None;
            }
            if let Ok(ws) = self.connect().await {
                let at_us = now_us();
                self.st.back_at_us = Some(at_us);
                let _ = self.reports.send(Report::Back { at_us, resumed: self.last_resumed });
                return Some(ws);
            }
            tokio::time::sleep(Duration::from_millis(RECONNECT_RETRY_MS)).await;
        }
        self.st.reconnect_failures += 1;
        None
    }

    async fn send_order(&mut self, ws: &mut Ws, o: Order) -> Result<(), ()> {
        let text = match o {
            Order::Chat { channel } => {
                self.cid += 1;
                if MEASURING.load(Ordering::Relaxed) {
                    self.st.chats_sent += 1;
                }
                let text = format!("lt:{}:{} {CHAT_FILLER}", now_us(), self.spec.id);
                json!({"type": "cmd", "cid": self.cid, "cmd": {"type": "chat", "channel": channel, "text": text}})
            }
            Order::Cmd(cmd) => {
                self.cid += 1;
                json!({"type": "cmd", "cid": self.cid, "cmd": cmd})
            }
            Order::Ping => json!({"type": "ping", "t": now_us()}),
            Order::Reload => return Ok(()),
        };
        ws.send(Message::Text(text.to_string().into())).await.map_err(|_| ())
    }

    /// Classifies a frame by its first bytes; counts it; samples latency.
    fn on_text(&mut self, t: &str) {
        let now = now_us();
        let measuring = MEASURING.load(Ordering::Relaxed);
        if measuring {
            self.st.frames += 1;
            self.st.bytes += t.len() as u64;
        } else if JOINING.load(Ordering::Relaxed) {
            self.st.joining_frames += 1;
            self.st.joining_bytes += t.len() as u64;
        }
        if t.starts_with(r#"{"type":"event""#) {
            if let Some(seq) = number_after(t, r#""seq":"#) {
                self.last_seq = Some(self.last_seq.map_or(seq, |l| l.max(seq)));
            }
            let replay = self.replaying > 0;
            self.replaying = self.replaying.saturating_sub(1);
            if let Some(sent) = number_after(t, r#""text":"lt:"#) {
                if measuring {
                    self.st.chats_received += 1;
                    if !replay {
                        self.st.latencies_us.push(now.saturating_sub(sent).min(u64::from(u32::MAX)) as u32);
                    }
                }
            } else if self.spec.capture && t.contains(r#""kind":"health""#) {
                if measuring {
                    self.st.health_posts += 1;
                }
                if self.st.sample_health.is_none() {
                    self.st.sample_health = Some(t.to_string());
                }
            }
        } else if t.starts_with(r#"{"type":"pulse""#) {
            if measuring {
                self.st.pulses += 1;
            }
            if self.spec.capture && self.st.sample_pulse.is_none() {
                self.st.sample_pulse = Some(t.to_string());
            }
        } else if t.starts_with(r#"{"type":"ack""#) {
            if measuring {
                self.st.acks += 1;
            }
        } else if t.starts_with(r#"{"type":"error""#) {
            self.st.errors += 1;
            if self.st.error_codes.len() < ERROR_CODES_KEPT_MAX {
                let field = |k: &str| t.split(k).nth(1).and_then(|r| r.split('"').next()).unwrap_or("?").to_string();
                self.st.error_codes.push(format!("{}: {}", field(r#""code":""#), field(r#""message":""#)));
            }
        }
    }
}

/// The decimal number right after `key` in `t`.
fn number_after(t: &str, key: &str) -> Option<u64> {
    let start = t.find(key)? + key.len();
    let digits = t[start..].bytes().take_while(u8::is_ascii_digit).count();
    t[start..start + digits].parse().ok()
}

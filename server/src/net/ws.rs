//! One WebSocket connection: handshake, then one task that reads, writes
//! and pings.
//!
//! Each message read is parsed into a [`ClientMsg`]; commands go to the
//! drill task with the seat the *token* stands for (the client never says
//! which seat or role it has), pongs and parse errors are written back at
//! once. Events come through the connection's one bounded outbound queue:
//! everything ready is written, then flushed once. When the drill task
//! drops the queue (this client was too slow), the socket is closed with
//! 1013 and the client resumes.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Version, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use hyper_util::rt::TokioIo;
use tokio::sync::mpsc;
use tokio::time::timeout;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::{CloseFrame, Frame as WireFrame};
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Bytes, Error as WsError, Message, Utf8Bytes};
use tracing::Instrument;

use super::AppState;
use crate::drill::{DrillHandle, Frame, Input, Session};
use crate::limits;
use crate::metrics::METRICS;
use crate::protocol::{ClientMsg, ErrorCode, PROTOCOL_VERSION, ServerMsg};

/// Messages written before one flush.
const WRITE_BATCH_MAX: usize = 256;

/// A WebSocket on an upgraded HTTP/1.1 connection.
type Socket = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// Close codes (RFC 6455, section 7.4.1).
mod code {
    pub const AWAY: u16 = 1001;
    pub const POLICY: u16 = 1008;
    pub const SIZE: u16 = 1009;
    pub const INTERNAL: u16 = 1011;
    pub const AGAIN: u16 = 1013;
}

/// `GET /ws`: checks the upgrade request, answers `101 Switching
/// Protocols` and serves the connection once hyper hands it over.
///
/// The handshake is done here rather than by axum's `WebSocketUpgrade` so
/// that the connection's task holds only what it needs and the socket is
/// tokio-tungstenite's own, which can write a long message as several
/// frames (see [`send_frame`]).
pub(super) async fn upgrade(State(app): State<Arc<AppState>>, mut req: Request) -> Response {
    let headers = req.headers();
    if req.version() != Version::HTTP_11
        || !header_has_token(headers, &header::CONNECTION, "upgrade")
        || !header_is(headers, &header::UPGRADE, "websocket")
    {
        return (StatusCode::UPGRADE_REQUIRED, [(header::UPGRADE, "websocket")], "this endpoint speaks WebSocket only")
            .into_response();
    }
    if !header_is(headers, &header::SEC_WEBSOCKET_VERSION, "13") {
        return (StatusCode::BAD_REQUEST, [(header::SEC_WEBSOCKET_VERSION, "13")], "WebSocket version 13 only")
            .into_response();
    }
    let Some(key) = headers.get(header::SEC_WEBSOCKET_KEY) else {
        return (StatusCode::BAD_REQUEST, "Sec-WebSocket-Key missing").into_response();
    };
    let Ok(accept) = HeaderValue::try_from(derive_accept_key(key.as_bytes())) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if !super::guard::origin_allowed(&app, headers) {
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    if METRICS.connections.get() >= limits::CONNECTIONS_PER_SERVER_MAX as i64 {
        return (StatusCode::SERVICE_UNAVAILABLE, "too many connections; try again later").into_response();
    }
    // Until its `hello` is accepted, the connection still counts as waiting
    // (against its address's and the server's caps).
    let waiting = req.extensions().get::<Arc<super::listen::WaitingSlot>>().cloned();
    let Some(on_upgrade) = req.extensions_mut().remove::<hyper::upgrade::OnUpgrade>() else {
        return (StatusCode::BAD_REQUEST, "this connection cannot be upgraded").into_response();
    };
    tokio::spawn(async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                let socket = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(ws_config()));
                connection(socket.await, app, waiting).await;
            }
            Err(e) => tracing::info!(error = %e, "WebSocket upgrade failed"),
        }
    });
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = response.headers_mut();
    h.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    response
}

fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(limits::WS_READ_BUFFER_BYTES)
        .write_buffer_size(limits::WS_WRITE_BUFFER_BYTES)
        .max_write_buffer_size(limits::WS_WRITE_BUFFER_BYTES_MAX)
        .max_message_size(Some(limits::CLIENT_MESSAGE_BYTES_MAX))
        .max_frame_size(Some(limits::CLIENT_MESSAGE_BYTES_MAX))
}

/// Whether a comma-separated header (`Connection: keep-alive, Upgrade`)
/// has `token`, in any case.
fn header_has_token(headers: &HeaderMap, name: &HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token))))
}

/// Whether a header is exactly `value`, in any case.
fn header_is(headers: &HeaderMap, name: &HeaderName, value: &str) -> bool {
    headers.get(name).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(value.as_bytes()))
}

async fn connection(socket: Socket, app: Arc<AppState>, waiting: Option<Arc<super::listen::WaitingSlot>>) {
    METRICS.connections.add(1);
    connection_inner(socket, app, waiting).await;
    METRICS.connections.add(-1);
}

async fn connection_inner(mut socket: Socket, app: Arc<AppState>, waiting: Option<Arc<super::listen::WaitingSlot>>) {
    let conn = app.next_conn.fetch_add(1, Ordering::Relaxed);
    // Nothing of the handshake stays in the connection's future while it is
    // served: `handshake` returns only what `serve` needs.
    let greeted = handshake(&mut socket, &app).instrument(tracing::info_span!("conn", conn)).await;
    // Joined (or refused): it no longer waits.
    drop(waiting);
    if let Some((session, handle, last_seq)) = greeted {
        serve(conn, session, handle, last_seq, socket, &app).await;
    }
}

/// The first message must be a valid `hello` with a known token, quickly;
/// anything else is answered with an error and the socket closed.
async fn handshake(socket: &mut Socket, app: &AppState) -> Option<(Session, DrillHandle, Option<u64>)> {
    let first = timeout(Duration::from_millis(limits::HANDSHAKE_TIMEOUT_MS), socket.next()).await;
    let hello = match first {
        Ok(Some(Ok(Message::Text(t)))) => serde_json::from_str::<ClientMsg>(&t),
        Ok(Some(Ok(_))) => Ok(ClientMsg::Ping { t: 0 }),
        Ok(Some(Err(e))) => {
            if is_too_big(&e) {
                close_gracefully(socket, code::SIZE, "message too big").await;
            }
            return None;
        }
        Ok(None) => return None,
        Err(_) => {
            close_gracefully(socket, code::POLICY, "no hello in time").await;
            return None;
        }
    };
    let refusal = match hello {
        Ok(ClientMsg::Hello { v, token, last_seq }) if v == PROTOCOL_VERSION => match app.registry.session(&token) {
            Some((session, handle)) => return Some((session, handle, last_seq)),
            None => (ErrorCode::BadToken, "unknown session token".to_string()),
        },
        Ok(ClientMsg::Hello { v, .. }) => {
            (ErrorCode::UnsupportedVersion, format!("this server speaks protocol version {PROTOCOL_VERSION}, not {v}"))
        }
        Ok(ClientMsg::Cmd { .. } | ClientMsg::Ping { .. }) => (ErrorCode::HelloRequired, "say hello first".to_string()),
        Err(e) => (ErrorCode::BadMessage, format!("not a valid message: {e}")),
    };
    let msg = ServerMsg::Error { code: refusal.0, message: refusal.1, cid: None };
    let _ = socket.send(Message::Text(crate::drill::encode_msg(&msg))).await;
    close_gracefully(socket, code::POLICY, "handshake refused").await;
    None
}

/// Sends a close frame and reads (and drops) what the client still sends
/// until its close reply, for a few seconds at most. Dropping the socket
/// at once while the client's messages sit unread would make the kernel
/// reset the connection, and the client could lose the close frame (and
/// its code) with it.
async fn close_gracefully(socket: &mut Socket, code: u16, reason: &'static str) {
    let frame = CloseFrame { code: CloseCode::from(code), reason: Utf8Bytes::from_static(reason) };
    let wait = Duration::from_millis(limits::WS_CLOSE_WAIT_MS);
    if !matches!(timeout(wait, socket.send(Message::Close(Some(frame)))).await, Ok(Ok(()))) {
        return;
    }
    let _ = timeout(wait, async {
        while let Some(Ok(m)) = socket.next().await {
            if m.is_close() {
                break;
            }
        }
    })
    .await;
}

async fn serve(
    conn: u64,
    session: Session,
    handle: DrillHandle,
    last_seq: Option<u64>,
    mut socket: Socket,
    app: &AppState,
) {
    let span = tracing::info_span!("conn", conn, drill = %session.drill_id, seat = session.seat);
    let seat = session.seat;
    let (out_tx, mut out_rx) = mpsc::channel(limits::OUTBOUND_QUEUE_LEN_MAX);
    if handle.tx.send(Input::Connect { seat, conn, last_seq, out: out_tx }).await.is_err() {
        let msg = ServerMsg::Error {
            code: ErrorCode::NoSuchDrill,
            message: "this drill is no longer running".into(),
            cid: None,
        };
        let _ = socket.send(Message::Text(crate::drill::encode_msg(&msg))).await;
        close_gracefully(&mut socket, code::AWAY, "drill is gone").await;
        return;
    }

    // One task reads, writes and pings: a second task and a second queue
    // per connection cost more memory than they save in latency, since
    // every wait here (a full drill queue, a slow socket) is one the
    // connection would have to make anyway.
    let mut ping = tokio::time::interval(Duration::from_millis(limits::SERVER_PING_INTERVAL_MS));
    ping.tick().await;
    let idle = tokio::time::sleep(Duration::from_millis(limits::IDLE_TIMEOUT_MS));
    tokio::pin!(idle);
    let mut rate = RateLimit::new();
    // A write that makes no progress for this long (a client that stopped
    // reading, its socket full) ends the connection: the socket is dropped,
    // which closes it, whatever was still unsent.
    let write_wait = Duration::from_millis(limits::WS_WRITE_TIMEOUT_MS);
    let mut deleted = handle.closed.clone();
    let mut shutdown = app.shutdown.clone();
    let ending: Option<(u16, &'static str)> = loop {
        let msg = tokio::select! {
            biased;
            _ = shutdown.changed() => break Some((code::AWAY, "server shutting down")),
            _ = deleted.changed() => break Some((code::AWAY, "drill is gone")),
            m = out_rx.recv() => {
                let Some(first) = m else {
                    // The drill dropped us: too slow, or the drill stopped
                    // with us connected (its store refused writes too long).
                    if handle.tx.is_closed() {
                        break Some((code::INTERNAL, "drill stopped: its database refused writes"));
                    }
                    break Some((code::AGAIN, "too slow; resume"));
                };
                if !matches!(timeout(write_wait, write_batch(&mut socket, &mut out_rx, first)).await, Ok(Ok(()))) {
                    break None;
                }
                continue;
            }
            m = socket.next() => m,
            _ = ping.tick() => {
                if !matches!(timeout(write_wait, socket.send(Message::Ping(Default::default()))).await, Ok(Ok(()))) {
                    break None;
                }
                continue;
            }
            () = &mut idle => break Some((code::POLICY, "idle")),
        };
        let msg = match msg {
            None => break None,
            Some(Err(e)) => {
                tracing::info!(parent: &span, error = %e, "read error");
                break is_too_big(&e).then_some((code::SIZE, "message too big"));
            }
            Some(Ok(m)) => m,
        };
        idle.as_mut().reset(clock() + Duration::from_millis(limits::IDLE_TIMEOUT_MS));
        METRICS.messages_in.inc();
        if !rate.allow() {
            METRICS.rate_limited.inc();
            tracing::info!(parent: &span, "closing a connection that sends too fast");
            break Some((code::POLICY, "too many messages"));
        }
        let text = match msg {
            Message::Text(t) => t,
            Message::Binary(_) => {
                if socket
                    .send(Message::Text(error(ErrorCode::BadMessage, "binary messages are not supported".into())))
                    .await
                    .is_err()
                {
                    break None;
                }
                continue;
            }
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => continue,
            Message::Close(_) => {
                // tungstenite has queued the reply to the client's close
                // frame: write it, so the client sees its own code back.
                let _ = timeout(Duration::from_millis(limits::WS_CLOSE_WAIT_MS), socket.flush()).await;
                break None;
            }
        };
        let reply = match serde_json::from_str::<ClientMsg>(&text) {
            Ok(ClientMsg::Cmd { cid, cmd }) => {
                // Every connection of a seat draws on the seat's one write
                // budget: more tabs of one token write no faster.
                if !app.seat_budgets.take(&session.drill_id, seat, text.len()) {
                    let msg = ServerMsg::Error {
                        code: ErrorCode::Full,
                        message: "this seat has sent too much too fast; send it again in a few seconds".into(),
                        cid: Some(cid),
                    };
                    if !matches!(
                        timeout(write_wait, socket.send(Message::Text(crate::drill::encode_msg(&msg)))).await,
                        Ok(Ok(()))
                    ) {
                        break None;
                    }
                    continue;
                }
                // Starting a drill or planning its roles shows that people
                // will play it: it is no longer a lobby that may expire.
                if matches!(cmd, crate::protocol::Command::Start {} | crate::protocol::Command::PlanRole { .. }) {
                    app.registry.activate(&session.drill_id);
                }
                if handle.tx.send(Input::Command { seat, conn, cid, cmd }).await.is_err() {
                    break Some((code::AWAY, "drill is gone"));
                }
                continue;
            }
            Ok(ClientMsg::Ping { t }) => crate::drill::encode_msg(&ServerMsg::Pong { t }),
            Ok(ClientMsg::Hello { .. }) => error(ErrorCode::BadMessage, "already said hello".into()),
            Err(e) => error(ErrorCode::BadMessage, format!("not a valid message: {e}")),
        };
        if !matches!(timeout(write_wait, socket.send(Message::Text(reply))).await, Ok(Ok(()))) {
            break None;
        }
    };
    // Nothing more is read from the queue: closing it first tells the drill
    // this connection is gone, not slow, while the disconnect is on its way.
    out_rx.close();
    let _ = handle.tx.send(Input::Disconnect { seat, conn }).await;
    if let Some((code, reason)) = ending {
        close_gracefully(&mut socket, code, reason).await;
    }
}

/// Writes `first` and everything else already queued (up to
/// `WRITE_BATCH_MAX`), then flushes once.
async fn write_batch(socket: &mut Socket, out_rx: &mut mpsc::Receiver<Frame>, first: Utf8Bytes) -> Result<(), WsError> {
    send_frame(socket, first).await?;
    let mut n = 1;
    while n < WRITE_BATCH_MAX {
        let Ok(next) = out_rx.try_recv() else { break };
        send_frame(socket, next).await?;
        n += 1;
    }
    socket.flush().await
}

fn error(code: ErrorCode, message: String) -> Utf8Bytes {
    crate::drill::encode_msg(&ServerMsg::Error { code, message, cid: None })
}

fn is_too_big(e: &WsError) -> bool {
    matches!(e, WsError::Capacity(_))
}

/// Feeds one message to the socket without flushing. A message longer than
/// `WS_FRAGMENT_BYTES` goes as several frames of at most that size (RFC
/// 6455, section 5.4; browsers put them together again): tungstenite's
/// write buffer keeps the largest capacity it ever reached, so one 20 KB
/// welcome would otherwise cost the connection 20 KB for the rest of its
/// life.
async fn send_frame(socket: &mut Socket, frame: Frame) -> Result<(), WsError> {
    let bytes: &Bytes = frame.as_ref();
    if bytes.len() <= limits::WS_FRAGMENT_BYTES {
        return socket.feed(Message::Text(frame)).await;
    }
    let mut start = 0;
    while start < bytes.len() {
        let end = (start + limits::WS_FRAGMENT_BYTES).min(bytes.len());
        let opcode = if start == 0 { Data::Text } else { Data::Continue };
        let part = WireFrame::message(bytes.slice(start..end), OpCode::Data(opcode), end == bytes.len());
        socket.feed(Message::Frame(part)).await?;
        start = end;
    }
    Ok(())
}

/// Each seat's write budget, shared by all its connections: a token bucket
/// of `SEAT_WRITE_BYTES_BURST_MAX` bytes, refilled at
/// `SEAT_WRITE_BYTES_PER_S_MAX` per second.
#[derive(Debug, Default)]
pub(crate) struct SeatBudgets {
    seats: dashmap::DashMap<(String, u32), (tokio::time::Instant, u64)>,
}

impl SeatBudgets {
    /// Takes `bytes` from the seat's budget; false (and nothing taken) when
    /// it does not have them.
    fn take(&self, drill: &str, seat: u32, bytes: usize) -> bool {
        let t = clock();
        let full = limits::SEAT_WRITE_BYTES_BURST_MAX as u64;
        if self.seats.len() >= limits::SEAT_BUDGETS_KEPT_MAX {
            // Forget the budgets that have refilled: they are as new.
            let refill_s = full / limits::SEAT_WRITE_BYTES_PER_S_MAX as u64 + 1;
            self.seats.retain(|_, (last, _)| t.duration_since(*last).as_secs() < refill_s);
        }
        let mut entry = self.seats.entry((drill.to_string(), seat)).or_insert((t, full));
        let (last, left) = &mut *entry;
        let elapsed_ms = t.duration_since(*last).as_millis() as u64;
        let refill = elapsed_ms.saturating_mul(limits::SEAT_WRITE_BYTES_PER_S_MAX as u64) / 1000;
        if refill > 0 {
            *left = (*left + refill).min(full);
            *last = t;
        }
        let bytes = bytes as u64;
        if *left < bytes {
            return false;
        }
        *left -= bytes;
        true
    }
}

/// A token bucket: `CLIENT_MESSAGES_BURST_MAX` messages at once, refilled
/// at `CLIENT_MESSAGES_PER_S_MAX` per second. Integer milli-tokens, so no
/// float drift. (A dependency such as governor would add little for one
/// bucket per connection.)
struct RateLimit {
    milli_tokens: u64,
    last: tokio::time::Instant,
}

impl RateLimit {
    const FULL: u64 = limits::CLIENT_MESSAGES_BURST_MAX as u64 * 1000;

    fn new() -> RateLimit {
        RateLimit { milli_tokens: Self::FULL, last: clock() }
    }

    fn allow(&mut self) -> bool {
        let t = clock();
        let elapsed_ms = t.duration_since(self.last).as_millis() as u64;
        self.last = t;
        let refill = elapsed_ms.saturating_mul(u64::from(limits::CLIENT_MESSAGES_PER_S_MAX));
        self.milli_tokens = (self.milli_tokens + refill).min(Self::FULL);
        if self.milli_tokens < 1000 {
            return false;
        }
        self.milli_tokens -= 1000;
        true
    }
}

#[expect(clippy::disallowed_methods, reason = "rate limiting is about real time, outside any simulation")]
fn clock() -> tokio::time::Instant {
    tokio::time::Instant::now()
}

//! One WebSocket connection: handshake, reader, batched writer.
//!
//! The reader parses each message into a [`ClientMsg`] and forwards
//! commands to the drill task with the seat the *token* stands for; the
//! client never says which seat or role it has. The writer drains the
//! connection's bounded outbound queue, writes everything ready, then
//! flushes once. When the drill task drops the queue (this client was too
//! slow), the writer closes the socket with 1013 and the client resumes.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade, close_code};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, oneshot};
use tokio::time::timeout;

use super::AppState;
use crate::drill::{DrillHandle, Input, Session};
use crate::limits;
use crate::metrics::METRICS;
use crate::protocol::{ClientMsg, ErrorCode, PROTOCOL_VERSION, ServerMsg};

/// Messages written before one flush.
const WRITE_BATCH_MAX: usize = 256;

pub(super) async fn upgrade(State(app): State<Arc<AppState>>, headers: HeaderMap, ws: WebSocketUpgrade) -> Response {
    if !origin_allowed(&headers, &app.config.allow_origins) {
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    if METRICS.connections.get() >= limits::CONNECTIONS_PER_SERVER_MAX as i64 {
        return (StatusCode::SERVICE_UNAVAILABLE, "too many connections; try again later").into_response();
    }
    ws.read_buffer_size(limits::WS_READ_BUFFER_BYTES)
        .write_buffer_size(limits::WS_WRITE_BUFFER_BYTES)
        .max_write_buffer_size(limits::WS_WRITE_BUFFER_BYTES_MAX)
        .max_message_size(limits::CLIENT_MESSAGE_BYTES_MAX)
        .max_frame_size(limits::CLIENT_MESSAGE_BYTES_MAX)
        .on_upgrade(move |socket| connection(socket, app))
}

/// A browser always sends `Origin` on a WebSocket upgrade; it must be this
/// server's own origin (same host) or one on the allow-list. Clients that
/// are not browsers send none and are not subject to cross-site attacks.
fn origin_allowed(headers: &HeaderMap, allow: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let Ok(origin) = origin.to_str() else { return false };
    if allow.iter().any(|a| a == origin) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    let bare = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://"));
    !host.is_empty() && bare == Some(host)
}

async fn connection(socket: WebSocket, app: Arc<AppState>) {
    METRICS.connections.add(1);
    connection_inner(socket, app).await;
    METRICS.connections.add(-1);
}

async fn connection_inner(socket: WebSocket, app: Arc<AppState>) {
    let conn = app.next_conn.fetch_add(1, Ordering::Relaxed);
    let span = tracing::info_span!("conn", conn);
    let _enter = span.enter();
    let (mut sink, mut stream) = socket.split();

    // Handshake: the first message must be a valid hello, quickly.
    let first = timeout(Duration::from_millis(limits::HANDSHAKE_TIMEOUT_MS), stream.next()).await;
    let hello = match first {
        Ok(Some(Ok(Message::Text(t)))) => serde_json::from_str::<ClientMsg>(&t),
        Ok(Some(Ok(_))) => Ok(ClientMsg::Ping { t: 0 }),
        Ok(Some(Err(e))) => {
            if is_too_big(&e) {
                let _ = sink.send(close(close_code::SIZE, "message too big")).await;
            }
            return;
        }
        Ok(None) => return,
        Err(_) => {
            let _ = sink.send(close(close_code::POLICY, "no hello in time")).await;
            return;
        }
    };
    let refusal = match hello {
        Ok(ClientMsg::Hello { v, token, last_seq }) if v == PROTOCOL_VERSION => match app.registry.session(&token) {
            Some((session, handle)) => {
                drop(_enter);
                serve(conn, session, handle, last_seq, sink, stream).await;
                return;
            }
            None => (ErrorCode::BadToken, "unknown session token".to_string()),
        },
        Ok(ClientMsg::Hello { v, .. }) => {
            (ErrorCode::UnsupportedVersion, format!("this server speaks protocol version {PROTOCOL_VERSION}, not {v}"))
        }
        Ok(ClientMsg::Cmd { .. } | ClientMsg::Ping { .. }) => (ErrorCode::HelloRequired, "say hello first".to_string()),
        Err(e) => (ErrorCode::BadMessage, format!("not a valid message: {e}")),
    };
    let msg = ServerMsg::Error { code: refusal.0, message: refusal.1, cid: None };
    let _ = sink.send(Message::Text(crate::drill::encode_msg(&msg))).await;
    let _ = sink.send(close(close_code::POLICY, "handshake refused")).await;
}

fn close(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame { code, reason: Utf8Bytes::from_static(reason) }))
}

async fn serve(
    conn: u64,
    session: Session,
    handle: DrillHandle,
    last_seq: Option<u64>,
    mut sink: futures_util::stream::SplitSink<WebSocket, Message>,
    mut stream: futures_util::stream::SplitStream<WebSocket>,
) {
    let span = tracing::info_span!("conn", conn, drill = %session.drill_id, seat = session.seat);
    let seat = session.seat;
    let (out_tx, mut out_rx) = mpsc::channel(limits::OUTBOUND_QUEUE_LEN_MAX);
    let (local_tx, mut local_rx) = mpsc::channel::<Utf8Bytes>(limits::LOCAL_QUEUE_LEN_MAX);
    let (close_tx, mut close_rx) = oneshot::channel::<(u16, &'static str)>();
    if handle.tx.send(Input::Connect { seat, conn, last_seq, out: out_tx }).await.is_err() {
        let msg = ServerMsg::Error {
            code: ErrorCode::NoSuchDrill,
            message: "this drill is no longer running".into(),
            cid: None,
        };
        let _ = sink.send(Message::Text(crate::drill::encode_msg(&msg))).await;
        let _ = sink.send(close(close_code::AWAY, "drill is gone")).await;
        return;
    }

    let writer = tokio::spawn(async move {
        let mut ping = tokio::time::interval(Duration::from_millis(limits::SERVER_PING_INTERVAL_MS));
        ping.tick().await;
        loop {
            let first = tokio::select! {
                biased;
                c = &mut close_rx => {
                    let (code, reason) = c.unwrap_or((close_code::NORMAL, ""));
                    let _ = sink.send(close(code, reason)).await;
                    return;
                }
                _ = ping.tick() => {
                    if sink.send(Message::Ping(Default::default())).await.is_err() {
                        return;
                    }
                    continue;
                }
                // Disabled once the reader is gone and the queue is empty.
                Some(m) = local_rx.recv() => m,
                m = out_rx.recv() => match m {
                    Some(m) => m,
                    None => {
                        // The drill dropped us: too slow, or the drill is gone.
                        let _ = sink.send(close(close_code::AGAIN, "too slow; resume")).await;
                        return;
                    }
                },
            };
            if sink.feed(Message::Text(first)).await.is_err() {
                return;
            }
            let mut n = 1;
            while n < WRITE_BATCH_MAX {
                let Ok(next) = out_rx.try_recv().or_else(|_| local_rx.try_recv()) else { break };
                if sink.feed(Message::Text(next)).await.is_err() {
                    return;
                }
                n += 1;
            }
            if sink.flush().await.is_err() {
                return;
            }
        }
    });

    let mut close_tx = Some(close_tx);
    let mut shut = |code: u16, reason: &'static str| {
        if let Some(tx) = close_tx.take() {
            let _ = tx.send((code, reason));
        }
    };
    let mut rate = RateLimit::new();
    loop {
        let next = timeout(Duration::from_millis(limits::IDLE_TIMEOUT_MS), stream.next()).await;
        let msg = match next {
            Err(_) => {
                shut(close_code::POLICY, "idle");
                break;
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                tracing::info!(parent: &span, error = %e, "read error");
                if is_too_big(&e) {
                    shut(close_code::SIZE, "message too big");
                }
                break;
            }
            Ok(Some(Ok(m))) => m,
        };
        METRICS.messages_in.inc();
        if !rate.allow() {
            METRICS.rate_limited.inc();
            tracing::info!(parent: &span, "closing a connection that sends too fast");
            shut(close_code::POLICY, "too many messages");
            break;
        }
        let text = match msg {
            Message::Text(t) => t,
            Message::Binary(_) => {
                let _ = local_tx.try_send(error(ErrorCode::BadMessage, "binary messages are not supported".into()));
                continue;
            }
            Message::Ping(_) | Message::Pong(_) => continue,
            Message::Close(_) => break,
        };
        match serde_json::from_str::<ClientMsg>(&text) {
            Ok(ClientMsg::Cmd { cid, cmd }) => {
                if handle.tx.send(Input::Command { seat, conn, cid, cmd }).await.is_err() {
                    shut(close_code::AWAY, "drill is gone");
                    break;
                }
            }
            Ok(ClientMsg::Ping { t }) => {
                if local_tx.try_send(crate::drill::encode_msg(&ServerMsg::Pong { t })).is_err() {
                    shut(close_code::POLICY, "too many messages");
                    break;
                }
            }
            Ok(ClientMsg::Hello { .. }) => {
                let _ = local_tx.try_send(error(ErrorCode::BadMessage, "already said hello".into()));
            }
            Err(e) => {
                if local_tx.try_send(error(ErrorCode::BadMessage, format!("not a valid message: {e}"))).is_err() {
                    shut(close_code::POLICY, "too many bad messages");
                    break;
                }
            }
        }
    }
    let _ = handle.tx.send(Input::Disconnect { seat, conn }).await;
    drop(local_tx);
    // The writer ends when the drill drops the outbound queue (after the
    // disconnect) or right away if a close was requested.
    let _ = timeout(Duration::from_secs(5), writer).await;
}

fn error(code: ErrorCode, message: String) -> Utf8Bytes {
    crate::drill::encode_msg(&ServerMsg::Error { code, message, cid: None })
}

fn is_too_big(e: &axum::Error) -> bool {
    use std::error::Error as _;
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(t) = s.downcast_ref::<tokio_tungstenite::tungstenite::Error>() {
            return matches!(t, tokio_tungstenite::tungstenite::Error::Capacity(_));
        }
        source = s.source();
    }
    false
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

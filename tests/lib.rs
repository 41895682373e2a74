//! Shared helpers for the end-to-end tests: a real server on 127.0.0.1:0,
//! a minimal HTTP client for the JSON API, and a WebSocket client that
//! speaks the protocol. Every wait is bounded.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long any single wait in a test may take before it fails.
pub const WAIT: Duration = Duration::from_secs(20);

/// The admin token every test server is started with (`--admin-token`).
pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789abcdef-0123456789";

/// A server running in this process on a free loopback port.
pub struct TestServer {
    /// Where it listens.
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
}

impl TestServer {
    /// Starts a server on 127.0.0.1:0, without a data directory, with
    /// [`ADMIN_TOKEN`].
    pub async fn start() -> TestServer {
        let config = firedrill::net::Config { admin_token: Some(ADMIN_TOKEN.into()), ..Default::default() };
        TestServer::start_with(config).await
    }

    /// Starts a server on 127.0.0.1:0 with this configuration.
    pub async fn start_with(config: firedrill::net::Config) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async {
                let _ = rx.await;
            };
            firedrill::net::run(listener, config, shutdown).await.expect("server runs");
        });
        TestServer { addr, shutdown: Some(tx) }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Sends one HTTP/1.1 request and returns the status and the body (as JSON
/// when it parses, else as a JSON string).
pub async fn http(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    http_with(addr, method, path, body.map(Value::to_string).as_deref(), &[]).await.0
}

/// Like [`http`] with a raw body and extra headers; also returns the raw
/// response head.
pub async fn http_with(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> ((u16, Value), String) {
    let fut = async {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        let body = body.unwrap_or("");
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
        for (k, v) in headers {
            req += &format!("{k}: {v}\r\n");
        }
        if !body.is_empty() {
            req += &format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len());
        }
        req += "\r\n";
        req += body;
        s.write_all(req.as_bytes()).await.expect("write");
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.expect("read");
        let text = String::from_utf8_lossy(&buf).to_string();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            dechunk(body)
        } else {
            body.to_string()
        };
        let value = serde_json::from_str(&body).unwrap_or(Value::String(body));
        ((status, value), head.to_string())
    };
    tokio::time::timeout(WAIT, fut).await.expect("http request timed out")
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else { break };
        if n == 0 || after.len() < n {
            break;
        }
        out += &after[..n];
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// Creates a drill from a built-in scenario; returns (drill id, join code,
/// facilitator token).
pub async fn create_drill(addr: SocketAddr, scenario: &str) -> (String, String, String) {
    let (status, v) = http(addr, "POST", "/api/drills", Some(&json!({"scenario": scenario, "name": "Aiko"}))).await;
    assert_eq!(status, 201, "{v}");
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    (s("drill_id"), s("join_code"), s("token"))
}

/// Joins a drill; returns the session token.
pub async fn join(addr: SocketAddr, code: &str, name: &str, role: &str) -> String {
    let (status, v) = http(addr, "POST", "/api/join", Some(&json!({"code": code, "name": name, "role": role}))).await;
    assert_eq!(status, 200, "{v}");
    v["token"].as_str().unwrap_or_default().to_string()
}

/// A protocol client over a real WebSocket.
pub struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Last command id used.
    pub cid: u64,
    /// Highest event seq seen.
    pub last_seq: u64,
    /// Every event received, in order.
    pub events: Vec<Value>,
    /// Messages skipped by [`Client::wait_for`], searched first next time.
    pending: std::collections::VecDeque<Value>,
}

impl Client {
    /// Connects and says hello; returns the client and the server's first
    /// answer (welcome, resumed or error).
    pub async fn connect(addr: SocketAddr, token: &str, last_seq: Option<u64>) -> (Client, Value) {
        let (ws, _) = tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(format!("ws://{addr}/ws")))
            .await
            .expect("connect timed out")
            .expect("websocket connects");
        let mut c =
            Client { ws, cid: 0, last_seq: last_seq.unwrap_or(0), events: Vec::new(), pending: Default::default() };
        c.send(&json!({"type": "hello", "v": 1, "token": token, "last_seq": last_seq})).await;
        let first = c.next().await;
        if first["type"] == "welcome" {
            c.last_seq = first["snapshot"]["seq"].as_u64().unwrap_or(0);
        }
        c.cid = first["last_cid"].as_u64().unwrap_or(0);
        (c, first)
    }

    /// Sends a raw JSON message.
    pub async fn send(&mut self, v: &Value) {
        self.ws.send(Message::Text(v.to_string().into())).await.expect("send");
    }

    /// Sends a raw JSON message; false if the connection is gone.
    pub async fn try_send(&mut self, v: &Value) -> bool {
        self.ws.send(Message::Text(v.to_string().into())).await.is_ok()
    }

    /// Reads and discards whatever has already arrived, so that a test
    /// client that is busy sending does not become a slow consumer.
    pub async fn drain(&mut self) {
        while let Ok(Some(Ok(_))) = tokio::time::timeout(Duration::from_millis(1), self.ws.next()).await {}
    }

    /// Sends a raw text frame.
    pub async fn send_text(&mut self, t: &str) {
        self.ws.send(Message::Text(t.to_string().into())).await.expect("send");
    }

    /// Sends a command with the next cid; returns the cid.
    pub async fn cmd(&mut self, cmd: Value) -> u64 {
        self.cid += 1;
        let cid = self.cid;
        self.send(&json!({"type": "cmd", "cid": cid, "cmd": cmd})).await;
        cid
    }

    /// The next server message (skipping pulses), recording events.
    pub async fn next(&mut self) -> Value {
        loop {
            let m = self.next_raw().await;
            if m["type"] != "pulse" {
                return m;
            }
        }
    }

    /// The next server message of any type, or `{"type":"closed",...}`.
    pub async fn next_raw(&mut self) -> Value {
        let msg = tokio::time::timeout(WAIT, self.ws.next()).await.expect("no message in time");
        match msg {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(&t).expect("server sends JSON");
                if v["type"] == "event" {
                    let seq = v["seq"].as_u64().unwrap_or(0);
                    assert!(seq > self.last_seq, "event seq {seq} after {}", self.last_seq);
                    self.last_seq = seq;
                    self.events.push(v.clone());
                }
                v
            }
            Some(Ok(Message::Close(frame))) => {
                json!({"type": "closed", "code": frame.map(|f| u16::from(f.code))})
            }
            Some(Ok(_)) => json!({"type": "other"}),
            Some(Err(e)) => json!({"type": "closed", "error": e.to_string()}),
            None => json!({"type": "closed"}),
        }
    }

    /// Waits for a message matching `pred`. Messages that do not match are
    /// kept (up to a bound) and searched first by the next wait, so the
    /// order in which a test waits for things does not matter.
    #[expect(clippy::disallowed_methods, reason = "tests bound their waits in real time")]
    pub async fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&pred) {
            return self.pending.remove(i).unwrap_or_default();
        }
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
            let m = self.next_raw().await;
            assert_ne!(m["type"], "closed", "connection closed while waiting for {what}: {m}");
            if pred(&m) {
                return m;
            }
            if m["type"] != "pulse" && self.pending.len() < 100_000 {
                self.pending.push_back(m);
            }
        }
    }

    /// Waits for an error reply that is not tied to a command.
    pub async fn error(&mut self) -> String {
        let m = self.wait_for("an error", |m| m["type"] == "error").await;
        m["code"].as_str().unwrap_or_default().to_string()
    }

    /// Sends a command and waits for its ack; panics on an error reply.
    pub async fn ok(&mut self, cmd: Value) {
        let cid = self.cmd(cmd.clone()).await;
        let reply = self.wait_for("ack", |m| m["cid"] == cid).await;
        assert_eq!(reply["type"], "ack", "command {cmd} refused: {reply}");
    }

    /// Sends a command and returns the error code it was refused with.
    pub async fn refused(&mut self, cmd: Value) -> String {
        let cid = self.cmd(cmd.clone()).await;
        let reply = self.wait_for("reply", |m| m["cid"] == cid).await;
        assert_eq!(reply["type"], "error", "command {cmd} was accepted");
        reply["code"].as_str().unwrap_or_default().to_string()
    }

    /// Waits for an event of this kind.
    pub async fn event(&mut self, kind: &str) -> Value {
        self.wait_for(kind, |m| m["type"] == "event" && m["event"]["kind"] == kind).await
    }
}

/// The `firedrill` binary of this workspace, built if needed (tests that
/// must kill and restart a real process use it). `FIREDRILL_BIN` names one
/// already built: `tests/run` passes the one `cargo test --workspace` built,
/// because `cargo build -p firedrill` resolves the dependencies' features
/// for the server alone and so would build them all a second time.
pub fn firedrill_bin() -> std::path::PathBuf {
    if let Some(bin) = std::env::var_os("FIREDRILL_BIN") {
        let bin = std::path::PathBuf::from(bin);
        assert!(bin.is_file(), "FIREDRILL_BIN={} is not a file", bin.display());
        return bin;
    }
    static BUILT: std::sync::Once = std::sync::Once::new();
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    BUILT.call_once(|| {
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "firedrill", "--bin", "firedrill", "--manifest-path", manifest])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building firedrill failed");
    });
    // target/<profile>/deps/<test> -> target/<profile>/firedrill
    let exe = std::env::current_exe().expect("test exe path");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    dir.join("firedrill")
}

/// A free TCP port on 127.0.0.1 (bound, read, released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// A `firedrill serve` process on loopback, killed (SIGKILL) when dropped.
pub struct ServerProcess {
    child: std::process::Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl ServerProcess {
    /// Starts `firedrill serve --addr 127.0.0.1:PORT --data DATA
    /// --admin-token ADMIN_TOKEN` and waits until `/healthz` answers.
    pub async fn start(data: &std::path::Path, port: u16) -> ServerProcess {
        ServerProcess::start_with(data, port, &[]).await
    }

    /// Like [`ServerProcess::start`] with more arguments for `serve`.
    pub async fn start_with(data: &std::path::Path, port: u16, args: &[&str]) -> ServerProcess {
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
        let child = std::process::Command::new(firedrill_bin())
            .args(["serve", "--addr", &addr.to_string(), "--admin-token", ADMIN_TOKEN, "--data"])
            .arg(data)
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("firedrill starts");
        let server = ServerProcess { child, addr };
        #[expect(clippy::disallowed_methods, reason = "tests bound their waits in real time")]
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            if let Ok(mut s) = TcpStream::connect(addr).await {
                let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await;
                let mut buf = Vec::new();
                let _ = s.read_to_end(&mut buf).await;
                if buf.starts_with(b"HTTP/1.1 200") {
                    return server;
                }
            }
            #[expect(clippy::disallowed_methods, reason = "tests bound their waits in real time")]
            let late = std::time::Instant::now() > deadline;
            assert!(!late, "server did not come up on {addr}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh, empty directory under the system's temp dir.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("firedrill-{name}-{}-{}", std::process::id(), free_port()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The texts of a channel's text posts in a welcome's snapshot, oldest first.
pub fn post_texts(snapshot: &Value, channel: &str) -> Vec<String> {
    snapshot["channels"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["channel"] == channel)
        .flat_map(|c| c["posts"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p["body"]["text"].as_str().map(str::to_string))
        .collect()
}

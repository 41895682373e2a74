//! A minimal HTTP/1.1 client for the JSON API (one request per connection,
//! as a browser's first request would be), with every wait bounded and
//! every failure returned, never panicking: under load, failures are data.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longest an API request may take before it counts as failed.
const REQUEST_TIMEOUT_MS: u64 = 30_000;

/// Largest response body read.
const RESPONSE_BYTES_MAX: usize = 1024 * 1024;

/// Sends one request; returns the status and the JSON body (`Null` if the
/// body is not JSON).
pub async fn request(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Value), String> {
    let fut = async {
        let mut s = TcpStream::connect(addr).await.map_err(|e| format!("connect: {e}"))?;
        let body = body.map(Value::to_string).unwrap_or_default();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).await.map_err(|e| format!("write: {e}"))?;
        let mut buf = Vec::new();
        (&mut s).take(RESPONSE_BYTES_MAX as u64).read_to_end(&mut buf).await.map_err(|e| format!("read: {e}"))?;
        let text = String::from_utf8_lossy(&buf);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        // axum answers small JSON bodies with Content-Length; a chunked
        // body would not parse and comes back as Null.
        Ok((status, serde_json::from_str(body).unwrap_or(Value::Null)))
    };
    tokio::time::timeout(Duration::from_millis(REQUEST_TIMEOUT_MS), fut)
        .await
        .unwrap_or_else(|_| Err("timed out".to_string()))
}

/// Waits until `GET /healthz` answers 200 (Firedrill) or, with
/// `tcp_only`, until the port accepts a connection (the baseline).
pub async fn wait_up(addr: SocketAddr, tcp_only: bool, timeout: Duration) -> Result<(), String> {
    let fut = async {
        loop {
            if tcp_only {
                if TcpStream::connect(addr).await.is_ok() {
                    return;
                }
            } else if let Ok((200, _)) = request(addr, "GET", "/healthz", None).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(timeout, fut).await.map_err(|_| format!("server on {addr} did not come up"))
}

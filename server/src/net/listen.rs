//! The accept loop: every TCP connection is served by hyper's HTTP/1.1
//! server with a header-read timeout, and counts as *waiting* until it has
//! joined a drill (its WebSocket said a valid `hello`) or closed.
//!
//! Waiting connections are capped per client address and in all, so that
//! sockets that dribble headers or never send a request (slowloris, an idle
//! flood) can neither hold their file descriptors for long nor crowd out a
//! legitimate client: a connection over a cap is closed at once, one that
//! sends no complete request head within `HTTP_HEADER_READ_TIMEOUT_MS` is
//! closed then, and connections that joined a drill never count.

use std::convert::Infallible;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

use crate::limits;
use crate::metrics::METRICS;

/// Connections that have not joined a drill yet, per address and in all.
#[derive(Debug, Default)]
pub(crate) struct Waiting {
    per_address: dashmap::DashMap<IpAddr, usize>,
    total: AtomicUsize,
    /// Not limited per address: loopback when a reverse proxy on this
    /// machine forwards everyone (`--trust-forwarded-for`).
    pub exempt_loopback: bool,
}

/// One waiting connection's place; it is given back when the last clone is
/// dropped: when the connection closes, or when its WebSocket joins.
#[derive(Debug)]
pub(crate) struct WaitingSlot {
    waiting: Arc<Waiting>,
    key: Option<IpAddr>,
}

impl Drop for WaitingSlot {
    fn drop(&mut self) {
        self.waiting.total.fetch_sub(1, Ordering::Relaxed);
        METRICS.waiting_connections.add(-1);
        if let Some(key) = self.key {
            self.waiting.per_address.remove_if_mut(&key, |_, n| {
                *n -= 1;
                *n == 0
            });
        }
    }
}

impl Waiting {
    /// No connection waiting yet; loopback exempt from the per-address cap
    /// when `exempt_loopback`.
    pub fn new(exempt_loopback: bool) -> Waiting {
        Waiting { exempt_loopback, ..Default::default() }
    }

    /// A place for a new connection from `peer`, or `None` when its address
    /// or the server already has as many waiting connections as it may.
    pub fn admit(self: &Arc<Self>, peer: IpAddr) -> Option<Arc<WaitingSlot>> {
        let key = (!(self.exempt_loopback && peer.is_loopback())).then(|| super::http::address_key(peer));
        if self.total.fetch_add(1, Ordering::Relaxed) >= limits::WAITING_CONNECTIONS_MAX {
            self.total.fetch_sub(1, Ordering::Relaxed);
            return None;
        }
        if let Some(key) = key {
            let mut n = self.per_address.entry(key).or_insert(0);
            if *n >= limits::WAITING_CONNECTIONS_PER_ADDRESS_MAX {
                drop(n);
                self.total.fetch_sub(1, Ordering::Relaxed);
                return None;
            }
            *n += 1;
        }
        METRICS.waiting_connections.add(1);
        Some(Arc::new(WaitingSlot { waiting: self.clone(), key }))
    }
}

/// Accepts and serves connections until `shutdown` completes; then asks
/// each HTTP connection to finish its request and close, and waits for
/// them a little (WebSockets close on their own, with 1001).
pub(super) async fn serve(
    listener: TcpListener,
    app: Router,
    waiting: Arc<Waiting>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(());
    let open = Arc::new(AtomicUsize::new(0));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors (or another passing error):
                    // wait a little rather than spin; connections over a
                    // cap are closed at once, so room comes back.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(limits::ACCEPT_ERROR_PAUSE_MS)).await;
                    continue;
                }
            },
        };
        let Some(slot) = waiting.admit(peer.ip()) else {
            METRICS.connections_refused.inc();
            drop(stream);
            continue;
        };
        let app = app.clone();
        let mut stop = stop_rx.clone();
        let open = open.clone();
        open.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(async move {
            let service = {
                let slot = slot.clone();
                hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                    let mut req = req.map(axum::body::Body::new);
                    req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                    req.extensions_mut().insert(slot.clone());
                    let mut app = app.clone();
                    async move {
                        Ok::<_, Infallible>(
                            tower_service::Service::call(&mut app, req).await.unwrap_or_else(|e| match e {}),
                        )
                    }
                })
            };
            drop(slot);
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_millis(limits::HTTP_HEADER_READ_TIMEOUT_MS));
            let conn = builder.serve_connection(TokioIo::new(stream), service).with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!(error = %e, "connection ended");
                    }
                }
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(Duration::from_millis(limits::WS_CLOSE_WAIT_MS), conn).await;
                }
            }
            open.fetch_sub(1, Ordering::Relaxed);
        });
    }
    drop(listener);
    stop_tx.send_replace(());
    for _ in 0..limits::WS_CLOSE_WAIT_MS / 20 {
        if open.load(Ordering::Relaxed) == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

//! The network shell: one port for the web client, the JSON API and the
//! WebSocket.
//!
//! Everything here is I/O and translation: HTTP requests become calls on
//! the [`Registry`], WebSocket messages become [`crate::drill::Input`]s
//! ([`ws`]). No game rule lives here. Security that belongs to the transport
//! lives here: the `Origin` allow-list, body and message size limits,
//! buffer sizes, timeouts and the page's security headers.

mod access;
mod guard;
mod http;
mod listen;
mod ws;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tokio::net::TcpListener;

use crate::drill::Registry;
use crate::limits;
use crate::store::Store;

/// How the server is set up.
#[derive(Clone, Default)]
pub struct Config {
    /// Where drills and results are kept (`--data`).
    pub data_dir: Option<PathBuf>,
    /// Origins allowed to open a WebSocket besides the server's own
    /// (`--allow-origin`), e.g. `https://drills.example.com`.
    pub allow_origins: Vec<String>,
    /// The operator's credential (`--admin-token`, `--admin-token-file`):
    /// who sends it as a bearer token reads `/metrics` and every stored
    /// drill, and may export and delete any. `None`: nobody may.
    pub admin_token: Option<String>,
    /// Host names the server answers to besides loopback and the address
    /// it listens on (`--host`), e.g. `drills.example.com`; a request for
    /// any other `Host` is refused (`421`).
    pub hosts: Vec<String>,
    /// The operator's creation credential (`--create-token-file`): when
    /// set, creating a drill (and a practice drill) needs it, or the admin
    /// token, as a bearer token.
    pub create_token: Option<String>,
    /// Behind a reverse proxy on the same machine (`--trust-forwarded-for`):
    /// requests from loopback count against the address the proxy names
    /// last in `X-Forwarded-For`. Without it, loopback callers are not
    /// limited per address.
    pub trust_forwarded_for: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("allow_origins", &self.allow_origins)
            .field("admin_token", &self.admin_token.as_ref().map(|_| "(set)"))
            .field("hosts", &self.hosts)
            .field("create_token", &self.create_token.as_ref().map(|_| "(set)"))
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .finish()
    }
}

/// Shared by every request handler.
#[derive(Debug)]
pub(crate) struct AppState {
    pub registry: Arc<Registry>,
    pub config: Config,
    /// SHA-256 of the admin token, if there is one.
    pub admin_hash: Option<String>,
    /// SHA-256 of the creation token, if there is one.
    pub create_hash: Option<String>,
    /// Changes when the server shuts down: every WebSocket closes with 1001.
    pub shutdown: tokio::sync::watch::Receiver<()>,
    /// Drills created per client address in the current window.
    pub creates: dashmap::DashMap<std::net::IpAddr, (std::time::Instant, u32)>,
    /// Next connection id.
    pub next_conn: AtomicU64,
    /// Each seat's write budget, across its connections.
    pub seat_budgets: ws::SeatBudgets,
}

/// The application's routes, for [`run`]; WebSockets close with 1001 when
/// `shutdown` changes.
pub fn router(registry: Arc<Registry>, config: Config, shutdown: tokio::sync::watch::Receiver<()>) -> Router {
    let admin_hash = config.admin_token.as_deref().map(crate::drill::hash_token);
    let create_hash = config.create_token.as_deref().map(crate::drill::hash_token);
    let state = Arc::new(AppState {
        registry,
        config,
        admin_hash,
        create_hash,
        shutdown,
        creates: dashmap::DashMap::new(),
        next_conn: AtomicU64::new(1),
        seat_budgets: ws::SeatBudgets::default(),
    });
    Router::new()
        .route("/healthz", get(http::healthz))
        .route("/metrics", get(http::metrics))
        .route("/api/scenarios", get(http::scenarios))
        .route("/api/drills", post(http::create_drill))
        .route("/api/drills/{id}/status", get(http::status_page))
        .route("/api/join", post(http::join))
        .route("/api/join/check", post(http::check_code))
        .route("/api/practice", post(http::practice))
        .route("/api/history", get(http::history))
        .route("/api/history/{id}", get(http::finished_drill).delete(http::delete_drill))
        .route("/api/history/{id}/export", get(http::export_drill))
        .route("/api/history/{id}/review", get(http::review))
        .route("/api/history/{id}/replay", get(http::replay))
        .route("/ws", get(ws::upgrade))
        .fallback(get(http::static_file))
        .layer(DefaultBodyLimit::max(limits::HTTP_BODY_BYTES_MAX))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::guard))
        .layer(axum::middleware::from_fn(http::security_headers))
        .with_state(state)
}

/// Refuses, with a message that says what to fix, a data directory the
/// server could not write to: every drill would fail to be saved.
fn usable_data_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let unusable =
        |e: std::io::Error| std::io::Error::other(format!("the data directory {} is not usable: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(unusable)?;
    let probe = dir.join(".firedrill-write-check");
    std::fs::write(&probe, b"ok").map_err(unusable)?;
    std::fs::remove_file(&probe).map_err(unusable)?;
    Ok(())
}

/// Serves until `shutdown` completes. Tests call this on `127.0.0.1:0`.
pub async fn run(
    listener: TcpListener,
    mut config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let weak = |t: &String| {
        t.len() < limits::ADMIN_TOKEN_CHARS_MIN
            || t.len() > limits::TOKEN_CHARS_MAX
            || !t.chars().all(|c| c.is_ascii_graphic() && c != ',')
    };
    if config.admin_token.iter().chain(config.create_token.iter()).any(weak) {
        return Err(std::io::Error::other(format!(
            "the admin and creation tokens must be {} to {} printable ASCII characters without commas or spaces",
            limits::ADMIN_TOKEN_CHARS_MIN,
            limits::TOKEN_CHARS_MAX
        )));
    }
    let store = match &config.data_dir {
        Some(dir) => {
            usable_data_dir(dir)?;
            Some(Store::open(dir).map_err(std::io::Error::other)?)
        }
        None => None,
    };
    let registry = Registry::new(crate::scenario::builtins(), store);
    let restored = registry.restore().await.map_err(std::io::Error::other)?;
    if restored > 0 {
        tracing::info!(drills = restored, "restored unfinished drills");
    }
    let local = listener.local_addr()?.ip();
    if !local.is_unspecified() {
        config.hosts.push(local.to_string());
    }
    let (closing, shutdown_rx) = tokio::sync::watch::channel(());
    let trust_forwarded_for = config.trust_forwarded_for;
    let app = router(registry, config, shutdown_rx);
    tracing::info!(addr = %listener.local_addr()?, "serving");
    let shutdown = async move {
        shutdown.await;
        // WebSockets are no longer HTTP requests the server waits for: tell
        // each to close (1001), and give them the time a close takes.
        closing.send_replace(());
        tokio::time::sleep(std::time::Duration::from_millis(limits::WS_CLOSE_WAIT_MS)).await;
        drop(closing);
    };
    let waiting = Arc::new(listen::Waiting::new(trust_forwarded_for));
    listen::serve(listener, app, waiting, shutdown).await
}

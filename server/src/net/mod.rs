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
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("allow_origins", &self.allow_origins)
            .field("admin_token", &self.admin_token.as_ref().map(|_| "(set)"))
            .field("hosts", &self.hosts)
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
    /// Next connection id.
    pub next_conn: AtomicU64,
}

/// The application's routes, for [`run`] and for tests.
pub fn router(registry: Arc<Registry>, config: Config) -> Router {
    let admin_hash = config.admin_token.as_deref().map(crate::drill::hash_token);
    let state = Arc::new(AppState { registry, config, admin_hash, next_conn: AtomicU64::new(1) });
    Router::new()
        .route("/healthz", get(http::healthz))
        .route("/metrics", get(http::metrics))
        .route("/api/scenarios", get(http::scenarios))
        .route("/api/drills", post(http::create_drill))
        .route("/api/drills/{id}/status", get(http::status_page))
        .route("/api/join", post(http::join))
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

/// Serves until `shutdown` completes. Tests call this on `127.0.0.1:0`.
pub async fn run(
    listener: TcpListener,
    mut config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Some(t) = &config.admin_token
        && (t.len() < limits::ADMIN_TOKEN_CHARS_MIN
            || t.len() > limits::TOKEN_CHARS_MAX
            || !t.chars().all(|c| c.is_ascii_graphic() && c != ','))
    {
        return Err(std::io::Error::other(format!(
            "the admin token must be {} to {} printable ASCII characters without commas or spaces",
            limits::ADMIN_TOKEN_CHARS_MIN,
            limits::TOKEN_CHARS_MAX
        )));
    }
    let store = match &config.data_dir {
        Some(dir) => Some(Store::open(dir).map_err(std::io::Error::other)?),
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
    let app = router(registry, config);
    tracing::info!(addr = %listener.local_addr()?, "serving");
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

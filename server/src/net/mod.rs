//! The network shell: one port for the web client, the JSON API and the
//! WebSocket.
//!
//! Everything here is I/O and translation: HTTP requests become calls on
//! the [`Registry`], WebSocket messages become [`crate::drill::Input`]s
//! ([`ws`]). No game rule lives here. Security that belongs to the transport
//! lives here: the `Origin` allow-list, body and message size limits,
//! buffer sizes, timeouts and the page's security headers.

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
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where drills and results are kept (`--data`).
    pub data_dir: Option<PathBuf>,
    /// Origins allowed to open a WebSocket besides the server's own
    /// (`--allow-origin`), e.g. `https://drills.example.com`.
    pub allow_origins: Vec<String>,
}

/// Shared by every request handler.
#[derive(Debug)]
pub(crate) struct AppState {
    pub registry: Arc<Registry>,
    pub config: Config,
    /// Next connection id.
    pub next_conn: AtomicU64,
}

/// The application's routes, for [`run`] and for tests.
pub fn router(registry: Arc<Registry>, config: Config) -> Router {
    let state = Arc::new(AppState { registry, config, next_conn: AtomicU64::new(1) });
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
        .layer(axum::middleware::from_fn(http::security_headers))
        .with_state(state)
}

/// Serves until `shutdown` completes. Tests call this on `127.0.0.1:0`.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let store = match &config.data_dir {
        Some(dir) => Some(Store::open(dir).map_err(std::io::Error::other)?),
        None => None,
    };
    let registry = Registry::new(crate::scenario::builtins(), store);
    let restored = registry.restore().await.map_err(std::io::Error::other)?;
    if restored > 0 {
        tracing::info!(drills = restored, "restored unfinished drills");
    }
    let app = router(registry, config);
    tracing::info!(addr = %listener.local_addr()?, "serving");
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

//! What every request must show before any handler sees it: a `Host` this
//! server answers to (so a name an attacker points at it, the shape of DNS
//! rebinding, gets nothing), and, for a request that changes state, a JSON
//! body and, from a browser, an allowed `Origin` (so another site cannot
//! make a visitor's browser create, join or delete anything).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::http::ApiError;

/// Names a server always answers to: loopback, where it runs by default.
const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// The host part of a `Host` value or an origin's authority, lowercased,
/// without the port and without the brackets of an IPv6 address.
fn host_name(authority: &str) -> String {
    let a = authority.trim();
    let name = if let Some(rest) = a.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        match a.rsplit_once(':') {
            Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
            _ => a,
        }
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// Whether the server answers to this `Host` value: a loopback name, the
/// address it listens on, or one of the names it was given (`--host`).
pub(super) fn host_allowed(app: &AppState, host: &str) -> bool {
    let name = host_name(host);
    !name.is_empty()
        && (LOOPBACK_NAMES.contains(&name.as_str()) || app.config.hosts.iter().any(|h| host_name(h) == name))
}

/// Whether a request's `Origin` may act on this server: the server's own
/// origin (the same authority as the request's allowed `Host`), or one on
/// the allow-list (`--allow-origin`). A request without `Origin` comes from
/// something that is not a browser page, which no other site can drive.
pub(super) fn origin_allowed(app: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let Ok(origin) = origin.to_str() else { return false };
    if app.config.allow_origins.iter().any(|a| a == origin) {
        return true;
    }
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else { return false };
    let authority = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://"));
    authority.is_some_and(|a| a.eq_ignore_ascii_case(host)) && host_allowed(app, host)
}

/// Whether the body is declared JSON (`application/json`, any parameters).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

/// A refusal: JSON under `/api/`, plain text elsewhere.
fn refuse(api: bool, status: StatusCode, code: &'static str, message: String) -> Response {
    if api { ApiError(status, code, message).into_response() } else { (status, message).into_response() }
}

pub(super) async fn guard(State(app): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let api = path.starts_with("/api/");
    // Probes of load balancers and orchestrators ask by address; the
    // answer is one word.
    if path != "/healthz" {
        let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        if !host_allowed(&app, host) {
            return refuse(
                api,
                StatusCode::MISDIRECTED_REQUEST,
                "bad_host",
                "this server does not answer to that host name; its operator can add it with --host".into(),
            );
        }
    }
    // A body announced larger than any the API takes is refused before a
    // byte of it is read.
    let announced = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok());
    if announced
        .is_some_and(|v| v.trim().parse::<u64>().map_or(true, |n| n > crate::limits::HTTP_BODY_BYTES_MAX as u64))
    {
        return refuse(
            api,
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the request body is larger than {} bytes", crate::limits::HTTP_BODY_BYTES_MAX),
        );
    }
    let changes = api && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes {
        if !origin_allowed(&app, req.headers()) {
            return refuse(
                api,
                StatusCode::FORBIDDEN,
                "bad_origin",
                "requests from that origin are not allowed".into(),
            );
        }
        if *req.method() != Method::DELETE && !is_json(req.headers()) {
            return refuse(
                api,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "bad_content_type",
                "send the body as JSON, with Content-Type: application/json".into(),
            );
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::host_name;

    #[test]
    fn host_names_lose_their_port_case_and_brackets() {
        assert_eq!(host_name("Drills.Example.com:8080"), "drills.example.com");
        assert_eq!(host_name("drills.example.com."), "drills.example.com");
        assert_eq!(host_name("[::1]:8080"), "::1");
        assert_eq!(host_name("127.0.0.1"), "127.0.0.1");
        assert_eq!(host_name(""), "");
    }
}

//! Who is asking, for the HTTP API: the server's operator (the admin
//! token) or the people of a drill (their session tokens), and what each
//! may read of a drill once it is stored.
//!
//! During a drill the drill task decides what each seat sees. After it the
//! same audiences hold: a caller proves who they were with the session
//! token their seat was given (`Authorization: Bearer <token>`), which the
//! store knows only as a hash in the drill's log. Facilitators (and the
//! operator) read everything; an internal seat what internal seats saw; an
//! outside actor what outside actors saw; anyone else only the public
//! status page.

use axum::http::{HeaderMap, StatusCode, header};

use super::http::ApiError;
use crate::drill::hash_token;
use crate::limits;
use crate::protocol::{Command, Role, SeatKind};
use crate::review::export::Reader;
use crate::store::{LoggedInput, Unfinished};

/// What a request proves about its caller.
#[derive(Debug, Default)]
pub(super) struct Caller {
    /// It holds the server's admin token.
    pub admin: bool,
    /// The hashes of the session tokens it sent.
    pub token_hashes: Vec<String>,
}

impl Caller {
    /// Whether it sent any credential at all.
    pub fn anonymous(&self) -> bool {
        !self.admin && self.token_hashes.is_empty()
    }
}

/// Reads `Authorization: Bearer <token>[,<token>...]`: at most
/// `BEARER_TOKENS_MAX` tokens of at most `TOKEN_CHARS_MAX` characters.
/// A token that is the admin token makes the caller the operator. Without
/// the header the caller is anonymous; a malformed one is `401 bad_token`.
pub(super) fn caller(headers: &HeaderMap, admin_hash: Option<&str>) -> Result<Caller, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(Caller::default()) };
    let bad = || {
        ApiError(
            StatusCode::UNAUTHORIZED,
            "bad_token",
            format!(
                "send session tokens as `Authorization: Bearer <token>[,<token>...]`, at most {} of them",
                limits::BEARER_TOKENS_MAX
            ),
        )
    };
    let list = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).ok_or_else(bad)?;
    let tokens: Vec<&str> = list.split(',').map(str::trim).collect();
    if tokens.len() > limits::BEARER_TOKENS_MAX
        || tokens.iter().any(|t| t.is_empty() || t.len() > limits::TOKEN_CHARS_MAX)
    {
        return Err(bad());
    }
    let mut caller = Caller::default();
    for t in tokens {
        let hash = hash_token(t);
        if admin_hash == Some(hash.as_str()) {
            caller.admin = true;
        } else if !caller.token_hashes.contains(&hash) {
            caller.token_hashes.push(hash);
        }
    }
    Ok(caller)
}

/// What the caller may read of this stored drill: `None` when none of its
/// tokens holds a seat in it.
///
/// A participant whose seat held an outside role at any time (by joining in
/// it or being given it) reads as an outside actor: what they saw while
/// inside is no reason to open more than the least they were.
pub(super) fn reader(caller: &Caller, stored: &Unfinished) -> Option<Reader> {
    if caller.admin {
        return Some(Reader::Everything);
    }
    // Seats in order of creation (their ids), with every role each held.
    let mut seats: Vec<(SeatKind, Vec<Role>, bool)> = Vec::new();
    for r in &stored.log {
        match &r.input {
            LoggedInput::AddSeat { seat, token_hash, .. } => {
                let roles = match seat {
                    SeatKind::Participant(role) => vec![*role],
                    SeatKind::Facilitator => Vec::new(),
                };
                seats.push((*seat, roles, caller.token_hashes.contains(token_hash)));
            }
            LoggedInput::Command { cmd: Command::AssignRole { seat, role }, .. } => {
                let seat = *seat as usize;
                // Handing over the incident owner's role swaps: the old owner
                // takes the new owner's former role.
                if *role == Role::IncidentOwner {
                    let former = seats.get(seat).and_then(|s| s.1.last().copied());
                    if let Some(former) = former {
                        for s in seats.iter_mut().filter(|s| s.1.last() == Some(&Role::IncidentOwner)) {
                            s.1.push(former);
                        }
                    }
                }
                if let Some(s) = seats.get_mut(seat)
                    && matches!(s.0, SeatKind::Participant(_))
                {
                    s.1.push(*role);
                }
            }
            _ => {}
        }
    }
    seats
        .iter()
        .filter(|s| s.2)
        .map(|(kind, roles, _)| match kind {
            SeatKind::Facilitator => Reader::Everything,
            SeatKind::Participant(_) if roles.iter().all(|r| r.is_internal()) => Reader::Internal,
            SeatKind::Participant(_) => Reader::Outside,
        })
        .min_by_key(|r| match r {
            Reader::Everything => 0,
            Reader::Internal => 1,
            Reader::Outside => 2,
        })
}

/// The caller's reader for this drill, or the refusal: `401 bad_token` for
/// an anonymous caller, `403 forbidden` for one who holds no seat in it.
pub(super) fn require_reader(caller: &Caller, stored: &Unfinished) -> Result<Reader, ApiError> {
    match reader(caller, stored) {
        Some(r) => Ok(r),
        None if caller.anonymous() => Err(ApiError(
            StatusCode::UNAUTHORIZED,
            "bad_token",
            "send the session token of a seat in this drill as a bearer token".into(),
        )),
        None => Err(ApiError(StatusCode::FORBIDDEN, "forbidden", "only the people of this drill may read it".into())),
    }
}

/// Like [`require_reader`], for what only the drill's facilitators (and the
/// operator) may do.
pub(super) fn require_facilitator(caller: &Caller, stored: &Unfinished) -> Result<(), ApiError> {
    match reader(caller, stored) {
        Some(Reader::Everything) => Ok(()),
        None if caller.anonymous() => Err(ApiError(
            StatusCode::UNAUTHORIZED,
            "bad_token",
            "send a facilitator's session token as a bearer token".into(),
        )),
        _ => Err(ApiError(StatusCode::FORBIDDEN, "forbidden", "only the drill's facilitators may do this".into())),
    }
}

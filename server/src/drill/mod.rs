//! Drills: the registry of running drills and sessions, and the task that
//! owns each drill's world.
//!
//! One tokio task per drill ([`task`]) owns its [`crate::sim::Sim`] and
//! everything else about the drill (seats, channels, the event log). Nothing
//! else touches them: connections talk to the task over a bounded channel
//! ([`Input`]) and receive bytes on their own bounded outbound queue. The
//! [`Registry`] maps drill ids, join codes and session tokens to the right
//! task; it is the only shared state, in `DashMap`s.

mod board;
mod pulse;
mod status_page;
mod task;
mod templates;

pub use status_page::{PublicNotice, StatusPage};
pub use task::{TeamRun, play_team, replay_at, replay_for_review, replay_status_page, replay_summary};

use std::sync::Arc;
use std::time::{Duration, Instant};

use dashmap::DashMap;
use rand::Rng;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_tungstenite::tungstenite::Utf8Bytes;

use crate::limits;
use crate::protocol::{Bots, Command, ErrorCode, Role, SeatKind, ServerMsg};
use crate::scenario::{Builtin, Scenario};
use crate::store::Store;

/// Bytes of one serialized server message, shared by every recipient.
pub type Frame = Utf8Bytes;

/// Identifies one connection within a drill.
pub type ConnId = u64;

/// What a connection or the API asks a drill task to do.
#[derive(Debug)]
pub enum Input {
    /// Add a seat (join or facilitator creation).
    AddSeat {
        /// Display name.
        name: String,
        /// Seat kind; `None` asks for the role planned for this name.
        seat: Option<SeatKind>,
        /// SHA-256 of the seat's session token, for the log.
        token_hash: String,
        /// Gets the new seat id and the seat it got (a planned role wins
        /// over the one asked for), or why not.
        reply: oneshot::Sender<Result<(u32, SeatKind), ErrorCode>>,
    },
    /// A connection said `hello` for a seat.
    Connect {
        /// The seat.
        seat: u32,
        /// This connection.
        conn: ConnId,
        /// Last event seq the client saw, when resuming.
        last_seq: Option<u64>,
        /// Where to send this connection's messages.
        out: mpsc::Sender<Frame>,
    },
    /// A connection sent a command.
    Command {
        /// The seat (decided by the server from the token).
        seat: u32,
        /// The connection, for the ack or error.
        conn: ConnId,
        /// Client command id.
        cid: u64,
        /// The command.
        cmd: Command,
    },
    /// A connection went away.
    Disconnect {
        /// The seat.
        seat: u32,
        /// The connection.
        conn: ConnId,
    },
}

/// A session: the seat a token stands for.
#[derive(Debug, Clone)]
pub struct Session {
    /// The drill.
    pub drill_id: String,
    /// The seat within it.
    pub seat: u32,
}

/// A running drill, as the registry knows it.
#[derive(Debug, Clone)]
pub struct DrillHandle {
    /// The drill's id.
    pub id: String,
    /// Code that lets people join.
    pub join_code: String,
    /// The drill task's inbox.
    pub tx: mpsc::Sender<Input>,
    /// The drill's public status page, kept up to date by its task; it
    /// stays readable after the task has stopped.
    pub status_page: watch::Receiver<Arc<StatusPage>>,
    /// Changes (or closes) when the drill is deleted or forgotten: its
    /// connections close then, before its data goes.
    pub closed: watch::Receiver<()>,
}

/// Why creating or joining a drill failed. Shown to the client as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrillError {
    /// No built-in scenario with that id.
    #[error("unknown scenario \"{0}\"")]
    UnknownScenario(String),
    /// No drill with that join code.
    #[error("no drill with that code")]
    UnknownCode,
    /// A speed outside 1..=`SPEED_MAX`.
    #[error("speed must be between 1 and {max}", max = limits::SPEED_MAX)]
    BadSpeed,
    /// Joining needs a role (or the newcomer path).
    #[error("choose a role, or join as a newcomer")]
    NoRole,
    /// The name is empty, too long or has control characters.
    #[error("a name is 1 to {max} characters, with no control characters", max = limits::NAME_CHARS_MAX)]
    BadName,
    /// The server runs as many drills as it may.
    #[error("the server is running as many drills as it can; try again later")]
    TooManyDrills,
    /// As many drills as may wait for their first participant are waiting.
    #[error("too many drills are waiting for people to join; try again later")]
    TooManyLobbies,
    /// The drill has as many seats as it may.
    #[error("this drill is full")]
    DrillFull,
    /// The facilitator keeps this lead role for the people planned for it.
    #[error("the facilitator keeps this role for the people planned for it; pick another role, or ask the facilitator")]
    RoleLocked,
    /// The drill has ended.
    #[error("this drill has ended")]
    Ended,
    /// The drill task is gone.
    #[error("this drill is no longer running")]
    Gone,
    /// The database refused; details are in the server's log.
    #[error("the drill could not be saved; try again")]
    Storage,
}

/// What a facilitator gets back when creating a drill.
#[derive(Debug, Clone)]
pub struct Created {
    /// The drill's id.
    pub drill_id: String,
    /// The participants' join code.
    pub join_code: String,
    /// The code that invites co-facilitators (secret).
    pub facilitator_code: String,
    /// The facilitator's session token (secret).
    pub token: String,
    /// The facilitator's seat id.
    pub seat_id: u32,
}

/// What a participant gets back when joining.
#[derive(Debug, Clone)]
pub struct Joined {
    /// The drill's id.
    pub drill_id: String,
    /// The seat they got (a planned role wins over the one they picked).
    pub seat: SeatKind,
    /// The participant's session token (secret).
    pub token: String,
    /// The seat id.
    pub seat_id: u32,
}

/// Every drill and session on this server.
#[derive(Debug)]
pub struct Registry {
    drills: DashMap<String, DrillHandle>,
    /// SHA-256 of a join or facilitator code -> (drill id, whether it is
    /// the facilitator code). The codes themselves are derived from
    /// `code_key` and the drill id, never stored.
    codes: DashMap<String, (String, bool)>,
    /// The key codes are derived from: the store's (kept beside its
    /// database, so a copy of the database alone opens no drill), or one
    /// for this process when nothing is stored.
    code_key: CodeKey,
    sessions: DashMap<String, Session>,
    /// Drills nobody but their creator has joined and that have not been
    /// started, with when they were created: they count against
    /// `LOBBY_DRILLS_PER_SERVER_MAX`, not `DRILLS_PER_SERVER_MAX`, and
    /// expire after `LOBBY_UNJOINED_EXPIRY_S`.
    lobbies: DashMap<String, Instant>,
    /// Per drill, what tells its connections to close.
    closers: DashMap<String, watch::Sender<()>>,
    scenarios: Vec<Builtin>,
    store: Option<Store>,
}

/// The real-time clock, for lobby expiry.
#[expect(clippy::disallowed_methods, reason = "lobby expiry is real time, outside any simulation")]
fn clock() -> Instant {
    Instant::now()
}

impl Registry {
    /// A registry offering these scenarios, persisting to `store` if any.
    pub fn new(scenarios: Vec<Builtin>, store: Option<Store>) -> Arc<Registry> {
        let code_key =
            CodeKey(store.as_ref().and_then(|s| s.code_key().map(str::to_string)).unwrap_or_else(new_code_key));
        Arc::new(Registry {
            drills: DashMap::new(),
            codes: DashMap::new(),
            code_key,
            sessions: DashMap::new(),
            lobbies: DashMap::new(),
            closers: DashMap::new(),
            scenarios,
            store,
        })
    }

    /// Reloads every unfinished drill from the store by replaying its log.
    /// Returns how many were restored.
    pub async fn restore(&self) -> Result<usize, crate::store::StoreError> {
        let Some(store) = &self.store else { return Ok(0) };
        let unfinished = store.load_unfinished().await?;
        let mut n = 0;
        for u in unfinished {
            // A lobby nobody joined does not come back once expired; one
            // that has not expired yet keeps the time it has left.
            let lobby = is_lobby(&u);
            let age = Duration::from_millis(unix_ms().saturating_sub(u.drill.created_ms));
            if lobby && age >= Duration::from_secs(limits::LOBBY_UNJOINED_EXPIRY_S) {
                tracing::info!(drill = %u.drill.id, "a lobby nobody joined expired; discarded");
                if let Err(e) = store.discard_unfinished(&u.drill.id).await {
                    tracing::error!(error = %e, "could not discard an expired lobby");
                }
                continue;
            }
            let scenario = match crate::scenario::parse(&u.drill.scenario_toml) {
                Ok(s) => s,
                Err(problems) => {
                    tracing::error!(drill = %u.drill.id, count = problems.len(), "stored scenario no longer validates; drill not restored");
                    continue;
                }
            };
            let mut u = u;
            let id = u.drill.id.clone();
            // The store holds the codes' hashes; the codes come back from
            // the key. A drill whose codes were made before they were
            // derived (stored in clear, hashed since) still opens with
            // them, but its task no longer knows them to show.
            let join_hash = std::mem::take(&mut u.drill.join_code);
            let facilitator_hash = std::mem::take(&mut u.drill.facilitator_code);
            let (join_code, facilitator_code) = self.codes_of(&id);
            if hash_token(&join_code) == join_hash {
                u.drill.join_code = join_code;
            }
            if hash_token(&facilitator_code) == facilitator_hash {
                u.drill.facilitator_code = facilitator_code;
            }
            let join_code = u.drill.join_code.clone();
            let ((tx, status_page), hashes) = task::restore(u, scenario, store.clone());
            for (seat, hash) in hashes.into_iter().enumerate() {
                self.sessions.insert(hash, Session { drill_id: id.clone(), seat: seat as u32 });
            }
            self.codes.insert(join_hash, (id.clone(), false));
            // A drill stored before co-facilitators existed has no code; an
            // empty code must never open a facilitator seat.
            if !facilitator_hash.is_empty() {
                self.codes.insert(facilitator_hash, (id.clone(), true));
            }
            if lobby {
                self.lobbies.insert(id.clone(), clock().checked_sub(age).unwrap_or_else(clock));
            }
            let closed = self.closer(&id);
            self.drills.insert(id.clone(), DrillHandle { id, join_code, tx, status_page, closed });
            n += 1;
        }
        Ok(n)
    }

    /// The scenarios drills can be created from.
    pub fn scenarios(&self) -> impl Iterator<Item = &Scenario> {
        self.scenarios.iter().map(|b| &b.scenario)
    }

    /// The store, if drills are persisted.
    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    /// Number of drills in memory.
    pub fn drill_count(&self) -> usize {
        self.drills.len()
    }

    /// Creates a drill from a scenario; the caller becomes its facilitator.
    pub async fn create(
        &self,
        scenario_id: &str,
        name: &str,
        seed: Option<u64>,
        bots: Bots,
    ) -> Result<Created, DrillError> {
        let name = clean_name(name)?;
        let builtin = self
            .scenarios
            .iter()
            .find(|b| b.scenario.id == scenario_id)
            .ok_or_else(|| DrillError::UnknownScenario(scenario_id.to_string()))?
            .clone();
        self.prune();
        if self.drills.len().saturating_sub(self.lobbies.len()) >= limits::DRILLS_PER_SERVER_MAX {
            return Err(DrillError::TooManyDrills);
        }
        if self.lobbies.len() >= limits::LOBBY_DRILLS_PER_SERVER_MAX {
            return Err(DrillError::TooManyLobbies);
        }
        let drill_id = random_token(8);
        let (join_code, facilitator_code) = self.codes_of(&drill_id);
        let seed = seed.unwrap_or(builtin.scenario.seed);
        if let Some(store) = &self.store {
            let record = crate::store::DrillRecord {
                id: drill_id.clone(),
                join_code: hash_token(&join_code),
                facilitator_code: hash_token(&facilitator_code),
                scenario_id: builtin.scenario.id.clone(),
                scenario_toml: builtin.source.to_string(),
                seed,
                bots,
                created_ms: unix_ms(),
            };
            store.create_drill(record).await.map_err(|e| {
                tracing::error!(error = %e, "could not store a new drill");
                DrillError::Storage
            })?;
        }
        let (tx, status_page) = task::spawn(
            drill_id.clone(),
            join_code.clone(),
            builtin.scenario,
            seed,
            bots,
            facilitator_code.clone(),
            self.store.clone(),
        );
        let closed = self.closer(&drill_id);
        let handle = DrillHandle { id: drill_id.clone(), join_code: join_code.clone(), tx, status_page, closed };
        self.lobbies.insert(drill_id.clone(), clock());
        self.drills.insert(drill_id.clone(), handle.clone());
        self.codes.insert(hash_token(&join_code), (drill_id.clone(), false));
        self.codes.insert(hash_token(&facilitator_code), (drill_id.clone(), true));
        let (seat_id, _, token) = self.add_seat(&handle, name, Some(SeatKind::Facilitator)).await?;
        Ok(Created { drill_id, join_code, facilitator_code, token, seat_id })
    }

    /// Starts a practice drill: bots play every other response role, an
    /// automatic facilitator starts the clock at `speed`, and the caller
    /// joins in `role`.
    pub async fn practice(&self, scenario_id: &str, name: &str, role: Role, speed: u32) -> Result<Joined, DrillError> {
        clean_name(name)?;
        if speed == 0 || speed > limits::SPEED_MAX {
            return Err(DrillError::BadSpeed);
        }
        let created = self.create(scenario_id, "Auto facilitator", None, Bots::Good).await?;
        let joined = self.join(&created.join_code, name, Some(role), false).await?;
        let handle = self.drills.get(&created.drill_id).map(|h| h.value().clone()).ok_or(DrillError::Gone)?;
        for (cid, cmd) in [(1, Command::SetSpeed { speed }), (2, Command::Start {})] {
            let input = Input::Command { seat: created.seat_id, conn: 0, cid, cmd };
            handle.tx.send(input).await.map_err(|_| DrillError::Gone)?;
        }
        Ok(joined)
    }

    /// Forgets drills whose task has stopped (ended and idle), with their
    /// join codes and sessions, and discards lobbies nobody joined in
    /// `LOBBY_UNJOINED_EXPIRY_S`.
    fn prune(&self) {
        let expiry = Duration::from_secs(limits::LOBBY_UNJOINED_EXPIRY_S);
        let now = clock();
        let expired: Vec<String> = self
            .lobbies
            .iter()
            .filter(|l| now.saturating_duration_since(*l.value()) >= expiry)
            .map(|l| l.key().clone())
            .collect();
        for id in expired {
            tracing::info!(drill = %id, "a lobby nobody joined expired");
            self.forget(&id);
            if let Some(store) = self.store.clone() {
                tokio::spawn(async move {
                    if let Err(e) = store.discard_unfinished(&id).await {
                        tracing::error!(error = %e, "could not discard an expired lobby");
                    }
                });
            }
        }
        let before = self.drills.len();
        self.drills.retain(|_, h| !h.tx.is_closed());
        if self.drills.len() < before {
            self.codes.retain(|_, (id, _)| self.drills.contains_key(id));
            self.sessions.retain(|_, s| self.drills.contains_key(&s.drill_id));
            self.lobbies.retain(|id, _| self.drills.contains_key(id));
            self.closers.retain(|id, _| self.drills.contains_key(id));
        }
    }

    /// What this code would open, without taking a seat: `Ok(true)` for a
    /// facilitator code, `Ok(false)` for a join code. The join screen asks
    /// first, so that a wrong code is refused before a name is typed.
    pub fn check_code(&self, code: &str) -> Result<bool, DrillError> {
        let (drill_id, facilitator) =
            self.codes.get(&hash_token(code)).map(|d| d.value().clone()).ok_or(DrillError::UnknownCode)?;
        let handle = self.drills.get(&drill_id).map(|h| h.value().clone()).ok_or(DrillError::UnknownCode)?;
        if handle.tx.is_closed() || handle.status_page.borrow().ended {
            return Err(DrillError::Ended);
        }
        Ok(facilitator)
    }

    fn closer(&self, drill_id: &str) -> watch::Receiver<()> {
        let (tx, rx) = watch::channel(());
        self.closers.insert(drill_id.to_string(), tx);
        rx
    }

    /// Someone did something that makes a lobby a drill: joined it, or its
    /// facilitator started it. It no longer expires.
    pub fn activate(&self, drill_id: &str) {
        self.lobbies.remove(drill_id);
    }

    /// Drills waiting for their first participant.
    pub fn lobby_count(&self) -> usize {
        self.lobbies.len()
    }

    /// Joins the drill with this code: the facilitator code makes a
    /// co-facilitator; the join code a participant in `role`, or in support
    /// for a newcomer, unless a role was planned for this name.
    pub async fn join(&self, code: &str, name: &str, role: Option<Role>, newcomer: bool) -> Result<Joined, DrillError> {
        let name = clean_name(name)?;
        let (drill_id, facilitator) =
            self.codes.get(&hash_token(code)).map(|d| d.value().clone()).ok_or(DrillError::UnknownCode)?;
        let handle = self.drills.get(&drill_id).map(|h| h.value().clone()).ok_or(DrillError::UnknownCode)?;
        let seat = match (facilitator, role, newcomer) {
            (true, _, _) => Some(SeatKind::Facilitator),
            (false, Some(role), _) => Some(SeatKind::Participant(role)),
            // Newcomers practise as support, as the seed's company does.
            (false, None, true) => Some(SeatKind::Participant(Role::SupportAgent)),
            // Only a role planned for this name can seat them; the drill knows.
            (false, None, false) => None,
        };
        let (seat_id, seat, token) = self.add_seat(&handle, name, seat).await?;
        self.activate(&drill_id);
        Ok(Joined { drill_id, seat, token, seat_id })
    }

    async fn add_seat(
        &self,
        handle: &DrillHandle,
        name: String,
        seat: Option<SeatKind>,
    ) -> Result<(u32, SeatKind, String), DrillError> {
        let token = random_token(32);
        let token_hash = hash_token(&token);
        let (reply, rx) = oneshot::channel();
        let input = Input::AddSeat { name, seat, token_hash: token_hash.clone(), reply };
        handle.tx.send(input).await.map_err(|_| DrillError::Gone)?;
        let (seat_id, seat) = match rx.await.map_err(|_| DrillError::Gone)? {
            Ok(got) => got,
            Err(ErrorCode::Full) => return Err(DrillError::DrillFull),
            Err(ErrorCode::InvalidValue) => return Err(DrillError::NoRole),
            Err(ErrorCode::Forbidden) => return Err(DrillError::RoleLocked),
            Err(ErrorCode::StoreUnavailable) => return Err(DrillError::Storage),
            Err(_) => return Err(DrillError::Ended),
        };
        self.sessions.insert(token_hash, Session { drill_id: handle.id.clone(), seat: seat_id });
        Ok((seat_id, seat, token))
    }

    /// Forgets a deleted drill: its handle (and so its status page), its
    /// codes and its sessions. A task still lingering after the end serves
    /// the connections it has and then stops, as it would have anyway.
    pub fn forget(&self, drill_id: &str) {
        self.lobbies.remove(drill_id);
        if let Some((_, closer)) = self.closers.remove(drill_id) {
            closer.send_replace(());
        }
        if self.drills.remove(drill_id).is_some() {
            self.codes.retain(|_, (id, _)| id != drill_id);
            self.sessions.retain(|_, s| s.drill_id != drill_id);
        }
    }

    /// Forgets a drill (as [`Registry::forget`]), closes its connections and
    /// waits, at most `wait`, until its task has stopped, so that nothing
    /// it still writes arrives after its data is deleted.
    pub async fn close(&self, drill_id: &str, wait: Duration) {
        let Some(mut page) = self.drills.get(drill_id).map(|h| h.status_page.clone()) else { return };
        self.forget(drill_id);
        // The task holds the page's sender: when it stops, this ends.
        let _ = tokio::time::timeout(wait, async { while page.changed().await.is_ok() {} }).await;
    }

    /// The public status page of a drill in memory (running, or ended and
    /// not yet forgotten), as its task last published it.
    pub fn status_page(&self, drill_id: &str) -> Option<Arc<StatusPage>> {
        self.drills.get(drill_id).map(|h| h.status_page.borrow().clone())
    }

    /// The session a token stands for, and its drill.
    pub fn session(&self, token: &str) -> Option<(Session, DrillHandle)> {
        let session = self.sessions.get(&hash_token(token))?.value().clone();
        let handle = self.drills.get(&session.drill_id)?.value().clone();
        Some((session, handle))
    }
}

/// Whether a stored drill is a lobby nobody joined: one seat (its
/// creator's) and never started.
fn is_lobby(u: &crate::store::Unfinished) -> bool {
    use crate::store::LoggedInput;
    let seats = u.log.iter().filter(|r| matches!(r.input, LoggedInput::AddSeat { .. })).count();
    let started = u.log.iter().any(|r| matches!(r.input, LoggedInput::Command { cmd: Command::Start {}, .. }));
    seats <= 1 && !started
}

/// Trims a display name and checks it: no control characters, no
/// direction overrides or isolates (which could make a name read as
/// another), and something visible besides white space and zero-width
/// characters.
pub(super) fn clean_name(name: &str) -> Result<String, DrillError> {
    let name = name.trim();
    let chars = name.chars().count();
    let bidi =
        |c: char| matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let invisible =
        |c: char| c.is_whitespace() || matches!(c, '\u{180E}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}');
    if chars == 0
        || chars > limits::NAME_CHARS_MAX
        || name.chars().any(|c| c.is_control() || bidi(c))
        || name.chars().all(invisible)
    {
        return Err(DrillError::BadName);
    }
    Ok(name.to_string())
}

impl Registry {
    /// A drill's join and facilitator codes (128 bits each, hex): derived
    /// from the code key and the drill id, so that none is stored and each
    /// can be shown again after a restart.
    fn codes_of(&self, drill_id: &str) -> (String, String) {
        use sha2::Digest;
        let derive = |kind: &str| {
            let mut h = sha2::Sha256::new();
            h.update(self.code_key.0.as_bytes());
            h.update([0]);
            h.update(kind.as_bytes());
            h.update([0]);
            h.update(drill_id.as_bytes());
            h.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect::<String>()
        };
        (derive("join"), derive("facilitator"))
    }
}

/// A key codes are derived from; never shown, not even in debug output.
#[derive(Clone)]
pub(crate) struct CodeKey(pub String);

impl std::fmt::Debug for CodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeKey(..)")
    }
}

/// A fresh random code key (256 bits, hex), for a new store.
pub(crate) fn new_code_key() -> String {
    random_token(32)
}

/// A random token of `bytes` bytes from the OS-seeded CSPRNG, hex-encoded.
/// Session tokens use 32 bytes (256 bits), code keys 32.
#[expect(clippy::disallowed_methods, reason = "secrets come from the OS-seeded CSPRNG, never from a world's seed")]
fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Serializes a server message once, for any number of recipients.
pub fn encode_msg(msg: &ServerMsg) -> Frame {
    // Serializing these types cannot fail: no maps with non-string keys, no
    // custom serializers.
    let json = serde_json::to_string(msg).unwrap_or_else(|e| {
        tracing::error!(error = %e, "could not serialize a server message");
        String::from("{\"type\":\"error\",\"code\":\"bad_message\",\"message\":\"internal\"}")
    });
    Frame::from(json)
}

/// SHA-256 of a token, hex-encoded: what the registry and the store keep,
/// so that neither memory dumps of the map nor the database hold a usable
/// token.
pub fn hash_token(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Wall-clock milliseconds since the Unix epoch, for creation dates.
#[expect(clippy::disallowed_methods, reason = "a creation date is wall-clock time, outside any simulation")]
fn unix_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{DrillRecord, LogRecord, LoggedInput};

    async fn stored_lobby(store: &Store, id: &str, created_ms: u64) {
        let b = crate::scenario::builtins().into_iter().next().unwrap_or_else(|| panic!("a built-in scenario"));
        let rec = DrillRecord {
            id: id.into(),
            join_code: format!("join-{id}"),
            facilitator_code: format!("fac-{id}"),
            scenario_id: b.scenario.id.clone(),
            scenario_toml: b.source.to_string(),
            seed: 1,
            bots: Bots::Off,
            created_ms,
        };
        store.create_drill(rec).await.unwrap_or_else(|e| panic!("{e}"));
        let seat = LoggedInput::AddSeat { name: "Flood".into(), seat: SeatKind::Facilitator, token_hash: "h".into() };
        store.append(id, 0, vec![LogRecord { tick: 0, input: seat }]).await.unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn names_of_nothing_visible_or_that_turn_the_text_around_are_refused() {
        for bad in [
            "\u{200B}\u{200B}",
            "\u{200D}",
            " \u{FEFF} ",
            "Aiko\u{202E}reganam",
            "\u{2066}Kenji\u{2069}",
            "a\u{1b}[31m",
        ] {
            assert_eq!(clean_name(bad), Err(DrillError::BadName), "{bad:?}");
        }
        for good in ["Aiko", "山田 太郎", "👩\u{200D}💻 Mai", "محمد"] {
            assert!(clean_name(good).is_ok(), "{good:?}");
        }
    }

    #[tokio::test]
    async fn an_expired_lobby_nobody_joined_does_not_come_back_after_a_restart() {
        let store = Store::in_memory().unwrap_or_else(|e| panic!("{e}"));
        let expiry_ms = limits::LOBBY_UNJOINED_EXPIRY_S * 1000;
        stored_lobby(&store, "old", unix_ms() - expiry_ms - 1000).await;
        stored_lobby(&store, "new", unix_ms() - 1000).await;
        let registry = Registry::new(crate::scenario::builtins(), Some(store.clone()));
        assert_eq!(registry.restore().await.unwrap_or_else(|e| panic!("{e}")), 1, "only the fresh lobby");
        assert!(store.load("old").await.unwrap_or_else(|e| panic!("{e}")).is_none(), "discarded from the store");
        assert!(store.load("new").await.unwrap_or_else(|e| panic!("{e}")).is_some());
        assert_eq!(registry.lobby_count(), 1, "the fresh one is still a lobby, counted apart");
        assert!(registry.status_page("new").is_some());
    }
}

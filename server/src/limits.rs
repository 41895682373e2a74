//! Every limit the server enforces, in one place, with its unit in its name.
//!
//! A limit that is not written down here does not exist: every channel is
//! bounded, every loop capped, every input sized. Neighbours: `net` enforces
//! the transport limits, `drill` the per-drill ones, `scenario` the file ones.

/// Largest WebSocket message a client may send; a larger one closes the
/// socket with code 1009 (message too big).
pub const CLIENT_MESSAGE_BYTES_MAX: usize = 64 * 1024;

/// Largest HTTP request body the API accepts.
pub const HTTP_BODY_BYTES_MAX: usize = 64 * 1024;

/// Session tokens one request may send (`Authorization: Bearer a,b,...`):
/// a browser lists the history of every drill it holds a seat in.
pub const BEARER_TOKENS_MAX: usize = 256;

/// Characters in one bearer token (session tokens are 64, an admin token
/// may be longer).
pub const TOKEN_CHARS_MAX: usize = 128;

/// Characters an admin token must have at least (`--admin-token`).
pub const ADMIN_TOKEN_CHARS_MIN: usize = 32;

/// Read buffer per WebSocket connection. tungstenite's default (128 KiB)
/// would cost ~135 KiB per idle connection; clients send short commands,
/// and a longer message (a document edit) grows it as far as it needs.
pub const WS_READ_BUFFER_BYTES: usize = 1024;

/// Bytes buffered per WebSocket connection before they are written out
/// (a flush comes at the end of each batch anyway). tungstenite's buffer
/// keeps the largest capacity it ever reached, so this and
/// `WS_FRAGMENT_BYTES` bound what it holds for the connection's life.
pub const WS_WRITE_BUFFER_BYTES: usize = 1024;

/// Longest WebSocket frame the server writes; a longer message goes as
/// several frames (continuations), so the write buffer never has to grow
/// past `WS_WRITE_BUFFER_BYTES` plus one of these.
pub const WS_FRAGMENT_BYTES: usize = 1024;

/// Largest amount of unsent data tungstenite may hold for one connection.
pub const WS_WRITE_BUFFER_BYTES_MAX: usize = 1024 * 1024;

/// Messages queued for one connection before it counts as too slow and is
/// dropped (it resumes later; the others never wait for it).
pub const OUTBOUND_QUEUE_LEN_MAX: usize = 1024;

/// Inputs queued for one drill task (commands, joins, leaves).
pub const DRILL_INBOX_LEN_MAX: usize = 4096;

/// Time a connection has to send its `hello` after the upgrade.
pub const HANDSHAKE_TIMEOUT_MS: u64 = 10_000;

/// How long the server waits for a client's close reply (and, before
/// that, to write its close frame) when it closes a WebSocket.
pub const WS_CLOSE_WAIT_MS: u64 = 2_000;

/// A write to a WebSocket that makes no progress for this long (the client
/// stopped reading and its socket is full) ends the connection: the socket
/// is dropped and closes, with whatever was still unsent.
pub const WS_WRITE_TIMEOUT_MS: u64 = 30_000;

/// A connection that sends nothing (not even a ping) for this long is closed.
pub const IDLE_TIMEOUT_MS: u64 = 60_000;

/// Characters in a chat message or notice text.
pub const CHAT_TEXT_CHARS_MAX: usize = 2_000;

/// Characters in a participant's display name.
pub const NAME_CHARS_MAX: usize = 40;

/// Posts kept per channel in snapshots; older ones stay in the event log.
pub const CHANNEL_POSTS_KEPT_MAX: usize = 500;

/// Pinned posts per channel. Pins are a short list of what everyone must
/// find again (the latest status report, a decision, who works on what);
/// each is kept whole and goes into every welcome of those who read the
/// channel, so the list is bounded: unpin one to pin another.
pub const PINS_PER_CHANNEL_MAX: usize = 20;

/// Events kept in memory per drill for resume; a client further behind gets
/// a fresh snapshot instead. Four times what one client may replay, so a
/// seat that sees a quarter of the drill's events can still resume with
/// as many as it may; older frames could serve no resume and would only
/// take memory.
pub const RESUME_EVENTS_KEPT_MAX: usize = 4 * RESUME_REPLAY_EVENTS_MAX;

/// Closed calls a support seat's snapshot carries (every open call is in
/// it too), newest first.
pub const ENDED_CALLS_IN_SNAPSHOT_MAX: usize = 50;

/// Characters in a log search.
pub const QUERY_TEXT_CHARS_MAX: usize = 200;

/// Log lines in one answer (the latest that match).
pub const LOG_LINES_PER_ANSWER_MAX: usize = 200;

/// Drill seconds a pulse question stays open.
pub const PULSE_OPEN_S: u64 = 120;

/// Pulse questions in one drill.
pub const PULSES_MAX: usize = 50;

/// Seats in a welcome's roster: the leads and oneself, and for those who
/// manage the roster the first seats by id (the rest by `ROSTER_PAGE_MAX`).
pub const ROSTER_IN_WELCOME_MAX: usize = 100;

/// Seats in one answer to the `roster` query.
pub const ROSTER_PAGE_MAX: usize = 100;

/// Waiting calls listed in a `desk_queue` (the longest-waiting ones).
pub const DESK_QUEUE_CALLS_MAX: usize = 8;

/// Real milliseconds between two checks of whether the desk's queue
/// changed (a `desk_queue` goes out only when it did).
pub const DESK_QUEUE_INTERVAL_MS: u64 = 1000;

/// Latest posts per channel in a welcome (the channel keeps
/// `CHANNEL_POSTS_KEPT_MAX`).
pub const POSTS_IN_WELCOME_MAX: usize = 100;

/// Seats (participants, facilitators and observers) in one drill.
pub const SEATS_PER_DRILL_MAX: usize = 5_000;

/// Drills that may run at once on one server (lobbies nobody has joined
/// yet count apart, against `LOBBY_DRILLS_PER_SERVER_MAX`).
pub const DRILLS_PER_SERVER_MAX: usize = 256;

/// Drills that may wait at once for their first participant (created, not
/// started, nobody but their creator in them). A flood of empty drills
/// fills these, never the slots of drills people play.
pub const LOBBY_DRILLS_PER_SERVER_MAX: usize = 64;

/// Seconds after which a drill nobody but its creator joined, and that was
/// never started, is discarded (from memory and from the database; it does
/// not come back after a restart).
pub const LOBBY_UNJOINED_EXPIRY_S: u64 = 3_600;

/// Drills (practice drills included) one client address may create per
/// `DRILL_CREATE_WINDOW_S`; IPv6 addresses count by their /64.
pub const DRILL_CREATES_PER_ADDRESS_MAX: u32 = 20;

/// The window of `DRILL_CREATES_PER_ADDRESS_MAX`, in seconds.
pub const DRILL_CREATE_WINDOW_S: u64 = 600;

/// Client addresses whose creations are remembered at most; past this,
/// those whose window has passed are forgotten, and if none has, new
/// addresses are refused until one has.
pub const DRILL_CREATE_ADDRESSES_MAX: usize = 100_000;

/// Real milliseconds between two client-facing clock/metric pulses.
pub const PULSE_INTERVAL_MS: u64 = 500;

/// Fastest a facilitator may run a drill, in drill seconds per real second.
pub const SPEED_MAX: u32 = 120;

/// Drill-seconds simulated per tick. Money and time inside the simulation
/// are integers; this is the only unit of simulated time.
///
/// It is fixed, not a setting: the simulation counts a tick as one drill
/// second in many places (reaction times, trigger delays, `*_s` fields
/// compared with ticks), and the protocol's `tick` fields are seconds.
/// The assertion below makes that stated rather than assumed.
pub const TICK_DRILL_SECONDS: u64 = 1;
const _: () = assert!(TICK_DRILL_SECONDS == 1, "ticks are drill seconds throughout");

/// Longest drill a scenario may ask for, in drill minutes.
pub const DRILL_DURATION_MIN_MAX: u32 = 24 * 60;

/// Largest scenario file accepted, in bytes.
pub const SCENARIO_FILE_BYTES_MAX: usize = 1024 * 1024;

/// Most stores a scenario may create in one drill.
pub const STORES_PER_DRILL_MAX: u32 = 200_000;

/// Most guests in the world at one moment; arrivals beyond it are turned
/// away (and counted as lost), so a runaway scenario cannot eat the memory.
pub const GUESTS_IN_WORLD_MAX: usize = 500_000;

/// Most events replayed to a resuming client; further behind than this it
/// gets a fresh snapshot, which is smaller. Half the outbound queue, so a
/// catch-up always fits.
pub const RESUME_REPLAY_EVENTS_MAX: usize = OUTBOUND_QUEUE_LEN_MAX / 2;

/// Seats listed by name in the declaration's kick-off post.
pub const KICKOFF_SEATS_MAX: usize = 50;

/// Messages a connection may send in a burst before the rate limit applies.
pub const CLIENT_MESSAGES_BURST_MAX: u32 = 40;

/// Messages per second a connection may send on average; sustained faster
/// sending closes the socket with 1008.
pub const CLIENT_MESSAGES_PER_S_MAX: u32 = 20;

/// Bytes of commands one seat may send at once, across all the
/// connections of its token (a doc save of 20,000 characters of Japanese
/// is about 60 KB); past it, commands are refused with `full` until the
/// budget refills.
pub const SEAT_WRITE_BYTES_BURST_MAX: usize = 256 * 1024;

/// Bytes of commands per second one seat may send on average, across all
/// its connections.
pub const SEAT_WRITE_BYTES_PER_S_MAX: usize = 32 * 1024;

/// Seats whose write budget is remembered before those that have refilled
/// are forgotten.
pub const SEAT_BUDGETS_KEPT_MAX: usize = 100_000;

/// WebSocket connections open at once on one server; more get 503.
pub const CONNECTIONS_PER_SERVER_MAX: usize = 20_000;

/// Time a connection has to send a complete HTTP request head (request
/// line and headers), from when it opens or its last answer was written;
/// a connection that dribbles headers, or sends nothing, is closed then.
pub const HTTP_HEADER_READ_TIMEOUT_MS: u64 = 10_000;

/// TCP connections from one client address (IPv6: one /64) that may wait
/// at once: not yet joined to a drill (HTTP requests, WebSockets before a
/// valid `hello`). More are closed as soon as they are accepted. Half of
/// `WAITING_CONNECTIONS_MAX`, so one address never takes every place; and
/// enough for a whole office behind one address reconnecting at once after
/// a restart (3,000 WebSockets opened within milliseconds of each other:
/// `firedrill-load restart --clients 3000`).
pub const WAITING_CONNECTIONS_PER_ADDRESS_MAX: usize = 4_096;

/// TCP connections that may wait at once on one server, from all
/// addresses. With `CONNECTIONS_PER_SERVER_MAX` it sizes the file
/// descriptors a server needs (see docs/reliability.md): waiting
/// connections can never take the room of those that joined.
pub const WAITING_CONNECTIONS_MAX: usize = 8_192;

/// Real milliseconds the accept loop pauses after a failed accept (no file
/// descriptor left), rather than spin.
pub const ACCEPT_ERROR_PAUSE_MS: u64 = 50;

/// WebSocket connections open at once to one drill (several tabs per seat
/// are allowed); more are refused with `full`.
pub const CONNECTIONS_PER_DRILL_MAX: usize = 6_000;

/// Real milliseconds between two WebSocket pings from the server, which keep
/// idle connections alive through proxies.
pub const SERVER_PING_INTERVAL_MS: u64 = 20_000;

/// Real seconds an ended drill stays in memory after its last connection
/// leaves; its results stay in the database.
pub const ENDED_DRILL_LINGER_S: u64 = 600;

/// Largest command id (`cid`) a client may use: the largest integer a
/// JSON number holds exactly in every client (2^53 - 1).
pub const CID_MAX: u64 = (1 << 53) - 1;

/// Most a new command's `cid` may exceed its seat's `last_cid`: a client
/// that numbers its commands from `last_cid` up never comes near it, and a
/// seat can never be locked by one huge `cid` (no greater one left).
pub const CID_STEP_MAX: u64 = 1 << 20;

/// Refused command ids remembered per seat, so that a resent refused
/// command gets the same refusal rather than an acknowledgement.
pub const REFUSED_CIDS_KEPT_MAX: usize = 32;

/// Characters in a shared document (talk script, incident doc...).
pub const DOC_TEXT_CHARS_MAX: usize = 20_000;

/// Characters in one field of a status report.
pub const STATUS_FIELD_CHARS_MAX: usize = 500;

/// Longest promise of the next status report, in drill minutes.
pub const REPORT_INTERVAL_MIN_MAX: u32 = 120;

/// Notices on the public status page (the newest); a drill may publish
/// more, and the page says how many.
pub const STATUS_PAGE_NOTICES_MAX: usize = 50;

/// Longest drill id the status page looks up; anything longer is no drill
/// (ids are 16 hex digits).
pub const DRILL_ID_CHARS_MAX: usize = 64;

/// Real milliseconds a drill waits before it tries its database again after
/// a refused write; the wait doubles after each refusal.
pub const STORE_RETRY_FIRST_MS: u64 = 100;

/// Longest wait between two tries of a database that refuses writes, in
/// real milliseconds.
pub const STORE_RETRY_MAX_MS: u64 = 2_000;

/// Real seconds a drill waits for its database to take writes again before
/// it stops (closing its connections with `1011`); what was stored before
/// is restored when the server starts again.
pub const STORE_OUTAGE_MAX_S: u64 = 60;

/// Batches queued for the database writer before drill tasks wait for room.
pub const STORE_QUEUE_LEN_MAX: usize = 1024;

/// Calls one drill keeps (every state), per store in the world: the desk's
/// bound scales with the world, so a small world is never capped by a
/// number meant for a large one. A store calling beyond it hears a busy
/// tone.
pub const CALLS_PER_STORE_MAX: usize = 5;

/// Calls any drill may keep at least, however small its world.
pub const CALLS_PER_DRILL_MIN: usize = 500;

/// Calls any drill may keep at most, however large its world.
pub const CALLS_PER_DRILL_MAX: usize = 50_000;

/// The number of calls a drill of `stores` stores keeps at most.
pub fn calls_max(stores: u32) -> usize {
    (stores as usize).saturating_mul(CALLS_PER_STORE_MAX).clamp(CALLS_PER_DRILL_MIN, CALLS_PER_DRILL_MAX)
}

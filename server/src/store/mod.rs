//! Persistence: drills, their input logs and results, in an embedded SQLite
//! database under `--data`.
//!
//! One dedicated writer thread owns the connection; drill tasks send it
//! batches over a bounded channel and await the commit before they
//! acknowledge what the batch contains. The database is in WAL mode with
//! `synchronous = NORMAL`: a commit survives the process being killed
//! (SIGKILL), which is the failure a drill server must survive; each batch
//! is one transaction.
//!
//! What is stored is the drill's *inputs* (seats, presence, accepted
//! commands, each stamped with its tick) plus the last tick reached. The
//! simulation is deterministic, so replaying the inputs rebuilds the world,
//! the channels and the event numbering exactly (`drill::task`).

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::protocol::{Command, SeatKind, Summary};

/// One input to a drill, in the order the drill task applied it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LoggedInput {
    /// A seat was added.
    AddSeat {
        /// Display name.
        name: String,
        /// Seat kind.
        seat: SeatKind,
        /// SHA-256 of the seat's session token (the token itself is never stored).
        token_hash: String,
    },
    /// A seat came online.
    Online {
        /// Seat id.
        seat: u32,
    },
    /// A seat went offline.
    Offline {
        /// Seat id.
        seat: u32,
    },
    /// An accepted command.
    Command {
        /// Seat id.
        seat: u32,
        /// Client command id.
        cid: u64,
        /// The command.
        cmd: Command,
    },
    /// The real time the next external notice (in publishing order) went
    /// out, for the public status page. Not an input to the world: the
    /// simulation never sees it, and a replay only reads it back.
    NoticeWallTime {
        /// Milliseconds since the Unix epoch.
        wall_ms: u64,
    },
}

/// A logged input with the tick it was applied at.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    /// Tick the input was applied at (between ticks `tick` and `tick + 1`).
    pub tick: u64,
    /// The input.
    pub input: LoggedInput,
}

/// A drill as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillRecord {
    /// Drill id.
    pub id: String,
    /// The join code's SHA-256 (hex), never the code. What is read back
    /// is that hash too.
    pub join_code: String,
    /// The co-facilitator invitation code's SHA-256 (hex); empty for a
    /// drill stored before co-facilitators existed.
    pub facilitator_code: String,
    /// Scenario id.
    pub scenario_id: String,
    /// The scenario's TOML, so that a replay uses exactly what ran.
    pub scenario_toml: String,
    /// World seed.
    pub seed: u64,
    /// Who plays the response roles nobody holds.
    pub bots: crate::protocol::Bots,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_ms: u64,
}

/// A drill to restore after a restart.
#[derive(Debug, Clone)]
pub struct Unfinished {
    /// The drill.
    pub drill: DrillRecord,
    /// Last tick reached.
    pub tick: u64,
    /// Every input, in order.
    pub log: Vec<LogRecord>,
}

/// A finished drill, for listings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FinishedDrill {
    /// Drill id.
    pub id: String,
    /// Scenario id.
    pub scenario_id: String,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_ms: u64,
    /// The result.
    pub summary: Summary,
}

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite said no.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored row could not be decoded.
    #[error("corrupt record: {0}")]
    Decode(#[from] serde_json::Error),
    /// The writer thread is gone.
    #[error("the database writer stopped")]
    Closed,
}

impl StoreError {
    /// Whether the database refused because it is full (`SQLITE_FULL`: the
    /// disk, or the size the database may reach).
    pub fn is_full(&self) -> bool {
        matches!(self, StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::DiskFull)
    }

    /// Whether the database refused because it may not be written
    /// (`SQLITE_READONLY`).
    pub fn is_read_only(&self) -> bool {
        matches!(self, StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ReadOnly)
    }
}

/// A future the drill log's methods return.
pub type StoreFuture<'a> = Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + 'a>>;

/// What a drill task writes while it runs: its inputs, then its result.
/// [`Store`] is the real one; tests put a failing one in its place to check
/// that nothing is acknowledged before it is stored.
pub trait DrillLog: Send + Sync + std::fmt::Debug + 'static {
    /// Appends inputs and the tick reached, in one transaction: all of
    /// them, or (on an error) none.
    fn append<'a>(&'a self, drill: &'a str, tick: u64, records: Arc<[LogRecord]>) -> StoreFuture<'a>;
    /// Marks a drill finished with its summary.
    fn finish<'a>(&'a self, drill: &'a str, summary: Summary) -> StoreFuture<'a>;
    /// Keeps a drill's final public status page (JSON).
    fn save_status_page<'a>(&'a self, drill: &'a str, json: String) -> StoreFuture<'a>;
}

impl DrillLog for Store {
    fn append<'a>(&'a self, drill: &'a str, tick: u64, records: Arc<[LogRecord]>) -> StoreFuture<'a> {
        Box::pin(Store::append(self, drill, tick, records))
    }

    fn finish<'a>(&'a self, drill: &'a str, summary: Summary) -> StoreFuture<'a> {
        Box::pin(Store::finish(self, drill, summary))
    }

    fn save_status_page<'a>(&'a self, drill: &'a str, json: String) -> StoreFuture<'a> {
        Box::pin(Store::save_status_page(self, drill, json))
    }
}

/// A way to make a real store refuse writes, for tests of what a drill does
/// then (`SQLITE_FULL`, `SQLITE_READONLY`), and to make it work again.
#[cfg(test)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteFault {
    /// The database may not grow past the pages it has now.
    Full,
    /// The database refuses every write.
    ReadOnly,
    /// Writes work again.
    None,
}

type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

enum Op {
    CreateDrill(DrillRecord, Reply<()>),
    Append {
        drill: String,
        tick: u64,
        records: Arc<[LogRecord]>,
        reply: Reply<()>,
    },
    Finish {
        drill: String,
        summary: Box<Summary>,
        reply: Reply<()>,
    },
    LoadUnfinished(Reply<Vec<Unfinished>>),
    Load(String, Reply<Option<Unfinished>>),
    ListFinished(Reply<Vec<FinishedDrill>>),
    Finished(String, Reply<Option<FinishedDrill>>),
    Delete(String, Reply<bool>),
    SaveStatusPage {
        drill: String,
        json: String,
        reply: Reply<()>,
    },
    StatusPage(String, Reply<Option<Option<String>>>),
    #[cfg(test)]
    Fault(WriteFault, Reply<()>),
    Seated(Vec<String>, Reply<Vec<String>>),
    Discard(String, Reply<bool>),
}

/// Handle to the writer thread. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    tx: std_mpsc::SyncSender<Op>,
    /// The data directory's code key (see [`Store::code_key`]).
    code_key: Option<crate::drill::CodeKey>,
}

impl std::fmt::Debug for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Op")
    }
}

impl Store {
    /// Opens (or creates) `DIR/firedrill.sqlite3` and starts the writer.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Sqlite(rusqlite::Error::InvalidPath(e.to_string().into())))?;
        let conn = Connection::open(dir.join("firedrill.sqlite3"))?;
        let mut store = Self::start(conn)?;
        // Without its key (a read-only copy, a damaged file) the data still
        // serves: stored codes still admit by their hashes; only codes
        // cannot be shown again after a restart.
        match code_key(dir) {
            Ok(key) => store.code_key = Some(crate::drill::CodeKey(key)),
            Err(e) => tracing::warn!(error = %e, "no code key: drills' codes will not be shown after a restart"),
        }
        Ok(store)
    }

    /// The key drills' codes are derived from, kept beside the database
    /// (`code.key`); `None` for an in-memory store.
    pub fn code_key(&self) -> Option<&str> {
        self.code_key.as_ref().map(|k| k.0.as_str())
    }

    /// An in-memory store, for tests and `--data` left out.
    pub fn in_memory() -> Result<Store, StoreError> {
        Self::start(Connection::open_in_memory()?)
    }

    fn start(conn: Connection) -> Result<Store, StoreError> {
        init_schema(&conn)?;
        let (tx, rx) = std_mpsc::sync_channel(crate::limits::STORE_QUEUE_LEN_MAX);
        std::thread::Builder::new()
            .name("firedrill-store".into())
            .spawn(move || writer(conn, rx))
            .map_err(|e| StoreError::Sqlite(rusqlite::Error::InvalidPath(e.to_string().into())))?;
        Ok(Store { tx, code_key: None })
    }

    async fn call<T>(&self, make: impl FnOnce(Reply<T>) -> Op) -> Result<T, StoreError> {
        let (reply, rx) = oneshot::channel();
        let tx = self.tx.clone();
        let op = make(reply);
        match tx.try_send(op) {
            Ok(()) => {}
            Err(std_mpsc::TrySendError::Disconnected(_)) => return Err(StoreError::Closed),
            Err(std_mpsc::TrySendError::Full(op)) => {
                // The queue is bounded; waiting for room must not block the
                // runtime's threads.
                tokio::task::spawn_blocking(move || tx.send(op).map_err(|_| StoreError::Closed))
                    .await
                    .map_err(|_| StoreError::Closed)??;
            }
        }
        rx.await.map_err(|_| StoreError::Closed)?
    }

    /// Records a new drill.
    pub async fn create_drill(&self, rec: DrillRecord) -> Result<(), StoreError> {
        self.call(|r| Op::CreateDrill(rec, r)).await
    }

    /// Appends inputs and the tick reached, in one transaction.
    pub async fn append(&self, drill: &str, tick: u64, records: impl Into<Arc<[LogRecord]>>) -> Result<(), StoreError> {
        let drill = drill.to_string();
        let records = records.into();
        self.call(|reply| Op::Append { drill, tick, records, reply }).await
    }

    /// Marks a drill finished with its summary.
    pub async fn finish(&self, drill: &str, summary: Summary) -> Result<(), StoreError> {
        let drill = drill.to_string();
        self.call(|reply| Op::Finish { drill, summary: Box::new(summary), reply }).await
    }

    /// Every drill that has not finished, with its log.
    pub async fn load_unfinished(&self) -> Result<Vec<Unfinished>, StoreError> {
        self.call(Op::LoadUnfinished).await
    }

    /// One drill (finished or not) with its log.
    pub async fn load(&self, id: &str) -> Result<Option<Unfinished>, StoreError> {
        let id = id.to_string();
        self.call(|r| Op::Load(id, r)).await
    }

    /// Deletes a finished drill and everything stored about it; `false`
    /// when there is no finished drill with that id.
    pub async fn delete_finished(&self, id: &str) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.call(|r| Op::Delete(id, r)).await
    }

    /// One finished drill with its result.
    pub async fn finished(&self, id: &str) -> Result<Option<FinishedDrill>, StoreError> {
        let id = id.to_string();
        self.call(|r| Op::Finished(id, r)).await
    }

    /// Every finished drill, newest first.
    pub async fn list_finished(&self) -> Result<Vec<FinishedDrill>, StoreError> {
        self.call(Op::ListFinished).await
    }

    /// Keeps a drill's public status page (JSON), for when its task has
    /// left memory.
    pub async fn save_status_page(&self, drill: &str, json: String) -> Result<(), StoreError> {
        let drill = drill.to_string();
        self.call(|reply| Op::SaveStatusPage { drill, json, reply }).await
    }

    /// A drill's kept public status page (JSON): `None` when there is no
    /// such drill, `Some(None)` when it has none kept (it has not ended,
    /// or ended before pages were kept).
    pub async fn status_page(&self, id: &str) -> Result<Option<Option<String>>, StoreError> {
        let id = id.to_string();
        self.call(|r| Op::StatusPage(id, r)).await
    }

    /// Makes the database refuse writes as a full disk or a read-only file
    /// would, or work again.
    #[cfg(test)]
    pub(crate) async fn set_write_fault(&self, fault: WriteFault) -> Result<(), StoreError> {
        self.call(|r| Op::Fault(fault, r)).await
    }
}

impl Store {
    /// The ids of the drills in which one of these session token hashes
    /// holds a seat (for listing what a caller may read).
    pub async fn seated(&self, token_hashes: Vec<String>) -> Result<Vec<String>, StoreError> {
        self.call(|r| Op::Seated(token_hashes, r)).await
    }

    /// Deletes a drill that has not finished, and its log (a lobby nobody
    /// joined); `false` when there is no such unfinished drill.
    pub async fn discard_unfinished(&self, id: &str) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.call(|r| Op::Discard(id, r)).await
    }
}

/// Reads the code key of the data directory `dir`, or makes one (readable
/// by its owner alone) if it has none.
fn code_key(dir: &Path) -> Result<String, StoreError> {
    let path = dir.join("code.key");
    let io =
        |e: std::io::Error| StoreError::Sqlite(rusqlite::Error::InvalidPath(format!("{}: {e}", path.display()).into()));
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let key = text.trim().to_string();
            if key.len() != 64 || !key.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(io(std::io::Error::other("not a code key (64 hex digits)")));
            }
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            let key = crate::drill::new_code_key();
            let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path).map_err(io)?;
            f.write_all(key.as_bytes()).and_then(|()| f.sync_all()).map_err(io)?;
            Ok(key)
        }
        Err(e) => Err(io(e)),
    }
}

fn init_schema(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         CREATE TABLE IF NOT EXISTS drills (
             id TEXT PRIMARY KEY,
             join_code TEXT NOT NULL,
             facilitator_code TEXT NOT NULL DEFAULT '',
             scenario_id TEXT NOT NULL,
             scenario_toml TEXT NOT NULL,
             seed INTEGER NOT NULL,
             bots TEXT NOT NULL DEFAULT 'off',
             created_ms INTEGER NOT NULL,
             tick INTEGER NOT NULL DEFAULT 0,
             finished INTEGER NOT NULL DEFAULT 0,
             summary TEXT,
             status_page TEXT
         );
         CREATE TABLE IF NOT EXISTS inputs (
             drill_id TEXT NOT NULL REFERENCES drills(id) ON DELETE CASCADE,
             n INTEGER NOT NULL,
             tick INTEGER NOT NULL,
             input TEXT NOT NULL,
             PRIMARY KEY (drill_id, n)
         ) WITHOUT ROWID;
         CREATE INDEX IF NOT EXISTS inputs_seat_token ON inputs (json_extract(input, '$.token_hash'))
             WHERE json_extract(input, '$.kind') = 'add_seat';",
    )?;
    migrate(conn)?;
    Ok(())
}

/// Columns added after the first release, with how to add them to an
/// older database. Idempotent.
const ADDED_COLUMNS: [(&str, &str); 3] = [
    ("bots", "ALTER TABLE drills ADD COLUMN bots TEXT NOT NULL DEFAULT 'off'"),
    ("facilitator_code", "ALTER TABLE drills ADD COLUMN facilitator_code TEXT NOT NULL DEFAULT ''"),
    ("status_page", "ALTER TABLE drills ADD COLUMN status_page TEXT"),
];

fn migrate(conn: &Connection) -> Result<(), StoreError> {
    let mut q = conn.prepare("SELECT name FROM pragma_table_info('drills')")?;
    let have: Vec<String> = q.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    for (column, sql) in ADDED_COLUMNS {
        if !have.iter().any(|c| c == column) {
            conn.execute(sql, [])?;
        }
    }
    // Version 1: codes are kept as their SHA-256 only. Older databases had
    // them in clear: hash them in place (their drills still open with the
    // same codes), and let secure_delete zero the old text.
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version < 1 {
        let tx = conn.unchecked_transaction()?;
        let rows: Vec<(String, String, String)> = {
            let mut q = tx.prepare("SELECT id, join_code, facilitator_code FROM drills")?;
            q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?
        };
        let hashed = |code: &str| if code.is_empty() { String::new() } else { crate::drill::hash_token(code) };
        for (id, join, facilitator) in rows {
            tx.execute(
                "UPDATE drills SET join_code = ?2, facilitator_code = ?3 WHERE id = ?1",
                params![id, hashed(&join), hashed(&facilitator)],
            )?;
        }
        tx.execute_batch("PRAGMA user_version = 1")?;
        tx.commit()?;
        // Write the hashed pages into the database file now, and empty the
        // write-ahead log, so that no old page with a code in clear stays.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    Ok(())
}

fn writer(mut conn: Connection, rx: std_mpsc::Receiver<Op>) {
    while let Ok(op) = rx.recv() {
        match op {
            Op::CreateDrill(rec, reply) => {
                let r = conn
                    .execute(
                        "INSERT INTO drills (id, join_code, scenario_id, scenario_toml, seed, bots, created_ms, facilitator_code) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        params![
                            rec.id,
                            rec.join_code,
                            rec.scenario_id,
                            rec.scenario_toml,
                            rec.seed as i64,
                            rec.bots.wire_name(),
                            rec.created_ms as i64,
                            rec.facilitator_code
                        ],
                    )
                    .map(|_| ())
                    .map_err(StoreError::from);
                let _ = reply.send(r);
            }
            Op::Append { drill, tick, records, reply } => {
                let _ = reply.send(append(&mut conn, &drill, tick, &records));
            }
            Op::Finish { drill, summary, reply } => {
                let r = serde_json::to_string(&summary).map_err(StoreError::from).and_then(|json| {
                    conn.execute(
                        "UPDATE drills SET finished = 1, summary = ?2, tick = ?3 WHERE id = ?1",
                        params![drill, json, summary.ticks as i64],
                    )
                    .map(|_| ())
                    .map_err(StoreError::from)
                });
                let _ = reply.send(r);
            }
            Op::LoadUnfinished(reply) => {
                let _ = reply.send(load_drills(&conn, "finished = 0", ""));
            }
            Op::Load(id, reply) => {
                let _ = reply.send(load_drills(&conn, "id = ?1", &id).map(|mut v| v.pop()));
            }
            Op::ListFinished(reply) => {
                let _ = reply.send(list_finished(&conn, None));
            }
            Op::Finished(id, reply) => {
                let _ = reply.send(list_finished(&conn, Some(&id)).map(|mut v| v.pop()));
            }
            Op::Delete(id, reply) => {
                let _ = reply.send(delete_finished(&mut conn, &id));
            }
            Op::SaveStatusPage { drill, json, reply } => {
                let r = conn
                    .execute("UPDATE drills SET status_page = ?2 WHERE id = ?1", params![drill, json])
                    .map(|_| ())
                    .map_err(StoreError::from);
                let _ = reply.send(r);
            }
            Op::Discard(id, reply) => {
                let _ = reply.send(discard_unfinished(&mut conn, &id));
            }
            Op::Seated(hashes, reply) => {
                let _ = reply.send(seated(&conn, &hashes));
            }
            Op::StatusPage(id, reply) => {
                let r = conn
                    .query_row("SELECT status_page FROM drills WHERE id = ?1", [&id], |r| r.get::<_, Option<String>>(0))
                    .optional()
                    .map_err(StoreError::from);
                let _ = reply.send(r);
            }
            #[cfg(test)]
            Op::Fault(fault, reply) => {
                let sql = match fault {
                    // Lower than the pages in use, the cap becomes exactly
                    // those pages: the next page needed is refused.
                    WriteFault::Full => "PRAGMA query_only = 0; PRAGMA max_page_count = 1;",
                    WriteFault::ReadOnly => "PRAGMA query_only = 1;",
                    WriteFault::None => "PRAGMA query_only = 0; PRAGMA max_page_count = 1073741823;",
                };
                let _ = reply.send(conn.execute_batch(sql).map_err(StoreError::from));
            }
        }
    }
}

/// Deletes a finished drill and its log; false if there is no finished
/// drill with that id.
fn delete_finished(conn: &mut Connection, id: &str) -> Result<bool, StoreError> {
    let tx = conn.transaction()?;
    let n = tx.execute("DELETE FROM drills WHERE id = ?1 AND finished = 1", [id])?;
    if n > 0 {
        tx.execute("DELETE FROM inputs WHERE drill_id = ?1", [id])?;
    }
    tx.commit()?;
    if n > 0 {
        // secure_delete zeroes the freed content in the database's pages;
        // the WAL still holds the old page images until it is checkpointed
        // and truncated.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    Ok(n > 0)
}

/// Deletes an unfinished drill and its log.
fn discard_unfinished(conn: &mut Connection, id: &str) -> Result<bool, StoreError> {
    let tx = conn.transaction()?;
    tx.execute(
        "DELETE FROM inputs WHERE drill_id = ?1 AND EXISTS (SELECT 1 FROM drills WHERE id = ?1 AND finished = 0)",
        [id],
    )?;
    let n = tx.execute("DELETE FROM drills WHERE id = ?1 AND finished = 0", [id])?;
    tx.commit()?;
    Ok(n > 0)
}

/// Drills with a seat for one of these token hashes (through the partial
/// index on the seats' token hashes).
fn seated(conn: &Connection, hashes: &[String]) -> Result<Vec<String>, StoreError> {
    let mut q = conn.prepare_cached(
        "SELECT DISTINCT drill_id FROM inputs \
         WHERE json_extract(input, '$.kind') = 'add_seat' AND json_extract(input, '$.token_hash') = ?1",
    )?;
    let mut out = Vec::new();
    for h in hashes {
        for id in q.query_map([h], |r| r.get::<_, String>(0))? {
            let id = id?;
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    Ok(out)
}

fn append(conn: &mut Connection, drill: &str, tick: u64, records: &[LogRecord]) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    {
        let next: i64 =
            tx.query_row("SELECT COALESCE(MAX(n), 0) FROM inputs WHERE drill_id = ?1", [drill], |r| r.get(0))?;
        let mut insert = tx.prepare_cached("INSERT INTO inputs (drill_id, n, tick, input) VALUES (?1, ?2, ?3, ?4)")?;
        for (i, rec) in records.iter().enumerate() {
            let json = serde_json::to_string(&rec.input)?;
            insert.execute(params![drill, next + 1 + i as i64, rec.tick as i64, json])?;
        }
        tx.execute("UPDATE drills SET tick = MAX(tick, ?2) WHERE id = ?1", params![drill, tick as i64])?;
    }
    tx.commit()?;
    Ok(())
}

/// Drills matching `filter` (an SQL condition with at most one parameter,
/// `arg`), oldest first, each with its log.
fn load_drills(conn: &Connection, filter: &str, arg: &str) -> Result<Vec<Unfinished>, StoreError> {
    let sql = format!(
        "SELECT id, join_code, scenario_id, scenario_toml, seed, created_ms, tick, bots, facilitator_code \
         FROM drills WHERE {filter} ORDER BY created_ms"
    );
    let mut drills = conn.prepare(&sql)?;
    let params: &[&dyn rusqlite::ToSql] = if filter.contains("?1") { &[&arg] } else { &[] };
    let rows = drills.query_map(params, |r| {
        Ok((
            DrillRecord {
                id: r.get(0)?,
                join_code: r.get(1)?,
                scenario_id: r.get(2)?,
                scenario_toml: r.get(3)?,
                seed: r.get::<_, i64>(4)? as u64,
                created_ms: r.get::<_, i64>(5)? as u64,
                bots: crate::protocol::Bots::from_wire_name(&r.get::<_, String>(7)?).unwrap_or_default(),
                facilitator_code: r.get(8)?,
            },
            r.get::<_, i64>(6)? as u64,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (drill, tick) = row?;
        let mut inputs = conn.prepare_cached("SELECT tick, input FROM inputs WHERE drill_id = ?1 ORDER BY n")?;
        let log = inputs
            .query_map([&drill.id], |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?)))?
            .map(|row| {
                let (tick, json) = row?;
                Ok(LogRecord { tick, input: serde_json::from_str(&json)? })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        out.push(Unfinished { drill, tick, log });
    }
    Ok(out)
}

/// Finished drills, newest first (at most 1,000), or just `id`.
fn list_finished(conn: &Connection, id: Option<&str>) -> Result<Vec<FinishedDrill>, StoreError> {
    let mut q = conn.prepare(
        "SELECT id, scenario_id, created_ms, summary FROM drills \
         WHERE finished = 1 AND (?1 IS NULL OR id = ?1) ORDER BY created_ms DESC LIMIT 1000",
    )?;
    let rows = q.query_map([id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)? as u64, r.get::<_, Option<String>>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, scenario_id, created_ms, summary) = row?;
        let Some(summary) = summary else { continue };
        out.push(FinishedDrill { id, scenario_id, created_ms, summary: serde_json::from_str(&summary)? });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str) -> DrillRecord {
        DrillRecord {
            id: id.into(),
            join_code: "code".into(),
            facilitator_code: "fcode".into(),
            scenario_id: "s".into(),
            scenario_toml: "toml".into(),
            seed: 7,
            bots: crate::protocol::Bots::Off,
            created_ms: 1,
        }
    }

    #[tokio::test]
    async fn inputs_come_back_in_order_until_the_drill_finishes() {
        let store = Store::in_memory().unwrap_or_else(|e| panic!("{e}"));
        store.create_drill(record("d1")).await.unwrap_or_else(|e| panic!("{e}"));
        let seat = LoggedInput::AddSeat { name: "Aiko".into(), seat: SeatKind::Facilitator, token_hash: "h".into() };
        let cmd = LoggedInput::Command { seat: 0, cid: 1, cmd: Command::Start {} };
        store.append("d1", 0, vec![LogRecord { tick: 0, input: seat.clone() }]).await.unwrap_or_else(|e| panic!("{e}"));
        store.append("d1", 12, vec![LogRecord { tick: 3, input: cmd.clone() }]).await.unwrap_or_else(|e| panic!("{e}"));
        let all = store.load_unfinished().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].tick, 12);
        assert_eq!(all[0].log, vec![LogRecord { tick: 0, input: seat }, LogRecord { tick: 3, input: cmd }]);

        let summary = crate::sim::simulate(
            &crate::scenario::parse(include_str!("../../../scenarios/lunch-peak-pos-outage.toml"))
                .unwrap_or_else(|p| panic!("{p:?}")),
            1,
            crate::sim::BotSkill::None,
        );
        store.finish("d1", summary.clone()).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(store.load_unfinished().await.unwrap_or_else(|e| panic!("{e}")).is_empty());
        let done = store.list_finished().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].summary, summary);

        // The public status page is kept beside the result.
        let page = |id: &'static str| {
            let store = store.clone();
            async move { store.status_page(id).await.unwrap_or_else(|e| panic!("{e}")) }
        };
        assert_eq!(page("d1").await, Some(None));
        store.save_status_page("d1", "{\"notices\":[]}".into()).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page("d1").await, Some(Some("{\"notices\":[]}".to_string())));
        assert_eq!(page("nope").await, None);
    }
}

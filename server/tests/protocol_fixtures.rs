//! Golden fixtures for the wire protocol, so that `docs/protocol.md` and the
//! code cannot drift apart.
//!
//! Every file in `docs/protocol/client/` must parse as a [`ClientMsg`] and
//! every file in `docs/protocol/server/` as a [`ServerMsg`]; serializing the
//! parsed value again must give the same JSON. Together the fixtures must
//! cover every message type, command, event kind, post body kind and author
//! kind that serde knows of (the names come from serde itself, so a new
//! variant fails here until it has a fixture). `docs/protocol.md` must show
//! every fixture verbatim, name every wire value clients switch on, and
//! contain the permission tables exactly as [`authorize`] (and, for shared
//! documents, [`doc_writable`]) decides them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use firedrill::protocol::{
    ActionStage, Author, Bots, CapabilityRating, Channel, ClientMsg, Command, ComponentStatus, Disposition, DocKind,
    DocView, DrillStatus, ErrorCode, Event, FaultOp, Medium, Phase, PostBody, PulseKind, Query, Role, SeatKind,
    ServerMsg, authorize, command_name, doc_writable,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// One fixture file.
struct Fixture {
    /// Path relative to `docs/protocol/`, e.g. `client/hello.json`.
    name: String,
    /// The file's content.
    text: String,
}

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("docs")
}

fn protocol_md() -> String {
    let path = docs_dir().join("protocol.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Every `*.json` file in `docs/protocol/<side>/`, sorted by name.
fn fixtures(side: &str) -> Vec<Fixture> {
    let dir = docs_dir().join("protocol").join(side);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut out: Vec<Fixture> = entries
        .map(|entry| entry.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())).path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let file = path.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            Fixture { name: format!("{side}/{file}"), text }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(!out.is_empty(), "no fixtures in {}", dir.display());
    out
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or_else(|e| panic!("cannot serialize: {e}"))
}

/// Parses a fixture as `T` and checks that serializing it again gives the
/// same JSON (compared as values, so key order and layout do not matter).
fn round_trip<T: Serialize + DeserializeOwned>(f: &Fixture) -> T {
    let file: Value = serde_json::from_str(&f.text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", f.name));
    let typed: T = serde_json::from_str(&f.text)
        .unwrap_or_else(|e| panic!("{} does not parse as {}: {e}", f.name, std::any::type_name::<T>()));
    assert_eq!(to_value(&typed), file, "{} does not serialize back to itself", f.name);
    typed
}

/// The wire names serde accepts for an enum, read from the error it gives
/// for an unknown one (`unknown variant ..., expected one of `a`, `b``).
/// `probe` turns a name into a JSON value of the enum's shape.
fn wire_names<T: DeserializeOwned>(probe: impl Fn(&str) -> Value) -> BTreeSet<String> {
    let unknown = "zz-not-a-variant";
    let err = match serde_json::from_value::<T>(probe(unknown)) {
        Ok(_) => panic!("{} accepted {unknown:?}", std::any::type_name::<T>()),
        Err(e) => e.to_string(),
    };
    let (_, expected) =
        err.split_once("expected").unwrap_or_else(|| panic!("unexpected serde error for an unknown variant: {err}"));
    let names: BTreeSet<String> = expected.split('`').skip(1).step_by(2).map(str::to_string).collect();
    assert!(!names.is_empty(), "no variant names in: {err}");
    names
}

fn tagged(tag: &'static str) -> impl Fn(&str) -> Value {
    move |name| json!({ tag: name })
}

fn plain(name: &str) -> Value {
    json!(name)
}

fn kind_of<T: Serialize>(v: &T, tag: &str) -> String {
    match to_value(v).get(tag) {
        Some(Value::String(s)) => s.clone(),
        other => panic!("no string {tag:?} in serialized value: {other:?}"),
    }
}

/// The wire string of a unit enum value, e.g. `incident-war-room`.
fn wire<T: Serialize>(v: &T) -> String {
    match to_value(v) {
        Value::String(s) => s,
        other => panic!("not a string on the wire: {other}"),
    }
}

fn missing(want: &BTreeSet<String>, have: &BTreeSet<String>) -> Vec<String> {
    want.difference(have).cloned().collect()
}

/// What the fixtures cover, by wire name.
#[derive(Default)]
struct Coverage {
    client_types: BTreeSet<String>,
    commands: BTreeSet<String>,
    server_types: BTreeSet<String>,
    events: BTreeSet<String>,
    bodies: BTreeSet<String>,
    authors: BTreeSet<String>,
    doc_kinds: BTreeSet<String>,
}

impl Coverage {
    fn post(&mut self, author: &Author, body: &PostBody) {
        self.authors.insert(kind_of(author, "kind"));
        self.bodies.insert(kind_of(body, "kind"));
    }

    fn doc(&mut self, doc: &DocView) {
        self.doc_kinds.insert(kind_of(&doc.kind, "kind"));
    }
}

fn coverage() -> Coverage {
    let mut c = Coverage::default();
    for f in fixtures("client") {
        let msg: ClientMsg = round_trip(&f);
        c.client_types.insert(kind_of(&msg, "type"));
        if let ClientMsg::Cmd { cmd, .. } = &msg {
            let wire = kind_of(cmd, "type");
            assert_eq!(command_name(cmd), wire, "command_name disagrees with serde in {}", f.name);
            c.commands.insert(wire);
        }
    }
    for f in fixtures("server") {
        let msg: ServerMsg = round_trip(&f);
        c.server_types.insert(kind_of(&msg, "type"));
        match &msg {
            ServerMsg::Event { event, .. } => {
                c.events.insert(kind_of(event, "kind"));
                match event {
                    Event::Posted { post, .. } | Event::PinChanged { post, .. } => c.post(&post.author, &post.body),
                    Event::DocUpdated { doc } => c.doc(doc),
                    _ => {}
                }
            }
            ServerMsg::Welcome { snapshot, .. } => {
                for ch in &snapshot.channels {
                    for post in ch.posts.iter().chain(ch.pins.iter().map(|p| &p.post)) {
                        c.post(&post.author, &post.body);
                    }
                }
                for doc in &snapshot.docs {
                    c.doc(doc);
                }
            }
            ServerMsg::Resumed { .. }
            | ServerMsg::Pulse(_)
            | ServerMsg::Ack { .. }
            | ServerMsg::Answer { .. }
            | ServerMsg::Error { .. }
            | ServerMsg::Pong { .. }
            | ServerMsg::DeskQueue(_)
            | ServerMsg::StoreStatus { .. } => {}
        }
    }
    c
}

#[test]
fn every_fixture_round_trips_and_every_variant_has_one() {
    let c = coverage();
    let checks = [
        ("client message types", wire_names::<ClientMsg>(tagged("type")), &c.client_types),
        ("commands", wire_names::<Command>(tagged("type")), &c.commands),
        ("server message types", wire_names::<ServerMsg>(tagged("type")), &c.server_types),
        ("event kinds", wire_names::<Event>(tagged("kind")), &c.events),
        ("post body kinds", wire_names::<PostBody>(tagged("kind")), &c.bodies),
        ("author kinds", wire_names::<Author>(tagged("kind")), &c.authors),
        ("document kinds", wire_names::<DocKind>(tagged("kind")), &c.doc_kinds),
    ];
    for (what, want, have) in checks {
        assert!(missing(&want, have).is_empty(), "{what} without a fixture: {:?}", missing(&want, have));
    }
}

#[test]
fn protocol_md_shows_every_fixture_verbatim() {
    let doc = protocol_md();
    for f in fixtures("client").into_iter().chain(fixtures("server")) {
        assert!(doc.contains(&format!("`{}`", f.name)), "protocol.md does not name the fixture {}", f.name);
        let block = format!("```json\n{}\n```", f.text.trim_end());
        assert!(doc.contains(&block), "protocol.md does not show {} verbatim:\n{block}", f.name);
    }
}

#[test]
fn protocol_md_names_every_wire_value() {
    let doc = protocol_md();
    let sets = [
        ("client message type", wire_names::<ClientMsg>(tagged("type"))),
        ("command", wire_names::<Command>(tagged("type"))),
        ("server message type", wire_names::<ServerMsg>(tagged("type"))),
        ("event kind", wire_names::<Event>(tagged("kind"))),
        ("post body kind", wire_names::<PostBody>(tagged("kind"))),
        ("author kind", wire_names::<Author>(tagged("kind"))),
        ("document kind", wire_names::<DocKind>(tagged("kind"))),
        ("seat kind", wire_names::<SeatKind>(tagged("kind"))),
        ("error code", wire_names::<ErrorCode>(plain)),
        ("role", wire_names::<Role>(plain)),
        ("channel", wire_names::<Channel>(plain)),
        ("phase", wire_names::<Phase>(plain)),
        ("drill status", wire_names::<DrillStatus>(plain)),
        ("component status", wire_names::<ComponentStatus>(plain)),
        ("action stage", wire_names::<ActionStage>(plain)),
        ("bots setting", wire_names::<Bots>(plain)),
        ("capability rating", wire_names::<CapabilityRating>(plain)),
    ];
    for (what, names) in sets {
        for name in names {
            assert!(doc.contains(&format!("`{name}`")), "protocol.md never mentions the {what} `{name}`");
        }
    }
}

/// Every channel, in the order of the tables.
const CHANNELS: [Channel; 7] = [
    Channel::Ops,
    Channel::IncidentWarRoom,
    Channel::Support,
    Channel::External,
    Channel::Sales,
    Channel::Facilitators,
    Channel::Social,
];

/// Every command, with `chat` and `pin_post` once per channel since
/// writing (and so pinning) is per channel.
fn commands() -> Vec<(String, Command)> {
    let mut out: Vec<(String, Command)> = CHANNELS
        .into_iter()
        .map(|channel| {
            let label = format!("`chat` in `{}`", wire(&channel));
            (label, Command::Chat { channel, text: "x".into() })
        })
        .collect();
    for channel in CHANNELS {
        let label = format!("`pin_post` in `{}`", wire(&channel));
        out.push((label, Command::PinPost { channel, post: 1, pinned: true }));
    }
    for cmd in [
        Command::Declare {},
        Command::SetPhase { phase: Phase::Mitigating },
        Command::RunAction { action: "x".into() },
        Command::PublishNotice { status: ComponentStatus::PartialOutage, text: "x".into() },
        Command::Start {},
        Command::Pause {},
        Command::Resume {},
        Command::SetSpeed { speed: 1 },
        Command::End {},
        Command::AssignRole { seat: 1, role: Role::Engineer },
        Command::EditDoc { doc: "x".into(), base_version: 1, text: "x".into() },
        Command::StatusReport {
            affected: "x".into(),
            scope: "x".into(),
            impact: "x".into(),
            actions: "x".into(),
            next_update_min: 1,
        },
        Command::Hypothesis { text: "x".into() },
        Command::PlanRole { name: "x".into(), role: Role::Engineer },
        Command::LockRoles { locked: true },
        Command::TakeCall { call: None },
        Command::CallSay { call: 1, text: "x".into() },
        Command::HoldCall { call: 1, hold: true },
        Command::EndCall { call: 1, disposition: Disposition::Informed },
        Command::AssignCall { call: 1, seat: 1 },
        Command::CallSupport { text: "x".into() },
        Command::ChatSay { client: "x".into(), text: "x".into() },
        Command::TriggerInject { inject: "x".into() },
        Command::SkipInject { inject: "x".into() },
        Command::DelayInject { inject: "x".into(), minutes: 1 },
        Command::EditInject { inject: "x".into(), text: "x".into() },
        Command::AdHocInject { persona: "x".into(), medium: Medium::Phone, text: "x".into() },
        Command::FaultControl { fault: "x".into(), op: FaultOp::Heal },
        Command::Query { query: Query::Dashboard {} },
        Command::DecideAction { action: "x".into(), approve: true },
        Command::AskPulse { kind: PulseKind::Services },
        Command::AnswerPulse { pulse: 0, picks: Vec::new() },
        Command::RateCapability { capability: "x".into(), rating: CapabilityRating::S, comment: String::new() },
        Command::AddImprovement { text: "x".into(), owner: String::new() },
    ] {
        out.push((format!("`{}`", command_name(&cmd)), cmd));
    }
    // Reading a channel's history is open to every seat that reads it; the
    // board (and one store on it) is the facilitators' alone.
    let history = Command::Query { query: Query::History { channel: Channel::Ops, skip: 0 } };
    out.push(("`query` for `history`".to_string(), history));
    let board = Command::Query { query: Query::Board {} };
    let store = Command::Query { query: Query::Store { index: 0 } };
    for (name, seat) in seats() {
        for st in [DrillStatus::Lobby, DrillStatus::Running, DrillStatus::Paused, DrillStatus::Ended] {
            assert_eq!(authorize(seat, st, &board), authorize(seat, st, &store), "one row for both: {name} {st:?}");
        }
    }
    out.push(("`query` for `board`, `store`".to_string(), board));
    // Pages of the roster: for those who manage it.
    let roster = Command::Query { query: Query::Roster { from: 0 } };
    out.push(("`query` for `roster`".to_string(), roster));
    // Besides one row per command: one more per channel for `chat` and for
    // `pin_post` (less the one each already counts), `history`, the board
    // and the roster.
    assert_eq!(
        out.len(),
        wire_names::<Command>(tagged("type")).len() + 2 * (wire_names::<Channel>(plain).len() - 1) + 3,
        "a command or channel is missing from this test's list"
    );
    out
}

fn mark(ok: bool) -> &'static str {
    if ok { "✓" } else { "✗" }
}

/// Every seat kind, labelled as the tables' columns are.
fn seats() -> Vec<(String, SeatKind)> {
    std::iter::once(("facilitator".to_string(), SeatKind::Facilitator))
        .chain(Role::ALL.into_iter().map(|r| (wire(&r), SeatKind::Participant(r))))
        .collect()
}

/// The role table as protocol.md must show it: may this seat ever send this
/// command (in some status)?
fn role_table() -> String {
    let seats = seats();
    let mut lines = vec![
        format!("| command | {} |", seats.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(" | ")),
        format!("|---|{}", "---|".repeat(seats.len())),
    ];
    for (label, cmd) in commands() {
        let cells: Vec<&str> = seats
            .iter()
            .map(|(_, seat)| {
                let statuses = [DrillStatus::Lobby, DrillStatus::Running, DrillStatus::Paused, DrillStatus::Ended];
                mark(statuses.iter().any(|&st| authorize(*seat, st, &cmd).is_ok()))
            })
            .collect();
        lines.push(format!("| {label} | {} |", cells.join(" | ")));
    }
    lines.join("\n")
}

/// The status table as protocol.md must show it: is this command possible in
/// this drill status (for a seat whose role allows it)?
fn status_table() -> String {
    let statuses = [DrillStatus::Lobby, DrillStatus::Running, DrillStatus::Paused, DrillStatus::Ended];
    let names: Vec<String> = statuses.iter().map(|s| format!("`{}`", wire(s))).collect();
    let mut lines = vec![format!("| command | {} |", names.join(" | ")), format!("|---|{}", "---|".repeat(4))];
    let mut seen = BTreeSet::new();
    for (label, cmd) in commands() {
        let label = match cmd {
            Command::Chat { .. } | Command::PinPost { .. } => format!("`{}`", command_name(&cmd)),
            _ => label,
        };
        if !seen.insert(label.clone()) {
            continue;
        }
        let cells: Vec<&str> = statuses
            .iter()
            .map(|&st| match authorize(SeatKind::Facilitator, st, &cmd) {
                Ok(()) => mark(true),
                Err(firedrill::protocol::Denied::Status(_)) => mark(false),
                Err(firedrill::protocol::Denied::Role) => panic!("facilitators may send every command"),
            })
            .collect();
        lines.push(format!("| {label} | {} |", cells.join(" | ")));
    }
    lines.join("\n")
}

/// The shared documents, as the declaration creates them: the four team
/// documents and a checklist for every internal role but `observer` (ids as
/// in `drill/templates.rs`).
fn documents() -> Vec<(String, DocKind)> {
    let mut out = vec![
        ("status-board".to_string(), DocKind::StatusBoard),
        ("incident-doc".to_string(), DocKind::IncidentDoc),
        ("talk-script".to_string(), DocKind::TalkScript),
        ("incident-report".to_string(), DocKind::IncidentReport),
    ];
    for role in Role::ALL.into_iter().filter(|r| r.is_internal() && *r != Role::Observer) {
        out.push((format!("checklist-{}", wire(&role)), DocKind::Checklist(role)));
    }
    let kinds: BTreeSet<String> = out.iter().map(|(_, k)| kind_of(k, "kind")).collect();
    assert_eq!(kinds, wire_names::<DocKind>(tagged("kind")), "a document kind is missing from this test's list");
    out
}

/// The document table as protocol.md must show it: may this seat save this
/// document with `edit_doc`? Both [`authorize`] and [`doc_writable`] must
/// let it through.
fn doc_table() -> String {
    let seats = seats();
    let mut lines = vec![
        format!("| document | {} |", seats.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(" | ")),
        format!("|---|{}", "---|".repeat(seats.len())),
    ];
    for (id, kind) in documents() {
        let label = match kind {
            DocKind::Checklist(role) => format!("`{id}` (`checklist`, `{}`)", wire(&role)),
            _ => format!("`{id}` (`{}`)", kind_of(&kind, "kind")),
        };
        let edit = Command::EditDoc { doc: id, base_version: 1, text: "x".into() };
        let cells: Vec<&str> = seats
            .iter()
            .map(|(_, seat)| {
                let sent = authorize(*seat, DrillStatus::Running, &edit).is_ok();
                mark(match seat {
                    SeatKind::Facilitator => sent,
                    SeatKind::Participant(role) => sent && doc_writable(*role, kind),
                })
            })
            .collect();
        lines.push(format!("| {label} | {} |", cells.join(" | ")));
    }
    lines.join("\n")
}

#[test]
fn protocol_md_shows_the_permission_tables_as_authorize_decides() {
    let doc = protocol_md();
    let role = role_table();
    assert!(doc.contains(&role), "protocol.md's role table differs from authorize(); it should read:\n{role}");
    let status = status_table();
    assert!(doc.contains(&status), "protocol.md's status table differs from authorize(); it should read:\n{status}");
    let docs = doc_table();
    assert!(doc.contains(&docs), "protocol.md's document table differs from doc_writable(); it should read:\n{docs}");
}

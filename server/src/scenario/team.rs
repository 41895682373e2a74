//! Team files: a scripted team for `firedrill simulate --team FILE`.
//!
//! A team file is a timeline of the commands a team sends, each at a drill
//! minute and by a role (declare at minute 12, the first notice at 25, the
//! wrong fix at 30, `resolved` after the first wave...). The drill plays
//! them through the same path a person's commands take
//! (`drill::play_team`: `protocol::authorize`, the text checks, the
//! owner's approval of a risky action); roles the file does not hold are
//! played by bots of the file's `bots` skill, or by nobody.
//!
//! A file is checked against the scenario it plays, with the same kind of
//! problems as a scenario file: every problem at once, each with its line,
//! column and path, an unknown name with the closest valid one.

use crate::protocol::{Bots, Channel, Command, Disposition, Role, SeatKind};

use super::validate::problem_at;
use super::vocab::{self, did_you_mean};
use super::{Problem, Scenario};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A team file that passed its checks against a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// What the file calls this team.
    pub name: String,
    /// The id of the scenario it was written for.
    pub scenario: String,
    /// Who plays the response roles the file does not hold.
    pub bots: Bots,
    /// The roles the file holds, one seat each, in order of first mention.
    pub roles: Vec<Role>,
    /// The timeline, in time order (file order within a tick).
    pub commands: Vec<TeamCommand>,
}

/// One command of a team file.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamCommand {
    /// The tick it is sent at (between that tick and the next).
    pub tick: u64,
    /// Who sends it.
    pub role: Role,
    /// The command, as a person's client would send it.
    pub command: Command,
    /// The file left out `call`: the call this seat is on (for
    /// `call_say`, `hold_call`, `end_call`).
    pub current_call: bool,
    /// Where it is written: 1-based line and column.
    pub line: usize,
    /// Column of the entry.
    pub col: usize,
}

/// Keys of the `[team]` table.
const TEAM_KEYS: &[&str] = &["name", "scenario", "bots", "roles", "summary"];

/// Top-level keys.
const TOP_KEYS: &[&str] = &["team", "commands"];

/// Keys every command has.
const COMMON_KEYS: &[&str] = &["at_min", "by", "type"];

/// The commands a team file may send, with their own keys.
pub const TEAM_COMMANDS: &[(&str, &[&str])] = &[
    ("declare", &[]),
    ("set_phase", &["phase"]),
    ("run_action", &["action"]),
    ("decide_action", &["action", "approve"]),
    ("publish_notice", &["status", "text"]),
    ("status_report", &["affected", "scope", "impact", "actions", "next_update_min"]),
    ("hypothesis", &["text"]),
    ("chat", &["channel", "text"]),
    ("take_call", &["call"]),
    ("call_say", &["call", "text"]),
    ("hold_call", &["call", "hold"]),
    ("end_call", &["call", "disposition"]),
    ("chat_say", &["client", "text"]),
];

/// Channel words, as on the wire.
const CHANNELS: &[(&str, Channel)] = &[
    ("ops", Channel::Ops),
    ("incident-war-room", Channel::IncidentWarRoom),
    ("support", Channel::Support),
    ("external", Channel::External),
    ("sales", Channel::Sales),
];

/// Call dispositions, as on the wire.
const DISPOSITIONS: &[(&str, Disposition)] = &[
    ("informed", Disposition::Informed),
    ("workaround", Disposition::Workaround),
    ("callback", Disposition::Callback),
    ("escalated", Disposition::Escalated),
    ("no_issue", Disposition::NoIssue),
];

/// Bot skills for the roles the file does not hold.
const BOTS: &[(&str, Bots)] = &[("off", Bots::Off), ("good", Bots::Good), ("perfect", Bots::Perfect)];

/// Parses and checks a team file against the scenario it plays. Returns
/// every problem found, sorted by position, or the team.
pub fn parse_team(text: &str, s: &Scenario) -> Result<Team, Vec<Problem>> {
    if text.len() > super::limits::SCENARIO_FILE_BYTES_MAX {
        let message =
            format!("the file is {} bytes; the limit is {}", text.len(), super::limits::SCENARIO_FILE_BYTES_MAX);
        return Err(vec![Problem { line: 1, col: 1, path: String::new(), message }]);
    }
    let root = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            return Err(vec![problem_at(text, span, String::new(), e.message().trim().to_string())]);
        }
    };
    let mut c = Checker { text, problems: Vec::new() };
    let team = c.team(root.get_ref(), s);
    if c.problems.is_empty() {
        Ok(team)
    } else {
        c.problems.sort_by(|a, b| (a.line, a.col, &a.path).cmp(&(b.line, b.col, &b.path)));
        Err(c.problems)
    }
}

/// The id of the scenario a team file says it plays, if it can be read
/// (for `firedrill validate`, which finds the scenario from the file).
pub fn team_scenario_id(text: &str) -> Option<String> {
    let root = DeTable::parse(text).ok()?;
    let team = find(root.get_ref(), "team")?;
    let DeValue::Table(t) = team.get_ref() else { return None };
    find(t, "scenario").and_then(|v| v.get_ref().as_str().map(str::to_string))
}

/// Whether a TOML text is a team file (it has a `[team]` table).
pub fn is_team_file(text: &str) -> bool {
    DeTable::parse(text).is_ok_and(|root| find(root.get_ref(), "team").is_some())
}

fn find<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
    t.iter().find(|(k, _)| k.get_ref().as_ref() == key).map(|(_, v)| v)
}

struct Checker<'a> {
    text: &'a str,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn err(&mut self, span: std::ops::Range<usize>, path: impl Into<String>, message: impl Into<String>) {
        let p = problem_at(self.text, span, path.into(), message.into());
        self.problems.push(p);
    }

    /// Reports every key of `t` not in `known`, with the closest known one.
    fn unknown_keys(&mut self, t: &DeTable<'_>, known: &[&str], path: &str, what: &str) {
        for (k, _) in t.iter() {
            let key = k.get_ref().as_ref();
            if !known.contains(&key) {
                let at = if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
                let hint = did_you_mean(key, known.iter().copied());
                self.err(k.span(), at, format!("unknown key \"{key}\" in {what}{hint} (known: {})", known.join(", ")));
            }
        }
    }

    fn string(&mut self, v: &Spanned<DeValue<'_>>, path: &str) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            other => {
                self.err(v.span(), path, format!("expected a string, found {}", other.type_str()));
                None
            }
        }
    }

    fn word<T: Copy>(
        &mut self,
        list: &[(&'static str, T)],
        v: &Spanned<DeValue<'_>>,
        path: &str,
        what: &str,
    ) -> Option<T> {
        let w = self.string(v, path)?;
        let found = vocab::lookup(list, &w);
        if found.is_none() {
            let names = vocab::names(list);
            let hint = did_you_mean(&w, names.iter().copied());
            self.err(v.span(), path, format!("unknown {what} \"{w}\"{hint} (one of: {})", names.join(", ")));
        }
        found
    }

    fn number(&mut self, v: &Spanned<DeValue<'_>>, path: &str) -> Option<f64> {
        match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok().map(|n| n as f64),
            DeValue::Float(f) => f.as_str().parse::<f64>().ok().filter(|x| x.is_finite()),
            other => {
                self.err(v.span(), path, format!("expected a number, found {}", other.type_str()));
                None
            }
        }
    }

    fn whole(&mut self, v: &Spanned<DeValue<'_>>, path: &str, min: u64, max: u64) -> Option<u64> {
        let n = self.number(v, path)?;
        if n.fract() != 0.0 || n < min as f64 || n > max as f64 {
            self.err(v.span(), path, format!("must be a whole number from {min} to {max}"));
            return None;
        }
        Some(n as u64)
    }

    fn boolean(&mut self, v: &Spanned<DeValue<'_>>, path: &str) -> Option<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.err(v.span(), path, format!("expected true or false, found {}", other.type_str()));
                None
            }
        }
    }

    /// Free text as a person's client sends it: not empty, not too long.
    fn text(&mut self, v: &Spanned<DeValue<'_>>, path: &str, max: usize, required: bool) -> Option<String> {
        let t = self.string(v, path)?;
        let t = t.trim().to_string();
        if required && t.is_empty() {
            self.err(v.span(), path, "must not be empty");
            return None;
        }
        if t.chars().count() > max {
            self.err(v.span(), path, format!("at most {max} characters"));
            return None;
        }
        Some(t)
    }

    fn team(&mut self, root: &DeTable<'_>, s: &Scenario) -> Team {
        self.unknown_keys(root, TOP_KEYS, "", "a team file");
        let mut team = Team {
            name: String::new(),
            scenario: String::new(),
            bots: Bots::Off,
            roles: Vec::new(),
            commands: Vec::new(),
        };
        match find(root, "team") {
            Some(v) => match v.get_ref() {
                DeValue::Table(t) => {
                    self.unknown_keys(t, TEAM_KEYS, "team", "[team]");
                    match find(t, "name") {
                        Some(n) => {
                            team.name =
                                self.text(n, "team.name", super::limits::NAME_CHARS_MAX, true).unwrap_or_default()
                        }
                        None => self.err(v.span(), "team", "missing key \"name\""),
                    }
                    if let Some(x) = find(t, "summary") {
                        let _ = self.text(x, "team.summary", super::limits::TEXT_CHARS_MAX, false);
                    }
                    match find(t, "scenario") {
                        Some(n) => {
                            if let Some(id) = self.string(n, "team.scenario") {
                                if id != s.id {
                                    self.err(
                                        n.span(),
                                        "team.scenario",
                                        format!("this team was written for \"{id}\", not for \"{}\"", s.id),
                                    );
                                }
                                team.scenario = id;
                            }
                        }
                        None => {
                            self.err(v.span(), "team", "missing key \"scenario\" (the id of the scenario it plays)")
                        }
                    }
                    if let Some(b) = find(t, "bots") {
                        team.bots = self.word(BOTS, b, "team.bots", "bot skill").unwrap_or(Bots::Off);
                    }
                    if let Some(r) = find(t, "roles") {
                        match r.get_ref() {
                            DeValue::Array(a) => {
                                for (i, x) in a.iter().enumerate() {
                                    if let Some(role) = self.word(vocab::ROLES, x, &format!("team.roles[{i}]"), "role")
                                        && !team.roles.contains(&role)
                                    {
                                        team.roles.push(role);
                                    }
                                }
                            }
                            other => self.err(
                                r.span(),
                                "team.roles",
                                format!("expected an array, found {}", other.type_str()),
                            ),
                        }
                    }
                }
                other => self.err(v.span(), "team", format!("expected a table, found {}", other.type_str())),
            },
            None => self.err(0..0, "team", "missing table [team]"),
        }
        if let Some(v) = find(root, "commands") {
            match v.get_ref() {
                DeValue::Array(a) => {
                    if a.len() > TEAM_COMMANDS_MAX {
                        self.err(v.span(), "commands", format!("at most {TEAM_COMMANDS_MAX} commands"));
                    }
                    for (i, c) in a.iter().enumerate().take(TEAM_COMMANDS_MAX) {
                        if let Some(cmd) = self.command(c, i, s) {
                            if !team.roles.contains(&cmd.role) {
                                team.roles.push(cmd.role);
                            }
                            team.commands.push(cmd);
                        }
                    }
                }
                other => self.err(v.span(), "commands", format!("expected [[commands]], found {}", other.type_str())),
            }
        }
        // Stable: file order within a tick.
        team.commands.sort_by_key(|c| c.tick);
        team
    }

    fn command(&mut self, v: &Spanned<DeValue<'_>>, i: usize, s: &Scenario) -> Option<TeamCommand> {
        let path = format!("commands[{i}]");
        let DeValue::Table(t) = v.get_ref() else {
            self.err(v.span(), &path, format!("expected a table, found {}", v.get_ref().type_str()));
            return None;
        };
        let field = |key: &str| find(t, key);
        let before = self.problems.len();
        // When.
        let tick = match field("at_min") {
            Some(at) => {
                let p = format!("{path}.at_min");
                match self.number(at, &p) {
                    Some(m) if m < 0.0 || m * 60.0 >= s.duration_s as f64 => {
                        let max = s.duration_s / 60;
                        self.err(at.span(), p, format!("must be from 0 to before the drill ends ({max} min)"));
                        None
                    }
                    Some(m) => Some((m * 60.0).round() as u64 / crate::limits::TICK_DRILL_SECONDS),
                    None => None,
                }
            }
            None => {
                self.err(v.span(), &path, "missing key \"at_min\" (the drill minute it is sent at)");
                None
            }
        };
        // Who.
        let role = match field("by") {
            Some(by) => self.word(vocab::ROLES, by, &format!("{path}.by"), "role"),
            None => {
                self.err(v.span(), &path, "missing key \"by\" (the role that sends it)");
                None
            }
        };
        // What.
        let names: Vec<&str> = TEAM_COMMANDS.iter().map(|(n, _)| *n).collect();
        let kind = match field("type") {
            Some(ty) => {
                let p = format!("{path}.type");
                let w = self.string(ty, &p)?;
                match TEAM_COMMANDS.iter().find(|(n, _)| *n == w) {
                    Some(&(name, keys)) => Some((name, keys, ty.span())),
                    None => {
                        let hint = did_you_mean(&w, names.iter().copied());
                        self.err(ty.span(), p, format!("unknown command \"{w}\"{hint} (one of: {})", names.join(", ")));
                        None
                    }
                }
            }
            None => {
                self.err(v.span(), &path, format!("missing key \"type\" (one of: {})", names.join(", ")));
                None
            }
        };
        let Some((name, keys, type_span)) = kind else {
            // Without the type, its keys cannot be told from typos; what
            // else is wrong is reported once the type is known.
            return None;
        };
        let mut known: Vec<&str> = COMMON_KEYS.to_vec();
        known.extend_from_slice(keys);
        self.unknown_keys(t, &known, &path, &format!("a \"{name}\" command"));
        let need = |this: &mut Self, key: &str| {
            let got = field(key);
            if got.is_none() {
                this.err(type_span.clone(), format!("{path}.{key}"), format!("a \"{name}\" command needs \"{key}\""));
            }
            got
        };
        let p = |key: &str| format!("{path}.{key}");
        let text_max = crate::limits::CHAT_TEXT_CHARS_MAX;
        let mut current_call = false;
        let command = match name {
            "declare" => Some(Command::Declare {}),
            "set_phase" => {
                let phase = need(self, "phase").and_then(|x| self.word(vocab::PHASES, x, &p("phase"), "phase"));
                phase.map(|phase| Command::SetPhase { phase })
            }
            "run_action" | "decide_action" => {
                let action = need(self, "action").and_then(|x| {
                    let w = self.string(x, &p("action"))?;
                    if s.actions.iter().any(|a| a.id == w) {
                        Some(w)
                    } else {
                        let ids: Vec<&str> = s.actions.iter().map(|a| a.id.as_str()).collect();
                        let hint = did_you_mean(&w, ids.iter().copied());
                        self.err(
                            x.span(),
                            p("action"),
                            format!("unknown action \"{w}\"{hint} (known: {})", ids.join(", ")),
                        );
                        None
                    }
                });
                if name == "run_action" {
                    action.map(|action| Command::RunAction { action })
                } else {
                    let approve = need(self, "approve").and_then(|x| self.boolean(x, &p("approve")));
                    action.zip(approve).map(|(action, approve)| Command::DecideAction { action, approve })
                }
            }
            "publish_notice" => {
                let status = need(self, "status").and_then(|x| self.word(vocab::STATUSES, x, &p("status"), "status"));
                let text = need(self, "text").and_then(|x| self.text(x, &p("text"), text_max, true));
                status.zip(text).map(|(status, text)| Command::PublishNotice { status, text })
            }
            "status_report" => {
                let max = crate::limits::STATUS_FIELD_CHARS_MAX;
                let affected = need(self, "affected").and_then(|x| self.text(x, &p("affected"), max, true));
                let opt = |this: &mut Self, key: &str| match field(key) {
                    Some(x) => this.text(x, &p(key), max, false),
                    None => Some(String::new()),
                };
                let scope = opt(self, "scope");
                let impact = opt(self, "impact");
                let actions = opt(self, "actions");
                let next = need(self, "next_update_min").and_then(|x| {
                    self.whole(x, &p("next_update_min"), 1, u64::from(crate::limits::REPORT_INTERVAL_MIN_MAX))
                });
                match (affected, scope, impact, actions, next) {
                    (Some(affected), Some(scope), Some(impact), Some(actions), Some(n)) => {
                        Some(Command::StatusReport { affected, scope, impact, actions, next_update_min: n as u32 })
                    }
                    _ => None,
                }
            }
            "hypothesis" => need(self, "text")
                .and_then(|x| self.text(x, &p("text"), text_max, true))
                .map(|text| Command::Hypothesis { text }),
            "chat" => {
                let channel = need(self, "channel").and_then(|x| self.word(CHANNELS, x, &p("channel"), "channel"));
                let text = need(self, "text").and_then(|x| self.text(x, &p("text"), text_max, true));
                channel.zip(text).map(|(channel, text)| Command::Chat { channel, text })
            }
            "take_call" => match field("call") {
                Some(x) => self
                    .whole(x, &p("call"), 0, u64::from(u32::MAX))
                    .map(|c| Command::TakeCall { call: Some(c as u32) }),
                None => Some(Command::TakeCall { call: None }),
            },
            "call_say" | "hold_call" | "end_call" => {
                let call = match field("call") {
                    Some(x) => self.whole(x, &p("call"), 0, u64::from(u32::MAX)).map(|c| c as u32),
                    None => {
                        current_call = true;
                        Some(u32::MAX)
                    }
                };
                match name {
                    "call_say" => {
                        let text = need(self, "text").and_then(|x| self.text(x, &p("text"), text_max, true));
                        call.zip(text).map(|(call, text)| Command::CallSay { call, text })
                    }
                    "hold_call" => {
                        let hold = need(self, "hold").and_then(|x| self.boolean(x, &p("hold")));
                        call.zip(hold).map(|(call, hold)| Command::HoldCall { call, hold })
                    }
                    _ => {
                        let d = need(self, "disposition")
                            .and_then(|x| self.word(DISPOSITIONS, x, &p("disposition"), "disposition"));
                        call.zip(d).map(|(call, disposition)| Command::EndCall { call, disposition })
                    }
                }
            }
            "chat_say" => {
                let client = need(self, "client").and_then(|x| {
                    let w = self.string(x, &p("client"))?;
                    if s.clients.iter().any(|c| c.id == w) {
                        Some(w)
                    } else {
                        let ids: Vec<&str> = s.clients.iter().map(|c| c.id.as_str()).collect();
                        let hint = did_you_mean(&w, ids.iter().copied());
                        self.err(
                            x.span(),
                            p("client"),
                            format!("unknown client \"{w}\"{hint} (known: {})", ids.join(", ")),
                        );
                        None
                    }
                });
                let text = need(self, "text").and_then(|x| self.text(x, &p("text"), text_max, true));
                client.zip(text).map(|(client, text)| Command::ChatSay { client, text })
            }
            _ => None,
        };
        // The same rule as for a person in that role.
        if let (Some(role), Some(cmd)) = (role, &command)
            && crate::protocol::authorize(SeatKind::Participant(role), crate::protocol::DrillStatus::Running, cmd)
                .is_err()
            && let Some(by) = field("by")
        {
            let allowed: Vec<&str> = vocab::ROLES
                .iter()
                .filter(|(_, r)| {
                    crate::protocol::authorize(SeatKind::Participant(*r), crate::protocol::DrillStatus::Running, cmd)
                        .is_ok()
                })
                .map(|(n, _)| *n)
                .collect();
            self.err(
                by.span(),
                p("by"),
                format!(
                    "a {} may not send \"{name}\" (who may: {})",
                    crate::review::role_name(role),
                    allowed.join(", ")
                ),
            );
        }
        let (line, col) = {
            let at = problem_at(self.text, v.span(), String::new(), String::new());
            (at.line, at.col)
        };
        match (tick, role, command, self.problems.len() == before) {
            (Some(tick), Some(role), Some(command), true) => {
                Some(TeamCommand { tick, role, command, current_call, line, col })
            }
            _ => None,
        }
    }
}

/// Most commands one team file holds.
pub const TEAM_COMMANDS_MAX: usize = 2_000;

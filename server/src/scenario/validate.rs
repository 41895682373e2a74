//! Stage two of loading: from the raw mirror to a [`Scenario`] whose
//! references are indices, collecting every problem with its position.
//!
//! Every check reports and carries on with a harmless stand-in value, so a
//! file with ten mistakes gets ten lines, sorted by position. A scenario is
//! returned only when there is no problem at all, so stand-ins (index 0 for
//! an unknown reference, say) never reach the simulation.

use std::collections::BTreeMap;

use serde::Deserialize as _;
use std::ops::Range;

use super::limits::*;
use super::raw::*;
use super::vocab::{self, lookup};
use super::*;

const SECONDS_PER_MIN: f64 = 60.0;
const PPM_PER_PCT: f64 = 10_000.0;
const DAY_S: u32 = 86_400;

/// Names that `{placeholders}` in talk scripts and templates may use; the
/// declaration fills them in.
pub const PLACEHOLDERS: &[&str] = &[
    "title",
    "incident_id",
    "declared_at",
    "now",
    "phase",
    "status",
    "owner",
    "comms_lead",
    "support_lead",
    "affected_regions",
    "affected_services",
    "affected_stores",
    "next_update",
    "store",
    "client",
];

/// Parses and validates scenario text. Returns every problem found, sorted
/// by position, or the scenario.
pub fn parse(text: &str) -> Result<Scenario, Vec<Problem>> {
    if text.len() > SCENARIO_FILE_BYTES_MAX {
        let message = format!("the file is {} bytes; the limit is {SCENARIO_FILE_BYTES_MAX}", text.len());
        return Err(vec![Problem { line: 1, col: 1, path: String::new(), message }]);
    }
    if let Some(at) = too_deep(text) {
        let message = format!("arrays and tables nest deeper than {NESTING_DEPTH_MAX} levels");
        return Err(vec![problem_at(text, at..at, String::new(), message)]);
    }
    let mut doc = match toml::de::DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_string();
            return Err(vec![problem_at(text, span, String::new(), message)]);
        }
    };
    // Unknown keys first, against the schema: each is reported (with the
    // closest valid key) and taken out, so that one typo does not hide
    // every other problem; a typo whose closest key is missing stands for
    // it, so its value is still checked and no "missing" follows.
    let mut v = Validator { text, problems: Vec::new() };
    let schema = json_schema();
    {
        let doc = doc.get_mut();
        v.unknown_keys(&schema, &schema, doc, "");
    }
    let raw: RawScenario = match RawScenario::deserialize(toml::de::Deserializer::from(doc)) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_string();
            v.problems.push(problem_at(text, span, String::new(), message));
            v.problems.sort_by(|a, b| (a.line, a.col, &a.path).cmp(&(b.line, b.col, &b.path)));
            return Err(v.problems);
        }
    };
    let scenario = v.scenario(&raw);
    if v.problems.is_empty() {
        Ok(scenario)
    } else {
        v.problems.sort_by(|a, b| (a.line, a.col, &a.path).cmp(&(b.line, b.col, &b.path)));
        Err(v.problems)
    }
}

pub(crate) fn problem_at(text: &str, span: Range<usize>, path: String, message: String) -> Problem {
    let start = span.start.min(text.len());
    let before = text.get(..start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text.get(line_start..start).map_or(1, |s| s.chars().count() + 1);
    Problem { line, col, path, message }
}

/// The byte offset at which arrays and inline tables nest deeper than
/// [`NESTING_DEPTH_MAX`], if they do. Strings and comments are skipped; the
/// scan is linear and needs no stack, so it is safe on any input.
fn too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                let triple = b.get(i..i + 3).is_some_and(|s| s.iter().all(|&c| c == q));
                i += if triple { 3 } else { 1 };
                while i < b.len() {
                    if q == b'"' && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == q && (!triple || b.get(i..i + 3).is_some_and(|s| s.iter().all(|&c| c == q))) {
                        i += if triple { 3 } else { 1 };
                        // A triple-quoted string may end with up to two more quotes.
                        while triple && i < b.len() && b[i] == q {
                            i += 1;
                        }
                        break;
                    }
                    if !triple && b[i] == b'\n' {
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > NESTING_DEPTH_MAX {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

struct Validator<'a> {
    text: &'a str,
    problems: Vec<Problem>,
}

/// Id -> index, for resolving references.
type Index = BTreeMap<String, usize>;

/// Every index a reference may point into.
struct Indexes {
    regions: Index,
    kinds: Index,
    clients: Index,
    services: Index,
    faults: Index,
    actions: Index,
    personas: Index,
}

/// Follows `$ref`s: the schema a reference names.
fn deref<'s>(root: &'s serde_json::Value, mut s: &'s serde_json::Value) -> &'s serde_json::Value {
    for _ in 0..16 {
        match s.get("$ref").and_then(serde_json::Value::as_str) {
            Some(r) => s = &root["$defs"][r.trim_start_matches("#/$defs/")],
            None => break,
        }
    }
    s
}

/// The branches a value may take: the schema itself, or those of its
/// `anyOf` / `oneOf`, references followed.
fn branches<'s>(root: &'s serde_json::Value, s: &'s serde_json::Value) -> Vec<&'s serde_json::Value> {
    let s = deref(root, s);
    match s.get("anyOf").or_else(|| s.get("oneOf")).and_then(serde_json::Value::as_array) {
        Some(list) => list.iter().map(|b| deref(root, b)).collect(),
        None => vec![s],
    }
}

/// The keys a table may have, with their schemas, when the schema closes
/// it (`additionalProperties: false` on every table branch); `None` when
/// any key may appear.
fn closed_keys<'s>(
    root: &'s serde_json::Value,
    s: &'s serde_json::Value,
) -> Option<Vec<(&'s str, &'s serde_json::Value)>> {
    let mut keys = Vec::new();
    let mut any = false;
    for b in branches(root, s) {
        let Some(props) = b.get("properties").and_then(serde_json::Value::as_object) else { continue };
        if b.get("additionalProperties") != Some(&serde_json::Value::Bool(false)) {
            return None;
        }
        any = true;
        for (k, v) in props {
            if !keys.iter().any(|(n, _)| n == k) {
                keys.push((k.as_str(), v));
            }
        }
    }
    any.then_some(keys)
}

impl Validator<'_> {
    /// Reports and removes every key the schema does not know, in every
    /// table of `t` (whose schema is `s`).
    fn unknown_keys(
        &mut self,
        root: &serde_json::Value,
        s: &serde_json::Value,
        t: &mut toml::de::DeTable<'_>,
        path: &str,
    ) {
        let Some(keys) = closed_keys(root, s) else { return };
        let at = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
        let mut unknown = Vec::new();
        for (k, child) in t.iter_mut() {
            let key: &str = k.get_ref();
            match keys.iter().find(|(n, _)| *n == key) {
                Some((_, cs)) => self.unknown_values(root, cs, child, &at(key)),
                None => unknown.push((key.to_string(), k.span())),
            }
        }
        for (key, span) in unknown {
            let names: Vec<&str> = keys.iter().map(|(n, _)| *n).collect();
            let closest = vocab::closest(&key, names.iter().copied());
            let hint = closest.map(|c| format!(" (did you mean \"{c}\"?)")).unwrap_or_default();
            self.err(span.clone(), at(&key), format!("unknown key \"{key}\"{hint} (known: {})", names.join(", ")));
            let Some(value) = t.remove(key.as_str()) else { continue };
            // The typo stands for the key it was meant to be, when that
            // one is not there.
            if let Some(c) = closest
                && !t.contains_key(c)
                && let Some((_, cs)) = keys.iter().find(|(n, _)| *n == c)
            {
                let mut value = value;
                self.unknown_values(root, cs, &mut value, &at(c));
                t.insert(toml::Spanned::new(span, std::borrow::Cow::Owned(c.to_string())), value);
            }
        }
    }

    /// [`Self::unknown_keys`] in a value: the tables in it and in its arrays.
    fn unknown_values(
        &mut self,
        root: &serde_json::Value,
        s: &serde_json::Value,
        v: &mut toml::Spanned<toml::de::DeValue<'_>>,
        path: &str,
    ) {
        match v.get_mut() {
            toml::de::DeValue::Table(t) => self.unknown_keys(root, s, t, path),
            toml::de::DeValue::Array(a) => {
                let items = branches(root, s).into_iter().find_map(|b| b.get("items"));
                if let Some(items) = items {
                    for (i, child) in a.iter_mut().enumerate() {
                        self.unknown_values(root, items, child, &format!("{path}[{i}]"));
                    }
                }
            }
            _ => {}
        }
    }

    fn err(&mut self, span: Range<usize>, path: impl Into<String>, message: impl Into<String>) {
        let p = problem_at(self.text, span, path.into(), message.into());
        self.problems.push(p);
    }

    fn scenario(&mut self, raw: &RawScenario) -> Scenario {
        let d = &raw.drill;
        self.check_id(&d.id, "drill.id");
        let title = self.text_field(&d.title, "drill.title", NAME_CHARS_MAX, true);
        let summary = self.opt_text(d.summary.as_ref(), "drill.summary", TEXT_CHARS_MAX);
        let duration_min = *d.duration_min.get_ref();
        if duration_min == 0 || duration_min > DRILL_DURATION_MIN_MAX {
            self.err(
                d.duration_min.span(),
                "drill.duration_min",
                format!("must be between 1 and {DRILL_DURATION_MIN_MAX}"),
            );
        }
        let duration_s = u64::from(duration_min.clamp(1, DRILL_DURATION_MIN_MAX)) * 60;
        let start_time_of_day_s = self.time_of_day(&d.start_time, "drill.start_time", false);
        let weekday = d.weekday.as_ref().and_then(|w| self.word(vocab::WEEKDAYS, w, "drill.weekday", "weekday"));
        let time_scale = match &d.time_scale {
            Some(s) if *s.get_ref() == 0 || *s.get_ref() > SPEED_MAX => {
                self.err(s.span(), "drill.time_scale", format!("must be between 1 and {SPEED_MAX}"));
                1
            }
            Some(s) => *s.get_ref(),
            None => 1,
        };
        let language = match &d.language {
            Some(l) if !is_language_tag(l.get_ref()) => {
                self.err(l.span(), "drill.language", "expected a language tag such as \"en\" or \"ja\"");
                String::new()
            }
            Some(l) => l.get_ref().clone(),
            None => "en".to_string(),
        };

        let ix = self.indexes(raw);
        let regions = self.regions(raw);
        let store = self.store(raw);
        let arrival_curve = match &raw.world.arrival_curve {
            Some(c) => self.curve(c, "world.arrival_curve"),
            None => vec![CurvePoint { at_s: 0, pct: 100 }],
        };
        let kinds = self.kinds(raw, &store, &arrival_curve);
        let clients = self.clients(raw, &ix);
        let support_desk = match &raw.world.support_desk {
            Some(n) if *n.get_ref() == 0 || *n.get_ref() > SUPPORT_DESK_MAX => {
                self.err(n.span(), "world.support_desk", format!("must be between 1 and {SUPPORT_DESK_MAX}"));
                3
            }
            Some(n) => *n.get_ref(),
            None => 3,
        };
        let services = self.services(raw, &ix, duration_s);
        let flows = self.flows(raw, &ix.services);
        let actions = self.actions(raw, &ix, duration_s);
        let faults = self.faults(raw, &ix, duration_s);
        let clues = self.clues(raw, &ix, duration_s);
        let health = self.health(raw);
        let personas = self.personas(raw, &ix);
        let injects = self.injects(raw, &ix, duration_s);
        let talk_scripts = self.talk_scripts(raw, &ix);
        let fallbacks = self.fallbacks(raw, &ix);
        let templates = self.templates(raw);
        let roles = self.roles(raw);
        let objectives = self.objectives(raw);

        Scenario {
            id: d.id.get_ref().clone(),
            title,
            summary,
            language,
            duration_s,
            start_time_of_day_s,
            weekday,
            time_scale,
            seed: d.seed.unwrap_or(1),
            regions,
            store,
            arrival_curve,
            kinds,
            clients,
            flows,
            services,
            faults,
            actions,
            clues,
            support_desk,
            health,
            personas,
            injects,
            talk_scripts,
            fallbacks,
            templates,
            roles,
            objectives,
        }
    }

    // --- building blocks -------------------------------------------------

    fn check_id(&mut self, id: &Sp<String>, path: &str) {
        let s = id.get_ref();
        let ok = !s.is_empty()
            && s.len() <= ID_CHARS_MAX
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !ok {
            self.err(id.span(), path, format!("ids use 1 to {ID_CHARS_MAX} characters from a-z, 0-9, '-' and '_'"));
        }
    }

    /// Checks a list's length against its limit; reports at the first entry
    /// over the limit.
    fn count<T>(&mut self, list: &[Sp<T>], max: usize, path: &str) {
        if let Some(extra) = list.get(max) {
            self.err(extra.span(), path, format!("at most {max} entries"));
        }
    }

    fn index<'s>(&mut self, ids: impl Iterator<Item = &'s Sp<String>>, list: &str) -> Index {
        let mut index = Index::new();
        let mut first: Vec<Range<usize>> = Vec::new();
        for (i, id) in ids.enumerate() {
            let path = format!("{list}[{i}].id");
            self.check_id(id, &path);
            first.push(id.span());
            match index.get(id.get_ref()) {
                Some(&j) => {
                    // Point at the first definition, which stays the one
                    // references resolve to.
                    let at = problem_at(self.text, first[j].clone(), String::new(), String::new());
                    let message = format!(
                        "duplicate id \"{}\" (first defined at line {}, column {}: {list}[{j}].id)",
                        id.get_ref(),
                        at.line,
                        at.col
                    );
                    self.err(id.span(), path, message);
                }
                None => {
                    index.insert(id.get_ref().clone(), i);
                }
            }
        }
        index
    }

    fn resolve(&mut self, name: &Sp<String>, index: &Index, path: String, what: &str) -> usize {
        match index.get(name.get_ref()) {
            Some(&i) => i,
            None => {
                let known = index.keys().map(String::as_str).collect::<Vec<_>>().join(", ");
                self.err(name.span(), path, format!("unknown {what} \"{}\" (known: {known})", name.get_ref()));
                0
            }
        }
    }

    fn resolve_list(&mut self, names: &[Sp<String>], index: &Index, path: &str, what: &str) -> Vec<usize> {
        self.count(names, REFERENCES_PER_LIST_MAX, path);
        let mut out: Vec<usize> = Vec::with_capacity(names.len());
        for (j, n) in names.iter().enumerate() {
            let i = self.resolve(n, index, format!("{path}[{j}]"), what);
            if out.contains(&i) && index.contains_key(n.get_ref()) {
                self.err(n.span(), format!("{path}[{j}]"), format!("\"{}\" is listed twice", n.get_ref()));
            }
            out.push(i);
        }
        out
    }

    fn word<T: Copy>(&mut self, list: &[(&'static str, T)], w: &Sp<String>, path: &str, what: &str) -> Option<T> {
        let found = lookup(list, w.get_ref());
        if found.is_none() {
            let known = vocab::names(list).join(", ");
            self.err(w.span(), path, format!("unknown {what} \"{}\" (one of: {known})", w.get_ref()));
        }
        found
    }

    fn text_field(&mut self, t: &Sp<String>, path: &str, max: usize, required: bool) -> String {
        let s = t.get_ref();
        if required && s.trim().is_empty() {
            self.err(t.span(), path, "must not be empty");
        }
        let n = s.chars().count();
        if n > max {
            self.err(t.span(), path, format!("{n} characters; the limit is {max}"));
        }
        s.clone()
    }

    fn opt_text(&mut self, t: Option<&Sp<String>>, path: &str, max: usize) -> String {
        t.map(|t| self.text_field(t, path, max, false)).unwrap_or_default()
    }

    fn time_of_day(&mut self, s: &Sp<String>, path: &str, allow_24: bool) -> u32 {
        match parse_hh_mm(s.get_ref(), allow_24) {
            Some(t) => t,
            None => {
                let range = if allow_24 { "00:00 to 24:00" } else { "00:00 to 23:59" };
                self.err(s.span(), path, format!("expected a time of day as \"HH:MM\" ({range})"));
                0
            }
        }
    }

    /// Minutes as seconds, within `min_s..=max_s`.
    fn minutes(&mut self, m: &Sp<f64>, path: &str, min_s: i64, max_s: i64) -> i64 {
        let v = *m.get_ref();
        let secs = v * SECONDS_PER_MIN;
        if !v.is_finite() || secs < min_s as f64 || secs > max_s as f64 {
            self.err(m.span(), path, format!("must be between {} and {} minutes", min_s / 60, max_s / 60));
            return min_s.max(0);
        }
        secs.round() as i64
    }

    /// A non-negative duration or offset in minutes, as seconds.
    fn minutes_u(&mut self, m: &Sp<f64>, path: &str, max_s: u64) -> u64 {
        self.minutes(m, path, 0, max_s as i64).max(0) as u64
    }

    /// A strictly positive duration in minutes, as seconds (at least one).
    fn minutes_pos(&mut self, m: &Sp<f64>, path: &str, max_s: u64) -> u64 {
        let v = *m.get_ref();
        if v.is_finite() && v <= 0.0 {
            self.err(m.span(), path, "must be more than 0 minutes");
            return 1;
        }
        self.minutes_u(m, path, max_s).max(1)
    }

    fn percent(&mut self, p: &Sp<u32>, path: &str) -> u32 {
        if *p.get_ref() > 100 {
            self.err(p.span(), path, "a percentage must be between 0 and 100");
        }
        (*p.get_ref()).min(100)
    }

    fn opt_percent(&mut self, p: Option<&Sp<u32>>, path: &str, default: u32) -> u32 {
        p.map_or(default, |p| self.percent(p, path))
    }

    /// A rate in percent (fractions allowed) as ppm; `zero_ok` allows 0.
    fn rate(&mut self, p: &Sp<f64>, path: &str, zero_ok: bool) -> u32 {
        let v = *p.get_ref();
        let ok = v.is_finite() && v <= 100.0 && if zero_ok { v >= 0.0 } else { v > 0.0 };
        if !ok {
            let lo = if zero_ok { "between 0" } else { "more than 0" };
            self.err(p.span(), path, format!("must be {lo} and at most 100 (percent)"));
            return 0;
        }
        (v * PPM_PER_PCT).round() as u32
    }

    fn latency(&mut self, l: &Sp<u32>, path: &str) -> u32 {
        if *l.get_ref() > LATENCY_MS_MAX {
            self.err(l.span(), path, format!("at most {LATENCY_MS_MAX} ms"));
        }
        (*l.get_ref()).min(LATENCY_MS_MAX)
    }

    fn placeholders(&mut self, t: &Sp<String>, path: &str) {
        for name in placeholder_names(t.get_ref()) {
            if !PLACEHOLDERS.contains(&name) {
                let known = PLACEHOLDERS.join(", ");
                self.err(t.span(), path, format!("unknown placeholder {{{name}}} (known: {known})"));
            }
        }
    }

    // --- the world -------------------------------------------------------

    fn indexes(&mut self, raw: &RawScenario) -> Indexes {
        let w = &raw.world;
        self.count(&w.regions, REGIONS_MAX, "world.regions");
        self.count(&w.kinds, KINDS_MAX, "world.kinds");
        self.count(&w.clients, CLIENTS_MAX, "world.clients");
        self.count(&raw.services, SERVICES_MAX, "services");
        self.count(&raw.faults, FAULTS_MAX, "faults");
        self.count(&raw.actions, ACTIONS_MAX, "actions");
        self.count(&raw.clues, CLUES_MAX, "clues");
        self.count(&raw.personas, PERSONAS_MAX, "personas");
        self.count(&raw.injects, INJECTS_MAX, "injects");
        self.count(&raw.talk_scripts, TALK_SCRIPTS_MAX, "talk_scripts");
        self.count(&raw.fallbacks, FALLBACKS_MAX, "fallbacks");
        self.count(&raw.roles, ROLES_MAX, "roles");
        self.count(&raw.objectives, OBJECTIVES_MAX, "objectives");
        // Ids that nothing refers to are still checked for form and
        // duplicates: the review and the client key on them.
        self.index(raw.clues.iter().map(|c| &c.get_ref().id), "clues");
        self.index(raw.injects.iter().map(|c| &c.get_ref().id), "injects");
        self.index(raw.talk_scripts.iter().map(|c| &c.get_ref().id), "talk_scripts");
        self.index(raw.fallbacks.iter().map(|c| &c.get_ref().id), "fallbacks");
        if let Some(t) = &raw.templates {
            self.count(&t.notices, NOTICE_DRAFTS_MAX, "templates.notices");
            self.index(t.notices.iter().map(|c| &c.get_ref().id), "templates.notices");
        }
        Indexes {
            regions: self.index(w.regions.iter().map(|r| &r.get_ref().id), "world.regions"),
            kinds: self.index(w.kinds.iter().map(|r| &r.get_ref().id), "world.kinds"),
            clients: self.index(w.clients.iter().map(|r| &r.get_ref().id), "world.clients"),
            services: self.index(raw.services.iter().map(|s| &s.get_ref().id), "services"),
            faults: self.index(raw.faults.iter().map(|f| &f.get_ref().id), "faults"),
            actions: self.index(raw.actions.iter().map(|a| &a.get_ref().id), "actions"),
            personas: self.index(raw.personas.iter().map(|p| &p.get_ref().id), "personas"),
        }
    }

    fn regions(&mut self, raw: &RawScenario) -> Vec<Region> {
        if raw.world.regions.is_empty() {
            self.err(0..0, "world.regions", "a world needs at least one region");
        }
        let mut total: u64 = 0;
        let mut out = Vec::with_capacity(raw.world.regions.len());
        for (i, r) in raw.world.regions.iter().enumerate() {
            let r = r.get_ref();
            let stores = *r.stores.get_ref();
            if stores == 0 {
                self.err(r.stores.span(), format!("world.regions[{i}].stores"), "a region needs at least one store");
            }
            total += u64::from(stores);
            let name = self.text_field(&r.name, &format!("world.regions[{i}].name"), NAME_CHARS_MAX, true);
            out.push(Region { id: r.id.get_ref().clone(), name, stores });
        }
        if total > u64::from(STORES_PER_DRILL_MAX)
            && let Some(last) = raw.world.regions.last()
        {
            self.err(
                last.get_ref().stores.span(),
                "world.regions",
                format!("{total} stores in all; the limit is {STORES_PER_DRILL_MAX}"),
            );
        }
        out
    }

    fn store(&mut self, raw: &RawScenario) -> StoreProfile {
        let default = StoreProfile {
            avg_ticket_yen: 1_200,
            peak_guests_per_hour: 40,
            card_share_pct: 65,
            mobile_order_share_pct: 30,
        };
        match &raw.world.store {
            None => default,
            Some(s) => StoreProfile {
                avg_ticket_yen: self.ticket(
                    s.avg_ticket_yen.as_ref(),
                    "world.store.avg_ticket_yen",
                    default.avg_ticket_yen,
                ),
                peak_guests_per_hour: self.guests(
                    s.peak_guests_per_hour.as_ref(),
                    "world.store.peak_guests_per_hour",
                    default.peak_guests_per_hour,
                ),
                card_share_pct: self.opt_percent(
                    s.card_share_pct.as_ref(),
                    "world.store.card_share_pct",
                    default.card_share_pct,
                ),
                mobile_order_share_pct: self.opt_percent(
                    s.mobile_order_share_pct.as_ref(),
                    "world.store.mobile_order_share_pct",
                    default.mobile_order_share_pct,
                ),
            },
        }
    }

    fn ticket(&mut self, t: Option<&Sp<u32>>, path: &str, default: u32) -> u32 {
        let Some(t) = t else { return default };
        if *t.get_ref() == 0 || *t.get_ref() > TICKET_YEN_MAX {
            self.err(t.span(), path, format!("must be between 1 and {TICKET_YEN_MAX} yen"));
            return default;
        }
        *t.get_ref()
    }

    fn guests(&mut self, g: Option<&Sp<u32>>, path: &str, default: u32) -> u32 {
        let Some(g) = g else { return default };
        if *g.get_ref() > GUESTS_PER_HOUR_MAX {
            self.err(g.span(), path, format!("at most {GUESTS_PER_HOUR_MAX} (one guest a second)"));
            return default;
        }
        *g.get_ref()
    }

    fn curve(&mut self, c: &Sp<Vec<Sp<RawCurvePoint>>>, path: &str) -> Vec<CurvePoint> {
        let points = c.get_ref();
        if points.is_empty() {
            self.err(c.span(), path, "needs at least one point");
        }
        self.count(points, CURVE_POINTS_MAX, path);
        let mut out: Vec<CurvePoint> = Vec::with_capacity(points.len());
        for (i, p) in points.iter().enumerate() {
            let p = p.get_ref();
            let at_s = self.time_of_day(&p.at, &format!("{path}[{i}].at"), false);
            let pct = self.percent(&p.pct, &format!("{path}[{i}].pct"));
            if let Some(prev) = out.last()
                && at_s <= prev.at_s
            {
                self.err(p.at.span(), format!("{path}[{i}].at"), "times must increase");
            }
            out.push(CurvePoint { at_s, pct });
        }
        out
    }

    fn kinds(&mut self, raw: &RawScenario, store: &StoreProfile, curve: &[CurvePoint]) -> Vec<StoreKind> {
        let all = Products { mobile_order_pct: 100, pos_pct: 100, payments_pct: 100 };
        if raw.world.kinds.is_empty() {
            return vec![StoreKind {
                id: "store".into(),
                name: "Store".into(),
                share_pct: 100,
                size_pct: 100,
                profile: *store,
                hours: None,
                arrival_curve: curve.to_vec(),
                uses: all,
            }];
        }
        let mut share_total = 0;
        let mut out = Vec::with_capacity(raw.world.kinds.len());
        for (i, k) in raw.world.kinds.iter().enumerate() {
            let p = format!("world.kinds[{i}]");
            let k = k.get_ref();
            let name = self.text_field(&k.name, &format!("{p}.name"), NAME_CHARS_MAX, true);
            let share_pct = self.percent(&k.share_pct, &format!("{p}.share_pct"));
            share_total += share_pct;
            let size_pct = match &k.size_pct {
                Some(s) if *s.get_ref() == 0 || *s.get_ref() > STORE_SIZE_PCT_MAX => {
                    self.err(s.span(), format!("{p}.size_pct"), format!("must be between 1 and {STORE_SIZE_PCT_MAX}"));
                    100
                }
                Some(s) => *s.get_ref(),
                None => 100,
            };
            let profile = StoreProfile {
                avg_ticket_yen: self.ticket(
                    k.avg_ticket_yen.as_ref(),
                    &format!("{p}.avg_ticket_yen"),
                    store.avg_ticket_yen,
                ),
                peak_guests_per_hour: self.guests(
                    k.peak_guests_per_hour.as_ref(),
                    &format!("{p}.peak_guests_per_hour"),
                    store.peak_guests_per_hour,
                ),
                card_share_pct: self.opt_percent(
                    k.card_share_pct.as_ref(),
                    &format!("{p}.card_share_pct"),
                    store.card_share_pct,
                ),
                mobile_order_share_pct: self.opt_percent(
                    k.mobile_order_share_pct.as_ref(),
                    &format!("{p}.mobile_order_share_pct"),
                    store.mobile_order_share_pct,
                ),
            };
            let hours = match (&k.opens, &k.closes) {
                (None, None) => None,
                (Some(o), Some(c)) => {
                    let opens = self.time_of_day(o, &format!("{p}.opens"), false);
                    let closes = self.time_of_day(c, &format!("{p}.closes"), true);
                    if opens == closes % DAY_S {
                        self.err(c.span(), format!("{p}.closes"), "a store cannot close when it opens");
                    }
                    Some((opens, closes))
                }
                (Some(one), None) | (None, Some(one)) => {
                    self.err(one.span(), p.clone(), "give both `opens` and `closes`, or neither");
                    None
                }
            };
            let arrival_curve = match &k.arrival_curve {
                Some(c) => self.curve(c, &format!("{p}.arrival_curve")),
                None => curve.to_vec(),
            };
            let uses = match &k.uses {
                None => all,
                Some(u) => Products {
                    mobile_order_pct: self.opt_percent(
                        u.mobile_order_pct.as_ref(),
                        &format!("{p}.uses.mobile_order_pct"),
                        100,
                    ),
                    pos_pct: self.opt_percent(u.pos_pct.as_ref(), &format!("{p}.uses.pos_pct"), 100),
                    payments_pct: self.opt_percent(u.payments_pct.as_ref(), &format!("{p}.uses.payments_pct"), 100),
                },
            };
            out.push(StoreKind {
                id: k.id.get_ref().clone(),
                name,
                share_pct,
                size_pct,
                profile,
                hours,
                arrival_curve,
                uses,
            });
        }
        if share_total != 100
            && let Some(first) = raw.world.kinds.first()
        {
            self.err(
                first.get_ref().share_pct.span(),
                "world.kinds",
                format!("the kinds' shares add up to {share_total}%, not 100%"),
            );
        }
        out
    }

    fn clients(&mut self, raw: &RawScenario, ix: &Indexes) -> Vec<Client> {
        let mut out = Vec::with_capacity(raw.world.clients.len());
        for (i, c) in raw.world.clients.iter().enumerate() {
            let p = format!("world.clients[{i}]");
            let span = c.span();
            let c = c.get_ref();
            let name = self.text_field(&c.name, &format!("{p}.name"), NAME_CHARS_MAX, true);
            let regions = self.resolve_list(&c.regions, &ix.regions, &format!("{p}.regions"), "region");
            let kinds = self.resolve_list(&c.kinds, &ix.kinds, &format!("{p}.kinds"), "store kind");
            let size = match (&c.stores, &c.share_pct) {
                (Some(n), None) => {
                    if *n.get_ref() == 0 || *n.get_ref() > STORES_PER_DRILL_MAX {
                        self.err(
                            n.span(),
                            format!("{p}.stores"),
                            format!("must be between 1 and {STORES_PER_DRILL_MAX}"),
                        );
                    }
                    ClientSize::Stores(*n.get_ref())
                }
                (None, Some(s)) => {
                    if *s.get_ref() == 0 || *s.get_ref() > 100 {
                        self.err(s.span(), format!("{p}.share_pct"), "must be between 1 and 100");
                    }
                    ClientSize::SharePct(*s.get_ref())
                }
                (Some(n), Some(_)) => {
                    self.err(n.span(), p, "give `stores` or `share_pct`, not both");
                    ClientSize::Stores(0)
                }
                (None, None) => {
                    self.err(span, p, "give `stores` (a count) or `share_pct` (a share of the matching stores)");
                    ClientSize::Stores(0)
                }
            };
            out.push(Client { id: c.id.get_ref().clone(), name, regions, kinds, size });
        }
        out
    }

    // --- services ----------------------------------------------------------

    fn services(&mut self, raw: &RawScenario, ix: &Indexes, duration_s: u64) -> Vec<Service> {
        let problems_before = self.problems.len();
        let mut out = Vec::with_capacity(raw.services.len());
        for (i, s) in raw.services.iter().enumerate() {
            let p = format!("services[{i}]");
            let s = s.get_ref();
            let name = self.text_field(&s.name, &format!("{p}.name"), NAME_CHARS_MAX, true);
            self.count(&s.depends_on, DEPENDENCIES_PER_SERVICE_MAX, &format!("{p}.depends_on"));
            let depends_on = s
                .depends_on
                .iter()
                .enumerate()
                .map(|(j, d)| self.resolve(d, &ix.services, format!("{p}.depends_on[{j}]"), "service"))
                .collect();
            let version = self.opt_text(s.version.as_ref(), &format!("{p}.version"), NAME_CHARS_MAX);
            let normal_error_ppm = match &s.normal_error_pct {
                Some(e) if *e.get_ref() >= 100.0 => {
                    self.err(e.span(), format!("{p}.normal_error_pct"), "a service that always fails is a fault");
                    0
                }
                Some(e) => self.rate(e, &format!("{p}.normal_error_pct"), true),
                None => 0,
            };
            let normal_latency_ms =
                s.normal_latency_ms.as_ref().map_or(0, |l| self.latency(l, &format!("{p}.normal_latency_ms")));
            self.count(&s.deploys, DEPLOYS_PER_SERVICE_MAX, &format!("{p}.deploys"));
            let mut deploys: Vec<Deploy> = Vec::with_capacity(s.deploys.len());
            for (j, d) in s.deploys.iter().enumerate() {
                let dp = format!("{p}.deploys[{j}]");
                let d = d.get_ref();
                let version = self.text_field(&d.version, &format!("{dp}.version"), NAME_CHARS_MAX, true);
                let history = i64::from(DEPLOY_HISTORY_MIN_MAX) * 60;
                let at_s = self.minutes(&d.at_min, &format!("{dp}.at_min"), -history, duration_s as i64);
                if deploys.last().is_some_and(|prev| prev.at_s > at_s) {
                    self.err(d.at_min.span(), format!("{dp}.at_min"), "deploys must be listed in time order");
                }
                let by = self.opt_text(d.by.as_ref(), &format!("{dp}.by"), NAME_CHARS_MAX);
                let note = self.opt_text(d.note.as_ref(), &format!("{dp}.note"), TEXT_CHARS_MAX);
                deploys.push(Deploy { version, at_s, by, note });
            }
            let alert_errors_above_ppm = s.alert_errors_above_pct.as_ref().map(|x| {
                if *x.get_ref() == 0 {
                    self.err(x.span(), format!("{p}.alert_errors_above_pct"), "must be between 1 and 100");
                }
                self.percent(x, &format!("{p}.alert_errors_above_pct")).max(1) * 10_000
            });
            let alert_latency_above_ms = s.alert_latency_above_ms.as_ref().map(|x| {
                if *x.get_ref() == 0 || *x.get_ref() > LATENCY_MS_MAX {
                    self.err(
                        x.span(),
                        format!("{p}.alert_latency_above_ms"),
                        format!("must be between 1 and {LATENCY_MS_MAX} ms"),
                    );
                }
                (*x.get_ref()).clamp(1, LATENCY_MS_MAX)
            });
            let alert_after_s = s
                .alert_after_min
                .as_ref()
                .map_or(0, |m| self.minutes_u(m, &format!("{p}.alert_after_min"), duration_s));
            out.push(Service {
                id: s.id.get_ref().clone(),
                name,
                depends_on,
                version,
                vendor: s.vendor,
                normal_error_ppm,
                normal_latency_ms,
                deploys,
                alert_errors_above_ppm,
                alert_latency_above_ms,
                alert_after_s,
            });
        }
        if self.problems.len() == problems_before {
            // Unresolved references point at index 0 and would invent cycles.
            self.check_cycles(&raw.services, &out);
        }
        out
    }

    /// Kahn's algorithm: whatever cannot be ordered after removing every
    /// service whose dependencies are all removed sits in or behind a cycle.
    fn check_cycles(&mut self, raw: &[Sp<RawService>], services: &[Service]) {
        let n = services.len();
        let mut unresolved: Vec<usize> = services.iter().map(|s| s.depends_on.len()).collect();
        let mut dependents = vec![Vec::new(); n];
        for (i, s) in services.iter().enumerate() {
            for &d in &s.depends_on {
                dependents[d].push(i);
            }
        }
        let mut ready: Vec<usize> = (0..n).filter(|&i| unresolved[i] == 0).collect();
        while let Some(i) = ready.pop() {
            for &p in &dependents[i] {
                unresolved[p] -= 1;
                if unresolved[p] == 0 {
                    ready.push(p);
                }
            }
        }
        for (i, left) in unresolved.iter().enumerate() {
            if *left > 0 {
                self.err(raw[i].get_ref().id.span(), format!("services[{i}].depends_on"), "dependencies form a cycle");
            }
        }
    }

    fn flows(&mut self, raw: &RawScenario, index: &Index) -> Flows {
        let Some(flows) = &raw.flows else {
            self.err(0..0, "flows", "missing [flows]: name the entry service of each guest step");
            return Flows { order_mobile: 0, order_counter: 0, pay_card: 0, pay_cash: 0 };
        };
        let f = flows.get_ref();
        Flows {
            order_mobile: self.resolve(&f.order_mobile, index, "flows.order_mobile".into(), "service"),
            order_counter: self.resolve(&f.order_counter, index, "flows.order_counter".into(), "service"),
            pay_card: self.resolve(&f.pay_card, index, "flows.pay_card".into(), "service"),
            pay_cash: self.resolve(&f.pay_cash, index, "flows.pay_cash".into(), "service"),
        }
    }

    // --- the timeline ------------------------------------------------------

    fn actions(&mut self, raw: &RawScenario, ix: &Indexes, duration_s: u64) -> Vec<Action> {
        let mut out = Vec::with_capacity(raw.actions.len());
        for (i, a) in raw.actions.iter().enumerate() {
            let p = format!("actions[{i}]");
            let a = a.get_ref();
            let label = self.text_field(&a.label, &format!("{p}.label"), TEXT_CHARS_MAX, true);
            let service = self.resolve(&a.service, &ix.services, format!("{p}.service"), "service");
            let delay_s = self.minutes_u(&a.delay_min, &format!("{p}.delay_min"), u64::from(ACTION_DELAY_MIN_MAX) * 60);
            let kind = a
                .kind
                .as_ref()
                .and_then(|k| self.word(vocab::ACTION_KINDS, k, &format!("{p}.kind"), "action kind"))
                .unwrap_or(ActionKind::Other);
            let to_version = a.to_version.as_ref().map(|v| {
                if kind != ActionKind::Rollback {
                    self.err(v.span(), format!("{p}.to_version"), "only a rollback goes back to a version");
                }
                self.text_field(v, &format!("{p}.to_version"), NAME_CHARS_MAX, true)
            });
            let side_effect = a.side_effect.as_ref().map(|e| {
                let ep = format!("{p}.side_effect");
                let e = e.get_ref();
                let kind = self
                    .word(vocab::EFFECT_KINDS, &e.kind, &format!("{ep}.kind"), "effect")
                    .unwrap_or(EffectKind::Down);
                let magnitude = match kind {
                    EffectKind::Down => {
                        if let Some(r) = &e.error_rate_pct {
                            self.err(
                                r.span(),
                                format!("{ep}.error_rate_pct"),
                                "a service that is down fails every call",
                            );
                        }
                        Magnitude { error_ppm: PPM, latency_ms: 0, loss_ppm: 0 }
                    }
                    EffectKind::Errors => Magnitude {
                        error_ppm: self.required_rate(
                            e.error_rate_pct.as_ref(),
                            e.kind.span(),
                            &ep,
                            "error_rate_pct",
                            "errors",
                        ),
                        latency_ms: e.latency_ms.as_ref().map_or(0, |l| self.latency(l, &format!("{ep}.latency_ms"))),
                        loss_ppm: 0,
                    },
                    EffectKind::Latency => Magnitude {
                        error_ppm: e
                            .error_rate_pct
                            .as_ref()
                            .map_or(0, |r| self.rate(r, &format!("{ep}.error_rate_pct"), true)),
                        latency_ms: self.required_latency(e.latency_ms.as_ref(), e.kind.span(), &ep),
                        loss_ppm: 0,
                    },
                };
                let duration_s = self.minutes_pos(&e.duration_min, &format!("{ep}.duration_min"), duration_s);
                let regions = self.resolve_list(&e.regions, &ix.regions, &format!("{ep}.regions"), "region");
                SideEffect { kind, magnitude, duration_s, regions }
            });
            out.push(Action { id: a.id.get_ref().clone(), label, service, delay_s, kind, to_version, side_effect });
        }
        out
    }

    fn required_rate(&mut self, r: Option<&Sp<f64>>, at: Range<usize>, p: &str, field: &str, kind: &str) -> u32 {
        match r {
            Some(r) => self.rate(r, &format!("{p}.{field}"), false),
            None => {
                self.err(at, format!("{p}.{field}"), format!("a {kind} fault needs `{field}`"));
                0
            }
        }
    }

    fn required_latency(&mut self, l: Option<&Sp<u32>>, at: Range<usize>, p: &str) -> u32 {
        match l {
            Some(l) if *l.get_ref() == 0 => {
                self.err(l.span(), format!("{p}.latency_ms"), "must be more than 0 ms");
                0
            }
            Some(l) => self.latency(l, &format!("{p}.latency_ms")),
            None => {
                self.err(at, format!("{p}.latency_ms"), "a latency fault needs `latency_ms`");
                0
            }
        }
    }

    fn trigger(
        &mut self,
        (at_min, when): (Option<&Sp<f64>>, Option<&Sp<RawWhen>>),
        whole: Range<usize>,
        p: &str,
        duration_s: u64,
        ix: &Indexes,
        what: &str,
    ) -> Trigger {
        match (at_min, when) {
            (Some(at), None) => {
                let s = self.minutes_u(at, &format!("{p}.at_min"), u64::MAX / 120);
                if s >= duration_s {
                    self.err(
                        at.span(),
                        format!("{p}.at_min"),
                        format!("{what} after the drill ends (at {} min)", duration_s / 60),
                    );
                }
                Trigger::At(s)
            }
            (None, Some(w)) => {
                let span = w.span();
                let w = w.get_ref();
                let wp = format!("{p}.when");
                let mut found: Vec<Condition> = Vec::new();
                if let Some(f) = &w.fault_started {
                    found.push(Condition::FaultStarted(self.resolve(
                        f,
                        &ix.faults,
                        format!("{wp}.fault_started"),
                        "fault",
                    )));
                }
                if let Some(f) = &w.fault_ended {
                    found.push(Condition::FaultEnded(self.resolve(
                        f,
                        &ix.faults,
                        format!("{wp}.fault_ended"),
                        "fault",
                    )));
                }
                if let Some(a) = &w.action_run {
                    found.push(Condition::ActionRun(self.resolve(
                        a,
                        &ix.actions,
                        format!("{wp}.action_run"),
                        "action",
                    )));
                }
                if let Some(a) = &w.action_done {
                    found.push(Condition::ActionDone(self.resolve(
                        a,
                        &ix.actions,
                        format!("{wp}.action_done"),
                        "action",
                    )));
                }
                if let Some(d) = &w.declared {
                    if !*d.get_ref() {
                        self.err(d.span(), format!("{wp}.declared"), "only `declared = true` is a condition");
                    }
                    found.push(Condition::Declared);
                }
                if let Some(ph) = &w.phase {
                    let phase = self.word(vocab::PHASES, ph, &format!("{wp}.phase"), "phase");
                    found.push(Condition::Phase(phase.unwrap_or(Phase::Resolved)));
                }
                if let Some(n) = &w.notice_published {
                    if !*n.get_ref() {
                        self.err(
                            n.span(),
                            format!("{wp}.notice_published"),
                            "only `notice_published = true` is a condition",
                        );
                    }
                    found.push(Condition::NoticePublished);
                }
                if let Some(r) = &w.resolved_too_early {
                    if !*r.get_ref() {
                        self.err(
                            r.span(),
                            format!("{wp}.resolved_too_early"),
                            "only `resolved_too_early = true` is a condition",
                        );
                    }
                    found.push(Condition::ResolvedTooEarly);
                }
                if let Some(y) = &w.lost_revenue_above_yen {
                    found.push(Condition::LostRevenueAbove(*y.get_ref()));
                }
                if let Some(n) = &w.stores_calling_above {
                    found.push(Condition::StoresCallingAbove(*n.get_ref()));
                }
                let delay_s =
                    w.after_min.as_ref().map_or(0, |a| self.minutes_u(a, &format!("{wp}.after_min"), duration_s));
                match found.as_slice() {
                    [one] => Trigger::When(*one, delay_s),
                    [] => {
                        self.err(span, wp, "name one condition (fault_started, fault_ended, action_run, action_done, declared, phase, notice_published, resolved_too_early, lost_revenue_above_yen, stores_calling_above)");
                        Trigger::At(0)
                    }
                    _ => {
                        self.err(span, wp, "name only one condition");
                        Trigger::At(0)
                    }
                }
            }
            (Some(at), Some(_)) => {
                self.err(at.span(), p, "give `at_min` or `when`, not both");
                Trigger::At(0)
            }
            (None, None) => {
                self.err(whole, p, "give `at_min` (a time) or `when` (a condition)");
                Trigger::At(0)
            }
        }
    }

    fn faults(&mut self, raw: &RawScenario, ix: &Indexes, duration_s: u64) -> Vec<Fault> {
        let mut out = Vec::with_capacity(raw.faults.len());
        for (i, f) in raw.faults.iter().enumerate() {
            let fault = self.fault(i, f, ix, duration_s);
            out.push(fault);
        }
        out
    }

    fn fault(&mut self, i: usize, f: &Sp<RawFault>, ix: &Indexes, duration_s: u64) -> Fault {
        let p = format!("faults[{i}]");
        let whole = f.span();
        let raw = f.get_ref();
        let service = self.resolve(&raw.service, &ix.services, format!("{p}.service"), "service");
        let trigger =
            self.trigger((raw.at_min.as_ref(), raw.when.as_ref()), whole.clone(), &p, duration_s, ix, "starts");
        if let Trigger::When(Condition::FaultStarted(j) | Condition::FaultEnded(j), _) = trigger
            && j == i
            && let Some(w) = &raw.when
        {
            self.err(w.span(), format!("{p}.when"), "a fault cannot wait for itself");
        }
        let kind = raw
            .kind
            .as_ref()
            .and_then(|k| self.word(vocab::FAULT_KINDS, k, &format!("{p}.kind"), "fault kind"))
            .unwrap_or(FaultKind::Errors);
        let kind_span = raw.kind.as_ref().map_or(raw.id.span(), Sp::span);
        let magnitude = self.magnitude(kind, raw, kind_span, &p);
        let scope = Scope {
            regions: self.resolve_list(&raw.regions, &ix.regions, &format!("{p}.regions"), "region"),
            clients: self.resolve_list(&raw.clients, &ix.clients, &format!("{p}.clients"), "client"),
            kinds: self.resolve_list(&raw.kinds, &ix.kinds, &format!("{p}.kinds"), "store kind"),
            store_share_ppm: raw
                .store_share_pct
                .as_ref()
                .map_or(PPM, |s| self.rate(s, &format!("{p}.store_share_pct"), false)),
        };
        let stages = self.stages(kind, raw, magnitude, &p, duration_s);
        self.count(&raw.spreads, SPREADS_PER_FAULT_MAX, &format!("{p}.spreads"));
        let mut spreads: Vec<Spread> = Vec::with_capacity(raw.spreads.len());
        for (j, s) in raw.spreads.iter().enumerate() {
            let sp = format!("{p}.spreads[{j}]");
            let s = s.get_ref();
            let after_s = self.minutes_u(&s.after_min, &format!("{sp}.after_min"), duration_s);
            if spreads.last().is_some_and(|prev| prev.after_s > after_s) {
                self.err(s.after_min.span(), format!("{sp}.after_min"), "spreads must be listed in time order");
            }
            if s.regions.get_ref().is_empty() {
                self.err(s.regions.span(), format!("{sp}.regions"), "name the regions it spreads to");
            }
            let regions = self.resolve_list(s.regions.get_ref(), &ix.regions, &format!("{sp}.regions"), "region");
            let strength_pct = match &s.strength_pct {
                Some(x) if *x.get_ref() == 0 || *x.get_ref() > 100 => {
                    self.err(x.span(), format!("{sp}.strength_pct"), "must be between 1 and 100");
                    100
                }
                Some(x) => *x.get_ref(),
                None => 100,
            };
            spreads.push(Spread { after_s, regions, strength_pct });
        }
        let waves = raw.waves.as_ref().map(|w| {
            let wp = format!("{p}.waves");
            let w = w.get_ref();
            let on_s = self.minutes_pos(&w.on_min, &format!("{wp}.on_min"), duration_s);
            let off_s = self.minutes_pos(&w.off_min, &format!("{wp}.off_min"), duration_s);
            let count = w.count.as_ref().map(|c| {
                if *c.get_ref() == 0 {
                    self.err(c.span(), format!("{wp}.count"), "at least one wave");
                }
                *c.get_ref()
            });
            Waves { on_s, off_s, count }
        });
        let recovers_after_s = raw
            .recovers_after_min
            .as_ref()
            .map(|r| self.minutes_pos(r, &format!("{p}.recovers_after_min"), duration_s));
        let root_cause = self.text_field(&raw.root_cause, &format!("{p}.root_cause"), LONG_TEXT_CHARS_MAX, true);
        self.count(&raw.wave_times, STAGES_PER_FAULT_MAX, &format!("{p}.wave_times"));
        let mut wave_times: Vec<(u64, u64)> = Vec::with_capacity(raw.wave_times.len());
        for (j, w) in raw.wave_times.iter().enumerate() {
            let wp = format!("{p}.wave_times[{j}]");
            let w = w.get_ref();
            let from = self.minutes_u(&w.from_min, &format!("{wp}.from_min"), duration_s);
            let to = self.minutes_u(&w.to_min, &format!("{wp}.to_min"), duration_s);
            if to <= from {
                self.err(w.to_min.span(), format!("{wp}.to_min"), "must be later than `from_min`");
            }
            if wave_times.last().is_some_and(|&(_, prev_to)| from < prev_to) {
                self.err(w.from_min.span(), format!("{wp}.from_min"), "waves must be in time order, one after another");
            }
            wave_times.push((from, to.max(from + 1)));
        }
        if let (Some(w), Some(_)) = (raw.wave_times.first(), &raw.waves) {
            self.err(w.span(), format!("{p}.wave_times"), "use `waves` or `wave_times`, not both");
        }
        if wave_times.first().is_some_and(|&(from, _)| from > 0) {
            // A fault is hurting from its start; its first wave starts it.
            self.err(
                raw.wave_times[0].get_ref().from_min.span(),
                format!("{p}.wave_times[0].from_min"),
                "the first wave starts with the fault: 0",
            );
        }
        let caused_by = raw.caused_by.as_ref().map(|c| {
            let j = self.resolve(c, &ix.faults, format!("{p}.caused_by"), "fault");
            if j == i && ix.faults.contains_key(c.get_ref()) {
                self.err(c.span(), format!("{p}.caused_by"), "a fault cannot cause itself");
            }
            j
        });
        let with_cause = match &raw.with_cause {
            None => WithCause::Ends,
            Some(w) => {
                if caused_by.is_none() {
                    self.err(w.span(), format!("{p}.with_cause"), "only a fault with `caused_by` follows its cause");
                }
                match w.get_ref().as_str() {
                    "ends" => WithCause::Ends,
                    "eases" => WithCause::Eases,
                    "stays" => WithCause::Stays,
                    other => {
                        self.err(
                            w.span(),
                            format!("{p}.with_cause"),
                            format!("unknown rule \"{other}\" (one of: ends, eases, stays)"),
                        );
                        WithCause::Ends
                    }
                }
            }
        };
        let sped_by = self.resolve_list(&raw.sped_by, &ix.actions, &format!("{p}.sped_by"), "action");
        if let Some(x) = raw.sped_by.first()
            && recovers_after_s.is_none()
        {
            self.err(
                x.span(),
                format!("{p}.sped_by"),
                "only a fault that recovers by itself (`recovers_after_min`) can be sped up",
            );
        }
        let sped_by_pct = raw.sped_by_pct.as_ref().map_or(50, |x| self.percent(x, &format!("{p}.sped_by_pct")));
        // A fault with no fix of the company's own (a vendor's outage) must
        // end some other way.
        let ends_itself = recovers_after_s.is_some()
            || raw.waves.as_ref().is_some_and(|w| w.get_ref().count.is_some())
            || !wave_times.is_empty()
            || (caused_by.is_some() && with_cause == WithCause::Ends);
        if raw.fixed_by.get_ref().is_empty() && !ends_itself {
            self.err(
                raw.fixed_by.span(),
                format!("{p}.fixed_by"),
                "a fault needs at least one fix, unless it ends by itself (`recovers_after_min`, `waves` with a `count`, `wave_times`) or with its cause (`caused_by`)",
            );
        }
        let fixed_by = self.resolve_list(raw.fixed_by.get_ref(), &ix.actions, &format!("{p}.fixed_by"), "action");
        let fix_needs_all = match &raw.fix_needs {
            None => false,
            Some(w) => match w.get_ref().as_str() {
                "any" => false,
                "all" => true,
                other => {
                    self.err(
                        w.span(),
                        format!("{p}.fix_needs"),
                        format!("unknown fix rule \"{other}\" (one of: any, all)"),
                    );
                    false
                }
            },
        };
        let relieved_by = self.resolve_list(&raw.relieved_by, &ix.actions, &format!("{p}.relieved_by"), "action");
        Fault {
            id: raw.id.get_ref().clone(),
            service,
            trigger,
            kind,
            magnitude,
            scope,
            stages,
            spreads,
            waves,
            recovers_after_s,
            root_cause,
            fixed_by,
            fix_needs_all,
            relieved_by,
            caused_by,
            with_cause,
            sped_by,
            sped_by_pct,
            wave_times,
        }
    }

    /// A fault's starting strength, checked against its kind.
    fn magnitude(&mut self, kind: FaultKind, raw: &RawFault, kind_span: Range<usize>, p: &str) -> Magnitude {
        let error = raw.error_rate_pct.as_ref();
        let latency = raw.latency_ms.as_ref();
        let loss = raw.loss_rate_pct.as_ref();
        if kind != FaultKind::DataLoss
            && let Some(l) = loss
        {
            self.err(l.span(), format!("{p}.loss_rate_pct"), "only a data_loss fault loses data");
        }
        match kind {
            FaultKind::Errors => Magnitude {
                error_ppm: self.required_rate(error, kind_span.clone(), p, "error_rate_pct", "errors"),
                latency_ms: latency.map_or(0, |l| self.latency(l, &format!("{p}.latency_ms"))),
                loss_ppm: 0,
            },
            FaultKind::Latency => Magnitude {
                error_ppm: error.map_or(0, |r| self.rate(r, &format!("{p}.error_rate_pct"), true)),
                latency_ms: self.required_latency(latency, kind_span.clone(), p),
                loss_ppm: 0,
            },
            FaultKind::Down => {
                if let Some(r) = error {
                    self.err(r.span(), format!("{p}.error_rate_pct"), "a service that is down fails every call");
                }
                Magnitude {
                    error_ppm: PPM,
                    latency_ms: latency.map_or(0, |l| self.latency(l, &format!("{p}.latency_ms"))),
                    loss_ppm: 0,
                }
            }
            FaultKind::DataLoss => Magnitude {
                error_ppm: error.map_or(0, |r| self.rate(r, &format!("{p}.error_rate_pct"), true)),
                latency_ms: latency.map_or(0, |l| self.latency(l, &format!("{p}.latency_ms"))),
                loss_ppm: self.required_rate(loss, kind_span, p, "loss_rate_pct", "data_loss"),
            },
        }
    }

    fn stages(&mut self, kind: FaultKind, raw: &RawFault, start: Magnitude, p: &str, duration_s: u64) -> Vec<Stage> {
        self.count(&raw.worsens, STAGES_PER_FAULT_MAX, &format!("{p}.worsens"));
        let mut out: Vec<Stage> = Vec::with_capacity(raw.worsens.len());
        let mut current = start;
        for (j, s) in raw.worsens.iter().enumerate() {
            let sp = format!("{p}.worsens[{j}]");
            let span = s.span();
            let s = s.get_ref();
            let after_s = self.minutes_pos(&s.after_min, &format!("{sp}.after_min"), duration_s);
            if out.last().is_some_and(|prev| prev.after_s >= after_s) {
                self.err(s.after_min.span(), format!("{sp}.after_min"), "stages must be listed in time order");
            }
            if s.error_rate_pct.is_none() && s.latency_ms.is_none() && s.loss_rate_pct.is_none() {
                self.err(span, sp.clone(), "say what changes: error_rate_pct, latency_ms or loss_rate_pct");
            }
            if let Some(e) = &s.error_rate_pct {
                if kind == FaultKind::Down {
                    self.err(e.span(), format!("{sp}.error_rate_pct"), "a service that is down fails every call");
                }
                current.error_ppm = self.rate(e, &format!("{sp}.error_rate_pct"), true);
            }
            if let Some(l) = &s.latency_ms {
                current.latency_ms = self.latency(l, &format!("{sp}.latency_ms"));
            }
            if let Some(l) = &s.loss_rate_pct {
                if kind != FaultKind::DataLoss {
                    self.err(l.span(), format!("{sp}.loss_rate_pct"), "only a data_loss fault loses data");
                }
                current.loss_ppm = self.rate(l, &format!("{sp}.loss_rate_pct"), true);
            }
            out.push(Stage { after_s, magnitude: current });
        }
        out
    }

    fn clues(&mut self, raw: &RawScenario, ix: &Indexes, duration_s: u64) -> Vec<Clue> {
        let mut out = Vec::with_capacity(raw.clues.len());
        for (i, c) in raw.clues.iter().enumerate() {
            let p = format!("clues[{i}]");
            let c = c.get_ref();
            let kind =
                self.word(vocab::CLUE_KINDS, &c.kind, &format!("{p}.kind"), "clue kind").unwrap_or(ClueKind::Log);
            let service = self.resolve(&c.service, &ix.services, format!("{p}.service"), "service");
            let fault = c.fault.as_ref().map(|f| self.resolve(f, &ix.faults, format!("{p}.fault"), "fault"));
            let from_s = c.at_min.as_ref().map_or(0, |a| self.minutes_u(a, &format!("{p}.at_min"), duration_s));
            let until_s = c.until_min.as_ref().map(|u| {
                let s = self.minutes_u(u, &format!("{p}.until_min"), duration_s);
                if s <= from_s {
                    self.err(u.span(), format!("{p}.until_min"), "must be after `at_min`");
                }
                s
            });
            let max = if kind == ClueKind::Metric { NAME_CHARS_MAX } else { TEXT_CHARS_MAX };
            let text = self.text_field(&c.text, &format!("{p}.text"), max, true);
            let default_level = if fault.is_some() { Level::Error } else { Level::Info };
            let level = c
                .level
                .as_ref()
                .and_then(|l| self.word(vocab::LEVELS, l, &format!("{p}.level"), "level"))
                .unwrap_or(default_level);
            let every_s = match &c.every_s {
                Some(e) if kind != ClueKind::Log => {
                    self.err(e.span(), format!("{p}.every_s"), "only log clues repeat");
                    30
                }
                Some(e) if *e.get_ref() == 0 || *e.get_ref() > 3_600 => {
                    self.err(e.span(), format!("{p}.every_s"), "must be between 1 and 3600 seconds");
                    30
                }
                Some(e) => *e.get_ref(),
                None => 30,
            };
            let mut values = (0.0, 0.0);
            let unit = self.opt_text(c.unit.as_ref(), &format!("{p}.unit"), 16);
            if kind == ClueKind::Metric {
                let normal = match &c.normal {
                    Some(n) if n.get_ref().is_finite() => *n.get_ref(),
                    Some(n) => {
                        self.err(n.span(), format!("{p}.normal"), "must be a number");
                        0.0
                    }
                    None => {
                        self.err(c.kind.span(), format!("{p}.normal"), "a metric clue needs its `normal` value");
                        0.0
                    }
                };
                let faulted = match (&c.faulted, fault) {
                    (Some(f), Some(_)) if f.get_ref().is_finite() => *f.get_ref(),
                    (Some(f), Some(_)) => {
                        self.err(f.span(), format!("{p}.faulted"), "must be a number");
                        normal
                    }
                    (Some(f), None) => {
                        self.err(f.span(), format!("{p}.faulted"), "a `faulted` value needs a `fault`");
                        normal
                    }
                    (None, Some(_)) => {
                        self.err(
                            c.kind.span(),
                            format!("{p}.faulted"),
                            "a metric clue with a fault needs its `faulted` value",
                        );
                        normal
                    }
                    (None, None) => normal,
                };
                values = (normal, faulted);
            } else {
                for (v, name) in [(&c.normal, "normal"), (&c.faulted, "faulted")] {
                    if let Some(v) = v {
                        self.err(v.span(), format!("{p}.{name}"), "only metric clues have values");
                    }
                }
            }
            out.push(Clue {
                id: c.id.get_ref().clone(),
                kind,
                service,
                fault,
                from_s,
                until_s,
                text,
                level,
                every_s,
                values,
                unit,
            });
        }
        out
    }

    fn health(&mut self, raw: &RawScenario) -> HealthBot {
        let mut bot = HealthBot {
            interval_s: 120,
            alert_below_ppm: 950_000,
            alert_orders_below_ppm: 600_000,
            alert_errors_above_ppm: 100_000,
            alert_latency_above_ms: 3_000,
        };
        let Some(h) = &raw.health else { return bot };
        if let Some(m) = &h.interval_min {
            let s = self.minutes_u(m, "health.interval_min", 3600);
            if s < 10 {
                self.err(m.span(), "health.interval_min", "must be at least 10 seconds");
            }
            bot.interval_s = s.max(10);
        }
        if let Some(p) = &h.alert_below_pct {
            bot.alert_below_ppm = self.percent(p, "health.alert_below_pct") * 10_000;
        }
        if let Some(p) = &h.alert_orders_below_pct {
            bot.alert_orders_below_ppm = self.percent(p, "health.alert_orders_below_pct") * 10_000;
        }
        if let Some(p) = &h.alert_errors_above_pct {
            if *p.get_ref() == 0 {
                self.err(p.span(), "health.alert_errors_above_pct", "must be between 1 and 100");
            }
            bot.alert_errors_above_ppm = self.percent(p, "health.alert_errors_above_pct").max(1) * 10_000;
        }
        if let Some(l) = &h.alert_latency_above_ms {
            if *l.get_ref() == 0 {
                self.err(l.span(), "health.alert_latency_above_ms", "must be more than 0 ms");
            }
            bot.alert_latency_above_ms = self.latency(l, "health.alert_latency_above_ms").max(1);
        }
        bot
    }

    // --- the people around the drill ---------------------------------------

    fn personas(&mut self, raw: &RawScenario, ix: &Indexes) -> Vec<Persona> {
        let mut out = Vec::with_capacity(raw.personas.len());
        for (i, x) in raw.personas.iter().enumerate() {
            let p = format!("personas[{i}]");
            let x = x.get_ref();
            let name = self.text_field(&x.name, &format!("{p}.name"), NAME_CHARS_MAX, true);
            let kind = self
                .word(vocab::PERSONA_KINDS, &x.kind, &format!("{p}.kind"), "persona kind")
                .unwrap_or(PersonaKind::Store);
            let region = x.region.as_ref().map(|r| self.resolve(r, &ix.regions, format!("{p}.region"), "region"));
            let client = x.client.as_ref().map(|c| self.resolve(c, &ix.clients, format!("{p}.client"), "client"));
            let description = self.opt_text(x.description.as_ref(), &format!("{p}.description"), TEXT_CHARS_MAX);
            out.push(Persona { id: x.id.get_ref().clone(), name, kind, region, client, description });
        }
        out
    }

    fn injects(&mut self, raw: &RawScenario, ix: &Indexes, duration_s: u64) -> Vec<Inject> {
        let mut out = Vec::with_capacity(raw.injects.len());
        for (i, x) in raw.injects.iter().enumerate() {
            let p = format!("injects[{i}]");
            let whole = x.span();
            let x = x.get_ref();
            let trigger = self.trigger((x.at_min.as_ref(), x.when.as_ref()), whole, &p, duration_s, ix, "sent");
            let persona = self.resolve(&x.persona, &ix.personas, format!("{p}.persona"), "persona");
            let channel = self
                .word(vocab::CHANNELS, &x.channel, &format!("{p}.channel"), "channel")
                .unwrap_or(InjectChannel::Phone);
            let text = self.text_field(&x.text, &format!("{p}.text"), TEXT_CHARS_MAX, true);
            let expect = x.expect.as_ref().map(|e| {
                let ep = format!("{p}.expect");
                let e = e.get_ref();
                let role = self.word(vocab::ROLES, &e.role, &format!("{ep}.role"), "role").unwrap_or(Role::Observer);
                let within_s = self.minutes_pos(&e.within_min, &format!("{ep}.within_min"), duration_s);
                let note = self.opt_text(e.note.as_ref(), &format!("{ep}.note"), TEXT_CHARS_MAX);
                Expectation { role, within_s, note }
            });
            let weight = match &x.weight {
                Some(w) if *w.get_ref() > INJECT_WEIGHT_MAX => {
                    self.err(w.span(), format!("{p}.weight"), format!("must be between 0 and {INJECT_WEIGHT_MAX}"));
                    1
                }
                Some(w) => *w.get_ref(),
                None => 1,
            };
            out.push(Inject { id: x.id.get_ref().clone(), trigger, persona, channel, text, expect, weight });
        }
        out
    }

    fn talk_scripts(&mut self, raw: &RawScenario, ix: &Indexes) -> Vec<TalkScript> {
        let mut out = Vec::with_capacity(raw.talk_scripts.len());
        for (i, t) in raw.talk_scripts.iter().enumerate() {
            let p = format!("talk_scripts[{i}]");
            let t = t.get_ref();
            let title = self.text_field(&t.title, &format!("{p}.title"), NAME_CHARS_MAX, true);
            let faults = self.resolve_list(&t.faults, &ix.faults, &format!("{p}.faults"), "fault");
            let text = self.text_field(&t.text, &format!("{p}.text"), LONG_TEXT_CHARS_MAX, true);
            self.placeholders(&t.text, &format!("{p}.text"));
            out.push(TalkScript { id: t.id.get_ref().clone(), title, faults, text });
        }
        out
    }

    fn fallbacks(&mut self, raw: &RawScenario, ix: &Indexes) -> Vec<Fallback> {
        let mut out = Vec::with_capacity(raw.fallbacks.len());
        for (i, f) in raw.fallbacks.iter().enumerate() {
            let p = format!("fallbacks[{i}]");
            let f = f.get_ref();
            let name = self.text_field(&f.name, &format!("{p}.name"), NAME_CHARS_MAX, true);
            let service = self.resolve(&f.service, &ix.services, format!("{p}.service"), "service");
            let step = self.word(vocab::STEPS, &f.step, &format!("{p}.step"), "step").unwrap_or(0);
            self.count(&f.fault_kinds, vocab::FAULT_KINDS.len(), &format!("{p}.fault_kinds"));
            let mut fault_kinds = Vec::new();
            for (j, k) in f.fault_kinds.iter().enumerate() {
                if let Some(k) = self.word(vocab::FAULT_KINDS, k, &format!("{p}.fault_kinds[{j}]"), "fault kind")
                    && !fault_kinds.contains(&k)
                {
                    fault_kinds.push(k);
                }
            }
            let serves_pct = self.opt_percent(f.serves_pct.as_ref(), &format!("{p}.serves_pct"), 80);
            let cost_pct = self.opt_percent(f.cost_pct.as_ref(), &format!("{p}.cost_pct"), 0);
            let unnamed_pct = self.opt_percent(f.unnamed_pct.as_ref(), &format!("{p}.unnamed_pct"), 25);
            let slower_s = f.slower_s.as_ref().map_or(0, |x| {
                if *x.get_ref() > 3_600 {
                    self.err(x.span(), format!("{p}.slower_s"), "at most 3600 seconds");
                }
                u64::from((*x.get_ref()).min(3_600))
            });
            self.count(&f.words, FALLBACK_WORDS_MAX, &format!("{p}.words"));
            if f.words.is_empty() {
                self.err(f.id.span(), format!("{p}.words"), "name at least one word that names it in a notice");
            }
            let words = f
                .words
                .iter()
                .enumerate()
                .map(|(j, w)| self.text_field(w, &format!("{p}.words[{j}]"), NAME_CHARS_MAX, true).to_lowercase())
                .collect();
            out.push(Fallback {
                id: f.id.get_ref().clone(),
                name,
                service,
                step,
                fault_kinds,
                serves_pct,
                cost_pct,
                slower_s,
                words,
                unnamed_pct,
            });
        }
        out
    }

    fn templates(&mut self, raw: &RawScenario) -> Templates {
        let Some(t) = &raw.templates else { return Templates::default() };
        let status_board = self.document(t.status_board.as_ref(), "templates.status_board");
        let incident_doc = self.document(t.incident_doc.as_ref(), "templates.incident_doc");
        let mut notices = Vec::with_capacity(t.notices.len());
        for (i, n) in t.notices.iter().enumerate() {
            let p = format!("templates.notices[{i}]");
            let n = n.get_ref();
            let title = self.text_field(&n.title, &format!("{p}.title"), NAME_CHARS_MAX, true);
            let status = self
                .word(vocab::STATUSES, &n.status, &format!("{p}.status"), "status")
                .unwrap_or(ComponentStatus::PartialOutage);
            self.placeholders(&n.text, &format!("{p}.text"));
            let text = self.text_field(&n.text, &format!("{p}.text"), crate::limits::CHAT_TEXT_CHARS_MAX, true);
            notices.push(NoticeDraft { id: n.id.get_ref().clone(), title, status, text });
        }
        Templates { status_board, incident_doc, notices }
    }

    fn document(&mut self, x: Option<&Sp<String>>, path: &str) -> String {
        let Some(x) = x else { return String::new() };
        self.placeholders(x, path);
        self.text_field(x, path, LONG_TEXT_CHARS_MAX, true)
    }

    fn roles(&mut self, raw: &RawScenario) -> Vec<RoleNeed> {
        if raw.roles.is_empty() {
            return default_roles();
        }
        let mut out: Vec<RoleNeed> = Vec::with_capacity(raw.roles.len());
        for (i, r) in raw.roles.iter().enumerate() {
            let p = format!("roles[{i}]");
            let r = r.get_ref();
            let Some(role) = self.word(vocab::ROLES, &r.role, &format!("{p}.role"), "role") else { continue };
            if out.iter().any(|o| o.role == role) {
                self.err(r.role.span(), format!("{p}.role"), format!("\"{}\" is listed twice", r.role.get_ref()));
            }
            let min = r.min.as_ref().map_or(0, |m| *m.get_ref());
            let max = match &r.max {
                Some(m) if *m.get_ref() > SEATS_PER_ROLE_MAX => {
                    self.err(m.span(), format!("{p}.max"), format!("at most {SEATS_PER_ROLE_MAX}"));
                    SEATS_PER_ROLE_MAX
                }
                Some(m) if *m.get_ref() < min => {
                    self.err(m.span(), format!("{p}.max"), format!("must be at least `min` ({min})"));
                    min
                }
                Some(m) => *m.get_ref(),
                None => SEATS_PER_ROLE_MAX,
            };
            if min > SEATS_PER_ROLE_MAX
                && let Some(m) = &r.min
            {
                self.err(m.span(), format!("{p}.min"), format!("at most {SEATS_PER_ROLE_MAX}"));
            }
            out.push(RoleNeed { role, min: min.min(SEATS_PER_ROLE_MAX), max, newcomers: r.newcomers });
        }
        out
    }

    fn objectives(&mut self, raw: &RawScenario) -> Vec<Objective> {
        if raw.objectives.is_empty() {
            return default_objectives();
        }
        let mut out: Vec<Objective> = Vec::with_capacity(raw.objectives.len());
        for (i, o) in raw.objectives.iter().enumerate() {
            let p = format!("objectives[{i}]");
            let o = o.get_ref();
            let Some(kind) = self.word(vocab::OBJECTIVE_KINDS, &o.kind, &format!("{p}.kind"), "objective") else {
                continue;
            };
            if out.iter().any(|x| x.kind == kind) {
                self.err(o.kind.span(), format!("{p}.kind"), format!("\"{}\" is listed twice", o.kind.get_ref()));
            }
            let default = default_objectives().into_iter().find(|d| d.kind == kind);
            let day = u64::from(DAY_S);
            let target_s = o
                .target_min
                .as_ref()
                .map(|t| self.minutes_u(t, &format!("{p}.target_min"), day))
                .or(default.and_then(|d| d.target_s));
            let zero_s = o
                .zero_min
                .as_ref()
                .map(|z| self.minutes_u(z, &format!("{p}.zero_min"), day))
                .or(default.and_then(|d| d.zero_s));
            if let (Some(t), Some(z), Some(zs)) = (target_s, zero_s, o.zero_min.as_ref().or(o.target_min.as_ref()))
                && z <= t
            {
                self.err(zs.span(), format!("{p}.zero_min"), "must be later than `target_min`");
            }
            if *o.weight.get_ref() > OBJECTIVE_WEIGHT_MAX {
                self.err(
                    o.weight.span(),
                    format!("{p}.weight"),
                    format!("must be between 0 and {OBJECTIVE_WEIGHT_MAX}"),
                );
            }
            let unscored =
                matches!(kind, ObjectiveKind::HoldTime | ObjectiveKind::LostRevenue | ObjectiveKind::Awareness);
            if unscored && *o.weight.get_ref() > 0 {
                self.err(
                    o.weight.span(),
                    format!("{p}.weight"),
                    format!("\"{}\" is shown in the review but not scored: its weight must be 0", o.kind.get_ref()),
                );
            }
            out.push(Objective { kind, target_s, zero_s, weight: (*o.weight.get_ref()).min(OBJECTIVE_WEIGHT_MAX) });
        }
        out
    }
}

/// Parts per million in a whole.
const PPM: u32 = 1_000_000;

/// The roles a drill needs when its scenario names none: the seed's three
/// leads, support with the newcomers, sales and engineers; outside actors
/// and observers are optional.
pub fn default_roles() -> Vec<RoleNeed> {
    let need = |role, min, max, newcomers| RoleNeed { role, min, max, newcomers };
    vec![
        need(Role::IncidentOwner, 1, 1, false),
        need(Role::CommsLead, 1, 1, false),
        need(Role::SupportLead, 1, 1, false),
        need(Role::SupportAgent, 1, SEATS_PER_ROLE_MAX, true),
        need(Role::Sales, 0, SEATS_PER_ROLE_MAX, false),
        need(Role::Engineer, 1, SEATS_PER_ROLE_MAX, false),
        need(Role::StoreActor, 0, SEATS_PER_ROLE_MAX, false),
        need(Role::CorporateActor, 0, SEATS_PER_ROLE_MAX, false),
        need(Role::Observer, 0, SEATS_PER_ROLE_MAX, false),
    ]
}

/// The objectives a drill is scored on when its scenario names none: the
/// seed's three measures (initial response, shared awareness, external
/// explanation) as the four timed parts of the score.
pub fn default_objectives() -> Vec<Objective> {
    let o = |kind, target_min: u64, zero_min: u64, weight| Objective {
        kind,
        target_s: (target_min > 0).then_some(target_min * 60),
        zero_s: (zero_min > 0).then_some(zero_min * 60),
        weight,
    };
    vec![
        o(ObjectiveKind::Declare, 5, 20, 25),
        o(ObjectiveKind::Notice, 5, 20, 20),
        o(ObjectiveKind::Updates, 20, 40, 10),
        o(ObjectiveKind::Mitigate, 15, 45, 20),
        o(ObjectiveKind::Resolve, 10, 30, 15),
        o(ObjectiveKind::Injects, 0, 0, 5),
        o(ObjectiveKind::Calls, 1, 2, 5),
    ]
}

/// Parses "HH:MM" into seconds after midnight ("24:00" only if allowed).
fn parse_hh_mm(s: &str, allow_24: bool) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    if allow_24 && h == 24 && m == 0 {
        return Some(DAY_S);
    }
    (h < 24 && m < 60).then_some(h * 3600 + m * 60)
}

fn is_language_tag(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 35
        && s.split('-').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The `{name}` placeholders in a text (`{{` and `}}` are literal braces;
/// a brace around anything but a lower-case name is literal too).
fn placeholder_names(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'{' {
            if b.get(i + 1) == Some(&b'{') {
                i += 2;
                continue;
            }
            let rest = &b[i + 1..];
            let len = rest.iter().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || **c == b'_').count();
            if len > 0 && rest.get(len) == Some(&b'}') {
                out.push(&text[i + 1..i + 1 + len]);
                i += len + 2;
                continue;
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    //! One test per kind of problem a file can have, each checking that the
    //! problem is reported at the right place with a useful message.

    use super::*;

    const GOOD: &str = include_str!("../../../scenarios/lunch-peak-pos-outage.toml");

    /// A small valid scenario that the tests below break one way at a time.
    const MINI: &str = r#"
[drill]
id = "mini"
title = "Mini"
duration_min = 30
start_time = "12:00"

[world]
regions = [{ id = "north", name = "North", stores = 10 }, { id = "south", name = "South", stores = 10 }]

[flows]
order_mobile = "app"
order_counter = "pos"
pay_card = "pay"
pay_cash = "pos"

[[services]]
id = "app"
name = "App"

[[services]]
id = "pos"
name = "POS"

[[services]]
id = "pay"
name = "Payments"

[[faults]]
id = "f"
service = "pay"
at_min = 1
error_rate_pct = 50
root_cause = "why"
fixed_by = ["fix"]

[[actions]]
id = "fix"
label = "Fix it"
service = "pay"
delay_min = 1
"#;

    fn problems(text: &str) -> Vec<String> {
        match parse(text) {
            Ok(_) => Vec::new(),
            Err(p) => p.iter().map(ToString::to_string).collect(),
        }
    }

    /// Exactly one problem, at `path`, whose message contains `message`.
    #[track_caller]
    fn one(text: &str, path: &str, message: &str) -> String {
        let mut got = problems(text);
        assert_eq!(got.len(), 1, "{got:#?}");
        assert!(got[0].contains(&format!(" {path}: ")), "expected path {path}: {got:#?}");
        assert!(got[0].contains(message), "expected {message:?}: {got:#?}");
        got.remove(0)
    }

    /// `MINI` with `extra` appended.
    fn mini(extra: &str) -> String {
        format!("{MINI}\n{extra}")
    }

    #[test]
    fn the_examples_are_valid() {
        let s = parse(GOOD).unwrap_or_else(|p| panic!("{p:#?}"));
        assert_eq!(s.id, "lunch-peak-pos-outage");
        assert!(!s.faults.is_empty());
        let m = parse(MINI).unwrap_or_else(|p| panic!("{p:#?}"));
        assert_eq!(m.kinds.len(), 1, "a file without kinds gets the typical store as its one kind");
        assert_eq!(m.roles, default_roles());
        assert_eq!(m.objectives, default_objectives());
    }

    #[test]
    fn an_unknown_reference_names_its_line_and_column() {
        let bad = GOOD.replacen("service = \"payments\"", "service = \"pos-api\"", 1);
        let line = bad.lines().position(|l| l.contains("\"pos-api\"")).map_or(0, |i| i + 1);
        let got = one(&bad, "faults[0].service", "unknown service \"pos-api\"");
        assert!(got.starts_with(&format!("{line}:11: ")), "{got}");
        assert!(got.contains("known: "), "the message lists what exists: {got}");
        for (from, to, path, what) in [
            (
                "regions = [\"kanto\"]\nerror_rate_pct",
                "regions = [\"kantou\"]\nerror_rate_pct",
                "faults[0].regions[0]",
                "region",
            ),
            ("fixed_by = [\"rollback-payments\"]", "fixed_by = [\"rollback\"]", "faults[0].fixed_by[0]", "action"),
            ("kinds = [\"ramen\"]", "kinds = [\"soba\"]", "world.clients[0].kinds[0]", "store kind"),
            ("persona = \"tanaka-ramen\"", "persona = \"tanaka\"", "injects[0].persona", "persona"),
            ("client = \"kanto-ramen-hd\"", "client = \"kanto-ramen\"", "personas[1].client", "client"),
            ("faults = [\"gateway-tls\"]", "faults = [\"gateway\"]", "talk_scripts[0].faults[0]", "fault"),
        ] {
            assert!(GOOD.contains(from), "{from}");
            one(&GOOD.replacen(from, to, 1), path, &format!("unknown {what}"));
        }
    }

    #[test]
    fn a_syntax_error_is_reported_where_it_is() {
        let got = problems("[drill]\nid = \"x\nduration_min = 3\n");
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].starts_with("2:"), "{got:?}");
    }

    #[test]
    fn a_typo_in_a_key_is_reported_where_it_is() {
        let bad = GOOD.replacen("root_cause", "root_cuase", 1);
        let got = problems(&bad);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("root_cuase"), "{got:?}");
    }

    #[test]
    fn an_unknown_key_is_reported_with_every_other_problem_and_the_closest_key() {
        let bad = GOOD
            .replacen("root_cause", "root_cuase", 1)
            .replacen("error_rate_pct = 40", "error_rate_pct = 400", 1)
            .replacen("service = \"payments\"", "service = \"pos-api\"", 1)
            .replacen("[drill]\n", "[drill]\ncolour = \"red\"\n", 1);
        let got = problems(&bad);
        assert_eq!(got.len(), 4, "{got:#?}");
        let has = |path: &str, text: &str| got.iter().any(|p| p.contains(&format!(" {path}: ")) && p.contains(text));
        assert!(has("drill.colour", "unknown key \"colour\" (known: "), "{got:#?}");
        assert!(!got[0].contains("did you mean"), "nothing is close to colour: {got:#?}");
        assert!(has("faults[0].root_cuase", "unknown key \"root_cuase\" (did you mean \"root_cause\"?)"), "{got:#?}");
        assert!(has("faults[0].service", "unknown service \"pos-api\""), "{got:#?}");
        assert!(has("faults[0].error_rate_pct", ""), "{got:#?}");
        // The typo stood for root_cause: no "missing field" beside it.
        assert!(!got.iter().any(|p| p.contains("missing")), "{got:#?}");
        // Deep inside arrays of tables too, with its line.
        let nested = GOOD.replacen("{ id = \"kanto\",", "{ idd = \"x\", id = \"kanto\",", 1);
        let got = problems(&nested);
        assert_eq!(got.len(), 1, "{got:#?}");
        assert!(got[0].contains("world.regions[0].idd: unknown key \"idd\" (did you mean \"id\"?)"), "{got:#?}");
    }

    #[test]
    fn a_duplicate_id_points_at_its_first_definition() {
        let dup = mini("[[actions]]\nid = \"fix\"\nlabel = \"Again\"\nservice = \"pay\"\ndelay_min = 1\n");
        let first = dup.lines().position(|l| l == "id = \"fix\"").map_or(0, |i| i + 1);
        let got = one(&dup, "actions[1].id", "duplicate id \"fix\"");
        assert!(got.contains(&format!("(first defined at line {first}, column 6: actions[0].id)")), "{got}");
    }

    #[test]
    fn a_value_of_the_wrong_type_is_reported() {
        let got = problems(&MINI.replacen("duration_min = 30", "duration_min = \"thirty\"", 1));
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].starts_with("5:16: ") && got[0].contains("expected u32"), "{got:?}");
    }

    #[test]
    fn a_file_over_the_size_limit_is_refused_before_parsing() {
        let big = format!("{MINI}\n#{}\n", "x".repeat(SCENARIO_FILE_BYTES_MAX));
        let got = problems(&big);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].starts_with("1:1: ") && got[0].contains("bytes"), "{got:?}");
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("{MINI}\nx = {}1{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let got = problems(&deep);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("nest deeper"), "{got:?}");
        // Brackets inside strings and comments do not count.
        let quoted = mini(&format!(
            "# {}\n[[clues]]\nid = \"c\"\nkind = \"log\"\nservice = \"pay\"\ntext = \"{}\"\n",
            "[".repeat(50),
            "{".repeat(50)
        ));
        assert_eq!(problems(&quoted), Vec::<String>::new());
    }

    #[test]
    fn a_malformed_id_is_refused() {
        one(&MINI.replacen("id = \"mini\"", "id = \"Mini Drill\"", 1), "drill.id", "ids use");
        one(&mini("[[personas]]\nid = \"\"\nname = \"P\"\nkind = \"store\"\n"), "personas[0].id", "ids use");
    }

    #[test]
    fn a_duplicate_id_is_refused() {
        let dup = mini("[[actions]]\nid = \"fix\"\nlabel = \"Again\"\nservice = \"pos\"\ndelay_min = 1\n");
        one(&dup, "actions[1].id", "duplicate id \"fix\"");
    }

    #[test]
    fn an_unknown_word_lists_the_words_there_are() {
        for (extra, path, what) in [
            ("kind = \"oops\"\n", "faults[0].kind", "fault kind"),
            ("fix_needs = \"most\"\n", "faults[0].fix_needs", "fix rule"),
        ] {
            let bad = MINI.replacen("root_cause = \"why\"\n", &format!("root_cause = \"why\"\n{extra}"), 1);
            one(&bad, path, &format!("unknown {what}"));
        }
        one(
            &MINI.replacen("start_time = \"12:00\"", "start_time = \"12:00\"\nweekday = \"caturday\"", 1),
            "drill.weekday",
            "one of: monday",
        );
        let bad = mini("[[personas]]\nid = \"p\"\nname = \"P\"\nkind = \"alien\"\n");
        one(&bad, "personas[0].kind", "unknown persona kind");
        let bad = mini(
            "[[personas]]\nid = \"p\"\nname = \"P\"\nkind = \"store\"\n\n[[injects]]\nid = \"i\"\nat_min = 1\npersona = \"p\"\nchannel = \"fax\"\ntext = \"hi\"\nexpect = { role = \"ceo\", within_min = 5 }\n",
        );
        let got = problems(&bad);
        assert_eq!(got.len(), 2, "{got:#?}");
        assert!(got[0].contains("injects[0].channel: unknown channel \"fax\" (one of: phone, line_chat"), "{got:#?}");
        assert!(got[1].contains("injects[0].expect.role: unknown role \"ceo\""), "{got:#?}");
        one(&mini("[[roles]]\nrole = \"boss\"\n"), "roles[0].role", "unknown role");
        one(&mini("[[objectives]]\nkind = \"vibes\"\nweight = 1\n"), "objectives[0].kind", "unknown objective");
        one(
            &mini("[[templates.notices]]\nid = \"n\"\ntitle = \"T\"\nstatus = \"broken\"\ntext = \"x\"\n"),
            "templates.notices[0].status",
            "unknown status",
        );
        one(
            &mini("[[clues]]\nid = \"c\"\nkind = \"trace\"\nservice = \"pay\"\ntext = \"x\"\n"),
            "clues[0].kind",
            "unknown clue kind",
        );
        one(
            &mini("[[clues]]\nid = \"c\"\nkind = \"log\"\nservice = \"pay\"\ntext = \"x\"\nlevel = \"fatal\"\n"),
            "clues[0].level",
            "unknown level",
        );
        one(
            &MINI.replacen("delay_min = 1", "delay_min = 1\nkind = \"pray\"", 1),
            "actions[0].kind",
            "unknown action kind",
        );
    }

    #[test]
    fn a_number_out_of_range_is_refused() {
        one(
            &MINI.replacen("error_rate_pct = 50", "error_rate_pct = 400", 1),
            "faults[0].error_rate_pct",
            "at most 100",
        );
        one(&MINI.replacen("error_rate_pct = 50", "error_rate_pct = 0", 1), "faults[0].error_rate_pct", "more than 0");
        one(&MINI.replacen("duration_min = 30", "duration_min = 2000", 1), "drill.duration_min", "between 1 and 1440");
        one(
            &MINI.replacen("start_time = \"12:00\"", "start_time = \"12:00\"\ntime_scale = 500", 1),
            "drill.time_scale",
            "between 1 and 120",
        );
        one(&MINI.replacen("delay_min = 1", "delay_min = -2", 1), "actions[0].delay_min", "between 0 and");
        one(&mini("[world.store]\navg_ticket_yen = 0\n"), "world.store.avg_ticket_yen", "between 1 and");
        one(
            &mini("[world.store]\npeak_guests_per_hour = 4000\n"),
            "world.store.peak_guests_per_hour",
            "one guest a second",
        );
        one(&mini("[world.store]\ncard_share_pct = 101\n"), "world.store.card_share_pct", "between 0 and 100");
        one(&mini("[health]\ninterval_min = 0.1\n"), "health.interval_min", "at least 10 seconds");
    }

    #[test]
    fn a_bad_time_of_day_is_refused() {
        one(&MINI.replacen("\"12:00\"", "\"25:00\"", 1), "drill.start_time", "HH:MM");
        one(&MINI.replacen("\"12:00\"", "\"24:00\"", 1), "drill.start_time", "00:00 to 23:59");
    }

    #[test]
    fn curve_times_must_increase() {
        let bad = mini("[world]\n");
        assert!(!problems(&bad).is_empty(), "a second [world] is a TOML error");
        let bad = MINI.replacen(
            "regions = [",
            "arrival_curve = [{ at = \"12:00\", pct = 50 }, { at = \"11:00\", pct = 60 }]\nregions = [",
            1,
        );
        one(&bad, "world.arrival_curve[1].at", "times must increase");
        let bad = MINI.replacen("regions = [", "arrival_curve = []\nregions = [", 1);
        one(&bad, "world.arrival_curve", "at least one point");
    }

    #[test]
    fn a_dependency_cycle_is_refused() {
        let bad = GOOD.replacen("version = \"external\"", "depends_on = [\"payments\"]\nversion = \"external\"", 1);
        let got = problems(&bad);
        assert!(got.iter().any(|p| p.contains("dependencies form a cycle")), "{got:?}");
    }

    #[test]
    fn something_after_the_drill_ends_is_refused() {
        one(&MINI.replacen("at_min = 1", "at_min = 300", 1), "faults[0].at_min", "starts after the drill ends");
        let bad = mini(
            "[[personas]]\nid = \"p\"\nname = \"P\"\nkind = \"store\"\n\n[[injects]]\nid = \"i\"\nat_min = 45\npersona = \"p\"\nchannel = \"phone\"\ntext = \"hi\"\n",
        );
        one(&bad, "injects[0].at_min", "sent after the drill ends");
    }

    #[test]
    fn a_fault_needs_a_fix() {
        one(&MINI.replacen("fixed_by = [\"fix\"]", "fixed_by = []", 1), "faults[0].fixed_by", "at least one fix");
    }

    #[test]
    fn a_list_over_its_limit_is_refused() {
        let many: String =
            (0..=REGIONS_MAX).map(|i| format!("{{ id = \"r{i}\", name = \"R\", stores = 1 }},")).collect();
        let bad = MINI.replacen("regions = [", &format!("regions = [{many}"), 1);
        one(&bad, "world.regions", &format!("at most {REGIONS_MAX} entries"));
    }

    #[test]
    fn a_text_over_its_limit_is_refused() {
        let long = "あ".repeat(NAME_CHARS_MAX + 1);
        let got =
            one(&MINI.replacen("title = \"Mini\"", &format!("title = \"{long}\""), 1), "drill.title", "characters");
        assert!(
            got.contains(&format!("{} characters", NAME_CHARS_MAX + 1)),
            "length counts characters, not bytes: {got}"
        );
    }

    #[test]
    fn a_required_text_must_not_be_empty() {
        one(
            &MINI.replacen("root_cause = \"why\"", "root_cause = \"  \"", 1),
            "faults[0].root_cause",
            "must not be empty",
        );
    }

    #[test]
    fn either_a_time_or_a_condition() {
        let both = MINI.replacen("at_min = 1", "at_min = 1\nwhen = { declared = true }", 1);
        one(&both, "faults[0]", "not both");
        let neither = MINI.replacen("at_min = 1\n", "", 1);
        one(&neither, "faults[0]", "give `at_min` (a time) or `when` (a condition)");
        let none = MINI.replacen("at_min = 1", "when = { after_min = 2 }", 1);
        one(&none, "faults[0].when", "name one condition");
        let two = MINI.replacen("at_min = 1", "when = { declared = true, notice_published = true }", 1);
        one(&two, "faults[0].when", "only one condition");
        let false_flag = MINI.replacen("at_min = 1", "when = { declared = false }", 1);
        one(&false_flag, "faults[0].when.declared", "only `declared = true`");
        let own = MINI.replacen("at_min = 1", "when = { fault_started = \"f\" }", 1);
        one(&own, "faults[0].when", "cannot wait for itself");
        let phase = MINI.replacen("at_min = 1", "when = { phase = \"panicking\" }", 1);
        one(&phase, "faults[0].when.phase", "unknown phase");
        let ok = MINI.replacen("at_min = 1", "when = { phase = \"resolved\", after_min = 1 }", 1);
        let s = parse(&ok).unwrap_or_else(|p| panic!("{p:#?}"));
        assert_eq!(s.faults[0].trigger, Trigger::When(Condition::Phase(Phase::Resolved), 60));
    }

    #[test]
    fn a_fault_kind_needs_its_own_numbers() {
        let latency = MINI.replacen("error_rate_pct = 50", "kind = \"latency\"", 1);
        one(&latency, "faults[0].latency_ms", "needs `latency_ms`");
        let loss = MINI.replacen("error_rate_pct = 50", "kind = \"data_loss\"", 1);
        one(&loss, "faults[0].loss_rate_pct", "needs `loss_rate_pct`");
        let down = MINI.replacen("error_rate_pct = 50", "kind = \"down\"\nerror_rate_pct = 50", 1);
        one(&down, "faults[0].error_rate_pct", "fails every call");
        let lossy = MINI.replacen("error_rate_pct = 50", "error_rate_pct = 50\nloss_rate_pct = 5", 1);
        one(&lossy, "faults[0].loss_rate_pct", "only a data_loss fault");
        let stage = MINI.replacen("root_cause", "worsens = [{ after_min = 2 }]\nroot_cause", 1);
        one(&stage, "faults[0].worsens[0]", "say what changes");
        let side =
            MINI.replacen("delay_min = 1", "delay_min = 1\nside_effect = { kind = \"errors\", duration_min = 1 }", 1);
        one(&side, "actions[0].side_effect.error_rate_pct", "needs `error_rate_pct`");
    }

    #[test]
    fn kinds_shares_must_add_up() {
        let bad = mini(
            "[[world.kinds]]\nid = \"a\"\nname = \"A\"\nshare_pct = 60\n\n[[world.kinds]]\nid = \"b\"\nname = \"B\"\nshare_pct = 30\n",
        );
        one(&bad, "world.kinds", "add up to 90%");
        let one_hour = mini("[[world.kinds]]\nid = \"a\"\nname = \"A\"\nshare_pct = 100\nopens = \"10:00\"\n");
        one(&one_hour, "world.kinds[0]", "both `opens` and `closes`");
        let same =
            mini("[[world.kinds]]\nid = \"a\"\nname = \"A\"\nshare_pct = 100\nopens = \"10:00\"\ncloses = \"10:00\"\n");
        one(&same, "world.kinds[0].closes", "cannot close when it opens");
        let night =
            mini("[[world.kinds]]\nid = \"a\"\nname = \"A\"\nshare_pct = 100\nopens = \"17:00\"\ncloses = \"02:00\"\n");
        let s = parse(&night).unwrap_or_else(|p| panic!("{p:#?}"));
        assert!(s.kinds[0].is_open(23 * 3600) && s.kinds[0].is_open(3600) && !s.kinds[0].is_open(12 * 3600));
    }

    #[test]
    fn a_region_needs_stores_and_the_world_has_a_limit() {
        one(
            &MINI.replacen("stores = 10 }, { id = \"south\"", "stores = 0 }, { id = \"south\"", 1),
            "world.regions[0].stores",
            "at least one store",
        );
        let huge = MINI.replacen("stores = 10 }]", &format!("stores = {STORES_PER_DRILL_MAX} }}]"), 1);
        one(&huge, "world.regions", "stores in all");
    }

    #[test]
    fn a_client_says_how_many_stores_it_owns() {
        one(&mini("[[world.clients]]\nid = \"c\"\nname = \"C\"\n"), "world.clients[0]", "give `stores`");
        one(
            &mini("[[world.clients]]\nid = \"c\"\nname = \"C\"\nstores = 3\nshare_pct = 10\n"),
            "world.clients[0]",
            "not both",
        );
        one(
            &mini("[[world.clients]]\nid = \"c\"\nname = \"C\"\nshare_pct = 0\n"),
            "world.clients[0].share_pct",
            "between 1 and 100",
        );
    }

    #[test]
    fn history_and_steps_must_be_in_time_order() {
        let deploys = MINI.replacen(
            "name = \"Payments\"",
            "name = \"Payments\"\ndeploys = [{ version = \"b\", at_min = -5 }, { version = \"a\", at_min = -60 }]",
            1,
        );
        one(&deploys, "services[2].deploys[1].at_min", "time order");
        let spreads = MINI.replacen(
            "root_cause",
            "regions = [\"north\"]\nspreads = [{ after_min = 5, regions = [\"south\"] }, { after_min = 2, regions = [\"south\"] }]\nroot_cause",
            1,
        );
        let got = problems(&spreads);
        assert!(
            got.iter().any(|p| p.contains("faults[0].spreads[1].after_min: spreads must be listed in time order")),
            "{got:#?}"
        );
        let stages = MINI.replacen(
            "root_cause",
            "worsens = [{ after_min = 5, error_rate_pct = 60 }, { after_min = 5, error_rate_pct = 70 }]\nroot_cause",
            1,
        );
        one(&stages, "faults[0].worsens[1].after_min", "time order");
    }

    #[test]
    fn an_unknown_placeholder_is_refused() {
        let bad = mini("[templates]\nstatus_board = \"Phase {phase}, ETA {eta}, literal {{eta}}\"\n");
        one(&bad, "templates.status_board", "unknown placeholder {eta}");
        assert_eq!(placeholder_names("{a} {{b}} {C} {d_1} { e }"), vec!["a", "d_1"]);
    }

    #[test]
    fn a_reference_listed_twice_is_refused() {
        one(
            &MINI.replacen("fixed_by = [\"fix\"]", "fixed_by = [\"fix\", \"fix\"]", 1),
            "faults[0].fixed_by[1]",
            "listed twice",
        );
        one(&mini("[[roles]]\nrole = \"sales\"\n\n[[roles]]\nrole = \"sales\"\n"), "roles[1].role", "listed twice");
        one(
            &mini("[[objectives]]\nkind = \"declare\"\nweight = 1\n\n[[objectives]]\nkind = \"declare\"\nweight = 2\n"),
            "objectives[1].kind",
            "listed twice",
        );
    }

    #[test]
    fn fields_that_do_not_apply_are_refused() {
        one(
            &MINI.replacen("delay_min = 1", "delay_min = 1\nto_version = \"v1\"", 1),
            "actions[0].to_version",
            "only a rollback",
        );
        one(
            &mini("[[clues]]\nid = \"c\"\nkind = \"alert\"\nservice = \"pay\"\ntext = \"x\"\nevery_s = 5\n"),
            "clues[0].every_s",
            "only log clues repeat",
        );
        one(
            &mini("[[clues]]\nid = \"c\"\nkind = \"log\"\nservice = \"pay\"\ntext = \"x\"\nnormal = 5\n"),
            "clues[0].normal",
            "only metric clues",
        );
        one(
            &mini("[[clues]]\nid = \"c\"\nkind = \"metric\"\nservice = \"pay\"\ntext = \"x\"\n"),
            "clues[0].normal",
            "needs its `normal`",
        );
        one(
            &mini(
                "[[clues]]\nid = \"c\"\nkind = \"metric\"\nservice = \"pay\"\ntext = \"x\"\nnormal = 1\nfaulted = 2\n",
            ),
            "clues[0].faulted",
            "needs a `fault`",
        );
        one(
            &mini(
                "[[clues]]\nid = \"c\"\nkind = \"log\"\nservice = \"pay\"\ntext = \"x\"\nat_min = 5\nuntil_min = 3\n",
            ),
            "clues[0].until_min",
            "after `at_min`",
        );
    }

    #[test]
    fn role_and_objective_numbers_must_make_sense() {
        one(&mini("[[roles]]\nrole = \"sales\"\nmin = 3\nmax = 2\n"), "roles[0].max", "at least `min`");
        one(
            &mini("[[objectives]]\nkind = \"declare\"\ntarget_min = 10\nzero_min = 5\nweight = 1\n"),
            "objectives[0].zero_min",
            "later than",
        );
        one(&mini("[[objectives]]\nkind = \"declare\"\nweight = 500\n"), "objectives[0].weight", "between 0 and 100");
        // Shown in the review, not scored: a weight would promise points
        // that nothing awards.
        one(&mini("[[objectives]]\nkind = \"awareness\"\nweight = 10\n"), "objectives[0].weight", "not scored");
        assert!(problems(&mini("[[objectives]]\nkind = \"awareness\"\nweight = 0\n")).is_empty());
    }

    #[test]
    fn a_fallback_names_its_service_step_and_words() {
        let good = "[[fallbacks]]\nid = \"cash\"\nname = \"Cash\"\nservice = \"pay\"\nstep = \"pay_card\"\nwords = [\"Cash\", \"現金\"]\n";
        let s = parse(&mini(good)).unwrap_or_else(|p| panic!("{p:#?}"));
        let f = &s.fallbacks[0];
        assert_eq!((f.step, f.serves_pct, f.cost_pct, f.unnamed_pct), (2, 80, 0, 25), "the defaults");
        assert!(f.named_in("Please take CASH for now") && f.named_in("現金でお願いします") && !f.named_in("card"));
        one(&mini(&good.replace("pay_card", "pay_cheque")), "fallbacks[0].step", "unknown step");
        one(&mini(&good.replace("service = \"pay\"", "service = \"bank\"")), "fallbacks[0].service", "unknown service");
        one(
            &mini(&good.replace("words = [\"Cash\", \"現金\"]", "words = []")),
            "fallbacks[0].words",
            "at least one word",
        );
        one(&mini(&format!("{good}serves_pct = 120\n")), "fallbacks[0].serves_pct", "between 0 and 100");
    }

    #[test]
    fn causes_escalations_and_wave_times_are_checked() {
        let fault = |extra: &str| MINI.replacen("fixed_by = [\"fix\"]", &format!("fixed_by = [\"fix\"]\n{extra}"), 1);
        one(&fault("caused_by = \"nope\""), "faults[0].caused_by", "unknown fault");
        one(&fault("with_cause = \"stays\""), "faults[0].with_cause", "only a fault with `caused_by`");
        one(&fault("sped_by = [\"fix\"]"), "faults[0].sped_by", "recovers by itself");
        one(
            &fault("wave_times = [{ from_min = 0, to_min = 3 }, { from_min = 2, to_min = 5 }]"),
            "faults[0].wave_times[1].from_min",
            "in time order",
        );
        one(&fault("wave_times = [{ from_min = 0, to_min = 0 }]"), "faults[0].wave_times[0].to_min", "later than");
        // No fix of our own is fine for a fault that ends by itself.
        let vendor = MINI.replacen("fixed_by = [\"fix\"]", "fixed_by = []\nrecovers_after_min = 10", 1);
        assert!(problems(&vendor).is_empty(), "{:?}", problems(&vendor));
    }

    #[test]
    fn a_missing_section_is_reported() {
        let no_flows = MINI.replacen(
            "[flows]\norder_mobile = \"app\"\norder_counter = \"pos\"\npay_card = \"pay\"\npay_cash = \"pos\"\n",
            "",
            1,
        );
        one(&no_flows, "flows", "missing [flows]");
        let no_regions = MINI.replacen(
            "regions = [{ id = \"north\", name = \"North\", stores = 10 }, { id = \"south\", name = \"South\", stores = 10 }]",
            "regions = []",
            1,
        );
        one(&no_regions, "world.regions", "at least one region");
    }

    #[test]
    fn every_problem_is_reported_at_once_in_file_order() {
        let bad = GOOD
            .replacen("start_time = \"11:45\"", "start_time = \"25:00\"", 1)
            .replacen("error_rate_pct = 40", "error_rate_pct = 400", 1)
            .replacen("persona = \"cto\"", "persona = \"ceo\"", 1);
        let got = problems(&bad);
        assert_eq!(got.len(), 3, "{got:#?}");
        let lines: Vec<usize> = got.iter().filter_map(|p| p.split(':').next()?.parse().ok()).collect();
        assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{got:#?}");
    }
}

//! The review as documents someone could file: Markdown, a self-contained
//! HTML page (no scripts, every user text escaped), and the timeline as
//! CSV. JSON is the [`Review`] itself, serialized.

use std::fmt::Write as _;

use super::objectives::Outcome as O;
use super::record::{Entry, What};
use super::{Review, role_name};
use crate::protocol::Channel;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The review as JSON.
    Json,
    /// A Markdown document.
    Markdown,
    /// A self-contained HTML page.
    Html,
    /// The timeline as CSV.
    Csv,
}

impl Format {
    /// Parses `json`, `md` (or `markdown`), `html`, `csv`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "json" => Some(Format::Json),
            "md" | "markdown" => Some(Format::Markdown),
            "html" => Some(Format::Html),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Csv => "csv",
        }
    }

    /// The HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// Who reads a review once the drill is over, by what their seat saw
/// during it (see `docs/protocol.md`, "Who may read what").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The drill's facilitators and the server's operators: everything.
    Everything,
    /// A seat inside the company: what internal seats saw, without the
    /// facilitators' channel, the answer key (faults as they really were)
    /// or the script of injects.
    Internal,
    /// An outside actor (a store or a corporate client): what outside
    /// actors saw, i.e. what was published and the public feed, and the
    /// results everyone got at the end.
    Outside,
}

/// Leaves in the review only what `reader` may read. The same filter
/// serves every format, since all of them are rendered from the result.
pub fn redact(r: &mut Review, reader: Reader) {
    let keep = |w: &What| match reader {
        Reader::Everything => true,
        Reader::Internal => !matches!(
            w,
            What::FaultStarted { .. }
                | What::FaultStopped { .. }
                | What::InjectFired { .. }
                | What::Message { channel: Channel::Facilitators, .. }
        ),
        Reader::Outside => {
            matches!(w, What::Notice { .. } | What::Message { channel: Channel::Social, .. } | What::Ended)
        }
    };
    r.timeline.retain(|e| keep(&e.what));
    let kept: std::collections::BTreeSet<(u64, &str)> =
        r.timeline.iter().map(|e| (e.tick, super::kind(&e.what))).collect();
    r.chart.marks.retain(|m| kept.contains(&(m.tick, m.kind.as_str())));
    if reader == Reader::Outside {
        // A notice was the company's, as outside actors got it during the
        // drill: nobody inside signs it.
        for e in &mut r.timeline {
            if matches!(e.what, What::Notice { .. }) {
                e.who.clear();
                e.role = None;
            }
        }
        for m in &mut r.chart.marks {
            if m.kind == "notice" {
                m.who.clear();
            }
        }
        // Status reports, ratings and improvement items were the company's
        // own business.
        r.awareness.reports.clear();
        r.ratings.clear();
        r.improvements.clear();
    }
}

/// Renders the review in a format. Control characters from user text
/// (ESC, BEL...) never reach a terminal or a spreadsheet: in Markdown,
/// HTML and CSV each becomes U+FFFD (JSON escapes them).
pub fn render(r: &Review, f: Format) -> String {
    let text = match f {
        Format::Json => return serde_json::to_string_pretty(r).unwrap_or_default(),
        Format::Markdown => markdown(r),
        Format::Html => html(r),
        Format::Csv => csv(r),
    };
    text.chars().map(|c| if c.is_control() && !matches!(c, '\n' | '\r' | '\t') { '\u{FFFD}' } else { c }).collect()
}

/// `T+mm:ss` for a tick.
pub fn clock(tick: u64) -> String {
    format!("T+{:02}:{:02}", tick / 60, tick % 60)
}

fn ja(r: &Review) -> bool {
    r.language.starts_with("ja")
}

/// A few fixed words, in the review's language.
fn w(r: &Review, en: &'static str) -> &'static str {
    if !ja(r) {
        return en;
    }
    match en {
        "After-action review" => "振り返り（アフターアクションレビュー）",
        "Objectives" => "目標",
        "Objective" => "目標",
        "Outcome" => "結果",
        "Due" => "期限",
        "Done" => "実施",
        "By" => "実施者",
        "Margin" => "差",
        "Points" => "点",
        "Rule" => "ルール",
        "Situational awareness" => "状況認識",
        "Report" => "報告",
        "Stated" => "報告内容",
        "True" => "実際",
        "Accuracy" => "正確さ",
        "Business outcome" => "ビジネスへの影響",
        "Run" => "実行",
        "Lost revenue" => "売上損失",
        "Stores affected" => "影響店舗数",
        "Team" => "チーム",
        "No response" => "無対応",
        "Perfect response" => "完璧な対応",
        "Place between the baselines" => "基準間での位置",
        "Scores" => "スコア",
        "Role" => "役割",
        "Person" => "個人",
        "Did" => "行動",
        "Ratings" => "評価",
        "Capability" => "能力",
        "Rating" => "評価",
        "Comment" => "コメント",
        "Improvement plan" => "改善計画",
        "Owner" => "担当",
        "Item" => "項目",
        "Timeline" => "タイムライン",
        "Time" => "時刻",
        "Who" => "誰が",
        "What" => "内容",
        "none" => "なし",
        "provisional: the drill is still running" => "暫定：訓練は進行中",
        "met" => "達成",
        "met late" => "遅れて達成",
        "missed" => "未達",
        "pending" => "進行中",
        "not applicable" => "対象外",
        _ => en,
    }
}

fn outcome_word(r: &Review, o: O) -> &'static str {
    w(
        r,
        match o {
            O::Met => "met",
            O::MetLate => "met late",
            O::Missed => "missed",
            O::Pending => "pending",
            O::NotApplicable => "not applicable",
        },
    )
}

fn margin(m: Option<i64>) -> String {
    match m {
        Some(m) if m < 0 => format!("−{}:{:02}", (-m) / 60, (-m) % 60),
        Some(m) => format!("+{}:{:02}", m / 60, m % 60),
        None => String::new(),
    }
}

fn opt_clock(t: Option<u64>) -> String {
    t.map(clock).unwrap_or_default()
}

/// What an entry says, in one line of plain text.
pub fn describe(e: &Entry) -> String {
    match &e.what {
        What::FirstSignal => "first signal".into(),
        What::Alert { service, title } => format!("alert ({service}): {title}"),
        What::FaultStarted { fault, service, regions } => {
            format!("fault {fault} active: {service} in {}", regions.join(", "))
        }
        What::FaultStopped { fault, .. } => format!("fault {fault} stopped"),
        What::InjectFired { inject, text } => format!("inject {inject}: {text}"),
        What::Declared => "declared the emergency".into(),
        What::Phase { phase } => format!(
            "phase: {}",
            serde_json::to_value(phase).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
        ),
        What::ActionStarted { action, label } => format!("started action {action} ({label})"),
        What::ActionDone { action, label } => format!("action {action} took effect ({label})"),
        What::Notice { status, text } => {
            let status =
                serde_json::to_value(status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            format!("notice [{status}]: {text}")
        }
        What::StatusReport { affected, scope, impact, next_update_tick } => {
            format!(
                "status report: affected: {affected}; scope: {scope}; impact: {impact}; next update {}",
                clock(*next_update_tick)
            )
        }
        What::Hypothesis { text } => format!("hypothesis: {text}"),
        What::Message { channel, text } => {
            let ch =
                serde_json::to_value(channel).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            format!("#{ch}: {text}")
        }
        What::CallTaken { call, caller, wait_s, .. } => format!("took call {call} from {caller} after {wait_s} s"),
        What::CallEnded { call, disposition } => {
            let d = serde_json::to_value(disposition).ok().and_then(|v| v.as_str().map(str::to_string));
            format!("closed call {call}: {}", d.unwrap_or_default())
        }
        What::CallAbandoned { call, caller } => format!("{caller} hung up (call {call})"),
        What::ClientAnswered { client, text } => format!("answered {client}: {text}"),
        What::ClientEscalated { client } => format!("{client} escalated"),
        What::Pulse { result } => format!(
            "pulse question {}: {} answers, {}% accurate, {}% agreed",
            result.question.id, result.answers, result.accuracy_pct, result.agreement_pct
        ),
        What::Ended => "drill ended".into(),
    }
}

fn who(e: &Entry) -> String {
    match e.role {
        Some(r) if !e.who.is_empty() => format!("{} ({})", e.who, role_name(r)),
        _ => e.who.clone(),
    }
}

/// Escapes text for a Markdown table cell or line: no HTML, no table or
/// emphasis breakage, one line.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '|' | '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The review as Markdown.
pub fn markdown(r: &Review) -> String {
    let lang = r.language.as_str();
    let mut o = String::new();
    let _ = writeln!(o, "# {}: {}\n", w(r, "After-action review"), md(&r.title));
    let _ = writeln!(o, "- scenario: `{}`, seed {}, {} ({} ticks)", md(&r.scenario), r.seed, clock(r.ticks), r.ticks);
    if let Some(d) = &r.drill {
        let _ = writeln!(o, "- drill: `{}`", md(d));
    }
    if !r.ended {
        let _ = writeln!(o, "- **{}**", w(r, "provisional: the drill is still running"));
    }
    let s = &r.scores;
    let _ = writeln!(o, "- {}: **{} / {}** ({} %)\n", w(r, "Team"), s.team_points, s.team_max, s.team_pct);

    let _ = writeln!(o, "## {}\n", w(r, "Objectives"));
    let _ = writeln!(
        o,
        "| {} | {} | {} | {} | {} | {} | {} |\n|---|---|---|---|---|---|---|",
        w(r, "Objective"),
        w(r, "Outcome"),
        w(r, "Due"),
        w(r, "Done"),
        w(r, "Margin"),
        w(r, "By"),
        w(r, "Points")
    );
    for x in &r.objectives {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {}/{} |",
            md(x.label.get(lang)),
            outcome_word(r, x.outcome),
            opt_clock(x.due_tick),
            opt_clock(x.done_tick),
            margin(x.margin_s),
            md(x.done_by.as_deref().unwrap_or("")),
            x.points,
            x.max
        );
    }
    let _ = writeln!(o, "\n{}:\n", w(r, "Rule"));
    for x in &r.objectives {
        let _ = writeln!(o, "- **{}**: {}", md(x.label.get(lang)), md(x.rule.get(lang)));
    }
    let _ = writeln!(o, "- {}", md(s.rule.get(lang)));

    let _ = writeln!(o, "\n## {}\n", w(r, "Situational awareness"));
    let a = &r.awareness;
    let _ = writeln!(
        o,
        "{}: **{}**\n\n{}\n",
        w(r, "Accuracy"),
        a.accuracy_pct.map_or_else(|| w(r, "none").to_string(), |p| format!("{p} %")),
        md(a.rule.get(lang))
    );
    if !a.reports.is_empty() {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |\n|---|---|---|---|---|",
            w(r, "Report"),
            w(r, "By"),
            w(r, "Stated"),
            w(r, "True"),
            w(r, "Accuracy")
        );
        for c in &a.reports {
            let stated = [c.stated_services.join(", "), c.stated_regions.join(", ")].join(" / ");
            let truth = [c.true_services.join(", "), c.true_regions.join(", ")].join(" / ");
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} % |",
                clock(c.tick),
                md(&c.by),
                md(&stated),
                md(&truth),
                c.accuracy_pct
            );
        }
    }

    let _ = writeln!(o, "\n## {}\n", w(r, "Business outcome"));
    let b = &r.outcome;
    let _ = writeln!(o, "| {} | {} | {} |\n|---|---|---|", w(r, "Run"), w(r, "Lost revenue"), w(r, "Stores affected"));
    for (name, c) in [("No response", b.no_response), ("Team", b.team), ("Perfect response", b.perfect)] {
        let _ = writeln!(o, "| {} | ¥{} | {} |", w(r, name), c.lost_revenue_yen, c.stores_affected);
    }
    let _ = writeln!(
        o,
        "\n{}: **{}**\n\n{}",
        w(r, "Place between the baselines"),
        b.place_pct.map_or_else(|| w(r, "none").to_string(), |p| format!("{p} %")),
        md(b.rule.get(lang))
    );

    let _ = writeln!(o, "\n## {}\n", w(r, "Scores"));
    let _ = writeln!(o, "| {} | {} |\n|---|---|", w(r, "Role"), w(r, "Points"));
    for x in &s.roles {
        let _ = writeln!(o, "| {} | {}/{} |", role_name(x.role), x.points, x.max);
    }
    let _ = writeln!(o, "\n| {} | {} | {} |\n|---|---|---|", w(r, "Person"), w(r, "Points"), w(r, "Did"));
    for p in &s.people {
        let did: Vec<String> = p.did.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
        let _ = writeln!(o, "| {} | {} | {} |", md(&p.name), p.points, md(&did.join(", ")));
    }

    let _ = writeln!(o, "\n## {}\n", w(r, "Ratings"));
    if r.ratings.is_empty() {
        let _ = writeln!(o, "{}", w(r, "none"));
    } else {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |\n|---|---|---|---|",
            w(r, "Capability"),
            w(r, "Rating"),
            w(r, "Comment"),
            w(r, "By")
        );
        for x in &r.ratings {
            let _ = writeln!(o, "| {} | {:?} | {} | {} |", md(&x.capability), x.rating, md(&x.comment), md(&x.by));
        }
    }
    let _ = writeln!(o, "\n## {}\n", w(r, "Improvement plan"));
    if r.improvements.is_empty() {
        let _ = writeln!(o, "{}", w(r, "none"));
    }
    for x in &r.improvements {
        let _ = writeln!(o, "- [ ] {} — {}: {}", md(&x.text), w(r, "Owner"), md(&x.owner));
    }

    let _ = writeln!(o, "\n## {}\n", w(r, "Timeline"));
    let _ = writeln!(o, "| {} | {} | {} |\n|---|---|---|", w(r, "Time"), w(r, "Who"), w(r, "What"));
    for e in &r.timeline {
        let _ = writeln!(o, "| {} | {} | {} |", clock(e.tick), md(&who(e)), md(&describe(e)));
    }
    o
}

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;\
text-align:left;vertical-align:top}th{background:#f3f3f3}.met{color:#1a7f37}.met_late{color:#9a6700}\
.missed{color:#cf222e}.rule{color:#555;font-size:.9em}";

/// The review as one HTML page with no scripts and no external resources.
pub fn html(r: &Review) -> String {
    let lang = r.language.as_str();
    let mut o = String::new();
    let title = format!("{}: {}", w(r, "After-action review"), r.title);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        esc(&r.language),
        esc(&title),
        esc(&title)
    );
    let _ = writeln!(
        o,
        "<p>{} · seed {} · {}{}</p>",
        esc(&r.scenario),
        r.seed,
        clock(r.ticks),
        r.drill.as_ref().map(|d| format!(" · {}", esc(d))).unwrap_or_default()
    );
    if !r.ended {
        let _ = writeln!(o, "<p><strong>{}</strong></p>", w(r, "provisional: the drill is still running"));
    }
    let s = &r.scores;
    let _ =
        writeln!(o, "<p>{}: <strong>{} / {}</strong> ({} %)</p>", w(r, "Team"), s.team_points, s.team_max, s.team_pct);
    let _ = writeln!(o, "<h2>{}</h2><table><tr>", w(r, "Objectives"));
    for h in ["Objective", "Outcome", "Due", "Done", "Margin", "By", "Points", "Rule"] {
        let _ = write!(o, "<th>{}</th>", w(r, h));
    }
    o.push_str("</tr>\n");
    for x in &r.objectives {
        let class =
            serde_json::to_value(x.outcome).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}/{}</td>\
             <td class=\"rule\">{}</td></tr>",
            esc(x.label.get(lang)),
            esc(&class),
            outcome_word(r, x.outcome),
            opt_clock(x.due_tick),
            opt_clock(x.done_tick),
            margin(x.margin_s),
            esc(x.done_by.as_deref().unwrap_or("")),
            x.points,
            x.max,
            esc(x.rule.get(lang))
        );
    }
    let _ = writeln!(o, "</table><p class=\"rule\">{}</p>", esc(s.rule.get(lang)));

    let a = &r.awareness;
    let _ = writeln!(
        o,
        "<h2>{}</h2><p>{}: <strong>{}</strong></p><p class=\"rule\">{}</p>",
        w(r, "Situational awareness"),
        w(r, "Accuracy"),
        a.accuracy_pct.map_or_else(|| w(r, "none").to_string(), |p| format!("{p} %")),
        esc(a.rule.get(lang))
    );
    if !a.reports.is_empty() {
        let _ = writeln!(
            o,
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            w(r, "Report"),
            w(r, "By"),
            w(r, "Stated"),
            w(r, "True"),
            w(r, "Accuracy")
        );
        for c in &a.reports {
            let stated = [c.stated_services.join(", "), c.stated_regions.join(", ")].join(" / ");
            let truth = [c.true_services.join(", "), c.true_regions.join(", ")].join(" / ");
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} %</td></tr>",
                clock(c.tick),
                esc(&c.by),
                esc(&stated),
                esc(&truth),
                c.accuracy_pct
            );
        }
        o.push_str("</table>\n");
    }

    let b = &r.outcome;
    let _ = writeln!(
        o,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
        w(r, "Business outcome"),
        w(r, "Run"),
        w(r, "Lost revenue"),
        w(r, "Stores affected")
    );
    for (name, c) in [("No response", b.no_response), ("Team", b.team), ("Perfect response", b.perfect)] {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>¥{}</td><td>{}</td></tr>",
            w(r, name),
            c.lost_revenue_yen,
            c.stores_affected
        );
    }
    let _ = writeln!(
        o,
        "</table><p>{}: <strong>{}</strong></p><p class=\"rule\">{}</p>",
        w(r, "Place between the baselines"),
        b.place_pct.map_or_else(|| w(r, "none").to_string(), |p| format!("{p} %")),
        esc(b.rule.get(lang))
    );

    let _ =
        writeln!(o, "<h2>{}</h2><table><tr><th>{}</th><th>{}</th></tr>", w(r, "Scores"), w(r, "Role"), w(r, "Points"));
    for x in &s.roles {
        let _ = writeln!(o, "<tr><td>{}</td><td>{}/{}</td></tr>", esc(&role_name(x.role)), x.points, x.max);
    }
    let _ = writeln!(
        o,
        "</table><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
        w(r, "Person"),
        w(r, "Points"),
        w(r, "Did")
    );
    for p in &s.people {
        let did: Vec<String> = p.did.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
        let _ = writeln!(o, "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", esc(&p.name), p.points, esc(&did.join(", ")));
    }
    o.push_str("</table>\n");

    let _ = writeln!(o, "<h2>{}</h2>", w(r, "Ratings"));
    if r.ratings.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", w(r, "none"));
    } else {
        let _ = writeln!(
            o,
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            w(r, "Capability"),
            w(r, "Rating"),
            w(r, "Comment"),
            w(r, "By")
        );
        for x in &r.ratings {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{:?}</td><td>{}</td><td>{}</td></tr>",
                esc(&x.capability),
                x.rating,
                esc(&x.comment),
                esc(&x.by)
            );
        }
        o.push_str("</table>\n");
    }
    let _ = writeln!(o, "<h2>{}</h2>", w(r, "Improvement plan"));
    if r.improvements.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", w(r, "none"));
    } else {
        let _ = writeln!(o, "<table><tr><th>{}</th><th>{}</th></tr>", w(r, "Item"), w(r, "Owner"));
        for x in &r.improvements {
            let _ = writeln!(o, "<tr><td>{}</td><td>{}</td></tr>", esc(&x.text), esc(&x.owner));
        }
        o.push_str("</table>\n");
    }

    let _ = writeln!(
        o,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
        w(r, "Timeline"),
        w(r, "Time"),
        w(r, "Who"),
        w(r, "What")
    );
    for e in &r.timeline {
        let _ =
            writeln!(o, "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", clock(e.tick), esc(&who(e)), esc(&describe(e)));
    }
    o.push_str("</table>\n</body></html>\n");
    o
}

/// Quotes a CSV field (RFC 4180): always quoted, quotes doubled. A field
/// that a spreadsheet would run as a formula gets a leading apostrophe.
fn csv_field(s: &str) -> String {
    let guarded = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

/// The timeline as CSV: tick, time, who, role, kind, text.
pub fn csv(r: &Review) -> String {
    let mut o = String::from("tick,time,who,role,kind,text\r\n");
    for e in &r.timeline {
        let role = e.role.map(role_name).unwrap_or_default();
        let _ = write!(
            o,
            "{},{},{},{},{},{}\r\n",
            e.tick,
            csv_field(&clock(e.tick)),
            csv_field(&e.who),
            csv_field(&role),
            csv_field(super::kind(&e.what)),
            csv_field(&describe(e))
        );
    }
    o
}

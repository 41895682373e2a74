//! The documents the declaration (発令) creates: status board, incident
//! doc, talk script, incident report and one checklist per lead role, in
//! the scenario's language (Japanese or English).
//!
//! These are the defaults the seed company's workflow instantiates; a
//! scenario that brings its own templates replaces them.

use crate::protocol::{DocKind, Role};

/// A document to create: id, kind, title, text.
pub(super) struct Template {
    pub id: String,
    pub kind: DocKind,
    pub title: &'static str,
    pub text: String,
}

/// Roles that get a checklist, in the order they are listed.
const CHECKLIST_ROLES: [Role; 6] =
    [Role::IncidentOwner, Role::CommsLead, Role::SupportLead, Role::SupportAgent, Role::Engineer, Role::Sales];

/// The talk script's line that says what is affected, which follows the
/// status board, per language: (prefix, the board's scope and impact
/// labels, the joint between them, the wording while both are empty).
const FOLLOWS_BOARD: [(&str, &str, &str, &str, &str); 2] = [
    ("- What is affected: ", "Scope:", "Impact:", " — ", "under investigation"),
    ("・影響: ", "影響範囲:", "影響:", "、", "調査中"),
];

/// What the status board says is affected, in the talk script's words:
/// its scope and impact lines, joined; "under investigation" while both
/// are empty.
pub(super) fn board_wording(board: &str, ja: bool) -> String {
    let (_, scope_label, impact_label, joint, empty) = FOLLOWS_BOARD[usize::from(ja)];
    let field = |label: &str| {
        board.lines().find_map(|l| l.trim_start().strip_prefix(label)).map(str::trim).unwrap_or_default().to_string()
    };
    let parts: Vec<String> = [field(scope_label), field(impact_label)].into_iter().filter(|p| !p.is_empty()).collect();
    if parts.is_empty() { empty.to_string() } else { parts.join(joint) }
}

/// The talk script with its "what is affected" line in the status board's
/// current wording, or `None` when nothing changes (the line already says
/// it, or the support lead has taken the line out: then the script is
/// theirs alone).
pub(super) fn script_following_board(script: &str, board: &str) -> Option<String> {
    let (ja, prefix) = FOLLOWS_BOARD
        .iter()
        .enumerate()
        .find_map(|(i, f)| script.lines().any(|l| l.starts_with(f.0)).then_some((i == 1, f.0)))?;
    let wording = board_wording(board, ja);
    let mut changed = false;
    let lines: Vec<String> = script
        .lines()
        .map(|l| match l.strip_prefix(prefix) {
            Some(rest) if rest != wording => {
                changed = true;
                format!("{prefix}{wording}")
            }
            _ => l.to_string(),
        })
        .collect();
    changed.then(|| lines.join("\n"))
}

/// Every document the declaration creates, for a scenario in `language`.
pub(super) fn declaration_docs(language: &str, title: &str) -> Vec<Template> {
    let ja = language.starts_with("ja");
    let board = if ja {
        format!("件名: {title}\n影響範囲: 調査中\n影響: \n対応状況: 調査中\n次回更新: ")
    } else {
        format!("Incident: {title}\nScope: under investigation\nImpact: \nStatus: investigating\nNext update: ")
    };
    let affected = board_wording(&board, ja);
    let mut docs = vec![
        Template {
            id: "status-board".into(),
            kind: DocKind::StatusBoard,
            title: if ja { "ステータスボード" } else { "Status board" },
            text: board,
        },
        Template {
            id: "incident-doc".into(),
            kind: DocKind::IncidentDoc,
            title: if ja { "インシデント管理資料" } else { "Incident doc" },
            text: if ja {
                "■ タイムライン\n\n■ 判明していること\n\n■ 仮説\n\n■ 決定事項\n".into()
            } else {
                "## Timeline\n\n## What we know\n\n## Hypotheses\n\n## Decisions\n".into()
            },
        },
        Template {
            id: "talk-script".into(),
            kind: DocKind::TalkScript,
            title: if ja { "トークスクリプト" } else { "Talk script" },
            // The "what is affected" line is the board's wording, and follows it.
            text: if ja {
                format!(
                    "お電話ありがとうございます。ただいま一部のサービスで障害が発生しており、復旧に向けて対応中です。\n\
                     {}{affected}\n・お店でできること: 現金でのお支払いをご案内ください。\n\
                     ・次回のお知らせ: ステータスページでお知らせします。\nご迷惑をおかけし申し訳ございません。",
                    FOLLOWS_BOARD[1].0
                )
            } else {
                format!(
                    "Thank you for calling. Some of our services are having problems right now and we are working on a fix.\n\
                     {}{affected}\n- What the store can do: offer cash payment.\n\
                     - Next update: on our status page.\nWe are sorry for the trouble.",
                    FOLLOWS_BOARD[0].0
                )
            },
        },
        Template {
            id: "incident-report".into(),
            kind: DocKind::IncidentReport,
            title: if ja { "障害報告" } else { "Incident report" },
            text: if ja {
                "■ 概要\n\n■ 発生日時・復旧日時\n\n■ 影響範囲\n\n■ 原因\n\n■ 対応内容\n\n■ 再発防止策\n".into()
            } else {
                "## Summary\n\n## Start and end\n\n## Impact\n\n## Root cause\n\n## What we did\n\n## Preventing a recurrence\n"
                    .into()
            },
        },
    ];
    for role in CHECKLIST_ROLES {
        let (title, items) = checklist(role, ja);
        let text = items.iter().map(|i| format!("[ ] {i}")).collect::<Vec<_>>().join("\n");
        docs.push(Template { id: format!("checklist-{}", role_id(role)), kind: DocKind::Checklist(role), title, text });
    }
    docs
}

fn role_id(role: Role) -> &'static str {
    match role {
        Role::IncidentOwner => "incident_owner",
        Role::CommsLead => "comms_lead",
        Role::SupportLead => "support_lead",
        Role::SupportAgent => "support_agent",
        Role::Sales => "sales",
        Role::Engineer => "engineer",
        Role::StoreActor => "store_actor",
        Role::CorporateActor => "corporate_actor",
        Role::Observer => "observer",
    }
}

/// A role's checklist: the seed company's practice, in a few lines.
fn checklist(role: Role, ja: bool) -> (&'static str, Vec<&'static str>) {
    match (role, ja) {
        (Role::IncidentOwner, false) => (
            "Incident owner checklist",
            vec![
                "Confirm who holds each role",
                "Set the phase",
                "Post a status report and promise the next one",
                "Approve risky runbook actions",
                "Mark resolved only when the world is healthy",
            ],
        ),
        (Role::IncidentOwner, true) => (
            "インシデントオーナー チェックリスト",
            vec![
                "役割の担当者を確認する",
                "フェーズを設定する",
                "状況報告を投稿し次回更新を約束する",
                "リスクのある対処を承認する",
                "復旧を確認してから解決にする",
            ],
        ),
        (Role::CommsLead, false) => (
            "External comms checklist",
            vec![
                "Publish a first notice within 5 minutes",
                "Post a scoping update 5 minutes later",
                "Update at least every 20 minutes",
                "Publish the final notice",
                "Write the incident report",
            ],
        ),
        (Role::CommsLead, true) => (
            "対外発信責任者 チェックリスト",
            vec![
                "5分以内に第一報を出す",
                "その5分後に影響範囲を更新する",
                "20分ごとに続報を出す",
                "復旧報を出す",
                "障害報告を書く",
            ],
        ),
        (Role::SupportLead, false) => (
            "Support lead checklist",
            vec![
                "Check the talk script against the status board",
                "Assign agents to phones",
                "Watch calls waiting and hold times",
            ],
        ),
        (Role::SupportLead, true) => (
            "顧客対応責任者 チェックリスト",
            vec![
                "トークスクリプトをステータスボードと合わせる",
                "電話対応の担当を割り当てる",
                "待ち呼と保留時間を見る",
            ],
        ),
        (Role::SupportAgent, false) => (
            "Support agent checklist",
            vec!["Read the talk script", "Answer with the script's wording", "Log a disposition for every call"],
        ),
        (Role::SupportAgent, true) => (
            "サポート担当 チェックリスト",
            vec!["トークスクリプトを読む", "スクリプトの言葉で答える", "通話ごとに結果を記録する"],
        ),
        (Role::Engineer, false) => (
            "Engineer checklist",
            vec![
                "Read the dashboards and deploy history",
                "State a hypothesis",
                "Ask the owner before risky actions",
                "Confirm recovery in the metrics",
            ],
        ),
        (Role::Engineer, true) => (
            "エンジニア チェックリスト",
            vec![
                "ダッシュボードとデプロイ履歴を見る",
                "仮説を立てる",
                "リスクのある対処はオーナーに確認する",
                "メトリクスで復旧を確認する",
            ],
        ),
        (Role::Sales, false) => (
            "Sales checklist",
            vec![
                "Answer every corporate client",
                "Use the status board's wording",
                "Promise only the next update time",
            ],
        ),
        (Role::Sales, true) => (
            "営業 チェックリスト",
            vec!["すべての法人顧客に返信する", "ステータスボードの文言を使う", "約束するのは次回更新時刻だけにする"],
        ),
        (Role::StoreActor | Role::CorporateActor | Role::Observer, _) => ("", Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(docs: &[Template], id: &str) -> String {
        docs.iter().find(|d| d.id == id).map(|d| d.text.clone()).unwrap_or_default()
    }

    #[test]
    fn the_talk_script_says_what_the_status_board_says() {
        for (lang, line) in [("en", "- What is affected: under investigation"), ("ja", "・影響: 調査中")] {
            let docs = declaration_docs(lang, "Lunch-peak POS outage");
            let script = doc(&docs, "talk-script");
            assert!(script.lines().any(|l| l == line), "{lang}: {script}");
            assert!(!script.contains("wording") && !script.contains("文言"), "no placeholder left: {script}");
            assert_eq!(script_following_board(&script, &doc(&docs, "status-board")), None, "in step from the start");
        }
    }

    #[test]
    fn the_talk_script_follows_the_board_until_its_line_is_taken_out() {
        let docs = declaration_docs("en", "T");
        let script = doc(&docs, "talk-script");
        let board = "Incident: T\nScope: Kanto stores\nImpact: card payments fail; cash works\nStatus: investigating";
        let next = script_following_board(&script, board).unwrap_or_default();
        assert!(
            next.lines().any(|l| l == "- What is affected: Kanto stores — card payments fail; cash works"),
            "{next}"
        );
        assert_eq!(next.lines().count(), script.lines().count(), "only that line changes");
        assert_eq!(script_following_board(&next, board), None, "nothing more to change");
        // Impact alone, in Japanese.
        let ja = doc(&declaration_docs("ja", "T"), "talk-script");
        let got = script_following_board(&ja, "件名: T\n影響範囲: \n影響: カード決済ができません").unwrap_or_default();
        assert!(got.lines().any(|l| l == "・影響: カード決済ができません"), "{got}");
        // The support lead rewrote the script without that line: it is theirs.
        assert_eq!(script_following_board("Accept cash.\nNext update on the status page.", board), None);
    }
}

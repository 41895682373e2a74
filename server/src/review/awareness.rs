//! Situational awareness: what each status report stated as affected and
//! in scope, compared with what the answer key says was failing at that
//! tick.
//!
//! A service or region counts as stated when its id or its name appears in
//! the report's `affected` or `scope` (case-insensitive, in the scenario's
//! own language), except in a sentence that calls it fine ("Kansai is
//! fine", "関西は正常"). Accuracy is the overlap of stated and true over
//! their union (Jaccard), for services and for regions, averaged; a report
//! that states nothing while nothing fails is fully accurate.

use serde::{Deserialize, Serialize};

use super::facts::Facts;
use super::record::What;
use crate::scenario::Scenario;

/// Words that mark a sentence as saying something is healthy.
const HEALTHY_WORDS: &[&str] = &[
    "fine",
    "ok",
    "okay",
    "unaffected",
    "not affected",
    "normal",
    "healthy",
    "operational",
    "正常",
    "影響なし",
    "影響はありません",
    "問題なし",
    "問題ありません",
    "稼働中",
];

/// One status report, judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportCheck {
    /// Tick of the report.
    pub tick: u64,
    /// Who posted it.
    pub by: String,
    /// The services it named as affected, by id.
    pub stated_services: Vec<String>,
    /// The services that were failing, by id.
    pub true_services: Vec<String>,
    /// The regions it named as affected, by id.
    pub stated_regions: Vec<String>,
    /// The regions that were failing, by id.
    pub true_regions: Vec<String>,
    /// Accuracy of the services named, 0..=100.
    pub services_pct: u32,
    /// Accuracy of the regions named, 0..=100.
    pub regions_pct: u32,
    /// Their average, 0..=100.
    pub accuracy_pct: u32,
}

/// Every report, judged, and the overall accuracy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Awareness {
    /// One per status report, in order.
    pub reports: Vec<ReportCheck>,
    /// Mean accuracy over the reports; `None` without reports.
    pub accuracy_pct: Option<u32>,
    /// How it is computed, in words.
    pub rule: super::Text,
}

/// Judges every status report.
pub fn assess(f: &Facts, s: &Scenario) -> Awareness {
    let mut reports = Vec::new();
    for e in &f.reports {
        let What::StatusReport { affected, scope, .. } = &e.what else { continue };
        let text = format!("{affected}\n{scope}");
        let (true_services, true_regions) = f.truth_at(e.tick);
        let stated_services = stated(&text, s.services.iter().map(|x| (x.id.as_str(), x.name.as_str())));
        let stated_regions = stated(&text, s.regions.iter().map(|x| (x.id.as_str(), x.name.as_str())));
        let services_pct = jaccard(&stated_services, &true_services);
        let regions_pct = jaccard(&stated_regions, &true_regions);
        reports.push(ReportCheck {
            tick: e.tick,
            by: e.who.clone(),
            stated_services,
            true_services,
            stated_regions,
            true_regions,
            services_pct,
            regions_pct,
            accuracy_pct: (services_pct + regions_pct) / 2,
        });
    }
    let accuracy_pct =
        (!reports.is_empty()).then(|| reports.iter().map(|r| r.accuracy_pct).sum::<u32>() / reports.len() as u32);
    Awareness {
        reports,
        accuracy_pct,
        rule: super::Text {
            en: "Each status report's \"affected\" and \"scope\" are compared with the answer key at that moment: services \
                 and regions named (by id or name, not in a sentence calling them fine) against those failing. Accuracy = \
                 overlap / union, services and regions averaged."
                .into(),
            ja: "各状況報告の「影響」「範囲」を、その時点の正解（障害中のサービスと地域）と比べる。IDまたは名前で挙げたもの\
                 （「正常」などと書かれた文を除く）と実際に障害中のものの重なり÷和集合。サービスと地域の平均。"
                .into(),
        },
    }
}

/// Ids of the items named in `text` outside "healthy" sentences.
fn stated<'a>(text: &str, items: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let lower = text.to_lowercase();
    let sentences: Vec<&str> = lower
        .split(['\n', ';', '.', '。', '；', '!', '！'])
        .flat_map(|s| s.split(" but "))
        .filter(|s| !HEALTHY_WORDS.iter().any(|w| contains_word(s, w)))
        .collect();
    let mut out: Vec<String> = items
        .filter(|(id, name)| {
            sentences.iter().any(|s| contains_word(s, &id.to_lowercase()) || contains_word(s, &name.to_lowercase()))
        })
        .map(|(id, _)| id.to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether `needle` occurs in `hay` as a word: for ASCII words, not inside
/// a longer ASCII word ("ok" is not in "tokyo"); other scripts have no
/// spaces, so any occurrence counts.
fn contains_word(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let ascii_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        let starts_word = needle.chars().next().is_some_and(ascii_word);
        let ends_word = needle.chars().next_back().is_some_and(ascii_word);
        !(starts_word && before.is_some_and(ascii_word) || ends_word && after.is_some_and(ascii_word))
    })
}

/// |a ∩ b| / |a ∪ b| as a percentage; 100 when both are empty.
fn jaccard(a: &[String], b: &[String]) -> u32 {
    let inter = a.iter().filter(|x| b.contains(x)).count();
    let union = a.len() + b.len() - inter;
    (inter * 100).checked_div(union).map_or(100, |p| p as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthy_sentences_do_not_count_as_stated() {
        let items = [("kanto", "Kanto"), ("kansai", "Kansai"), ("kyushu", "Kyushu")];
        let got = stated("Kanto stores; Kansai and Kyushu are fine", items.into_iter());
        assert_eq!(got, vec!["kanto".to_string()]);
        let items = [("kanto", "関東"), ("kansai", "関西")];
        assert_eq!(stated("関東の店舗。関西は正常", items.into_iter()), vec!["kanto".to_string()]);
    }

    #[test]
    fn words_match_whole_words_only() {
        assert!(contains_word("pos down in tokyo", "pos"));
        assert!(!contains_word("tokyo", "ok"));
        assert!(contains_word("決済が失敗", "決済"));
    }

    #[test]
    fn jaccard_is_overlap_over_union() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(jaccard(&s(&["a"]), &s(&["a"])), 100);
        assert_eq!(jaccard(&s(&["a", "b"]), &s(&["a"])), 50);
        assert_eq!(jaccard(&s(&[]), &s(&["a"])), 0);
        assert_eq!(jaccard(&s(&[]), &s(&[])), 100);
    }
}

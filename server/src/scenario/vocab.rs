//! The closed vocabularies of the scenario format: every word a file may use
//! for a kind, a channel, a role... in one table each, shared by validation
//! (which resolves the word) and the JSON Schema (which lists the words).

use super::{ActionKind, ClueKind, EffectKind, FaultKind, InjectChannel, Level, ObjectiveKind, PersonaKind, Weekday};
use crate::protocol::{ComponentStatus, Phase, Role};

/// The words of a vocabulary, in order.
pub(crate) fn names<T>(list: &[(&'static str, T)]) -> Vec<&'static str> {
    list.iter().map(|(n, _)| *n).collect()
}

/// The value a word stands for.
pub(crate) fn lookup<T: Copy>(list: &[(&'static str, T)], word: &str) -> Option<T> {
    list.iter().find(|(n, _)| *n == word).map(|(_, v)| *v)
}

/// Edits (insertions, deletions, substitutions) between two words, in
/// characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (row[j + 1] + 1).min(row[j] + 1).min(prev + usize::from(ca != cb));
            prev = here;
        }
    }
    row[b.len()]
}

/// The valid name closest to `word`, if one is close enough to be what was
/// meant: within a third of its length in edits (at least one), or one that
/// starts or ends with the other. Ties go to the first in `candidates`.
pub(crate) fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let d = edit_distance(&w, &c.to_lowercase());
        let near = d <= (c.chars().count() / 3).max(1)
            || (w.len() >= 3 && (c.starts_with(w.as_str()) || c.ends_with(w.as_str()) || w.starts_with(c)));
        if near && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `" (did you mean \"x\"?)"` for the closest valid name, or nothing.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates).map(|c| format!(" (did you mean \"{c}\"?)")).unwrap_or_default()
}

/// What a fault does.
pub(crate) const FAULT_KINDS: &[(&str, FaultKind)] = &[
    ("errors", FaultKind::Errors),
    ("latency", FaultKind::Latency),
    ("down", FaultKind::Down),
    ("data_loss", FaultKind::DataLoss),
];

/// The guest steps a fallback may stand in for, as indices in the order of
/// the simulation's flows (order on the app, order at the counter, pay by
/// card, pay cash).
pub(crate) const STEPS: &[(&str, usize)] =
    &[("order_mobile", 0), ("order_counter", 1), ("pay_card", 2), ("pay_cash", 3)];

/// What an action's side effect does.
pub(crate) const EFFECT_KINDS: &[(&str, EffectKind)] =
    &[("errors", EffectKind::Errors), ("latency", EffectKind::Latency), ("down", EffectKind::Down)];

/// Kinds of runbook action.
pub(crate) const ACTION_KINDS: &[(&str, ActionKind)] = &[
    ("rollback", ActionKind::Rollback),
    ("failover", ActionKind::Failover),
    ("restart", ActionKind::Restart),
    ("feature_flag", ActionKind::FeatureFlag),
    ("scale", ActionKind::Scale),
    ("vendor_escalation", ActionKind::VendorEscalation),
    ("other", ActionKind::Other),
];

/// Kinds of clue.
pub(crate) const CLUE_KINDS: &[(&str, ClueKind)] =
    &[("log", ClueKind::Log), ("metric", ClueKind::Metric), ("alert", ClueKind::Alert)];

/// Severity of a log line or alert.
pub(crate) const LEVELS: &[(&str, Level)] = &[("info", Level::Info), ("warn", Level::Warn), ("error", Level::Error)];

/// Who a persona is.
pub(crate) const PERSONA_KINDS: &[(&str, PersonaKind)] = &[
    ("store", PersonaKind::Store),
    ("client", PersonaKind::Client),
    ("executive", PersonaKind::Executive),
    ("press", PersonaKind::Press),
    ("social", PersonaKind::Social),
    ("vendor", PersonaKind::Vendor),
    ("colleague", PersonaKind::Colleague),
];

/// Where an inject arrives.
pub(crate) const CHANNELS: &[(&str, InjectChannel)] = &[
    ("phone", InjectChannel::Phone),
    ("line_chat", InjectChannel::LineChat),
    ("email", InjectChannel::Email),
    ("social", InjectChannel::Social),
    ("internal_chat", InjectChannel::InternalChat),
];

/// What an objective measures.
pub(crate) const OBJECTIVE_KINDS: &[(&str, ObjectiveKind)] = &[
    ("declare", ObjectiveKind::Declare),
    ("notice", ObjectiveKind::Notice),
    ("updates", ObjectiveKind::Updates),
    ("mitigate", ObjectiveKind::Mitigate),
    ("resolve", ObjectiveKind::Resolve),
    ("injects", ObjectiveKind::Injects),
    ("calls", ObjectiveKind::Calls),
    ("hold_time", ObjectiveKind::HoldTime),
    ("lost_revenue", ObjectiveKind::LostRevenue),
    ("awareness", ObjectiveKind::Awareness),
];

/// Days of the week.
pub(crate) const WEEKDAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Monday),
    ("tuesday", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday),
    ("friday", Weekday::Friday),
    ("saturday", Weekday::Saturday),
    ("sunday", Weekday::Sunday),
];

/// Roles, spelled as on the wire (a test checks they agree with serde).
pub(crate) const ROLES: &[(&str, Role)] = &[
    ("incident_owner", Role::IncidentOwner),
    ("comms_lead", Role::CommsLead),
    ("support_lead", Role::SupportLead),
    ("support_agent", Role::SupportAgent),
    ("sales", Role::Sales),
    ("engineer", Role::Engineer),
    ("store_actor", Role::StoreActor),
    ("corporate_actor", Role::CorporateActor),
    ("observer", Role::Observer),
];

/// Incident phases, spelled as on the wire.
pub(crate) const PHASES: &[(&str, Phase)] = &[
    ("investigating", Phase::Investigating),
    ("identified", Phase::Identified),
    ("mitigating", Phase::Mitigating),
    ("monitoring", Phase::Monitoring),
    ("resolved", Phase::Resolved),
];

/// Status-page component states, spelled as on the wire.
pub(crate) const STATUSES: &[(&str, ComponentStatus)] = &[
    ("operational", ComponentStatus::Operational),
    ("degraded_performance", ComponentStatus::DegradedPerformance),
    ("partial_outage", ComponentStatus::PartialOutage),
    ("major_outage", ComponentStatus::MajorOutage),
];

/// Role words.
pub(crate) fn role_names() -> Vec<&'static str> {
    names(ROLES)
}

/// Phase words.
pub(crate) fn phase_names() -> Vec<&'static str> {
    names(PHASES)
}

/// Status words.
pub(crate) fn status_names() -> Vec<&'static str> {
    names(STATUSES)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire<T: serde::Serialize>(v: T) -> String {
        serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }

    #[test]
    fn the_closest_name_is_suggested_only_when_it_is_close() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(closest("servce", ["id", "service", "services"]), Some("service"));
        assert_eq!(closest("error_rate", ["error_rate_pct", "latency_ms"]), Some("error_rate_pct"));
        assert_eq!(closest("rolback-payments", ["rollback-payments", "restart-pos"]), Some("rollback-payments"));
        assert_eq!(closest("banana", ["declare", "notice"]), None);
        assert_eq!(did_you_mean("declar", ["declare"]), " (did you mean \"declare\"?)");
        assert_eq!(did_you_mean("zzz", ["declare"]), "");
    }

    #[test]
    fn protocol_words_agree_with_the_wire() {
        assert_eq!(ROLES.len(), Role::ALL.len());
        for (name, role) in ROLES {
            assert_eq!(*name, wire(role));
        }
        for (name, phase) in PHASES {
            assert_eq!(*name, wire(phase));
        }
        for (name, status) in STATUSES {
            assert_eq!(*name, wire(status));
        }
    }
}

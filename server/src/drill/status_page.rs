//! The public status page: the company's status page for a drill, as its
//! customers (the stores, the corporate clients) see it.
//!
//! It holds only what was published: the state the latest external notice
//! announced, whether the final all-clear is out, and the notices
//! themselves, newest first, each with its drill time and the real time it
//! went out. Nothing internal: no channels, no phase, no names, no answer
//! key. The drill task ([`super::task`]) rebuilds it when a notice is
//! published, when the drill ends and after a restore, and shares it
//! through a `watch` channel in the [`super::DrillHandle`], so serving it
//! (`net::http`) never touches the task or replays anything. A finished
//! drill's page is stored with its result, for when the task has left
//! memory.

use serde::{Deserialize, Serialize};

use crate::limits;
use crate::protocol::{ComponentStatus, Notice};

/// What `GET /api/drills/{id}/status` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusPage {
    /// The drill's id.
    pub drill: String,
    /// BCP 47 tag of the scenario's language, which notices are usually
    /// written in.
    pub language: String,
    /// The state the latest notice announced; `operational` before any.
    pub status: ComponentStatus,
    /// Whether the final notice is out: the latest says `operational`
    /// after an earlier one that did not.
    pub resolved: bool,
    /// Whether the incident was reopened: after an all-clear, a later
    /// notice reported trouble again (a resolution that did not hold).
    #[serde(default)]
    pub reopened: bool,
    /// Whether the drill has ended (the page will not change any more).
    pub ended: bool,
    /// Notices published in all (the list keeps the newest
    /// `STATUS_PAGE_NOTICES_MAX`).
    pub notices_total: u32,
    /// The notices, newest first.
    pub notices: Vec<PublicNotice>,
}

/// One published notice, as customers read it (who wrote it is internal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicNotice {
    /// The state it announced.
    pub status: ComponentStatus,
    /// The message, plain text, as written.
    pub text: String,
    /// Drill seconds from the start when it was published.
    pub tick: u64,
    /// The drill's time of day when it was published, in seconds after
    /// midnight of the drill's day (may pass 86,400 in a drill that runs
    /// past midnight).
    pub time_of_day_s: u64,
    /// Real time it was published, milliseconds since the Unix epoch;
    /// `None` for notices of drills stored before this was kept.
    pub published_ms: Option<u64>,
}

impl StatusPage {
    /// A page with nothing published yet.
    pub(crate) fn empty(drill: &str, language: &str) -> StatusPage {
        StatusPage {
            drill: drill.to_string(),
            language: language.to_string(),
            status: ComponentStatus::Operational,
            resolved: false,
            reopened: false,
            ended: false,
            notices_total: 0,
            notices: Vec::new(),
        }
    }
}

/// The page for these notices (oldest first, as the simulation keeps
/// them), with `published_ms[i]` the real time notice `i` went out, where
/// known. `start_time_of_day_s` is the drill's time of day at tick 0.
pub(crate) fn build(
    drill: &str,
    language: &str,
    start_time_of_day_s: u32,
    ended: bool,
    notices: &[Notice],
    published_ms: &[u64],
) -> StatusPage {
    let latest = notices.last();
    let status = latest.map_or(ComponentStatus::Operational, |n| n.status);
    let resolved = status == ComponentStatus::Operational
        && notices.iter().rev().skip(1).any(|n| n.status != ComponentStatus::Operational);
    // An all-clear (operational after trouble) followed by trouble again.
    let mut trouble = false;
    let mut cleared = false;
    let mut reopened = false;
    for n in notices {
        if n.status == ComponentStatus::Operational {
            cleared |= trouble;
        } else {
            reopened |= cleared;
            trouble = true;
        }
    }
    let list = notices
        .iter()
        .enumerate()
        .rev()
        .take(limits::STATUS_PAGE_NOTICES_MAX)
        .map(|(i, n)| PublicNotice {
            status: n.status,
            text: n.text.clone(),
            tick: n.tick,
            time_of_day_s: u64::from(start_time_of_day_s) + n.tick * limits::TICK_DRILL_SECONDS,
            published_ms: published_ms.get(i).copied(),
        })
        .collect();
    StatusPage {
        drill: drill.to_string(),
        language: language.to_string(),
        status,
        resolved,
        reopened,
        ended,
        notices_total: u32::try_from(notices.len()).unwrap_or(u32::MAX),
        notices: list,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(status: ComponentStatus, text: &str, tick: u64) -> Notice {
        Notice { status, text: text.to_string(), by: "Sora".to_string(), tick }
    }

    #[test]
    fn nothing_published_reads_operational_and_not_resolved() {
        let page = build("d1", "en", 42_300, false, &[], &[]);
        assert_eq!(page, StatusPage::empty("d1", "en"));
    }

    #[test]
    fn notices_come_newest_first_with_drill_and_real_time_and_no_author() {
        let notices = [
            notice(ComponentStatus::PartialOutage, "We are investigating.", 300),
            notice(ComponentStatus::DegradedPerformance, "A fix is rolling out.", 600),
        ];
        let page = build("d1", "en", 42_300, false, &notices, &[1_000]);
        assert_eq!(page.status, ComponentStatus::DegradedPerformance);
        assert!(!page.resolved);
        assert_eq!(page.notices_total, 2);
        let texts: Vec<&str> = page.notices.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["A fix is rolling out.", "We are investigating."]);
        assert_eq!(page.notices[1].time_of_day_s, 42_600);
        assert_eq!(page.notices[1].published_ms, Some(1_000));
        assert_eq!(page.notices[0].published_ms, None, "no real time known for it");
        let json = serde_json::to_string(&page).unwrap_or_default();
        assert!(!json.contains("Sora"), "who wrote a notice stays inside: {json}");
    }

    #[test]
    fn an_all_clear_after_an_outage_is_the_resolution() {
        let outage = notice(ComponentStatus::MajorOutage, "Down.", 10);
        let clear = notice(ComponentStatus::Operational, "Fixed.", 20);
        assert!(build("d", "en", 0, false, &[outage.clone(), clear.clone()], &[]).resolved);
        assert!(!build("d", "en", 0, false, std::slice::from_ref(&clear), &[]).resolved, "nothing was wrong");
        assert!(!build("d", "en", 0, false, &[clear, outage], &[]).resolved, "it broke again");
    }

    #[test]
    fn trouble_after_an_all_clear_is_a_reopened_incident() {
        let outage = notice(ComponentStatus::PartialOutage, "Cards fail.", 10);
        let clear = notice(ComponentStatus::Operational, "Fixed.", 20);
        let again = notice(ComponentStatus::MajorOutage, "It is back.", 30);
        let page = build("d", "en", 0, false, &[outage.clone(), clear.clone(), again.clone()], &[]);
        assert!(page.reopened && !page.resolved, "{page:?}");
        assert!(!build("d", "en", 0, false, &[outage.clone(), clear.clone()], &[]).reopened, "the all-clear held");
        assert!(!build("d", "en", 0, false, &[clear.clone(), outage.clone()], &[]).reopened, "no all-clear before");
        // Cleared for good in the end: resolved, and it was reopened once.
        let page = build("d", "en", 0, false, &[outage, clear.clone(), again, clear], &[]);
        assert!(page.reopened && page.resolved);
    }

    #[test]
    fn the_list_is_bounded_and_keeps_the_newest() {
        let many: Vec<Notice> = (0..limits::STATUS_PAGE_NOTICES_MAX as u64 + 5)
            .map(|i| notice(ComponentStatus::PartialOutage, &format!("update {i}"), i))
            .collect();
        let page = build("d", "en", 0, false, &many, &[]);
        assert_eq!(page.notices.len(), limits::STATUS_PAGE_NOTICES_MAX);
        assert_eq!(page.notices_total as usize, many.len());
        assert_eq!(page.notices[0].text, format!("update {}", many.len() - 1));
    }
}

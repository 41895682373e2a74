//! Stage two of loading: from the raw mirror to a [`Scenario`] whose
//! references are indices, collecting every problem with its position.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

use super::raw::{RawAction, RawFault, RawScenario, RawService};
use super::{Action, CurvePoint, Fault, Flows, HealthBot, Problem, Region, Scenario, Service, StoreProfile};
use crate::limits;

const SECONDS_PER_MIN: f64 = 60.0;

/// Parses and validates scenario text. Returns every problem found, sorted
/// by position, or the scenario.
pub fn parse(text: &str) -> Result<Scenario, Vec<Problem>> {
    let raw: RawScenario = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_string();
            return Err(vec![problem_at(text, span, String::new(), message)]);
        }
    };
    let mut v = Validator { text, problems: Vec::new() };
    let scenario = v.scenario(raw);
    if v.problems.is_empty() {
        Ok(scenario)
    } else {
        v.problems.sort_by_key(|p| (p.line, p.col));
        Err(v.problems)
    }
}

fn problem_at(text: &str, span: Range<usize>, path: String, message: String) -> Problem {
    let start = span.start.min(text.len());
    let before = text.get(..start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text.get(line_start..start).map_or(1, |s| s.chars().count() + 1);
    Problem { line, col, path, message }
}

struct Validator<'a> {
    text: &'a str,
    problems: Vec<Problem>,
}

/// Id -> index, for resolving references.
type Index = BTreeMap<String, usize>;

impl Validator<'_> {
    fn err(&mut self, span: Range<usize>, path: impl Into<String>, message: impl Into<String>) {
        let p = problem_at(self.text, span, path.into(), message.into());
        self.problems.push(p);
    }

    fn scenario(&mut self, raw: RawScenario) -> Scenario {
        let d = &raw.drill;
        self.check_id(&d.id, "drill.id");
        if d.title.get_ref().trim().is_empty() {
            self.err(d.title.span(), "drill.title", "must not be empty");
        }
        let duration_min = *d.duration_min.get_ref();
        if duration_min == 0 || duration_min > limits::DRILL_DURATION_MIN_MAX {
            self.err(
                d.duration_min.span(),
                "drill.duration_min",
                format!("must be between 1 and {}", limits::DRILL_DURATION_MIN_MAX),
            );
        }
        let duration_s = u64::from(duration_min) * 60;
        let start_time_of_day_s = self.time_of_day(&d.start_time, "drill.start_time");
        let time_scale = match &d.time_scale {
            Some(s) if *s.get_ref() == 0 || *s.get_ref() > limits::SPEED_MAX => {
                self.err(s.span(), "drill.time_scale", format!("must be between 1 and {}", limits::SPEED_MAX));
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

        let regions = self.regions(&raw);
        let region_index = self.index(raw.world.regions.iter().map(|r| &r.get_ref().id), "world.regions");
        let store = self.store(&raw);
        let arrival_curve = self.curve(&raw);
        let service_index = self.index(raw.services.iter().map(|s| &s.get_ref().id), "services");
        let problems_before = self.problems.len();
        let services = raw
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| self.service(i, s.get_ref(), &service_index))
            .collect::<Vec<_>>();
        if self.problems.len() == problems_before {
            // Unresolved references point at index 0 and would invent cycles.
            self.check_cycles(&raw.services, &services);
        }
        let flows = self.flows(&raw, &service_index);
        let action_index = self.index(raw.actions.iter().map(|a| &a.get_ref().id), "actions");
        let actions = raw
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| self.action(i, a.get_ref(), &service_index))
            .collect::<Vec<_>>();
        self.index(raw.faults.iter().map(|f| &f.get_ref().id), "faults");
        let faults = raw
            .faults
            .iter()
            .enumerate()
            .map(|(i, f)| self.fault(i, f, duration_s, &service_index, &region_index, &action_index))
            .collect::<Vec<_>>();
        let health = self.health(&raw);

        Scenario {
            id: d.id.get_ref().clone(),
            title: d.title.get_ref().clone(),
            summary: d.summary.clone(),
            language,
            duration_s,
            start_time_of_day_s,
            time_scale,
            seed: d.seed.unwrap_or(1),
            regions,
            store,
            arrival_curve,
            flows,
            services,
            faults,
            actions,
            health,
        }
    }

    fn check_id(&mut self, id: &Spanned<String>, path: &str) {
        let s = id.get_ref();
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !ok {
            self.err(id.span(), path, "ids use 1 to 64 characters from a-z, 0-9, '-' and '_'");
        }
    }

    fn index<'s>(&mut self, ids: impl Iterator<Item = &'s Spanned<String>>, list: &str) -> Index {
        let mut index = Index::new();
        for (i, id) in ids.enumerate() {
            let path = format!("{list}[{i}].id");
            self.check_id(id, &path);
            if index.insert(id.get_ref().clone(), i).is_some() {
                self.err(id.span(), path, format!("duplicate id \"{}\"", id.get_ref()));
            }
        }
        index
    }

    fn resolve(&mut self, name: &Spanned<String>, index: &Index, path: String, what: &str) -> usize {
        match index.get(name.get_ref()) {
            Some(&i) => i,
            None => {
                let known = index.keys().map(String::as_str).collect::<Vec<_>>().join(", ");
                self.err(name.span(), path, format!("unknown {what} \"{}\" (known: {known})", name.get_ref()));
                0
            }
        }
    }

    fn time_of_day(&mut self, s: &Spanned<String>, path: &str) -> u32 {
        match parse_hh_mm(s.get_ref()) {
            Some(t) => t,
            None => {
                self.err(s.span(), path, "expected a time of day as \"HH:MM\" (00:00 to 23:59)");
                0
            }
        }
    }

    fn minutes(&mut self, m: &Spanned<f64>, path: String, max_s: u64) -> u64 {
        let v = *m.get_ref();
        let secs = v * SECONDS_PER_MIN;
        if !v.is_finite() || v < 0.0 || secs > max_s as f64 {
            self.err(m.span(), path, format!("must be between 0 and {} minutes", max_s / 60));
            return 0;
        }
        secs.round() as u64
    }

    fn percent(&mut self, p: &Spanned<u32>, path: &str) -> u32 {
        if *p.get_ref() > 100 {
            self.err(p.span(), path, "a percentage must be between 0 and 100");
        }
        (*p.get_ref()).min(100)
    }

    fn regions(&mut self, raw: &RawScenario) -> Vec<Region> {
        if raw.world.regions.is_empty() {
            self.err(0..0, "world.regions", "a world needs at least one region");
        }
        let mut total: u64 = 0;
        let regions = raw
            .world
            .regions
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let r = r.get_ref();
                let stores = *r.stores.get_ref();
                if stores == 0 {
                    self.err(
                        r.stores.span(),
                        format!("world.regions[{i}].stores"),
                        "a region needs at least one store",
                    );
                }
                total += u64::from(stores);
                Region { id: r.id.get_ref().clone(), name: r.name.clone(), stores }
            })
            .collect();
        if total > u64::from(limits::STORES_PER_DRILL_MAX)
            && let Some(last) = raw.world.regions.last()
        {
            self.err(
                last.get_ref().stores.span(),
                "world.regions",
                format!("{total} stores in all; the limit is {}", limits::STORES_PER_DRILL_MAX),
            );
        }
        regions
    }

    fn store(&mut self, raw: &RawScenario) -> StoreProfile {
        let s = &raw.world.store;
        if *s.avg_ticket_yen.get_ref() == 0 || *s.avg_ticket_yen.get_ref() > 1_000_000 {
            self.err(s.avg_ticket_yen.span(), "world.store.avg_ticket_yen", "must be between 1 and 1000000 yen");
        }
        if *s.peak_guests_per_hour.get_ref() > 3_600 {
            self.err(
                s.peak_guests_per_hour.span(),
                "world.store.peak_guests_per_hour",
                "at most 3600 (one guest a second)",
            );
        }
        StoreProfile {
            avg_ticket_yen: *s.avg_ticket_yen.get_ref(),
            peak_guests_per_hour: (*s.peak_guests_per_hour.get_ref()).min(3_600),
            card_share_pct: self.percent(&s.card_share_pct, "world.store.card_share_pct"),
            mobile_order_share_pct: self.percent(&s.mobile_order_share_pct, "world.store.mobile_order_share_pct"),
        }
    }

    fn curve(&mut self, raw: &RawScenario) -> Vec<CurvePoint> {
        let points = raw.world.arrival_curve.get_ref();
        if points.is_empty() {
            self.err(raw.world.arrival_curve.span(), "world.arrival_curve", "needs at least one point");
        }
        let mut out: Vec<CurvePoint> = Vec::with_capacity(points.len());
        for (i, p) in points.iter().enumerate() {
            let p = p.get_ref();
            let at_s = self.time_of_day(&p.at, &format!("world.arrival_curve[{i}].at"));
            let pct = self.percent(&p.pct, &format!("world.arrival_curve[{i}].pct"));
            if let Some(prev) = out.last()
                && at_s <= prev.at_s
            {
                self.err(p.at.span(), format!("world.arrival_curve[{i}].at"), "times must increase");
            }
            out.push(CurvePoint { at_s, pct });
        }
        out
    }

    fn service(&mut self, i: usize, s: &RawService, index: &Index) -> Service {
        let depends_on = s
            .depends_on
            .iter()
            .enumerate()
            .map(|(j, d)| self.resolve(d, index, format!("services[{i}].depends_on[{j}]"), "service"))
            .collect();
        Service { id: s.id.get_ref().clone(), name: s.name.clone(), depends_on, version: s.version.clone() }
    }

    /// Kahn's algorithm: whatever cannot be ordered after removing every
    /// service whose dependencies are all removed sits in or behind a cycle.
    fn check_cycles(&mut self, raw: &[Spanned<RawService>], services: &[Service]) {
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

    fn action(&mut self, i: usize, a: &RawAction, services: &Index) -> Action {
        let service = self.resolve(&a.service, services, format!("actions[{i}].service"), "service");
        let delay_s = self.minutes(&a.delay_min, format!("actions[{i}].delay_min"), 6 * 3600);
        Action { id: a.id.get_ref().clone(), label: a.label.clone(), service, delay_s }
    }

    fn fault(
        &mut self,
        i: usize,
        f: &Spanned<RawFault>,
        duration_s: u64,
        services: &Index,
        regions: &Index,
        actions: &Index,
    ) -> Fault {
        let raw = f.get_ref();
        let service = self.resolve(&raw.service, services, format!("faults[{i}].service"), "service");
        let starts_s = self.minutes(&raw.at_min, format!("faults[{i}].at_min"), u64::MAX / 120);
        if starts_s >= duration_s && duration_s > 0 {
            self.err(
                raw.at_min.span(),
                format!("faults[{i}].at_min"),
                format!("starts after the drill ends (at {} min)", duration_s / 60),
            );
        }
        let region_ids = raw
            .regions
            .iter()
            .enumerate()
            .map(|(j, r)| self.resolve(r, regions, format!("faults[{i}].regions[{j}]"), "region"))
            .collect();
        let pct = *raw.error_rate_pct.get_ref();
        if pct == 0 || pct > 100 {
            self.err(raw.error_rate_pct.span(), format!("faults[{i}].error_rate_pct"), "must be between 1 and 100");
        }
        if raw.fixed_by.get_ref().is_empty() {
            self.err(raw.fixed_by.span(), format!("faults[{i}].fixed_by"), "a fault needs at least one fix");
        }
        let fixed_by = raw
            .fixed_by
            .get_ref()
            .iter()
            .enumerate()
            .map(|(j, a)| self.resolve(a, actions, format!("faults[{i}].fixed_by[{j}]"), "action"))
            .collect();
        Fault {
            id: raw.id.get_ref().clone(),
            service,
            starts_s,
            regions: region_ids,
            error_ppm: pct.min(100) * 10_000,
            root_cause: raw.root_cause.clone(),
            fixed_by,
        }
    }

    fn health(&mut self, raw: &RawScenario) -> HealthBot {
        let mut bot = HealthBot { interval_s: 120, alert_below_ppm: 950_000 };
        if let Some(h) = &raw.health {
            if let Some(m) = &h.interval_min {
                let s = self.minutes(m, "health.interval_min".into(), 3600);
                if s < 10 {
                    self.err(m.span(), "health.interval_min", "must be at least 10 seconds");
                }
                bot.interval_s = s.max(10);
            }
            if let Some(p) = &h.alert_below_pct {
                bot.alert_below_ppm = self.percent(p, "health.alert_below_pct") * 10_000;
            }
        }
        bot
    }
}

/// Parses "HH:MM" into seconds after midnight.
fn parse_hh_mm(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    (h < 24 && m < 60).then_some(h * 3600 + m * 60)
}

fn is_language_tag(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 35
        && s.split('-').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = include_str!("../../../scenarios/lunch-peak-pos-outage.toml");

    fn problems(text: &str) -> Vec<String> {
        match parse(text) {
            Ok(_) => Vec::new(),
            Err(p) => p.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn the_built_in_scenario_is_valid() {
        let s = parse(GOOD).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(s.id, "lunch-peak-pos-outage");
        assert!(!s.faults.is_empty());
    }

    #[test]
    fn an_unknown_service_names_its_line_and_column() {
        let bad = GOOD.replacen("service = \"payments\"", "service = \"pos-api\"", 1);
        let got = problems(&bad);
        let line = bad.lines().position(|l| l.contains("\"pos-api\"")).map(|i| i + 1);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].starts_with(&format!("{}:11:", line.unwrap_or(0))), "{got:?}");
        assert!(got[0].contains("unknown service \"pos-api\""), "{got:?}");
    }

    #[test]
    fn a_typo_in_a_key_is_reported_where_it_is() {
        let bad = GOOD.replacen("root_cause", "root_cuase", 1);
        let got = problems(&bad);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("root_cuase"), "{got:?}");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = GOOD.replacen("start_time = \"11:45\"", "start_time = \"25:00\"", 1).replacen(
            "error_rate_pct = 40",
            "error_rate_pct = 400",
            1,
        );
        let got = problems(&bad);
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn a_fault_after_the_end_is_refused() {
        let bad = GOOD.replacen("at_min = 3", "at_min = 300", 1);
        let got = problems(&bad);
        assert!(got.iter().any(|p| p.contains("starts after the drill ends")), "{got:?}");
    }

    #[test]
    fn a_dependency_cycle_is_refused() {
        let bad = GOOD.replacen("version = \"external\"", "depends_on = [\"payments\"]\nversion = \"external\"", 1);
        let got = problems(&bad);
        assert!(got.iter().any(|p| p.contains("cycle")), "{got:?}");
    }
}

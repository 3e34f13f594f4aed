//! The rules that turn records into the figures a ward reports.
//!
//! Written once here so that the server's dashboard, the phone offline and the projector give
//! the same number for the same data.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::api::{Figure, Skill, TdpIndicators};

/// Whether a resident born in `birth_year` counts for a skill measured over people aged
/// `min_age` and older in `as_of_year`. Only the birth year is stored, so age is the year
/// difference: someone born in 2010 counts as 16 for the whole of 2026.
pub fn is_eligible(birth_year: i32, min_age: i32, as_of_year: i32) -> bool {
    as_of_year - birth_year >= min_age
}

/// The latest birth year that counts for `min_age` in `as_of_year`.
pub fn latest_eligible_birth_year(min_age: i32, as_of_year: i32) -> i32 {
    as_of_year - min_age
}

/// The population a share is taken over. The ward's register is the official count; the team
/// may have recorded more eligible residents than the register knows (people who moved in),
/// and a share must never exceed 100%, so the larger of the two is used.
pub fn population(registered: i64, recorded_eligible: i64) -> i64 {
    registered.max(recorded_eligible).max(0)
}

/// `part / whole` as a percentage with one decimal, or `None` when there is no one to count.
pub fn share_percent(part: i64, whole: i64) -> Option<f64> {
    if whole <= 0 {
        return None;
    }
    let exact = part.clamp(0, whole) as f64 * 100.0 / whole as f64;
    Some((exact * 10.0).round() / 10.0)
}

/// Where a share stands against its target, on the way to its deadline.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// At or above the target: "đã đạt".
    Reached,
    /// At or above the straight line to the target by its deadline: "đúng tiến độ".
    OnTrack,
    /// Below that line, or nobody to count yet: "chậm tiến độ".
    #[default]
    Behind,
}

impl Progress {
    /// Its name in the reports the server writes (Vietnamese, as the ward's other papers).
    pub fn name_vi(self) -> &'static str {
        match self {
            Self::Reached => "Đã đạt",
            Self::OnTrack => "Đúng tiến độ",
            Self::Behind => "Chậm tiến độ",
        }
    }
}

/// The straight line a share is judged against: nothing on `start` (the first day of the
/// year, or of a campaign), the whole target on `deadline` and after; `on` is the day judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub start: NaiveDate,
    pub deadline: NaiveDate,
    pub on: NaiveDate,
}

impl Pace {
    /// To `deadline`, from the first day of `on`'s year.
    pub fn to(deadline: NaiveDate, on: NaiveDate) -> Self {
        Self {
            start: NaiveDate::from_yo_opt(on.year(), 1).unwrap_or(on),
            deadline,
            on,
        }
    }

    /// Through `on`'s year, for a target without a deadline of its own (the models', visits).
    pub fn this_year(on: NaiveDate) -> Self {
        Self::to(NaiveDate::from_ymd_opt(on.year(), 12, 31).unwrap_or(on), on)
    }

    /// The share `target_percent` asks for by `on`: none on the start, all of it from the
    /// deadline on, and the straight line between.
    pub fn expected(self, target_percent: f64) -> f64 {
        if self.on >= self.deadline {
            return target_percent;
        }
        if self.on <= self.start {
            return 0.0;
        }
        let done = (self.on - self.start).num_days() as f64;
        let all = (self.deadline - self.start).num_days() as f64;
        target_percent * done / all
    }
}

pub fn progress(share: Option<f64>, target_percent: f64, pace: Pace) -> Progress {
    match share {
        Some(s) if s >= target_percent => Progress::Reached,
        Some(s) if s >= pace.expected(target_percent) => Progress::OnTrack,
        _ => Progress::Behind,
    }
}

/// `achieved` of `population`, as a share and against `target_percent` at `pace`.
pub fn figure(achieved: i64, population: i64, target_percent: f64, pace: Pace) -> Figure {
    let share = share_percent(achieved, population);
    Figure {
        achieved,
        population,
        share,
        progress: progress(share, target_percent, pace),
        withheld: false,
    }
}

/// Mean satisfaction (1–5) with one decimal, from a sum and a count of ratings.
pub fn mean_rating(sum: i64, count: i64) -> Option<f64> {
    (count > 0).then(|| ((sum as f64 / count as f64) * 10.0).round() / 10.0)
}

/// Households visited: every household, as "đi từng ngõ, gõ từng nhà" says.
pub const COVERAGE_TARGET: f64 = 100.0;
/// Satisfaction, as a share of the best rating: four out of five.
pub const SATISFACTION_TARGET: f64 = 80.0;

/// A TDP's place in the ward's emulation table (bảng thi đua), or a ward's in its province's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// Index into the TDPs (or wards) ranked.
    pub tdp: usize,
    /// 1 for the first; TDPs with the same score share a rank.
    pub rank: usize,
    /// 0–100: see [`ranking`].
    pub score: f64,
}

/// The TDPs from first to last, each scored by [`score`] against the ward's skills' targets.
/// Equal scores share a rank and keep the TDPs' own order.
pub fn ranking(tdps: &[TdpIndicators], skills: &[Skill]) -> Vec<Standing> {
    let targets: Vec<f64> = skills.iter().map(|s| s.target_percent).collect();
    rank(&tdps.iter().map(|t| score(t, &targets)).collect::<Vec<_>>())
}

/// An emulation score, 0–100: the mean, over visit coverage and every skill with a target
/// (`targets`, in the order of `indicators.skills`), of the share of that target reached, each
/// capped at the target: one indicator far ahead cannot hide another left behind. The same
/// for a TDP among its ward's and for a ward among its province's.
pub fn score(indicators: &TdpIndicators, targets: &[f64]) -> f64 {
    let of_target = |share: Option<f64>, target: f64| (share.unwrap_or(0.0) / target).min(1.0);
    let mut parts = vec![of_target(indicators.visit_coverage, COVERAGE_TARGET)];
    parts.extend(
        targets
            .iter()
            .zip(&indicators.skills)
            .filter(|(target, _)| **target > 0.0)
            .map(|(target, figure)| of_target(figure.share, *target)),
    );
    let mean = parts.iter().sum::<f64>() / parts.len() as f64;
    (mean * 1000.0).round() / 10.0
}

/// Places from first to last by their `scores`: equal scores share a rank and keep their
/// own order. `Standing::tdp` indexes `scores`.
pub fn rank(scores: &[f64]) -> Vec<Standing> {
    let mut scored: Vec<(usize, f64)> = scores.iter().copied().enumerate().collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    scored
        .iter()
        .map(|&(tdp, score)| Standing {
            tdp,
            rank: 1 + scored.iter().filter(|(_, s)| *s > score).count(),
            score,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn year() -> Pace {
        Pace::this_year(day("2026-12-07"))
    }

    #[test]
    fn progress_is_judged_against_the_straight_line_to_the_deadline() {
        // 1 July 2026 is 181 of the 364 days from 1 January to 31 December: half-way, nearly.
        let pace = Pace::to(day("2026-12-31"), day("2026-07-01"));
        assert!((pace.expected(80.0) - 80.0 * 181.0 / 364.0).abs() < 1e-9);
        assert_eq!(progress(Some(40.0), 80.0, pace), Progress::OnTrack);
        assert_eq!(progress(Some(39.0), 80.0, pace), Progress::Behind);
        assert_eq!(progress(Some(80.0), 80.0, pace), Progress::Reached);
        assert_eq!(progress(None, 80.0, pace), Progress::Behind);
        // A deadline passed asks for the whole target; one next year, for less this year.
        let passed = Pace::to(day("2025-12-31"), day("2026-07-01"));
        assert_eq!(passed.expected(50.0), 50.0);
        assert_eq!(progress(Some(49.9), 50.0, passed), Progress::Behind);
        let next_year = Pace::to(day("2027-12-31"), day("2026-12-31"));
        assert!((next_year.expected(30.0) - 30.0 * 364.0 / 729.0).abs() < 1e-9);
        // On the year's first day nothing is expected yet.
        assert_eq!(Pace::this_year(day("2026-01-01")).expected(100.0), 0.0);
        assert_eq!(Pace::this_year(day("2026-12-31")).expected(100.0), 100.0);
    }

    #[test]
    fn eligibility_uses_year_difference() {
        assert!(is_eligible(2010, 16, 2026));
        assert!(!is_eligible(2011, 16, 2026));
        assert!(!is_eligible(2026, 15, 2026), "born this year");
        assert_eq!(latest_eligible_birth_year(18, 2026), 2008);
    }

    #[test]
    fn population_never_below_recorded() {
        assert_eq!(population(500, 420), 500);
        assert_eq!(population(500, 530), 530);
        assert_eq!(population(0, 0), 0);
        assert_eq!(population(-3, 0), 0);
    }

    #[test]
    fn share_is_rounded_and_bounded() {
        assert_eq!(share_percent(1, 3), Some(33.3));
        assert_eq!(share_percent(2, 3), Some(66.7));
        assert_eq!(share_percent(5, 4), Some(100.0));
        assert_eq!(share_percent(0, 0), None);
    }

    #[test]
    fn mean_rating_of_nothing_is_none() {
        assert_eq!(mean_rating(0, 0), None);
        assert_eq!(mean_rating(14, 3), Some(4.7));
    }

    fn skill(target_percent: f64) -> Skill {
        Skill {
            id: uuid::Uuid::nil(),
            ward_code: 619,
            code: "s".into(),
            name_vi: "s".into(),
            name_en: "s".into(),
            min_age: 15,
            target_percent,
            deadline: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            position: 0,
        }
    }

    fn tdp(code: &str, coverage: Option<f64>, shares: &[Option<f64>]) -> TdpIndicators {
        TdpIndicators {
            tdp_id: None,
            code: code.into(),
            name: code.into(),
            households_registered: 100,
            households_visited: 0,
            visit_coverage: coverage,
            satisfaction: None,
            ratings: 0,
            skills: shares
                .iter()
                .map(|&share| crate::api::SkillFigure {
                    skill_id: uuid::Uuid::nil(),
                    achieved: 0,
                    population: 100,
                    share,
                    progress: Progress::Behind,
                    withheld: false,
                })
                .collect(),
            models: crate::api::ModelFigures {
                families: figure(0, 100, 100.0, year()),
                identity: figure(0, 100, 100.0, year()),
                ambassadors: figure(0, 0, 100.0, year()),
                cashless: figure(0, 0, 80.0, year()),
            },
            visits_withheld: false,
            ratings_withheld: false,
        }
    }

    /// (code, rank, score) from first to last.
    fn ranked<'a>(tdps: &'a [TdpIndicators], skills: &[Skill]) -> Vec<(&'a str, usize, f64)> {
        ranking(tdps, skills)
            .iter()
            .map(|s| (tdps[s.tdp].code.as_str(), s.rank, s.score))
            .collect()
    }

    #[test]
    fn ranking_caps_each_indicator_at_its_target() {
        let skills = [skill(80.0), skill(50.0)];
        let tdps = [
            // Far past one target, nothing on the other: (1 + 1 + 0) / 3.
            tdp("A", Some(100.0), &[Some(100.0), Some(0.0)]),
            // Half of every target: (0.5 + 0.5 + 0.5) / 3.
            tdp("B", Some(50.0), &[Some(40.0), Some(25.0)]),
            // Everything reached.
            tdp("C", Some(100.0), &[Some(80.0), Some(60.0)]),
        ];
        let order = ranked(&tdps, &skills);
        assert_eq!(order, [("C", 1, 100.0), ("A", 2, 66.7), ("B", 3, 50.0)]);
    }

    #[test]
    fn wards_are_scored_each_against_its_own_targets() {
        // The same figures: half of an 80% target, or the whole of a ward's 40% one.
        let ward = tdp("W", Some(50.0), &[Some(40.0)]);
        assert_eq!(score(&ward, &[80.0]), 50.0);
        assert_eq!(score(&ward, &[40.0]), 75.0);
        let standings = rank(&[50.0, 75.0, 50.0]);
        let ranks: Vec<(usize, usize)> = standings.iter().map(|s| (s.tdp, s.rank)).collect();
        assert_eq!(ranks, [(1, 1), (0, 2), (2, 2)]);
    }

    #[test]
    fn ranking_of_tdps_with_no_data_and_ties() {
        let skills = [skill(80.0), skill(0.0)];
        let tdps = [
            tdp("A", None, &[None, None]),
            tdp("B", Some(40.0), &[Some(32.0), Some(90.0)]),
            tdp("C", Some(40.0), &[Some(32.0), Some(0.0)]),
        ];
        let order = ranked(&tdps, &skills);
        // A skill without a target does not count; equal scores share a rank in TDP order.
        assert_eq!(order, [("B", 1, 40.0), ("C", 1, 40.0), ("A", 3, 0.0)]);
        assert!(ranking(&[], &skills).is_empty());
    }
}

//! Time-boxed campaigns ("45 ngày đêm"…): where one stands in its days, and the burn-up it is
//! judged by — what was achieved day by day against the straight line to its target.

use chrono::NaiveDate;

use crate::api::BurnUpDay;
use crate::indicators::Progress;

/// What a campaign can target besides the skills of the ward's catalogue (by code): households
/// visited for the first time during the campaign.
pub const HOUSEHOLDS_VISITED: &str = "households_visited";

/// Where a campaign stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Starts in this many days.
    NotStarted(i64),
    /// Running, with this many days left after today (0 on its last day).
    Running(i64),
    Ended,
}

pub fn phase(starts_on: NaiveDate, ends_on: NaiveDate, today: NaiveDate) -> Phase {
    if today < starts_on {
        Phase::NotStarted((starts_on - today).num_days())
    } else if today <= ends_on {
        Phase::Running((ends_on - today).num_days())
    } else {
        Phase::Ended
    }
}

/// Every day of the campaign with what was achieved by its end — counting `daily` (new
/// achievements per day, in any order; days outside the campaign left out), carried over days
/// with none, and unknown for days still to come — and the straight line that rises from zero
/// before the first day to `target` on the last.
pub fn burn_up(
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    today: NaiveDate,
    target: f64,
    daily: &[(NaiveDate, i64)],
) -> Vec<BurnUpDay> {
    let days = (ends_on - starts_on).num_days() + 1;
    if days <= 0 {
        return Vec::new();
    }
    let mut total = 0;
    starts_on
        .iter_days()
        .take(days as usize)
        .enumerate()
        .map(|(i, day)| {
            total += daily
                .iter()
                .filter(|(d, _)| *d == day)
                .map(|(_, n)| n)
                .sum::<i64>();
            BurnUpDay {
                day,
                achieved: (day <= today).then_some(total),
                line: target * (i as f64 + 1.0) / days as f64,
            }
        })
        .collect()
}

/// An indicator's standing today: reached at the target, on track on or above the straight
/// line to it, behind below.
pub fn standing(achieved: i64, target: f64, expected: f64) -> Progress {
    let achieved = achieved as f64;
    if achieved >= target {
        Progress::Reached
    } else if achieved >= expected {
        Progress::OnTrack
    } else {
        Progress::Behind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn achieved(points: &[BurnUpDay]) -> Vec<Option<i64>> {
        points.iter().map(|p| p.achieved).collect()
    }

    #[test]
    fn days_without_data_carry_the_count_and_the_line_rises_evenly() {
        let points = burn_up(
            d(10),
            d(14),
            d(13),
            50.0,
            &[(d(10), 4), (d(12), 3), (d(12), 1)],
        );
        assert_eq!(points.len(), 5);
        assert_eq!(
            achieved(&points),
            [Some(4), Some(4), Some(8), Some(8), None]
        );
        let line: Vec<f64> = points.iter().map(|p| p.line).collect();
        assert_eq!(line, [10.0, 20.0, 30.0, 40.0, 50.0]);
    }

    #[test]
    fn on_the_line_is_on_track() {
        assert_eq!(standing(50, 50.0, 20.0), Progress::Reached);
        assert_eq!(standing(20, 50.0, 20.0), Progress::OnTrack);
        assert_eq!(standing(19, 50.0, 20.0), Progress::Behind);
    }

    #[test]
    fn a_campaign_not_yet_started_has_its_line_and_nothing_achieved() {
        let points = burn_up(d(20), d(22), d(18), 30.0, &[(d(18), 5)]);
        assert_eq!(achieved(&points), [None, None, None]);
        assert_eq!(points[2].line, 30.0);
        assert_eq!(phase(d(20), d(22), d(18)), Phase::NotStarted(2));
    }

    #[test]
    fn an_ended_campaign_counts_its_own_days_only() {
        let points = burn_up(d(1), d(3), d(25), 9.0, &[(d(1), 2), (d(3), 1), (d(4), 7)]);
        assert_eq!(achieved(&points), [Some(2), Some(2), Some(3)]);
        assert_eq!(phase(d(1), d(3), d(25)), Phase::Ended);
        assert_eq!(phase(d(1), d(3), d(3)), Phase::Running(0));
        assert_eq!(phase(d(1), d(3), d(1)), Phase::Running(2));
    }
}

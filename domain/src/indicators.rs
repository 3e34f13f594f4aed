//! The rules that turn records into the figures a ward reports.
//!
//! Written once here so that the server's dashboard, the phone offline and the projector give
//! the same number for the same data.

use serde::{Deserialize, Serialize};

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

/// Where a share stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    /// At or above the target.
    Reached,
    /// At least [`ON_TRACK_FRACTION`] of the target.
    OnTrack,
    /// Below that, or nobody to count yet.
    Behind,
}

/// A share counts as on track from three quarters of its target: the band the ward's
/// steering committee colours amber, between "behind" and "reached".
pub const ON_TRACK_FRACTION: f64 = 0.75;

pub fn progress(share: Option<f64>, target_percent: f64) -> Progress {
    match share {
        Some(s) if s >= target_percent => Progress::Reached,
        Some(s) if s >= target_percent * ON_TRACK_FRACTION => Progress::OnTrack,
        _ => Progress::Behind,
    }
}

/// Mean satisfaction (1–5) with one decimal, from a sum and a count of ratings.
pub fn mean_rating(sum: i64, count: i64) -> Option<f64> {
    (count > 0).then(|| ((sum as f64 / count as f64) * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn progress_bands() {
        assert_eq!(progress(Some(85.0), 85.0), Progress::Reached);
        assert_eq!(progress(Some(64.0), 85.0), Progress::OnTrack);
        assert_eq!(progress(Some(63.0), 85.0), Progress::Behind);
        assert_eq!(progress(None, 50.0), Progress::Behind);
    }

    #[test]
    fn mean_rating_of_nothing_is_none() {
        assert_eq!(mean_rating(0, 0), None);
        assert_eq!(mean_rating(14, 3), Some(4.7));
    }
}

//! Vietnam's calendar: UTC+7 all year, no summer time. The ward dates everything by it — a
//! visit's day, a week of the weekly report, a class at 19:30 — whatever zone the server or
//! the phone is set to, so every conversion between an instant and a Vietnamese day or wall
//! clock time goes through here.

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc,
};

/// Vietnam's offset from UTC.
pub const OFFSET: TimeDelta = TimeDelta::hours(7);

/// Vietnam's zone, for formatting with chrono.
pub fn zone() -> FixedOffset {
    FixedOffset::east_opt(OFFSET.num_seconds() as i32).expect("7 hours is a valid offset")
}

/// The wall clock time in Vietnam at an instant.
pub fn local(instant: DateTime<Utc>) -> NaiveDateTime {
    instant.naive_utc() + OFFSET
}

/// The day in Vietnam at an instant: from 17:00 UTC it is already tomorrow.
pub fn day(instant: DateTime<Utc>) -> NaiveDate {
    local(instant).date()
}

/// The instant of a wall clock time in Vietnam.
pub fn instant(day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    (day.and_time(time) - OFFSET).and_utc()
}

/// The instant a day starts in Vietnam (17:00 UTC the day before).
pub fn start_of(day: NaiveDate) -> DateTime<Utc> {
    instant(day, NaiveTime::MIN)
}

/// The week (Monday to Sunday) a day falls in, as reports and the schedule count weeks.
pub fn week_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let monday = day - TimeDelta::days(day.weekday().num_days_from_monday().into());
    (monday, monday + TimeDelta::days(6))
}

/// The first and last day of the month a day falls in.
pub fn month_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = day.with_day(1).unwrap_or(day);
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    (first, next.pred_opt().unwrap_or(next))
}

/// A time of day as a time input gives it, `HH:MM` (24-hour). By hand rather than with chrono's
/// `parse_from_str`, whose pattern parser would ship in the app's bundle for this one use.
pub fn hour_minute(s: &str) -> Option<NaiveTime> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// A stretch of the calendar a schedule or a report is shown for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Week,
    Month,
}

impl Span {
    /// The first and last day of the week (Monday to Sunday) or month that holds `day`.
    pub fn days(self, day: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            Span::Week => week_of(day),
            Span::Month => month_of(day),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_day_turns_at_17_utc() {
        assert_eq!(day(utc("2026-12-31T16:59:59Z")), date("2026-12-31"));
        assert_eq!(day(utc("2026-12-31T17:00:00Z")), date("2027-01-01"));
        assert_eq!(day(utc("2027-03-31T17:01:00Z")), date("2027-04-01"));
    }

    #[test]
    fn days_start_at_midnight_in_vietnam() {
        assert_eq!(start_of(date("2027-01-01")), utc("2026-12-31T17:00:00Z"));
        let at = instant(
            date("2026-12-07"),
            NaiveTime::from_hms_opt(0, 30, 0).unwrap(),
        );
        assert_eq!(at, utc("2026-12-06T17:30:00Z"));
        assert_eq!(local(at).time(), NaiveTime::from_hms_opt(0, 30, 0).unwrap());
        assert_eq!(zone().to_string(), "+07:00");
    }

    #[test]
    fn weeks_run_monday_to_sunday() {
        // Sunday 6 December 2026 belongs to the week of Monday 30 November.
        let week = (date("2026-11-30"), date("2026-12-06"));
        assert_eq!(week_of(date("2026-11-30")), week);
        assert_eq!(week_of(date("2026-12-06")), week);
        assert_eq!(week_of(date("2026-12-07")).0, date("2026-12-07"));
        // A week across the new year.
        assert_eq!(
            week_of(date("2027-01-01")),
            (date("2026-12-28"), date("2027-01-03"))
        );
    }

    #[test]
    fn months_end_on_their_last_day() {
        assert_eq!(
            month_of(date("2027-02-14")),
            (date("2027-02-01"), date("2027-02-28"))
        );
        assert_eq!(
            month_of(date("2026-12-31")),
            (date("2026-12-01"), date("2026-12-31"))
        );
        assert_eq!(
            month_of(date("2028-02-29")),
            (date("2028-02-01"), date("2028-02-29"))
        );
    }

    #[test]
    fn a_span_is_the_week_or_the_month_of_its_day() {
        // Sunday night in Vietnam: still last week, already the last day of its month.
        let sunday = date("2027-01-31");
        assert_eq!(Span::Week.days(sunday), (date("2027-01-25"), sunday));
        assert_eq!(Span::Month.days(sunday), (date("2027-01-01"), sunday));
    }

    #[test]
    fn a_time_input_is_read_as_hours_and_minutes() {
        assert_eq!(hour_minute("19:30"), NaiveTime::from_hms_opt(19, 30, 0));
        assert_eq!(hour_minute("00:00"), NaiveTime::from_hms_opt(0, 0, 0));
        for bad in ["24:00", "7:30", "19:3", "19-30", "", "ab:cd", "19:60"] {
            assert_eq!(hour_minute(bad), None, "{bad}");
        }
    }
}

//! Dates, times and figures written the way Vietnamese read them.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};
use domain::api::Campaign;
use domain::campaigns::{Phase, phase};

use crate::i18n::{t_string, use_i18n};

/// Today in Vietnam by the phone's clock, whatever zone the phone is set to: ages, the forms'
/// default dates, this week's schedule.
pub fn today() -> NaiveDate {
    domain::time::day(crate::offline::now())
}

/// A date as Vietnamese write it, day first: 23/11/2026. (Not chrono's `format`, whose
/// pattern parser would ship in the bundle for this one use.)
pub fn date(d: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// A moment as Vietnamese write it, in Vietnam's time (UTC+7): 23/11/2026 14:05.
pub fn date_time(t: DateTime<Utc>) -> String {
    let local = domain::time::local(t);
    format!("{} {}", date(local.date()), hour_minute(local))
}

/// The time of day to the second, in Vietnam: 14:05:09, for figures that change by the second.
pub fn clock_time(t: DateTime<Utc>) -> String {
    let local = domain::time::local(t);
    format!(
        "{:02}:{:02}:{:02}",
        local.hour(),
        local.minute(),
        local.second()
    )
}

/// The time of day on a 24-hour clock: 14:05. (By hand, as `date` is.)
pub fn hour_minute(t: NaiveDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// When an activity takes place: "19:30–21:00, 25/11/2026", or across days
/// "25/11/2026 08:00 – 26/11/2026 17:00".
pub fn when(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> String {
    let (start, end) = (domain::time::local(starts_at), domain::time::local(ends_at));
    if start.date() == end.date() {
        format!(
            "{}–{}, {}",
            hour_minute(start),
            hour_minute(end),
            date(start.date())
        )
    } else {
        format!("{} – {}", date_time(starts_at), date_time(ends_at))
    }
}

/// How long something took, as a person says it: "dưới 1 giờ", "5 giờ", "3 ngày".
pub fn took(hours: f64) -> String {
    let i18n = use_i18n();
    if hours < 1.0 {
        t_string!(i18n, tickets.under_an_hour).to_string()
    } else if hours < 48.0 {
        t_string!(i18n, tickets.hours, n = hours.round() as i64).to_string()
    } else {
        t_string!(i18n, tickets.days, n = (hours / 24.0).round() as i64).to_string()
    }
}

/// A campaign's first and last day: "01/11/2026 – 15/12/2026".
pub fn period(c: &Campaign) -> String {
    format!("{} – {}", date(c.starts_on), date(c.ends_on))
}

/// Where a campaign stands today: "Còn 12 ngày", "Bắt đầu sau 3 ngày", "Đã kết thúc".
pub fn countdown(c: &Campaign) -> String {
    let i18n = use_i18n();
    match phase(c.starts_on, c.ends_on, today()) {
        Phase::NotStarted(n) => t_string!(i18n, campaigns.starts_in, n = n).to_string(),
        Phase::Running(0) => t_string!(i18n, campaigns.last_day).to_string(),
        Phase::Running(n) => t_string!(i18n, campaigns.days_left, n = n).to_string(),
        Phase::Ended => t_string!(i18n, campaigns.ended).to_string(),
    }
}

/// A mean satisfaction as "4.6 / 5", or a dash when nobody has rated yet.
pub fn rating(mean: Option<f64>) -> String {
    mean.map_or_else(|| "–".into(), |s| format!("{s:.1} / 5"))
}

/// A share as "63.5%", or a dash when there is nobody to count.
pub fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".into(), |s| format!("{s:.1}%"))
}

/// A count as Vietnamese write it, thousands grouped with dots: 10.012.
pub fn number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

//! The server's one clock: every "now" and "today" a request or the demo depends on is read
//! here, never from the system or from PostgreSQL's `now()`, so that a test can run the whole
//! server at a chosen instant — a Sunday night in Vietnam, the last minute of a year — and every
//! timestamp it writes and compares agrees with the dates it shows.
//!
//! Sessions and sign-in throttling are the exception: they measure elapsed time for security
//! (tower-sessions reads the system clock itself), and no calendar depends on them.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

/// The environment variable that stops a test build's clock at an instant (RFC 3339).
pub const NOW_VAR: &str = "NGOSO_NOW";

/// The real time, or in tests a clock that stands still at an instant until the test moves
/// it on: a journey at 16:59 UTC must not find itself past 17:00 — the next day in Vietnam —
/// because the suite took two minutes to get to it. Cheap to clone; clones share the time.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    #[default]
    System,
    /// Microseconds since the Unix epoch, PostgreSQL's precision.
    Stopped(Arc<AtomicI64>),
}

impl Clock {
    /// A clock standing at `instant` (to the microsecond).
    pub fn stopped_at(instant: DateTime<Utc>) -> Self {
        Self::Stopped(Arc::new(AtomicI64::new(instant.timestamp_micros())))
    }

    /// The clock `NGOSO_NOW` asks for. Only test builds (debug assertions on) honour it: a
    /// production server refuses to start with it rather than date records wrongly.
    pub fn from_env() -> anyhow::Result<Self> {
        let Ok(value) = std::env::var(NOW_VAR) else {
            return Ok(Self::System);
        };
        anyhow::ensure!(
            cfg!(debug_assertions),
            "{NOW_VAR} is honoured only by test builds; unset it to serve"
        );
        let instant = DateTime::parse_from_rfc3339(&value)
            .map_err(|e| anyhow::anyhow!("{NOW_VAR}={value:?} is not an RFC 3339 instant: {e}"))?;
        tracing::warn!(%instant, "the clock stands at {NOW_VAR}, not at the real time");
        Ok(Self::stopped_at(instant.to_utc()))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Self::System => Utc::now(),
            Self::Stopped(micros) => {
                DateTime::from_timestamp_micros(micros.load(Ordering::Relaxed))
                    .expect("a stopped clock holds a valid instant")
            }
        }
    }

    /// Today in Vietnam: the date a volunteer's form means.
    pub fn today(&self) -> NaiveDate {
        domain::time::day(self.now())
    }

    /// Moves a stopped clock on, as time would between two steps of a test.
    ///
    /// # Panics
    /// On the system clock, which nothing moves but time.
    pub fn advance(&self, by: TimeDelta) {
        match self {
            Self::System => panic!("the system clock cannot be moved"),
            Self::Stopped(micros) => {
                let by = by
                    .num_microseconds()
                    .expect("a test's step fits in microseconds");
                micros.fetch_add(by, Ordering::Relaxed);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stopped_clock_stands_until_moved_and_its_clones_follow() {
        let at: DateTime<Utc> = "2026-12-31T16:59:00Z".parse().unwrap();
        let clock = Clock::stopped_at(at);
        let shared = clock.clone();
        assert_eq!(clock.now(), at);
        assert_eq!(clock.today(), "2026-12-31".parse::<NaiveDate>().unwrap());
        shared.advance(TimeDelta::minutes(2));
        assert_eq!(clock.now(), at + TimeDelta::minutes(2));
        assert_eq!(clock.today(), "2027-01-01".parse::<NaiveDate>().unwrap());
    }
}

//! The rapid-response team's tickets, counted.

use chrono::NaiveDate;
use domain::api::TicketWeek;
use sqlx::PgPool;

use crate::error::Result;
/// The tickets of the week `from`–`to` (Vietnam's days), for the weekly report.
pub async fn week(db: &PgPool, ward: i32, from: NaiveDate, to: NaiveDate) -> Result<TicketWeek> {
    let (start, end) = (
        domain::time::start_of(from),
        domain::time::start_of(to + chrono::Days::new(1)),
    );
    let w = sqlx::query!(
        r#"select count(*) filter (where opened_at >= $2 and opened_at < $3) as "opened!",
                  count(*) filter (where resolved_at >= $2 and resolved_at < $3) as "resolved!",
                  count(*) filter (where opened_at < $3 and (resolved_at is null or resolved_at >= $3))
                      as "unresolved!",
                  percentile_cont(0.5) within group (
                      order by extract(epoch from resolved_at - opened_at)::float8 / 3600)
                      filter (where resolved_at >= $2 and resolved_at < $3) as median_hours
           from tickets where ward_code = $1 and opened_at < $3"#,
        ward,
        start,
        end,
    )
    .fetch_one(db)
    .await?;
    Ok(TicketWeek {
        opened: w.opened,
        resolved: w.resolved,
        unresolved: w.unresolved,
        median_hours: w.median_hours,
    })
}

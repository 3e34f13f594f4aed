//! Activities as the schedule shows them, and one with its attendees.

use chrono::{DateTime, NaiveDate, Utc};
use domain::access::Reach;
use domain::api::{Activity, ActivityDetail, ActivityKind, Attendee, SkillStatus};
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::only_tdps;
use crate::error::{Error, Result};
/// The ward's activities, or the ones asked for, as the schedule shows them.
pub async fn activities(
    db: &PgPool,
    ward: i32,
    ids: Option<&[Uuid]>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Result<Vec<Activity>> {
    let rows = sqlx::query!(
        r#"select a.id, a.ward_code, a.kind as "kind: ActivityKind", a.title, a.tdp_id, t.name as "tdp_name?", a.place,
                  a.starts_at, a.ends_at, a.organiser, a.capacity, a.unregistered, a.confirmed_at,
                  coalesce((select array_agg(at.skill_id order by s.position)
                            from activity_topics at join skills s on s.id = at.skill_id
                            where at.activity_id = a.id), '{}') as "topics!",
                  (select count(*) from attendance x where x.activity_id = a.id) as "attendees!"
           from activities a left join tdps t on t.id = a.tdp_id
           where a.ward_code = $1 and ($2::uuid[] is null or a.id = any($2))
               and ($3::timestamptz is null or a.ends_at >= $3)
               and ($4::timestamptz is null or a.starts_at < $4)
           order by a.starts_at, a.id"#,
        ward,
        ids,
        from,
        to,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|a| Activity {
            id: a.id,
            ward_code: a.ward_code,
            kind: a.kind,
            title: a.title,
            tdp_id: a.tdp_id,
            tdp_name: a.tdp_name,
            place: a.place,
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            organiser: a.organiser,
            topics: a.topics,
            capacity: a.capacity,
            attendees: a.attendees,
            unregistered: a.unregistered,
            confirmed_at: a.confirmed_at,
        })
        .collect())
}

/// One activity of any ward.
pub async fn activity(db: &PgPool, id: Uuid) -> Result<Activity> {
    let ward = sqlx::query_scalar!("select ward_code from activities where id = $1", id)
        .fetch_optional(db)
        .await?
        .ok_or(Error::NotFound)?;
    activities(db, ward, Some(&[id]), None, None)
        .await?
        .pop()
        .ok_or(Error::NotFound)
}

/// An activity with the attendees whose people `seen` reaches; the others counted.
pub async fn detail(db: &PgPool, activity: Activity, seen: &Reach) -> Result<ActivityDetail> {
    let only = only_tdps(seen);
    let attendees: Vec<Attendee> = sqlx::query!(
        r#"select r.id, r.full_name, r.birth_year, h.address, t.name as tdp_name,
                  x.outcome as "outcome: SkillStatus"
           from attendance x
           join residents r on r.id = x.resident_id
           join households h on h.id = r.household_id
           join tdps t on t.id = r.tdp_id
           where x.activity_id = $1 and ($2::uuid[] is null or r.tdp_id = any($2))
           order by r.name_sort, r.id"#,
        activity.id,
        only.as_deref(),
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|a| Attendee {
        resident_id: a.id,
        full_name: a.full_name,
        birth_year: a.birth_year,
        household_address: a.address,
        tdp_name: a.tdp_name,
        outcome: a.outcome,
    })
    .collect();
    Ok(ActivityDetail {
        attendees_elsewhere: activity.attendees - attendees.len() as i64,
        attendees,
        activity,
    })
}

/// What a phone keeps of the ward's activities to take attendance offline: those of `tdps`
/// and the ward-wide ones, from a week before `now` to a month after, each with the
/// attendees `seen` reaches. None for a person on no team.
pub async fn for_phone(
    db: &PgPool,
    ward: i32,
    tdps: &[Uuid],
    seen: &Reach,
    now: DateTime<Utc>,
) -> Result<Vec<ActivityDetail>> {
    if tdps.is_empty() {
        return Ok(Vec::new());
    }
    let from = now - chrono::TimeDelta::days(7);
    let to = now + chrono::TimeDelta::days(31);
    let mut kept = Vec::new();
    for a in activities(db, ward, None, Some(from), Some(to)).await? {
        if a.tdp_id.is_none_or(|t| tdps.contains(&t)) {
            kept.push(detail(db, a, seen).await?);
        }
    }
    Ok(kept)
}

/// The ward's activities overlapping the days `from` to `to` (Vietnam's), earliest first.
pub async fn in_period(
    db: &PgPool,
    ward: i32,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<Activity>> {
    let to = to.and_then(|d| d.succ_opt()).map(domain::time::start_of);
    activities(db, ward, None, from.map(domain::time::start_of), to).await
}

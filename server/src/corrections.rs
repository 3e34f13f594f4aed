//! Corrections that keep every figure right. A visit voided (recorded against the wrong
//! household, or never made) is deleted with its help and volunteers, so that every count the
//! database keeps drops it through the triggers that counted it. The skill statuses it
//! established are then worked out again from the visits and confirmed classes that remain,
//! by the same forward-only rule that set them (`record`, `api::activities`). Its id is kept
//! in `voided_visits`, so that a phone sending it again cannot bring it back, and what it said
//! goes to the audit log with the reason.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::Result;

/// A voided visit, with where it was.
pub struct Voided {
    pub ward: i32,
    pub tdp: Uuid,
    /// Who voided it.
    pub by: Uuid,
    pub answer: domain::api::VoidedVisit,
}

/// Visit `id` if it was voided.
pub async fn voided(db: &sqlx::PgPool, id: Uuid) -> Result<Option<Voided>> {
    Ok(sqlx::query!(
        "select ward_code, tdp_id, household_id, voided_at, voided_by from voided_visits
         where id = $1",
        id
    )
    .fetch_optional(db)
    .await?
    .map(|v| Voided {
        ward: v.ward_code,
        tdp: v.tdp_id,
        by: v.voided_by,
        answer: domain::api::VoidedVisit {
            id,
            household_id: v.household_id,
            voided_at: v.voided_at,
        },
    }))
}

/// A visit as it stands before it is voided.
pub struct Standing {
    pub ward: i32,
    pub tdp: Uuid,
    pub household_id: Uuid,
    /// When the server received it.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it, when known.
    pub recorded_by: Option<Uuid>,
    /// The request as received: what the audit log keeps of it.
    pub request: serde_json::Value,
}

/// Visit `id`, locked until the caller's transaction ends; none when there is no such visit.
pub async fn standing(tx: &mut PgConnection, id: Uuid) -> Result<Option<Standing>> {
    Ok(sqlx::query!(
        "select ward_code, tdp_id, household_id, recorded_at, recorded_by, request
         from visits where id = $1
         for update",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|v| Standing {
        ward: v.ward_code,
        tdp: v.tdp_id,
        household_id: v.household_id,
        recorded_at: v.recorded_at,
        recorded_by: v.recorded_by,
        request: v.request,
    }))
}

/// Voids visit `id` (locked by [`standing`]) in the caller's transaction: when, as stored.
pub async fn void_visit(
    tx: &mut PgConnection,
    id: Uuid,
    visit: &Standing,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>> {
    // The statuses this visit established lose their source first.
    let lost = sqlx::query!(
        "delete from resident_skills where visit_id = $1 returning resident_id, skill_id",
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    let (residents, skills): (Vec<Uuid>, Vec<Uuid>) = lost
        .into_iter()
        .map(|r| (r.resident_id, r.skill_id))
        .unzip();
    sqlx::query!("delete from visits where id = $1", id)
        .execute(&mut *tx)
        .await?;
    // Each from what remains: the earliest achievement, else the latest step in progress,
    // whether a visit or a confirmed class says so.
    sqlx::query!(
        r#"insert into resident_skills (resident_id, tdp_id, birth_year, skill_id, status, since,
                                      visit_id, activity_id)
           select distinct on (e.resident_id, e.skill_id)
                  r.id, r.tdp_id, r.birth_year, e.skill_id, e.status, e.since, e.visit_id,
                  e.activity_id
           from (
               select h.resident_id, h.skill_id, h.outcome as status, v.visited_on as since,
                      v.id as visit_id, null::uuid as activity_id
               from visit_help h join visits v on v.id = h.visit_id
               where (h.resident_id, h.skill_id) in
                     (select * from unnest($1::uuid[], $2::uuid[]))
               union all
               select x.resident_id, t.skill_id, x.outcome,
                      ((a.starts_at at time zone 'UTC') + make_interval(secs => $3))::date,
                      null, a.id
               from attendance x
               join activities a on a.id = x.activity_id and a.confirmed_at is not null
               join activity_topics t on t.activity_id = a.id
               where x.outcome is not null
                 and (x.resident_id, t.skill_id) in
                     (select * from unnest($1::uuid[], $2::uuid[]))
           ) e
           join residents r on r.id = e.resident_id
           order by e.resident_id, e.skill_id, e.status = 'achieved' desc,
                    case when e.status = 'achieved' then e.since end,
                    e.since desc, e.visit_id desc nulls last"#,
        &residents,
        &skills,
        domain::time::OFFSET.as_seconds_f64(),
    )
    .execute(&mut *tx)
    .await?;
    let voided_at = sqlx::query_scalar!(
        "insert into voided_visits (id, ward_code, tdp_id, household_id, voided_at, voided_by)
         values ($1, $2, $3, $4, $5, $6)
         returning voided_at",
        id,
        visit.ward,
        visit.tdp,
        visit.household_id,
        now,
        by,
    )
    .fetch_one(&mut *tx)
    .await?;
    // Phones that keep the household pull it again, without the visit.
    sqlx::query!(
        "update households set changed = pg_current_xact_id() where id = $1",
        visit.household_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(voided_at)
}

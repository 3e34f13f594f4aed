//! Residents with their skills and the help they were given.

use domain::api::{
    ActivityKind, AttendedActivity, Consent, DepartureReason, Gender, HelpRecord, MentorRef,
    Resident, ResidentSkill, SkillStatus,
};
use sqlx::PgPool;
use uuid::Uuid;

use crate::db::tdps;
use crate::error::{Error, Result};
/// Every help given to `resident`, or during `visits`.
pub async fn help_records(
    db: &PgPool,
    resident: Option<Uuid>,
    visits: &[Uuid],
) -> Result<Vec<HelpRecord>> {
    Ok(sqlx::query!(
        r#"select vh.visit_id, v.visited_on, vh.resident_id, r.full_name, vh.skill_id,
                  s.name_vi, vh.outcome as "outcome: SkillStatus"
           from visit_help vh
           join visits v on v.id = vh.visit_id
           join residents r on r.id = vh.resident_id
           join skills s on s.id = vh.skill_id
           where vh.resident_id = $1 or vh.visit_id = any($2)
           order by v.visited_on desc, v.recorded_at desc, r.name_sort, s.position"#,
        resident,
        visits,
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|h| HelpRecord {
        visit_id: h.visit_id,
        visited_on: h.visited_on,
        resident_id: h.resident_id,
        resident_name: h.full_name,
        skill_id: h.skill_id,
        skill_name: h.name_vi,
        outcome: h.outcome,
    })
    .collect())
}

pub async fn resident(db: &PgPool, id: Uuid) -> Result<Resident> {
    let r = sqlx::query!(
        r#"select r.id, r.household_id, h.address, r.tdp_id, r.full_name, r.birth_year,
                  r.gender as "gender: Gender", r.consent_at, g.full_name as "consent_by?",
                  r.consent_purpose, r.consent_withdrawn_at,
                  w.full_name as "consent_withdrawn_by?",
                  r.left_on, r.left_reason as "left_reason: DepartureReason", r.version, r.note
           from residents r join households h on h.id = r.household_id
           left join users g on g.id = r.consent_by
           left join users w on w.id = r.consent_withdrawn_by
           where r.id = $1"#,
        id
    )
    .fetch_optional(db)
    .await?
    .ok_or(Error::NotFound)?;
    let skills = sqlx::query!(
        r#"select rs.skill_id, s.code, s.name_vi, rs.status as "status: SkillStatus", rs.since,
                  rs.visit_id, rs.activity_id
           from resident_skills rs join skills s on s.id = rs.skill_id
           where rs.resident_id = $1 order by s.position"#,
        id
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|s| ResidentSkill {
        skill_id: s.skill_id,
        skill_code: s.code,
        skill_name: s.name_vi,
        status: s.status,
        since: s.since,
        visit_id: s.visit_id,
        activity_id: s.activity_id,
    })
    .collect();
    Ok(Resident {
        id: r.id,
        household_id: r.household_id,
        household_address: r.address,
        tdp: tdps::tdp(db, r.tdp_id).await?,
        full_name: r.full_name,
        birth_year: r.birth_year,
        gender: r.gender,
        skills,
        history: help_records(db, Some(id), &[]).await?,
        mentor_id: sqlx::query_scalar!("select id from mentors where resident_id = $1", id)
            .fetch_optional(db)
            .await?,
        learns_from: sqlx::query_as!(
            MentorRef,
            r#"select m.id as mentor_id, coalesce(r.full_name, tm.full_name) as "full_name!"
               from mentor_learners l
               join mentors m on m.id = l.mentor_id
               left join residents r on r.id = m.resident_id
               left join team_members tm on tm.id = m.team_member_id
               where l.resident_id = $1"#,
            id
        )
        .fetch_optional(db)
        .await?,
        activities: sqlx::query!(
            r#"select a.id, a.kind as "kind: ActivityKind", a.title, a.starts_at,
                      x.outcome as "outcome: SkillStatus"
               from attendance x join activities a on a.id = x.activity_id
               where x.resident_id = $1 order by a.starts_at desc, a.id"#,
            id
        )
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|a| AttendedActivity {
            activity_id: a.id,
            kind: a.kind,
            title: a.title,
            starts_at: a.starts_at,
            outcome: a.outcome,
        })
        .collect(),
        consent: Consent {
            given_at: r.consent_at,
            given_by: r.consent_by,
            purpose: r.consent_purpose,
            withdrawn_at: r.consent_withdrawn_at,
            withdrawn_by: r.consent_withdrawn_by,
        },
        departure: super::households::departure(r.left_on, r.left_reason),
        version: r.version,
        note: r.note,
    })
}

//! Residents: record one in a household, read one with their skills and history.

use axum::extract::State;
use axum::http::StatusCode;
use domain::access::Action;
use domain::api::{
    ActivityKind, AttendedActivity, AuditAction, Gender, HelpRecord, MentorRef, NewResident,
    Resident, ResidentSkill, SkillStatus,
};
use domain::{ErrorBody, FieldCode};
use sqlx::PgPool;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{ApiResult, tdps};
use crate::AppState;
use crate::auth::Access;
use crate::error::{Error, Json, OnConstraint, Path, Result};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_resident))
        .routes(routes!(get_resident))
}

pub fn status(s: &str) -> SkillStatus {
    SkillStatus::parse(s).unwrap_or(SkillStatus::InProgress)
}

/// Every help given to `resident`, or during `visits`.
pub async fn help_records(
    db: &PgPool,
    resident: Option<Uuid>,
    visits: &[Uuid],
) -> Result<Vec<HelpRecord>> {
    Ok(sqlx::query!(
        r#"select vh.visit_id, v.visited_on, vh.resident_id, r.full_name, vh.skill_id,
                  s.name_vi, vh.outcome
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
        outcome: status(&h.outcome),
    })
    .collect())
}

pub async fn resident(db: &PgPool, id: Uuid) -> Result<Resident> {
    let r = sqlx::query!(
        "select r.id, r.household_id, h.address, r.tdp_id, r.full_name, r.birth_year, r.gender
         from residents r join households h on h.id = r.household_id where r.id = $1",
        id
    )
    .fetch_optional(db)
    .await?
    .ok_or(Error::NotFound)?;
    let skills = sqlx::query!(
        "select rs.skill_id, s.code, s.name_vi, rs.status, rs.since, rs.visit_id, rs.activity_id
         from resident_skills rs join skills s on s.id = rs.skill_id
         where rs.resident_id = $1 order by s.position",
        id
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|s| ResidentSkill {
        skill_id: s.skill_id,
        skill_code: s.code,
        skill_name: s.name_vi,
        status: status(&s.status),
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
        gender: Gender::parse(&r.gender).unwrap_or(Gender::Other),
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
            "select a.id, a.kind, a.title, a.starts_at, x.outcome
             from attendance x join activities a on a.id = x.activity_id
             where x.resident_id = $1 order by a.starts_at desc, a.id",
            id
        )
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|a| AttendedActivity {
            activity_id: a.id,
            kind: ActivityKind::parse(&a.kind).unwrap_or(ActivityKind::Other),
            title: a.title,
            starts_at: a.starts_at,
            outcome: a.outcome.as_deref().map(status),
        })
        .collect(),
    })
}

/// A resident with each skill's current status and every help received.
#[utoipa::path(get, path = "/residents/{id}", tag = "residents",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Resident), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn get_resident(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<Resident> {
    access.resident(&state.db, id, Action::ViewPeople).await?;
    Ok(Json(resident(&state.db, id).await?))
}

/// Records a resident in a household of the ward.
#[utoipa::path(post, path = "/wards/{code}/residents", tag = "residents",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = NewResident,
    responses((status = 201, body = Resident), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_resident(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<NewResident>,
) -> Result<(StatusCode, Json<Resident>)> {
    access.ward(code, Action::Record)?;
    domain::validate::new_resident(&new, state.today()).map_err(Error::Validation)?;
    let household = access
        .household_field(
            &state.db,
            new.household_id,
            code,
            Action::Record,
            "household_id",
        )
        .await?;
    let id = new.id.unwrap_or_else(Uuid::now_v7);
    let name = new
        .full_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut tx = state.db.begin().await?;
    sqlx::query!(
        "insert into residents (id, household_id, tdp_id, full_name, name_search, name_sort, birth_year, gender)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        id,
        new.household_id,
        household.tdp,
        name,
        domain::text::fold(&name),
        domain::text::name_sort_key(&name),
        new.birth_year,
        new.gender.as_str(),
    )
    .execute(&mut *tx)
    .await
    .on_constraint("residents_pkey", "id", FieldCode::Duplicate)?;
    access
        .audit(&mut tx, code, AuditAction::Create, "residents", id, &new)
        .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(resident(&state.db, id).await?)))
}

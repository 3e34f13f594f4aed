//! Support visits: the door-to-door record that moves every indicator.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use domain::access::Action;
use domain::api::{AuditAction, NewVisit, Visit};
use domain::{ErrorBody, FieldCode, FieldError};
use sqlx::PgPool;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{ApiResult, residents::help_records, tdps::team_member};
use crate::AppState;
use crate::audit::{self, Entry};
use crate::auth::Access;
use crate::error::{Error, Json, Path, Result};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(record_visit))
        .routes(routes!(get_visit))
}

/// Visits by id, newest first, with their volunteers and help.
async fn load(db: &PgPool, ids: &[Uuid]) -> Result<Vec<Visit>> {
    let rows = sqlx::query!(
        "select id, household_id, visited_on, satisfaction, note, recorded_at from visits
         where id = any($1) order by visited_on desc, recorded_at desc",
        ids
    )
    .fetch_all(db)
    .await?;
    let mut volunteers: HashMap<Uuid, Vec<_>> = HashMap::new();
    for m in sqlx::query!(
        "select vv.visit_id, m.id, m.tdp_id, m.full_name, m.role, m.phone
         from visit_volunteers vv join team_members m on m.id = vv.team_member_id
         where vv.visit_id = any($1) order by m.full_name",
        ids
    )
    .fetch_all(db)
    .await?
    {
        volunteers.entry(m.visit_id).or_default().push(team_member(
            m.id,
            m.tdp_id,
            m.full_name,
            &m.role,
            m.phone,
        ));
    }
    let mut help: HashMap<Uuid, Vec<_>> = HashMap::new();
    for h in help_records(db, None, ids).await? {
        help.entry(h.visit_id).or_default().push(h);
    }
    Ok(rows
        .into_iter()
        .map(|v| Visit {
            id: v.id,
            household_id: v.household_id,
            visited_on: v.visited_on,
            volunteers: volunteers.remove(&v.id).unwrap_or_default(),
            help: help.remove(&v.id).unwrap_or_default(),
            satisfaction: v.satisfaction,
            note: v.note,
            recorded_at: v.recorded_at,
        })
        .collect())
}

pub async fn for_household(db: &PgPool, household_id: Uuid) -> Result<Vec<Visit>> {
    let ids = sqlx::query_scalar!(
        "select id from visits where household_id = $1",
        household_id
    )
    .fetch_all(db)
    .await?;
    load(db, &ids).await
}

/// One visit with its volunteers and help.
#[utoipa::path(get, path = "/visits/{id}", tag = "visits",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Visit), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn get_visit(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<Visit> {
    access.visit(&state.db, id, Action::ViewPeople).await?;
    load(&state.db, &[id])
        .await?
        .pop()
        .map(Json)
        .ok_or(Error::NotFound)
}

/// Records a visit to a household of the ward and updates the helped residents' skills.
///
/// Idempotent by `id`: sending the same visit again answers 200 with the stored visit; the
/// same `id` with other content answers 409 and changes nothing. A skill once achieved stays
/// achieved; an earlier visit that arrives late (from a phone that was offline) can still
/// establish it, with its own date.
#[utoipa::path(post, path = "/wards/{code}/visits", tag = "visits",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = NewVisit,
    responses((status = 201, body = Visit), (status = 200, body = Visit, description = "Already recorded"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_visit(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<NewVisit>,
) -> Result<(StatusCode, Json<Visit>)> {
    access.ward(code, Action::Record)?;
    domain::validate::new_visit(&new, super::today()).map_err(Error::Validation)?;
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
    let request = serde_json::to_value(NewVisit {
        id: Some(id),
        ..new.clone()
    })
    .map_err(anyhow::Error::from)?;

    let mut tx = state.db.begin().await?;
    check_references(&mut tx, &new, code).await?;

    let inserted = sqlx::query_scalar!(
        "insert into visits (id, ward_code, tdp_id, household_id, visited_on, satisfaction, note, request)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (id) do nothing returning id",
        id,
        code,
        household.tdp,
        new.household_id,
        new.visited_on,
        new.satisfaction,
        new.note.trim(),
        request,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if inserted.is_none() {
        let stored = sqlx::query_scalar!("select request from visits where id = $1", id)
            .fetch_one(&mut *tx)
            .await?;
        drop(tx);
        if stored != request {
            return Err(Error::Conflict);
        }
        let visit = load(&state.db, &[id]).await?.pop().ok_or(Error::NotFound)?;
        return Ok((StatusCode::OK, Json(visit)));
    }

    sqlx::query!(
        "insert into visit_volunteers (visit_id, team_member_id) select $1, unnest($2::uuid[])",
        id,
        &new.volunteer_ids,
    )
    .execute(&mut *tx)
    .await?;
    let residents: Vec<Uuid> = new.help.iter().map(|h| h.resident_id).collect();
    let skills: Vec<Uuid> = new.help.iter().map(|h| h.skill_id).collect();
    let outcomes: Vec<String> = new
        .help
        .iter()
        .map(|h| h.outcome.as_str().to_owned())
        .collect();
    sqlx::query!(
        "insert into visit_help (visit_id, resident_id, skill_id, outcome)
         select $1, * from unnest($2::uuid[], $3::uuid[], $4::text[])",
        id,
        &residents,
        &skills,
        &outcomes,
    )
    .execute(&mut *tx)
    .await?;
    // A status moves forward only: in progress → achieved. Among visits saying the same thing,
    // the earliest achieved visit, or the latest in-progress one, is kept, whatever order the
    // visits arrive in.
    sqlx::query!(
        "insert into resident_skills (resident_id, tdp_id, birth_year, skill_id, status, since, visit_id)
         select r.id, r.tdp_id, r.birth_year, h.skill_id, h.outcome, $4, $5
         from unnest($1::uuid[], $2::uuid[], $3::text[]) as h(resident_id, skill_id, outcome)
         join residents r on r.id = h.resident_id
         on conflict (resident_id, skill_id) do update
         set status = excluded.status, since = excluded.since, visit_id = excluded.visit_id
         where (resident_skills.status = 'in_progress'
                and (excluded.status = 'achieved' or excluded.since >= resident_skills.since))
            or (resident_skills.status = 'achieved' and excluded.status = 'achieved'
                and excluded.since < resident_skills.since)",
        &residents,
        &skills,
        &outcomes,
        new.visited_on,
        id,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Entry {
            ward: code,
            user: Some(access.user.id),
            action: AuditAction::Create,
            entity: "visits",
            entity_id: id.to_string(),
            change: &request,
        },
    )
    .await?;
    tx.commit().await?;
    let visit = load(&state.db, &[id]).await?.pop().ok_or(Error::NotFound)?;
    Ok((StatusCode::CREATED, Json(visit)))
}

/// Volunteers must be team members of the ward, helped residents must live in the visited
/// household, and skills must be in the ward's catalogue.
async fn check_references(
    tx: &mut sqlx::PgConnection,
    new: &NewVisit,
    ward_code: i32,
) -> Result<()> {
    let mut errors = Vec::new();
    let volunteers: HashMap<Uuid, i32> = sqlx::query!(
        "select m.id, t.ward_code from team_members m join tdps t on t.id = m.tdp_id
         where m.id = any($1)",
        &new.volunteer_ids
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.ward_code))
    .collect();
    for v in &new.volunteer_ids {
        match volunteers.get(v) {
            None => errors.push(FieldError::new(
                "volunteer_ids",
                FieldCode::UnknownReference,
            )),
            Some(w) if *w != ward_code => {
                errors.push(FieldError::new("volunteer_ids", FieldCode::OtherWard))
            }
            Some(_) => {}
        }
    }
    let resident_ids: Vec<Uuid> = new.help.iter().map(|h| h.resident_id).collect();
    let households: HashMap<Uuid, Uuid> = sqlx::query!(
        "select id, household_id from residents where id = any($1)",
        &resident_ids
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.household_id))
    .collect();
    let skill_ids: Vec<Uuid> = new.help.iter().map(|h| h.skill_id).collect();
    let skills: HashMap<Uuid, i32> = sqlx::query!(
        "select id, ward_code from skills where id = any($1)",
        &skill_ids
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.ward_code))
    .collect();
    for (i, item) in new.help.iter().enumerate() {
        match households.get(&item.resident_id) {
            None => errors.push(FieldError::new(
                format!("help[{i}].resident_id"),
                FieldCode::UnknownReference,
            )),
            Some(h) if *h != new.household_id => errors.push(FieldError::new(
                format!("help[{i}].resident_id"),
                FieldCode::OtherHousehold,
            )),
            Some(_) => {}
        }
        match skills.get(&item.skill_id) {
            None => errors.push(FieldError::new(
                format!("help[{i}].skill_id"),
                FieldCode::UnknownReference,
            )),
            Some(w) if *w != ward_code => errors.push(FieldError::new(
                format!("help[{i}].skill_id"),
                FieldCode::OtherWard,
            )),
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(errors))
    }
}

//! Support visits: the door-to-door record that moves every indicator.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::access::Action;
use domain::api::{AuditAction, NewVisit, Visit};
use domain::{ErrorBody, FieldCode, FieldError};
use sqlx::PgPool;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{ApiResult, residents::help_records, tdps::team_member};
use crate::AppState;
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

/// The visits to these households, newest first.
pub async fn for_households(db: &PgPool, households: &[Uuid]) -> Result<Vec<Visit>> {
    let ids = sqlx::query_scalar!(
        "select id from visits where household_id = any($1)",
        households
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
    let (status, id) = match record(&state.db, &access, code, new, None).await? {
        Recorded::New(id) => (StatusCode::CREATED, id),
        Recorded::Already(id) => (StatusCode::OK, id),
    };
    let visit = load(&state.db, &[id]).await?.pop().ok_or(Error::NotFound)?;
    Ok((status, Json(visit)))
}

/// What recording one visit did.
pub enum Recorded {
    New(Uuid),
    /// The same visit was recorded before (a retry): nothing changed.
    Already(Uuid),
}

/// When a phone recorded a visit, by its own clock, and how far ahead that clock was.
pub struct DeviceTime {
    pub recorded_at: DateTime<Utc>,
    pub clock_skew: chrono::TimeDelta,
}

impl DeviceTime {
    /// A date from the phone's calendar, in the server's: moved by the clock's error in whole
    /// days (an error under half a day leaves it alone).
    pub fn correct(&self, date: chrono::NaiveDate) -> chrono::NaiveDate {
        let days = (self.clock_skew.num_seconds() as f64 / 86_400.0).round() as i64;
        date - chrono::TimeDelta::days(days)
    }
}

/// Records one visit: checks, writes, skill statuses and the audit entry in one transaction.
/// Shared by the single endpoint and the sync batch. The same id with other content is
/// refused with `Error::Conflict` and kept in `sync_conflicts` for a person to resolve.
pub async fn record(
    db: &PgPool,
    access: &Access,
    code: i32,
    new: NewVisit,
    device: Option<DeviceTime>,
) -> Result<Recorded> {
    let id = new.id.unwrap_or_else(Uuid::now_v7);
    // The request as the phone sent it: a retry is compared with this, whatever the clock.
    let request = serde_json::to_value(NewVisit {
        id: Some(id),
        ..new.clone()
    })
    .map_err(anyhow::Error::from)?;
    // A copy sent before is settled first, whatever the checks would say of it today.
    let mut conn = db.acquire().await?;
    if let Some(outcome) = settled(&mut conn, access, code, id, &request).await? {
        return outcome;
    }
    drop(conn);
    // The date the volunteer saw was the phone's: a phone two days ahead said "today" two
    // days early in the server's calendar.
    let new = match &device {
        Some(d) => NewVisit {
            visited_on: d.correct(new.visited_on),
            ..new
        },
        None => new,
    };
    domain::validate::new_visit(&new, super::today()).map_err(Error::Validation)?;
    let household = access
        .household_field(db, new.household_id, code, Action::Record, "household_id")
        .await?;

    let mut tx = db.begin().await?;
    check_references(&mut tx, &new, code).await?;

    let inserted = sqlx::query_scalar!(
        "insert into visits (id, ward_code, tdp_id, household_id, visited_on, satisfaction, note,
                             request, device_recorded_at, device_clock_skew)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (id) do nothing returning id",
        id,
        code,
        household.tdp,
        new.household_id,
        new.visited_on,
        new.satisfaction,
        new.note.trim(),
        request,
        device.as_ref().map(|d| d.recorded_at),
        device.as_ref().map(|d| d.clock_skew.num_seconds() as f64),
    )
    .fetch_optional(&mut *tx)
    .await?;
    if inserted.is_none() {
        // Another copy got in first, between our check and our insert.
        let outcome = settle(&mut tx, access, code, id, &request).await;
        tx.commit().await?;
        return outcome;
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
    access
        .audit(&mut tx, code, AuditAction::Create, "visits", id, &request)
        .await?;
    tx.commit().await?;
    Ok(Recorded::New(id))
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

/// A visit id that is already stored: `Some` with the outcome (the same content: already
/// recorded; other content: a conflict, kept), `None` when the id is new.
async fn settled(
    conn: &mut sqlx::PgConnection,
    access: &Access,
    code: i32,
    id: Uuid,
    request: &serde_json::Value,
) -> Result<Option<Result<Recorded>>> {
    let exists = sqlx::query_scalar!(
        r#"select exists (select from visits where id = $1) as "e!""#,
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    if !exists {
        return Ok(None);
    }
    let outcome = settle(conn, access, code, id, request).await;
    Ok(Some(outcome))
}

async fn settle(
    conn: &mut sqlx::PgConnection,
    access: &Access,
    code: i32,
    id: Uuid,
    request: &serde_json::Value,
) -> Result<Recorded> {
    let stored = sqlx::query!(
        "select request, tdp_id, ward_code from visits where id = $1",
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    // An id of a visit the person could not have recorded: nothing of theirs to settle.
    let place = crate::auth::Place {
        ward: stored.ward_code,
        tdp: stored.tdp_id,
    };
    if stored.ward_code != code || access.record(place, Action::Record).is_err() {
        return Err(Error::Conflict);
    }
    if stored.request == *request {
        return Ok(Recorded::Already(id));
    }
    sqlx::query!(
        "insert into sync_conflicts (ward_code, tdp_id, entity, client_id, received, stored, user_id)
         values ($1, $2, 'visits', $3, $4, $5, $6)
         on conflict (entity, client_id, received) do nothing",
        code,
        stored.tdp_id,
        id,
        request,
        stored.request,
        access.user.id,
    )
    .execute(&mut *conn)
    .await?;
    Err(Error::Conflict)
}

//! Offline phones: their outbox of visits pushed in batches, the changes they pull to keep
//! working without signal, and the conflicts a person resolves.

use axum::extract::State;
use axum::http::StatusCode;
use domain::access::Action;
use domain::api::{
    AuditAction, ChangeBatch, ConflictChoice, ConflictResolution, NewVisit, SyncChanges,
    SyncConflict, SyncOutcome, SyncStatus, VisitBatch,
};
use domain::{ErrorBody, FieldCode, FieldError};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::db::{activities, dashboard, households, models, tdps, wards};
use crate::error::{Error, Json, Path, Query, Result};
use crate::outbox;
use crate::record::{DeviceTime, Incoming, record};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sync_outbox))
        .routes(routes!(sync_visits))
        .routes(routes!(sync_changes))
        .routes(routes!(list_conflicts))
        .routes(routes!(resolve_conflict))
}

/// A phone's outbox: every change its person made in the field, sent together when the
/// phone has signal, oldest first, at most 500 at a time. They are applied in dependency
/// order whatever their order in the batch (households, residents, visits, then corrections),
/// so a change may refer to a record another change of the batch creates. Each is checked on
/// its own, exactly as the single endpoint would, and answered in the batch's order:
/// `stored`, `already_stored` (sent before), `conflict` (the id was used for other content),
/// `invalid` (with field errors), `refused` (outside the person's TDPs) or `waiting` (it
/// refers to a household, resident or visit the server does not have: send it again after
/// the change that creates it). A database failure answers 503 or 500 for the whole batch:
/// sending it again is safe, since every change is idempotent by its id.
#[utoipa::path(post, path = "/wards/{code}/sync/outbox", tag = "sync",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = ChangeBatch,
    responses((status = 200, body = Vec<SyncOutcome>)))]
async fn sync_outbox(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(batch): Json<ChangeBatch>,
) -> ApiResult<Vec<SyncOutcome>> {
    access.ward(code, Action::Record)?;
    if batch.changes.len() > outbox::MAX_BATCH {
        return Err(Error::field("changes", FieldCode::TooLong));
    }
    let now = state.now();
    let ids: Vec<Uuid> = batch.changes.iter().map(|c| c.id).collect();
    let mut tx = access.write(&state.db).await?;
    let applied = outbox::apply(
        &mut tx,
        &access,
        code,
        batch.changes,
        batch.sent_at - now,
        now,
    )
    .await?;
    tx.commit().await?;
    let outcomes: Vec<SyncOutcome> = ids
        .into_iter()
        .zip(applied)
        .map(|(id, r)| outbox::outcome(Some(id), r))
        .collect();
    crate::metrics::sync_batch(outcomes.iter().map(|o| o.status.as_str()));
    Ok(Json(outcomes))
}

/// Visits from a phone's outbox, as app versions before `POST /wards/{code}/sync/outbox`
/// send them. Each visit is answered as there, `waiting` excepted: those versions do not
/// know it, and have the visit answered `invalid`. So is a visit to a household or resident
/// merged into another since (`merged`), as there.
#[utoipa::path(post, path = "/wards/{code}/sync/visits", tag = "sync",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = VisitBatch,
    responses((status = 200, body = Vec<SyncOutcome>)))]
async fn sync_visits(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(batch): Json<VisitBatch>,
) -> ApiResult<Vec<SyncOutcome>> {
    access.ward(code, Action::Record)?;
    if batch.visits.len() > outbox::MAX_BATCH {
        return Err(Error::field("visits", FieldCode::TooLong));
    }
    let now = state.now();
    let clock_skew = batch.sent_at - now;
    let mut tx = access.write(&state.db).await?;
    let refers_to = |v: &NewVisit| {
        std::iter::once(v.household_id)
            .chain(v.help.iter().map(|h| h.resident_id))
            .collect::<Vec<_>>()
    };
    let about: Vec<Uuid> = batch
        .visits
        .iter()
        .flat_map(|item| refers_to(&item.visit))
        .collect();
    let merged = outbox::merged(&mut tx, &about).await?;
    let mut outcomes: Vec<Option<SyncOutcome>> = Vec::with_capacity(batch.visits.len());
    let mut incoming = Vec::with_capacity(batch.visits.len());
    for item in batch.visits {
        if item.visit.id.is_none() {
            outcomes.push(Some(SyncOutcome {
                id: None,
                status: SyncStatus::Invalid,
                fields: vec![FieldError::new("id", FieldCode::Required)],
            }));
            continue;
        }
        let gone = refers_to(&item.visit)
            .into_iter()
            .find_map(|id| merged.get(&id));
        if let Some(&field) = gone {
            outcomes.push(Some(SyncOutcome {
                id: item.visit.id,
                status: SyncStatus::Invalid,
                fields: vec![FieldError::new(field, FieldCode::Merged)],
            }));
            continue;
        }
        outcomes.push(None);
        incoming.push(Incoming {
            device: Some(DeviceTime {
                recorded_at: item.recorded_at,
                clock_skew,
            }),
            visit: item.visit,
        });
    }
    let ids: Vec<Option<Uuid>> = incoming.iter().map(|i| i.visit.id).collect();
    let recorded = record(&mut tx, &access, code, incoming, now).await?;
    tx.commit().await?;
    let mut recorded = ids.into_iter().zip(recorded);
    let outcomes = outcomes
        .into_iter()
        .map(|o| {
            o.or_else(|| {
                recorded.next().map(|(id, r)| {
                    let outcome = outbox::outcome(id, r);
                    match outcome.status {
                        SyncStatus::Waiting => SyncOutcome {
                            status: SyncStatus::Invalid,
                            ..outcome
                        },
                        _ => outcome,
                    }
                })
            })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("an outcome per visit")))?;
    crate::metrics::sync_batch(outcomes.iter().map(|o| o.status.as_str()));
    Ok(Json(outcomes))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Since {
    /// The `cursor` of the last pull; without it, everything.
    since: Option<String>,
}

/// Whether a cursor has the shape of a PostgreSQL snapshot (`xmin:xmax:xip,…`), so a made-up
/// one is a bad request rather than a database error.
fn is_snapshot(cursor: &str) -> bool {
    let mut parts = cursor.split(':');
    let numbers = |p: &str| {
        p.split(',')
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(min), Some(max), Some(running), None)
            if numbers(min) && numbers(max) && (running.is_empty() || numbers(running))
    )
}

/// What a phone keeps to work offline in this ward: the ward, its skills catalogue, and the
/// TDPs where the person is on the team (team leader, volunteer) with their households, whole
/// (residents, visits), those changed since `since` only when it is given. Ward-wide roles
/// keep nothing offline: a ward is too big for a phone, and officials work online.
#[utoipa::path(get, path = "/wards/{code}/sync/changes", tag = "sync",
    params(("code" = i32, Path, description = "Official ward code"), Since),
    responses((status = 200, body = SyncChanges)))]
async fn sync_changes(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Query(Since { since }): Query<Since>,
) -> ApiResult<SyncChanges> {
    access.ward(code, Action::ViewFigures)?;
    if since.as_deref().is_some_and(|s| !is_snapshot(s)) {
        return Err(Error::BadRequest(
            "since is not a cursor of this API".into(),
        ));
    }
    let db = &state.db;
    // What the database had committed when the pull began. Rows are only ever inserted, by
    // the transaction in their `changed` column, so the next pull sends exactly the rows this
    // snapshot did not see (and, harmlessly, any committed while this pull was reading).
    let cursor = sqlx::query_scalar!(r#"select pg_current_snapshot()::text as "cursor!""#)
        .fetch_one(db)
        .await?;
    let team_tdps: Vec<Uuid> = access
        .user
        .grants
        .iter()
        .filter(|g| g.ward_code == code && g.role.is_per_tdp() && g.role.allows(Action::Record))
        .filter_map(|g| g.tdp_id)
        .collect();
    let changed = sqlx::query_scalar!(
        "select h.id from households h
         where h.tdp_id = any($1)
           and ($2::text is null
                or not pg_visible_in_snapshot(h.changed, $2::text::pg_snapshot)
                or exists (select from residents r where r.household_id = h.id
                           and not pg_visible_in_snapshot(r.changed, $2::text::pg_snapshot))
                or exists (select from visits v where v.household_id = h.id
                           and not pg_visible_in_snapshot(v.changed, $2::text::pg_snapshot)))",
        &team_tdps,
        since.as_deref() as Option<&str>,
    )
    .fetch_all(db)
    .await?;
    let mut tdps = Vec::with_capacity(team_tdps.len());
    for id in &team_tdps {
        tdps.push(tdps::detail(db, *id, state.today()).await?);
    }
    Ok(Json(SyncChanges {
        cursor,
        full: since.is_none(),
        ward: wards::ward(db, code).await?,
        skills: dashboard::skills(db, code).await?,
        models: models::settings(db, code).await?,
        tdps,
        households: households::households(db, &changed).await?,
        merged_households: sqlx::query_scalar!(
            "select m.id from merged_households m join households h on h.id = m.into_id
             where h.tdp_id = any($1) and $2::text is not null
               and not pg_visible_in_snapshot(m.changed, $2::text::pg_snapshot)",
            &team_tdps,
            since.as_deref() as Option<&str>,
        )
        .fetch_all(db)
        .await?,
        activities: activities::for_phone(
            db,
            code,
            &team_tdps,
            &access.reach(code, Action::ViewPeople),
            state.now(),
        )
        .await?,
    }))
}

/// Unresolved conflicts in the TDPs the person manages (team leaders) or the whole ward
/// (admins), newest first.
#[utoipa::path(get, path = "/wards/{code}/conflicts", tag = "sync",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = Vec<SyncConflict>)))]
async fn list_conflicts(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<Vec<SyncConflict>> {
    let tdps = crate::auth::only_tdps(&access.ward(code, Action::ManageTeam)?);
    Ok(Json(
        sqlx::query_as!(
            SyncConflict,
            r#"select c.id, c.entity, c.client_id, c.tdp_id, c.received, c.stored, c.received_at,
                      u.full_name as "user_name?"
               from sync_conflicts c left join users u on u.id = c.user_id
               where c.ward_code = $1 and c.resolved_at is null
                   and ($2::uuid[] is null or c.tdp_id = any($2))
               order by c.received_at desc limit 200"#,
            code,
            tdps.as_deref(),
        )
        .fetch_all(&state.db)
        .await?,
    ))
}

/// Settles a conflict in a TDP the person leads: keep the stored visit and let the other copy
/// go, or keep both (the other copy becomes a visit of its own, under a new id, checked like
/// any new visit). Settling it again the same way changes nothing; the other way answers 409.
#[utoipa::path(post, path = "/wards/{code}/conflicts/{id}/resolve", tag = "sync",
    params(("code" = i32, Path, description = "Official ward code"), ("id" = i64, Path)),
    request_body = ConflictResolution,
    responses((status = 204, description = "Settled"), (status = 409, body = ErrorBody)))]
async fn resolve_conflict(
    State(state): State<AppState>,
    access: Access,
    Path((code, id)): Path<(i32, i64)>,
    Json(resolution): Json<ConflictResolution>,
) -> Result<StatusCode> {
    let mut tx = access.write(&state.db).await?;
    let conflict = sqlx::query!(
        "select tdp_id, received, resolution from sync_conflicts
         where id = $1 and ward_code = $2 for update",
        id,
        code
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound)?;
    access.tdp(code, conflict.tdp_id, Action::ManageTeam)?;
    match conflict.resolution {
        Some(r) if r == resolution.choice.as_str() => return Ok(StatusCode::NO_CONTENT),
        Some(_) => return Err(Error::Conflict),
        None => {}
    }
    if resolution.choice == ConflictChoice::KeepBoth {
        let received: NewVisit =
            serde_json::from_value(conflict.received).map_err(anyhow::Error::from)?;
        let visit = NewVisit {
            id: None,
            ..received
        };
        let one = Incoming {
            visit,
            device: None,
        };
        if let Some(Err(e)) = record(&mut tx, &access, code, vec![one], state.now())
            .await?
            .pop()
        {
            return Err(e);
        }
    }
    sqlx::query!(
        "update sync_conflicts set resolved_at = $4, resolved_by = $1, resolution = $2
         where id = $3",
        access.user.id,
        resolution.choice.as_str(),
        id,
        state.now(),
    )
    .execute(&mut *tx)
    .await?;
    tx.commit_with(code, AuditAction::Update, "sync_conflicts", id, &resolution)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

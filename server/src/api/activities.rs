//! Activities besides door-to-door visits — classes, mobile help points, party-cell sessions,
//! youth campaigns — with who attended, and what the organiser confirmed they learnt, which
//! moves the attendees' skill statuses forward as a visit would.

use std::collections::HashSet;

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{NaiveDate, SubsecRound};
use domain::FieldCode;
use domain::access::Action;
use domain::api::{Activity, ActivityDetail, Attendance, AuditAction, Learning, NewActivity};
use domain::validate::unknown;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::attendance;
use crate::auth::Access;
use crate::db::activities::{activity, detail, in_period};
use crate::db::tdps;
use crate::error::{Error, Json, Path, Query, Result};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_activities, create_activity))
        .routes(routes!(get_activity))
        .routes(routes!(put_attendance))
        .routes(routes!(put_learning))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Period {
    /// The first day (Vietnam's time), inclusive.
    from: Option<NaiveDate>,
    /// The last day, inclusive.
    to: Option<NaiveDate>,
}

/// The ward's activities overlapping the period (all of them without one), earliest first.
/// Nobody is named, so everyone in the ward may read the schedule.
#[utoipa::path(get, path = "/wards/{code}/activities", tag = "activities",
    params(("code" = i32, Path, description = "Official ward code"), Period),
    responses((status = 200, body = [Activity])))]
async fn list_activities(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Query(period): Query<Period>,
) -> ApiResult<Vec<Activity>> {
    access.ward(code, Action::ViewFigures)?;
    Ok(Json(
        in_period(&state.db, code, period.from, period.to).await?,
    ))
}

/// Schedules an activity: for one TDP by its team leader, for the whole ward by the ward's
/// admins. The id is the client's: the same activity sent again answers it unchanged.
#[utoipa::path(post, path = "/wards/{code}/activities", tag = "activities",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = NewActivity,
    responses((status = 201, body = Activity)))]
async fn create_activity(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<NewActivity>,
) -> Result<(StatusCode, Json<Activity>)> {
    access.ward(code, Action::ViewFigures)?;
    domain::validate::new_activity(&new).map_err(Error::Validation)?;
    match new.tdp_id {
        Some(tdp) => {
            tdps::check_in_ward(&state.db, tdp, code, "tdp_id").await?;
            access.tdp(code, tdp, Action::ManageTeam)?;
        }
        None => {
            access.ward(code, Action::ManageWard)?;
        }
    }
    let known: HashSet<Uuid> = sqlx::query_scalar!(
        "select id from skills where ward_code = $1 and id = any($2)",
        code,
        &new.topics,
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .collect();
    let refused = unknown("topics", &new.topics, |t| known.contains(t));
    if !refused.is_empty() {
        return Err(Error::Validation(refused));
    }
    let (title, place, organiser) = (new.title.trim(), new.place.trim(), new.organiser.trim());
    // PostgreSQL keeps microseconds: a finer time sent again must still compare equal.
    let (starts_at, ends_at) = (new.starts_at.trunc_subsecs(6), new.ends_at.trunc_subsecs(6));
    let mut tx = access.write(&state.db).await?;
    let inserted = sqlx::query!(
        "insert into activities (id, ward_code, tdp_id, kind, title, place, starts_at, ends_at,
                                 organiser, capacity)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (id) do nothing",
        new.id,
        code,
        new.tdp_id,
        new.kind.as_str(),
        title,
        place,
        starts_at,
        ends_at,
        organiser,
        new.capacity,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        sqlx::query!(
            "insert into activity_topics (activity_id, skill_id) select $1, unnest($2::uuid[])",
            new.id,
            &new.topics,
        )
        .execute(&mut *tx)
        .await?;
        tx.audit(code, AuditAction::Create, "activities", new.id, &new)
            .await?;
    }
    tx.commit().await?;
    let stored = activity(&state.db, new.id).await?;
    let same = stored.ward_code == code
        && stored.tdp_id == new.tdp_id
        && stored.kind == new.kind
        && (
            stored.title.as_str(),
            stored.place.as_str(),
            stored.organiser.as_str(),
        ) == (title, place, organiser)
        && (stored.starts_at, stored.ends_at, stored.capacity)
            == (starts_at, ends_at, new.capacity)
        && stored.topics.iter().collect::<HashSet<_>>() == new.topics.iter().collect();
    if !same {
        return Err(Error::field("id", FieldCode::Duplicate));
    }
    Ok((StatusCode::CREATED, Json(stored)))
}

/// An activity with the attendees the person may see people of; the others are counted.
#[utoipa::path(get, path = "/activities/{id}", tag = "activities",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ActivityDetail)))]
async fn get_activity(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<ActivityDetail> {
    let activity = activity(&state.db, id).await?;
    access.ward(activity.ward_code, Action::ViewFigures)?;
    let seen = access.reach(activity.ward_code, Action::ViewPeople);
    Ok(Json(detail(&state.db, activity, &seen).await?))
}

/// Records who came: the residents listed (from the TDPs the person records in; the list
/// replaces theirs, and attendees from other TDPs stay) and a count of people not on the
/// register. Above the activity's capacity it answers 422 `over_capacity` unless
/// `over_capacity` confirms it. Sending the same list again changes nothing.
#[utoipa::path(put, path = "/activities/{id}/attendance", tag = "activities",
    params(("id" = Uuid, Path)),
    request_body = Attendance,
    responses((status = 200, body = ActivityDetail)))]
async fn put_attendance(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(body): Json<Attendance>,
) -> ApiResult<ActivityDetail> {
    let mut tx = access.write(&state.db).await?;
    attendance::set(&mut tx, &access, id, &body).await?;
    tx.commit().await?;
    let activity = activity(&state.db, id).await?;
    let seen = access.reach(activity.ward_code, Action::ViewPeople);
    Ok(Json(
        detail(&state.db, self::activity(&state.db, id).await?, &seen).await?,
    ))
}

/// The organiser's confirmation of what the attendees learnt (the activity's team leader, or
/// for a ward-wide activity the ward's admins): the attendees listed achieved each of the
/// activity's topics, the others are on their way (`attendance::confirm`). Statuses only move
/// forward — nobody who has a skill loses it — and the date is the activity's. Attendees of
/// TDPs the person does not manage are left as they are. Sending it again changes nothing.
#[utoipa::path(put, path = "/activities/{id}/learning", tag = "activities",
    params(("id" = Uuid, Path)),
    request_body = Learning,
    responses((status = 200, body = ActivityDetail)))]
async fn put_learning(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(body): Json<Learning>,
) -> ApiResult<ActivityDetail> {
    let mut tx = access.write(&state.db).await?;
    attendance::confirm(&mut tx, &access, id, &body, state.now()).await?;
    tx.commit().await?;
    let activity = activity(&state.db, id).await?;
    let seen = access.reach(activity.ward_code, Action::ViewPeople);
    Ok(Json(detail(&state.db, activity, &seen).await?))
}

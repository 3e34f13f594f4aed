//! Support visits: the door-to-door record that moves every indicator.

use axum::extract::State;
use axum::http::StatusCode;
use domain::ErrorBody;
use domain::access::Action;
use domain::api::{NewVisit, Visit, VoidVisit, VoidedVisit};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::corrections;
use crate::db::visits::load;
use crate::error::{Error, Json, Path, Result};
use crate::record::{Incoming, Recorded, record};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(record_visit))
        .routes(routes!(get_visit))
        .routes(routes!(void_visit))
}

/// Voids a visit recorded against the wrong household, or never made, giving the reason. It
/// leaves the household and every figure, and the skill statuses it established are worked
/// out again from the visits and classes that remain; the audit log keeps what it said. Its
/// TDP's team leader and the ward's admin may void any visit; the person who recorded one,
/// for 7 days. Voiding a voided visit again answers the same.
#[utoipa::path(post, path = "/visits/{id}/void", tag = "visits",
    params(("id" = Uuid, Path)),
    request_body = VoidVisit,
    responses((status = 200, body = VoidedVisit)))]
async fn void_visit(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(body): Json<VoidVisit>,
) -> ApiResult<VoidedVisit> {
    let mut tx = access.write(&state.db).await?;
    let voided = corrections::void(&mut tx, &access, id, &body, state.now()).await?;
    tx.commit().await?;
    Ok(Json(voided))
}

/// One visit with its volunteers and help.
#[utoipa::path(get, path = "/visits/{id}", tag = "visits",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Visit)))]
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
    responses((status = 201, body = Visit),
        (status = 200, body = Visit, description = "Already recorded"),
        (status = 409, body = ErrorBody)))]
async fn record_visit(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<NewVisit>,
) -> Result<(StatusCode, Json<Visit>)> {
    access.ward(code, Action::Record)?;
    let one = Incoming {
        visit: new,
        device: None,
    };
    let mut tx = access.write(&state.db).await?;
    let outcome = record(&mut tx, &access, code, vec![one], state.now())
        .await?
        .pop();
    // Committed whatever the outcome: a conflict is kept even though the answer is 409.
    tx.commit().await?;
    let recorded = outcome.ok_or(Error::Conflict)??;
    let (status, id) = match recorded {
        Recorded::New(id) => (StatusCode::CREATED, id),
        Recorded::Already(id) => (StatusCode::OK, id),
    };
    let visit = load(&state.db, &[id]).await?.pop().ok_or(Error::NotFound)?;
    Ok((status, Json(visit)))
}

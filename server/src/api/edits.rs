//! Edits of households and residents: their history, and the conflicts a team leader settles.
//! The edits themselves come through the outbox (`sync`), from the web as from a phone.

use axum::extract::State;
use axum::http::StatusCode;
use domain::access::Action;
use domain::api::{EditConflict, EditResolution, RecordEdit};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::{Access, only_tdps};
use crate::db::edits::{conflicts, history};
use crate::edits::{Record, resolve};
use crate::error::{Json, Path, Result};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(household_edits))
        .routes(routes!(resident_edits))
        .routes(routes!(list_edit_conflicts))
        .routes(routes!(resolve_edit_conflict))
}

/// Every edit of a household and of its residents, newest first: each field set, with the
/// value before.
#[utoipa::path(get, path = "/households/{id}/edits", tag = "households",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<RecordEdit>)))]
async fn household_edits(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<Vec<RecordEdit>> {
    access.household(&state.db, id, Action::ViewPeople).await?;
    Ok(Json(history(&state.db, Record::Household(id)).await?))
}

/// Every edit of a resident, newest first.
#[utoipa::path(get, path = "/residents/{id}/edits", tag = "residents",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<RecordEdit>)))]
async fn resident_edits(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<Vec<RecordEdit>> {
    access.resident(&state.db, id, Action::ViewPeople).await?;
    Ok(Json(history(&state.db, Record::Resident(id)).await?))
}

/// Two edits of one field made apart, not settled yet, in the TDPs the person leads (team
/// leaders) or the whole ward (admins), newest first.
#[utoipa::path(get, path = "/wards/{code}/edit-conflicts", tag = "sync",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = Vec<EditConflict>)))]
async fn list_edit_conflicts(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<Vec<EditConflict>> {
    let tdps = only_tdps(&access.ward(code, Action::ManageTeam)?);
    Ok(Json(conflicts(&state.db, code, tdps.as_deref()).await?))
}

/// Settles a conflict in a TDP the person leads: the record keeps its value, or takes the
/// other one (a new edit, in the record's history). Settling it again the same way changes
/// nothing; the other way answers 409.
#[utoipa::path(post, path = "/wards/{code}/edit-conflicts/{id}/resolve", tag = "sync",
    params(("code" = i32, Path, description = "Official ward code"), ("id" = i64, Path)),
    request_body = EditResolution,
    responses((status = 204, description = "Settled")))]
async fn resolve_edit_conflict(
    State(state): State<AppState>,
    access: Access,
    Path((code, id)): Path<(i32, i64)>,
    Json(resolution): Json<EditResolution>,
) -> Result<StatusCode> {
    let mut tx = access.write(&state.db).await?;
    resolve(&mut tx, &access, code, id, resolution.choice, state.now()).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

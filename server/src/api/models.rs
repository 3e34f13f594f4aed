//! The movement's models: each ward's settings for them, who guides each household, and the
//! models' counts per TDP — the rules of `domain::models`, counted in SQL.

use axum::extract::State;
use domain::access::Action;
use domain::api::{AuditAction, GuideChoice, Household, ModelSettings};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::db::models::{save_settings, settings};
use crate::db::{households, wards};
use crate::error::{Error, Json, Path};
use crate::people::set_guide;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(put_guide))
}

/// What the ward judges its models by.
#[utoipa::path(get, path = "/wards/{code}/models", tag = "models",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = ModelSettings)))]
async fn get_settings(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<ModelSettings> {
    access.ward(code, Action::ViewFigures)?;
    wards::ward(&state.db, code).await?;
    Ok(Json(settings(&state.db, code).await?))
}

/// Sets the ward's targets, thresholds and the skills each model asks for (ward admins).
#[utoipa::path(put, path = "/wards/{code}/models", tag = "models",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = ModelSettings,
    responses((status = 200, body = ModelSettings)))]
async fn put_settings(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<ModelSettings>,
) -> ApiResult<ModelSettings> {
    access.ward(code, Action::ManageWard)?;
    wards::ward(&state.db, code).await?;
    domain::validate::model_settings(&new).map_err(Error::Validation)?;
    let mut tx = access.write(&state.db).await?;
    save_settings(&mut tx, code, &new).await?;
    tx.commit_with(code, AuditAction::Update, "model_settings", code, &new)
        .await?;
    Ok(Json(settings(&state.db, code).await?))
}

/// Marks the resident who guides the rest of the household ("Gia đình số"), or clears it.
#[utoipa::path(put, path = "/households/{id}/guide", tag = "models",
    params(("id" = Uuid, Path)),
    request_body = GuideChoice,
    responses((status = 200, body = Household)))]
async fn put_guide(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(choice): Json<GuideChoice>,
) -> ApiResult<Household> {
    let mut tx = access.write(&state.db).await?;
    set_guide(&mut tx, &access, id, choice.resident_id).await?;
    tx.commit().await?;
    Ok(Json(households::household(&state.db, id).await?))
}

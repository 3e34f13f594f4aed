//! The movement's models: the targets each province gives its wards, each ward's settings,
//! who guides each household, and the models' counts per TDP — the rules of `domain::models`,
//! counted in SQL.

use axum::extract::State;
use domain::access::{Action, ProvinceAction};
use domain::api::{AuditAction, GuideChoice, Household, ModelSettings, ModelTargets};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::catalogue;
use crate::db::models::{province_models, save_settings, settings};
use crate::db::{households, wards};
use crate::error::{Error, Json, Path};
use crate::people::set_guide;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(province_targets, set_province_targets))
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
    let was = settings(&state.db, code).await?;
    domain::validate::model_settings(&new, &was, state.today()).map_err(Error::Validation)?;
    let mut tx = access.write(&state.db).await?;
    save_settings(&mut tx, code, &new).await?;
    tx.commit_with(code, AuditAction::Update, "model_settings", code, &new)
        .await?;
    Ok(Json(settings(&state.db, code).await?))
}

/// The models' targets and deadlines the province gives its wards.
#[utoipa::path(get, path = "/provinces/{code}/models", tag = "provinces",
    params(("code" = i32, Path, description = "Official province code")),
    responses((status = 200, body = ModelTargets)))]
async fn province_targets(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<ModelTargets> {
    access.province(code, ProvinceAction::ViewFigures)?;
    Ok(Json(province_models(&state.db, code).await?))
}

/// Sets the models' targets and deadlines the province gives its wards (province admins). A
/// ward that kept the province's follows; one that raised a target keeps it, unless the new
/// one is higher.
#[utoipa::path(put, path = "/provinces/{code}/models", tag = "provinces",
    params(("code" = i32, Path, description = "Official province code")),
    request_body = ModelTargets,
    responses((status = 200, body = ModelTargets)))]
async fn set_province_targets(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<ModelTargets>,
) -> ApiResult<ModelTargets> {
    access.province(code, ProvinceAction::Manage)?;
    let mut tx = access.write(&state.db).await?;
    catalogue::set_province_models(&mut tx, code, &new, state.today()).await?;
    tx.audit_province(code, AuditAction::Update, "province_models", code, &new)
        .await?;
    tx.commit().await?;
    Ok(Json(province_models(&state.db, code).await?))
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

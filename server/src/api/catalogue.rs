//! Skills catalogues and their targets: a province's, which its wards inherit, and each
//! ward's copy, which may ask more of itself (`crate::catalogue` holds the rules).

use axum::extract::State;
use axum::http::StatusCode;
use domain::ErrorBody;
use domain::access::{Action, ProvinceAction};
use domain::api::{AuditAction, CatalogueSkill, NewSkill, TargetChange};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::catalogue;
use crate::db::wards;
use crate::error::{Json, Path, Result};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(province_catalogue, add_province_skill))
        .routes(routes!(set_province_target, retire_province_skill))
        .routes(routes!(ward_catalogue, add_ward_skill))
        .routes(routes!(set_ward_target, retire_ward_skill))
}

/// The skills the province gives its wards, each with its target and deadline.
#[utoipa::path(get, path = "/provinces/{code}/catalogue", tag = "provinces",
    params(("code" = i32, Path, description = "Official province code")),
    responses((status = 200, body = Vec<CatalogueSkill>)))]
async fn province_catalogue(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<Vec<CatalogueSkill>> {
    access.province(code, ProvinceAction::ViewFigures)?;
    let mut db = state.db.acquire().await?;
    Ok(Json(catalogue::province_skills(&mut db, code).await?))
}

/// Adds a skill to the province's catalogue and to every onboarded ward's, e.g. e-commerce.
#[utoipa::path(post, path = "/provinces/{code}/catalogue", tag = "provinces",
    params(("code" = i32, Path, description = "Official province code")),
    request_body = NewSkill,
    responses((status = 201, body = CatalogueSkill)))]
async fn add_province_skill(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<NewSkill>,
) -> Result<(StatusCode, Json<CatalogueSkill>)> {
    access.province(code, ProvinceAction::Manage)?;
    let mut tx = access.write(&state.db).await?;
    let skill = catalogue::add_province_skill(&mut tx, code, &new, state.today()).await?;
    tx.audit_province(
        code,
        AuditAction::Create,
        "province_skills",
        &skill.code,
        &new,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(skill)))
}

/// Sets the province's target and deadline for a skill. A ward that kept the province's
/// follows; one that raised its target keeps it, unless the new one is higher.
#[utoipa::path(put, path = "/provinces/{code}/catalogue/{skill}", tag = "provinces",
    params(("code" = i32, Path, description = "Official province code"),
           ("skill" = String, Path, description = "The skill's code")),
    request_body = TargetChange,
    responses((status = 200, body = Vec<CatalogueSkill>)))]
async fn set_province_target(
    State(state): State<AppState>,
    access: Access,
    Path((code, skill)): Path<(i32, String)>,
    Json(change): Json<TargetChange>,
) -> ApiResult<Vec<CatalogueSkill>> {
    access.province(code, ProvinceAction::Manage)?;
    let mut tx = access.write(&state.db).await?;
    catalogue::set_province_target(&mut tx, code, &skill, &change, state.today()).await?;
    tx.audit_province(
        code,
        AuditAction::Update,
        "province_skills",
        &skill,
        &change,
    )
    .await?;
    let skills = catalogue::province_skills(&mut tx, code).await?;
    tx.commit().await?;
    Ok(Json(skills))
}

/// Retires a skill from the province's catalogue and its wards': their dashboards and forms
/// no longer show it, and what was recorded stays. Retiring it again changes nothing. 409
/// while a ward's model asks for it.
#[utoipa::path(delete, path = "/provinces/{code}/catalogue/{skill}", tag = "provinces",
    params(("code" = i32, Path, description = "Official province code"),
           ("skill" = String, Path, description = "The skill's code")),
    responses((status = 204), (status = 409, body = ErrorBody,
        description = "A model asks for the skill, or (a ward's) the province gives it: a field \
                       error each, naming the model's list (`family_skills`, `identity_skills`) \
                       or `code`")))]
async fn retire_province_skill(
    State(state): State<AppState>,
    access: Access,
    Path((code, skill)): Path<(i32, String)>,
) -> Result<StatusCode> {
    access.province(code, ProvinceAction::Manage)?;
    let mut tx = access.write(&state.db).await?;
    if catalogue::retire_province_skill(&mut tx, code, &skill, state.today()).await? {
        let change = serde_json::json!({ "retired_on": state.today() });
        tx.audit_province(
            code,
            AuditAction::Delete,
            "province_skills",
            &skill,
            &change,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The ward's skills, each with its target and deadline and what its province sets.
#[utoipa::path(get, path = "/wards/{code}/catalogue", tag = "wards",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = Vec<CatalogueSkill>)))]
async fn ward_catalogue(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<Vec<CatalogueSkill>> {
    access.ward(code, Action::ViewFigures)?;
    let ward = wards::ward(&state.db, code).await?;
    let mut db = state.db.acquire().await?;
    Ok(Json(
        catalogue::ward_skills(&mut db, code, ward.province_code).await?,
    ))
}

/// Adds a skill of the ward's own to its catalogue.
#[utoipa::path(post, path = "/wards/{code}/catalogue", tag = "wards",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = NewSkill,
    responses((status = 201, body = CatalogueSkill)))]
async fn add_ward_skill(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<NewSkill>,
) -> Result<(StatusCode, Json<CatalogueSkill>)> {
    access.ward(code, Action::ManageWard)?;
    wards::ward(&state.db, code).await?;
    let mut tx = access.write(&state.db).await?;
    let skill = catalogue::add_ward_skill(&mut tx, code, &new, state.today()).await?;
    tx.commit_with(code, AuditAction::Create, "skills", &skill.code, &new)
        .await?;
    Ok((StatusCode::CREATED, Json(skill)))
}

/// Sets the ward's target and deadline for a skill: at least the province's target, and no
/// later than its deadline.
#[utoipa::path(put, path = "/wards/{code}/catalogue/{skill}", tag = "wards",
    params(("code" = i32, Path, description = "Official ward code"),
           ("skill" = String, Path, description = "The skill's code")),
    request_body = TargetChange,
    responses((status = 200, body = Vec<CatalogueSkill>)))]
async fn set_ward_target(
    State(state): State<AppState>,
    access: Access,
    Path((code, skill)): Path<(i32, String)>,
    Json(change): Json<TargetChange>,
) -> ApiResult<Vec<CatalogueSkill>> {
    access.ward(code, Action::ManageWard)?;
    let ward = wards::ward(&state.db, code).await?;
    let mut tx = access.write(&state.db).await?;
    catalogue::set_ward_target(
        &mut tx,
        code,
        ward.province_code,
        &skill,
        &change,
        state.today(),
    )
    .await?;
    let skills = catalogue::ward_skills(&mut tx, code, ward.province_code).await?;
    tx.commit_with(code, AuditAction::Update, "skills", &skill, &change)
        .await?;
    Ok(Json(skills))
}

/// Retires a skill the ward added itself; retiring it again changes nothing. 409 for one its
/// province gives, or while one of the ward's models asks for it.
#[utoipa::path(delete, path = "/wards/{code}/catalogue/{skill}", tag = "wards",
    params(("code" = i32, Path, description = "Official ward code"),
           ("skill" = String, Path, description = "The skill's code")),
    responses((status = 204), (status = 409, body = ErrorBody,
        description = "A model asks for the skill, or (a ward's) the province gives it: a field \
                       error each, naming the model's list (`family_skills`, `identity_skills`) \
                       or `code`")))]
async fn retire_ward_skill(
    State(state): State<AppState>,
    access: Access,
    Path((code, skill)): Path<(i32, String)>,
) -> Result<StatusCode> {
    access.ward(code, Action::ManageWard)?;
    let ward = wards::ward(&state.db, code).await?;
    let mut tx = access.write(&state.db).await?;
    if catalogue::retire_ward_skill(&mut tx, code, ward.province_code, &skill, state.today())
        .await?
    {
        let change = serde_json::json!({ "retired_on": state.today() });
        tx.audit(code, AuditAction::Delete, "skills", &skill, &change)
            .await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

//! A province: its wards side by side for the province's roles, and the wards its admin
//! onboards, each with its first admin.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::FieldCode;
use domain::access::{ProvinceAction, Role};
use domain::api::{
    Account, AuditAction, NewProvinceWard, NewWardAdmin, ProvinceGrant, ProvinceOverview, Ward,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::AppState;
use crate::accounts::NewUser;
use crate::audit::Write;
use crate::auth::Access;
use crate::db::accounts::account;
use crate::db::{provinces, wards};
use crate::error::{Error, Json, Path, Result};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_provinces))
        .routes(routes!(get_province))
        .routes(routes!(onboard_ward))
        .routes(routes!(create_ward_admin))
}

/// The provinces the signed-in person holds a role over, with the role: none for most.
#[utoipa::path(get, path = "/provinces", tag = "provinces",
    responses((status = 200, body = Vec<ProvinceGrant>)))]
async fn list_provinces(access: Access) -> ApiResult<Vec<ProvinceGrant>> {
    Ok(Json(access.user.provinces))
}

/// Every ward of the province, the ones not onboarded yet included, each onboarded one with
/// its dashboard's totals and its week: figures only, never a name.
#[utoipa::path(get, path = "/provinces/{code}", tag = "provinces",
    params(("code" = i32, Path, description = "Official province code, e.g. 1 for Hà Nội")),
    responses((status = 200, body = ProvinceOverview)))]
async fn get_province(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    headers: HeaderMap,
) -> Result<Response> {
    access.province(code, ProvinceAction::ViewFigures)?;
    let may_manage = access.province(code, ProvinceAction::Manage).is_ok();
    Ok(provinces::page(&state, code, may_manage)
        .await?
        .response(&headers))
}

/// Starts Ngõ Số in a ward of the province: it gets the movement's skills catalogue and the
/// models' settings, and shows as onboarded from then on. 201 when onboarded now, 200 when it
/// was already.
#[utoipa::path(post, path = "/provinces/{code}/wards", tag = "provinces",
    params(("code" = i32, Path, description = "Official province code")),
    request_body = NewProvinceWard,
    responses((status = 201, body = Ward), (status = 200, body = Ward)))]
async fn onboard_ward(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<NewProvinceWard>,
) -> Result<(StatusCode, Json<Ward>)> {
    access.province(code, ProvinceAction::Manage)?;
    let ward = match wards::ward(&state.db, new.ward_code).await {
        Err(Error::NotFound) => Err(Error::field("ward_code", FieldCode::UnknownReference)),
        found => found,
    }?;
    if ward.province_code != code {
        return Err(Error::field("ward_code", FieldCode::OtherProvince));
    }
    let mut tx = access.write(&state.db).await?;
    let onboarded = onboard(&mut tx, &ward).await?;
    tx.commit().await?;
    let status = if onboarded {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(ward)))
}

/// Makes a ward's first admin (or another admin): an account with the ward admin role there,
/// which signs in with the password given. Onboards the ward too, if it was not.
#[utoipa::path(post, path = "/provinces/{code}/wards/{ward}/admins", tag = "provinces",
    params(("code" = i32, Path, description = "Official province code"),
           ("ward" = i32, Path, description = "Official code of a ward of the province")),
    request_body = NewWardAdmin,
    responses((status = 201, body = Account)))]
async fn create_ward_admin(
    State(state): State<AppState>,
    access: Access,
    Path((code, ward_code)): Path<(i32, i32)>,
    Json(new): Json<NewWardAdmin>,
) -> Result<(StatusCode, Json<Account>)> {
    access.province(code, ProvinceAction::Manage)?;
    let ward = wards::ward(&state.db, ward_code).await?;
    if ward.province_code != code {
        return Err(Error::NotFound);
    }
    domain::validate::new_ward_admin(&new).map_err(Error::Validation)?;
    let user = NewUser::checked(&new.phone, &new.full_name, &new.password).await?;
    let mut tx = access.write(&state.db).await?;
    onboard(&mut tx, &ward).await?;
    let id = user
        .insert(&mut tx, ward.code, Role::WardAdmin, None)
        .await?;
    let change = serde_json::json!({ "ward_code": ward.code, "role": Role::WardAdmin });
    tx.audit_province(code, AuditAction::Create, "role_grants", id, &change)
        .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(account(&state.db, ward.code, id).await?),
    ))
}

/// Gives `ward` the default catalogue unless it has one, with both logs' entries; answers
/// whether it did.
async fn onboard(tx: &mut Write, ward: &Ward) -> Result<bool> {
    let skills = crate::catalogue::seed_ward(tx, ward.code, ward.province_code).await?;
    if skills.is_empty() {
        return Ok(false);
    }
    let change = serde_json::json!({ "skills": skills.len() });
    tx.audit(ward.code, AuditAction::Create, "wards", ward.code, &change)
        .await?;
    tx.audit_province(
        ward.province_code,
        AuditAction::Create,
        "wards",
        ward.code,
        &change,
    )
    .await?;
    Ok(true)
}

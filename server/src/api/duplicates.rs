//! Likely duplicates: the check a form makes before it adds a household or a resident, and
//! the list a team leader settles.

use axum::extract::State;
use axum::http::StatusCode;
use domain::access::Action;
use domain::api::{AuditAction, DuplicateCheck, LikelyDuplicate, LikelyDuplicates};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::AppState;
use crate::auth::{Access, only_tdps};
use crate::duplicates::{likely, open};
use crate::error::{Error, Json, Path, Result};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(check_duplicates))
        .routes(routes!(list_duplicates))
        .routes(routes!(dismiss_duplicate))
}

/// The records already in the register that a household (by `address`) or a resident (by
/// `full_name` and `birth_year`) about to be added in `tdp_id` may be: the same name without
/// diacritics, case or spacing and the same year, anywhere in the ward; or the same address in
/// the TDP. Only records the person may see; those of the TDP first. Nothing is stored.
#[utoipa::path(post, path = "/wards/{code}/duplicate-check", tag = "households",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = DuplicateCheck,
    responses((status = 200, body = LikelyDuplicates)))]
async fn check_duplicates(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(check): Json<DuplicateCheck>,
) -> ApiResult<LikelyDuplicates> {
    access.ward(code, Action::Record)?;
    domain::validate::duplicate_check(&check).map_err(Error::Validation)?;
    crate::db::tdps::check_in_ward(&state.db, check.tdp_id, code, "tdp_id").await?;
    let reach = only_tdps(&access.reach(code, Action::ViewPeople));
    Ok(Json(
        likely(&state.db, code, reach.as_deref(), &check).await?,
    ))
}

/// Records added although they looked like one already in the register, in the TDPs the
/// person leads (team leaders) or the whole ward (admins), newest first.
#[utoipa::path(get, path = "/wards/{code}/likely-duplicates", tag = "households",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = Vec<LikelyDuplicate>)))]
async fn list_duplicates(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<Vec<LikelyDuplicate>> {
    let tdps = only_tdps(&access.ward(code, Action::ManageTeam)?);
    Ok(Json(open(&state.db, code, tdps.as_deref()).await?))
}

/// Settles a likely duplicate as two different people or households. Dismissing it again
/// changes nothing.
#[utoipa::path(post, path = "/wards/{code}/likely-duplicates/{id}/dismiss", tag = "households",
    params(("code" = i32, Path, description = "Official ward code"), ("id" = i64, Path)),
    responses((status = 204, description = "Dismissed")))]
async fn dismiss_duplicate(
    State(state): State<AppState>,
    access: Access,
    Path((code, id)): Path<(i32, i64)>,
) -> Result<StatusCode> {
    let mut tx = access.write(&state.db).await?;
    let found = sqlx::query!(
        "select tdp_id, dismissed_at from likely_duplicates
         where id = $1 and ward_code = $2 for update",
        id,
        code
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound)?;
    access.tdp(code, found.tdp_id, Action::ManageTeam)?;
    if found.dismissed_at.is_some() {
        return Ok(StatusCode::NO_CONTENT);
    }
    sqlx::query!(
        "update likely_duplicates set dismissed_at = $2, dismissed_by = $3 where id = $1",
        id,
        state.now(),
        access.user.id,
    )
    .execute(&mut *tx)
    .await?;
    let change = serde_json::json!({ "dismissed": true });
    tx.commit_with(code, AuditAction::Update, "likely_duplicates", id, &change)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

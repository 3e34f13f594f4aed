//! Households: record one, read one with its residents and visit history.

use axum::extract::State;
use axum::http::StatusCode;
use domain::access::Action;
use domain::api::{Household, MergeInto, NewHousehold};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::db::households::household;
use crate::error::{Json, Path, Result};
use crate::merges;
use crate::people::{add_households, one};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_household))
        .routes(routes!(get_household))
        .routes(routes!(merge_household))
}

/// A household with its residents (oldest first) and its visits (newest first).
#[utoipa::path(get, path = "/households/{id}", tag = "households",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Household)))]
async fn get_household(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<Household> {
    access.household(&state.db, id, Action::ViewPeople).await?;
    Ok(Json(household(&state.db, id).await?))
}

/// Records a household in one of the ward's TDPs that the signed-in person records in.
#[utoipa::path(post, path = "/wards/{code}/households", tag = "households",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = NewHousehold,
    responses((status = 201, body = Household)))]
async fn create_household(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<NewHousehold>,
) -> Result<(StatusCode, Json<Household>)> {
    access.ward(code, Action::Record)?;
    let new = NewHousehold {
        id: Some(new.id.unwrap_or_else(Uuid::now_v7)),
        ..new
    };
    let mut tx = access.write(&state.db).await?;
    let id = one(add_households(&mut tx, &access, code, &[(0, &new)], state.now()).await?)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(household(&state.db, id).await?)))
}

/// Merges a household entered twice into the one that stays (`into_id`, of the same TDP), for
/// its team leader or the ward's admin: the copy's residents, visits, tickets and assignment go
/// there, and the copy is deleted. A phone's later change about the copy is refused as merged.
/// Merging the same again answers the same; into another household, 409.
#[utoipa::path(post, path = "/households/{id}/merge", tag = "households",
    params(("id" = Uuid, Path, description = "The copy")),
    request_body = MergeInto,
    responses((status = 200, body = Household, description = "The household that stays")))]
async fn merge_household(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(merge): Json<MergeInto>,
) -> ApiResult<Household> {
    let mut tx = access.write(&state.db).await?;
    merges::merge_household(&mut tx, &access, id, merge.into_id, state.now()).await?;
    tx.commit().await?;
    Ok(Json(household(&state.db, merge.into_id).await?))
}

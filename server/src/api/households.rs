//! Households: record one, read one with its residents and visit history.

use axum::extract::State;
use axum::http::StatusCode;
use domain::access::Action;
use domain::api::{Household, NewHousehold};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::db::households::household;
use crate::error::{Json, Path, Result};
use crate::people::{add_households, one};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_household))
        .routes(routes!(get_household))
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

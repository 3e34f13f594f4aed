//! Households: record one, read one with its residents and visit history.

use axum::extract::State;
use axum::http::StatusCode;
use domain::FieldCode;
use domain::access::Action;
use domain::api::{AuditAction, Household, NewHousehold};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::db::households::household;
use crate::db::tdps;
use crate::error::{Error, Json, OnConstraint, Path, Result};

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
    let reach = access.ward(code, Action::Record)?;
    domain::validate::new_household(&new).map_err(Error::Validation)?;
    tdps::check_in_ward(&state.db, new.tdp_id, code, "tdp_id").await?;
    if !reach.includes(new.tdp_id) {
        return Err(Error::Forbidden);
    }
    let id = new.id.unwrap_or_else(Uuid::now_v7);
    let mut tx = access.write(&state.db).await?;
    let search = domain::text::household_search(&new.address, &new.head_name);
    sqlx::query!(
        "insert into households (id, tdp_id, address, head_name, search, elderly_alone, disability,
                                 poverty, lat, lon)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        id,
        new.tdp_id,
        new.address.trim(),
        new.head_name.trim(),
        search,
        new.priority.elderly_alone,
        new.priority.disability,
        new.priority.poverty.as_str(),
        new.location.map(|l| l.lat),
        new.location.map(|l| l.lon),
    )
    .execute(&mut *tx)
    .await
    .on_constraint("households_pkey", "id", FieldCode::Duplicate)?;
    tx.commit_with(code, AuditAction::Create, "households", id, &new)
        .await?;
    Ok((StatusCode::CREATED, Json(household(&state.db, id).await?)))
}

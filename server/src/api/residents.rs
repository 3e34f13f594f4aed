//! Residents: record one in a household, read one with their skills and history.

use axum::extract::State;
use axum::http::StatusCode;
use domain::FieldCode;
use domain::access::Action;
use domain::api::{AuditAction, NewResident, Resident};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::db::residents::resident;
use crate::error::{Error, Json, OnConstraint, Path, Result};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_resident))
        .routes(routes!(get_resident))
        .routes(routes!(erase_resident))
}

/// Erases a resident's data at their request (Law 91/2025, the right to deletion), for the
/// ward admin: their name, their birth year beyond what the counts need, the household's
/// head's name if they were the head and its address if nobody else is left, the notes and
/// tickets that name them, and the audit log's values about them. The resident stays counted
/// in every figure, unnamed. Asking again changes nothing.
#[utoipa::path(post, path = "/residents/{id}/erasure", tag = "residents",
    params(("id" = Uuid, Path)),
    responses((status = 204)))]
async fn erase_resident(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let place = access.resident(&state.db, id, Action::ManageWard).await?;
    let mut tx = access.write(&state.db).await?;
    match crate::erasure::erase(&mut tx, id).await? {
        Some(erased) => {
            tx.commit_with(place.ward, AuditAction::Delete, "residents", id, &erased)
                .await?
        }
        None => tx.commit().await?,
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A resident with each skill's current status and every help received.
#[utoipa::path(get, path = "/residents/{id}", tag = "residents",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Resident)))]
async fn get_resident(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<Resident> {
    access.resident(&state.db, id, Action::ViewPeople).await?;
    Ok(Json(resident(&state.db, id).await?))
}

/// Records a resident in a household of the ward.
#[utoipa::path(post, path = "/wards/{code}/residents", tag = "residents",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = NewResident,
    responses((status = 201, body = Resident)))]
async fn create_resident(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<NewResident>,
) -> Result<(StatusCode, Json<Resident>)> {
    access.ward(code, Action::Record)?;
    domain::validate::new_resident(&new, state.today()).map_err(Error::Validation)?;
    let household = access
        .household_field(
            &state.db,
            new.household_id,
            code,
            Action::Record,
            "household_id",
        )
        .await?;
    let id = new.id.unwrap_or_else(Uuid::now_v7);
    let name = new
        .full_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut tx = access.write(&state.db).await?;
    sqlx::query!(
        "insert into residents (id, household_id, tdp_id, full_name, name_search, name_sort, birth_year, gender)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        id,
        new.household_id,
        household.tdp,
        name,
        domain::text::fold(&name),
        domain::text::name_sort_key(&name),
        new.birth_year,
        new.gender.as_str(),
    )
    .execute(&mut *tx)
    .await
    .on_constraint("residents_pkey", "id", FieldCode::Duplicate)?;
    tx.commit_with(code, AuditAction::Create, "residents", id, &new)
        .await?;
    Ok((StatusCode::CREATED, Json(resident(&state.db, id).await?)))
}

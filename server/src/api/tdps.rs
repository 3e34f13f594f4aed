//! TDPs (residential groups), their community digital teams and their households.

use axum::extract::State;
use axum::http::StatusCode;
use domain::FieldCode;
use domain::access::Action;
use domain::api::{
    AuditAction, HouseholdFilter, HouseholdSummary, NewTdp, NewTeamMember, Tdp, TdpDetail,
    TeamMember,
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{ApiResult, Page};
use crate::AppState;
use crate::auth::Access;
use crate::db::households::summaries;
use crate::db::tdps::{detail, household_ids};
use crate::db::wards;
use crate::error::{Error, Json, OnConstraint, Path, Query, Result};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tdps, create_tdp))
        .routes(routes!(get_tdp))
        .routes(routes!(list_households))
        .routes(routes!(add_team_member))
}

/// The ward's TDPs in code order.
#[utoipa::path(get, path = "/wards/{code}/tdps", tag = "tdps",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = Vec<Tdp>)))]
async fn list_tdps(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<Vec<Tdp>> {
    access.ward(code, Action::ViewFigures)?;
    Ok(Json(
        sqlx::query_as!(
            Tdp,
            "select id, ward_code, code, name, households_registered, adults_registered
             from tdps where ward_code = $1 order by code",
            code
        )
        .fetch_all(&state.db)
        .await?,
    ))
}

/// Adds a TDP to a ward; its code must be new in the ward.
#[utoipa::path(post, path = "/wards/{code}/tdps", tag = "tdps",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = NewTdp,
    responses((status = 201, body = Tdp)))]
async fn create_tdp(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<NewTdp>,
) -> Result<(StatusCode, Json<Tdp>)> {
    access.ward(code, Action::ManageWard)?;
    let ward = wards::ward(&state.db, code).await?;
    domain::validate::new_tdp(&new).map_err(Error::Validation)?;
    let mut tx = access.write(&state.db).await?;
    let tdp = sqlx::query_as!(
        Tdp,
        "insert into tdps (id, ward_code, code, name, households_registered, adults_registered)
         values ($1, $2, $3, $4, $5, $6)
         returning id, ward_code, code, name, households_registered, adults_registered",
        Uuid::now_v7(),
        code,
        new.code.trim(),
        new.name.trim(),
        new.households_registered,
        new.adults_registered,
    )
    .fetch_one(&mut *tx)
    .await
    .on_constraint("tdps_ward_code_key", "code", FieldCode::Duplicate)?;
    // A ward's first TDP brings the movement's default skills catalogue with it.
    crate::catalogue::seed_ward(&mut tx, code, ward.province_code).await?;
    tx.commit_with(code, AuditAction::Create, "tdps", tdp.id, &new)
        .await?;
    Ok((StatusCode::CREATED, Json(tdp)))
}

/// A TDP with its team and its figures.
#[utoipa::path(get, path = "/tdps/{id}", tag = "tdps",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = TdpDetail)))]
async fn get_tdp(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<TdpDetail> {
    access.tdp_place(&state.db, id, Action::ViewPeople).await?;
    Ok(Json(detail(&state.db, id, state.today()).await?))
}

/// Which households a TDP's list shows.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Shown {
    /// `all` (the default), `not_visited`, `not_digital` or `missing_identity`.
    #[serde(default)]
    #[param(inline)]
    show: HouseholdFilter,
}

/// The TDP's households, all or those the teams still have to reach: priority households
/// (elderly alone, disability, poor or near-poor) first, then never-visited ones, then by
/// address.
#[utoipa::path(get, path = "/tdps/{id}/households", tag = "tdps",
    params(("id" = Uuid, Path), Page, Shown),
    responses((status = 200, body = Vec<HouseholdSummary>)))]
async fn list_households(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Query(page): Query<Page>,
    Query(shown): Query<Shown>,
) -> ApiResult<Vec<HouseholdSummary>> {
    access.tdp_place(&state.db, id, Action::ViewPeople).await?;
    let ids = household_ids(
        &state.db,
        id,
        shown.show,
        state.today(),
        page.limit(),
        page.offset(),
    )
    .await?;
    Ok(Json(summaries(&state.db, &ids).await?))
}

/// Adds a member to the TDP's community digital team.
#[utoipa::path(post, path = "/tdps/{id}/team", tag = "tdps",
    params(("id" = Uuid, Path)),
    request_body = NewTeamMember,
    responses((status = 201, body = TeamMember)))]
async fn add_team_member(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(new): Json<NewTeamMember>,
) -> Result<(StatusCode, Json<TeamMember>)> {
    let place = access.tdp_place(&state.db, id, Action::ManageTeam).await?;
    domain::validate::new_team_member(&new).map_err(Error::Validation)?;
    let phone = new
        .phone
        .as_deref()
        .and_then(domain::validate::normalise_phone);
    let member = TeamMember {
        id: Uuid::now_v7(),
        tdp_id: id,
        full_name: new.full_name.trim().to_owned(),
        role: new.role,
        phone,
    };
    let mut tx = access.write(&state.db).await?;
    sqlx::query!(
        "insert into team_members (id, tdp_id, full_name, role, phone) values ($1, $2, $3, $4, $5)",
        member.id,
        id,
        member.full_name,
        new.role.as_str(),
        member.phone,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit_with(
        place.ward,
        AuditAction::Create,
        "team_members",
        member.id,
        &member,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(member)))
}

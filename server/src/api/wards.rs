//! Wards: the list of wards that use Ngõ Số, one ward, its skills catalogue, its dashboard and
//! its search.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use domain::FieldCode;
use domain::access::Action;
use domain::api::{Dashboard, HouseholdSummary, ResidentHit, SearchResults, Skill, Ward};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::db::dashboard;
use crate::db::households::summaries;
use crate::db::wards::ward;
use crate::error::{Error, Json, Path, Query, Result};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_wards))
        .routes(routes!(get_ward))
        .routes(routes!(get_dashboard))
        .routes(routes!(list_skills))
        .routes(routes!(search))
}

/// The wards where the signed-in person holds a role, by name.
#[utoipa::path(get, path = "/wards", tag = "wards",
    responses((status = 200, body = Vec<Ward>)))]
async fn list_wards(State(state): State<AppState>, access: Access) -> ApiResult<Vec<Ward>> {
    Ok(Json(
        sqlx::query_as!(
            Ward,
            "select w.code, w.name, w.province_code, p.name as province_name
             from wards w join provinces p on p.code = w.province_code
             where exists (select from role_grants g where g.ward_code = w.code and g.user_id = $1)
             order by w.name",
            access.user.id,
        )
        .fetch_all(&state.db)
        .await?,
    ))
}

/// One of the signed-in person's wards, by its official code.
#[utoipa::path(get, path = "/wards/{code}", tag = "wards",
    params(("code" = i32, Path, description = "Official ward code, e.g. 619 for Phường Phú Diễn")),
    responses((status = 200, body = Ward)))]
async fn get_ward(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<Ward> {
    access.ward(code, Action::ViewFigures)?;
    Ok(Json(ward(&state.db, code).await?))
}

/// Every skill ward-wide and per TDP against its target, visit coverage and satisfaction.
#[utoipa::path(get, path = "/wards/{code}/dashboard", tag = "wards",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = Dashboard)))]
async fn get_dashboard(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    headers: HeaderMap,
) -> Result<Response> {
    access.ward(code, Action::ViewFigures)?;
    Ok(dashboard::current(&state, code)
        .await?
        .body
        .response(&headers))
}

/// The ward's skills catalogue, in display order.
#[utoipa::path(get, path = "/wards/{code}/skills", tag = "wards",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = Vec<Skill>)))]
async fn list_skills(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<Vec<Skill>> {
    access.ward(code, Action::ViewFigures)?;
    Ok(Json(dashboard::skills(&state.db, code).await?))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// Part of a name or address; diacritics and case are ignored ("nguyen van" finds
    /// "Nguyễn Văn"). At least 2 characters.
    q: String,
}

/// Households (by address or head of household) and residents (by name) of the ward that
/// the signed-in person may see; residents in Vietnamese name order, at most 20 of each.
#[utoipa::path(get, path = "/wards/{code}/search", tag = "wards",
    params(("code" = i32, Path, description = "Official ward code"), SearchQuery),
    responses((status = 200, body = SearchResults)))]
async fn search(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Query(query): Query<SearchQuery>,
) -> ApiResult<SearchResults> {
    let tdps = crate::auth::only_tdps(&access.ward(code, Action::ViewPeople)?);
    if domain::text::has_control(&query.q) {
        return Err(Error::field("q", FieldCode::ControlCharacters));
    }
    let folded = domain::text::fold(&query.q);
    if folded.chars().count() < 2 {
        return Err(Error::field("q", FieldCode::Required));
    }
    let pattern = format!(
        "%{}%",
        folded
            .replace('\\', r"\\")
            .replace('%', r"\%")
            .replace('_', r"\_")
    );
    let household_ids: Vec<uuid::Uuid> = sqlx::query_scalar!(
        "select h.id from households h join tdps t on t.id = h.tdp_id
         where t.ward_code = $1 and h.search like $2
             and ($3::uuid[] is null or h.tdp_id = any($3))
         order by h.search limit 20",
        code,
        pattern,
        tdps.as_deref(),
    )
    .fetch_all(&state.db)
    .await?;
    let households: Vec<HouseholdSummary> = summaries(&state.db, &household_ids).await?;
    let residents = sqlx::query_as!(
        ResidentHit,
        r#"select r.id, r.full_name, r.birth_year, r.household_id,
                  h.address as household_address, t.name as tdp_name
           from residents r
           join households h on h.id = r.household_id
           join tdps t on t.id = r.tdp_id
           where t.ward_code = $1 and r.name_search like $2
               and ($3::uuid[] is null or r.tdp_id = any($3))
               -- Found for nothing new: who withdrew their consent is on their household only.
               and r.consent_withdrawn_at is null and r.erased_at is null
           order by r.name_sort limit 20"#,
        code,
        pattern,
        tdps.as_deref(),
    )
    .fetch_all(&state.db)
    .await?;
    Ok(Json(SearchResults {
        households,
        residents,
    }))
}

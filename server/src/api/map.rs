//! The ward map's data: TDP boundaries (the ward's as GeoJSON, and an import from GeoJSON that
//! is checked whole, previewed, and saved in one transaction or not at all), and the households
//! with a location, for those who may see them.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::header;
use axum::response::IntoResponse;
use domain::access::Action;
use domain::api::{AuditAction, Basemap, BoundaryImport, BoundaryMatch, HouseholdPoint, Location};
use serde_json::json;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use super::Preview;
use crate::AppState;
use crate::auth::{Access, only_tdps};
use crate::boundaries::{Named, read};
use crate::db::map::boundaries;
use crate::error::{Error, Json, Path, Query, Result};

/// A ward's boundaries drawn finely can be several megabytes of GeoJSON.
const MAX_FILE: usize = 16 * 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_boundaries, import_boundaries))
        .routes(routes!(household_points))
        .routes(routes!(get_basemap, put_basemap))
        .layer(DefaultBodyLimit::max(MAX_FILE))
}

/// The ward's TDP boundaries as a GeoJSON FeatureCollection (WGS84), each feature's
/// properties naming its TDP (`tdp_id`, `code`, `name`); TDPs without a boundary are left
/// out. Import the same file back unchanged and nothing changes.
#[utoipa::path(get, path = "/wards/{code}/boundaries", tag = "map",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = Object, content_type = "application/geo+json")))]
async fn get_boundaries(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> Result<impl IntoResponse> {
    access.ward(code, Action::ViewFigures)?;
    let body = boundaries(&state.db, code).await?;
    let body = serde_json::to_string(&body).map_err(anyhow::Error::from)?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body))
}

/// Reads TDP boundaries from a GeoJSON FeatureCollection of Polygons and MultiPolygons
/// (longitude first, WGS84), each feature naming its TDP by `code` or `name` in its
/// properties. Every problem of the file is reported at once, per feature, as 422 field errors
/// (`features[3].geometry`: `swapped_coordinates`, `invalid_geometry`, `empty_geometry`…;
/// `features[3].properties`: `unknown_reference`, `duplicate`), and then nothing is saved.
#[utoipa::path(post, path = "/wards/{code}/boundaries", tag = "map",
    params(("code" = i32, Path, description = "Official ward code"), Preview),
    request_body(content = Object, description = "A GeoJSON FeatureCollection"),
    responses((status = 200, body = BoundaryImport)))]
async fn import_boundaries(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Query(Preview { preview }): Query<Preview>,
    Json(file): Json<serde_json::Value>,
) -> ApiResult<BoundaryImport> {
    access.ward(code, Action::ManageWard)?;
    let tdps = sqlx::query!(
        "select id, code, name from tdps where ward_code = $1 order by code",
        code
    )
    .fetch_all(&state.db)
    .await?;
    let named: Vec<Named> = tdps
        .iter()
        .map(|t| Named {
            id: t.id,
            code: t.code.clone(),
            name: t.name.clone(),
        })
        .collect();
    let matched = crate::parsing::off_thread(move || read(file, &named))
        .await?
        .map_err(Error::Validation)?;
    let report = BoundaryImport {
        matched: matched
            .iter()
            .map(|m| BoundaryMatch {
                feature: m.feature,
                tdp_id: tdps[m.tdp].id,
                tdp_code: tdps[m.tdp].code.clone(),
                tdp_name: tdps[m.tdp].name.clone(),
                area_km2: m.area_km2,
            })
            .collect(),
        missing: tdps
            .iter()
            .enumerate()
            .filter(|(i, _)| !matched.iter().any(|m| m.tdp == *i))
            .map(|(_, t)| t.code.clone())
            .collect(),
        saved: !preview,
    };
    if preview {
        return Ok(Json(report));
    }
    let ids: Vec<Uuid> = matched.iter().map(|m| tdps[m.tdp].id).collect();
    let geometries: Vec<serde_json::Value> = matched.iter().map(|m| m.geometry.clone()).collect();
    let mut tx = access.write(&state.db).await?;
    sqlx::query!(
        "update tdps set boundary = b.geometry
         from unnest($1::uuid[], $2::jsonb[]) as b(id, geometry) where tdps.id = b.id",
        &ids,
        &geometries,
    )
    .execute(&mut *tx)
    .await?;
    let changes: Vec<(Uuid, serde_json::Value)> = ids
        .iter()
        .zip(&geometries)
        .map(|(id, g)| (*id, json!({ "boundary": g })))
        .collect();
    let audited: Vec<(Uuid, &serde_json::Value)> = changes.iter().map(|(id, c)| (*id, c)).collect();
    tx.audit_all(code, AuditAction::Update, "tdps", &audited)
        .await?;
    tx.commit().await?;
    Ok(Json(report))
}

/// The households with a recorded location in the TDPs the person may see people of (a
/// volunteer's own TDP; the whole ward for officials who may), and whether each has been
/// visited. Viewers, who see figures only, are refused.
#[utoipa::path(get, path = "/wards/{code}/household-points", tag = "map",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = Vec<HouseholdPoint>)))]
async fn household_points(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<Vec<HouseholdPoint>> {
    let tdps = only_tdps(&access.ward(code, Action::ViewPeople)?);
    let points = sqlx::query!(
        r#"select h.id, h.tdp_id, h.lat as "lat!", h.lon as "lon!",
                  exists (select from visits v where v.household_id = h.id) as "visited!"
           from households h join tdps t on t.id = h.tdp_id
           where t.ward_code = $1 and h.lat is not null
             and ($2::uuid[] is null or h.tdp_id = any($2))
           order by h.id"#,
        code,
        tdps.as_deref(),
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|r| HouseholdPoint {
        id: r.id,
        tdp_id: r.tdp_id,
        location: Location {
            lat: r.lat,
            lon: r.lon,
        },
        visited: r.visited,
    })
    .collect();
    Ok(Json(points))
}

/// The basemap under the ward's map: none, or a tile server's address template and its credit.
#[utoipa::path(get, path = "/wards/{code}/basemap", tag = "map",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = Basemap)))]
async fn get_basemap(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<Basemap> {
    access.ward(code, Action::ViewFigures)?;
    Ok(Json(
        sqlx::query_as!(
            Basemap,
            r#"select tile_url, tile_attribution as attribution from wards where code = $1"#,
            code
        )
        .fetch_one(&state.db)
        .await?,
    ))
}

/// Sets the ward's basemap, or takes it away (no `tile_url`). The app may then load images
/// from that tile server: the Content-Security-Policy follows at once.
#[utoipa::path(put, path = "/wards/{code}/basemap", tag = "map",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = Basemap,
    responses((status = 200, body = Basemap)))]
async fn put_basemap(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(body): Json<Basemap>,
) -> ApiResult<Basemap> {
    access.ward(code, Action::ManageWard)?;
    domain::validate::basemap(&body).map_err(Error::Validation)?;
    let trimmed = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let stored = Basemap {
        tile_url: trimmed(&body.tile_url),
        attribution: trimmed(&body.tile_url).and(trimmed(&body.attribution)),
    };
    let mut tx = access.write(&state.db).await?;
    sqlx::query!(
        "update wards set tile_url = $2, tile_attribution = $3 where code = $1",
        code,
        stored.tile_url,
        stored.attribution,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit_with(code, AuditAction::Update, "basemap", code, &stored)
        .await?;
    state.load_tile_origins().await?;
    Ok(Json(stored))
}

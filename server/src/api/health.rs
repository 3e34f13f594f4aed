//! Liveness and readiness: answers `ok` only when the database answers too.

use axum::extract::State;
use domain::api::Health;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::AppState;
use crate::error::Json;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

#[utoipa::path(get, path = "/health", tag = "system",
    security(()),
    responses((status = 200, body = Health), (status = 500, body = domain::ErrorBody)))]
async fn health(State(state): State<AppState>) -> ApiResult<Health> {
    sqlx::query!("select 1 as one").fetch_one(&state.db).await?;
    Ok(Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}

//! Readiness and liveness. `/health` answers `ok` only when the database answers too (the
//! server serves only once its migrations are done); while PostgreSQL restarts or its disk is
//! full it answers 503, so that a load balancer sends people elsewhere. `/health/live` answers
//! whenever the process does: a supervisor restarts the server on that, never on the
//! database, which the server restarts itself.

use axum::extract::State;
use domain::api::Health;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::AppState;
use crate::error::Json;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(live))
}

fn ok() -> Health {
    Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }
}

/// Ready: the database answers.
#[utoipa::path(get, path = "/health", tag = "system",
    security(()),
    responses((status = 200, body = Health), (status = 503, body = domain::ErrorBody)))]
async fn health(State(state): State<AppState>) -> ApiResult<Health> {
    sqlx::query!("select 1 as one").fetch_one(&state.db).await?;
    Ok(Json(ok()))
}

/// Alive: the process answers, whatever its database does.
#[utoipa::path(get, path = "/health/live", tag = "system",
    security(()),
    responses((status = 200, body = Health)))]
async fn live() -> ApiResult<Health> {
    Ok(Json(ok()))
}

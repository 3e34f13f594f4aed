//! Ngõ Số's server: the JSON API under `/api/v1`, the built web app at `/`, and the start-up
//! that brings a database (embedded or given) to the current schema.

pub mod api;
pub mod catalogue;
pub mod config;
pub mod demo;
pub mod embedded_pg;
pub mod error;
pub mod reference;
pub mod web;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use sqlx::PgPool;
use tower_http::trace::TraceLayer;

/// What every handler may use. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub dist: Arc<PathBuf>,
    pub dashboards: Arc<api::DashboardCache>,
}

impl AppState {
    pub fn new(db: PgPool, dist: PathBuf) -> Self {
        Self {
            db,
            dist: Arc::new(dist),
            dashboards: Arc::default(),
        }
    }
}

/// The whole application: API, OpenAPI document and web app.
pub fn router(state: AppState) -> Router {
    let dist = state.dist.clone();
    Router::new()
        .merge(api::router(state))
        .fallback_service(web::app_service(&dist))
        .layer(TraceLayer::new_for_http())
}

/// Runs the migrations and loads the reference data: what every start does before serving.
pub async fn prepare_database(db: &PgPool) -> anyhow::Result<()> {
    sqlx::migrate!().run(db).await?;
    reference::load(db).await?;
    Ok(())
}

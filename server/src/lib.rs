//! Ngõ Số's server: the JSON API under `/api/v1`, the built web app at `/`, and the start-up
//! that brings a database (embedded or given) to the current schema.

pub mod admin;
pub mod api;
pub mod audit;
pub mod auth;
pub mod boundaries;
pub mod catalogue;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod embedded_pg;
pub mod error;
pub mod headers;
pub mod limits;
pub mod parsing;
pub mod record;
pub mod reference;
pub mod register;
pub mod roles;
pub mod web;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use sqlx::PgPool;
use tower_http::trace::TraceLayer;
use tower_sessions::ExpiredDeletion;

/// What every handler may use. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub dist: Arc<PathBuf>,
    pub dashboards: Arc<db::dashboard::Cache>,
    pub config: Arc<Settings>,
    pub limits: Arc<limits::Limits>,
    /// The wards' basemap tile servers, which the Content-Security-Policy lets images come from.
    pub tile_origins: headers::TileOrigins,
}

/// The parts of the configuration that requests depend on.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Served over https: Secure `__Host-` cookies and HSTS.
    pub secure_cookies: bool,
    /// The address people open (`--public-url`), for links such as invitations.
    pub public_url: Option<String>,
    /// Trust the last `X-Forwarded-For` address as the client's.
    pub behind_proxy: bool,
    /// Started with `--demo`: the sign-in page lists the demo accounts.
    pub demo: bool,
    /// Where every "now" and "today" comes from.
    pub clock: clock::Clock,
    pub sessions: auth::SessionPolicy,
    pub limits: limits::Quotas,
}

impl AppState {
    /// Now, by the server's one clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.config.clock.now()
    }

    /// Today in Vietnam, by the server's one clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.config.clock.today()
    }

    pub fn new(db: PgPool, dist: PathBuf, settings: Settings) -> Self {
        Self {
            db,
            dist: Arc::new(dist),
            dashboards: Arc::default(),
            limits: Arc::new(limits::Limits::new(settings.limits)),
            config: Arc::new(settings),
            tile_origins: Arc::default(),
        }
    }

    /// Reads the wards' basemap tile servers again, after start-up and after an admin changes
    /// one.
    pub async fn load_tile_origins(&self) -> sqlx::Result<()> {
        let mut origins: Vec<String> = sqlx::query_scalar!(
            "select tile_url as \"url!\" from wards where tile_url is not null"
        )
        .fetch_all(&self.db)
        .await?
        .iter()
        .filter_map(|url| domain::map::tile_origin(url))
        .collect();
        origins.sort();
        origins.dedup();
        if let Ok(mut kept) = self.tile_origins.write() {
            *kept = origins;
        }
        Ok(())
    }
}

/// The whole application: API, OpenAPI document and web app, with the security headers on
/// every response.
pub fn router(state: AppState) -> Router {
    let dist = state.dist.clone();
    let security = Arc::new(headers::SecurityHeaders::new(
        &dist,
        state.config.secure_cookies,
        state.tile_origins.clone(),
    ));
    Router::new()
        .merge(api::router(state))
        .fallback_service(web::app_service(&dist))
        .layer(axum::middleware::from_fn_with_state(
            security,
            headers::apply,
        ))
        .layer(TraceLayer::new_for_http())
}

/// Runs the migrations and loads the reference data: what every start does before serving.
pub async fn prepare_database(db: &PgPool) -> anyhow::Result<()> {
    sqlx::migrate!().run(db).await?;
    reference::load(db).await?;
    Ok(())
}

/// Hourly: forgets expired sessions and sign-in failures too old to hold anything back.
pub async fn housekeeping(db: PgPool) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        if let Err(e) = auth::store::PgStore::new(db.clone()).delete_expired().await {
            tracing::warn!(error = %e, "could not delete expired sessions");
        }
        if let Err(e) = auth::throttle::forget_old(&db).await {
            tracing::warn!(error = %e, "could not forget old sign-in failures");
        }
    }
}

//! Ngõ Số's server: the JSON API under `/api/v1`, the built web app at `/`, and the start-up
//! that brings a database (embedded or given) to the current schema.

pub mod accounts;
pub mod admin;
pub mod api;
pub mod attendance;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod boundaries;
pub mod catalogue;
pub mod clock;
pub mod config;
pub mod corrections;
pub mod db;
pub mod demo;
pub mod duplicates;
pub mod edits;
pub mod embedded_pg;
pub mod erasure;
pub mod error;
pub mod escalations;
pub mod headers;
pub mod latest;
pub mod limits;
pub mod mentoring;
pub mod merges;
pub mod metrics;
pub mod outbox;
pub mod parsing;
pub mod people;
pub mod precompressed;
pub mod record;
pub mod reference;
pub mod register;
pub mod roles;
pub mod serving;
pub mod stalls;
pub mod web;
pub mod workers;

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
    pub provinces: Arc<db::provinces::Cache>,
    pub config: Arc<Settings>,
    pub limits: Arc<limits::Limits>,
    /// The sign-ins and password changes waiting for a password check.
    pub passwords: auth::password::Queue,
    /// The wards' basemap tile servers, which the Content-Security-Policy lets images come from.
    pub tile_origins: headers::TileOrigins,
}

/// The parts of the configuration that requests and housekeeping depend on.
#[derive(Debug, Clone)]
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
    /// How long audit entries keep their values.
    pub audit_retention: chrono::TimeDelta,
    /// Where the server keeps its backups, whose age the audit page shows.
    pub backup_dir: Option<std::path::PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            public_url: None,
            behind_proxy: false,
            demo: false,
            clock: clock::Clock::default(),
            sessions: auth::SessionPolicy::default(),
            limits: limits::Quotas::default(),
            audit_retention: chrono::TimeDelta::days(90),
            backup_dir: None,
        }
    }
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
            provinces: Arc::default(),
            limits: Arc::new(limits::Limits::new(settings.limits)),
            passwords: auth::password::Queue::default(),
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
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
}

/// A request's log span: its method and its route's pattern (`/api/v1/invitation-links/{token}`),
/// never the path and query as sent, which may carry an invitation token, a check-in code or a
/// name searched for.
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("(the web app)", axum::extract::MatchedPath::as_str);
    tracing::debug_span!("request", method = %req.method(), route)
}

/// Runs the migrations and loads the reference data: what every start does before serving.
pub async fn prepare_database(db: &PgPool) -> anyhow::Result<()> {
    let migrator = sqlx::migrate!();
    // A schema made by a newer version would be misread, and migrations only go forward:
    // refuse it, naming both versions. (sqlx runs each migration in a transaction, and takes
    // an advisory lock so that two servers starting at once take turns.)
    let known = known_schema();
    if let Some((version, description)) = schema_version(db).await?
        && version > known
    {
        anyhow::bail!(
            "the database's schema is at migration {version} ({description}), newer than this \
             version of Ngõ Số knows (migration {known}): start the version that made it, or \
             restore a backup made by this one"
        );
    }
    migrator.run(db).await?;
    reference::load(db).await?;
    Ok(())
}

/// The newest migration this version knows.
fn known_schema() -> i64 {
    sqlx::migrate!()
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

/// The database's newest migration, with its description; none for a database never migrated.
async fn schema_version(db: &PgPool) -> anyhow::Result<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "select version, description from _sqlx_migrations where success
         order by version desc limit 1",
    )
    .fetch_optional(db)
    .await
    .or_else(|e| match &e {
        // A database never migrated: no table yet.
        sqlx::Error::Database(d) if d.code().as_deref() == Some("42P01") => Ok(None),
        _ => Err(e),
    })?)
}

/// Whether [`prepare_database`] would migrate a schema an earlier version made: its
/// migration then, and this version's newest. The server backs such a database up first.
pub async fn upgrade_pending(db: &PgPool) -> anyhow::Result<Option<(i64, i64)>> {
    let known = known_schema();
    Ok(schema_version(db)
        .await?
        .map(|(version, _)| (version, known))
        .filter(|(version, known)| version < known))
}

/// Hourly: forgets expired sessions, sign-in failures too old to hold anything back, and the
/// values of audit entries past their retention.
pub async fn housekeeping(state: AppState) {
    let db = &state.db;
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        if let Err(e) = auth::store::PgStore::new(db.clone()).delete_expired().await {
            tracing::warn!(error = %e, "could not delete expired sessions");
        }
        if let Err(e) = auth::throttle::forget_old(db).await {
            tracing::warn!(error = %e, "could not forget old sign-in failures");
        }
        match audit::forget_old(db, state.now() - state.config.audit_retention).await {
            Ok(0) => {}
            Ok(forgotten) => tracing::info!(forgotten, "audit entries past retention forgotten"),
            Err(e) => tracing::warn!(error = %e, "could not forget old audit values"),
        }
    }
}

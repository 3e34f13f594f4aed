//! Prometheus metrics (`--metrics-addr`): requests and their latency per route, sync batches and
//! what became of each visit in them, sign-in failures, the age of the newest backup and the
//! database pool. Off unless asked for, and served on an address of its own so that only the
//! ward's monitoring reaches it. Without `--metrics-addr` no recorder is installed and every
//! `counter!` and `histogram!` below costs next to nothing.
//!
//! Labels are route patterns, methods, statuses and outcomes, never a path as sent, an id or a
//! name: a label is both personal data and a new time series.

use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sqlx::PgPool;

use crate::clock::Clock;

/// Request latency buckets, in seconds: from a cached dashboard read to a large register
/// import.
const LATENCY_BUCKETS: [f64; 12] = [
    0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Installs the process's recorder; the handle renders what it has recorded.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full("ngoso_http_request_duration_seconds".into()),
            &LATENCY_BUCKETS,
        )?
        .install_recorder()
        .context("cannot install the metrics recorder")?;
    // Histograms keep their samples until upkeep folds them in.
    let upkeep = handle.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(5)).await;
            upkeep.run_upkeep();
        }
    });
    Ok(handle)
}

/// Counts every request and times it, by method, route pattern and status.
pub async fn track(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(the web app)", MatchedPath::as_str)
        .to_owned();
    let method = method_label(req.method());
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    counter!("ngoso_http_requests_total",
        "method" => method, "route" => route.clone(), "status" => status)
    .increment(1);
    histogram!("ngoso_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    res
}

/// The methods the API answers, and one label for any other a client makes up.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// A sync batch from a phone, and what became of each change (or visit) in it (`stored`,
/// `already_stored`, `conflict`, `invalid`, `refused`, `waiting`).
pub fn sync_batch<'a>(outcomes: impl IntoIterator<Item = &'a str>) {
    counter!("ngoso_sync_batches_total").increment(1);
    for outcome in outcomes {
        counter!("ngoso_sync_changes_total", "outcome" => outcome.to_owned()).increment(1);
    }
}

/// A sign-in refused: `wrong_credentials`, or `throttled` after too many.
pub fn sign_in_failed(reason: &'static str) {
    counter!("ngoso_sign_in_failures_total", "reason" => reason).increment(1);
}

/// What `/metrics` reads besides the recorder: gauges taken when scraped.
#[derive(Clone)]
pub struct Scrape {
    pub handle: PrometheusHandle,
    pub db: PgPool,
    pub backup_dir: Option<std::path::PathBuf>,
    pub clock: Clock,
}

/// The metrics listener's one route.
pub fn router(scrape: Scrape) -> Router {
    Router::new()
        .route("/metrics", get(render))
        .with_state(scrape)
}

async fn render(State(scrape): State<Scrape>) -> impl IntoResponse {
    let pool = &scrape.db;
    let idle = pool.num_idle();
    gauge!("ngoso_db_pool_connections", "state" => "idle").set(idle as f64);
    gauge!("ngoso_db_pool_connections", "state" => "in_use")
        .set(f64::from(pool.size()) - idle as f64);
    gauge!("ngoso_db_pool_max_connections").set(f64::from(pool.options().get_max_connections()));
    if let Some(dir) = scrape.backup_dir.clone() {
        let found = tokio::task::spawn_blocking(move || crate::backup::list(&dir))
            .await
            .unwrap_or_default();
        gauge!("ngoso_backups_kept").set(found.len() as f64);
        // No backup yet: no age, and `ngoso_backups_kept == 0` to alert on.
        if let Some(newest) = found.first() {
            let age = scrape.clock.now() - newest.taken_at();
            gauge!("ngoso_backup_age_seconds").set(age.as_seconds_f64());
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        scrape.handle.render(),
    )
}

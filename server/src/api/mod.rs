//! The JSON API under `/api/v1`: one module per resource, merged here into one router and one
//! OpenAPI document generated from the handlers' annotations.

mod accounts;
mod activities;
mod ambassadors;
mod assignments;
mod audit_log;
mod briefing;
mod campaigns;
mod check_ins;
mod exports;
mod health;
mod households;
mod invitations;
mod map;
mod markets;
mod models;
mod register;
mod residents;
mod session;
mod sync;
mod tdps;
mod tickets;
mod visits;
mod wards;
mod weekly;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Extension, Router};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::error::{Error, Json};

pub const PREFIX: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ngõ Số API",
        description = "The ward's records of Bình dân học vụ số: TDPs and their digital teams, \
            households, residents, skills, support visits and the indicators computed from them. \
            Every error answers with `ErrorBody`: a stable `code`, a Vietnamese `message` and, \
            for 422, the fields at fault. Everything but `/health`, `/session`, the \
            invitation links, an activity's check-in (with its code) and the ward's briefing \
            (figures only) needs a signed-in session (a cookie set by `POST /session`); records \
            outside the person's wards and TDPs answer 404."
    ),
    tags(
        (name = "system"), (name = "session"), (name = "wards"), (name = "tdps"),
        (name = "households"), (name = "residents"), (name = "visits"), (name = "accounts"),
        (name = "invitations"), (name = "audit"), (name = "sync"), (name = "map"), (name = "models"),
        (name = "activities"), (name = "tickets")
    )
)]
struct ApiDoc;

fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(
        PREFIX,
        OpenApiRouter::new()
            .merge(health::routes())
            .merge(session::routes())
            .merge(wards::routes())
            .merge(tdps::routes())
            .merge(households::routes())
            .merge(residents::routes())
            .merge(visits::routes())
            .merge(sync::routes())
            .merge(accounts::routes())
            .merge(invitations::routes())
            .merge(audit_log::routes())
            .merge(map::routes())
            .merge(models::routes())
            .merge(ambassadors::routes())
            .merge(assignments::routes())
            .merge(markets::routes())
            .merge(register::routes())
            .merge(exports::routes())
            .merge(weekly::routes())
            .merge(activities::routes())
            .merge(check_ins::routes())
            .merge(campaigns::routes())
            .merge(tickets::routes())
            .merge(briefing::routes()),
    )
}

/// The OpenAPI document, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

pub fn router(state: AppState) -> Router {
    let (api, doc) = routes().split_for_parts();
    let doc = Bytes::from(doc.to_json().expect("the OpenAPI document serialises"));
    api.route(&format!("{PREFIX}/openapi.json"), get(serve_openapi))
        .route("/api/{*rest}", any(not_found))
        .layer(Extension(doc))
        .layer(crate::auth::layer(&state))
        .layer(axum::middleware::map_response(api_response))
        // A TDP's households pulled for offline work are a few hundred kilobytes of JSON,
        // over mobile data in an alley: compressed, they are a tenth of that.
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state)
}

/// What every API response shares: never stored by a browser or proxy cache (they carry
/// personal data, and the app keeps what it needs offline itself), and the JSON error body
/// even for the session layers' own failures (a database that cannot load a session), which
/// they answer with an empty 500.
async fn api_response(res: Response) -> Response {
    let mut res = if res.status() == StatusCode::INTERNAL_SERVER_ERROR
        && !res.headers().contains_key(header::CONTENT_TYPE)
    {
        Error::Internal(anyhow::anyhow!("the session layer failed")).into_response()
    } else {
        res
    };
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    res
}

async fn serve_openapi(Extension(doc): Extension<Bytes>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], doc)
}

/// Unknown API paths answer with the JSON error body, never with the web app.
async fn not_found() -> Error {
    Error::NotFound
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Preview {
    /// Check and report only; save nothing.
    #[serde(default)]
    pub preview: bool,
}

/// `limit`/`offset` paging, the same for every list.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// At most 200; default 50.
    pub limit: Option<i64>,
    #[serde(default)]
    pub offset: i64,
}

impl Page {
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, 200)
    }

    pub fn offset(&self) -> i64 {
        self.offset.max(0)
    }
}

/// Where people open the app: `--public-url`, or else the host this request was sent to.
pub fn origin(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// A link as a QR code (SVG), for phones to scan off a screen or a printout.
pub fn qr_svg(link: &str) -> crate::error::Result<String> {
    Ok(qrcode::QrCode::new(link.as_bytes())
        .map_err(|e| Error::Internal(anyhow::anyhow!("QR code: {e}")))?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .build())
}

pub type ApiResult<T> = crate::error::Result<Json<T>>;

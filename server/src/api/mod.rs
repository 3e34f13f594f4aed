//! The JSON API under `/api/v1`: one module per resource, merged here into one router and one
//! OpenAPI document generated from the handlers' annotations.

mod accounts;
mod activities;
mod ambassadors;
mod assignments;
mod audit_log;
mod briefing;
mod campaigns;
mod catalogue;
mod check_ins;
mod duplicates;
mod edits;
mod exports;
mod health;
mod households;
mod invitations;
mod map;
mod markets;
mod models;
mod provinces;
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
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Extension, Router};
use utoipa::{Modify, OpenApi};
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
        (name = "activities"), (name = "tickets"), (name = "provinces")
    ),
    components(schemas(domain::ErrorBody)),
    security(("session" = []))
)]
struct ApiDoc;

/// The error answers operations share, added here from what each operation is rather than
/// written on every handler: 400 for a body or query that does not parse, 413 for a body over
/// the limit, 401 for what needs a
/// session, 403 for what a role may be refused (all that needs a session, but the person's own
/// session and account), 404 for a path naming a record, 422 for input that breaks a rule. A
/// handler states only the answers peculiar to it (409, 410, 429, a sign-in's 401).
/// Operations open to everyone say so with `security(())`. Applied once the routes are merged
/// (a modifier on `ApiDoc` would see no paths yet); the authorisation matrix test checks every
/// answer it sees against the result.
struct SharedErrors;

impl SharedErrors {
    const RESPONSES: [(&str, &str, &str); 6] = [
        (
            "400",
            "BadRequest",
            "The body or query does not parse (`bad_request`).",
        ),
        (
            "413",
            "PayloadTooLarge",
            "The body is over the limit: 2 MB, 16 MB for a file (`payload_too_large`).",
        ),
        (
            "401",
            "Unauthenticated",
            "No session, or it has ended (`unauthenticated`).",
        ),
        (
            "403",
            "Forbidden",
            "The person's role may not do this here (`forbidden`).",
        ),
        (
            "404",
            "NotFound",
            "No such record, or not one the person may see (`not_found`).",
        ),
        (
            "422",
            "ValidationFailed",
            "Input that breaks a rule; `fields` says which (`validation_failed`).",
        ),
    ];
}

impl utoipa::Modify for SharedErrors {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "ngoso",
                "Set by `POST /session` (`__Host-ngoso` over HTTPS).",
            ))),
        );
        for (_, name, description) in Self::RESPONSES {
            let body = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build();
            components.responses.insert(
                name.to_owned(),
                RefOr::T(
                    ResponseBuilder::new()
                        .description(description)
                        .content("application/json", body)
                        .build(),
                ),
            );
        }
        for (path, item) in doc.paths.paths.iter_mut() {
            let own = path.starts_with("/api/v1/session") || path.starts_with("/api/v1/me/");
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                let params = op.parameters.iter().flatten().filter_map(|p| match p {
                    RefOr::T(p) => Some(&p.parameter_in),
                    RefOr::Ref(_) => None,
                });
                let in_path = params.clone().any(|p| matches!(p, ParameterIn::Path));
                let input = op.request_body.is_some()
                    || params.clone().any(|p| matches!(p, ParameterIn::Query));
                // `security(())` on the handler: open to everyone.
                let session = op.security.is_none();
                for (status, name, _) in Self::RESPONSES {
                    let applies = match status {
                        "400" | "422" => input,
                        "413" => op.request_body.is_some(),
                        "401" => session,
                        "403" => session && !own,
                        _ => in_path,
                    };
                    if applies {
                        op.responses
                            .responses
                            .entry(status.to_owned())
                            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
                    }
                }
            }
        }
    }
}

/// The fixed bounds of request fields (`domain::validate::BOUNDS`: lengths, ranges), written
/// into their schemas from the one list the rules are written beside.
struct Bounds;

impl utoipa::Modify for Bounds {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use domain::validate::{BOUNDS, Bound};
        use utoipa::Number;
        use utoipa::openapi::{RefOr, Schema};

        let Some(components) = doc.components.as_mut() else {
            return;
        };
        for (schema, property, bound) in BOUNDS {
            let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(*schema) else {
                continue;
            };
            let Some(RefOr::T(Schema::Object(p))) = object.properties.get_mut(*property) else {
                continue;
            };
            match *bound {
                Bound::Text { max, required } => {
                    p.max_length = Some(max);
                    p.min_length = required.then_some(1);
                }
                Bound::Int { min, max } => {
                    p.minimum = Some(Number::Int(min as isize));
                    p.maximum = Some(Number::Int(max as isize));
                }
                Bound::AtLeast(min) => p.minimum = Some(Number::Int(min as isize)),
            }
        }
    }
}

/// The document's parts written once the routes are merged.
fn complete(doc: &mut utoipa::openapi::OpenApi) {
    SharedErrors.modify(doc);
    Bounds.modify(doc);
}

fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(
        PREFIX,
        OpenApiRouter::new()
            .merge(health::routes())
            .merge(session::routes())
            .merge(wards::routes())
            .merge(provinces::routes())
            .merge(catalogue::routes())
            .merge(tdps::routes())
            .merge(households::routes())
            .merge(duplicates::routes())
            .merge(edits::routes())
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
    let mut doc = routes().into_openapi();
    complete(&mut doc);
    doc
}

pub fn router(state: AppState) -> Router {
    let (api, mut doc) = routes().split_for_parts();
    complete(&mut doc);
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
/// even for the session layers' own failures, which they answer with an empty 500. They fail
/// when the database cannot load a session: a 503, to try again, as any request that finds
/// the database out of reach.
async fn api_response(res: Response) -> Response {
    let mut res = if res.status() == StatusCode::INTERNAL_SERVER_ERROR
        && !res.headers().contains_key(header::CONTENT_TYPE)
    {
        Error::Unavailable("the session layer could not load the session".into()).into_response()
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

/// Where people open the app, for links and QR codes: `--public-url`, or else the address the
/// server listens on; never the request's `Host` header, which the sender chooses.
pub fn origin(state: &AppState) -> String {
    state
        .config
        .public_url
        .as_deref()
        .unwrap_or("http://localhost")
        .trim_end_matches('/')
        .to_owned()
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

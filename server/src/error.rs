//! The one error type of the HTTP layer, and how each case is answered.

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::{ErrorBody, ErrorCode, FieldCode, FieldError};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request could not be read: malformed JSON, a wrong type, a bad query string.
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    #[error("not signed in")]
    Unauthenticated,
    #[error("wrong phone number or password")]
    WrongCredentials,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invitation unusable")]
    InvitationUnusable,
    #[error("too many failed sign-ins; retry in {0:?}")]
    TooManyAttempts(std::time::Duration),
    /// Over a rate limit, or the password checks' queue is full.
    #[error("too many requests; retry in {0:?}")]
    TooManyRequests(std::time::Duration),
    #[error("conflict")]
    Conflict,
    /// A record others depend on (a skill a model asks for): 409 with a field error for each.
    #[error("in use: {0:?}")]
    InUse(Vec<FieldError>),
    #[error("the body is over the limit")]
    PayloadTooLarge,
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The database cannot be reached, or cannot write (disk full): the request may be sent
    /// again as it is.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl Error {
    pub fn field(field: impl Into<String>, code: FieldCode) -> Self {
        Self::Validation(vec![FieldError::new(field, code)])
    }

    pub fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated | Self::WrongCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::InvitationUnusable => StatusCode::GONE,
            Self::TooManyAttempts(_) | Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Conflict | Self::InUse(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Database(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let body = match self {
            Self::BadRequest(ref detail) => {
                tracing::debug!(%detail, "bad request");
                ErrorBody::new(ErrorCode::BadRequest)
            }
            Self::Validation(fields) => ErrorBody::validation(fields),
            Self::Unauthenticated => ErrorBody::new(ErrorCode::Unauthenticated),
            Self::WrongCredentials => ErrorBody::new(ErrorCode::WrongCredentials),
            Self::Forbidden => ErrorBody::new(ErrorCode::Forbidden),
            Self::NotFound => ErrorBody::new(ErrorCode::NotFound),
            Self::InvitationUnusable => ErrorBody::new(ErrorCode::InvitationUnusable),
            Self::TooManyAttempts(wait) => return retry_after(wait, ErrorCode::TooManyAttempts),
            Self::TooManyRequests(wait) => return retry_after(wait, ErrorCode::TooManyRequests),
            Self::Conflict => ErrorBody::new(ErrorCode::Conflict),
            Self::InUse(fields) => ErrorBody {
                fields,
                ..ErrorBody::new(ErrorCode::Conflict)
            },
            Self::PayloadTooLarge => ErrorBody::new(ErrorCode::PayloadTooLarge),
            Self::Database(ref e) => {
                tracing::error!(error = %e, "database error");
                ErrorBody::new(ErrorCode::Internal)
            }
            Self::Unavailable(ref e) => {
                tracing::warn!(error = %e, "the database is unavailable");
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(axum::http::header::RETRY_AFTER, "10")],
                    axum::Json(ErrorBody::new(ErrorCode::Unavailable)),
                )
                    .into_response();
            }
            Self::Internal(ref e) => {
                tracing::error!(error = format!("{e:#}"), "internal error");
                ErrorBody::new(ErrorCode::Internal)
            }
        };
        (status, axum::Json(body)).into_response()
    }
}

/// 429, saying in whole seconds (rounded up) when to try again.
fn retry_after(wait: std::time::Duration, code: ErrorCode) -> Response {
    let seconds = wait.as_secs() + 1;
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(axum::http::header::RETRY_AFTER, seconds.to_string())],
        axum::Json(ErrorBody::new(code)),
    )
        .into_response()
}

/// Text the database cannot store (NUL, which PostgreSQL refuses in `text` and `jsonb`) is the
/// request's fault, whichever field held it: 400, never a 500. The forms refuse it first, with
/// the field named (`control_characters`).
impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db)
                if matches!(db.code().as_deref(), Some("22021" | "22P05")) =>
            {
                Self::BadRequest(db.message().to_owned())
            }
            // The database's own refusal of a new record for someone who withdrew their
            // consent or was erased, whichever path wrote it (migration 0024); the handlers
            // name the exact field first where they can.
            sqlx::Error::Database(db) if db.constraint() == Some("residents_consent") => {
                Self::field("resident_id", FieldCode::ConsentWithdrawn)
            }
            // The same for someone who moved out of the ward or died (migration 0029).
            sqlx::Error::Database(db) if db.constraint() == Some("residents_departed") => {
                Self::field("resident_id", FieldCode::Departed)
            }
            _ if unavailable(&e) => Self::Unavailable(e.to_string()),
            _ => Self::Database(e),
        }
    }
}

/// Whether the database could not be reached or could not write, rather than refused the
/// request: PostgreSQL stopped or restarting, no connection in time, a full disk, or the
/// request's transaction rolled back to let another go on.
fn unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => true,
        // Class 08: connection exceptions; 57P01-57P03: shut down, crashed, starting up; 53:
        // insufficient resources (53100: disk full); 40: transaction rollback (40P01: a
        // deadlock, as when two admins' batches each touch the other's TDPs first; migration
        // 0038). Nothing was written: the same request sent again goes through.
        sqlx::Error::Database(db) => db.code().is_some_and(|c| {
            c.starts_with("08")
                || c.starts_with("53")
                || c.starts_with("40")
                || matches!(&*c, "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

/// Maps a violated database constraint, by name, to the field error it means; any other
/// database error passes through unchanged.
pub trait OnConstraint<T> {
    fn on_constraint(self, name: &str, field: &str, code: FieldCode) -> Result<T>;
}

impl<T> OnConstraint<T> for Result<T, sqlx::Error> {
    fn on_constraint(self, name: &str, field: &str, code: FieldCode) -> Result<T> {
        self.map_err(|e| match &e {
            sqlx::Error::Database(db) if db.constraint() == Some(name) => Error::field(field, code),
            _ => Error::from(e),
        })
    }
}

impl From<JsonRejection> for Error {
    fn from(r: JsonRejection) -> Self {
        match r.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge,
            _ => Self::BadRequest(r.body_text()),
        }
    }
}

impl From<BytesRejection> for Error {
    fn from(r: BytesRejection) -> Self {
        match r.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge,
            _ => Self::BadRequest(r.body_text()),
        }
    }
}

impl From<QueryRejection> for Error {
    fn from(r: QueryRejection) -> Self {
        Self::BadRequest(r.body_text())
    }
}

/// A path that does not parse (an id that is not a UUID) names no record.
impl From<PathRejection> for Error {
    fn from(_: PathRejection) -> Self {
        Self::NotFound
    }
}

/// A file sent as the whole body, answering one over the limit with the JSON error body.
pub struct Body(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = Error;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self> {
        axum::body::Bytes::from_request(req, state)
            .await
            .map(Self)
            .map_err(Error::from)
    }
}

/// `axum::Json`, answering malformed bodies with the JSON error body.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(Error))]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Path`, answering unparsable ids with 404.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Error))]
pub struct Path<T>(pub T);

/// `axum::extract::Query`, answering a bad query string with the JSON error body.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Error))]
pub struct Query<T>(pub T);

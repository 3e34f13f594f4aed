//! Devices an account has signed in from: remembered by a long-lived cookie holding a random
//! token (kept hashed), so that guessing at someone's password never locks them out of their
//! own phone (`throttle`).

use axum::http::{HeaderMap, HeaderValue, header};
use sqlx::PgPool;
use tower_sessions::cookie::{Cookie, SameSite};
use uuid::Uuid;

use crate::auth;
use crate::error::{Error, Result};

fn device_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-ngoso-device"
    } else {
        "ngoso-device"
    }
}

/// The hash of this request's device token, when the device has signed in to `phone`'s
/// account before.
pub async fn trusted_device(
    db: &PgPool,
    headers: &HeaderMap,
    secure: bool,
    phone: &str,
) -> Result<Option<Vec<u8>>> {
    let name = device_cookie_name(secure);
    let Some(token) = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(std::result::Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
    else {
        return Ok(None);
    };
    let hash = auth::token_hash(&token);
    let known = sqlx::query_scalar!(
        r#"select exists (select from trusted_devices d join users u on u.id = d.user_id
                          where d.token_hash = $1 and u.phone = $2) as "known!""#,
        hash,
        phone
    )
    .fetch_one(db)
    .await?;
    Ok(known.then_some(hash))
}

/// Remembers this device for the account: a new random token, kept as a hash, in a cookie
/// that lasts as long as browsers allow (400 days).
pub async fn trust_device(db: &PgPool, user: Uuid, secure: bool) -> Result<HeaderValue> {
    let (token, hash) = auth::new_token();
    sqlx::query!(
        "insert into trusted_devices (token_hash, user_id) values ($1, $2)",
        hash,
        user
    )
    .execute(db)
    .await?;
    let cookie = Cookie::build((device_cookie_name(secure), token))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::days(400))
        .build();
    HeaderValue::from_str(&cookie.to_string()).map_err(|e| Error::Internal(e.into()))
}

pub fn cookie_header(cookie: Option<HeaderValue>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(cookie) = cookie {
        headers.insert(header::SET_COOKIE, cookie);
    }
    headers
}

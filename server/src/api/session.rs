//! The session: who is signed in, signing in and out, changing one's own password.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::access::Role;
use domain::api::{AuditAction, DemoAccount, Me, PasswordChange, SessionInfo, SignIn};
use domain::validate::normalise_phone;
use domain::{ErrorBody, FieldCode};
use sqlx::PgPool;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::audit::Write;
use crate::auth::devices::{cookie_header, trust_device, trusted_device};
use crate::auth::{
    self, Access, AuthSession, Backend, ClientAddress, Credentials, password, throttle,
};
use crate::demo;
use crate::error::{Error, Json, Result};
use crate::limits::Limit;
use axum_login::AuthnBackend;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_session, sign_in, sign_out))
        .routes(routes!(change_password))
}

/// Who is signed in (`user` is null when nobody is); on a server started with `--demo`, the
/// demo ward's accounts and their password.
#[utoipa::path(get, path = "/session", tag = "session",
    security(()),
    responses((status = 200, body = SessionInfo)))]
async fn get_session(
    State(state): State<AppState>,
    access: Result<Access, Error>,
) -> ApiResult<SessionInfo> {
    let user = match access {
        Ok(access) => Some(access.user.me()),
        Err(Error::Unauthenticated) => None,
        Err(e) => return Err(e),
    };
    let demo_accounts = if state.config.demo {
        demo_accounts(&state.db).await?
    } else {
        Vec::new()
    };
    Ok(Json(SessionInfo {
        user,
        demo_accounts,
    }))
}

async fn demo_accounts(db: &PgPool) -> Result<Vec<DemoAccount>> {
    let phones: Vec<String> = Role::ALL
        .iter()
        .map(|r| demo::demo_phone(demo::DEMO_WARD, *r))
        .collect();
    let names = sqlx::query!(
        "select phone, full_name from users where phone = any($1) and not disabled",
        &phones
    )
    .fetch_all(db)
    .await?;
    Ok(Role::ALL
        .iter()
        .zip(phones)
        .filter_map(|(role, phone)| {
            let name = names.iter().find(|n| n.phone == phone)?;
            Some(DemoAccount {
                full_name: name.full_name.clone(),
                phone,
                password: demo::DEMO_PASSWORD.to_owned(),
                role: *role,
            })
        })
        .collect())
}

/// Signs in with a phone number and password, under a new session id. A wrong phone number
/// and a wrong password get the same answer in the same time. Failures slow further attempts
/// down (429 with `Retry-After`), except from a device that has signed in to the account
/// before.
#[utoipa::path(post, path = "/session", tag = "session",
    request_body = SignIn,
    security(()),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn sign_in(
    State(state): State<AppState>,
    mut auth: AuthSession,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Json(body): Json<SignIn>,
) -> Result<Response> {
    state.limits.check(Limit::SignIn, address, None)?;
    let _turn = state.passwords.turn()?;
    domain::validate::sign_in(&body).map_err(Error::Validation)?;
    let phone = normalise_phone(&body.phone)
        .ok_or_else(|| Error::field("phone", FieldCode::InvalidFormat))?;
    let secure = state.config.secure_cookies;
    let device = trusted_device(&state.db, &headers, secure, &phone).await?;
    let buckets = match &device {
        Some(hash) => throttle::Buckets::trusted_device(hash),
        None => throttle::Buckets::untrusted(&phone, address),
    };
    if let Err(wait) = throttle::attempt(&state.db, &buckets).await? {
        crate::metrics::sign_in_failed("throttled");
        return Err(Error::TooManyAttempts(wait));
    }
    let user = auth
        .authenticate(Credentials {
            phone,
            password: body.password,
        })
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("{e:?}")))?;
    let Some(user) = user else {
        crate::metrics::sign_in_failed("wrong_credentials");
        return Err(Error::WrongCredentials);
    };
    throttle::succeeded(&state.db, &buckets).await?;
    auth::sign_in(&mut auth, &user).await?;
    let cookie = match device {
        Some(_) => None,
        None => Some(trust_device(&state.db, user.id, secure).await?),
    };
    Ok((cookie_header(cookie), Json(user.me())).into_response())
}

/// Ends this session.
#[utoipa::path(delete, path = "/session", tag = "session",
    security(()),
    responses((status = 204)))]
async fn sign_out(mut auth: AuthSession) -> Result<StatusCode> {
    auth::sign_out(&mut auth).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the signed-in person's password. Their other sessions end; this one goes on. Wrong
/// current passwords slow further tries down as failed sign-ins do (429).
#[utoipa::path(put, path = "/session/password", tag = "session",
    request_body = PasswordChange,
    responses((status = 204), (status = 429, body = ErrorBody)))]
async fn change_password(
    State(state): State<AppState>,
    access: Access,
    mut auth: AuthSession,
    Json(body): Json<PasswordChange>,
) -> Result<StatusCode> {
    let _turn = state.passwords.turn()?;
    domain::validate::password_change(&body).map_err(Error::Validation)?;
    let me = &access.user;
    let buckets = throttle::Buckets::password_change(me.id);
    if let Err(wait) = throttle::attempt(&state.db, &buckets).await? {
        return Err(Error::TooManyAttempts(wait));
    }
    let stored = sqlx::query_scalar!("select password_hash from users where id = $1", me.id)
        .fetch_one(&state.db)
        .await?;
    if !password::verify(body.current_password, stored).await? {
        return Err(Error::field("current_password", FieldCode::WrongPassword));
    }
    throttle::succeeded(&state.db, &buckets).await?;
    if password::is_weak(&body.new_password, &[&me.phone, &me.full_name]) {
        return Err(Error::field("new_password", FieldCode::WeakPassword));
    }
    let hash = password::hash(body.new_password).await?;
    let mut tx = access.write(&state.db).await?;
    sqlx::query!(
        "update users set password_hash = $1 where id = $2",
        hash,
        me.id
    )
    .execute(&mut *tx)
    .await?;
    audit_account_change(
        &mut tx,
        me,
        me.id,
        &serde_json::json!({ "password": "changed" }),
    )
    .await?;
    tx.commit().await?;
    let user = Backend::from(state.db.clone())
        .get_user(&me.id)
        .await?
        .ok_or(Error::Unauthenticated)?;
    auth::sign_in(&mut auth, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A change to an account, in the audit log of every ward and province where the person acting
/// holds a role.
pub async fn audit_account_change(
    tx: &mut Write,
    by: &auth::User,
    account: Uuid,
    change: &serde_json::Value,
) -> Result<()> {
    let mut wards: Vec<i32> = by.grants.iter().map(|g| g.ward_code).collect();
    wards.dedup();
    for ward in wards {
        tx.audit(ward, AuditAction::Update, "users", account, change)
            .await?;
    }
    let mut provinces: Vec<i32> = by.provinces.iter().map(|g| g.province_code).collect();
    provinces.dedup();
    for province in provinces {
        tx.audit_province(province, AuditAction::Update, "users", account, change)
            .await?;
    }
    Ok(())
}

//! Invitations: a team leader invites a volunteer to their TDP with a link (and its QR code)
//! that expires and can be revoked; the volunteer opens it and chooses a password.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::access::{Action, Role};
use domain::api::{
    AcceptInvitation, AuditAction, CreatedInvitation, Invitation, InvitationPreview,
    InvitationStatus, NewInvitation,
};
use domain::validate::normalise_phone;
use domain::{ErrorBody, FieldCode};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::audit::Write;
use crate::auth::devices::{cookie_header, trust_device};
use crate::auth::{self, Access, AuthSession, Backend, ClientAddress, password, throttle};
use crate::error::{Error, Json, Path, Result};
use crate::limits::Limit;
use axum_login::AuthnBackend;

/// How long an invitation link works.
const VALID_FOR: chrono::TimeDelta = chrono::TimeDelta::days(7);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_invitations, create_invitation))
        .routes(routes!(revoke_invitation))
        .routes(routes!(preview_invitation))
        .routes(routes!(accept_invitation))
}

/// An invitation's status at `now`.
fn status(
    expires_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    accepted_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> InvitationStatus {
    if accepted_at.is_some() {
        InvitationStatus::Accepted
    } else if revoked_at.is_some() {
        InvitationStatus::Revoked
    } else if expires_at <= now {
        InvitationStatus::Expired
    } else {
        InvitationStatus::Pending
    }
}

/// The TDP's invitations, newest first.
#[utoipa::path(get, path = "/tdps/{id}/invitations", tag = "invitations",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Invitation>)))]
async fn list_invitations(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<Vec<Invitation>> {
    access.tdp_place(&state.db, id, Action::ManageTeam).await?;
    let rows = sqlx::query!(
        "select id, tdp_id, full_name, created_at, expires_at, revoked_at, accepted_at
         from invitations where tdp_id = $1 order by created_at desc limit 200",
        id
    )
    .fetch_all(&state.db)
    .await?;
    let now = state.now();
    Ok(Json(
        rows.into_iter()
            .map(|r| Invitation {
                id: r.id,
                tdp_id: r.tdp_id,
                full_name: r.full_name,
                created_at: r.created_at,
                expires_at: r.expires_at,
                status: status(r.expires_at, r.revoked_at, r.accepted_at, now),
            })
            .collect(),
    ))
}

/// Invites a volunteer to the TDP's team. The token comes back once, here: the server keeps
/// only its hash.
#[utoipa::path(post, path = "/tdps/{id}/invitations", tag = "invitations",
    params(("id" = Uuid, Path)),
    request_body = NewInvitation,
    responses((status = 201, body = CreatedInvitation)))]
async fn create_invitation(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(new): Json<NewInvitation>,
) -> Result<(StatusCode, Json<CreatedInvitation>)> {
    let place = access.tdp_place(&state.db, id, Action::ManageTeam).await?;
    domain::validate::new_invitation(&new).map_err(Error::Validation)?;
    let (token, hash) = auth::new_token();
    let now = state.now();
    let invitation = Invitation {
        id: Uuid::now_v7(),
        tdp_id: id,
        full_name: new.full_name.trim().to_owned(),
        created_at: now,
        expires_at: now + VALID_FOR,
        status: InvitationStatus::Pending,
    };
    let mut tx = access.write(&state.db).await?;
    sqlx::query!(
        "insert into invitations (id, token_hash, ward_code, tdp_id, full_name, created_by,
                                  created_at, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        invitation.id,
        hash,
        place.ward,
        id,
        invitation.full_name,
        access.user.id,
        invitation.created_at,
        invitation.expires_at,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit_with(
        place.ward,
        AuditAction::Create,
        "invitations",
        invitation.id,
        &invitation,
    )
    .await?;
    let link = format!(
        "{}{}",
        super::origin(&state),
        domain::pages::invitation(&token)
    );
    let qr_svg = super::qr_svg(&link)?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedInvitation {
            invitation,
            token,
            link,
            qr_svg,
        }),
    ))
}

/// Revokes a pending invitation: its link stops working at once. An accepted one answers 409.
#[utoipa::path(delete, path = "/invitations/{id}", tag = "invitations",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 409, body = ErrorBody)))]
async fn revoke_invitation(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let tdp = sqlx::query_scalar!("select tdp_id from invitations where id = $1", id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(Error::NotFound)?;
    let place = access.tdp_place(&state.db, tdp, Action::ManageTeam).await?;
    let mut tx = access.write(&state.db).await?;
    let accepted = sqlx::query_scalar!(
        "update invitations set revoked_at = coalesce(revoked_at, $2)
         where id = $1 returning accepted_at is not null as \"accepted!\"",
        id,
        state.now(),
    )
    .fetch_one(&mut *tx)
    .await;
    // The check constraint refuses revoking an accepted invitation.
    if let Err(sqlx::Error::Database(e)) = &accepted
        && e.is_check_violation()
    {
        return Err(Error::Conflict);
    }
    accepted?;
    tx.commit_with(
        place.ward,
        AuditAction::Update,
        "invitations",
        id,
        &serde_json::json!({ "status": InvitationStatus::Revoked }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

struct Pending {
    id: Uuid,
    ward_code: i32,
    tdp_id: Uuid,
    full_name: String,
}

/// What an invitation link says, before the volunteer sets a password. An unknown, expired,
/// used or revoked link answers 410 with a message the page shows.
#[utoipa::path(get, path = "/invitation-links/{token}", tag = "invitations",
    params(("token" = String, Path)),
    security(()),
    responses((status = 200, body = InvitationPreview), (status = 410, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn preview_invitation(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Path(token): Path<String>,
) -> ApiResult<InvitationPreview> {
    state
        .limits
        .check(Limit::Invitation, address, Some(&token))?;
    sqlx::query_as!(
        InvitationPreview,
        "select w.name as ward_name, t.name as tdp_name, i.full_name, i.expires_at
         from invitations i join tdps t on t.id = i.tdp_id join wards w on w.code = i.ward_code
         where i.token_hash = $1 and i.accepted_at is null and i.revoked_at is null
             and i.expires_at > $2",
        auth::token_hash(&token),
        state.now(),
    )
    .fetch_optional(&state.db)
    .await?
    .map(Json)
    .ok_or(Error::InvitationUnusable)
}

/// Accepts an invitation and signs in. A new phone number gets a new account with the chosen
/// password; a phone number that already has an account must give that account's password,
/// and the account gains the volunteer role. The link works once.
#[utoipa::path(post, path = "/invitation-links/{token}/accept", tag = "invitations",
    params(("token" = String, Path)),
    request_body = AcceptInvitation,
    security(()),
    responses((status = 200, body = domain::api::Me), (status = 401, body = ErrorBody),
        (status = 410, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn accept_invitation(
    State(state): State<AppState>,
    mut auth: AuthSession,
    ClientAddress(address): ClientAddress,
    Path(token): Path<String>,
    Json(body): Json<AcceptInvitation>,
) -> Result<Response> {
    state
        .limits
        .check(Limit::Invitation, address, Some(&token))?;
    let _turn = state.passwords.turn()?;
    domain::validate::accept_invitation(&body).map_err(Error::Validation)?;
    let phone = normalise_phone(&body.phone)
        .ok_or_else(|| Error::field("phone", FieldCode::InvalidFormat))?;
    let mut tx = Write::begin(&state.db, None).await?;
    let invitation = sqlx::query_as!(
        Pending,
        "select id, ward_code, tdp_id, full_name from invitations
         where token_hash = $1 and accepted_at is null and revoked_at is null
             and expires_at > $2
         for update",
        auth::token_hash(&token),
        state.now(),
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::InvitationUnusable)?;

    let existing = sqlx::query!(
        "select id, password_hash from users where phone = $1 and not disabled",
        phone
    )
    .fetch_optional(&mut *tx)
    .await?;
    let user_id = match existing {
        Some(user) => {
            // Proving the account is theirs is a sign-in, throttled like one.
            let buckets = throttle::Buckets::untrusted(&phone, address);
            if let Err(wait) = throttle::attempt(&state.db, &buckets).await? {
                return Err(Error::TooManyAttempts(wait));
            }
            if !password::verify(body.password, user.password_hash).await? {
                return Err(Error::WrongCredentials);
            }
            throttle::succeeded(&state.db, &buckets).await?;
            user.id
        }
        None => {
            if password::is_weak(&body.password, &[&phone, &invitation.full_name]) {
                return Err(Error::field("password", FieldCode::WeakPassword));
            }
            let id = Uuid::now_v7();
            let hash = password::hash(body.password).await?;
            sqlx::query!(
                "insert into users (id, phone, full_name, password_hash) values ($1, $2, $3, $4)",
                id,
                phone,
                invitation.full_name,
                hash
            )
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_unique_violation() => {
                    Error::field("phone", FieldCode::Duplicate)
                }
                _ => Error::from(e),
            })?;
            id
        }
    };
    sqlx::query!(
        "insert into role_grants (user_id, ward_code, role, tdp_id) values ($1, $2, $3, $4)
         on conflict do nothing",
        user_id,
        invitation.ward_code,
        Role::Volunteer.as_str(),
        invitation.tdp_id
    )
    .execute(&mut *tx)
    .await?;
    // The volunteer joins the TDP's team (or their existing team entry is linked), so the
    // visit form offers them as a volunteer.
    let linked = sqlx::query!(
        "update team_members set user_id = $1
         where id = (select id from team_members
                     where tdp_id = $2 and (user_id = $1 or (user_id is null and phone = $3))
                     order by user_id nulls last limit 1)",
        user_id,
        invitation.tdp_id,
        phone
    )
    .execute(&mut *tx)
    .await?;
    if linked.rows_affected() == 0 {
        sqlx::query!(
            "insert into team_members (id, tdp_id, full_name, role, phone, user_id)
             select $1, $2, full_name, 'other', phone, id from users where id = $3",
            Uuid::now_v7(),
            invitation.tdp_id,
            user_id
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        "update invitations set accepted_at = $3, accepted_by = $1 where id = $2",
        user_id,
        invitation.id,
        state.now(),
    )
    .execute(&mut *tx)
    .await?;
    tx.by(user_id);
    tx.commit_with(
        invitation.ward_code,
        AuditAction::Update,
        "invitations",
        invitation.id,
        &serde_json::json!({ "status": InvitationStatus::Accepted, "phone": phone }),
    )
    .await?;

    let user = Backend::from(state.db.clone())
        .get_user(&user_id)
        .await?
        .ok_or(Error::Unauthenticated)?;
    auth::sign_in(&mut auth, &user).await?;
    let cookie = trust_device(&state.db, user.id, state.config.secure_cookies).await?;
    Ok((cookie_header(Some(cookie)), Json(user.me())).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_is_pending_until_used_revoked_or_expired() {
        let now: DateTime<Utc> = "2026-12-06T16:59:00Z".parse().unwrap();
        let later = now + VALID_FOR;
        let earlier = now - VALID_FOR;
        assert_eq!(status(later, None, None, now), InvitationStatus::Pending);
        assert_eq!(status(earlier, None, None, now), InvitationStatus::Expired);
        assert_eq!(status(now, None, None, now), InvitationStatus::Expired);
        assert_eq!(
            status(later, Some(earlier), None, now),
            InvitationStatus::Revoked
        );
        assert_eq!(
            status(earlier, None, Some(earlier), now),
            InvitationStatus::Accepted
        );
    }
}

//! A ward's accounts, for its admins: who can sign in, with which roles; disabling an account
//! and ending its sessions.

use axum::extract::State;
use axum::http::StatusCode;
use domain::access::{Action, Role};
use domain::api::{Account, AccountChange, AuditAction, NewAccount, NewGrant};
use domain::{ErrorBody, FieldCode, FieldError};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::accounts::NewUser;
use crate::auth::{self, Access};
use crate::db::accounts::{account, accounts_in};
use crate::db::tdps;
use crate::error::{Error, Json, Path, Result};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(change_account))
        .routes(routes!(set_grants))
        .routes(routes!(end_sessions))
}

/// Everyone holding a role in the ward, by name.
#[utoipa::path(get, path = "/wards/{code}/accounts", tag = "accounts",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = Vec<Account>)))]
async fn list_accounts(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<Vec<Account>> {
    access.ward(code, Action::ManageWard)?;
    Ok(Json(accounts_in(&state.db, code, None).await?))
}

/// Creates an account with a first role in the ward. The phone number must be new: a person
/// who already has an account is given a role in another ward by an invitation.
#[utoipa::path(post, path = "/wards/{code}/accounts", tag = "accounts",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = NewAccount,
    responses((status = 201, body = Account)))]
async fn create_account(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<NewAccount>,
) -> Result<(StatusCode, Json<Account>)> {
    access.ward(code, Action::ManageWard)?;
    domain::validate::new_account(&new).map_err(Error::Validation)?;
    if let Some(tdp) = new.tdp_id {
        tdps::check_in_ward(&state.db, tdp, code, "tdp_id").await?;
    }
    let user = NewUser::checked(&new.phone, &new.full_name, &new.password).await?;
    let mut tx = access.write(&state.db).await?;
    let id = user.insert(&mut tx, code, new.role, new.tdp_id).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(account(&state.db, code, id).await?),
    ))
}

/// An account of the ward that holds roles only in wards the admin administers: one ward cannot
/// lock a person out of another, nor end their sessions. 404 when it holds no role in `code`.
async fn managed_account(state: &AppState, access: &Access, code: i32, id: Uuid) -> Result<()> {
    access.ward(code, Action::ManageWard)?;
    account(&state.db, code, id).await?;
    let everywhere = auth::grants(&state.db, id, None).await?;
    if everywhere
        .iter()
        .any(|g| !access.reach(g.ward_code, Action::ManageWard).is_ward())
    {
        return Err(Error::Forbidden);
    }
    Ok(())
}

/// Disables or enables an account. Disabling ends its sessions at once. The ward's last
/// admin cannot disable their own account (409): nobody could enable it again.
#[utoipa::path(patch, path = "/wards/{code}/accounts/{id}", tag = "accounts",
    params(("code" = i32, Path, description = "Official ward code"), ("id" = Uuid, Path)),
    request_body = AccountChange,
    responses((status = 200, body = Account), (status = 409, body = ErrorBody)))]
async fn change_account(
    State(state): State<AppState>,
    access: Access,
    Path((code, id)): Path<(i32, Uuid)>,
    Json(change): Json<AccountChange>,
) -> ApiResult<Account> {
    managed_account(&state, &access, code, id).await?;
    let mut tx = access.write(&state.db).await?;
    if change.disabled && id == access.user.id {
        // Every admin's row locked, in one order: of two admins disabling themselves at
        // once, the second sees the first disabled.
        let admins = sqlx::query_scalar!(
            "select u.id from role_grants g join users u on u.id = g.user_id
             where g.ward_code = $1 and g.role = 'ward_admin' and not u.disabled
             order by u.id
             for update of u",
            code,
        )
        .fetch_all(&mut *tx)
        .await?;
        let others = admins.iter().filter(|&&admin| admin != id).count();
        if others == 0 {
            return Err(Error::Conflict);
        }
    }
    sqlx::query!(
        "update users set disabled = $1,
             session_generation = session_generation + case when $1 then 1 else 0 end
         where id = $2",
        change.disabled,
        id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit_with(code, AuditAction::Update, "users", id, &change)
        .await?;
    Ok(Json(account(&state.db, code, id).await?))
}

/// Replaces the account's roles in this ward (its roles elsewhere stay). An admin cannot take
/// their own admin role away, so a ward always keeps the admin who is acting.
#[utoipa::path(put, path = "/wards/{code}/accounts/{id}/grants", tag = "accounts",
    params(("code" = i32, Path, description = "Official ward code"), ("id" = Uuid, Path)),
    request_body = Vec<NewGrant>,
    responses((status = 200, body = Account)))]
async fn set_grants(
    State(state): State<AppState>,
    access: Access,
    Path((code, id)): Path<(i32, Uuid)>,
    Json(grants): Json<Vec<NewGrant>>,
) -> ApiResult<Account> {
    access.ward(code, Action::ManageWard)?;
    account(&state.db, code, id).await?;
    let mut errors: Vec<FieldError> = Vec::new();
    for (i, g) in grants.iter().enumerate() {
        if let Err(e) = domain::validate::new_grant(g) {
            errors.extend(
                e.into_iter()
                    .map(|f| FieldError::new(format!("[{i}].{}", f.field), f.code)),
            );
        } else if let Some(tdp) = g.tdp_id
            && let Err(Error::Validation(e)) =
                tdps::check_in_ward(&state.db, tdp, code, &format!("[{i}].tdp_id")).await
        {
            errors.extend(e);
        }
    }
    if id == access.user.id && !grants.iter().any(|g| g.role == Role::WardAdmin) {
        errors.push(FieldError::new("role", FieldCode::OwnAdminRole));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let mut tx = access.write(&state.db).await?;
    sqlx::query!(
        "delete from role_grants where user_id = $1 and ward_code = $2",
        id,
        code
    )
    .execute(&mut *tx)
    .await?;
    let roles: Vec<String> = grants.iter().map(|g| g.role.as_str().to_owned()).collect();
    let tdps: Vec<Option<Uuid>> = grants.iter().map(|g| g.tdp_id).collect();
    sqlx::query!(
        "insert into role_grants (user_id, ward_code, role, tdp_id)
         select $1, $2, role, tdp_id from unnest($3::text[], $4::uuid[]) as g(role, tdp_id)
         on conflict do nothing",
        id,
        code,
        &roles,
        &tdps as &[Option<Uuid>],
    )
    .execute(&mut *tx)
    .await?;
    tx.commit_with(code, AuditAction::Update, "role_grants", id, &grants)
        .await?;
    Ok(Json(account(&state.db, code, id).await?))
}

/// Ends every session of the account at once (a lost phone); it can sign in again. As for
/// disabling, the account must hold roles only in wards the admin administers.
#[utoipa::path(post, path = "/wards/{code}/accounts/{id}/sign-out", tag = "accounts",
    params(("code" = i32, Path, description = "Official ward code"), ("id" = Uuid, Path)),
    responses((status = 204)))]
async fn end_sessions(
    State(state): State<AppState>,
    access: Access,
    Path((code, id)): Path<(i32, Uuid)>,
) -> Result<StatusCode> {
    managed_account(&state, &access, code, id).await?;
    let mut tx = access.write(&state.db).await?;
    sqlx::query!(
        "update users set session_generation = session_generation + 1 where id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit_with(
        code,
        AuditAction::Update,
        "users",
        id,
        &serde_json::json!({ "sessions": "ended" }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

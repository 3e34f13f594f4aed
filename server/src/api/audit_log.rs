//! The ward's audit log, for its admins: newest first, filtered by entity, action or person;
//! and the age of the server's last backup, which the same page shows.

use axum::extract::State;
use domain::access::Action;
use domain::api::{AuditAction, AuditEntry, BackupStatus, BackupSummary};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::error::{Json, Path, Query};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_audit))
        .routes(routes!(backups))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// A table name, e.g. `visits` or `users`.
    entity: Option<String>,
    action: Option<AuditAction>,
    /// Changes made by this account.
    user_id: Option<Uuid>,
    /// At most 200; default 50.
    limit: Option<i64>,
    /// Entries older than this id: the last id of the previous page.
    before: Option<i64>,
}

/// The ward's audit log, newest first.
#[utoipa::path(get, path = "/wards/{code}/audit", tag = "audit",
    params(("code" = i32, Path, description = "Official ward code"), AuditQuery),
    responses((status = 200, body = Vec<AuditEntry>)))]
async fn list_audit(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Vec<AuditEntry>> {
    access.ward(code, Action::ManageWard)?;
    let rows = sqlx::query!(
        "select a.id, a.at, a.user_id, u.full_name as \"user_name?\",
                a.action as \"action: AuditAction\", a.entity,
                a.entity_id, a.change, a.forgotten
         from audit_log a left join users u on u.id = a.user_id
         where a.ward_code = $1
             and ($2::text is null or a.entity = $2)
             and ($3::text is null or a.action = $3)
             and ($4::uuid is null or a.user_id = $4)
             and ($5::bigint is null or a.id < $5)
         order by a.id desc limit $6",
        code,
        q.entity,
        q.action.map(|a| a.as_str()),
        q.user_id,
        q.before,
        q.limit.unwrap_or(50).clamp(1, 200),
    )
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.at,
                user_id: r.user_id,
                user_name: r.user_name,
                action: r.action,
                entity: r.entity,
                entity_id: r.entity_id,
                change: r.change,
                forgotten: r.forgotten,
            })
            .collect(),
    ))
}

/// The server's backups: the newest, and how many its folder keeps. The audit page warns when
/// the newest is more than two days old.
#[utoipa::path(get, path = "/wards/{code}/backups", tag = "audit",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = BackupStatus)))]
async fn backups(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<BackupStatus> {
    access.ward(code, Action::ManageWard)?;
    let dir = state.config.backup_dir.clone();
    let found = tokio::task::spawn_blocking(move || {
        dir.as_deref().map(crate::backup::list).unwrap_or_default()
    })
    .await
    .map_err(anyhow::Error::from)?;
    Ok(Json(BackupStatus {
        latest: found.first().map(|b| BackupSummary {
            at: b.taken_at(),
            bytes: b.bytes,
        }),
        kept: found.len().try_into().unwrap_or(u32::MAX),
    }))
}

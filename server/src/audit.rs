//! The audit log: every create, update and delete, written in the same transaction as the
//! change itself. The table refuses updates and deletes (migration 0003).

use domain::api::AuditAction;
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::Result;

/// One change to record.
pub struct Entry<'a, T: Serialize> {
    pub ward: i32,
    /// `None` for changes nobody signed in made (an accepted invitation names its account).
    pub user: Option<Uuid>,
    pub action: AuditAction,
    pub entity: &'a str,
    pub entity_id: String,
    pub change: &'a T,
}

pub async fn record<T: Serialize>(db: &mut PgConnection, entry: Entry<'_, T>) -> Result<()> {
    let change = serde_json::to_value(entry.change).map_err(anyhow::Error::from)?;
    sqlx::query!(
        "insert into audit_log (ward_code, user_id, action, entity, entity_id, change)
         values ($1, $2, $3, $4, $5, $6)",
        entry.ward,
        entry.user,
        entry.action.as_str(),
        entry.entity,
        entry.entity_id,
        change,
    )
    .execute(db)
    .await?;
    Ok(())
}

impl crate::auth::Access {
    /// Records a change the signed-in person made.
    pub async fn audit<T: Serialize>(
        &self,
        db: &mut PgConnection,
        ward: i32,
        action: AuditAction,
        entity: &str,
        entity_id: impl ToString,
        change: &T,
    ) -> Result<()> {
        record(
            db,
            Entry {
                ward,
                user: Some(self.user.id),
                action,
                entity,
                entity_id: entity_id.to_string(),
                change,
            },
        )
        .await
    }

    /// Records one kind of change to many records of one ward at once (a sync batch).
    pub async fn audit_all<T: Serialize>(
        &self,
        db: &mut PgConnection,
        ward: i32,
        action: AuditAction,
        entity: &str,
        changes: &[(Uuid, &T)],
    ) -> Result<()> {
        let ids: Vec<String> = changes.iter().map(|(id, _)| id.to_string()).collect();
        let values = changes
            .iter()
            .map(|(_, change)| serde_json::to_value(change))
            .collect::<serde_json::Result<Vec<_>>>()
            .map_err(anyhow::Error::from)?;
        sqlx::query!(
            "insert into audit_log (ward_code, user_id, action, entity, entity_id, change)
             select $1, $2, $3, $4, e.id, e.change
             from unnest($5::text[], $6::jsonb[]) as e(id, change)",
            ward,
            self.user.id,
            action.as_str(),
            entity,
            &ids,
            &values,
        )
        .execute(db)
        .await?;
        Ok(())
    }
}

//! The audit log: every create, update and delete, written in the same transaction as the
//! change itself. The table refuses updates and deletes (migration 0003).
//!
//! A change is made through a [`Write`]: a transaction that knows who is acting, records the
//! entries of what it changed, and commits them together with the change.

use std::ops::{Deref, DerefMut};

use chrono::{DateTime, Utc};
use domain::api::AuditAction;
use serde::Serialize;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::auth::Access;
use crate::error::Result;

/// Forgets the values of audit entries written before `older_than`: each keeps who changed
/// which record, when and how, and the names of the fields changed (migration 0022). The
/// database refuses anything younger than a week. Answers how many entries it forgot.
pub async fn forget_old(db: &PgPool, older_than: DateTime<Utc>) -> Result<i64> {
    Ok(
        sqlx::query_scalar!(r#"select audit_log_forget($1) as "forgotten!""#, older_than)
            .fetch_one(db)
            .await?,
    )
}

/// A change being written, by someone: its statements run on `&mut *write` (the transaction),
/// its audit entries are recorded with [`Write::audit`], and [`Write::commit_with`] records the
/// last entry and commits, so the change and its entries land together or not at all. Dropped
/// without a commit (an error on the way), nothing of it lands.
pub struct Write {
    tx: Transaction<'static, Postgres>,
    /// `None` for changes nobody signed in made (an accepted invitation, the admin command).
    by: Option<Uuid>,
}

impl Write {
    pub async fn begin(db: &PgPool, by: Option<Uuid>) -> Result<Self> {
        Ok(Self {
            tx: db.begin().await?,
            by,
        })
    }

    /// Names who makes the change once that is known: accepting an invitation creates, or
    /// proves, the account that accepts it.
    pub fn by(&mut self, user: Uuid) {
        self.by = Some(user);
    }

    /// Who makes the change, when somebody signed in does.
    pub fn made_by(&self) -> Option<Uuid> {
        self.by
    }

    /// Records one change in `ward`'s log: the record as written (for a create), or the fields
    /// changed.
    pub async fn audit<T: Serialize>(
        &mut self,
        ward: i32,
        action: AuditAction,
        entity: &str,
        entity_id: impl ToString,
        change: &T,
    ) -> Result<()> {
        self.audit_all(ward, action, entity, &[(entity_id, change)])
            .await
    }

    /// Records one kind of change to many records of one ward at once (a sync batch, an
    /// import), in one statement.
    pub async fn audit_all<I: ToString, T: Serialize>(
        &mut self,
        ward: i32,
        action: AuditAction,
        entity: &str,
        changes: &[(I, &T)],
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
            self.by,
            action.as_str(),
            entity,
            &ids,
            &values,
        )
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records one change in `province`'s own log: its grants, the wards it onboarded.
    pub async fn audit_province<T: Serialize>(
        &mut self,
        province: i32,
        action: AuditAction,
        entity: &str,
        entity_id: impl ToString,
        change: &T,
    ) -> Result<()> {
        let change = serde_json::to_value(change).map_err(anyhow::Error::from)?;
        sqlx::query!(
            "insert into province_audit_log (province_code, user_id, action, entity, entity_id, change)
             values ($1, $2, $3, $4, $5, $6)",
            province,
            self.by,
            action.as_str(),
            entity,
            entity_id.to_string(),
            change,
        )
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records the change's entry and commits: how a write with one entry ends.
    pub async fn commit_with<T: Serialize>(
        mut self,
        ward: i32,
        action: AuditAction,
        entity: &str,
        entity_id: impl ToString,
        change: &T,
    ) -> Result<()> {
        self.audit(ward, action, entity, entity_id, change).await?;
        self.commit().await
    }

    /// Commits what was written and its entries; for a write that changed nothing (a request
    /// sent again), there is no entry to record.
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl Deref for Write {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        &self.tx
    }
}

impl DerefMut for Write {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.tx
    }
}

impl Access {
    /// Starts a change the signed-in person makes.
    pub async fn write(&self, db: &PgPool) -> Result<Write> {
        Write::begin(db, Some(self.user.id)).await
    }
}

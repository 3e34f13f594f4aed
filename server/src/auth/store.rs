//! tower-sessions' store, in PostgreSQL.
//!
//! Not tower-sessions-sqlx-store: it switches on sqlx's `time` feature, and with that sqlx's
//! query macros map every date and timestamp of the server to `time` types instead of the
//! `chrono` ones the shared `domain` crate uses.

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use tower_sessions::ExpiredDeletion;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

#[derive(Debug, Clone)]
pub struct PgStore {
    db: PgPool,
}

impl PgStore {
    pub fn new(db: PgPool) -> Self {
        Self { db }
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn expiry(record: &Record) -> session_store::Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(record.expiry_date.unix_timestamp(), 0)
        .ok_or_else(|| backend("expiry date out of range"))
}

/// The row a session is kept under: the SHA-256 of its id, in hex (migration 0020), so that the
/// table holds nothing a cookie could be made from.
fn key(id: &Id) -> String {
    format!("{:x}", Sha256::digest(id.to_string()))
}

fn data(record: &Record) -> session_store::Result<serde_json::Value> {
    serde_json::to_value(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

#[async_trait]
impl SessionStore for PgStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let inserted = sqlx::query!(
                "insert into sessions (id, data, expires_at) values ($1, $2, $3)
                 on conflict (id) do nothing",
                key(&record.id),
                data(record)?,
                expiry(record)?,
            )
            .execute(&self.db)
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            // 128 random bits collided: take another id.
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        sqlx::query!(
            "insert into sessions (id, data, expires_at) values ($1, $2, $3)
             on conflict (id) do update set data = excluded.data, expires_at = excluded.expires_at",
            key(&record.id),
            data(record)?,
            expiry(record)?,
        )
        .execute(&self.db)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(row) = sqlx::query!(
            "select data, expires_at from sessions where id = $1 and expires_at > now()",
            key(id)
        )
        .fetch_optional(&self.db)
        .await
        .map_err(backend)?
        else {
            return Ok(None);
        };
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_value(row.data)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?,
            expiry_date: time::OffsetDateTime::from_unix_timestamp(row.expires_at.timestamp())
                .map_err(backend)?,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query!("delete from sessions where id = $1", key(id))
            .execute(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for PgStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query!("delete from sessions where expires_at <= now()")
            .execute(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

//! A ward's accounts as its admins see them.

use domain::api::Account;
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth;
use crate::error::{Error, Result};

/// The accounts holding a role in `ward` (or only `only` among them), by name, each with its
/// roles there: two queries however many there are.
pub async fn accounts_in(db: &PgPool, ward: i32, only: Option<Uuid>) -> Result<Vec<Account>> {
    let rows = sqlx::query!(
        "select id, phone, full_name, disabled, password_hash is not null as \"has_password!\",
                created_at
         from users u
         where exists (select from role_grants g where g.user_id = u.id and g.ward_code = $1)
             and ($2::uuid is null or u.id = $2)
         order by full_name, phone",
        ward,
        only
    )
    .fetch_all(db)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut grants = auth::grants_of(db, &ids, Some(ward)).await?;
    Ok(rows
        .into_iter()
        .map(|row| Account {
            grants: grants.remove(&row.id).unwrap_or_default(),
            id: row.id,
            phone: row.phone,
            full_name: row.full_name,
            disabled: row.disabled,
            has_password: row.has_password,
            created_at: row.created_at,
        })
        .collect())
}

/// An account with its roles in `ward`; 404 when it holds none there.
pub async fn account(db: &PgPool, ward: i32, id: Uuid) -> Result<Account> {
    accounts_in(db, ward, Some(id))
        .await?
        .pop()
        .ok_or(Error::NotFound)
}

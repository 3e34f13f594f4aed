//! `ngo-so create-admin`: how a fresh install gets its first ward admin or province admin,
//! from the command line of the machine it runs on (nobody can sign in yet to make one through
//! the app).

use anyhow::{Context, bail};
use domain::access::{ProvinceRole, Role};
use domain::api::AuditAction;
use domain::validate::normalise_phone;
use sqlx::PgPool;
use uuid::Uuid;

use crate::audit::Write;
use crate::auth::password;

/// Where the new admin's role holds.
#[derive(Debug, Clone, Copy)]
pub enum Over {
    /// Ward admin of this ward.
    Ward(i32),
    /// This role over this province.
    Province(i32, ProvinceRole),
}

/// Creates the account (or finds it, keeping its password) and gives it the role `over`.
/// Answers what was done, for the terminal.
pub async fn create(
    db: &PgPool,
    over: Over,
    phone: &str,
    name: &str,
    new_password: String,
) -> anyhow::Result<String> {
    let phone = normalise_phone(phone).context(
        "the phone number is not a Vietnamese mobile number (10 digits starting with 0)",
    )?;
    let name = name.trim();
    if name.is_empty() {
        bail!("the name is empty");
    }
    let place = match over {
        Over::Ward(ward) => sqlx::query_scalar!("select name from wards where code = $1", ward)
            .fetch_optional(db)
            .await?
            .with_context(|| format!("no ward has the code {ward} in the official list"))?,
        Over::Province(province, _) => {
            sqlx::query_scalar!("select name from provinces where code = $1", province)
                .fetch_optional(db)
                .await?
                .with_context(|| {
                    format!("no province has the code {province} in the official list")
                })?
        }
    };

    let mut tx = Write::begin(db, None).await?;
    let existing = sqlx::query_scalar!("select id from users where phone = $1", phone)
        .fetch_optional(&mut *tx)
        .await?;
    let (id, created) = match existing {
        Some(id) => (id, false),
        None => {
            let mut errors = domain::validate::Errors::default();
            domain::validate::password(&mut errors, "password", &new_password);
            if errors.finish().is_err() {
                bail!(
                    "the password needs {} to {} characters",
                    domain::validate::PASSWORD_MIN,
                    domain::validate::PASSWORD_MAX
                );
            }
            if password::is_weak(&new_password, &[&phone, name]) {
                bail!(
                    "the password is too easy to guess; a short sentence is easy to remember and hard to guess"
                );
            }
            let id = Uuid::now_v7();
            let hash = password::hash(new_password).await?;
            sqlx::query!(
                "insert into users (id, phone, full_name, password_hash) values ($1, $2, $3, $4)",
                id,
                phone,
                name,
                hash
            )
            .execute(&mut *tx)
            .await?;
            (id, true)
        }
    };
    let role = match over {
        Over::Ward(ward) => {
            sqlx::query!(
                "insert into role_grants (user_id, ward_code, role) values ($1, $2, $3)
                 on conflict do nothing",
                id,
                ward,
                Role::WardAdmin.as_str()
            )
            .execute(&mut *tx)
            .await?;
            let change = serde_json::json!({ "role": Role::WardAdmin, "by": "create-admin" });
            tx.commit_with(ward, AuditAction::Create, "role_grants", id, &change)
                .await?;
            "ward admin"
        }
        Over::Province(province, role) => {
            sqlx::query!(
                "insert into province_grants (user_id, province_code, role) values ($1, $2, $3)
                 on conflict do nothing",
                id,
                province,
                role.as_str()
            )
            .execute(&mut *tx)
            .await?;
            let change = serde_json::json!({ "role": role, "by": "create-admin" });
            tx.audit_province(
                province,
                AuditAction::Create,
                "province_grants",
                id,
                &change,
            )
            .await?;
            tx.commit().await?;
            match role {
                ProvinceRole::ProvinceAdmin => "province admin",
                ProvinceRole::ProvinceViewer => "province viewer",
            }
        }
    };
    Ok(if created {
        format!("{name} ({phone}) can now sign in as {role} of {place}.")
    } else {
        format!(
            "The existing account {phone} is now also {role} of {place}; its password is unchanged."
        )
    })
}

//! `ngo-so create-admin`: how a fresh install gets its first ward admin, from the command
//! line of the machine it runs on (nobody can sign in yet to make one through the app).

use anyhow::{Context, bail};
use domain::access::Role;
use domain::api::AuditAction;
use domain::validate::normalise_phone;
use sqlx::PgPool;
use uuid::Uuid;

use crate::audit::Write;
use crate::auth::password;

/// Creates the account (or finds it, keeping its password) and gives it the ward admin role
/// in `ward`. Answers what was done, for the terminal.
pub async fn create(
    db: &PgPool,
    ward: i32,
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
    let ward_name = sqlx::query_scalar!("select name from wards where code = $1", ward)
        .fetch_optional(db)
        .await?
        .with_context(|| format!("no ward has the code {ward} in the official list"))?;

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
    sqlx::query!(
        "insert into role_grants (user_id, ward_code, role) values ($1, $2, $3)
         on conflict do nothing",
        id,
        ward,
        Role::WardAdmin.as_str()
    )
    .execute(&mut *tx)
    .await?;
    tx.commit_with(
        ward,
        AuditAction::Create,
        "role_grants",
        id,
        &serde_json::json!({ "role": Role::WardAdmin, "by": "create-admin" }),
    )
    .await?;
    Ok(if created {
        format!("{name} ({phone}) can now sign in as ward admin of {ward_name}.")
    } else {
        format!(
            "The existing account {phone} is now also ward admin of {ward_name}; its password is unchanged."
        )
    })
}

//! Making an account with its first role in a ward: by the ward's admin, or by the province's
//! admin for a ward's first admin.

use domain::FieldCode;
use domain::access::Role;
use domain::api::AuditAction;
use domain::validate::normalise_phone;
use uuid::Uuid;

use crate::audit::Write;
use crate::auth::password;
use crate::error::{Error, OnConstraint, Result};

/// A new account's fields, normalised and checked, with its password's hash: made before the
/// transaction begins, since hashing takes a while.
pub struct NewUser {
    phone: String,
    full_name: String,
    hash: String,
}

impl NewUser {
    /// After `domain::validate`'s checks of the form: the phone number's one spelling, and a
    /// password that is not easy to guess from the person's own number and name.
    pub async fn checked(phone: &str, full_name: &str, new_password: &str) -> Result<Self> {
        let phone = normalise_phone(phone)
            .ok_or_else(|| Error::field("phone", FieldCode::InvalidFormat))?;
        let full_name = full_name.trim().to_owned();
        if password::is_weak(new_password, &[&phone, &full_name]) {
            return Err(Error::field("password", FieldCode::WeakPassword));
        }
        let hash = password::hash(new_password.to_owned()).await?;
        Ok(Self {
            phone,
            full_name,
            hash,
        })
    }

    /// Writes the account with its first role, `role` in `ward` (in `tdp` for a team role),
    /// and the ward's audit entry. A phone number that has an account already is refused.
    pub async fn insert(
        self,
        tx: &mut Write,
        ward: i32,
        role: Role,
        tdp: Option<Uuid>,
    ) -> Result<Uuid> {
        let id = Uuid::now_v7();
        sqlx::query!(
            "insert into users (id, phone, full_name, password_hash) values ($1, $2, $3, $4)",
            id,
            self.phone,
            self.full_name,
            self.hash
        )
        .execute(&mut **tx)
        .await
        .on_constraint("users_phone_key", "phone", FieldCode::Duplicate)?;
        sqlx::query!(
            "insert into role_grants (user_id, ward_code, role, tdp_id) values ($1, $2, $3, $4)",
            id,
            ward,
            role.as_str(),
            tdp
        )
        .execute(&mut **tx)
        .await?;
        let change = serde_json::json!({
            "phone": self.phone, "full_name": self.full_name, "role": role, "tdp_id": tdp,
        });
        tx.audit(ward, AuditAction::Create, "users", id, &change)
            .await?;
        Ok(id)
    }
}

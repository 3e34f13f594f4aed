//! Least privilege in the database: the schema belongs to the role that migrates it, and the
//! server runs as another role that reads and writes rows and nothing more. That role cannot
//! alter or drop a table, nor switch a trigger off (only a table's owner can), and of the
//! audit log it may only add entries and read them: whatever SQL reached the database through
//! the server, the log of who changed what stays whole.

use sqlx::PgPool;

/// Grants `role` what the server needs on every table of the schema as it now stands (run
/// after each start's migrations, so new tables are covered), and takes back what it must not
/// have of the audit log.
pub async fn grant(owner: &PgPool, role: &str) -> anyhow::Result<()> {
    let role = identifier(role)?;
    let mut tx = owner.begin().await?;
    for statement in [
        format!("grant usage on schema public to {role}"),
        format!("grant select, insert, update, delete on all tables in schema public to {role}"),
        format!("grant usage, select on all sequences in schema public to {role}"),
        format!("revoke update, delete, truncate on audit_log from {role}"),
        format!("revoke all on _sqlx_migrations from {role}"),
        format!("grant execute on function audit_log_forget(timestamptz) to {role}"),
        format!("grant execute on function audit_log_forget_person(uuid, text[]) to {role}"),
    ] {
        sqlx::query(&statement).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A role's name, quoted for SQL (roles cannot be bound as parameters).
fn identifier(role: &str) -> anyhow::Result<String> {
    if role.is_empty()
        || !role
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        anyhow::bail!("a database role's name is lowercase letters, digits and _: {role:?}");
    }
    Ok(format!("\"{role}\""))
}

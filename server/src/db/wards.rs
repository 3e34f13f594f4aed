//! Wards.

use domain::api::Ward;
use sqlx::PgPool;

use crate::error::{Error, Result};
pub async fn ward(db: &PgPool, code: i32) -> Result<Ward> {
    sqlx::query_as!(
        Ward,
        "select w.code, w.name, w.province_code, p.name as province_name
         from wards w join provinces p on p.code = w.province_code where w.code = $1",
        code
    )
    .fetch_optional(db)
    .await?
    .ok_or(Error::NotFound)
}

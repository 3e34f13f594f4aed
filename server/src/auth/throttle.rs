//! Growing delays after failed sign-ins, kept in PostgreSQL so that they hold across restarts
//! and across servers.
//!
//! A sign-in from a device that has signed in to the account before counts only against that
//! device. Any other sign-in counts against the account and against the client's address. So
//! someone guessing at a person's phone number slows down the guessing, never the person on
//! their own phone.

use std::net::IpAddr;
use std::time::Duration;

use chrono::Utc;
use sqlx::PgPool;

use crate::error::Result;

/// Failures allowed before any delay, per kind of bucket. An address may be a carrier's NAT
/// shared by many phones, so it gets more.
const FREE_ACCOUNT: i32 = 5;
const FREE_DEVICE: i32 = 5;
const FREE_ADDRESS: i32 = 20;
/// The delay doubles with each failure beyond the free ones, up to this.
const MAX_DELAY: Duration = Duration::from_secs(15 * 60);

/// The buckets one sign-in attempt counts against.
#[derive(Debug, Clone)]
pub struct Buckets(Vec<(String, i32)>);

impl Buckets {
    pub fn trusted_device(device_hash: &[u8]) -> Self {
        let hex: String = device_hash.iter().map(|b| format!("{b:02x}")).collect();
        Self(vec![(format!("device:{hex}"), FREE_DEVICE)])
    }

    pub fn untrusted(phone: &str, address: IpAddr) -> Self {
        Self(vec![
            (format!("account:{phone}"), FREE_ACCOUNT),
            (format!("address:{address}"), FREE_ADDRESS),
        ])
    }

    /// The current password asked again to change it, by someone already signed in: a
    /// session left open on a shared phone must not let its finder guess the password.
    pub fn password_change(user: uuid::Uuid) -> Self {
        Self(vec![(format!("password-change:{user}"), FREE_ACCOUNT)])
    }

    fn names(&self) -> Vec<String> {
        self.0.iter().map(|(name, _)| name.clone()).collect()
    }

    fn free(&self, bucket: &str) -> i32 {
        self.0
            .iter()
            .find(|(name, _)| name == bucket)
            .map_or(0, |(_, free)| *free)
    }
}

fn delay(failures: i32, free: i32) -> Duration {
    match u32::try_from(failures - free) {
        Ok(over) => Duration::from_secs(1u64 << over.min(20)).min(MAX_DELAY),
        Err(_) => Duration::ZERO,
    }
}

/// Counts a sign-in attempt as a failure before its password is checked, unless a bucket is
/// still held back (`Err(wait)`, nothing counted). Atomic per bucket: attempts on the same
/// buckets take turns (a transaction-scoped advisory lock per bucket, in one order), so that
/// fifty guesses sent at once are counted one after another and all but the free ones wait,
/// instead of all passing the check before any failure is counted. A success refunds it.
pub async fn attempt(db: &PgPool, buckets: &Buckets) -> Result<Result<(), Duration>> {
    let mut names = buckets.names();
    names.sort();
    let mut tx = db.begin().await?;
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended(b, 0)) from unnest($1::text[]) b",
        &names
    )
    .execute(&mut *tx)
    .await?;
    let rows = sqlx::query!(
        "select bucket, failures, last_failure from sign_in_failures where bucket = any($1)",
        &names
    )
    .fetch_all(&mut *tx)
    .await?;
    let now = Utc::now();
    let wait = rows
        .iter()
        .filter_map(|r| {
            let until = r.last_failure + delay(r.failures, buckets.free(&r.bucket));
            (until - now).to_std().ok()
        })
        .max();
    if let Some(wait) = wait {
        return Ok(Err(wait));
    }
    sqlx::query!(
        "insert into sign_in_failures (bucket, failures, last_failure)
         select b, 1, now() from unnest($1::text[]) b
         on conflict (bucket) do update
             set failures = sign_in_failures.failures + 1, last_failure = now()",
        &names
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// A success clears the account's and the device's count; an address keeps its count, less
/// this attempt's (counted in advance), or one working account would let an attacker reset it.
pub async fn succeeded(db: &PgPool, buckets: &Buckets) -> Result<()> {
    let names = buckets.names();
    sqlx::query!(
        "delete from sign_in_failures where bucket = any($1) and bucket not like 'address:%'",
        &names
    )
    .execute(db)
    .await?;
    sqlx::query!(
        "update sign_in_failures set failures = failures - 1
         where bucket = any($1) and bucket like 'address:%' and failures > 0",
        &names
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets failures older than the longest delay: they no longer hold anything back.
pub async fn forget_old(db: &PgPool) -> Result<()> {
    sqlx::query!(
        "delete from sign_in_failures where last_failure < now() - make_interval(secs => $1)",
        MAX_DELAY.as_secs_f64() * 2.0
    )
    .execute(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_after_the_free_failures_and_stops_growing() {
        assert_eq!(delay(4, 5), Duration::ZERO);
        assert_eq!(delay(5, 5), Duration::from_secs(1));
        assert_eq!(delay(8, 5), Duration::from_secs(8));
        assert_eq!(delay(500, 5), MAX_DELAY);
    }
}

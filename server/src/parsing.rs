//! Files parsed off the async runtime: a large workbook or a finely drawn map takes a core for
//! a second or two, and the server keeps answering everyone else meanwhile. Two at a time, so
//! that a few uploads at once cannot take every core.

use std::sync::LazyLock;

use tokio::sync::Semaphore;

use crate::error::Result;

static PARSING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(2));

/// Runs `parse` on a blocking thread once one of the two turns is free.
pub async fn off_thread<T: Send + 'static>(
    parse: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let _turn = PARSING.acquire().await.map_err(anyhow::Error::from)?;
    Ok(tokio::task::spawn_blocking(parse)
        .await
        .map_err(anyhow::Error::from)?)
}

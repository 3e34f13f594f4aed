//! Files parsed off the async runtime: a large workbook or a finely drawn map takes a core for
//! a second or two, and the server keeps answering everyone else meanwhile. Two at a time, on
//! threads below the request threads (`workers`), so that a few uploads at once can take
//! neither every core nor the time the requests need.

use std::sync::LazyLock;

use crate::error::Result;
use crate::workers;

static PARSING: LazyLock<rayon::ThreadPool> = LazyLock::new(|| workers::pool("parse", 2));

/// Runs `parse` on one of the two parsing threads, once it is free.
pub async fn off_thread<T: Send + 'static>(
    parse: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    workers::run(&PARSING, parse).await
}

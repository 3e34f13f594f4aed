//! Threads of their own for work that takes a core for a while (checking a password, reading
//! an uploaded workbook or map), running below the threads that answer requests: when every
//! core is busy, the scheduler gives the request threads about nine tenths of the time, so
//! `/health`, the dashboard and the phones' syncs keep answering while a flood of sign-ins or
//! a large import runs. Idle cores still run this work at full speed.

use thread_priority::{
    NormalThreadSchedulePolicy, ThreadPriority, ThreadPriorityValue, ThreadSchedulePolicy,
};

use crate::error::Result;

/// Nice 10 (thread-priority maps 0–99 onto nice 19 to −20): CPU time shared about 1 to 9 with
/// threads at nice 0 while both want a core, and no privilege needed to set it.
const BACKGROUND: u8 = 22;

/// `threads` named `name-0`, `name-1`…, at the background priority, for as long as the
/// server runs.
pub fn pool(name: &'static str, threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(move |i| format!("{name}-{i}"))
        .start_handler(move |_| background(name))
        .panic_handler(move |_| tracing::error!(pool = name, "background work panicked"))
        .build()
        .expect("background threads start")
}

/// Runs `work` on `pool`, in turn, and waits for it without holding a request thread.
pub async fn run<T: Send + 'static>(
    pool: &rayon::ThreadPool,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let (done, result) = tokio::sync::oneshot::channel();
    pool.spawn(move || {
        let _ = done.send(work());
    });
    Ok(result
        .await
        .map_err(|_| anyhow::anyhow!("background work did not finish"))?)
}

/// Lowers the calling thread's priority; where the system refuses, the work still runs, at
/// the ordinary priority.
fn background(name: &str) {
    let priority = ThreadPriorityValue::try_from(BACKGROUND).map(ThreadPriority::Crossplatform);
    let lowered = priority.map_err(|e| e.to_string()).and_then(|priority| {
        thread_priority::set_thread_priority_and_policy(
            thread_priority::thread_native_id(),
            priority,
            ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Other),
        )
        .map_err(|e| e.to_string())
    });
    if let Err(error) = lowered {
        tracing::warn!(pool = name, %error, "background threads run at the ordinary priority");
    }
}

#[cfg(test)]
mod tests {
    /// The nice value of the thread reading it, from `/proc` (field 19 of its `stat`).
    fn nice() -> i32 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
        // The command name, in parentheses, may hold spaces: count from its end.
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        after.split(' ').nth(16).unwrap().parse().unwrap()
    }

    #[tokio::test]
    async fn background_work_runs_below_the_request_threads() {
        let pool = super::pool("test", 1);
        let (here, there) = (nice(), super::run(&pool, nice).await.unwrap());
        // Lowered to 10, unless the whole server already runs lower than that.
        assert_eq!(there, here.max(10), "here {here}");
    }
}

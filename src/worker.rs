//! One shape for the bot's background workers (the e-mail sender, the chat poster, the
//! scheduler, the local inbox folder): one `pass` does what is due now (each worker's
//! `run_once`) and says whether there may be more; `supervise` repeats it until shutdown, looks again at once while
//! there is work, waits when there is none, and backs off while passes fail, each pass
//! in a span named for its worker. Shutdown is seen between passes and between the
//! units of work inside one, never in the middle of a unit.

use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// What one pass found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// It did some work: there may be more now.
    Busy,
    /// Nothing was due.
    Idle,
}

/// A background worker.
pub trait Worker: Send + Sync {
    /// Its name, in logs and spans.
    fn name(&self) -> &'static str;

    /// Does what is due now.
    fn pass(&self, shutdown: &CancellationToken) -> impl std::future::Future<Output = anyhow::Result<Pass>> + Send;

    /// How long to wait after an idle pass (or before the first, for a schedule).
    fn idle_wait(&self) -> Duration;

    /// How long to wait before the first pass.
    fn first_wait(&self) -> Duration {
        Duration::ZERO
    }
}

/// The longest wait after failed passes.
const MOST_BACKOFF: Duration = Duration::from_secs(60);

/// Runs `worker` until `shutdown` is cancelled.
pub async fn supervise<W: Worker>(worker: &W, shutdown: CancellationToken) {
    let name = worker.name();
    tracing::info!(worker = name, "started");
    let mut failures: u32 = 0;
    let mut wait = worker.first_wait();
    loop {
        if !wait.is_zero() {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.cancelled() => {}
            }
        }
        if shutdown.is_cancelled() {
            break;
        }
        let pass = worker
            .pass(&shutdown)
            .instrument(tracing::info_span!("pass", worker = name))
            .await;
        wait = match pass {
            Ok(Pass::Busy) => {
                failures = 0;
                Duration::ZERO
            }
            Ok(Pass::Idle) => {
                failures = 0;
                worker.idle_wait()
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                let wait = backoff(worker.idle_wait(), failures);
                tracing::error!(worker = name, error = format!("{e:#}"), retry_in = ?wait, "a pass failed");
                wait
            }
        };
    }
    tracing::info!(worker = name, "stopped");
}

/// After `failures` failed passes in a row: the idle wait, doubled each time, at most a
/// minute (and never less than a second).
fn backoff(idle: Duration, failures: u32) -> Duration {
    let base = idle.max(Duration::from_secs(1));
    base.saturating_mul(2u32.saturating_pow(failures.saturating_sub(1).min(16)))
        .min(MOST_BACKOFF.max(base))
}

/// A count of work done, as a pass.
pub fn busy_if(done: usize) -> Pass {
    if done > 0 {
        Pass::Busy
    } else {
        Pass::Idle
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    /// Fails its first passes, then finds work twice, then nothing.
    struct Scripted {
        passes: AtomicUsize,
        script: Mutex<Vec<anyhow::Result<Pass>>>,
    }

    impl Worker for Scripted {
        fn name(&self) -> &'static str {
            "scripted"
        }

        async fn pass(&self, _: &CancellationToken) -> anyhow::Result<Pass> {
            self.passes.fetch_add(1, Ordering::SeqCst);
            let mut script = self.script.lock().unwrap();
            if script.is_empty() {
                Ok(Pass::Idle)
            } else {
                script.remove(0)
            }
        }

        fn idle_wait(&self) -> Duration {
            Duration::from_secs(5)
        }
    }

    #[test]
    fn failures_back_off_doubling_up_to_a_minute() {
        let idle = Duration::from_secs(5);
        let waits: Vec<u64> = (1..=6).map(|n| backoff(idle, n).as_secs()).collect();
        assert_eq!(waits, [5, 10, 20, 40, 60, 60]);
        assert_eq!(backoff(Duration::from_millis(200), 1), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn busy_passes_follow_at_once_and_failures_wait_longer_each_time() {
        let worker = Scripted {
            passes: AtomicUsize::new(0),
            script: Mutex::new(vec![
                Err(anyhow::anyhow!("the database is down")),
                Err(anyhow::anyhow!("the database is down")),
                Ok(Pass::Busy),
                Ok(Pass::Busy),
            ]),
        };
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        let started = tokio::time::Instant::now();
        let supervised = supervise(&worker, shutdown);
        let watch = async {
            // Failed at 0 s, again at 5 s, then work at 15 s and 15 s, idle at 15 s, 20 s.
            tokio::time::sleep(Duration::from_secs(21)).await;
            stop.cancel();
        };
        tokio::join!(supervised, watch);
        assert_eq!(worker.passes.load(Ordering::SeqCst), 6);
        assert!(started.elapsed() >= Duration::from_secs(21));
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_ends_the_wait_at_once() {
        let worker = Scripted {
            passes: AtomicUsize::new(0),
            script: Mutex::new(Vec::new()),
        };
        let shutdown = CancellationToken::new();
        shutdown.cancel();
        supervise(&worker, shutdown).await;
        assert_eq!(worker.passes.load(Ordering::SeqCst), 0);
    }
}

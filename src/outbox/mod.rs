//! The e-mail sender: takes due e-mails from the outbox (claimed, so that two bot
//! replicas never send the same one), hands each to the `Mailer`, and records how it
//! went. A temporary failure is retried with backoff; a permanent one (or too many
//! temporary ones) marks the message failed and alerts staff. A message is marked sent
//! only after the server took it (tried again while the database is away, so that a
//! restart does not send it twice); after a crash an unsettled claim runs out and the
//! message goes again with the same Message-ID.

pub mod compose;
pub mod mailer;

use crate::config::{OutboxSettings, Transport};
use crate::desk::Sending;
use compose::Sender;
use mailer::{FolderMailer, Mailer, SmtpMailer};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Messages taken per round.
const BATCH: i64 = 20;

/// No message of a round is started later than 5/12 of the claim after it was made
/// (25 s of the default 60): one send may take up to the SMTP timeout (30 s) and must
/// end while the claim still holds, or another replica could take the message and send
/// it a second time. What is left of the round is taken again when its claim runs out.
fn last_start(claim: Duration) -> Duration {
    claim * 5 / 12
}

pub struct EmailSender {
    outbox: Sending,
    mailer: Arc<dyn Mailer>,
    sender: Sender,
    worker: String,
    poll: Duration,
    max_attempts: Option<i64>,
    give_up_after: Duration,
    claim: Duration,
}

impl EmailSender {
    pub fn new(outbox: Sending, mailer: Arc<dyn Mailer>, sender: Sender, settings: &OutboxSettings) -> Self {
        Self {
            outbox,
            mailer,
            sender,
            worker: format!("{}-{}", hostname(), std::process::id()),
            poll: settings.poll,
            max_attempts: settings.max_attempts,
            give_up_after: settings.give_up_after,
            claim: settings.claim,
        }
    }

    /// The same sender under another name (a second replica in one process, in tests).
    pub fn named(mut self, worker: &str) -> Self {
        self.worker = worker.to_string();
        self
    }

    /// The sender the settings describe (SMTP, or the outbox folder in local mode).
    pub fn from_settings(outbox: Sending, settings: &OutboxSettings, inbox_address: &str) -> anyhow::Result<Self> {
        let mailer: Arc<dyn Mailer> = match &settings.transport {
            Transport::Folder(path) => Arc::new(FolderMailer::new(path.clone())),
            Transport::Smtp(smtp) => Arc::new(SmtpMailer::new(smtp)?),
        };
        let sender = Sender::new(&settings.from_name, inbox_address).map_err(anyhow::Error::msg)?;
        Ok(Self::new(outbox, mailer, sender, settings))
    }

    /// Sends what is due now; returns how many messages it settled.
    pub async fn run_once(&self, shutdown: &CancellationToken) -> anyhow::Result<usize> {
        let claimed_at = std::time::Instant::now();
        let due = self
            .outbox
            .claim(crate::domain::Channel::Email, &self.worker, self.claim, BATCH)
            .await?;
        let mut settled = 0;
        for message in due {
            if shutdown.is_cancelled() || claimed_at.elapsed() > last_start(self.claim) {
                // The rest are claimed; the claim runs out and another round takes them.
                break;
            }
            let now = self.outbox.now();
            let composed = compose::compose(&message, &self.sender, now.into());
            let result = match &composed {
                Ok(m) => {
                    self.mailer
                        .send(m, &format!("{:06}-{}", message.id, message.template))
                        .await
                }
                Err(e) => Err(mailer::SendError {
                    permanent: true,
                    text: e.clone(),
                }),
            };
            let health = self.outbox.health();
            match &result {
                Ok(()) => health.report("smtp", true, self.mailer.describe()),
                Err(e) if !e.permanent => health.report("smtp", false, e.text.clone()),
                Err(_) => {}
            }
            match result {
                Ok(()) => self.record_sent(message.id, shutdown).await?,
                Err(e) if e.permanent || self.gives_up(&message, now) => {
                    tracing::error!(id = message.id, error = %e.text, "an e-mail failed for good");
                    self.outbox.email_failed(&message, &e.text).await?;
                }
                Err(e) => {
                    // Staff hear once when a message has waited an hour for the server.
                    let waited = (now - message.created_at).to_std().unwrap_or_default();
                    if waited >= WAITED_TOO_LONG {
                        self.outbox.email_waiting(&message, &e.text).await?;
                    }
                    let wait = retry_delay(message.attempts);
                    tracing::warn!(id = message.id, error = %e.text, retry_in = ?wait, "an e-mail will be tried again");
                    self.outbox.retry(message.id, &e.text, wait).await?;
                }
            }
            settled += 1;
        }
        Ok(settled)
    }

    /// Sends until shutdown, looking for due mail every `outbox.poll_ms`.
    pub async fn run(&self, shutdown: CancellationToken) {
        self.outbox.health().report("smtp", true, self.mailer.describe());
        crate::worker::supervise(self, shutdown).await
    }
}

impl crate::worker::Worker for EmailSender {
    fn name(&self) -> &'static str {
        "e-mail sender"
    }

    async fn pass(&self, shutdown: &CancellationToken) -> anyhow::Result<crate::worker::Pass> {
        Ok(crate::worker::busy_if(self.run_once(shutdown).await?))
    }

    fn idle_wait(&self) -> Duration {
        self.poll
    }
}

impl EmailSender {
    /// Records that the server took the message, trying again while the database is
    /// away (a restart): given up, the message would go a second time once its claim
    /// runs out.
    async fn record_sent(&self, id: i64, shutdown: &CancellationToken) -> Result<(), crate::desk::DeskError> {
        let started = std::time::Instant::now();
        let mut wait = Duration::from_millis(250);
        loop {
            match self.outbox.sent(id).await {
                Ok(()) => return Ok(()),
                Err(e)
                    if e.is_dependency_failure() && started.elapsed() < RECORD_PATIENCE && !shutdown.is_cancelled() =>
                {
                    tracing::warn!(id, error = %e, "an e-mail the server took is not recorded yet: trying again");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(5));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// A temporary failure ends the message's retries only past the time horizon (or
    /// the attempts, when they are capped).
    fn gives_up(&self, message: &crate::domain::OutboxMessage, now: chrono::DateTime<chrono::Utc>) -> bool {
        let waited = (now - message.created_at).to_std().unwrap_or_default();
        waited >= self.give_up_after || self.max_attempts.is_some_and(|max| message.attempts + 1 >= max)
    }
}

/// How long a sender keeps trying to record a message the server took.
const RECORD_PATIENCE: Duration = Duration::from_secs(120);

/// Staff are told of a message that has waited this long for the mail server.
const WAITED_TOO_LONG: Duration = Duration::from_secs(3600);

/// 30 s, 1 min, 2 min, ... up to an hour.
pub fn retry_delay(attempts: i64) -> Duration {
    let exponent = attempts.clamp(0, 7) as u32;
    Duration::from_secs(30 * 2u64.pow(exponent)).min(Duration::from_secs(3600))
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "portbot".into())
}

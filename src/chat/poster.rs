//! Staff posts leave the outbox here: new orders, bill mismatches, rejections, FOC set,
//! alerts, e-mails waiting for a person, the daily digest. A `ChatSink` delivers them
//! (the terminal in local mode; Discord is another sink); a post is marked sent only
//! once the sink took it, retried with backoff otherwise.

use crate::desk::Sending;
use crate::domain::Channel;
use crate::domain::OutboxMessage;
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Where staff posts go.
#[async_trait]
pub trait ChatSink: Send + Sync {
    async fn post(&self, post: &OutboxMessage) -> Result<(), String>;
}

/// Local mode: posts appear in the terminal, between the replies.
pub struct TerminalSink {
    lines: tokio::sync::mpsc::UnboundedSender<String>,
}

impl TerminalSink {
    pub fn new(lines: tokio::sync::mpsc::UnboundedSender<String>) -> Self {
        Self { lines }
    }
}

#[async_trait]
impl ChatSink for TerminalSink {
    async fn post(&self, post: &OutboxMessage) -> Result<(), String> {
        let reference = post.order_ref.as_ref().map(|r| format!(" [{r}]")).unwrap_or_default();
        self.lines
            .send(super::plain(&format!(
                "== staff post{reference}: {}\n{}",
                post.subject, post.body
            )))
            .map_err(|_| "the terminal is closed".to_string())
    }
}

/// Posts given up after this many failed attempts.
const MAX_ATTEMPTS: i64 = 10;

pub struct ChatPoster {
    outbox: Sending,
    sink: Arc<dyn ChatSink>,
    worker: String,
    poll: Duration,
}

impl ChatPoster {
    pub fn new(outbox: Sending, sink: Arc<dyn ChatSink>, poll: Duration) -> Self {
        Self {
            outbox,
            sink,
            worker: format!("chat-{}", std::process::id()),
            poll,
        }
    }

    /// Posts what is due; returns how many posts it settled.
    pub async fn run_once(&self, shutdown: &CancellationToken) -> anyhow::Result<usize> {
        let due = self
            .outbox
            .claim(Channel::Chat, &self.worker, Duration::from_secs(60), 20)
            .await?;
        let mut settled = 0;
        for post in due {
            if shutdown.is_cancelled() {
                break;
            }
            // Posts quote subjects and senders of inbound mail: no control characters.
            let mut shown = post.clone();
            shown.subject = crate::domain::untrusted::printable(&post.subject);
            shown.body = crate::domain::untrusted::printable(&post.body);
            match self.sink.post(&shown).await {
                Ok(()) => self.outbox.sent(post.id).await?,
                Err(e) if post.attempts + 1 >= MAX_ATTEMPTS => self.outbox.post_failed(post.id, &e).await?,
                Err(e) => {
                    let wait = crate::outbox::retry_delay(post.attempts);
                    self.outbox.retry(post.id, &e, wait).await?;
                }
            }
            settled += 1;
        }
        Ok(settled)
    }

    /// Posts until shutdown, looking for due posts every `outbox.poll_ms`.
    pub async fn run(&self, shutdown: CancellationToken) {
        crate::worker::supervise(self, shutdown).await
    }
}

impl crate::worker::Worker for ChatPoster {
    fn name(&self) -> &'static str {
        "chat poster"
    }

    async fn pass(&self, shutdown: &CancellationToken) -> anyhow::Result<crate::worker::Pass> {
        Ok(crate::worker::busy_if(self.run_once(shutdown).await?))
    }

    fn idle_wait(&self) -> Duration {
        self.poll
    }
}

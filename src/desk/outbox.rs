//! The outbox as the sending workers see it: what is due, claimed for a while, and how
//! each message settled (sent, to be tried again, failed with a staff alert, waiting
//! too long for the mail server).

use super::{Desk, DeskError};
use crate::domain::{Channel, OutboxMessage};
use crate::store::{OutboxClaim, Settled, StoreError};
use crate::texts::StaffPost;
use std::time::Duration;

impl Desk {
    /// Due e-mails, claimed for `lease` by `worker`.
    pub async fn claim_emails(
        &self,
        worker: &str,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, DeskError> {
        self.claim(Channel::Email, worker, lease, limit).await
    }

    /// Due staff posts, claimed for `lease` by `worker`.
    pub async fn claim_posts(
        &self,
        worker: &str,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, DeskError> {
        self.claim(Channel::Chat, worker, lease, limit).await
    }

    async fn claim(
        &self,
        channel: Channel,
        worker: &str,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, DeskError> {
        let claim = OutboxClaim {
            channel,
            now: self.clock.now(),
            lease,
            worker: worker.to_string(),
            limit,
        };
        Ok(self.store.claim_outbox(&claim).await?)
    }

    /// A staff post given up (no alert: it would be a post itself).
    pub async fn post_failed(&self, id: i64, error: &str) -> Result<(), DeskError> {
        let settled = Settled::Failed {
            error: error.to_string(),
            alert: None,
            at: self.clock.now(),
        };
        Ok(self.store.settle_outbox(id, settled).await?)
    }

    /// An outbox message (e-mail or post) was delivered.
    pub async fn outbox_sent(&self, id: i64) -> Result<(), DeskError> {
        let at = self.clock.now();
        Ok(self.store.settle_outbox(id, Settled::Sent { at }).await?)
    }

    pub async fn outbox_retry(&self, id: i64, error: &str, wait: Duration) -> Result<(), DeskError> {
        let next = self.clock.now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::minutes(1));
        let settled = Settled::Retry {
            error: error.to_string(),
            next,
        };
        Ok(self.store.settle_outbox(id, settled).await?)
    }

    /// Marks an e-mail failed for good and alerts staff in the same transaction.
    pub async fn email_failed(&self, message: &OutboxMessage, error: &str) -> Result<(), DeskError> {
        let order = match &message.order_ref {
            Some(r) => self.store.order(r).await?,
            None => None,
        };
        let alert = self.post(StaffPost::EmailFailed {
            to: message.to.clone(),
            subject: message.subject.clone(),
            error: error.to_string(),
            order: order.as_ref().map(|o| self.card(o, &[])),
        })?;
        let settled = Settled::Failed {
            error: error.to_string(),
            alert: Some(Box::new(alert)),
            at: self.clock.now(),
        };
        Ok(self.store.settle_outbox(message.id, settled).await?)
    }

    /// Tells staff, once, that an e-mail has waited an hour for the mail server.
    pub async fn email_waiting(&self, message: &OutboxMessage, error: &str) -> Result<(), DeskError> {
        let alert = self.post(StaffPost::EmailWaiting {
            to: message.to.clone(),
            subject: message.subject.clone(),
            error: error.to_string(),
            reference: message.order_ref.clone(),
        })?;
        let key = format!("email-waiting:{}", message.id);
        match self.store.queue_once(&key, &[alert], self.clock.now()).await {
            Ok(()) | Err(StoreError::AlreadyApplied(_)) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn outbox(&self, include_sent: bool) -> Result<Vec<OutboxMessage>, DeskError> {
        Ok(self.store.outbox(include_sent).await?)
    }
}

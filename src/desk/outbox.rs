//! The outbox as the sending workers see it: what is due, claimed for a while, and how
//! each message settled (sent, to be tried again, failed with a staff alert, waiting
//! too long for the mail server).

use super::{Desk, DeskError};
use crate::clock::Clock;
use crate::domain::{Channel, Order, OutboxDraft, OutboxMessage, TimelineEntry, STAFF_CHANNEL};
use crate::health::Health;
use crate::store::{OrderStore, OutboxClaim, OutboxStore, Settled, StoreError};
use crate::texts::{StaffPost, Texts};
use crate::views::{order_card, OrderCard};
use std::sync::Arc;
use std::time::Duration;

/// How the desk writes to the staff channel: every post rendered from its template,
/// orders shown as cards in the desk's time zone.
#[derive(Clone)]
pub struct StaffPosts {
    texts: Arc<Texts>,
    desk_tz: chrono_tz::Tz,
}

impl StaffPosts {
    pub(super) fn new(texts: Arc<Texts>, desk_tz: chrono_tz::Tz) -> Self {
        Self { texts, desk_tz }
    }

    /// The order as staff posts show it, with these timeline entries.
    pub(super) fn card(&self, order: &Order, timeline: &[TimelineEntry]) -> OrderCard {
        order_card(order, timeline.to_vec(), self.desk_tz)
    }

    /// A post for the staff channel.
    pub(super) fn post(&self, post: StaffPost) -> Result<OutboxDraft, DeskError> {
        let rendered = self.texts.post(&post).map_err(DeskError::Text)?;
        Ok(OutboxDraft {
            channel: Channel::Chat,
            to: STAFF_CHANNEL.to_string(),
            template: post.template().to_string(),
            subject: rendered.subject,
            body: rendered.body,
            email: None,
        })
    }
}

/// The outbox as the e-mail sender and the chat poster see it: claim what is due,
/// settle it, alert staff about mail that fails. Nothing else of the desk.
#[derive(Clone)]
pub struct Sending {
    pub(super) store: Arc<dyn OutboxStore>,
    /// The order a failed e-mail was about, for the alert.
    pub(super) orders: Arc<dyn OrderStore>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) posts: StaffPosts,
    pub(super) health: Arc<Health>,
}

impl Sending {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Where the senders say whether their server is up.
    pub fn health(&self) -> &Arc<Health> {
        &self.health
    }

    /// Due messages of `channel`, claimed for `lease` by `worker`.
    pub async fn claim(
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
    pub async fn sent(&self, id: i64) -> Result<(), DeskError> {
        let at = self.clock.now();
        Ok(self.store.settle_outbox(id, Settled::Sent { at }).await?)
    }

    pub async fn retry(&self, id: i64, error: &str, wait: Duration) -> Result<(), DeskError> {
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
            Some(r) => self.orders.order(r).await?,
            None => None,
        };
        let alert = self.posts.post(StaffPost::EmailFailed {
            to: message.to.clone(),
            subject: message.subject.clone(),
            error: error.to_string(),
            order: order.as_ref().map(|o| self.posts.card(o, &[])),
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
        let alert = self.posts.post(StaffPost::EmailWaiting {
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
}

impl Desk {
    pub async fn outbox(&self, include_sent: bool) -> Result<Vec<OutboxMessage>, DeskError> {
        Ok(self.store.outbox(include_sent).await?)
    }
}

//! What an order leaves behind: timeline entries, messages for the outbox, and the key
//! of the inbound message that caused a change.

use super::order_ref::OrderRef;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::fmt;

/// Who or what caused an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Cli,
    Chat(String),
    Email(String),
    Scheduler,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Cli => f.write_str("cli"),
            Source::Chat(user) => write!(f, "chat:{user}"),
            Source::Email(from) => write!(f, "email:{from}"),
            Source::Scheduler => f.write_str("scheduler"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub source: String,
    pub event: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Chat,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Chat => "chat",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "email" => Some(Channel::Email),
            "chat" => Some(Channel::Chat),
            _ => None,
        }
    }
}

/// The staff channel, as the recipient of chat posts.
pub const STAFF_CHANNEL: &str = "staff";

/// A message to send, queued in the same transaction as the change that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxDraft {
    pub channel: Channel,
    pub to: String,
    /// The file under `prompts/` that rendered it, without extension.
    pub template: String,
    pub subject: String,
    pub body: String,
    /// What an e-mail carries beyond its subject and text; `None` for chat posts.
    pub email: Option<EmailParts>,
}

/// Stands for the number of the staff-queue item a post is about, until the store has
/// given the item its number (in the same transaction that saves the post).
pub const INBOX_ITEM_MARK: &str = "\u{2063}inbox-item\u{2063}";

impl OutboxDraft {
    /// The post with the staff-queue item's number in place of `INBOX_ITEM_MARK`.
    pub fn naming_inbox_item(&self, id: i64) -> Self {
        Self {
            subject: self.subject.replace(INBOX_ITEM_MARK, &id.to_string()),
            body: self.body.replace(INBOX_ITEM_MARK, &id.to_string()),
            ..self.clone()
        }
    }
}

/// The rest of an e-mail, fixed when it is queued so that a resend is the same message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EmailParts {
    pub html: String,
    /// `<...>`, ours: it names the order, so replies find it.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// An iCalendar invitation (port day), attached as `port-day.ics`.
    pub calendar: Option<String>,
    /// Not before: the customer's sending window.
    pub send_after: Option<DateTime<Utc>>,
    /// At most this many e-mails to the recipient in 24 hours (`outbox.daily_limit_per_address`),
    /// counted again in the transaction that queues it: two replicas answering the same
    /// contact at once cannot both pass. Not stored: it matters only when queued.
    pub daily_limit: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxStatus {
    Pending,
    Sent,
    Failed,
    /// Taken back before it left: the order changed and the e-mail no longer fit it.
    Withdrawn,
}

impl OutboxStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
            OutboxStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(OutboxStatus::Pending),
            "sent" => Some(OutboxStatus::Sent),
            "failed" => Some(OutboxStatus::Failed),
            "withdrawn" => Some(OutboxStatus::Withdrawn),
            _ => None,
        }
    }
}

/// A queued message as the outbox holds it (the keys of `outbox --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxMessage {
    pub id: i64,
    pub channel: Channel,
    pub to: String,
    pub order_ref: Option<OrderRef>,
    pub template: String,
    pub subject: String,
    #[serde(skip)]
    pub body: String,
    pub status: OutboxStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// When an e-mail may go out (its sending window, or its next attempt).
    pub send_after: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub email: Option<EmailParts>,
}

/// Where an inbound message came from, recorded with its effects so it is applied once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundKey {
    pub mailbox: String,
    pub uidvalidity: i64,
    pub uid: i64,
    pub message_id: String,
}

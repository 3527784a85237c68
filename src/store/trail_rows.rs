//! Rows of what an order leaves behind (its timeline, the outbox's e-mails and posts,
//! the staff queue, its documents) as the database holds them, and their conversion to
//! the domain. Plain data: the same for every backend.

use crate::domain::{
    Channel, DocumentInfo, EmailParts, OrderRef, OutboxMessage, OutboxStatus, StaffItem, StaffItemStatus, TimelineEntry,
};
use anyhow::anyhow;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TimelineRow {
    pub order_id: i64,
    pub at: DateTime<Utc>,
    pub source: String,
    pub event: String,
    pub text: String,
}

impl From<TimelineRow> for TimelineEntry {
    fn from(r: TimelineRow) -> Self {
        TimelineEntry {
            at: r.at,
            source: r.source,
            event: r.event,
            text: r.text,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub order_id: Option<i64>,
    pub template: String,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub html: Option<String>,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub refs: Option<String>,
    pub calendar: Option<String>,
    pub send_after: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
}

impl OutboxRow {
    pub fn into_message(self) -> anyhow::Result<OutboxMessage> {
        Ok(OutboxMessage {
            id: self.id,
            channel: Channel::parse(&self.channel)
                .ok_or_else(|| anyhow!("outbox row {} has channel '{}'", self.id, self.channel))?,
            to: self.recipient,
            order_ref: self.order_id.map(OrderRef::from_number),
            template: self.template,
            subject: self.subject,
            body: self.body,
            status: OutboxStatus::parse(&self.status)
                .ok_or_else(|| anyhow!("outbox row {} has status '{}'", self.id, self.status))?,
            attempts: self.attempts,
            last_error: self.last_error,
            created_at: self.created_at,
            sent_at: self.sent_at,
            send_after: self.next_attempt_at.max(self.send_after),
            email: self.message_id.map(|message_id| EmailParts {
                html: self.html.unwrap_or_default(),
                message_id,
                in_reply_to: self.in_reply_to,
                references: self
                    .refs
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
                calendar: self.calendar,
                send_after: self.send_after,
                daily_limit: None,
            }),
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffItemRow {
    pub id: i64,
    pub message_id: String,
    pub order_id: Option<i64>,
    pub sender: String,
    pub subject: String,
    pub kind: String,
    pub reason: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub resolved_by: Option<String>,
}

impl StaffItemRow {
    pub fn into_item(self, raw: Vec<u8>) -> anyhow::Result<StaffItem> {
        Ok(StaffItem {
            id: self.id,
            status: StaffItemStatus::parse(&self.status)
                .ok_or_else(|| anyhow!("staff queue row {} has status '{}'", self.id, self.status))?,
            message_id: self.message_id,
            order_ref: self.order_id.map(OrderRef::from_number),
            sender: self.sender,
            subject: self.subject,
            kind: self.kind,
            reason: self.reason,
            created_at: self.created_at,
            resolved_by: self.resolved_by,
            raw,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentRow {
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub received_at: DateTime<Utc>,
}

impl From<DocumentRow> for DocumentInfo {
    fn from(r: DocumentRow) -> Self {
        DocumentInfo {
            name: r.name,
            content_type: r.content_type,
            size: r.size,
            received_at: r.received_at,
        }
    }
}

//! What the inbox keeps: each message once (by its place in the mailbox and its
//! Message-ID), the messages handed to a person, and the files messages brought.

use super::journal::InboundKey;
use super::order_ref::OrderRef;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A message as it was recorded: where it came from and what the desk made of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    pub key: InboundKey,
    pub sender: String,
    pub subject: String,
    /// The parser's kind (`foc_confirmed`, `customer_reply`, ...).
    pub kind: String,
    /// What the desk did, in a few words (`applied to PORT-1042`, `handed to staff`).
    pub outcome: String,
    pub received_at: DateTime<Utc>,
}

/// A message that needs a person, kept whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handoff {
    /// The order it is filed on, when the desk knows it.
    pub order: Option<OrderRef>,
    /// Why a person must look, in words staff act on.
    pub reason: String,
    pub raw: Vec<u8>,
}

/// A file a message brought for an order (a bill).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Document {
    /// The content type a file's name says (bills are PDF, text or HTML).
    pub fn content_type_of(name: &str) -> &'static str {
        match name.rsplit('.').next().map(str::to_ascii_lowercase).as_deref() {
            Some("pdf") => "application/pdf",
            Some("txt") => "text/plain",
            Some("html" | "htm") => "text/html",
            _ => "application/octet-stream",
        }
    }
}

/// A stored document, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentInfo {
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub received_at: DateTime<Utc>,
}

/// Where a message waiting for a person stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StaffItemStatus {
    Open,
    Attached,
    Dismissed,
}

impl StaffItemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StaffItemStatus::Open => "open",
            StaffItemStatus::Attached => "attached",
            StaffItemStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Attached, Self::Dismissed]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// A message in the staff queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffItem {
    pub id: i64,
    pub message_id: String,
    pub order_ref: Option<OrderRef>,
    pub sender: String,
    pub subject: String,
    pub kind: String,
    pub reason: String,
    pub status: StaffItemStatus,
    pub created_at: DateTime<Utc>,
    pub resolved_by: Option<String>,
    #[serde(skip)]
    pub raw: Vec<u8>,
}

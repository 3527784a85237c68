//! What one transaction saves: a change to an order, an inbound message with its
//! effects, a staff decision on a queued message.

use crate::domain::{Document, Handoff, InboundMessage, Order, OutboxDraft, StaffItemStatus, TimelineEntry};

/// A saved change to an order: the order as it now is (its `version` is the one it was
/// loaded with), what it adds to the timeline, and what it queues to send.
#[derive(Debug, Clone)]
pub struct OrderChange {
    pub order: Order,
    pub entry: TimelineEntry,
    pub outbox: Vec<OutboxDraft>,
    /// False when the numbers and contacts are as they were (and the order is still as
    /// open as it was): the store then leaves their rows alone.
    pub lines_changed: bool,
    /// A key this change may be saved under once only (a reminder's occurrence): a
    /// second save with it is `AlreadyApplied`, whichever replica tries.
    pub once: Option<String>,
    /// Files saved with the change (a bill staff recorded by hand).
    pub documents: Vec<Document>,
    /// When the order next needs the desk (`domain::attention`); none once it is closed.
    pub attention_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Customer e-mails of these templates still waiting to leave are withdrawn before
    /// the change's own are queued (`customer_mail::withdrawn_by`).
    pub withdraw: Vec<String>,
}

impl OrderChange {
    /// Whether a change from `before` to `after` touches the number and contact rows.
    pub fn lines_differ(before: &Order, after: &Order) -> bool {
        before.numbers != after.numbers
            || before.contacts != after.contacts
            || before.failing_contacts != after.failing_contacts
            || before.languages != after.languages
            || before.state.is_open() != after.state.is_open()
    }
}

/// An inbound message and everything it causes, saved in one transaction with the
/// mailbox checkpoint: the message is then applied, and never again.
#[derive(Debug, Clone)]
pub struct InboundRecord {
    pub message: InboundMessage,
    /// The change to the order it is about, if it changes one.
    pub change: Option<OrderChange>,
    /// Kept for a person, if one must look.
    pub handoff: Option<Handoff>,
    /// Files it brought for the changed order.
    pub documents: Vec<Document>,
    /// Staff posts beside the change's own (about the handoff).
    pub posts: Vec<OutboxDraft>,
    /// Changes to other orders, each with its files (a bill for each of them).
    pub also: Vec<(OrderChange, Vec<Document>)>,
}

/// How far a mailbox has been read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    pub uidvalidity: i64,
    pub last_uid: i64,
}

/// What staff decided about a message in the queue.
#[derive(Debug, Clone)]
pub struct Resolution {
    pub id: i64,
    pub status: StaffItemStatus,
    pub by: String,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The item's message, for the documents it brings.
    pub message_id: String,
    /// Files it brought for the changed order.
    pub documents: Vec<Document>,
    /// The change attaching it made to an order.
    pub change: Option<OrderChange>,
}

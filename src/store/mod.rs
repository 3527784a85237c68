//! Where orders live: a trait per aggregate (`OrderStore`, `InboundStore`,
//! `OutboxStore`, `CustomerStore`, `PortRequestStore`, `MetricsStore`; `Store` is all of
//! them), a SQLite implementation (the embedded default) and a PostgreSQL one, chosen by
//! the database URL's scheme. Every change to
//! an order is saved in one transaction with its timeline entry, its outbox messages
//! and the inbound message that caused it. sqlx types never leave this module.

mod customers;
mod inbound_sql;
mod order_lines;
mod orders_sql;
mod outbox_sql;
mod postgres;
mod records;
mod rows;
mod sql;
mod sqlite;
/// The SQL the store runs (public so that tests can ask each database how it runs it).
pub mod statements;
mod trail_rows;
mod web;
mod web_rows;
mod web_sql;

use crate::domain::{
    Customer, DocumentInfo, EmailAddress, Order, OrderRef, OrderState, OutboxDraft, OutboxMessage, PhoneNumber,
    StaffItem, TimelineEntry,
};
use async_trait::async_trait;
use std::sync::Arc;

pub use postgres::PgStore;
pub use records::{Checkpoint, InboundRecord, OrderChange, Resolution};
pub use sqlite::SqliteStore;
pub use web::{PortDay, StateDay, WebStore};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{number} is already on {reference} ({state}): a number can be on one open order at a time")]
    NumberTaken {
        number: PhoneNumber,
        reference: OrderRef,
        state: OrderState,
    },
    #[error("{0} was changed by someone else meanwhile: try again")]
    Conflict(OrderRef),
    #[error("message {0} was already applied")]
    AlreadyApplied(String),
    #[error("item {0} of the inbox was already handled by someone else")]
    AlreadyResolved(i64),
    #[error("the database failed: {0:#}")]
    Unavailable(#[source] anyhow::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Unavailable(e.into())
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Unavailable(e.into())
    }
}

/// Timeline entries by order.
pub type Timelines = std::collections::HashMap<OrderRef, Vec<TimelineEntry>>;

/// Which orders to list: the newest first, or, cut off by when they were opened or
/// submitted or by a port date passed (stuck orders), the longest waiting first, so
/// that a page holds the most stuck.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub state: Option<OrderState>,
    pub limit: i64,
    /// Only orders opened before this time.
    pub opened_before: Option<chrono::DateTime<chrono::Utc>>,
    /// Only orders submitted before this time.
    pub submitted_before: Option<chrono::DateTime<chrono::Utc>>,
    /// Only orders whose FOC date is one of these two days.
    pub foc_on: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    /// Only orders whose FOC date is before this day.
    pub foc_before: Option<chrono::NaiveDate>,
    /// Only orders whose FOC date is in this range (both days included).
    pub foc_between: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    /// Only orders from this losing carrier (its exact name).
    pub carrier: Option<String>,
    /// Only orders of this customer account.
    pub customer: Option<String>,
    /// Only orders with a number whose route is not confirmed yet.
    pub routing_unconfirmed: bool,
}

/// Orders: opening and saving them (the one write path), reading them and their timelines and files.
#[async_trait]
pub trait OrderStore: Send + Sync {
    /// Hands out the next order reference (PORT-1001 first). A reference reserved but
    /// never used leaves a gap; it is never handed out twice.
    async fn reserve_ref(&self) -> Result<OrderRef, StoreError>;

    /// Saves a new order, refusing numbers already on another open order.
    async fn insert_order(&self, change: OrderChange) -> Result<(), StoreError>;

    /// Saves a change, refusing it when the order moved on since it was loaded.
    async fn save(&self, change: OrderChange) -> Result<(), StoreError>;

    /// An order with its numbers and contacts, in one round trip.
    async fn order(&self, reference: &OrderRef) -> Result<Option<Order>, StoreError>;

    /// An order and what writing to its contacts needs (`mail_history` of all its
    /// contacts and its working ones, since `since`), in one round trip: what the desk
    /// reads for a message that names its order.
    async fn order_with_mail_history(
        &self,
        reference: &OrderRef,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<(Order, MailHistory)>, StoreError>;

    /// Orders that have (or had) this number, open ones first, newest first.
    async fn orders_with_number(&self, number: &PhoneNumber) -> Result<Vec<Order>, StoreError>;

    async fn list_orders(&self, filter: &OrderFilter) -> Result<Vec<Order>, StoreError>;

    /// The timelines of several orders in one query, oldest entry first.
    async fn timelines(&self, references: &[OrderRef]) -> Result<Timelines, StoreError>;

    async fn timeline(&self, reference: &OrderRef) -> Result<Vec<TimelineEntry>, StoreError> {
        let mut all = self.timelines(std::slice::from_ref(reference)).await?;
        Ok(all.remove(reference).unwrap_or_default())
    }

    /// How many changes it saves well at once: 1 for SQLite (one writer at a time),
    /// more for PostgreSQL. A tick attends that many orders at once.
    fn writers(&self) -> usize;

    /// Takes up to `limit` orders whose attention time has come by `now`, earliest
    /// first, and holds them until `until` (their attention time moves there), so that
    /// another replica's tick takes others: what a tick works through, a page at a time.
    async fn claim_attention(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        until: chrono::DateTime<chrono::Utc>,
        limit: i64,
    ) -> Result<Vec<Order>, StoreError>;

    /// Sets when an order next needs the desk, unless it changed since `version` (then the
    /// change set it). True when it was set.
    async fn set_attention(
        &self,
        reference: &OrderRef,
        version: i64,
        at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<bool, StoreError>;

    /// Open orders on which this address is a contact, newest first.
    async fn open_orders_of_contact(&self, address: &EmailAddress) -> Result<Vec<Order>, StoreError>;

    /// The documents stored for an order, oldest first.
    async fn documents(&self, reference: &OrderRef) -> Result<Vec<DocumentInfo>, StoreError>;

    /// For a carrier's recent orders: when each was submitted and when the carrier
    /// confirmed its port date (the FOC), what a status answer's estimate measures.
    async fn carrier_turnarounds(
        &self,
        carrier: &str,
    ) -> Result<Vec<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>, StoreError>;
}

/// Inbound mail: each message recorded once with its effects, the mailboxes' checkpoints, the staff queue.
#[async_trait]
pub trait InboundStore: Send + Sync {
    /// Records an inbound message with its effects and moves the mailbox checkpoint,
    /// in one transaction. `AlreadyApplied` when its key or Message-ID was seen before;
    /// `Conflict` when the order changed since it was loaded (nothing is then saved).
    async fn record_inbound(&self, record: InboundRecord) -> Result<(), StoreError>;

    /// How many messages of `kind` filed on the order wait for a person, queued since `since`.
    async fn open_items_on(
        &self,
        reference: &OrderRef,
        kind: &str,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<i64, StoreError>;

    /// Moves a mailbox's checkpoint forward (never back within one UIDVALIDITY), for a
    /// message that was already applied under another key.
    async fn advance_checkpoint(&self, mailbox: &str, uidvalidity: i64, uid: i64) -> Result<(), StoreError>;

    async fn checkpoint(&self, mailbox: &str) -> Result<Option<Checkpoint>, StoreError>;

    /// The staff queue, oldest first, at most `limit` items: open items only unless
    /// `include_resolved`.
    async fn staff_queue(&self, include_resolved: bool, limit: i64) -> Result<Vec<StaffItem>, StoreError>;

    /// One item of the staff queue with the message as it arrived.
    async fn staff_item(&self, id: i64) -> Result<Option<StaffItem>, StoreError>;

    /// Closes an open item, saving the change attaching it made, in one transaction.
    /// An item someone already closed is `AlreadyResolved`.
    async fn resolve_staff_item(&self, resolution: Resolution) -> Result<(), StoreError>;

    /// What writing to an order's contacts needs, in one round trip: the last message
    /// any of `contacts` sent about the order, and the e-mails queued to each of
    /// `working` since `since` (the flood guard's count).
    async fn mail_history(
        &self,
        reference: &OrderRef,
        contacts: &[EmailAddress],
        working: &[EmailAddress],
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<MailHistory, StoreError>;
}

/// What an order's contacts last said and were lately sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailHistory {
    /// The Message-ID of the last message any contact sent about the order.
    pub last_message: Option<String>,
    /// The e-mails queued to each working contact asked about, in the order asked.
    pub sent_since: Vec<i64>,
}

/// The outbox: messages queued, claimed by a sender for a lease, settled.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Queued messages, oldest first; sent ones too when `include_sent`.
    async fn outbox(&self, include_sent: bool) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Takes up to `limit` messages of `channel` that are due (window open, retry time
    /// reached) and not claimed by anyone, for `lease`: another replica will not take
    /// them meanwhile, and if this one dies they are taken again when the lease ends.
    async fn claim_outbox(&self, claim: &OutboxClaim) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Records how sending went, ending the claim.
    async fn settle_outbox(&self, id: i64, settled: Settled) -> Result<(), StoreError>;

    /// Queues messages not tied to one order (the daily digest) once under `key`:
    /// `AlreadyApplied` when the key was used.
    async fn queue_once(
        &self,
        key: &str,
        drafts: &[OutboxDraft],
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError>;

    /// Whether something was already queued under `key` (a cheap look before building it).
    async fn queued_once(&self, key: &str) -> Result<bool, StoreError>;
}

/// Customer accounts.
#[async_trait]
pub trait CustomerStore: Send + Sync {
    /// Saves a customer account and its contacts as they now are.
    async fn save_customer(&self, customer: &Customer) -> Result<(), StoreError>;

    async fn customer(&self, account: &str) -> Result<Option<Customer>, StoreError>;
}

/// Port requests from the billing portal, answered once each.
#[async_trait]
pub trait PortRequestStore: Send + Sync {
    /// The answer a port request got, if it came before: (body hash, HTTP status, JSON).
    async fn port_request(&self, request_id: &str) -> Result<Option<(String, String)>, StoreError>;

    /// Records a port request with the orders it opens and the messages it queues, in one
    /// transaction: `AlreadyApplied` when the request_id was seen, `NumberTaken` (nothing
    /// saved) when a number is on another open order.
    async fn record_port_request(&self, record: PortRequestRecord) -> Result<(), StoreError>;

    /// The customer's held requests, oldest first: (request_id, what the portal sent).
    async fn held_port_requests(&self, customer: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError>;

    /// Opens a held request's orders (the record's, `status` opened) in one transaction:
    /// `AlreadyApplied` when it is no longer held, `NumberTaken` (nothing saved).
    async fn release_port_request(&self, record: PortRequestRecord) -> Result<(), StoreError>;
}

/// What `/metrics` and `/healthz` count.
#[async_trait]
pub trait MetricsStore: Send + Sync {
    /// How many inbound messages were recorded (all mailboxes).
    async fn inbound_count(&self) -> Result<i64, StoreError>;

    /// Counts for `/metrics`.
    async fn metrics(&self) -> Result<StoreMetrics, StoreError>;
}

/// The whole store, as the desk holds it: every aggregate's trait, and the schema.
#[async_trait]
pub trait Store:
    OrderStore + InboundStore + OutboxStore + CustomerStore + PortRequestStore + MetricsStore + WebStore
{
    /// Creates or upgrades the schema; returns the migrations it applied.
    async fn migrate(&self) -> Result<Vec<String>, StoreError>;
}

/// A portal submission as saved.
#[derive(Debug, Clone)]
pub struct PortRequestRecord {
    pub request_id: String,
    pub customer: String,
    pub body_hash: String,
    /// `opened` or `held`.
    pub status: String,
    /// What the portal was told (JSON), to tell a retry again.
    pub receipt: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
    /// New orders, each with its timeline entry and outbox messages.
    pub orders: Vec<OrderChange>,
    /// Messages not tied to an order (a held request's notices).
    pub outbox: Vec<OutboxDraft>,
    /// What the portal sent, kept while the request is held.
    pub body: Option<Vec<u8>>,
}

/// What `/metrics` reads from the store.
#[derive(Debug, Clone, Default)]
pub struct StoreMetrics {
    pub orders_by_state: Vec<(String, i64)>,
    pub inbound_by_kind: Vec<(String, i64)>,
    /// (channel, status, count)
    pub outbox: Vec<(String, String, i64)>,
    pub reminders_sent: i64,
    pub staff_alerts: i64,
    pub staff_queue_open: i64,
}

impl StoreMetrics {
    /// The metrics from the store's tallies: (metric, label, value) rows.
    pub fn from_tallies(rows: Vec<(String, String, i64)>) -> Self {
        let mut out = Self::default();
        for (metric, label, value) in rows {
            match metric.as_str() {
                "orders" => out.orders_by_state.push((label, value)),
                "inbound" => out.inbound_by_kind.push((label, value)),
                "outbox" => {
                    let (channel, status) = label.split_once(':').unwrap_or((label.as_str(), ""));
                    out.outbox.push((channel.to_string(), status.to_string(), value));
                }
                "timeline" if label == "reminder_sent" => out.reminders_sent = value,
                "timeline" if label == "staff_alerted" => out.staff_alerts = value,
                "staff_queue" if label == "open" => out.staff_queue_open = value,
                _ => {}
            }
        }
        out
    }
}

/// Which outbox rows a sender takes.
#[derive(Debug, Clone)]
pub struct OutboxClaim {
    pub channel: crate::domain::Channel,
    pub now: chrono::DateTime<chrono::Utc>,
    pub lease: std::time::Duration,
    pub worker: String,
    pub limit: i64,
}

/// How sending a message went.
#[derive(Debug, Clone)]
pub enum Settled {
    Sent {
        at: chrono::DateTime<chrono::Utc>,
    },
    /// A temporary failure: try again at `next`.
    Retry {
        error: String,
        next: chrono::DateTime<chrono::Utc>,
    },
    /// A permanent failure, with the staff alert to queue in the same transaction.
    Failed {
        error: String,
        alert: Option<Box<OutboxDraft>>,
        at: chrono::DateTime<chrono::Utc>,
    },
}

/// Opens the store a database URL names: `sqlite://FILE` or `postgres://...`.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    let scheme = url.split(':').next().unwrap_or_default();
    match scheme {
        "sqlite" => Ok(Arc::new(SqliteStore::connect(url).await?)),
        "postgres" | "postgresql" => Ok(Arc::new(PgStore::connect(url).await?)),
        other => Err(StoreError::Unavailable(anyhow::anyhow!(
            "store.url has the scheme '{other}': use sqlite://FILE or postgres://USER@HOST/DB"
        ))),
    }
}

//! Where orders live: one `Store` trait, a SQLite implementation (the embedded
//! default) and a PostgreSQL one, chosen by the database URL's scheme. Every change to
//! an order is saved in one transaction with its timeline entry, its outbox messages
//! and the inbound message that caused it. sqlx types never leave this module.

mod postgres;
mod rows;
mod sql;
mod sqlite;

use crate::domain::{InboundKey, Order, OrderRef, OrderState, OutboxDraft, OutboxMessage, PhoneNumber, TimelineEntry};
use async_trait::async_trait;
use std::sync::Arc;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

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

/// A saved change to an order: the order as it now is (its `version` is the one it was
/// loaded with), what it adds to the timeline, and what it queues to send.
#[derive(Debug, Clone)]
pub struct OrderChange {
    pub order: Order,
    pub entry: TimelineEntry,
    pub outbox: Vec<OutboxDraft>,
    pub inbound: Option<InboundKey>,
}

/// Timeline entries by order.
pub type Timelines = std::collections::HashMap<OrderRef, Vec<TimelineEntry>>;

/// Which orders to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub state: Option<OrderState>,
    pub limit: i64,
}

#[async_trait]
pub trait Store: Send + Sync {
    /// Creates or upgrades the schema; returns the migrations it applied.
    async fn migrate(&self) -> Result<Vec<String>, StoreError>;

    /// Hands out the next order reference (PORT-1001 first). A reference reserved but
    /// never used leaves a gap; it is never handed out twice.
    async fn reserve_ref(&self) -> Result<OrderRef, StoreError>;

    /// Saves a new order, refusing numbers already on another open order.
    async fn insert_order(&self, change: OrderChange) -> Result<(), StoreError>;

    /// Saves a change, refusing it when the order moved on since it was loaded.
    async fn save(&self, change: OrderChange) -> Result<(), StoreError>;

    async fn order(&self, reference: &OrderRef) -> Result<Option<Order>, StoreError>;

    /// Orders that have (or had) this number, open ones first, newest first.
    async fn orders_with_number(&self, number: &PhoneNumber) -> Result<Vec<Order>, StoreError>;

    async fn list_orders(&self, filter: &OrderFilter) -> Result<Vec<Order>, StoreError>;

    /// The timelines of several orders in one query, oldest entry first.
    async fn timelines(&self, references: &[OrderRef]) -> Result<Timelines, StoreError>;

    async fn timeline(&self, reference: &OrderRef) -> Result<Vec<TimelineEntry>, StoreError> {
        let mut all = self.timelines(std::slice::from_ref(reference)).await?;
        Ok(all.remove(reference).unwrap_or_default())
    }

    /// Queued messages, oldest first; sent ones too when `include_sent`.
    async fn outbox(&self, include_sent: bool) -> Result<Vec<OutboxMessage>, StoreError>;
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

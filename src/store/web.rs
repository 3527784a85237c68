//! `WebStore`: what the web board keeps and reads beyond orders (its SQL: `web_sql.rs`).

use super::StoreError;
use crate::domain::staff::{CarrierTurn, StaffAccount, WebSession};
use crate::domain::{DocumentInfo, OrderRef, OutboxMessage};
use async_trait::async_trait;

/// One day's moves into and out of a state (the board's "orders per state" chart).
#[derive(Debug, Clone)]
pub struct StateDay {
    pub day: chrono::NaiveDate,
    pub state: String,
    pub entered: i64,
    pub exited: i64,
}

/// An open order on the port-day calendar: only what its cell shows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PortDay {
    #[serde(rename = "reference")]
    pub order: String,
    pub customer: String,
    pub state: String,
    pub foc_date: chrono::NaiveDate,
    /// A live number has no route yet.
    pub routing_unconfirmed: bool,
}

/// What the web board keeps and reads beyond orders.
#[async_trait]
pub trait WebStore: Send + Sync {
    /// Adds the account, or gives it a new password and role (ending its sessions).
    async fn save_staff_account(&self, account: &StaffAccount) -> Result<(), StoreError>;
    async fn staff_account(&self, name: &str) -> Result<Option<StaffAccount>, StoreError>;
    async fn staff_accounts(&self) -> Result<Vec<StaffAccount>, StoreError>;
    async fn open_session(&self, session: &WebSession) -> Result<(), StoreError>;
    /// The session with this id hash and its account, while it has not expired at `now`.
    async fn session(
        &self,
        id_hash: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<(WebSession, StaffAccount)>, StoreError>;
    async fn close_session(&self, id_hash: &str) -> Result<(), StoreError>;
    /// The order's e-mails and posts, newest first.
    async fn order_emails(&self, reference: &OrderRef, limit: i64) -> Result<Vec<OutboxMessage>, StoreError>;
    /// The order's `index`th document (0: the oldest) with its bytes.
    async fn document(&self, reference: &OrderRef, index: i64) -> Result<Option<(DocumentInfo, Vec<u8>)>, StoreError>;
    /// Open orders (submitted, rejected, FOC confirmed) with a port date from `first` to
    /// `last`, by date, at most `limit`.
    async fn port_days(
        &self,
        first: chrono::NaiveDate,
        last: chrono::NaiveDate,
        limit: i64,
    ) -> Result<Vec<PortDay>, StoreError>;
    /// Each day's moves between states since `since`, oldest first.
    async fn state_days(&self, since: chrono::NaiveDate) -> Result<Vec<StateDay>, StoreError>;
    /// The desk's newest `limit` FOC confirmations and completions, by order.
    async fn carrier_history(&self, limit: i64) -> Result<Vec<CarrierTurn>, StoreError>;
}

//! What can go wrong at the desk, each said so that the reader knows what to do.

use crate::domain::{NotAllowed, OrderRef, RequestError};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("{0} does not exist: check the reference (`list` shows the latest orders)")]
    UnknownOrder(OrderRef),
    #[error("inbox #{0} does not exist: `inbox` lists the e-mails waiting for a person")]
    UnknownInboxItem(i64),
    #[error("inbox #{0} is already {1}: nothing to do")]
    InboxItemClosed(i64, &'static str),
    #[error("inbox #{0} is not filed on an order: name one, e.g. `inbox attach {0} PORT-1042`")]
    AttachNeedsOrder(i64),
    #[error("no customer account {0}: add it with `customer add {0} company=\"...\"`")]
    UnknownCustomer(String),
    #[error("customer account {0} already exists: `customer show {0}`")]
    CustomerExists(String),
    #[error("{0}")]
    BadCustomer(String),
    #[error("{0} is not onboarded yet: `customer onboard {0}` first (orders open only for onboarded customers)")]
    NotOnboarded(String),
    #[error("{0} waits for nothing from the customer: {1}")]
    NothingToRemind(OrderRef, String),
    #[error("{0} could not be read: {1}")]
    Unreadable(String, String),
    #[error("no order has the number {0}")]
    NoOrderForNumber(String),
    #[error(transparent)]
    Request(#[from] RequestError),
    #[error(transparent)]
    NotAllowed(#[from] NotAllowed),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a text could not be rendered: {0:#}")]
    Text(anyhow::Error),
}

impl DeskError {
    /// A failure of something the desk depends on (the database), not of the input.
    pub fn is_dependency_failure(&self) -> bool {
        matches!(self, DeskError::Store(StoreError::Unavailable(_)) | DeskError::Text(_))
    }
}

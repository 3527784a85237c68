//! Held port requests opened on onboarding: a request that came before its customer was
//! onboarded is kept whole (the customer was told "you do not need to send it again");
//! `customer onboard` opens its orders, with the acknowledgement, and staff hear what
//! opened and what could not.

use super::intake::{IntakeAnswer, Refusal};
use super::{Desk, DeskError};
use crate::domain::intake::{self, IntakeForm};
use crate::domain::Customer;
use crate::store::StoreError;
use crate::texts::StaffPost;
use sha2::{Digest, Sha256};

impl Desk {
    /// Opens the orders of every request held for `customer` (just onboarded), each in
    /// its own transaction; one staff post tells what became of them.
    pub(super) async fn release_held(&self, customer: &Customer) -> Result<(), DeskError> {
        let held = self.store.held_port_requests(&customer.account).await?;
        if held.is_empty() {
            return Ok(());
        }
        let mut lines = Vec::new();
        for (request_id, body) in held {
            let outcome = self.release_one(customer, &body).await?;
            lines.push(format!("{request_id}: {outcome}"));
        }
        let now = self.clock.now();
        let post = self.post(StaffPost::HeldReleased {
            account: customer.account.clone(),
            lines,
        })?;
        let key = format!("held-released:{}:{}", customer.account, now.timestamp_micros());
        match self.store.queue_once(&key, &[post], now).await {
            Ok(()) | Err(StoreError::AlreadyApplied(_)) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// What became of one held request: its orders, or why it is still held.
    async fn release_one(&self, customer: &Customer, body: &[u8]) -> Result<String, DeskError> {
        let still = |why: String| Ok(format!("still held: {why}"));
        let form: IntakeForm = match serde_json::from_slice(body) {
            Ok(form) => form,
            Err(e) => return still(format!("it cannot be read again ({e})")),
        };
        let intake = match intake::read(&form, customer) {
            Ok(intake) => intake,
            Err(problems) => return still(problems.join("; ")),
        };
        let hash = format!("{:x}", Sha256::digest(body));
        let (mut record, receipt) = match self.opening(&intake, customer, &hash).await? {
            Ok(opened) => opened,
            Err(IntakeAnswer::Refused(refusal)) => return still(refused(refusal)),
            Err(IntakeAnswer::Taken { .. }) => return still("it was taken already".into()),
        };
        record.received_at = self.clock.now();
        match self.store.release_port_request(record).await {
            Ok(()) => {
                let refs: Vec<&str> = receipt.orders.iter().map(|o| o.reference.as_str()).collect();
                Ok(format!("opened {}; the customer is told", refs.join(", ")))
            }
            Err(StoreError::AlreadyApplied(_)) => Ok("opened already".into()),
            Err(StoreError::NumberTaken { number, reference, .. }) => still(format!(
                "{} is already on {reference}: open the rest by hand",
                number.pretty()
            )),
            Err(e) => Err(e.into()),
        }
    }
}

/// Why a held request cannot open, as staff read it.
fn refused(refusal: Refusal) -> String {
    match refusal {
        Refusal::Unreadable(problems) => problems.join("; "),
        Refusal::UnknownCustomer(why) | Refusal::RequestIdReused(why) => why,
        Refusal::NumberTaken {
            number,
            reference,
            state,
        } => format!(
            "{} is already on {reference} ({}): open the rest by hand",
            number.pretty(),
            state.as_str()
        ),
    }
}

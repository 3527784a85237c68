//! A port request from the billing portal at the desk: read (every problem listed),
//! answered once per request_id (a retry gets the same answer and opens nothing), held
//! when the customer is not onboarded, else split into its orders, which open together
//! with the customer's acknowledgement and the staff posts in one transaction, or not
//! at all.

use super::{Desk, DeskError};
use crate::domain::intake::{self, Intake, IntakeForm};
use crate::domain::{
    Channel, Customer, EmailParts, Order, OrderRef, OrderState, OutboxDraft, PhoneNumber, TimelineEntry,
};
use crate::store::{OrderChange, PortRequestRecord, StoreError};
use crate::texts::{AcknowledgedOrder, Acknowledgement, HeldRequest, StaffPost};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What the desk made of a port request (the API says it in HTTP).
#[derive(Debug, Clone, PartialEq)]
pub enum IntakeAnswer {
    /// Opened or held: the receipt, the first time or again for a retry (`replayed`).
    Taken {
        receipt: Receipt,
        replayed: bool,
    },
    Refused(Refusal),
}

/// Why a port request was not taken.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// It cannot be read, or it is incomplete: every problem, each saying what to fix.
    Unreadable(Vec<String>),
    UnknownCustomer(String),
    /// The request_id was already used for a different request.
    RequestIdReused(String),
    /// A number is already on an open order.
    NumberTaken {
        number: PhoneNumber,
        reference: OrderRef,
        state: OrderState,
    },
}

/// What the portal is told of a request taken, kept to be told again to a retry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub request_id: String,
    pub status: ReceiptStatus,
    pub orders: Vec<ReceiptOrder>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_total: Option<f64>,
    /// What happens next, in the customer's steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Why it is held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReceiptStatus {
    Opened,
    Held,
}

impl ReceiptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Opened => "opened",
            Self::Held => "held",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceiptOrder {
    #[serde(rename = "ref")]
    pub reference: String,
    pub carrier: String,
    pub kind: String,
    pub numbers: Vec<String>,
    pub fee_total: f64,
}

/// The receipt of a request that opened `orders`.
fn opened(intake: &Intake, orders: &[Order]) -> Receipt {
    let fee: i64 = orders.iter().map(|o| o.fee_total_cents()).sum();
    Receipt {
        request_id: intake.request_id.clone(),
        status: ReceiptStatus::Opened,
        orders: orders.iter().map(receipt_order).collect(),
        fee_total: Some(fee as f64 / 100.0),
        next: Some(
            "the customer signs the e-LOA and sends the latest bill; the carrier confirms a date in 3-14 business days"
                .into(),
        ),
        reason: None,
    }
}

fn unreadable(problems: Vec<String>) -> IntakeAnswer {
    IntakeAnswer::Refused(Refusal::Unreadable(problems))
}

impl Desk {
    /// Takes the body the portal posted.
    #[tracing::instrument(name = "port_request", skip_all, fields(bytes = body.len()))]
    pub async fn take_port_request(&self, body: &[u8]) -> Result<IntakeAnswer, DeskError> {
        let form: IntakeForm = match serde_json::from_slice(body) {
            Ok(form) => form,
            Err(e) => return Ok(unreadable(vec![format!("the body is not the port request JSON: {e}")])),
        };
        let (request_id, account) = match intake::ids(&form) {
            Ok(ids) => ids,
            Err(problems) => return Ok(unreadable(problems)),
        };
        let hash = format!("{:x}", Sha256::digest(body));
        if let Some(answer) = self.replay(&request_id, &hash).await? {
            return Ok(answer);
        }
        let Some(customer) = self.store.customer(&account).await? else {
            let why = format!("no customer account {account}: staff add it with `customer add {account} ...`");
            return Ok(IntakeAnswer::Refused(Refusal::UnknownCustomer(why)));
        };
        let intake = match intake::read(&form, &customer) {
            Ok(i) => i,
            Err(problems) => return Ok(unreadable(problems)),
        };
        let (record, receipt) = if customer.onboarded {
            match self.opening(&intake, &customer, &hash).await? {
                Ok(opened) => opened,
                Err(answer) => return Ok(answer),
            }
        } else {
            self.holding(&intake, &customer, &hash, body)?
        };
        match self.store.record_port_request(record).await {
            Ok(()) => Ok(IntakeAnswer::Taken {
                receipt,
                replayed: false,
            }),
            // The same request raced in twice: the first one's answer stands.
            Err(StoreError::AlreadyApplied(_)) => {
                Ok(self.replay(&request_id, &hash).await?.unwrap_or(IntakeAnswer::Taken {
                    receipt,
                    replayed: true,
                }))
            }
            Err(StoreError::NumberTaken {
                number,
                reference,
                state,
            }) => Ok(IntakeAnswer::Refused(Refusal::NumberTaken {
                number,
                reference,
                state,
            })),
            Err(e) => Err(e.into()),
        }
    }

    /// The answer a request_id already got; a different body under it is a conflict.
    async fn replay(&self, request_id: &str, hash: &str) -> Result<Option<IntakeAnswer>, DeskError> {
        let Some((seen_hash, receipt)) = self.store.port_request(request_id).await? else {
            return Ok(None);
        };
        if seen_hash != hash {
            let why =
                format!("request_id {request_id} was already used for a different request: send a new request_id");
            return Ok(Some(IntakeAnswer::Refused(Refusal::RequestIdReused(why))));
        }
        let receipt: Receipt = serde_json::from_str(&receipt).map_err(|e| {
            DeskError::Store(StoreError::Unavailable(anyhow::anyhow!(
                "a stored receipt cannot be read: {e}"
            )))
        })?;
        Ok(Some(IntakeAnswer::Taken {
            receipt,
            replayed: true,
        }))
    }

    /// The orders to open, or the answer that says why not.
    pub(super) async fn opening(
        &self,
        intake: &Intake,
        customer: &Customer,
        hash: &str,
    ) -> Result<Result<(PortRequestRecord, Receipt), IntakeAnswer>, DeskError> {
        let now = self.clock.now();
        let problems = intake.problems();
        if !problems.is_empty() {
            return Ok(Err(unreadable(problems)));
        }
        let mut orders: Vec<Order> = Vec::new();
        for request in intake.orders.clone() {
            let reference = self.store.reserve_ref().await?;
            orders.push(request.open(reference, now)?);
        }
        let mut changes = Vec::new();
        for (i, order) in orders.iter().enumerate() {
            let entry = TimelineEntry {
                at: now,
                source: format!("portal:{}", intake.request_id),
                event: "opened".into(),
                text: format!(
                    "opened from portal request {} by {}: {} number(s) from {}",
                    intake.request_id,
                    intake.submitted_by,
                    order.numbers.len(),
                    order.carrier
                ),
            };
            let card = self.card(order, std::slice::from_ref(&entry));
            let mut outbox = vec![self.post(StaffPost::NewOrder { order: card })?];
            if i == 0 {
                outbox.push(self.acknowledgement(intake, customer, &orders, now)?);
            }
            changes.push(OrderChange {
                documents: Vec::new(),
                attention_at: self.attention(order, now),
                order: order.clone(),
                entry,
                outbox,
                lines_changed: true,
                once: None,
                withdraw: Vec::new(),
            });
        }
        let receipt = opened(intake, &orders);
        let record = record(intake, customer, hash, &receipt, now, changes, Vec::new())?;
        Ok(Ok((record, receipt)))
    }

    /// A request from a customer who is not onboarded: kept, staff and customer told.
    fn holding(
        &self,
        intake: &Intake,
        customer: &Customer,
        hash: &str,
        body: &[u8],
    ) -> Result<(PortRequestRecord, Receipt), DeskError> {
        let now = self.clock.now();
        let count: usize = intake.orders.iter().map(|o| o.numbers.len()).sum();
        let held = HeldRequest {
            request_id: intake.request_id.clone(),
            account: customer.account.clone(),
            company: customer.company.clone(),
            count,
            submitted_by: intake.submitted_by.to_string(),
        };
        let language = customer.language_of(&intake.submitted_by).unwrap_or_default();
        let template = format!("email/{}/request_held", language.as_str());
        let mail = self.texts.message(&template, &held).map_err(DeskError::Text)?;
        let html = self
            .texts
            .html_page(&mail.subject, &mail.body, "", language)
            .map_err(DeskError::Text)?;
        let nonce = format!("{:x}", Sha256::digest(format!("{}{hash}", intake.request_id)));
        let reason = format!(
            "{} is not onboarded yet: the request is held and staff will contact the customer",
            customer.account
        );
        let receipt = Receipt {
            request_id: intake.request_id.clone(),
            status: ReceiptStatus::Held,
            orders: Vec::new(),
            fee_total: None,
            next: None,
            reason: Some(reason),
        };
        let outbox = vec![
            self.post(StaffPost::RequestHeld(held))?,
            OutboxDraft {
                channel: Channel::Email,
                to: intake.submitted_by.to_string(),
                template: "request_held".into(),
                subject: mail.subject,
                body: mail.body,
                email: Some(EmailParts {
                    html,
                    message_id: format!("<request.{}@{}>", &nonce[..24], self.mail.ids.domain()),
                    ..EmailParts::default()
                }),
            },
        ];
        let mut record = record(intake, customer, hash, &receipt, now, Vec::new(), outbox)?;
        // Kept whole: onboarding the customer opens its orders (`held.rs`).
        record.body = Some(body.to_vec());
        Ok((record, receipt))
    }

    /// The customer's acknowledgement of the orders a request opened.
    fn acknowledgement(
        &self,
        intake: &Intake,
        customer: &Customer,
        orders: &[Order],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<OutboxDraft, DeskError> {
        let language = customer.language_of(&intake.submitted_by).unwrap_or_default();
        let mut carriers: Vec<&str> = orders.iter().map(|o| o.carrier.as_str()).collect();
        carriers.dedup();
        let fee: i64 = orders.iter().map(|o| o.fee_total_cents()).sum();
        let context = Acknowledgement {
            request_id: intake.request_id.clone(),
            company: customer.company.clone(),
            count: orders.iter().map(|o| o.numbers.len()).sum(),
            orders: orders
                .iter()
                .map(|o| AcknowledgedOrder {
                    reference: o.reference.to_string(),
                    carrier: o.carrier.clone(),
                    kind: o.kind.as_str(),
                    numbers: o.numbers.iter().map(|n| n.number.pretty()).collect(),
                    missing: o.missing_details().into_iter().map(|(key, _)| key).collect(),
                    status_page: self
                        .mail
                        .status_pages
                        .as_ref()
                        .map(|p| p.url(&o.reference, language, now)),
                })
                .collect(),
            carriers: carriers.join(" / "),
            estimate: format!("{}–{}", self.mail.default_estimate.0, self.mail.default_estimate.1),
            fee_total: format!("${:.2}", fee as f64 / 100.0),
            temporary_numbers: intake.wants_temporary_numbers,
            temporary_list: customer.temporary_numbers.iter().map(|n| n.pretty()).collect(),
        };
        let template = format!("email/{}/acknowledgement", language.as_str());
        let rendered = self.texts.message(&template, &context).map_err(DeskError::Text)?;
        let html = self
            .texts
            .html_page(&rendered.subject, &rendered.body, "", language)
            .map_err(DeskError::Text)?;
        let first = &orders[0].reference;
        let nonce = format!(
            "{:x}",
            Sha256::digest(format!(
                "{}{}",
                intake.request_id,
                now.timestamp_nanos_opt().unwrap_or_default()
            ))
        );
        Ok(OutboxDraft {
            channel: Channel::Email,
            to: intake.submitted_by.to_string(),
            template: "acknowledgement".into(),
            subject: rendered.subject,
            body: rendered.body,
            email: Some(EmailParts {
                html,
                // The customer just asked: the answer goes at once, whatever the hour.
                message_id: self.mail.ids.for_order(first, &nonce[..16]),
                ..EmailParts::default()
            }),
        })
    }
}

fn receipt_order(order: &Order) -> ReceiptOrder {
    ReceiptOrder {
        reference: order.reference.to_string(),
        carrier: order.carrier.clone(),
        kind: order.kind.as_str().to_string(),
        numbers: order.numbers.iter().map(|n| n.number.e164()).collect(),
        fee_total: order.fee_total_cents() as f64 / 100.0,
    }
}

/// The request as saved: its receipt, its new orders, its messages.
fn record(
    intake: &Intake,
    customer: &Customer,
    hash: &str,
    receipt: &Receipt,
    now: chrono::DateTime<chrono::Utc>,
    orders: Vec<OrderChange>,
    outbox: Vec<OutboxDraft>,
) -> Result<PortRequestRecord, DeskError> {
    let receipt_text = serde_json::to_string(receipt).map_err(|e| {
        DeskError::Store(StoreError::Unavailable(anyhow::anyhow!(
            "a receipt cannot be written: {e}"
        )))
    })?;
    Ok(PortRequestRecord {
        request_id: intake.request_id.clone(),
        customer: customer.account.clone(),
        body_hash: hash.to_string(),
        status: receipt.status.as_str().into(),
        receipt: receipt_text,
        received_at: now,
        orders,
        outbox,
        body: None,
    })
}

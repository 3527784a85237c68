//! A port request from the billing portal at the desk: read (every problem listed),
//! answered once per request_id (a retry gets the same answer and opens nothing), held
//! when the customer is not onboarded, else split into its orders, which open together
//! with the customer's acknowledgement and the staff posts in one transaction, or not
//! at all.

use super::{Desk, DeskError};
use crate::domain::intake::{self, Intake, IntakeForm};
use crate::domain::{Channel, Customer, EmailParts, Order, OutboxDraft, TimelineEntry, STAFF_CHANNEL};
use crate::store::{OrderChange, PortRequestRecord, StoreError};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The HTTP answer to a port request.
#[derive(Debug, Clone, PartialEq)]
pub struct IntakeAnswer {
    pub status: u16,
    pub body: Value,
}

impl IntakeAnswer {
    fn problems(status: u16, error: &str, problems: Vec<String>) -> Self {
        Self {
            status,
            body: json!({ "error": error, "problems": problems }),
        }
    }
}

impl Desk {
    /// Takes the body the portal posted.
    pub async fn take_port_request(&self, body: &[u8]) -> Result<IntakeAnswer, DeskError> {
        let form: IntakeForm = match serde_json::from_slice(body) {
            Ok(form) => form,
            Err(e) => {
                let why = format!("the body is not the port request JSON: {e}");
                return Ok(IntakeAnswer::problems(400, "bad request", vec![why]));
            }
        };
        let (request_id, account) = match intake::ids(&form) {
            Ok(ids) => ids,
            Err(problems) => return Ok(IntakeAnswer::problems(400, "bad request", problems)),
        };
        let hash = format!("{:x}", Sha256::digest(body));
        if let Some(answer) = self.replay(&request_id, &hash).await? {
            return Ok(answer);
        }
        let Some(customer) = self.store.customer(&account).await? else {
            let why = format!("no customer account {account}: staff add it with `customer add {account} ...`");
            return Ok(IntakeAnswer::problems(404, "unknown customer", vec![why]));
        };
        let intake = match intake::read(&form, &customer) {
            Ok(i) => i,
            Err(problems) => return Ok(IntakeAnswer::problems(400, "bad request", problems)),
        };
        let record = if customer.onboarded {
            match self.opening(&intake, &customer, &hash).await? {
                Ok(record) => record,
                Err(answer) => return Ok(answer),
            }
        } else {
            self.holding(&intake, &customer, &hash)?
        };
        let answer = IntakeAnswer {
            status: record.http_status as u16,
            body: serde_json::from_str(&record.response).unwrap_or(Value::Null),
        };
        match self.store.record_port_request(record).await {
            Ok(()) => Ok(answer),
            // The same request raced in twice: the first one's answer stands.
            Err(StoreError::AlreadyApplied(_)) => Ok(self.replay(&request_id, &hash).await?.unwrap_or(answer)),
            Err(StoreError::NumberTaken {
                number,
                reference,
                state,
            }) => Ok(IntakeAnswer {
                status: 409,
                body: json!({
                    "error": "number already on an open order",
                    "problems": [format!("{} is already on {reference} ({state}): a number can be on one open order at a time", number.pretty())],
                    "number": number.e164(),
                    "order": reference.to_string(),
                }),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// The answer a request_id already got; a different body under it is a conflict.
    async fn replay(&self, request_id: &str, hash: &str) -> Result<Option<IntakeAnswer>, DeskError> {
        let Some((seen_hash, status, response)) = self.store.port_request(request_id).await? else {
            return Ok(None);
        };
        if seen_hash != hash {
            let why =
                format!("request_id {request_id} was already used for a different request: send a new request_id");
            return Ok(Some(IntakeAnswer::problems(409, "request_id reused", vec![why])));
        }
        let mut body: Value = serde_json::from_str(&response).unwrap_or(Value::Null);
        body["replayed"] = json!(true);
        Ok(Some(IntakeAnswer {
            status: if status == 201 { 200 } else { status as u16 },
            body,
        }))
    }

    /// The orders to open, or the answer that says why not.
    async fn opening(
        &self,
        intake: &Intake,
        customer: &Customer,
        hash: &str,
    ) -> Result<Result<PortRequestRecord, IntakeAnswer>, DeskError> {
        let now = self.clock.now();
        let mut problems = Vec::new();
        for request in &intake.orders {
            if let Err(e) = request.check() {
                // Named by the start of its carrier: the carrier may be what is too long.
                let carrier: String = request.carrier.chars().take(40).collect();
                problems.push(format!("{carrier}: {e}"));
            }
        }
        if !problems.is_empty() {
            return Ok(Err(IntakeAnswer::problems(400, "bad request", problems)));
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
            let mut outbox = vec![self.staff_post("chat/new_order", order, std::slice::from_ref(&entry))?];
            if i == 0 {
                outbox.push(self.acknowledgement(intake, customer, &orders, now)?);
            }
            changes.push(OrderChange {
                documents: Vec::new(),
                order: order.clone(),
                entry,
                outbox,
                lines_changed: true,
                once: None,
            });
        }
        let fee: i64 = orders.iter().map(|o| o.fee_total_cents()).sum();
        let response = json!({
            "request_id": intake.request_id,
            "status": "opened",
            "orders": orders.iter().map(|o| json!({
                "ref": o.reference.to_string(),
                "carrier": o.carrier,
                "kind": o.kind.as_str(),
                "numbers": o.numbers.iter().map(|n| n.number.e164()).collect::<Vec<_>>(),
                "fee_total": o.fee_total_cents() as f64 / 100.0,
            })).collect::<Vec<_>>(),
            "fee_total": fee as f64 / 100.0,
            "next": "the customer signs the e-LOA and sends the latest bill; the carrier confirms a date in 3-14 business days",
        });
        Ok(Ok(PortRequestRecord {
            request_id: intake.request_id.clone(),
            customer: customer.account.clone(),
            body_hash: hash.to_string(),
            status: "opened".into(),
            http_status: 201,
            response: response.to_string(),
            received_at: now,
            orders: changes,
            outbox: Vec::new(),
        }))
    }

    /// A request from a customer who is not onboarded: kept, staff and customer told.
    fn holding(&self, intake: &Intake, customer: &Customer, hash: &str) -> Result<PortRequestRecord, DeskError> {
        let now = self.clock.now();
        let count: usize = intake.orders.iter().map(|o| o.numbers.len()).sum();
        let context = minijinja::context! {
            request_id => intake.request_id, account => customer.account, company => customer.company,
            count => count, submitted_by => intake.submitted_by.to_string(),
        };
        let post = self
            .texts
            .message("chat/request_held", &context)
            .map_err(DeskError::Text)?;
        let language = customer.language_of(&intake.submitted_by).unwrap_or_default();
        let template = format!("email/{}/request_held", language.as_str());
        let mail = self.texts.message(&template, &context).map_err(DeskError::Text)?;
        let html = self
            .texts
            .html_page(&mail.subject, &mail.body, "", language)
            .map_err(DeskError::Text)?;
        let nonce = format!("{:x}", Sha256::digest(format!("{}{hash}", intake.request_id)));
        let reason = format!(
            "{} is not onboarded yet: the request is held and staff will contact the customer",
            customer.account
        );
        let response = json!({ "request_id": intake.request_id, "status": "held", "orders": [], "reason": reason });
        Ok(PortRequestRecord {
            request_id: intake.request_id.clone(),
            customer: customer.account.clone(),
            body_hash: hash.to_string(),
            status: "held".into(),
            http_status: 202,
            response: response.to_string(),
            received_at: now,
            orders: Vec::new(),
            outbox: vec![
                OutboxDraft {
                    channel: Channel::Chat,
                    to: STAFF_CHANNEL.to_string(),
                    template: "chat/request_held".into(),
                    subject: post.subject,
                    body: post.body,
                    email: None,
                },
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
            ],
        })
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
        let context = minijinja::context! {
            request_id => intake.request_id,
            company => customer.company,
            count => orders.iter().map(|o| o.numbers.len()).sum::<usize>(),
            orders => orders.iter().map(|o| minijinja::context! {
                reference => o.reference.to_string(), carrier => o.carrier, kind => o.kind.as_str(),
                numbers => o.numbers.iter().map(|n| n.number.pretty()).collect::<Vec<_>>(),
            }).collect::<Vec<_>>(),
            carriers => carriers.join(" / "),
            estimate => format!("{}–{}", self.mail.default_estimate.0, self.mail.default_estimate.1),
            fee_total => format!("${:.2}", fee as f64 / 100.0),
            temporary_numbers => intake.wants_temporary_numbers,
            temporary_list => customer.temporary_numbers.iter().map(|n| n.pretty()).collect::<Vec<_>>(),
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

//! Bills filed by what they are. A reply to one order's mail may carry another
//! carrier's bill, or one bill for each order a request opened: each bill goes to the
//! customer's open order it fits (`inbound::order_for_bill`), all in the message's one
//! transaction, and a bill that fits none, or several alike, goes to a person. Every
//! bill the desk takes (mailed, attached from the queue, or recorded by staff) carries
//! the age limit in force (`desk.bill_max_age_days`).

use super::email::LetterContext;
use super::letter::Letter;
use super::Outcome;
use super::{Desk, DeskError};
use crate::auth::Authentication;
use crate::domain::inbound::{order_for_bill, plan, Match, Sender, Taken};
use crate::domain::{Bill, Document, Event, Handoff, Order, OrderRef, Source};
use crate::parse::classify::Kind;
use crate::store::{InboundRecord, OrderChange};
use chrono::{DateTime, Utc};

impl Desk {
    /// A bill that came another way than by e-mail: a file (PDF, text or HTML) on this
    /// machine, or its text pasted in. Read like an attached bill, checked against the
    /// order, and kept with it.
    pub async fn record_bill(
        &self,
        reference: &OrderRef,
        file_or_text: &str,
        source: Source,
    ) -> Result<Outcome, DeskError> {
        let path = std::path::Path::new(file_or_text.trim());
        let is_file = ["pdf", "txt", "html", "htm"]
            .iter()
            .any(|x| path.extension().is_some_and(|e| e.eq_ignore_ascii_case(x)))
            && path.is_file();
        let (name, bytes) = if is_file {
            let bytes =
                std::fs::read(path).map_err(|e| DeskError::Unreadable(path.display().to_string(), e.to_string()))?;
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            (name, bytes)
        } else {
            ("bill.txt".to_string(), file_or_text.as_bytes().to_vec())
        };
        let reading = crate::parse::parse_file_bytes(&name, &bytes);
        let bill = reading
            .invoice
            // A bill names the account: its number, its main number or its address.
            .filter(|b| b.account_number.is_some() || b.btn.is_some() || b.service_address.is_some())
            .ok_or_else(|| {
                DeskError::Unreadable(
                    name.clone(),
                    "no bill could be read from it: give a bill's PDF or text, or enter the details with `set`".into(),
                )
            })?;
        let document = crate::domain::Document {
            content_type: crate::domain::Document::content_type_of(&name).to_string(),
            name,
            bytes,
        };
        self.act_with_files(
            reference,
            Event::BillReceived(self.stamped(bill)),
            source,
            vec![document],
        )
        .await
    }

    /// A bill as the desk takes it: with the age limit in force today.
    pub(super) fn stamped(&self, mut bill: Bill) -> Bill {
        bill.max_age_days = Some(self.bill_max_age_days);
        bill
    }

    /// Of several bills in a letter, the message is taken for one that fits an open
    /// order of the sender's (the parser picks the fullest); the others follow it.
    pub(super) async fn fitting_bill_first(&self, mut letter: Letter) -> Result<Letter, DeskError> {
        let (Kind::Invoice, Some(from)) = (letter.parsed.kind, letter.sender.clone()) else {
            return Ok(letter);
        };
        if letter.mail.as_ref().is_none_or(|m| m.attachments.len() < 2) {
            return Ok(letter);
        }
        let open = self.store.open_orders_of_contact(&from).await?;
        let fitting = letter
            .bills()
            .into_iter()
            .map(|(bill, _)| bill)
            .find(|bill| matches!(order_for_bill(bill, &open, None), Match::Found(_)));
        if let Some(bill) = fitting {
            if letter.parsed.invoice.as_ref() != Some(&bill) {
                letter.parsed.numbers = bill.numbers.clone();
                letter.parsed.invoice = Some(bill);
            }
        }
        Ok(letter)
    }

    /// A bill from a contact with several open orders goes to the one it fits, even when
    /// the reply names another; with nothing in the bill to go by, where the reply points.
    pub(super) async fn refile_bill(
        &self,
        letter: &Letter,
        matched: Match,
        order: Option<Order>,
        named: bool,
    ) -> Result<(Match, Option<Order>, bool), DeskError> {
        let (Kind::Invoice, Some(bill), Some(from)) = (letter.parsed.kind, &letter.parsed.invoice, &letter.sender)
        else {
            return Ok((matched, order, named));
        };
        let open = self.store.open_orders_of_contact(from).await?;
        if open.len() < 2 {
            return Ok((matched, order, named));
        }
        let pointed = order.as_ref().map(|o| o.reference.clone());
        match order_for_bill(bill, &open, pointed.as_ref()) {
            Match::Found(r) if pointed.as_ref() == Some(&r) => Ok((matched, order, named)),
            Match::Found(r) => {
                let order = open.into_iter().find(|o| o.reference == r);
                Ok((Match::Found(r), order, false))
            }
            other => Ok((other, None, false)),
        }
    }

    /// Files the letter's other bills on the orders they fit, beside its first one.
    pub(super) async fn with_other_bills(
        &self,
        mut record: InboundRecord,
        letter: &Letter,
        authentication: &Authentication,
        context: &LetterContext,
        now: DateTime<Utc>,
    ) -> Result<InboundRecord, DeskError> {
        let (Kind::Invoice, Some(first), Some(from)) = (letter.parsed.kind, &letter.parsed.invoice, &letter.sender)
        else {
            return Ok(record);
        };
        if letter.mail.as_ref().is_none_or(|m| m.attachments.len() < 2) {
            return Ok(record);
        }
        // The first bill as read, before the desk stamped its age limit on it.
        let first = Bill {
            max_age_days: None,
            ..first.clone()
        };
        let others: Vec<(Bill, Document)> = letter.bills().into_iter().filter(|(b, _)| *b != first).collect();
        if others.is_empty() {
            return Ok(record);
        }
        let open = self.store.open_orders_of_contact(from).await?;
        let mut filed: Vec<OrderRef> = context.order.iter().map(|o| o.reference.clone()).collect();
        let mut not_filed = Vec::new();
        for (bill, document) in others {
            let what = describe(&bill, &document);
            match order_for_bill(&bill, &open, None) {
                Match::Found(r) if !filed.contains(&r) => {
                    let order = open.iter().find(|o| o.reference == r).cloned();
                    let change = match order {
                        Some(order) => self.other_bill(letter, &bill, order, authentication, now).await?,
                        None => None,
                    };
                    match change {
                        Some(change) => {
                            record.documents.retain(|d| d.bytes != document.bytes);
                            record.also.push((change, vec![document]));
                            filed.push(r);
                        }
                        None => not_filed.push(format!("{what}: {r} did not take it")),
                    }
                }
                Match::Found(r) => not_filed.push(format!("{what}: {r} already has a bill from this message")),
                Match::Unmatched => not_filed.push(format!("{what} fits none of the customer's open orders")),
                Match::Ambiguous(refs) => {
                    let refs: Vec<String> = refs.iter().map(|r| r.to_string()).collect();
                    not_filed.push(format!("{what} fits {} alike", refs.join(" and ")))
                }
            }
        }
        if !not_filed.is_empty() {
            let reason = format!(
                "a bill in this message was not filed ({}): attach it to the right order",
                not_filed.join("; ")
            );
            match &mut record.handoff {
                Some(handoff) => handoff.reason = format!("{}; {reason}", handoff.reason),
                None => {
                    let handoff = Handoff {
                        order: context.order.as_ref().map(|o| o.reference.clone()),
                        reason,
                        raw: letter.raw.clone(),
                    };
                    record.posts.push(self.needs_person_post(&record.message, &handoff)?);
                    record.handoff = Some(handoff);
                }
            }
        }
        Ok(record)
    }

    /// The change one more bill makes to the order it fits: decided as if it came alone.
    async fn other_bill(
        &self,
        letter: &Letter,
        bill: &Bill,
        order: Order,
        authentication: &Authentication,
        now: DateTime<Utc>,
    ) -> Result<Option<OrderChange>, DeskError> {
        let mut alone = letter.clone();
        alone.parsed.invoice = Some(self.stamped(bill.clone()));
        alone.parsed.numbers = bill.numbers.clone();
        alone.parsed.order_ref = None;
        let sender = match &letter.sender {
            Some(from) => self.trust.sender(from, authentication, Some(&order)),
            None => Sender::Stranger,
        };
        let context = LetterContext {
            matched: Match::Found(order.reference.clone()),
            mail: self.mail_facts(&order, now).await?,
            order: Some(order),
            named: false,
            sender,
            question_waiting: false,
        };
        let message = self.message(&alone, authentication);
        let facts = context.facts(&alone, now);
        let plan = plan(&message, &context.matched, facts.as_ref(), now);
        if !matches!(plan.taken, Taken::Applied { .. }) {
            return Ok(None);
        }
        self.planned_change(&alone, &plan, &context, now)
    }
}

/// A bill as staff recognise it: its file, carrier and account.
fn describe(bill: &Bill, document: &Document) -> String {
    let carrier = bill.carrier.as_deref().unwrap_or("carrier unknown");
    let account = bill.account_number.as_deref().unwrap_or("no account number");
    format!("{} ({carrier}, account {account})", document.name)
}

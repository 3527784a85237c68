//! The messages that need a person: staff read them, attach one to an order (the desk
//! then applies it as if it had matched, with the staff member vouching for the
//! sender), or dismiss it. Nothing in the queue is ever deleted.

use super::letter::Letter;
use super::{Desk, DeskError};
use crate::domain::inbound::{decide, is_notice, Facts, Outcome as Action, Sender};
use crate::domain::{Event, Order, OrderRef, Source, StaffItem, StaffItemStatus};
use crate::store::Resolution;

/// How many items `inbox` lists at once.
pub const QUEUE_SHOWN: i64 = 50;

impl Desk {
    /// Open items, oldest first (`all`: handled ones too), at most `QUEUE_SHOWN`.
    pub async fn staff_queue(&self, all: bool) -> Result<Vec<StaffItem>, DeskError> {
        Ok(self.store.staff_queue(all, QUEUE_SHOWN).await?)
    }

    /// One item, with the message's text as the bot read it.
    pub async fn staff_item(&self, id: i64) -> Result<(StaffItem, String), DeskError> {
        let item = self
            .store
            .staff_item(id)
            .await?
            .ok_or(DeskError::UnknownInboxItem(id))?;
        let text = crate::parse::text_of_file("message.eml", &item.raw);
        Ok((item, text))
    }

    /// Applies an item's message to an order (the one given, else the one it was filed
    /// on) and closes the item, in one transaction.
    pub async fn attach(&self, id: i64, reference: Option<OrderRef>, by: &str) -> Result<Order, DeskError> {
        let reference = &reference;
        super::on_fresh_state(move |_| async move {
            let item = self.open_item(id).await?;
            let reference = reference
                .clone()
                .or_else(|| item.order_ref.clone())
                .ok_or(DeskError::AttachNeedsOrder(id))?;
            let now = self.clock.now();
            let order = self.order(&reference).await?;
            let mail = self.mail_facts(&order, now).await?;
            let mut letter = Letter::read(&item.raw);
            letter.parsed.invoice = letter.parsed.invoice.take().map(|b| self.stamped(b));
            let event = vouched_event(&letter, &order, id, now);
            let mut applied = crate::domain::lifecycle::apply(&order, event, now)?;
            applied.text = format!("{} (e-mail from {}, inbox #{id})", applied.text, item.sender);
            let is_bill = applied.event == "bill_received";
            let change = self.change_from(&order, applied, Source::Chat(by.to_string()), &mail, now)?;
            let resolution = Resolution {
                id,
                status: StaffItemStatus::Attached,
                by: by.to_string(),
                at: now,
                message_id: item.message_id.clone(),
                documents: if is_bill { letter.documents() } else { Vec::new() },
                change: Some(change),
            };
            self.store.resolve_staff_item(resolution).await?;
            self.order(&reference).await
        })
        .await
    }

    /// An item still waiting for a person.
    async fn open_item(&self, id: i64) -> Result<StaffItem, DeskError> {
        let item = self
            .store
            .staff_item(id)
            .await?
            .ok_or(DeskError::UnknownInboxItem(id))?;
        if item.status != StaffItemStatus::Open {
            return Err(DeskError::InboxItemClosed(id, item.status.as_str()));
        }
        Ok(item)
    }

    /// Closes an item without changing any order.
    pub async fn dismiss(&self, id: i64, by: &str, why: &str) -> Result<StaffItem, DeskError> {
        let item = self.open_item(id).await?;
        let by = match why.trim() {
            "" => by.to_string(),
            why => format!("{by} ({why})"),
        };
        self.store
            .resolve_staff_item(Resolution {
                id,
                status: StaffItemStatus::Dismissed,
                by,
                at: self.clock.now(),
                message_id: item.message_id.clone(),
                documents: Vec::new(),
                change: None,
            })
            .await?;
        Ok(self.store.staff_item(id).await?.unwrap_or(item))
    }
}

/// What the message does once a person has said which order it is about and that its
/// sender may act on it: a notice as the carrier's, anything else as the contact's.
fn vouched_event(letter: &Letter, order: &Order, id: i64, now: chrono::DateTime<chrono::Utc>) -> Event {
    let kind = letter.parsed.kind;
    let notice = is_notice(kind);
    let sender = if notice { Sender::Vouched } else { Sender::Contact };
    // The person who attached it confirms the reading.
    let mut parsed = letter.parsed.clone();
    parsed.confidence = 1.0;
    let facts = Facts {
        order,
        sender,
        named: true,
        names_a_contact: true,
        today: now.with_timezone(&order.time_zone).date_naive(),
        summary: letter.summary(),
        failed_recipient: letter.failed_contact(order),
    };
    let decision = decide(&parsed, &facts);
    match decision.outcome {
        Some(Action::Event(e)) => e,
        Some(Action::Timeline { event, text }) => Event::Logged { event, text },
        Some(Action::ContactFailing(address)) => Event::ContactFailing(address),
        None => Event::Logged {
            event: "email_attached",
            text: format!("e-mail attached from the inbox (#{id}): {}", letter.summary()),
        },
    }
}

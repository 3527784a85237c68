//! What an inbound message does at the desk, decided from what it says (`Parsed`), who
//! sent it and the order it belongs to. Pure: the inbox pipeline looks orders up, and
//! saves or hands to staff what this decides. Nothing here guesses: an unmatched,
//! ambiguous or untrusted message goes to a person.

use crate::domain::message_id::MessageIds;
use crate::domain::{Bill, EmailAddress, Event, Order, OrderRef, PhoneNumber, RejectCode};
use crate::parse::classify::Kind;
use crate::parse::Parsed;

/// Who a message is from, for the order it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// A configured carrier, porting-vendor or e-signature domain.
    Carrier,
    /// One of the order's contacts.
    Contact,
    Stranger,
}

/// The domains whose notices the desk acts on, and the domain of our own Message-IDs
/// (a reply to our mail names its order in its thread).
#[derive(Debug, Clone, Default)]
pub struct Trust {
    domains: Vec<String>,
    ids: Option<MessageIds>,
}

impl Trust {
    pub fn new(domains: impl IntoIterator<Item = String>) -> Self {
        Self {
            domains: domains
                .into_iter()
                .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
                .collect(),
            ids: None,
        }
    }

    /// How our own Message-IDs name their order (signed, so a made-up one names nothing).
    pub fn with_message_ids(mut self, ids: MessageIds) -> Self {
        self.ids = Some(ids);
        self
    }

    pub fn is_trusted(&self, from: &EmailAddress) -> bool {
        let domain = from.domain();
        self.domains
            .iter()
            .any(|d| domain == d || domain.ends_with(&format!(".{d}")))
    }

    /// The order named by the first of our own Message-IDs in a message's thread.
    pub fn reference_in_thread(&self, ids: &[String]) -> Option<OrderRef> {
        let ours = self.ids.as_ref()?;
        ids.iter().find_map(|id| ours.order_of(id))
    }

    /// A trusted domain (or a subdomain of one) first, then the order's contacts.
    pub fn sender(&self, from: &EmailAddress, order: Option<&Order>) -> Sender {
        if self.is_trusted(from) {
            return Sender::Carrier;
        }
        if order.is_some_and(|o| o.contacts.contains(from)) {
            return Sender::Contact;
        }
        Sender::Stranger
    }
}

/// The order a message belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    Found(OrderRef),
    Unmatched,
    Ambiguous(Vec<OrderRef>),
}

/// Our reference (subject, body, PON, or the thread of our own mail) decides when it
/// names an order we have; else the open orders of the sender that hold every number
/// the message names, when there is exactly one.
pub fn match_order(reference: Option<&Order>, senders_open_orders: &[Order], numbers: &[PhoneNumber]) -> Match {
    if let Some(order) = reference {
        return Match::Found(order.reference.clone());
    }
    let candidates: Vec<&Order> = if numbers.is_empty() {
        senders_open_orders.iter().collect()
    } else {
        senders_open_orders
            .iter()
            .filter(|o| numbers.iter().all(|n| o.number(n).is_some()))
            .collect()
    };
    match candidates.as_slice() {
        [one] => Match::Found(one.reference.clone()),
        [] => Match::Unmatched,
        many => Match::Ambiguous(many.iter().map(|o| o.reference.clone()).collect()),
    }
}

/// Why a message needs a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffReason {
    Unmatched,
    Ambiguous(Vec<OrderRef>),
    /// A carrier-style notice from a domain we do not trust.
    UntrustedNotice,
    /// A customer-style message from someone who is not a contact of the order.
    NotAContact,
    /// The parser could not tell what it is, or a notice lacks what it must carry.
    NotUnderstood(String),
    /// A notice the parser read, but not surely enough to change an order: the reading.
    Unsure(String),
    /// Understood, recorded, and a person must act on it.
    NeedsAPerson(&'static str),
}

/// What the message does to the order.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A lifecycle event (FOC, rejection, completion, LOA signed, bill).
    Event(Event),
    /// A timeline entry only.
    Timeline { event: &'static str, text: String },
    /// A contact's address bounced.
    ContactFailing(EmailAddress),
}

#[derive(Debug, Clone, Default)]
pub struct Decision {
    pub outcome: Option<Outcome>,
    pub staff: Option<StaffReason>,
}

impl Decision {
    fn act(outcome: Outcome) -> Self {
        Self {
            outcome: Some(outcome),
            staff: None,
        }
    }

    fn staff(reason: StaffReason) -> Self {
        Self {
            outcome: None,
            staff: Some(reason),
        }
    }

    fn both(outcome: Outcome, reason: StaffReason) -> Self {
        Self {
            outcome: Some(outcome),
            staff: Some(reason),
        }
    }
}

/// Decides what a message about a known order does. `summary` is what the timeline
/// shows of it (its subject, and the start of what a person wrote); `failed_recipient`
/// is the contact a bounce reports as failing, when the pipeline could read it.
pub fn decide(parsed: &Parsed, sender: Sender, summary: &str, failed_recipient: Option<EmailAddress>) -> Decision {
    let note = |event: &'static str| Outcome::Timeline {
        event,
        text: format!("{}: {summary}", event.replace('_', " ")),
    };
    let notice = is_notice(parsed.kind);
    if notice && sender != Sender::Carrier {
        return Decision::staff(StaffReason::UntrustedNotice);
    }
    // A wrong action is far worse than a question to a person.
    if notice && !parsed.is_sure() {
        return Decision::staff(StaffReason::Unsure(parsed.reading()));
    }
    let customer = matches!(
        parsed.kind,
        Kind::Invoice | Kind::CancelRequest | Kind::RoutingConfirmation | Kind::StatusQuestion | Kind::CustomerReply
    );
    if customer && sender == Sender::Stranger {
        return Decision::staff(StaffReason::NotAContact);
    }
    match parsed.kind {
        Kind::Bounce => match failed_recipient {
            Some(address) => Decision::both(
                Outcome::ContactFailing(address),
                StaffReason::NeedsAPerson("a contact's address bounced: find a working one"),
            ),
            None => Decision::both(
                note("bounce"),
                StaffReason::NeedsAPerson("a message to the customer bounced"),
            ),
        },
        Kind::AutoReply => Decision::act(note("auto_reply")),
        Kind::PortCompleted => Decision::act(Outcome::Event(Event::Completed)),
        Kind::PortRejected => Decision::act(Outcome::Event(Event::Rejected {
            code: parsed.reject_code.unwrap_or(RejectCode::Other),
            reason: parsed.reject_reason.clone().unwrap_or_default(),
            numbers: numbers_of(parsed),
        })),
        Kind::FocConfirmed => match parsed.foc_date {
            Some(date) => Decision::act(Outcome::Event(Event::FocConfirmed(date))),
            None => Decision::staff(StaffReason::NotUnderstood("an FOC notice without a date".into())),
        },
        Kind::LoaSigned => Decision::act(Outcome::Event(Event::LoaSigned)),
        Kind::Invoice => match &parsed.invoice {
            Some(bill) if bill != &Bill::default() => Decision::act(Outcome::Event(Event::BillReceived(bill.clone()))),
            _ => Decision::both(
                note("bill_unreadable"),
                StaffReason::NotUnderstood("a bill the bot could not read".into()),
            ),
        },
        Kind::CancelRequest => Decision::both(
            note("cancel_requested"),
            StaffReason::NeedsAPerson("the customer asks to cancel: confirm, then `cancel`"),
        ),
        Kind::RoutingConfirmation => Decision::both(
            note("routing_received"),
            StaffReason::NeedsAPerson("the customer said where numbers ring: check it and record it with `route`"),
        ),
        Kind::StatusQuestion => Decision::act(note("status_question")),
        Kind::CustomerReply => Decision::both(note("customer_reply"), StaffReason::NeedsAPerson("the customer wrote")),
        Kind::Unknown => Decision::staff(StaffReason::NotUnderstood(
            parsed.error.clone().unwrap_or_else(|| "not a porting message".into()),
        )),
    }
}

/// A carrier's, vendor's or e-signature service's notice: it acts only from a trusted domain.
pub fn is_notice(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::PortCompleted | Kind::PortRejected | Kind::FocConfirmed | Kind::LoaSigned
    )
}

fn numbers_of(parsed: &Parsed) -> Vec<PhoneNumber> {
    parsed.numbers.clone()
}

#[cfg(test)]
#[path = "inbound_tests.rs"]
mod tests;

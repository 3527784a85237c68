//! What an inbound message does at the desk, decided from what it says (`Parsed`, the
//! parser's pure reading), who sent it and the order it belongs to. Pure: the desk loads
//! the order and what it knows of the sender, `plan` decides, and the desk renders and
//! saves the plan. Nothing here guesses: an unmatched, ambiguous or untrusted message
//! goes to a person.

mod bills;
mod plan;
mod sender;
use crate::domain::{Bill, EmailAddress, Event, Order, OrderRef, PhoneNumber, RejectCode};
use crate::parse::classify::Kind;
use crate::parse::Parsed;
pub use bills::order_for_bill;
use chrono::NaiveDate;
pub use plan::{plan, Message, Plan, Taken};
pub use sender::{Sender, Speaker};

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
    /// A notice in a trusted domain's name that does not prove it came from there.
    Unproven {
        domain: String,
        why: String,
    },
    /// A notice from a proven domain that does not speak for the order's carrier.
    NotItsCarrier {
        domain: String,
        carrier: String,
    },
    /// A proven notice that does not fit the order (numbers, state, dates).
    DoesNotFit(String),
    /// A customer-style message from someone who is not a contact of the order.
    NotAContact,
    /// A contact's address on mail that fails its domain's DMARC, or names several authors.
    UnverifiedContact(String),
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
    pub(super) fn act(outcome: Outcome) -> Self {
        Self {
            outcome: Some(outcome),
            staff: None,
        }
    }

    pub(super) fn staff(reason: StaffReason) -> Self {
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

/// What the desk knows of a message besides what it says.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub order: &'a Order,
    pub sender: Sender,
    /// Our reference (subject, body, PON or our own thread) named the order.
    pub named: bool,
    /// The message names one of the order's contacts (an e-signature notice's signer).
    pub names_a_contact: bool,
    /// Today in the order's time zone.
    pub today: NaiveDate,
    /// What the timeline shows of it: its subject, and the start of what a person wrote.
    pub summary: String,
    /// The contact a bounce reports as failing, when the pipeline could read it.
    pub failed_recipient: Option<EmailAddress>,
}

/// Decides what a message about a known order does.
pub fn decide(parsed: &Parsed, facts: &Facts) -> Decision {
    let notice = is_notice(parsed.kind);
    if notice {
        match notice_refused(parsed, facts) {
            // From a sender we believe: the timeline keeps what was heard and not applied.
            Some(StaffReason::DoesNotFit(why)) => {
                let heard = Outcome::Timeline {
                    event: "notice_not_applied",
                    text: format!(
                        "{} not applied, it does not fit: {why}",
                        parsed.kind.as_str().replace('_', " ")
                    ),
                };
                return Decision::both(heard, StaffReason::DoesNotFit(why));
            }
            Some(reason) => return Decision::staff(reason),
            None => {}
        }
    }
    let customer = matches!(
        parsed.kind,
        Kind::Invoice | Kind::CancelRequest | Kind::RoutingConfirmation | Kind::StatusQuestion | Kind::CustomerReply
    );
    match (&facts.sender, customer) {
        (Sender::Stranger | Sender::Unproven { .. }, true) => Decision::staff(StaffReason::NotAContact),
        (Sender::UnverifiedContact(why), true) => Decision::staff(StaffReason::UnverifiedContact(why.clone())),
        _ => by_kind(parsed, facts),
    }
}

/// What each kind of message does once its sender may act on the order: one row a kind.
fn by_kind(parsed: &Parsed, facts: &Facts) -> Decision {
    let summary = &facts.summary;
    let note = |event: &'static str| Outcome::Timeline {
        event,
        text: format!("{}: {summary}", event.replace('_', " ")),
    };
    match parsed.kind {
        Kind::Bounce => match facts.failed_recipient.clone() {
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
        Kind::PortCompleted => Decision::act(Outcome::Event(Event::Completed {
            remaining: parsed.numbers_not_ported.clone(),
        })),
        Kind::PortRejected => Decision::act(Outcome::Event(Event::Rejected {
            code: parsed.reject_code.unwrap_or(RejectCode::Other),
            reason: parsed.reject_reason.clone().unwrap_or_default(),
            numbers: parsed.numbers.clone(),
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

/// Why a notice may not act: who sent it, how surely it was read, and whether it fits
/// the order. A wrong action is far worse than a question to a person.
fn notice_refused(parsed: &Parsed, facts: &Facts) -> Option<StaffReason> {
    match &facts.sender {
        Sender::Vouched => return None,
        Sender::Carrier(speaker) if !speaker.speaks_for(&facts.order.carrier) => {
            return Some(StaffReason::NotItsCarrier {
                domain: speaker.domain.clone(),
                carrier: facts.order.carrier.clone(),
            })
        }
        Sender::Carrier(_) => {}
        Sender::Unproven { domain, why } => {
            return Some(StaffReason::Unproven {
                domain: domain.clone(),
                why: why.clone(),
            })
        }
        _ => return Some(StaffReason::UntrustedNotice),
    }
    if !parsed.is_sure() {
        return Some(StaffReason::Unsure(parsed.reading()));
    }
    fit(parsed, facts).err().map(StaffReason::DoesNotFit)
}

/// A proven notice still must fit its order: every number it names is on it, a
/// completion comes after an FOC and not long before its date, and an e-signature
/// notice names the order or one of its contacts.
fn fit(parsed: &Parsed, facts: &Facts) -> Result<(), String> {
    let order = facts.order;
    let foreign: Vec<String> = parsed
        .numbers
        .iter()
        .filter(|n| order.number(n).is_none())
        .map(|n| n.e164())
        .collect();
    if !foreign.is_empty() {
        let verb = if foreign.len() == 1 { "is" } else { "are" };
        return Err(format!(
            "it names {} which {verb} not on {}",
            foreign.join(", "),
            order.reference
        ));
    }
    match parsed.kind {
        Kind::PortCompleted => match order.foc_date {
            None => Err(format!(
                "a completion for {}, which has no confirmed FOC date",
                order.reference
            )),
            // Carriers may activate the evening before; earlier than that is not a completion.
            Some(foc) if facts.today < foc - chrono::Days::new(1) => Err(format!(
                "a completion on {}, long before the FOC date {foc}",
                facts.today
            )),
            Some(_) => Ok(()),
        },
        Kind::FocConfirmed => match parsed
            .foc_date
            .and_then(|d| crate::domain::lifecycle::foc_doubt(d, facts.today).map(|why| (d, why)))
        {
            Some((date, why)) => Err(format!(
                "the FOC date {date} {why}: check it with the carrier, then `foc {} {date} confirm` or the right date",
                order.reference
            )),
            None => Ok(()),
        },
        Kind::LoaSigned if !facts.named && !facts.names_a_contact => Err(format!(
            "an e-signature notice that names neither {} nor one of its contacts",
            order.reference
        )),
        _ => Ok(()),
    }
}

/// A carrier's, vendor's or e-signature service's notice: it acts only from a trusted domain.
pub fn is_notice(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::PortCompleted | Kind::PortRejected | Kind::FocConfirmed | Kind::LoaSigned
    )
}

#[cfg(test)]
pub(crate) mod tests;

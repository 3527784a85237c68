//! The order's lifecycle: how a port request becomes an order, and what each event
//! does to it. Pure: every function takes the order as it is and returns it as it
//! becomes, with the timeline text and any notice for staff, or says why not.

use super::bill::Bill;
pub use super::detail::Detail;
use super::email::EmailAddress;
use super::order::{NumberStatus, Order, OrderNumber, OrderState, Rejection};
use super::order_ref::OrderRef;
use super::phone::PhoneNumber;
use super::reject::RejectCode;
use super::route::{Route, RouteError};
use chrono::{DateTime, NaiveDate, Utc};

/// Which numbers a routing command is about.
#[derive(Debug, Clone, Copy)]
pub enum Numbers {
    All,
    One(PhoneNumber),
}

/// Everything that can happen to an order after it opens.
#[derive(Debug, Clone)]
pub enum Event {
    LoaSigned,
    BillReceived(Bill),
    DetailSet(Detail),
    Submitted,
    FocConfirmed(NaiveDate),
    Rejected {
        code: RejectCode,
        reason: String,
        numbers: Vec<PhoneNumber>,
    },
    Completed,
    Cancelled {
        reason: String,
    },
    /// Staff take back a completion or cancellation made in error.
    Reopened {
        reason: String,
    },
    Routed {
        numbers: Numbers,
        route: Route,
    },
    Noted(String),
    /// Something recorded on the timeline without changing the order: a message heard
    /// (an auto-reply, a customer's question), a reminder sent, a staff alert.
    Logged {
        event: &'static str,
        text: String,
    },
    /// Mail to this contact bounced.
    ContactFailing(EmailAddress),
}

/// What staff must hear about, beside the timeline entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    BillMismatch,
    Rejection,
    FocSet,
    Completed,
    Cancelled,
    /// A closed order is open again.
    Reopened,
    /// A completion was taken back: the customer was told it was safe to cancel.
    CompletionWithdrawn,
}

/// An applied event: the order as it now is, its timeline entry, and any notice.
#[derive(Debug, Clone)]
pub struct Applied {
    pub order: Order,
    pub event: &'static str,
    pub text: String,
    pub notice: Option<Notice>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotAllowed {
    #[error("{reference} is {state}: {action} is not possible now. {hint}")]
    WrongState {
        reference: OrderRef,
        state: &'static str,
        action: &'static str,
        hint: String,
    },
    #[error("{reference} cannot be submitted yet: {missing}")]
    NotReady { reference: OrderRef, missing: String },
    #[error("the FOC date {date} is in the past: check the date (today is {today})")]
    FocInPast { date: NaiveDate, today: NaiveDate },
    #[error("{number} is not on {reference}: its numbers are {numbers}")]
    UnknownNumber {
        number: String,
        reference: OrderRef,
        numbers: String,
    },
    #[error("{address} is not a contact of {reference}")]
    UnknownContact { address: String, reference: OrderRef },
    #[error(transparent)]
    Route(#[from] RouteError),
    #[error("{0}")]
    Empty(&'static str),
    #[error("{0}")]
    TooLong(String),
}

/// Where documents and details may still change: before submission, or to correct a rejection.
const BEFORE_SUBMISSION: &[OrderState] = &[OrderState::AwaitingDocuments, OrderState::Ready, OrderState::Rejected];
/// Not yet completed or cancelled.
const OPEN: &[OrderState] = &[
    OrderState::AwaitingDocuments,
    OrderState::Ready,
    OrderState::Submitted,
    OrderState::Rejected,
    OrderState::FocConfirmed,
];
/// Submitted and not yet answered for good: the carrier may confirm, reject or complete.
const WITH_CARRIER: &[OrderState] = &[OrderState::Submitted, OrderState::FocConfirmed];
/// Routing may still be recorded after completion (the PBX side changes), not after a cancel.
const NOT_CANCELLED: &[OrderState] = &[
    OrderState::AwaitingDocuments,
    OrderState::Ready,
    OrderState::Submitted,
    OrderState::Rejected,
    OrderState::FocConfirmed,
    OrderState::Completed,
];

/// Applies `event` to `order` at `now`, or says why it does not fit.
pub fn apply(order: &Order, event: Event, now: DateTime<Utc>) -> Result<Applied, NotAllowed> {
    use OrderState as S;
    let mut next = order.clone();
    next.updated_at = now;
    let state = order.state;
    // A new LOA, a new bill or changed account details correct a rejected order.
    let mut corrects = false;
    let (name, text, notice) = match event {
        Event::Noted(text) => {
            let text = text.trim().to_string();
            if text.is_empty() {
                return Err(NotAllowed::Empty("a note needs some text"));
            }
            if let Some(why) = super::limits::too_long("the note", &text, super::limits::MAX_NOTE) {
                return Err(NotAllowed::TooLong(why));
            }
            ("note", text, None)
        }
        Event::Logged { event, text } => (event, text, None),
        Event::ContactFailing(address) => {
            if !order.contacts.contains(&address) {
                return Err(NotAllowed::UnknownContact {
                    address: address.to_string(),
                    reference: order.reference.clone(),
                });
            }
            if !next.failing_contacts.contains(&address) {
                next.failing_contacts.push(address.clone());
            }
            ("contact_failing", format!("mail to {address} bounced"), None)
        }
        Event::LoaSigned => {
            guard(order, BEFORE_SUBMISSION, "recording a signed LOA")?;
            if order.loa_signed_at.is_some() && state != S::Rejected {
                return Err(wrong_state(
                    order,
                    "recording a signed LOA",
                    "The LOA was already signed.",
                ));
            }
            next.loa_signed_at = Some(now);
            corrects = true;
            ("loa_signed", "LOA signed".to_string(), None)
        }
        Event::BillReceived(bill) => {
            guard(order, BEFORE_SUBMISSION, "taking a new bill")?;
            next.bill = Some(bill);
            next.bill_received_at = Some(now);
            corrects = true;
            let mismatches = next.mismatches();
            let text = if mismatches.is_empty() {
                "bill received: it matches the order".to_string()
            } else {
                let fields: Vec<&str> = mismatches.iter().map(|m| m.field.label()).collect();
                format!("bill received: it differs in {}", fields.join(", "))
            };
            (
                "bill_received",
                text,
                (!mismatches.is_empty()).then_some(Notice::BillMismatch),
            )
        }
        Event::DetailSet(detail) => {
            if detail.changes_the_submission() {
                guard(order, BEFORE_SUBMISSION, "changing the account details")?;
                corrects = true;
            } else {
                guard(order, OPEN, "changing it")?;
            }
            let on_the_bill = detail.is_on_the_bill();
            let text = detail.apply_to(&mut next)?;
            let text = match next.mismatches().len() {
                _ if !on_the_bill => text,
                0 if next.bill.is_some() => format!("{text}; it now matches the bill"),
                0 => text,
                n => format!("{text}; {n} mismatch(es) with the bill remain"),
            };
            ("detail_set", text, None)
        }
        Event::Submitted => {
            guard(order, BEFORE_SUBMISSION, "submitting")?;
            if state == S::Rejected {
                return Err(wrong_state(
                    order,
                    "submitting again",
                    "Correct the details first (set, a new bill or a new LOA); the order is then ready to submit.",
                ));
            }
            if state != S::Ready {
                let missing: Vec<String> = order.blockers().into_iter().map(|b| b.what).collect();
                return Err(NotAllowed::NotReady {
                    reference: order.reference.clone(),
                    missing: missing.join("; "),
                });
            }
            next.state = S::Submitted;
            next.submitted_at = Some(now);
            next.rejection = None;
            ("submitted", format!("submitted to {}", order.carrier), None)
        }
        Event::FocConfirmed(date) => {
            guard(order, WITH_CARRIER, "setting an FOC date")?;
            let today = now.with_timezone(&order.time_zone).date_naive();
            if date < today {
                return Err(NotAllowed::FocInPast { date, today });
            }
            next.state = S::FocConfirmed;
            next.foc_date = Some(date);
            match order.foc_date {
                Some(old) if old == date => ("foc_confirmed", format!("FOC {date} confirmed again"), None),
                Some(old) => (
                    "foc_changed",
                    format!("FOC moved from {old} to {date}"),
                    Some(Notice::FocSet),
                ),
                None => ("foc_confirmed", format!("FOC {date}"), Some(Notice::FocSet)),
            }
        }
        Event::Rejected { code, reason, numbers } => {
            guard(order, WITH_CARRIER, "recording a rejection")?;
            // A carrier's reason is kept whole up to the limit, then cut: the rejection still counts.
            let reason: String = reason.chars().take(super::limits::MAX_NOTE).collect();
            for n in &numbers {
                on_order(order, n)?;
            }
            if code == RejectCode::PhoneNumberNotPortable {
                for line in next.numbers.iter_mut().filter(|l| numbers.contains(&l.number)) {
                    line.status = NumberStatus::NotPortable;
                }
            }
            next.state = S::Rejected;
            next.foc_date = None;
            next.rejection = Some(Rejection {
                code,
                reason: reason.trim().to_string(),
                at: Some(now),
            });
            let about = if numbers.is_empty() {
                String::new()
            } else {
                format!(" ({})", numbers.iter().map(|n| n.e164()).collect::<Vec<_>>().join(", "))
            };
            (
                "rejected",
                format!("rejected {code}{about}: {}", reason.trim()),
                Some(Notice::Rejection),
            )
        }
        Event::Completed => {
            guard(order, WITH_CARRIER, "completing")?;
            next.state = S::Completed;
            let mut ported = 0;
            for line in next.numbers.iter_mut().filter(|l| l.status == NumberStatus::Pending) {
                line.status = NumberStatus::Ported;
                ported += 1;
            }
            (
                "completed",
                format!("port completed: {ported} number(s) ported"),
                Some(Notice::Completed),
            )
        }
        Event::Cancelled { reason } => {
            guard(order, OPEN, "cancelling")?;
            if let Some(why) = super::limits::too_long("the reason", &reason, super::limits::MAX_NOTE) {
                return Err(NotAllowed::TooLong(why));
            }
            next.state = S::Cancelled;
            let reason = reason.trim();
            let text = if reason.is_empty() {
                "cancelled".to_string()
            } else {
                format!("cancelled: {reason}")
            };
            ("cancelled", text, Some(Notice::Cancelled))
        }
        Event::Reopened { reason } => super::reopen::reopen(order, &mut next, &reason)?,
        Event::Routed { numbers, route } => {
            guard(order, NOT_CANCELLED, "routing")?;
            let text = route_numbers(&mut next, numbers, route)?;
            ("routed", text, None)
        }
    };
    settle(&mut next, corrects);
    Ok(Applied {
        order: next,
        event: name,
        text,
        notice,
    })
}

/// Before submission, and after a correction to a rejected order, the state follows
/// the documents: complete and consistent is `ready`, else `awaiting_documents`.
pub(super) fn settle(order: &mut Order, corrects: bool) {
    let follows_documents = match order.state {
        OrderState::AwaitingDocuments | OrderState::Ready => true,
        OrderState::Rejected => corrects,
        _ => false,
    };
    if follows_documents {
        order.state = if order.documents_complete() {
            OrderState::Ready
        } else {
            OrderState::AwaitingDocuments
        };
    }
}

fn route_numbers(order: &mut Order, which: Numbers, route: Route) -> Result<String, NotAllowed> {
    let targets: Vec<PhoneNumber> = match which {
        Numbers::All => order.numbers.iter().filter(|l| l.is_live()).map(|l| l.number).collect(),
        Numbers::One(n) => vec![on_order(order, &n)?.number],
    };
    if targets.is_empty() {
        return Err(NotAllowed::Empty("no number on the order can be routed"));
    }
    for line in order.numbers.iter_mut().filter(|l| targets.contains(&l.number)) {
        route.fits(line.number_type, &line.number.e164())?;
        line.route = Some(route.clone());
    }
    let which = match which {
        Numbers::All if targets.len() == 1 => "the one number".to_string(),
        Numbers::All => format!("all {} numbers", targets.len()),
        Numbers::One(n) => n.e164(),
    };
    Ok(format!("{which} routed to {route}"))
}

/// The order's line for `n`, or why there is none.
pub(super) fn on_order<'o>(order: &'o Order, n: &PhoneNumber) -> Result<&'o OrderNumber, NotAllowed> {
    order.number(n).ok_or_else(|| NotAllowed::UnknownNumber {
        number: n.e164(),
        reference: order.reference.clone(),
        numbers: order
            .numbers
            .iter()
            .map(|l| l.number.e164())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

fn guard(order: &Order, allowed: &[OrderState], action: &'static str) -> Result<(), NotAllowed> {
    if allowed.contains(&order.state) {
        return Ok(());
    }
    let hint = match order.state {
        OrderState::Completed => "The numbers are already ported (if that was a mistake: `reopen` it, with why).",
        OrderState::Cancelled => {
            "A cancelled order stays closed: open a new order if the customer still wants to port \
             (if the cancellation was a mistake: `reopen` it, with why)."
        }
        OrderState::Submitted | OrderState::FocConfirmed => {
            "The order is with the carrier: wait for its answer, or cancel."
        }
        OrderState::AwaitingDocuments => "It has not been submitted yet.",
        OrderState::Ready => "It has not been submitted yet: submit it first.",
        OrderState::Rejected => "Correct the details first, then submit again.",
    };
    Err(wrong_state(order, action, hint))
}

pub(super) fn wrong_state(order: &Order, action: &'static str, hint: &str) -> NotAllowed {
    NotAllowed::WrongState {
        reference: order.reference.clone(),
        state: order.state.as_str(),
        action,
        hint: hint.to_string(),
    }
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;

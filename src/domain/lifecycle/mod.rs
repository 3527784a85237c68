//! The order's lifecycle: how a port request becomes an order, and what each event
//! does to it. Pure: every function takes the order as it is and returns it as it
//! becomes, with the timeline text and any notice for staff, or says why not.

mod carrier;
mod documents;
mod supp;

use super::bill::Bill;
pub use super::detail::Detail;
use super::email::EmailAddress;
use super::order::{Order, OrderNumber, OrderState};
use super::order_ref::OrderRef;
use super::phone::PhoneNumber;
use super::reject::RejectCode;
use super::route::{Route, RouteError};
pub use carrier::foc_doubt;
use chrono::{DateTime, NaiveDate, Utc};
pub use supp::Supp;

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
    /// An FOC date staff checked with the carrier: taken even when it is unusual (past,
    /// not a business day, far off).
    FocChecked(NaiveDate),
    Rejected {
        code: RejectCode,
        reason: String,
        numbers: Vec<PhoneNumber>,
    },
    /// The carrier ported the numbers, except those it says remain with it.
    Completed {
        remaining: Vec<PhoneNumber>,
    },
    /// A change after submission (a SUPP), or a number dropped before it.
    Supplemented(Supp),
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
    /// Some numbers ported, others stay with the losing carrier for now.
    PartlyCompleted,
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
    #[error("the date {date} is in the past: check the date (today is {today})")]
    FocInPast { date: NaiveDate, today: NaiveDate },
    #[error(
        "the FOC date {date} {why}: check it with the carrier, and if it is right: `foc {reference} {date} confirm`"
    )]
    FocDoubtful {
        reference: OrderRef,
        date: NaiveDate,
        why: String,
    },
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
    #[error("{0}")]
    NotASupp(String),
}

/// Where documents and details may still change: before submission, or to correct a rejection.
pub(super) const BEFORE_SUBMISSION: &[OrderState] =
    &[OrderState::AwaitingDocuments, OrderState::Ready, OrderState::Rejected];
/// Not yet completed or cancelled.
pub(super) const OPEN: &[OrderState] = &[
    OrderState::AwaitingDocuments,
    OrderState::Ready,
    OrderState::Submitted,
    OrderState::Rejected,
    OrderState::FocConfirmed,
];
/// Submitted and not yet answered for good: the carrier may confirm, reject or complete.
pub(super) const WITH_CARRIER: &[OrderState] = &[OrderState::Submitted, OrderState::FocConfirmed];
/// Routing may still be recorded after completion (the PBX side changes), not after a cancel.
pub(super) const NOT_CANCELLED: &[OrderState] = &[
    OrderState::AwaitingDocuments,
    OrderState::Ready,
    OrderState::Submitted,
    OrderState::Rejected,
    OrderState::FocConfirmed,
    OrderState::Completed,
];

/// What an event did, before the state settles: its timeline name and text, any
/// notice, and whether it corrects a rejected order (a new LOA, bill or account detail).
pub(super) struct Step {
    event: &'static str,
    text: String,
    notice: Option<Notice>,
    corrects: bool,
}

impl Step {
    pub(super) fn new(event: &'static str, text: impl Into<String>) -> Self {
        Self {
            event,
            text: text.into(),
            notice: None,
            corrects: false,
        }
    }

    pub(super) fn telling(mut self, notice: impl Into<Option<Notice>>) -> Self {
        self.notice = notice.into();
        self
    }

    pub(super) fn correcting(mut self) -> Self {
        self.corrects = true;
        self
    }
}

/// Applies `event` to `order` at `now`, or says why it does not fit.
pub fn apply(order: &Order, event: Event, now: DateTime<Utc>) -> Result<Applied, NotAllowed> {
    let mut next = order.clone();
    next.updated_at = now;
    let step = match event {
        Event::Noted(text) => documents::note(text)?,
        Event::Logged { event, text } => Step::new(event, text),
        Event::ContactFailing(address) => documents::contact_failing(order, &mut next, address)?,
        Event::LoaSigned => documents::loa_signed(order, &mut next, now)?,
        Event::BillReceived(bill) => documents::bill_received(order, &mut next, bill, now)?,
        Event::DetailSet(detail) => documents::detail_set(order, &mut next, detail)?,
        Event::Submitted => carrier::submitted(order, &mut next, now)?,
        Event::FocConfirmed(date) => carrier::foc_confirmed(order, &mut next, date, now, false)?,
        Event::FocChecked(date) => carrier::foc_confirmed(order, &mut next, date, now, true)?,
        Event::Rejected { code, reason, numbers } => carrier::rejected(order, &mut next, code, &reason, &numbers, now)?,
        Event::Completed { remaining } => carrier::completed(order, &mut next, &remaining)?,
        Event::Supplemented(change) => supp::supplemented(order, &mut next, change, now)?,
        Event::Cancelled { reason } => carrier::cancelled(order, &mut next, &reason)?,
        Event::Reopened { reason } => {
            let (event, text, notice) = super::reopen::reopen(order, &mut next, &reason)?;
            Step::new(event, text).telling(notice)
        }
        Event::Routed { numbers, route } => documents::routed(order, &mut next, numbers, route)?,
    };
    settle(&mut next, step.corrects);
    Ok(Applied {
        order: next,
        event: step.event,
        text: step.text,
        notice: step.notice,
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

pub(super) fn guard(order: &Order, allowed: &[OrderState], action: &'static str) -> Result<(), NotAllowed> {
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
mod tests;

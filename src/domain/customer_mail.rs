//! The moments the desk writes to a customer, and to whom: which e-mail, not its words
//! (those are `prompts/email/`, rendered by the desk).

use crate::domain::{EmailAddress, Notice, Order, OrderState};

/// The moments the desk writes to a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerMail {
    LoaReminder {
        n: usize,
        of: usize,
    },
    BillReminder {
        n: usize,
        of: usize,
    },
    RejectionNotice,
    CorrectionReminder {
        n: usize,
        of: usize,
    },
    RoutingRequest,
    FocConfirmed,
    PortCompleted,
    /// Some numbers moved; the others stay with the old carrier (keep that service).
    PortPartlyCompleted,
    /// The port is cancelled: the numbers stay with the old carrier.
    PortCancelled,
    /// A "completed" e-mail went out in error: keep the old service.
    CompletionWithdrawn,
    StatusReply,
    /// Staff opened an order for the customer: what it is and what happens next.
    OrderOpened,
    /// The contract with the old carrier ends before the port: keep the service active.
    KeepServiceActive,
}

impl CustomerMail {
    pub fn template(self) -> &'static str {
        match self {
            CustomerMail::LoaReminder { .. } => "loa_reminder",
            CustomerMail::BillReminder { .. } => "bill_reminder",
            CustomerMail::RejectionNotice => "rejection_notice",
            CustomerMail::CorrectionReminder { .. } => "correction_reminder",
            CustomerMail::RoutingRequest => "routing_request",
            CustomerMail::FocConfirmed => "foc_confirmed",
            CustomerMail::PortCompleted => "port_completed",
            CustomerMail::PortPartlyCompleted => "port_partly_completed",
            CustomerMail::PortCancelled => "port_cancelled",
            CustomerMail::CompletionWithdrawn => "completion_withdrawn",
            CustomerMail::StatusReply => "status_reply",
            CustomerMail::OrderOpened => "order_opened",
            CustomerMail::KeepServiceActive => "keep_service_active",
        }
    }

    /// A reply to the customer's own question, or to the request they made through
    /// staff, goes at once; anything else waits for the sending window.
    pub fn waits_for_window(self) -> bool {
        !matches!(self, CustomerMail::StatusReply | CustomerMail::OrderOpened)
    }

    pub fn reminder(self) -> Option<(usize, usize)> {
        match self {
            CustomerMail::LoaReminder { n, of }
            | CustomerMail::BillReminder { n, of }
            | CustomerMail::CorrectionReminder { n, of } => Some((n, of)),
            _ => None,
        }
    }
}

/// The e-mails that tell the customer where the order stands: each says something
/// true only in some states, and a newer one of the same kind replaces an older one
/// still waiting to leave.
const ABOUT_THE_STATE: &[&str] = &[
    "loa_reminder",
    "bill_reminder",
    "rejection_notice",
    "correction_reminder",
    "routing_request",
    "foc_confirmed",
    "port_partly_completed",
    "port_completed",
    "completion_withdrawn",
    "port_cancelled",
];

/// Whether an e-mail written with `template` still says something true of `order`.
pub fn still_fits(template: &str, order: &Order) -> bool {
    use OrderState as S;
    let gathering = matches!(order.state, S::AwaitingDocuments | S::Ready);
    match template {
        "loa_reminder" => gathering && order.loa_signed_at.is_none(),
        "bill_reminder" => gathering && !order.has_current_bill(),
        "rejection_notice" | "correction_reminder" => order.state == S::Rejected,
        "routing_request" => order.state == S::FocConfirmed && !order.routing_confirmed(),
        "foc_confirmed" => order.state == S::FocConfirmed,
        "port_partly_completed" => order.state == S::FocConfirmed && !order.left_behind().is_empty(),
        "port_completed" => order.state == S::Completed,
        "completion_withdrawn" => order.state != S::Completed,
        "port_cancelled" => order.state == S::Cancelled,
        _ => true,
    }
}

/// The templates whose e-mails still waiting to leave a change withdraws: those that
/// fitted the order before it and no longer do, and those the change writes again.
pub fn withdrawn_by(before: &Order, after: &Order, queued: &[String]) -> Vec<String> {
    ABOUT_THE_STATE
        .iter()
        .filter(|t| {
            let stale = still_fits(t, before) && !still_fits(t, after);
            stale || queued.iter().any(|q| q == *t)
        })
        .map(|t| t.to_string())
        .collect()
}

/// Who gets a mail and which message it answers.
#[derive(Debug, Clone, Default)]
pub struct Addressing {
    /// Only this contact (a reply to their question); else every working contact.
    pub only: Option<EmailAddress>,
    /// The message it answers (a status question); else the contacts' last message.
    pub answers: Option<String>,
}

/// The e-mail a notice sends the customer at once.
pub fn for_notice(notice: Notice) -> Option<CustomerMail> {
    match notice {
        Notice::Rejection => Some(CustomerMail::RejectionNotice),
        Notice::FocSet => Some(CustomerMail::FocConfirmed),
        Notice::Completed => Some(CustomerMail::PortCompleted),
        Notice::PartlyCompleted => Some(CustomerMail::PortPartlyCompleted),
        Notice::CompletionWithdrawn => Some(CustomerMail::CompletionWithdrawn),
        Notice::Cancelled => Some(CustomerMail::PortCancelled),
        Notice::BillMismatch | Notice::Reopened => None,
    }
}

/// What staff's `remind` sends now: the reminders for what the order waits for from the
/// customer, each with its name for the timeline; none when it waits for nothing of theirs.
pub fn asked_for(order: &Order) -> Vec<(CustomerMail, &'static str)> {
    match order.state {
        OrderState::AwaitingDocuments | OrderState::Ready => {
            let mut mails = Vec::new();
            if order.loa_signed_at.is_none() {
                mails.push((CustomerMail::LoaReminder { n: 0, of: 3 }, "LOA reminder"));
            }
            if !order.has_current_bill() {
                mails.push((CustomerMail::BillReminder { n: 0, of: 3 }, "bill reminder"));
            }
            mails
        }
        OrderState::Rejected => vec![(CustomerMail::CorrectionReminder { n: 0, of: 2 }, "correction reminder")],
        OrderState::FocConfirmed if !order.routing_confirmed() => {
            vec![(CustomerMail::RoutingRequest, "routing request")]
        }
        _ => Vec::new(),
    }
}

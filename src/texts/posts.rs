//! Every post for the staff channel (and the two e-mails to a portal requester, which
//! read the same facts): one variant per template, each holding exactly
//! what its template reads (templates render with strict undefined names, so a field
//! missing here is an error, never a blank). Golden files pin each one
//! (`tests/golden/chat/`).

use crate::domain::{Notice, OrderRef, StaffItem, INBOX_ITEM_MARK};
use crate::views::OrderCard;
use serde::Serialize;

/// What a reminder alerts staff to, when the customer or the carrier did not act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alert {
    DocumentsOverdue,
    RejectionUnfixed,
    RoutingUnconfirmed,
    CarrierSilent,
    ContractEnding,
    ReadyIdle,
    FocPassed,
}

/// A line of the daily digest.
#[derive(Debug, Clone, Serialize)]
pub struct DigestLine {
    pub reference: String,
    pub customer: String,
    pub carrier: String,
    /// Every number has a place to ring.
    pub routing: bool,
    /// Why it is listed ("documents missing for 6 business days").
    pub why: String,
}

/// A port request from the portal for an account that is not onboarded (the staff post
/// and the customer's e-mail, `request_held`, read the same facts).
#[derive(Debug, Clone, Serialize)]
pub struct HeldRequest {
    pub request_id: String,
    pub account: String,
    pub company: String,
    pub count: usize,
    pub submitted_by: String,
}

/// The e-mail that answers a port request from the portal: the orders it became.
#[derive(Debug, Clone, Serialize)]
pub struct Acknowledgement {
    pub request_id: String,
    pub company: String,
    /// Numbers in the request.
    pub count: usize,
    pub orders: Vec<AcknowledgedOrder>,
    /// The losing carriers, "AT&T / Comcast Business".
    pub carriers: String,
    /// Business days a carrier usually takes, "3–14".
    pub estimate: String,
    pub fee_total: String,
    pub temporary_numbers: bool,
    pub temporary_list: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AcknowledgedOrder {
    pub reference: String,
    pub carrier: String,
    pub kind: &'static str,
    pub numbers: Vec<String>,
    /// What the request left out of this carrier's account (`account`, `name`,
    /// `address`): the customer is asked for it.
    pub missing: Vec<&'static str>,
    /// The order's status page, when the web board serves them.
    pub status_page: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum StaffPost {
    NewOrder {
        order: OrderCard,
    },
    /// What an event did that staff must know (rejection, FOC, completion...).
    Notice {
        #[serde(skip)]
        notice: Notice,
        order: OrderCard,
    },
    /// The customer or the carrier has not acted for `days`.
    Alert {
        #[serde(skip)]
        alert: Alert,
        order: OrderCard,
        days: i64,
    },
    /// An e-mail the bot did not act on alone; the staff-queue number is filled in
    /// when the item is saved.
    NeedsPerson {
        item: StaffItem,
        item_id: &'static str,
    },
    EmailFailed {
        to: String,
        subject: String,
        error: String,
        order: Option<OrderCard>,
    },
    EmailWaiting {
        to: String,
        subject: String,
        error: String,
        reference: Option<OrderRef>,
    },
    Digest {
        /// The day, written out ("Tuesday, December 1, 2026").
        date: String,
        today: Vec<DigestLine>,
        tomorrow: Vec<DigestLine>,
        rejected: Vec<DigestLine>,
        stuck: Vec<DigestLine>,
        /// E-mails waiting for a person.
        unhandled: i64,
    },
    RequestHeld(HeldRequest),
    /// Onboarding opened the customer's held requests: what each became.
    HeldReleased {
        account: String,
        lines: Vec<String>,
    },
    /// The scheduler's tick fails: nothing due goes out until it works again.
    SchedulerDown {
        /// When it started failing, in the desk's time zone ("Tuesday, December 1, 2026 08:00 EST").
        since: String,
        error: String,
    },
}

impl StaffPost {
    pub fn needs_person(item: StaffItem) -> Self {
        StaffPost::NeedsPerson {
            item,
            item_id: INBOX_ITEM_MARK,
        }
    }

    /// The template in `prompts/` it is written by.
    pub fn template(&self) -> &'static str {
        match self {
            StaffPost::NewOrder { .. } => "chat/new_order",
            StaffPost::Notice { notice, .. } => match notice {
                Notice::BillMismatch => "chat/bill_mismatch",
                Notice::Rejection => "chat/rejection",
                Notice::FocSet => "chat/foc_set",
                Notice::Completed => "chat/completed",
                Notice::PartlyCompleted => "chat/partly_completed",
                Notice::Cancelled => "chat/cancelled",
                Notice::Reopened | Notice::CompletionWithdrawn => "chat/reopened",
            },
            StaffPost::Alert { alert, .. } => match alert {
                Alert::DocumentsOverdue => "chat/documents_overdue",
                Alert::RejectionUnfixed => "chat/rejection_unfixed",
                Alert::RoutingUnconfirmed => "chat/routing_unconfirmed",
                Alert::CarrierSilent => "chat/carrier_silent",
                Alert::ContractEnding => "chat/contract_ending",
                Alert::ReadyIdle => "chat/ready_idle",
                Alert::FocPassed => "chat/foc_passed",
            },
            StaffPost::NeedsPerson { .. } => "chat/needs_person",
            StaffPost::EmailFailed { .. } => "chat/email_failed",
            StaffPost::EmailWaiting { .. } => "chat/email_waiting",
            StaffPost::Digest { .. } => "chat/digest",
            StaffPost::RequestHeld(_) => "chat/request_held",
            StaffPost::HeldReleased { .. } => "chat/held_released",
            StaffPost::SchedulerDown { .. } => "chat/scheduler_down",
        }
    }
}

//! The port order: one losing carrier, one kind of number, one customer account, and
//! what the desk knows about it. The facts that follow from it (mismatches, routing
//! confirmed, the fee, what blocks it) are computed, never stored.

use super::bill::{check_against_bill, AccountDetails, Bill, Mismatch, MismatchField};
use super::email::EmailAddress;
use super::order_ref::OrderRef;
use super::phone::PhoneNumber;
use super::reject::RejectCode;
use super::route::{NumberType, Route};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// The porting fee, charged for every number on the order, portable or not.
pub const FEE_PER_NUMBER_CENTS: i64 = 2500;

macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                Self::ALL.iter().copied().find(|v| v.as_str() == wanted).ok_or_else(|| {
                    let words: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    format!("'{}' is not one of {}", s.trim(), words.join(", "))
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

word_enum!(
    /// Where the order is in its lifecycle (design.md's table).
    OrderState {
        AwaitingDocuments = "awaiting_documents",
        Ready = "ready",
        Submitted = "submitted",
        Rejected = "rejected",
        FocConfirmed = "foc_confirmed",
        Completed = "completed",
        Cancelled = "cancelled",
    }
);

word_enum!(
    /// Local numbers and toll-free numbers never share an order.
    OrderKind { Local = "local", TollFree = "toll_free" }
);

word_enum!(
    /// What became of one number on the order.
    NumberStatus {
        Pending = "pending",
        Ported = "ported",
        /// A completion said it stayed with the losing carrier: the customer keeps that service.
        Remaining = "remaining",
        NotPortable = "not_portable",
        Removed = "removed",
    }
);

impl OrderState {
    /// Completed and cancelled orders are closed: their numbers are free again.
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Completed | Self::Cancelled)
    }

    /// The state in plain words, for staff and customers.
    pub fn plain(self) -> &'static str {
        match self {
            Self::AwaitingDocuments => "waiting for documents",
            Self::Ready => "ready to submit",
            Self::Submitted => "submitted, waiting for the carrier",
            Self::Rejected => "rejected by the carrier, needs a correction",
            Self::FocConfirmed => "port date confirmed",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }
}

impl OrderKind {
    pub fn of(number: &PhoneNumber) -> Self {
        if number.is_toll_free() {
            Self::TollFree
        } else {
            Self::Local
        }
    }
}

/// The customer's PIN or passcode at the losing carrier: kept for the submission, never
/// shown or logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl Pin {
    pub fn new(pin: &str) -> Result<Self, String> {
        let pin = pin.trim();
        if pin.is_empty() || pin.len() > 20 || pin.chars().any(char::is_whitespace) {
            return Err("a PIN is 1 to 20 characters without spaces".to_string());
        }
        Ok(Self(pin.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(****)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderNumber {
    pub number: PhoneNumber,
    pub number_type: NumberType,
    pub status: NumberStatus,
    pub route: Option<Route>,
}

impl OrderNumber {
    /// Numbers still being ported or already ported (not dropped, not unportable).
    pub fn is_live(&self) -> bool {
        matches!(self.status, NumberStatus::Pending | NumberStatus::Ported)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub code: RejectCode,
    pub reason: String,
    /// When the carrier's rejection was taken: the correction reminders count from it.
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub reference: OrderRef,
    /// Bumped by every saved change; a save that expected another version is refused.
    pub version: i64,
    pub state: OrderState,
    pub customer: String,
    pub carrier: String,
    pub kind: OrderKind,
    pub numbers: Vec<OrderNumber>,
    pub contacts: Vec<EmailAddress>,
    /// Contacts whose address bounced: kept on the order, but mail to them fails.
    pub failing_contacts: Vec<EmailAddress>,
    /// The language each contact is written to in, when it is not English.
    pub languages: std::collections::BTreeMap<EmailAddress, super::language::Language>,
    pub account: AccountDetails,
    pub pin: Option<Pin>,
    pub authorized_name: Option<String>,
    pub contract_end: Option<NaiveDate>,
    pub time_zone: Tz,
    pub loa_signed_at: Option<DateTime<Utc>>,
    pub bill: Option<Bill>,
    pub bill_received_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub foc_date: Option<NaiveDate>,
    /// The port date asked of the carrier (a SUPP may ask for another); none: the
    /// carrier's first available date.
    pub requested_date: Option<NaiveDate>,
    /// How many supplements (SUPPs) changed the order after it was submitted.
    pub supplements: i64,
    /// The billing number the account keeps at the losing carrier when its main number
    /// ports away (a partial port).
    pub new_btn: Option<PhoneNumber>,
    pub rejection: Option<Rejection>,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Something that keeps an order from moving on, and who must act on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    pub what: String,
    pub who: Party,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    Customer,
    Staff,
    Carrier,
}

impl Order {
    pub fn phone_numbers(&self) -> Vec<PhoneNumber> {
        self.numbers.iter().map(|n| n.number).collect()
    }

    pub fn mismatches(&self) -> Vec<Mismatch> {
        let Some(bill) = &self.bill else { return Vec::new() };
        let mut found = check_against_bill(&self.account, &self.phone_numbers(), bill);
        if let (Some(days), Some(dated)) = (self.bill_too_old(), bill.invoice_date) {
            found.push(Mismatch {
                field: MismatchField::BillDate,
                order: format!("a bill from the last {days} days"),
                invoice: dated.to_string(),
            });
        }
        found
    }

    /// The bill in hand is older than its limit was when it came: days of the limit.
    pub fn bill_too_old(&self) -> Option<u32> {
        let received = self.bill_received_at?.with_timezone(&self.time_zone).date_naive();
        self.bill.as_ref()?.too_old_on(received)
    }

    /// A bill in hand that is recent enough to check the order against.
    pub fn has_current_bill(&self) -> bool {
        self.bill.is_some() && self.bill_too_old().is_none()
    }

    /// Every number that will port has a confirmed place to ring.
    pub fn routing_confirmed(&self) -> bool {
        let mut live = self.numbers.iter().filter(|n| n.is_live()).peekable();
        live.peek().is_some() && live.all(|n| n.route.is_some())
    }

    /// Numbers the carrier did not port (left with it, or not portable): they keep the
    /// order open until ported or dropped.
    pub fn left_behind(&self) -> Vec<PhoneNumber> {
        self.numbers
            .iter()
            .filter(|n| matches!(n.status, NumberStatus::Remaining | NumberStatus::NotPortable))
            .map(|n| n.number)
            .collect()
    }

    /// Every number is ported or dropped, and at least one ported: the port is done.
    pub fn port_finished(&self) -> bool {
        self.numbers.iter().any(|n| n.status == NumberStatus::Ported)
            && self
                .numbers
                .iter()
                .all(|n| matches!(n.status, NumberStatus::Ported | NumberStatus::Removed))
    }

    /// $25 for every number requested, also those that turn out not portable and are
    /// dropped from the order.
    pub fn fee_total_cents(&self) -> i64 {
        self.numbers.len() as i64 * FEE_PER_NUMBER_CENTS
    }

    /// The account details the carrier checks and that the order lacks, as
    /// (the `set` field, what it is).
    pub fn missing_details(&self) -> Vec<(&'static str, &'static str)> {
        let mut missing = Vec::new();
        if self.account.account_number.is_none() {
            missing.push(("account", "account number"));
        }
        if self.account.account_name.is_none() {
            missing.push(("name", "account name"));
        }
        if self.account.service_address.is_none() {
            missing.push(("address", "service address"));
        }
        missing
    }

    pub fn language_of(&self, contact: &EmailAddress) -> super::language::Language {
        self.languages.get(contact).copied().unwrap_or_default()
    }

    /// The contacts mail can reach (those whose address did not bounce).
    pub fn working_contacts(&self) -> impl Iterator<Item = &EmailAddress> {
        self.contacts.iter().filter(|c| !self.failing_contacts.contains(c))
    }

    /// Documents in, details complete and consistent: the order may be submitted.
    pub fn documents_complete(&self) -> bool {
        self.loa_signed_at.is_some()
            && self.bill.is_some()
            && self.mismatches().is_empty()
            && self.missing_details().is_empty()
    }

    pub fn number(&self, n: &PhoneNumber) -> Option<&OrderNumber> {
        self.numbers.iter().find(|x| x.number == *n)
    }
}

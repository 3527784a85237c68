//! The porting desk's vocabulary and rules, pure: no I/O, no clock, no database.

pub mod attention;
pub mod bill;
mod blockers;
pub mod calendar;
pub mod customer;
pub mod customer_mail;
pub mod detail;
pub mod email;
pub mod ics;
pub mod inbound;
pub mod inbox;
pub mod intake;
pub mod journal;
pub mod language;
pub mod lifecycle;
pub mod limits;
pub mod message_id;
pub mod order;
pub mod order_ref;
pub mod phone;
pub mod reject;
pub mod reminders;
mod reopen;
pub mod request;
pub mod route;
pub mod staff;
pub mod status_link;
#[cfg(test)]
pub(crate) mod testing;
pub mod untrusted;

pub use bill::{AccountDetails, Bill, Mismatch, MismatchField};
pub use customer::{Customer, CustomerContact};
pub use email::EmailAddress;
pub use inbox::{Document, DocumentInfo, Handoff, InboundMessage, StaffItem, StaffItemStatus};
pub use journal::{
    Channel, EmailParts, InboundKey, OutboxDraft, OutboxMessage, OutboxStatus, Source, TimelineEntry, INBOX_ITEM_MARK,
    STAFF_CHANNEL,
};
pub use language::Language;
pub use lifecycle::{Applied, Detail, Event, NotAllowed, Notice, Numbers, Supp};
pub use order::{Blocker, NumberStatus, Order, OrderKind, OrderNumber, OrderState, Party, Pin, Rejection};
pub use order_ref::OrderRef;
pub use phone::{leading_number, parse_number_list, PhoneNumber};
pub use reject::RejectCode;
pub use request::{PortRequest, RequestError};
pub use route::{NumberType, Route};

//! A port request as the customer (or staff on their behalf) makes it, and the seed
//! rules an order must meet to open: one losing carrier, one kind of number, contacts.

use super::bill::AccountDetails;
use super::email::{each_once, EmailAddress};
use super::limits;
use super::order::{NumberStatus, Order, OrderKind, OrderNumber, OrderState, Pin};
use super::order_ref::OrderRef;
use super::phone::PhoneNumber;
use super::route::NumberType;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// What the customer (or staff on their behalf) asks to port.
#[derive(Debug, Clone)]
pub struct PortRequest {
    pub customer: String,
    pub carrier: String,
    pub numbers: Vec<PhoneNumber>,
    pub number_type: NumberType,
    pub kind: Option<OrderKind>,
    pub contacts: Vec<EmailAddress>,
    pub account: AccountDetails,
    pub pin: Option<Pin>,
    pub authorized_name: Option<String>,
    pub contract_end: Option<NaiveDate>,
    pub time_zone: Tz,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("name the customer account (e.g. ACME-001)")]
    NoCustomer,
    #[error("name the losing carrier (e.g. \"Comcast Business\")")]
    NoCarrier,
    #[error("list at least one number to port")]
    NoNumbers,
    #[error("add at least one contact e-mail: contacts are the only people told about the order")]
    NoContacts,
    #[error("toll-free numbers go on their own order: open one order for {toll_free} and another for {local}")]
    MixedKinds { toll_free: String, local: String },
    #[error("{count} numbers on one order: at most {max}; split them over several requests")]
    TooManyNumbers { count: usize, max: usize },
    #[error("{count} contacts on one order: at most {max}; name the people who act on the port")]
    TooManyContacts { count: usize, max: usize },
    #[error("{0}")]
    TooLong(String),
    #[error("{0}")]
    BadAccount(String),
    #[error("the order is for {wanted} numbers but {number} is {actual}")]
    WrongKind {
        wanted: OrderKind,
        number: String,
        actual: OrderKind,
    },
}

impl PortRequest {
    /// Checks the seed rules: a customer, a carrier, numbers of one kind, a contact.
    /// Gives the order's kind.
    pub fn check(&self) -> Result<OrderKind, RequestError> {
        if self.customer.trim().is_empty() {
            return Err(RequestError::NoCustomer);
        }
        // Account ids follow one rule everywhere: the portal's, the CLI's, the chat's.
        super::customer::check_account(&self.customer).map_err(RequestError::BadAccount)?;
        if self.carrier.trim().is_empty() {
            return Err(RequestError::NoCarrier);
        }
        let first = *self.numbers.first().ok_or(RequestError::NoNumbers)?;
        if self.numbers.len() > limits::MAX_NUMBERS {
            return Err(RequestError::TooManyNumbers {
                count: self.numbers.len(),
                max: limits::MAX_NUMBERS,
            });
        }
        let texts = [
            ("the customer account", Some(self.customer.as_str())),
            ("the carrier", Some(self.carrier.as_str())),
            ("the account number", self.account.account_number.as_deref()),
            ("the account name", self.account.account_name.as_deref()),
            ("the service address", self.account.service_address.as_deref()),
            ("the authorized name", self.authorized_name.as_deref()),
        ];
        for (field, value) in texts {
            if let Some(why) = value.and_then(|v| limits::too_long(field, v, limits::MAX_NAME)) {
                return Err(RequestError::TooLong(why));
            }
        }
        if self.contacts.is_empty() {
            return Err(RequestError::NoContacts);
        }
        let contacts = each_once(self.contacts.clone()).len();
        if contacts > limits::MAX_CONTACTS {
            return Err(RequestError::TooManyContacts {
                count: contacts,
                max: limits::MAX_CONTACTS,
            });
        }
        let (toll_free, local): (Vec<_>, Vec<_>) = self.numbers.iter().partition(|n| n.is_toll_free());
        if !toll_free.is_empty() && !local.is_empty() {
            let show = |v: &[&PhoneNumber]| v.iter().map(|n| n.e164()).collect::<Vec<_>>().join(", ");
            return Err(RequestError::MixedKinds {
                toll_free: show(&toll_free),
                local: show(&local),
            });
        }
        let actual = OrderKind::of(&first);
        let kind = self.kind.unwrap_or(actual);
        if kind != actual {
            return Err(RequestError::WrongKind {
                wanted: kind,
                number: first.e164(),
                actual,
            });
        }
        Ok(kind)
    }

    /// The order as it opens, in `awaiting_documents`, once the seed rules hold.
    pub fn open(self, reference: OrderRef, now: DateTime<Utc>) -> Result<Order, RequestError> {
        let kind = self.check()?;
        let customer = self.customer.trim().to_string();
        let carrier = self.carrier.trim().to_string();
        let contacts = each_once(self.contacts);
        Ok(Order {
            reference,
            version: 0,
            state: OrderState::AwaitingDocuments,
            customer,
            carrier,
            kind,
            numbers: self
                .numbers
                .iter()
                .map(|n| OrderNumber {
                    number: *n,
                    number_type: self.number_type,
                    status: NumberStatus::Pending,
                    route: None,
                })
                .collect(),
            contacts,
            failing_contacts: Vec::new(),
            languages: Default::default(),
            account: self.account,
            pin: self.pin,
            authorized_name: self.authorized_name,
            contract_end: self.contract_end,
            time_zone: self.time_zone,
            loa_signed_at: None,
            bill: None,
            bill_received_at: None,
            submitted_at: None,
            foc_date: None,
            requested_date: None,
            supplements: 0,
            new_btn: None,
            rejection: None,
            opened_at: now,
            updated_at: now,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opened(request: PortRequest) -> Result<Order, RequestError> {
        request.open(OrderRef::from_number(1), "2026-11-23T15:00:00Z".parse().unwrap())
    }

    #[test]
    fn an_order_takes_at_most_twenty_five_contacts() {
        let mut crowd = crate::domain::testing::request("305-555-0100", "ops@acme.example");
        crowd.contacts = (0..=limits::MAX_CONTACTS)
            .map(|i| format!("staff{i}@acme.example").parse().unwrap())
            .collect();
        assert_eq!(
            opened(crowd).unwrap_err().to_string(),
            "26 contacts on one order: at most 25; name the people who act on the port"
        );
    }

    #[test]
    fn a_contact_written_twice_is_written_to_once() {
        let mut twice = crate::domain::testing::request("305-555-0100", "ops@acme.example");
        twice.contacts.push("ap@acme.example".parse().unwrap());
        twice.contacts.push("OPS@acme.example".parse().unwrap());
        let contacts: Vec<String> = opened(twice).unwrap().contacts.iter().map(|c| c.to_string()).collect();
        assert_eq!(contacts, ["ops@acme.example", "ap@acme.example"]);
    }
}

//! An order's rows as the database holds them (the order, its numbers and contacts),
//! and their conversion to and from the domain; what an order leaves behind is in
//! `trail_rows`. Plain data: the same for every backend.

use crate::domain::{
    AccountDetails, Bill, EmailAddress, NumberStatus, NumberType, Order, OrderKind, OrderNumber, OrderRef, OrderState,
    Pin, RejectCode, Rejection, Route,
};
use anyhow::{anyhow, Context};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderRow {
    pub id: i64,
    pub version: i64,
    pub state: String,
    pub customer: String,
    pub carrier: String,
    pub kind: String,
    pub account_number: Option<String>,
    pub btn: Option<String>,
    pub pin: Option<String>,
    pub account_name: Option<String>,
    pub service_address: Option<String>,
    pub authorized_name: Option<String>,
    pub contract_end: Option<NaiveDate>,
    pub time_zone: String,
    pub loa_signed_at: Option<DateTime<Utc>>,
    pub bill: Option<String>,
    pub bill_received_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub foc_date: Option<NaiveDate>,
    pub reject_code: Option<String>,
    pub reject_reason: Option<String>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub requested_date: Option<NaiveDate>,
    pub supplements: i64,
    pub new_btn: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NumberRow {
    pub order_id: i64,
    pub position: i64,
    pub number: String,
    pub number_type: String,
    pub status: String,
    pub route: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct ContactRow {
    pub order_id: i64,
    pub position: i64,
    pub email: String,
    pub failing: bool,
    pub language: Option<String>,
}

/// A number or a contact of an order: both kinds come back in one statement
/// (`statements::NUMBERS_OF_ORDERS`), told apart by `contact`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineRow {
    pub order_id: i64,
    pub position: i64,
    pub contact: bool,
    /// The number (E.164) or the e-mail address.
    pub value: String,
    pub number_type: Option<String>,
    pub status: Option<String>,
    /// A number's route, a contact's language.
    pub note: Option<String>,
    /// A number is on an open order; mail to a contact bounces.
    pub flag: bool,
}

impl LineRow {
    /// The numbers and the contacts.
    pub fn split(rows: Vec<LineRow>) -> (Vec<NumberRow>, Vec<ContactRow>) {
        let (mut numbers, mut contacts) = (Vec::new(), Vec::new());
        for r in rows {
            if r.contact {
                contacts.push(ContactRow {
                    order_id: r.order_id,
                    position: r.position,
                    email: r.value,
                    failing: r.flag,
                    language: r.note,
                });
            } else {
                numbers.push(NumberRow {
                    order_id: r.order_id,
                    position: r.position,
                    number: r.value,
                    number_type: r.number_type.unwrap_or_default(),
                    status: r.status.unwrap_or_default(),
                    route: r.note,
                    active: r.flag,
                });
            }
        }
        (numbers, contacts)
    }
}

/// The store's id of an order: the digits of its reference.
pub fn order_id(reference: &OrderRef) -> Option<i64> {
    reference.number()
}

impl OrderRow {
    pub fn from_order(order: &Order) -> anyhow::Result<Self> {
        Ok(Self {
            id: order_id(&order.reference)
                .ok_or_else(|| anyhow!("{} is not a reference this desk issued", order.reference))?,
            version: order.version,
            state: order.state.as_str().to_string(),
            customer: order.customer.clone(),
            carrier: order.carrier.clone(),
            kind: order.kind.as_str().to_string(),
            account_number: order.account.account_number.clone(),
            btn: order.account.btn.map(|n| n.e164()),
            pin: order.pin.as_ref().map(|p| p.expose().to_string()),
            account_name: order.account.account_name.clone(),
            service_address: order.account.service_address.clone(),
            authorized_name: order.authorized_name.clone(),
            contract_end: order.contract_end,
            time_zone: order.time_zone.name().to_string(),
            loa_signed_at: order.loa_signed_at,
            bill: order.bill.as_ref().map(serde_json::to_string).transpose()?,
            bill_received_at: order.bill_received_at,
            submitted_at: order.submitted_at,
            foc_date: order.foc_date,
            reject_code: order.rejection.as_ref().map(|r| r.code.code().to_string()),
            reject_reason: order.rejection.as_ref().map(|r| r.reason.clone()),
            rejected_at: order.rejection.as_ref().and_then(|r| r.at),
            opened_at: order.opened_at,
            updated_at: order.updated_at,
            requested_date: order.requested_date,
            supplements: order.supplements,
            new_btn: order.new_btn.map(|n| n.e164()),
        })
    }

    /// Rebuilds the order; a row this code cannot read is an error, never a guess.
    pub fn into_order(self, numbers: Vec<NumberRow>, contacts: Vec<ContactRow>) -> anyhow::Result<Order> {
        let id = self.id;
        let ctx = || format!("order PORT-{id} in the database is unreadable");
        let contacts = Contacts::read(contacts).with_context(ctx)?;
        let rejection = rejection_of(self.reject_code, self.reject_reason, self.rejected_at)?;
        let order = Order {
            reference: OrderRef::from_number(id),
            version: self.version,
            state: self
                .state
                .parse::<OrderState>()
                .map_err(|e| anyhow!(e))
                .with_context(ctx)?,
            customer: self.customer,
            carrier: self.carrier,
            kind: self
                .kind
                .parse::<OrderKind>()
                .map_err(|e| anyhow!(e))
                .with_context(ctx)?,
            numbers: numbers
                .into_iter()
                .map(NumberRow::into_line)
                .collect::<anyhow::Result<_>>()
                .with_context(ctx)?,
            contacts: contacts.addresses,
            failing_contacts: contacts.failing,
            languages: contacts.languages,
            account: AccountDetails {
                account_number: self.account_number,
                btn: self.btn.map(|b| b.parse()).transpose().with_context(ctx)?,
                account_name: self.account_name,
                service_address: self.service_address,
            },
            pin: self
                .pin
                .map(|p| Pin::new(&p).map_err(|e| anyhow!(e)))
                .transpose()
                .with_context(ctx)?,
            authorized_name: self.authorized_name,
            contract_end: self.contract_end,
            time_zone: self.time_zone.parse().map_err(|e| anyhow!("{e}")).with_context(ctx)?,
            loa_signed_at: self.loa_signed_at,
            bill: self
                .bill
                .map(|b| serde_json::from_str::<Bill>(&b))
                .transpose()
                .with_context(ctx)?,
            bill_received_at: self.bill_received_at,
            submitted_at: self.submitted_at,
            foc_date: self.foc_date,
            requested_date: self.requested_date,
            supplements: self.supplements,
            new_btn: self.new_btn.map(|b| b.parse()).transpose().with_context(ctx)?,
            rejection,
            opened_at: self.opened_at,
            updated_at: self.updated_at,
        };
        Ok(order)
    }
}

/// The carrier's last rejection, when the row has one.
fn rejection_of(
    code: Option<String>,
    reason: Option<String>,
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> anyhow::Result<Option<Rejection>> {
    let Some(code) = code else {
        return Ok(None);
    };
    Ok(Some(Rejection {
        code: code.parse::<RejectCode>()?,
        reason: reason.unwrap_or_default(),
        at,
    }))
}

/// An order's contacts as its rows hold them.
struct Contacts {
    addresses: Vec<EmailAddress>,
    failing: Vec<EmailAddress>,
    languages: std::collections::BTreeMap<EmailAddress, crate::domain::Language>,
}

impl Contacts {
    fn read(rows: Vec<ContactRow>) -> anyhow::Result<Self> {
        let mut contacts = Contacts {
            addresses: Vec::new(),
            failing: Vec::new(),
            languages: Default::default(),
        };
        for row in rows {
            let address = row.email.parse::<EmailAddress>()?;
            // A language this build does not know is left out, not guessed.
            if let Some(language) = row.language.as_deref().and_then(|l| l.parse().ok()) {
                contacts.languages.insert(address.clone(), language);
            }
            if row.failing {
                contacts.failing.push(address.clone());
            }
            contacts.addresses.push(address);
        }
        Ok(contacts)
    }
}

impl NumberRow {
    pub fn from_line(order: &Order, position: usize, line: &OrderNumber) -> anyhow::Result<Self> {
        Ok(Self {
            order_id: order_id(&order.reference).ok_or_else(|| anyhow!("{} has no store id", order.reference))?,
            position: position as i64,
            number: line.number.e164(),
            number_type: line.number_type.as_str().to_string(),
            status: line.status.as_str().to_string(),
            route: line.route.as_ref().map(Route::to_string),
            // A dropped number is free for another order.
            active: order.state.is_open() && line.status != NumberStatus::Removed,
        })
    }

    fn into_line(self) -> anyhow::Result<OrderNumber> {
        Ok(OrderNumber {
            number: self.number.parse()?,
            number_type: self.number_type.parse::<NumberType>().map_err(|e| anyhow!(e))?,
            status: self.status.parse::<NumberStatus>().map_err(|e| anyhow!(e))?,
            route: self.route.map(|r| r.parse::<Route>()).transpose()?,
        })
    }
}

/// Groups child rows by order id, keeping their positions.
pub fn group_by_order<T, F: Fn(&T) -> (i64, i64)>(mut rows: Vec<T>, key: F) -> std::collections::HashMap<i64, Vec<T>> {
    rows.sort_by_key(|r| key(r));
    let mut out: std::collections::HashMap<i64, Vec<T>> = std::collections::HashMap::new();
    for row in rows {
        out.entry(key(&row).0).or_default().push(row);
    }
    out
}

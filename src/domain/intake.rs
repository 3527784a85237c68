//! A port request from the billing portal (the LOA form), read into domain values once,
//! with every problem listed, and split into one order per losing carrier and kind
//! (toll-free numbers never share an order with local ones). Pure.

use super::bill::AccountDetails;
use super::customer::{check_account, Customer};
use super::email::EmailAddress;
use super::order::{OrderKind, Pin};
use super::phone::{parse_number_list, PhoneNumber};
use super::request::PortRequest;
use super::route::NumberType;
use chrono::NaiveDate;
use serde::Deserialize;

/// The JSON the portal posts. Every field is optional here so that a missing one is
/// reported with the others, not as the first serde error.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IntakeForm {
    pub request_id: Option<String>,
    pub customer: Option<String>,
    pub submitted_by: Option<String>,
    pub carrier: Option<String>,
    pub numbers: Option<Vec<NumberEntry>>,
    pub number_type: Option<String>,
    pub btn: Option<String>,
    pub account_number: Option<String>,
    pub pin: Option<String>,
    pub account_name: Option<String>,
    pub service_address: Option<String>,
    pub authorized_name: Option<String>,
    pub contract_end: Option<String>,
    pub temporary_numbers: Option<serde_json::Value>,
}

/// A number, or a number with the carrier it leaves (a form listing several carriers).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum NumberEntry {
    Plain(String),
    WithCarrier { number: String, carrier: Option<String> },
}

/// A request read and checked: who, and the orders to open.
#[derive(Debug, Clone)]
pub struct Intake {
    pub request_id: String,
    pub customer: String,
    pub submitted_by: EmailAddress,
    pub wants_temporary_numbers: bool,
    pub orders: Vec<PortRequest>,
}

/// The identifiers, read first: they say which customer and which request this is.
pub fn ids(form: &IntakeForm) -> Result<(String, String), Vec<String>> {
    let mut problems = Vec::new();
    let request_id = match form.request_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() && id.len() <= 100 => Some(id.to_string()),
        Some(_) => {
            problems.push("request_id must be 1 to 100 characters".to_string());
            None
        }
        None => {
            problems.push("request_id is missing".to_string());
            None
        }
    };
    let customer = match form.customer.as_deref() {
        Some(c) => check_account(c)
            .map_err(|e| problems.push(format!("customer: {e}")))
            .ok(),
        None => {
            problems.push("customer is missing".to_string());
            None
        }
    };
    match (request_id, customer) {
        (Some(r), Some(c)) if problems.is_empty() => Ok((r, c)),
        _ => Err(problems),
    }
}

impl Intake {
    /// What keeps its orders from opening (a carrier name or a number list the order
    /// checks refuse), each named by the start of its carrier.
    pub fn problems(&self) -> Vec<String> {
        self.orders
            .iter()
            .filter_map(|request| {
                let e = request.check().err()?;
                // The start only: the carrier may be what is too long.
                let carrier: String = request.carrier.chars().take(40).collect();
                Some(format!("{carrier}: {e}"))
            })
            .collect()
    }
}

/// Reads the whole form for `customer`; every problem is listed.
pub fn read(form: &IntakeForm, customer: &Customer) -> Result<Intake, Vec<String>> {
    let mut problems = Vec::new();
    let (request_id, account) = match ids(form) {
        Ok(ids) => ids,
        Err(p) => {
            problems.extend(p);
            (String::new(), String::new())
        }
    };
    let required = required(form, &mut problems);
    let extras = extras(form, &mut problems);
    let lines = match numbers_by_carrier(form, required.carrier.as_deref(), &mut problems) {
        Some(lines) => lines,
        None => return Err(problems),
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let (Some(submitted_by), Some(number_type)) = (required.submitted_by, extras.number_type) else {
        return Err(vec!["the request could not be read".to_string()]);
    };
    let contacts = contacts_of(&submitted_by, customer);
    let groups = by_carrier_and_kind(lines);
    let orders = groups
        .into_iter()
        .map(|((carrier, kind), numbers)| PortRequest {
            customer: account.clone(),
            carrier,
            numbers,
            number_type,
            kind: Some(kind),
            contacts: contacts.clone(),
            account: AccountDetails {
                account_number: required.account_number.clone(),
                btn: extras.btn,
                account_name: required.account_name.clone(),
                service_address: required.service_address.clone(),
            },
            pin: extras.pin.clone(),
            authorized_name: required.authorized_name.clone(),
            contract_end: extras.contract_end,
            time_zone: customer.time_zone,
        })
        .collect();
    Ok(Intake {
        request_id,
        customer: account,
        submitted_by,
        wants_temporary_numbers: extras.wants_temporary_numbers,
        orders,
    })
}

/// The fields every form must fill.
struct Required {
    submitted_by: Option<EmailAddress>,
    carrier: Option<String>,
    account_number: Option<String>,
    account_name: Option<String>,
    service_address: Option<String>,
    authorized_name: Option<String>,
}

fn required(form: &IntakeForm, problems: &mut Vec<String>) -> Required {
    let mut need = |field: &Option<String>, name: &str| -> Option<String> {
        match field.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() => Some(v.to_string()),
            _ => {
                problems.push(format!("{name} is missing"));
                None
            }
        }
    };
    let submitted_by = need(&form.submitted_by, "submitted_by");
    let carrier = need(&form.carrier, "carrier");
    let account_number = need(&form.account_number, "account_number");
    let account_name = need(&form.account_name, "account_name");
    let service_address = need(&form.service_address, "service_address");
    let authorized_name = need(&form.authorized_name, "authorized_name");
    let submitted_by = submitted_by.and_then(|s| {
        s.parse::<EmailAddress>()
            .map_err(|e| problems.push(format!("submitted_by: {e}")))
            .ok()
    });
    Required {
        submitted_by,
        carrier,
        account_number,
        account_name,
        service_address,
        authorized_name,
    }
}

/// Whoever submitted the request, then the account's contacts.
fn contacts_of(submitted_by: &EmailAddress, customer: &Customer) -> Vec<EmailAddress> {
    let mut contacts = vec![submitted_by.clone()];
    for c in &customer.contacts {
        if !contacts.contains(&c.email) {
            contacts.push(c.email.clone());
        }
    }
    contacts
}

/// The fields a form may leave out, read; each problem is listed.
struct Extras {
    number_type: Option<NumberType>,
    btn: Option<PhoneNumber>,
    pin: Option<Pin>,
    contract_end: Option<NaiveDate>,
    wants_temporary_numbers: bool,
}

fn extras(form: &IntakeForm, problems: &mut Vec<String>) -> Extras {
    let number_type = match form.number_type.as_deref() {
        None => Some(NumberType::Voice),
        Some(t) => t
            .parse::<NumberType>()
            .map_err(|e| problems.push(format!("number_type: {e}")))
            .ok(),
    };
    let btn = form.btn.as_deref().filter(|b| !b.trim().is_empty()).and_then(|b| {
        b.parse::<PhoneNumber>()
            .map_err(|e| problems.push(format!("btn: {e}")))
            .ok()
    });
    let pin = form
        .pin
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .and_then(|p| Pin::new(p).map_err(|e| problems.push(format!("pin: {e}"))).ok());
    let contract_end = form
        .contract_end
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .and_then(|d| {
            NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map_err(|_| problems.push(format!("contract_end '{d}' is not a date: write it as YYYY-MM-DD")))
                .ok()
        });
    let wants_temporary_numbers = match &form.temporary_numbers {
        None | Some(serde_json::Value::Null) => false,
        Some(serde_json::Value::Bool(b)) => *b,
        Some(_) => {
            problems.push("temporary_numbers must be true or false".to_string());
            false
        }
    };
    Extras {
        number_type,
        btn,
        pin,
        contract_end,
        wants_temporary_numbers,
    }
}

/// The numbers, each with its losing carrier (its own, else the form's); `None` when
/// there are too many to read on.
fn numbers_by_carrier(
    form: &IntakeForm,
    carrier: Option<&str>,
    problems: &mut Vec<String>,
) -> Option<Vec<(String, PhoneNumber)>> {
    let mut lines: Vec<(String, PhoneNumber)> = Vec::new();
    match &form.numbers {
        None => problems.push("numbers is missing".to_string()),
        Some(list) if list.is_empty() => problems.push("numbers is empty: list the numbers to port".to_string()),
        Some(list) => {
            for entry in list {
                let (text, own_carrier) = match entry {
                    NumberEntry::Plain(n) => (n.as_str(), None),
                    NumberEntry::WithCarrier { number, carrier } => (number.as_str(), carrier.as_deref()),
                };
                let Some(carrier) = own_carrier.map(str::to_string).or_else(|| carrier.map(str::to_string)) else {
                    continue;
                };
                match parse_number_list(text) {
                    Ok(numbers) => lines.extend(numbers.into_iter().map(|n| (carrier.trim().to_string(), n))),
                    Err(e) => problems.push(format!("numbers: {e}")),
                }
            }
        }
    }
    if lines.len() > super::limits::MAX_NUMBERS {
        problems.push(format!(
            "numbers: {} listed, at most {} in one request: split it",
            lines.len(),
            super::limits::MAX_NUMBERS
        ));
        return None;
    }
    let mut seen = std::collections::HashSet::new();
    for (_, n) in &lines {
        if !seen.insert(*n) {
            problems.push(format!("numbers: {} is listed twice", n.pretty()));
        }
    }
    Some(lines)
}

/// One order per losing carrier and kind (toll-free numbers on their own), in the
/// order the form lists them.
fn by_carrier_and_kind(lines: Vec<(String, PhoneNumber)>) -> Vec<((String, OrderKind), Vec<PhoneNumber>)> {
    let mut groups: Vec<((String, OrderKind), Vec<PhoneNumber>)> = Vec::new();
    for (carrier, number) in lines {
        let kind = if number.is_toll_free() {
            OrderKind::TollFree
        } else {
            OrderKind::Local
        };
        let key = (carrier.to_lowercase(), kind);
        match groups.iter_mut().find(|((c, k), _)| (c.to_lowercase(), *k) == key) {
            Some((_, numbers)) => numbers.push(number),
            None => groups.push(((carrier, kind), vec![number])),
        }
    }
    groups
}

#[cfg(test)]
#[path = "intake_tests.rs"]
mod tests;

//! A port request from the billing portal (the LOA form), read into domain values once,
//! with every problem listed, and split into one order per losing carrier and kind
//! (toll-free numbers never share an order with local ones), each with its own
//! carrier's account. Pure.

use super::customer::{check_account, Customer};
use super::email::EmailAddress;
use super::order::OrderKind;
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
    /// One entry per losing carrier; the flat account fields above are the form's
    /// `carrier`'s when it has no entry here.
    pub accounts: Option<Vec<AccountForm>>,
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
    let accounts = accounts_of(form, required.carrier.as_deref(), &mut problems);
    // A form listing one account may leave the carrier out: it is that account's.
    let carrier = required
        .carrier
        .clone()
        .or_else(|| (accounts.len() == 1).then(|| accounts[0].carrier.clone()));
    let lines = match numbers_by_carrier(form, carrier.as_deref(), &mut problems) {
        Some(lines) => lines,
        None => return Err(problems),
    };
    for a in &accounts {
        if !lines.iter().any(|(c, _)| same_carrier(c, &a.carrier)) {
            problems.push(format!("accounts: no number in the request leaves {}", a.carrier));
        }
    }
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
        .map(|((carrier, kind), numbers)| {
            // A carrier the form gives no account for opens without one: the customer is asked.
            let given = account_for(&accounts, &carrier).cloned().unwrap_or_default();
            PortRequest {
                customer: account.clone(),
                carrier,
                numbers,
                number_type,
                kind: Some(kind),
                contacts: contacts.clone(),
                account: given.details,
                pin: given.pin,
                authorized_name: required.authorized_name.clone(),
                contract_end: extras.contract_end,
                time_zone: customer.time_zone,
            }
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
    // With an `accounts` list, each carrier's details are there and the form's own
    // carrier may be left out; without one, the flat fields are the one carrier's.
    let carrier = match &form.accounts {
        Some(_) => form
            .carrier
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        None => {
            let carrier = need(&form.carrier, "carrier");
            need(&form.account_number, "account_number");
            need(&form.account_name, "account_name");
            need(&form.service_address, "service_address");
            carrier
        }
    };
    let authorized_name = need(&form.authorized_name, "authorized_name");
    let submitted_by = submitted_by.and_then(|s| {
        s.parse::<EmailAddress>()
            .map_err(|e| problems.push(format!("submitted_by: {e}")))
            .ok()
    });
    Required {
        submitted_by,
        carrier,
        authorized_name,
    }
}

/// The accounts the form lists, and the flat fields as the form's carrier's account
/// when the list has none for it.
fn accounts_of(form: &IntakeForm, carrier: Option<&str>, problems: &mut Vec<String>) -> Vec<CarrierAccount> {
    let mut accounts = read_accounts(form.accounts.as_deref().unwrap_or_default(), problems);
    if let Some(carrier) = carrier {
        if account_for(&accounts, carrier).is_none() {
            let flat = AccountForm {
                carrier: Some(carrier.to_string()),
                account_number: form.account_number.clone(),
                pin: form.pin.clone(),
                btn: form.btn.clone(),
                account_name: form.account_name.clone(),
                service_address: form.service_address.clone(),
            };
            accounts.push(read_one(carrier, &flat, problems));
        }
    }
    accounts
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
                    // Without an `accounts` list the missing carrier is already reported.
                    if form.accounts.is_some() {
                        problems.push(format!(
                            "numbers: {text} names no carrier: give it one, or the form's `carrier`"
                        ));
                    }
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
        // The same carrier however it is spelled, as its account is found (`account_for`).
        match groups
            .iter_mut()
            .find(|((c, k), _)| *k == kind && same_carrier(c, &carrier))
        {
            Some((_, numbers)) => numbers.push(number),
            None => groups.push(((carrier, kind), vec![number])),
        }
    }
    groups
}

#[path = "intake_accounts.rs"]
mod accounts;
pub use accounts::{account_for, same_carrier, AccountForm, CarrierAccount};
use accounts::{read_accounts, read_one};

#[cfg(test)]
#[path = "intake_tests.rs"]
mod tests;

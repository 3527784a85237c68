//! Each losing carrier's account as the portal form gives it: the `accounts` list, one
//! entry a carrier, or the form's flat fields as the one-carrier form. An order whose
//! carrier the form gives no details for opens without them, and the customer is asked.

use crate::domain::bill::AccountDetails;
use crate::domain::order::Pin;
use crate::domain::phone::PhoneNumber;
use serde::Deserialize;

/// One carrier's account in the form's `accounts` list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AccountForm {
    pub carrier: Option<String>,
    pub account_number: Option<String>,
    pub pin: Option<String>,
    pub btn: Option<String>,
    pub account_name: Option<String>,
    pub service_address: Option<String>,
}

/// A carrier's account read: the details the bill is checked against, and the PIN.
#[derive(Debug, Clone, Default)]
pub struct CarrierAccount {
    pub carrier: String,
    pub details: AccountDetails,
    pub pin: Option<Pin>,
}

/// The accounts of a form, each problem listed under the carrier it belongs to.
pub fn read_accounts(list: &[AccountForm], problems: &mut Vec<String>) -> Vec<CarrierAccount> {
    let mut accounts: Vec<CarrierAccount> = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let Some(carrier) = filled(&entry.carrier) else {
            problems.push(format!("accounts[{i}]: name its carrier"));
            continue;
        };
        if accounts.iter().any(|a| same_carrier(&a.carrier, &carrier)) {
            problems.push(format!("accounts: {carrier} is listed twice: one account a carrier"));
            continue;
        }
        accounts.push(read_one(&carrier, entry, problems));
    }
    accounts
}

/// One carrier's account: an `accounts` entry, or the flat fields as the form's carrier's.
pub fn read_one(carrier: &str, entry: &AccountForm, problems: &mut Vec<String>) -> CarrierAccount {
    let btn = filled(&entry.btn).and_then(|b| {
        b.parse::<PhoneNumber>()
            .map_err(|e| problems.push(format!("{carrier}: btn: {e}")))
            .ok()
    });
    let pin = filled(&entry.pin).and_then(|p| {
        Pin::new(&p)
            .map_err(|e| problems.push(format!("{carrier}: pin: {e}")))
            .ok()
    });
    CarrierAccount {
        carrier: carrier.to_string(),
        details: AccountDetails {
            account_number: filled(&entry.account_number),
            btn,
            account_name: filled(&entry.account_name),
            service_address: filled(&entry.service_address),
        },
        pin,
    }
}

/// The account given for `carrier`, if the form gives one.
pub fn account_for<'a>(accounts: &'a [CarrierAccount], carrier: &str) -> Option<&'a CarrierAccount> {
    accounts.iter().find(|a| same_carrier(&a.carrier, carrier))
}

/// Carriers are named as the customer writes them: case and spacing do not matter.
pub fn same_carrier(a: &str, b: &str) -> bool {
    let key = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    key(a) == key(b)
}

fn filled(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

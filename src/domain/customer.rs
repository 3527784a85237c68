//! Customer accounts: who may port numbers to us. Only an onboarded customer's port
//! requests open orders; the contacts named here are written to about every order.

use super::email::EmailAddress;
use super::language::Language;
use super::phone::PhoneNumber;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

/// An account id as the billing portal writes it: `ACME-001`.
pub fn check_account(account: &str) -> Result<String, String> {
    let account = account.trim();
    let ok = !account.is_empty()
        && account.len() <= 40
        && account.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok {
        Ok(account.to_ascii_uppercase())
    } else {
        Err(format!(
            "'{account}' is not an account id: letters, digits and - _ . only, e.g. ACME-001"
        ))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerContact {
    pub email: EmailAddress,
    pub name: Option<String>,
    pub language: Language,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Customer {
    pub account: String,
    pub company: String,
    pub onboarded: bool,
    pub contacts: Vec<CustomerContact>,
    #[serde(serialize_with = "tz_name")]
    pub time_zone: Tz,
    /// Numbers the customer uses (with call forwarding) while the port runs.
    pub temporary_numbers: Vec<PhoneNumber>,
    pub created_at: DateTime<Utc>,
}

fn tz_name<S: serde::Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(tz.name())
}

impl Customer {
    pub fn new(account: String, company: String, time_zone: Tz, now: DateTime<Utc>) -> Self {
        Self {
            account,
            company,
            onboarded: false,
            contacts: Vec::new(),
            time_zone,
            temporary_numbers: Vec::new(),
            created_at: now,
        }
    }

    /// Adds a contact, or updates the one with that address.
    pub fn set_contact(&mut self, contact: CustomerContact) {
        match self.contacts.iter_mut().find(|c| c.email == contact.email) {
            Some(existing) => *existing = contact,
            None => self.contacts.push(contact),
        }
    }

    pub fn language_of(&self, email: &EmailAddress) -> Option<Language> {
        self.contacts.iter().find(|c| &c.email == email).map(|c| c.language)
    }
}

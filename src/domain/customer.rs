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

    /// Adds a contact, or updates the one with that address; refused, with what to do,
    /// when the account already keeps as many contacts as an order can take.
    pub fn set_contact(&mut self, contact: CustomerContact) -> Result<(), String> {
        let kept = self.contacts.len();
        match self.contacts.iter_mut().find(|c| c.email == contact.email) {
            Some(existing) => *existing = contact,
            None if kept >= super::limits::MAX_ACCOUNT_CONTACTS => {
                return Err(format!(
                    "{a} keeps {kept} contacts, the most an account can: its orders are written to each of them; \
                     remove one first (`customer remove-contact {a} EMAIL`)",
                    a = self.account
                ))
            }
            None => self.contacts.push(contact),
        }
        Ok(())
    }

    /// Removes a contact: refused when the account has no such contact, or when it is
    /// an onboarded account's only one (its requests would open orders nobody hears of).
    pub fn remove_contact(&mut self, email: &EmailAddress) -> Result<(), String> {
        let Some(at) = self.contacts.iter().position(|c| &c.email == email) else {
            let kept: Vec<&str> = self.contacts.iter().map(|c| c.email.as_str()).collect();
            return Err(match kept.is_empty() {
                true => format!("{} has no contacts", self.account),
                false => format!(
                    "{} has no contact {email}: its contacts are {}",
                    self.account,
                    kept.join(", ")
                ),
            });
        };
        if self.onboarded && self.contacts.len() == 1 {
            return Err(format!(
                "{email} is {}'s only contact: add another first (`customer contact {} ops@company.com`)",
                self.account, self.account
            ));
        }
        self.contacts.remove(at);
        Ok(())
    }

    pub fn language_of(&self, email: &EmailAddress) -> Option<Language> {
        self.contacts.iter().find(|c| &c.email == email).map(|c| c.language)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(email: &str) -> CustomerContact {
        CustomerContact {
            email: email.parse().unwrap(),
            name: None,
            language: Language::En,
        }
    }

    fn acme() -> Customer {
        Customer::new(
            "ACME-001".into(),
            "Acme Dental Group".into(),
            chrono_tz::America::New_York,
            "2026-11-01T12:00:00Z".parse().unwrap(),
        )
    }

    #[test]
    fn an_account_keeps_as_many_contacts_as_its_orders_can_take_with_the_requester() {
        let mut acme = acme();
        for i in 0..super::super::limits::MAX_ACCOUNT_CONTACTS {
            acme.set_contact(contact(&format!("staff{i}@acme.example"))).unwrap();
        }
        assert_eq!(
            acme.set_contact(contact("one-more@acme.example")).unwrap_err(),
            "ACME-001 keeps 24 contacts, the most an account can: its orders are written to each of them; \
             remove one first (`customer remove-contact ACME-001 EMAIL`)"
        );
        // A contact it has can still change language.
        let mut spanish = contact("staff3@acme.example");
        spanish.language = Language::Es;
        acme.set_contact(spanish).unwrap();
        assert_eq!(
            acme.language_of(&"staff3@acme.example".parse().unwrap()),
            Some(Language::Es)
        );
    }

    #[test]
    fn a_contact_is_removed_but_never_an_onboarded_accounts_last() {
        let mut acme = acme();
        acme.set_contact(contact("ops@acme.example")).unwrap();
        acme.set_contact(contact("ap@acme.example")).unwrap();
        acme.onboarded = true;
        let ops: EmailAddress = "ops@acme.example".parse().unwrap();
        let ap: EmailAddress = "ap@acme.example".parse().unwrap();
        assert_eq!(
            acme.remove_contact(&"maria@acme.example".parse().unwrap()).unwrap_err(),
            "ACME-001 has no contact maria@acme.example: its contacts are ops@acme.example, ap@acme.example"
        );
        acme.remove_contact(&ops).unwrap();
        assert_eq!(acme.contacts.len(), 1);
        assert_eq!(
            acme.remove_contact(&ap).unwrap_err(),
            "ap@acme.example is ACME-001's only contact: add another first (`customer contact ACME-001 ops@company.com`)"
        );
        acme.onboarded = false;
        acme.remove_contact(&ap).unwrap();
        assert!(acme.contacts.is_empty());
    }
}

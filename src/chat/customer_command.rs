//! `customer ...` commands: staff manage customer accounts from the chat.

use super::command::CommandError;
use super::words::{key_values_for, nothing_more, split_word, usage};
use crate::desk::CustomerChange;
use crate::domain::{parse_number_list, EmailAddress, Language};

pub const USAGE_CUSTOMER: &str = "customer add ACME-001 company=\"Acme Dental\" [time-zone=America/Chicago] | \
    customer show ACME-001 | customer onboard ACME-001 | customer contact ACME-001 EMAIL [name=\"...\"] [language=es] | \
    customer remove-contact ACME-001 EMAIL | customer temporary ACME-001 NUMBERS";

#[derive(Debug, Clone)]
pub enum CustomerCommand {
    Show(String),
    Change(String, CustomerChange),
}

pub fn parse(text: &str) -> Result<CustomerCommand, CommandError> {
    let (verb, rest) = split_word(text);
    let (account, rest) = split_word(rest);
    let bad = |e: String| usage(e, USAGE_CUSTOMER);
    let address = |word: &str| {
        word.parse::<EmailAddress>()
            .map_err(|e: crate::domain::email::EmailAddressError| bad(e.to_string()))
    };
    if account.is_empty() {
        return Err(bad("name the customer account, e.g. ACME-001".into()));
    }
    let account = account.to_string();
    let rest = rest.trim();
    let change = match verb.to_ascii_lowercase().as_str() {
        "show" | "status" => return Ok(CustomerCommand::Show(account)),
        "add" | "new" => {
            let mut company = String::new();
            let mut time_zone = None;
            for (key, value) in key_values_for(rest, USAGE_CUSTOMER)? {
                match key.as_str() {
                    "company" | "name" => company = value,
                    "time-zone" | "tz" => {
                        time_zone = Some(
                            value
                                .parse()
                                .map_err(|_| bad(format!("'{value}' is not an IANA time zone")))?,
                        )
                    }
                    other => return Err(bad(format!("'{other}' is not something an account has"))),
                }
            }
            CustomerChange::Add { company, time_zone }
        }
        "onboard" | "onboarded" => CustomerChange::Onboard,
        "contact" => {
            let (email, rest) = split_word(rest);
            let email = address(email)?;
            let mut name = None;
            let mut language = Language::En;
            for (key, value) in key_values_for(rest, USAGE_CUSTOMER)? {
                match key.as_str() {
                    "name" => name = Some(value),
                    "language" | "lang" => language = value.parse().map_err(bad)?,
                    other => return Err(bad(format!("'{other}' is not something a contact has"))),
                }
            }
            CustomerChange::Contact { email, name, language }
        }
        "remove-contact" | "uncontact" => {
            let (email, extra) = split_word(rest);
            nothing_more(extra, USAGE_CUSTOMER)?;
            CustomerChange::RemoveContact(address(email)?)
        }
        "temporary" | "temporary-numbers" => {
            CustomerChange::TemporaryNumbers(parse_number_list(rest).map_err(|e| bad(e.to_string()))?)
        }
        other => return Err(bad(format!("'{other}' is not something staff do to a customer"))),
    };
    Ok(CustomerCommand::Change(account, change))
}

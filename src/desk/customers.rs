//! Customer accounts at the desk: staff add them, name their contacts (and the language
//! each is written in), note temporary numbers, and onboard them; only then do the
//! portal's requests open orders.

use super::{Desk, DeskError};
use crate::domain::customer::check_account;
use crate::domain::{Customer, CustomerContact, EmailAddress, Language, PhoneNumber};
use chrono_tz::Tz;

/// A change staff make to a customer account.
#[derive(Debug, Clone)]
pub enum CustomerChange {
    Add {
        company: String,
        time_zone: Option<Tz>,
    },
    Onboard,
    Contact {
        email: EmailAddress,
        name: Option<String>,
        language: Language,
    },
    RemoveContact(EmailAddress),
    TemporaryNumbers(Vec<PhoneNumber>),
}

impl Desk {
    pub async fn customer(&self, account: &str) -> Result<Customer, DeskError> {
        let account = check_account(account).map_err(DeskError::BadCustomer)?;
        self.store
            .customer(&account)
            .await?
            .ok_or_else(|| DeskError::UnknownCustomer(account))
    }

    /// Applies a change and returns the account as it now is.
    pub async fn change_customer(&self, account: &str, change: CustomerChange) -> Result<Customer, DeskError> {
        let account = check_account(account).map_err(DeskError::BadCustomer)?;
        let existing = self.store.customer(&account).await?;
        let customer = match (existing, change) {
            (Some(_), CustomerChange::Add { .. }) => return Err(DeskError::CustomerExists(account)),
            (None, CustomerChange::Add { company, time_zone }) => {
                let company = company.trim().to_string();
                if company.is_empty() {
                    return Err(DeskError::BadCustomer(
                        "give the company name: company=\"Acme Dental Group\"".into(),
                    ));
                }
                if let Some(why) =
                    crate::domain::limits::too_long("the company name", &company, crate::domain::limits::MAX_NAME)
                {
                    return Err(DeskError::BadCustomer(why));
                }
                let tz = time_zone.unwrap_or(self.mail.default_time_zone);
                Customer::new(account, company, tz, self.clock.now())
            }
            (None, _) => return Err(DeskError::UnknownCustomer(account)),
            (Some(mut c), CustomerChange::Onboard) => {
                if c.contacts.is_empty() {
                    return Err(DeskError::BadCustomer(format!(
                        "{account} has no contact yet: add one first (`customer contact {account} ops@company.com`)"
                    )));
                }
                c.onboarded = true;
                c
            }
            (Some(mut c), CustomerChange::Contact { email, name, language }) => {
                c.set_contact(CustomerContact { email, name, language })
                    .map_err(DeskError::BadCustomer)?;
                c
            }
            (Some(mut c), CustomerChange::RemoveContact(email)) => {
                c.remove_contact(&email).map_err(DeskError::BadCustomer)?;
                c
            }
            (Some(mut c), CustomerChange::TemporaryNumbers(numbers)) => {
                c.temporary_numbers = numbers;
                c
            }
        };
        self.store.save_customer(&customer).await?;
        if customer.onboarded {
            self.release_held(&customer).await?;
        }
        Ok(customer)
    }
}

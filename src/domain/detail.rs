//! The details of an order staff can change, and what changing one does.

use super::email::EmailAddress;
use super::lifecycle::NotAllowed;
use super::order::{Order, Pin};
use super::phone::PhoneNumber;
use chrono::NaiveDate;

/// A detail of the order that staff (or a corrected request) can change.
#[derive(Debug, Clone)]
pub enum Detail {
    AccountNumber(String),
    Pin(Pin),
    Btn(PhoneNumber),
    /// The number that becomes the account's billing number at the losing carrier when
    /// the main number ports away and other lines stay (the LSR's NBTN).
    NewBtn(PhoneNumber),
    AccountName(String),
    ServiceAddress(String),
    AuthorizedName(String),
    ContractEnd(NaiveDate),
    Contacts(Vec<EmailAddress>),
    /// The language every contact is written to in.
    Language(super::language::Language),
    /// What the numbers are (voice, fax, e-fax): one, or all when none is named.
    NumberType {
        number: Option<super::phone::PhoneNumber>,
        kind: super::route::NumberType,
    },
}

/// A name, number or address as given: trimmed, not empty, not too long.
fn non_empty(s: String, what: &'static str) -> Result<String, NotAllowed> {
    let s = s.trim().to_string();
    if s.is_empty() {
        return Err(NotAllowed::Empty(what));
    }
    match super::limits::too_long("it", &s, super::limits::MAX_NAME) {
        Some(why) => Err(NotAllowed::TooLong(why)),
        None => Ok(s),
    }
}

/// The contacts replace the old ones; what was known of a removed contact goes with it.
fn set_contacts(order: &mut Order, list: Vec<super::email::EmailAddress>) -> Result<String, NotAllowed> {
    if list.is_empty() {
        return Err(NotAllowed::Empty("an order needs at least one contact"));
    }
    let list = super::email::each_once(list);
    if list.len() > super::limits::MAX_CONTACTS {
        return Err(NotAllowed::TooLong(format!(
            "{} contacts on one order: at most {}; name the people who act on the port",
            list.len(),
            super::limits::MAX_CONTACTS
        )));
    }
    let text = format!(
        "contacts set to {}",
        list.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
    );
    order.failing_contacts.retain(|c| list.contains(c));
    order.languages.retain(|c, _| list.contains(c));
    order.contacts = list;
    Ok(text)
}

impl Detail {
    /// Contacts and the contract date can change while the order is open; the account
    /// details only before submission or to correct a rejection.
    pub(super) fn changes_the_submission(&self) -> bool {
        !matches!(
            self,
            Detail::Contacts(_) | Detail::ContractEnd(_) | Detail::Language(_) | Detail::NumberType { .. }
        )
    }

    /// Whether the bill shows this detail (a PIN, a contact or a date it does not).
    pub(super) fn is_on_the_bill(&self) -> bool {
        matches!(
            self,
            Detail::AccountNumber(_) | Detail::Btn(_) | Detail::AccountName(_) | Detail::ServiceAddress(_)
        )
    }
}

fn language_name(language: super::language::Language) -> &'static str {
    match language {
        super::language::Language::En => "English",
        super::language::Language::Es => "Spanish",
    }
}

impl Detail {
    /// Writes the detail onto the order; returns the timeline text.
    pub(super) fn apply_to(self, order: &mut Order) -> Result<String, NotAllowed> {
        Ok(match self {
            Detail::AccountNumber(v) => {
                let v = non_empty(v, "the account number cannot be empty")?;
                order.account.account_number = Some(v);
                "account number changed".to_string()
            }
            Detail::Pin(pin) => {
                order.pin = Some(pin);
                "PIN changed".to_string()
            }
            Detail::Btn(n) => {
                order.account.btn = Some(n);
                format!("BTN set to {n}")
            }
            Detail::NewBtn(n) => set_new_btn(order, n)?,
            Detail::AccountName(v) => {
                let v = non_empty(v, "the account name cannot be empty")?;
                let text = format!("account name set to '{v}'");
                order.account.account_name = Some(v);
                text
            }
            Detail::ServiceAddress(v) => {
                let v = non_empty(v, "the service address cannot be empty")?;
                let text = format!("service address set to '{v}'");
                order.account.service_address = Some(v);
                text
            }
            Detail::AuthorizedName(v) => {
                let v = non_empty(v, "the authorized name cannot be empty")?;
                let text = format!("authorized person set to '{v}'");
                order.authorized_name = Some(v);
                text
            }
            Detail::ContractEnd(d) => {
                order.contract_end = Some(d);
                format!("contract end set to {d}")
            }
            Detail::Contacts(list) => set_contacts(order, list)?,
            Detail::NumberType { number, kind } => set_number_type(order, number, kind)?,
            Detail::Language(language) => {
                order.languages = order.contacts.iter().map(|c| (c.clone(), language)).collect();
                format!("customer e-mails now in {}", language_name(language))
            }
        })
    }
}

/// The new billing number stays with the losing carrier: it cannot be a number this
/// order ports.
fn set_new_btn(order: &mut Order, n: PhoneNumber) -> Result<String, NotAllowed> {
    if order.number(&n).is_some_and(|line| line.is_live()) {
        return Err(NotAllowed::NotASupp(format!(
            "{n} ports on {}: the new BTN must be a number that stays with {}",
            order.reference, order.carrier
        )));
    }
    order.new_btn = Some(n);
    Ok(format!("new BTN {n} (stays with {})", order.carrier))
}

/// Sets what the numbers are; a route that no longer fits is cleared (it is asked for
/// again before the port day).
fn set_number_type(
    order: &mut Order,
    number: Option<super::phone::PhoneNumber>,
    kind: super::route::NumberType,
) -> Result<String, NotAllowed> {
    if let Some(n) = number {
        super::lifecycle::on_order(order, &n)?;
    }
    let mut changed = 0;
    let mut cleared = 0;
    for line in order
        .numbers
        .iter_mut()
        .filter(|l| number.is_none_or(|n| l.number == n))
    {
        changed += 1;
        line.number_type = kind;
        if line
            .route
            .as_ref()
            .is_some_and(|r| r.fits(kind, &line.number.e164()).is_err())
        {
            line.route = None;
            cleared += 1;
        }
    }
    let which = match (number, changed) {
        (Some(n), _) => n.e164(),
        (None, 1) => "the one number".to_string(),
        (None, n) => format!("all {n} numbers"),
    };
    Ok(match cleared {
        0 => format!("{which} now {}", kind.as_str()),
        n => format!(
            "{which} now {}; {n} route(s) no longer fit and were cleared: set them again with `route`",
            kind.as_str()
        ),
    })
}

//! The details of an order as staff type them: `open key=value ...` for a new order,
//! `set PORT-1042 FIELD VALUE` for one detail.

use super::command::CommandError;
use super::words::{key_values_for, parse_contacts, parse_date, usage};
use crate::domain::{
    leading_number, parse_number_list, AccountDetails, Detail, NumberType, OrderKind, Pin, PortRequest,
};
use chrono_tz::Tz;

/// The fields `set` can change, with the words staff use for them.
pub const SET_FIELDS: &str =
    "account, pin, btn, new-btn, name, address, authorized, contract-end, contacts, language (en|es), type ([NUMBER] voice|fax|efax)";

pub const USAGE_OPEN: &str =
    "open customer=ACME-001 carrier=\"Comcast Business\" numbers=\"305-555-0100 thru 0103\" contact=ops@acme.example";
pub const USAGE_SET: &str = "set PORT-1042 FIELD VALUE";

pub(super) fn parse_detail(field: &str, value: &str) -> Result<Detail, CommandError> {
    let field_key = field.to_ascii_lowercase().replace('_', "-");
    if field_key.is_empty() {
        return Err(usage(format!("name the field: {SET_FIELDS}"), USAGE_SET));
    }
    if value.is_empty() {
        return Err(usage(format!("give the new {field_key}"), USAGE_SET));
    }
    let bad = |e: String| usage(e, USAGE_SET);
    Ok(match field_key.as_str() {
        "account" | "account-number" => Detail::AccountNumber(value.to_string()),
        "pin" | "passcode" => Detail::Pin(Pin::new(value).map_err(bad)?),
        "btn" | "billing-number" => Detail::Btn(
            value
                .parse()
                .map_err(|e: crate::domain::phone::PhoneError| bad(e.to_string()))?,
        ),
        "new-btn" | "nbtn" => Detail::NewBtn(
            value
                .parse()
                .map_err(|e: crate::domain::phone::PhoneError| bad(e.to_string()))?,
        ),
        "name" | "account-name" => Detail::AccountName(value.to_string()),
        "address" | "service-address" => Detail::ServiceAddress(value.to_string()),
        "authorized" | "authorized-name" => Detail::AuthorizedName(value.to_string()),
        "contract-end" => Detail::ContractEnd(parse_date(value, USAGE_SET)?),
        "contacts" | "contact" => Detail::Contacts(parse_contacts(value).map_err(bad)?),
        "language" | "lang" => Detail::Language(value.parse().map_err(bad)?),
        "type" | "number-type" => match leading_number(value) {
            Ok((number, kind)) => Detail::NumberType {
                number: Some(number),
                kind: kind.trim().parse::<NumberType>().map_err(bad)?,
            },
            Err(_) => Detail::NumberType {
                number: None,
                kind: value.parse::<NumberType>().map_err(bad)?,
            },
        },
        other => return Err(bad(format!("'{other}' is not a field: use one of {SET_FIELDS}"))),
    })
}

pub(super) fn parse_open(text: &str, default_tz: Tz) -> Result<PortRequest, CommandError> {
    let bad = |e: String| usage(e, USAGE_OPEN);
    let mut request = PortRequest {
        customer: String::new(),
        carrier: String::new(),
        numbers: Vec::new(),
        number_type: NumberType::Voice,
        kind: None,
        contacts: Vec::new(),
        account: AccountDetails::default(),
        pin: None,
        authorized_name: None,
        contract_end: None,
        time_zone: default_tz,
    };
    for (key, value) in key_values_for(text, USAGE_OPEN)? {
        match key.as_str() {
            "customer" => request.customer = value,
            "carrier" => request.carrier = value,
            "numbers" | "number" => request
                .numbers
                .extend(parse_number_list(&value).map_err(|e| bad(e.to_string()))?),
            "contact" | "contacts" => request.contacts.extend(parse_contacts(&value).map_err(bad)?),
            "type" => request.number_type = value.parse().map_err(bad)?,
            "kind" => request.kind = Some(value.parse::<OrderKind>().map_err(bad)?),
            "account" | "account-number" => request.account.account_number = Some(value),
            "pin" => request.pin = Some(Pin::new(&value).map_err(bad)?),
            "btn" => {
                request.account.btn = Some(
                    value
                        .parse()
                        .map_err(|e: crate::domain::phone::PhoneError| bad(e.to_string()))?,
                )
            }
            "name" | "account-name" => request.account.account_name = Some(value),
            "address" | "service-address" => request.account.service_address = Some(value),
            "authorized" | "authorized-name" => request.authorized_name = Some(value),
            "contract-end" => request.contract_end = Some(parse_date(&value, USAGE_OPEN)?),
            "tz" | "time-zone" => {
                request.time_zone = value
                    .parse()
                    .map_err(|_| bad(format!("'{value}' is not an IANA time zone such as America/New_York")))?
            }
            other => return Err(bad(format!("'{other}' is not an order detail"))),
        }
    }
    Ok(request)
}

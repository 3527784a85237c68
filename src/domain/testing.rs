//! What the domain's tests share: Acme's order as the portal would open it.

use super::{parse_number_list, AccountDetails, NumberType, Order, OrderRef, PortRequest};

/// Acme's port request for `numbers`, with `contact`, as the portal would send it.
pub(crate) fn request(numbers: &str, contact: &str) -> PortRequest {
    PortRequest {
        customer: "ACME-001".into(),
        carrier: "Comcast Business".into(),
        numbers: parse_number_list(numbers).unwrap(),
        number_type: NumberType::Voice,
        kind: None,
        contacts: vec![contact.parse().unwrap()],
        account: AccountDetails::default(),
        pin: None,
        authorized_name: None,
        contract_end: None,
        time_zone: chrono_tz::America::New_York,
    }
}

/// Acme's order `PORT-{n}` for `numbers`, with `contact`, opened Monday 23 November
/// 2026 at 10:00 in New York.
pub(crate) fn order(n: i64, numbers: &str, contact: &str) -> Order {
    request(numbers, contact)
        .open(OrderRef::from_number(n), "2026-11-23T15:00:00Z".parse().unwrap())
        .unwrap()
}

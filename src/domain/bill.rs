//! The losing carrier's bill as read from the customer's copy, and the check of an
//! order's details against it.

use super::phone::PhoneNumber;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The fields of a bill that a port order must agree with (the parse contract's `invoice`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bill {
    pub carrier: Option<String>,
    pub account_number: Option<String>,
    pub btn: Option<PhoneNumber>,
    pub account_name: Option<String>,
    pub service_address: Option<String>,
    pub invoice_date: Option<NaiveDate>,
    #[serde(default)]
    pub numbers: Vec<PhoneNumber>,
    /// The oldest a bill may be when it arrives, in days (`desk.bill_max_age_days`):
    /// set by the desk as it takes the bill, never by the parser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_days: Option<u32>,
}

/// How old a bill may be, by default, to show the account as it is now.
pub const BILL_MAX_AGE_DAYS: u32 = 60;

impl Bill {
    /// The bill is older than its limit on `received` (the day it came): a mismatch
    /// that asks for the latest one. Gives the limit in days.
    pub fn too_old_on(&self, received: NaiveDate) -> Option<u32> {
        let (limit, dated) = (self.max_age_days?, self.invoice_date?);
        ((received - dated).num_days() > i64::from(limit)).then_some(limit)
    }
}

/// What the order says about the account at the losing carrier.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountDetails {
    pub account_number: Option<String>,
    pub btn: Option<PhoneNumber>,
    pub account_name: Option<String>,
    pub service_address: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MismatchField {
    AccountNumber,
    Btn,
    AccountName,
    ServiceAddress,
    Numbers,
    /// The bill is older than `desk.bill_max_age_days`: the latest one is needed.
    BillDate,
}

impl MismatchField {
    pub fn label(self) -> &'static str {
        match self {
            Self::AccountNumber => "account number",
            Self::Btn => "billing number (BTN)",
            Self::AccountName => "account name",
            Self::ServiceAddress => "service address",
            Self::Numbers => "numbers",
            Self::BillDate => "bill date",
        }
    }
}

/// One disagreement between the order and the bill, with both values as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    pub field: MismatchField,
    pub order: String,
    pub invoice: String,
}

/// Compares the order with the bill. A field the bill does not show, or the order does
/// not yet have, cannot disagree. Only formatting is forgiven: spaces, hyphens and dots
/// in account numbers, case and spacing in names, case, punctuation, common
/// abbreviations and ZIP+4 in addresses. Order numbers missing from the bill's list are
/// a mismatch; bill numbers not on the order are not (a partial port).
pub fn check_against_bill(order: &AccountDetails, numbers: &[PhoneNumber], bill: &Bill) -> Vec<Mismatch> {
    let mut found = Vec::new();
    let mut compare = |field, ours: &Option<String>, theirs: &Option<String>, same: fn(&str, &str) -> bool| {
        if let (Some(o), Some(b)) = (ours, theirs) {
            if !same(o, b) {
                found.push(Mismatch {
                    field,
                    order: o.clone(),
                    invoice: b.clone(),
                });
            }
        }
    };
    compare(
        MismatchField::AccountNumber,
        &order.account_number,
        &bill.account_number,
        |a, b| account_number_key(a) == account_number_key(b),
    );
    let (our_btn, bill_btn) = (order.btn.map(|n| n.e164()), bill.btn.map(|n| n.e164()));
    compare(MismatchField::Btn, &our_btn, &bill_btn, |a, b| a == b);
    compare(
        MismatchField::AccountName,
        &order.account_name,
        &bill.account_name,
        |a, b| name_key(a) == name_key(b),
    );
    compare(
        MismatchField::ServiceAddress,
        &order.service_address,
        &bill.service_address,
        |a, b| address_key(a) == address_key(b),
    );
    if !bill.numbers.is_empty() {
        let missing: Vec<String> = numbers
            .iter()
            .filter(|n| !bill.numbers.contains(n))
            .map(|n| n.e164())
            .collect();
        if !missing.is_empty() {
            found.push(Mismatch {
                field: MismatchField::Numbers,
                order: format!("not on the bill: {}", missing.join(", ")),
                invoice: bill.numbers.iter().map(|n| n.e164()).collect::<Vec<_>>().join(", "),
            });
        }
    }
    found
}

/// Letters and digits only, upper case: `8774 1012-3456.789` → `877410123456789`.
pub fn account_number_key(written: &str) -> String {
    written
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn name_key(written: &str) -> String {
    written
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Spelled-out words and their usual abbreviations, all read as the abbreviation.
const ADDRESS_WORDS: &[(&str, &str)] = &[
    ("street", "st"),
    ("avenue", "ave"),
    ("av", "ave"),
    ("boulevard", "blvd"),
    ("road", "rd"),
    ("drive", "dr"),
    ("lane", "ln"),
    ("court", "ct"),
    ("place", "pl"),
    ("parkway", "pkwy"),
    ("highway", "hwy"),
    ("circle", "cir"),
    ("terrace", "ter"),
    ("square", "sq"),
    ("trail", "trl"),
    ("plaza", "plz"),
    ("expressway", "expy"),
    ("freeway", "fwy"),
    ("center", "ctr"),
    ("centre", "ctr"),
    ("building", "bldg"),
    ("floor", "fl"),
    ("suite", "#"),
    ("ste", "#"),
    ("unit", "#"),
    ("apartment", "#"),
    ("apt", "#"),
    ("room", "#"),
    ("rm", "#"),
    ("north", "n"),
    ("south", "s"),
    ("east", "e"),
    ("west", "w"),
    ("northeast", "ne"),
    ("northwest", "nw"),
    ("southeast", "se"),
    ("southwest", "sw"),
    ("alabama", "al"),
    ("alaska", "ak"),
    ("arizona", "az"),
    ("arkansas", "ar"),
    ("california", "ca"),
    ("colorado", "co"),
    ("connecticut", "ct"),
    ("delaware", "de"),
    ("florida", "fl"),
    ("georgia", "ga"),
    ("hawaii", "hi"),
    ("idaho", "id"),
    ("illinois", "il"),
    ("indiana", "in"),
    ("iowa", "ia"),
    ("kansas", "ks"),
    ("kentucky", "ky"),
    ("louisiana", "la"),
    ("maine", "me"),
    ("maryland", "md"),
    ("massachusetts", "ma"),
    ("michigan", "mi"),
    ("minnesota", "mn"),
    ("mississippi", "ms"),
    ("missouri", "mo"),
    ("montana", "mt"),
    ("nebraska", "ne"),
    ("nevada", "nv"),
    ("ohio", "oh"),
    ("oklahoma", "ok"),
    ("oregon", "or"),
    ("pennsylvania", "pa"),
    ("tennessee", "tn"),
    ("texas", "tx"),
    ("utah", "ut"),
    ("vermont", "vt"),
    ("virginia", "va"),
    ("washington", "wa"),
    ("wisconsin", "wi"),
    ("wyoming", "wy"),
];

/// An address reduced to what identifies the place: `100 Main Street, Suite 200,
/// Miami, Florida 33130-1234` and `100 MAIN ST #200 MIAMI FL 33130` give the same key.
pub fn address_key(written: &str) -> String {
    let lowered = written.to_lowercase().replace('#', " # ");
    let mut words: Vec<String> = Vec::new();
    for raw in lowered.split(|c: char| c.is_whitespace() || c == ',' || c == '.' || c == ';') {
        if raw.is_empty() {
            continue;
        }
        let word = zip5(raw).unwrap_or(raw);
        let word = ADDRESS_WORDS
            .iter()
            .find(|(long, _)| *long == word)
            .map(|(_, short)| *short)
            .unwrap_or(word);
        words.push(word.to_string());
    }
    // "Suite 200" and "#200" are the same unit.
    words.join(" ").replace("# ", "#")
}

/// `33130-1234` → `33130`.
fn zip5(word: &str) -> Option<&str> {
    let (five, four) = word.split_once('-')?;
    let digits = |s: &str, n| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    (digits(five, 5) && digits(four, 4)).then_some(five)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details() -> AccountDetails {
        AccountDetails {
            account_number: Some("8774 1012 3456 789".into()),
            btn: Some("305-555-0100".parse().unwrap()),
            account_name: Some("Coral Gables Dental Group".into()),
            service_address: Some("2100 Ponce de Leon Blvd, Coral Gables, FL 33134".into()),
        }
    }

    fn bill() -> Bill {
        Bill {
            carrier: Some("Comcast Business".into()),
            account_number: Some("877410123456789".into()),
            btn: Some("+13055550100".parse().unwrap()),
            account_name: Some("CORAL GABLES  DENTAL GROUP".into()),
            service_address: Some("2100 Ponce De Leon Boulevard, Coral Gables, Florida 33134-4321".into()),
            invoice_date: None,
            numbers: vec!["+13055550100".parse().unwrap(), "+13055550101".parse().unwrap()],
            max_age_days: None,
        }
    }

    fn numbers(list: &str) -> Vec<PhoneNumber> {
        crate::domain::phone::parse_number_list(list).unwrap()
    }

    #[test]
    fn a_bill_that_differs_only_in_formatting_matches() {
        assert_eq!(
            check_against_bill(&details(), &numbers("305-555-0100"), &bill()),
            vec![]
        );
    }

    #[test]
    fn every_real_difference_is_a_mismatch() {
        type Change = fn(&mut AccountDetails);
        let cases: [(Change, MismatchField); 5] = [
            (
                |d| d.account_number = Some("8774 1012 3456 788".into()),
                MismatchField::AccountNumber,
            ),
            (|d| d.btn = Some("305-555-0101".parse().unwrap()), MismatchField::Btn),
            (
                |d| d.account_name = Some("Coral Gables Dental Group LLC".into()),
                MismatchField::AccountName,
            ),
            (
                |d| d.service_address = Some("2110 Ponce de Leon Blvd, Coral Gables, FL 33134".into()),
                MismatchField::ServiceAddress,
            ),
            (
                |d| d.service_address = Some("2100 Ponce de Leon Blvd, Coral Gables, FL 33146".into()),
                MismatchField::ServiceAddress,
            ),
        ];
        for (change, field) in cases {
            let mut order = details();
            change(&mut order);
            let found = check_against_bill(&order, &numbers("305-555-0100"), &bill());
            assert_eq!(found.iter().map(|m| m.field).collect::<Vec<_>>(), vec![field]);
        }
    }

    #[test]
    fn an_order_number_missing_from_the_bill_is_a_mismatch_but_not_the_reverse() {
        let found = check_against_bill(&details(), &numbers("305-555-0101 thru 0102"), &bill());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].field, MismatchField::Numbers);
        assert!(found[0].order.contains("+13055550102") && !found[0].order.contains("+13055550101"));
    }

    #[test]
    fn what_one_side_does_not_show_cannot_disagree() {
        let empty = Bill::default();
        assert_eq!(check_against_bill(&details(), &numbers("305-555-0109"), &empty), vec![]);
        assert_eq!(check_against_bill(&AccountDetails::default(), &[], &bill()), vec![]);
    }

    #[test]
    fn addresses_are_compared_by_what_identifies_the_place() {
        let same = [
            ("100 Main St, Miami, FL 33130", "100 MAIN STREET, MIAMI, FL 33130-1234"),
            (
                "100 Main St., Suite 200, Miami, FL 33130",
                "100 Main Street #200 Miami Florida 33130",
            ),
            (
                "55 W. 3rd Ave Apt 4, Denver, CO 80223",
                "55 West 3rd Avenue, Unit 4, Denver, Colorado 80223",
            ),
        ];
        for (a, b) in same {
            assert_eq!(address_key(a), address_key(b), "{a} / {b}");
        }
        let different = [
            ("100 Main St, Miami, FL 33130", "100 Main Ave, Miami, FL 33130"),
            ("100 Main St, Miami, FL 33130", "100 Main St, Miami Beach, FL 33130"),
            (
                "100 Main St, Suite 200, Miami, FL 33130",
                "100 Main St, Suite 210, Miami, FL 33130",
            ),
            ("100 N Main St, Miami, FL 33130", "100 S Main St, Miami, FL 33130"),
        ];
        for (a, b) in different {
            assert_ne!(address_key(a), address_key(b), "{a} / {b}");
        }
    }

    #[test]
    fn account_numbers_keep_letters_and_digits_only() {
        assert_eq!(account_number_key("8774 1012-3456.789"), "877410123456789");
        assert_eq!(account_number_key("ab-12 c"), "AB12C");
    }
}

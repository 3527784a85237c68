//! The losing carrier's bill, from a PDF, an HTML page, plain text or an e-bill in a
//! mail body: carrier, account number, BTN, account name, service address (not the
//! mailing address), bill date, and the numbers billed as lines (not the numbers
//! dialled in call detail). Labels come from `carriers`; one generic reader reads all.

pub mod address;
pub mod carriers;
pub mod fields;
pub mod labels;
pub mod layout;
pub mod pdf;
mod pdf_fonts;

use super::dates::dates_in;
use super::numbers::NumberRules;
use crate::domain::{Bill, PhoneNumber};
use crate::parse::pattern;
use crate::parse::pattern::Pattern;
use carriers::*;
use chrono::NaiveDate;
use fields::{account_value, first_value};
use labels::{is_label, labels_at_start, Field};
use layout::{lines_of, Line};
use std::sync::LazyLock;

static MONEY: LazyLock<Pattern> = LazyLock::new(|| pattern::compiled(r"\$\s?\d[\d,]*\.\d\d"));
static BILL_WORDS: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(
        r"(?i)amount due|total due|balance due|amount paid|total charged|invoice total|current charges|new charges|balance forward|previous balance|total this (invoice|bill)|monthly charges|pay by|payment due|please pay|autopay|due date|\btotal\b|total a pagar|saldo|cargos",
    )
});
static BILL_CONTACT_CUE: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(
        r"(?i)\bcall\b|questions|support|customer service|\bcare\b|to reach us|visit|\btty\b|www\.|\w\.(com|net|org)\b|contact us|\bhelp\b|llame|atenci[oó]n al cliente|\bfax\s*:|\bbilling( team| dept| department)?\s*[·:\-]?\s*$|mahalo|\bthank you\b",
    )
});
static STARTS_WITH_DATE: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(
        r"(?i)^\s*(\d{1,2}/\d{1,2}\b|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b)|\b\d{1,2}:\d\d\s?([ap]\.?m?\b)",
    )
});
/// A heading over calls made: a line without a number that speaks of calls or usage.
static CALLS_HEADING: LazyLock<Pattern> =
    LazyLock::new(|| pattern::compiled(r"(?i)\bcalls\b|\busage\b|long distance|llamadas"));
/// Products named after calls (`Remote Call Forward`, `Call Queue Number`): not a cue
/// that the number beside them is someone to call.
static CALL_PRODUCTS: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(r"(?i)\bcall (queue|forward\w*|park|group|pickup|center|centre|recording|routing|waiting|pilot)")
});

/// A text read as a bill: the fields found, and how strongly the text as a whole
/// reads as a bill (with the evidence, for `parse --explain`).
#[derive(Debug, Clone, Default)]
pub struct BillReading {
    pub bill: Bill,
    pub strength: u32,
    /// A bill shows what is owed or was paid: without an amount it is a form.
    pub has_amount: bool,
    pub evidence: Vec<&'static str>,
}

/// How strong the evidence must be for a text to be a bill: a file a customer named
/// as a statement or bill needs less than an e-mail body.
pub const STRENGTH_OF_A_BILL: u32 = 5;
pub const STRENGTH_OF_A_NAMED_BILL: u32 = 4;

/// Reads a bill's fields and weighs the evidence that the text is a bill at all: an
/// account number under its label, amounts, billing words, a bill date, lines billed
/// with their charges, a carrier, a service address. No one of them decides.
pub fn read(text: &str) -> BillReading {
    let lines = lines_of(text);
    let carrier = known_carrier(text)
        .map(str::to_string)
        .or_else(|| printed_carrier(&lines));
    let mut numbers = billed_numbers(&lines, carrier.as_deref());
    numbers.sort();
    let bill = Bill {
        account_number: first_value(&lines, Field::Account, account_value),
        btn: btn(&lines),
        account_name: address::account_name(&lines, carrier.as_deref()),
        service_address: address::service_address(&lines),
        invoice_date: bill_date(&lines),
        numbers,
        carrier,
        max_age_days: None,
    };
    let amounts = MONEY.find_iter(text).take(2).count();
    let priced_lines = lines
        .iter()
        .filter(|l| {
            MONEY.is_match(l.text) && !super::numbers::numbers_in_line(l.text, &NumberRules::default()).is_empty()
        })
        .count();
    let mut evidence = Vec::new();
    let mut strength = 0;
    let mut weigh = |yes: bool, points: u32, what: &'static str| {
        if yes {
            strength += points;
            evidence.push(what);
        }
    };
    weigh(bill.account_number.is_some(), 2, "an account number under its label");
    weigh(amounts >= 1, 1, "an amount");
    weigh(amounts >= 2, 1, "more amounts");
    weigh(BILL_WORDS.is_match(text), 1, "billing words (total, amount due...)");
    weigh(bill.invoice_date.is_some(), 1, "a bill date under its label");
    weigh(priced_lines >= 1, 1, "numbers billed with their charges");
    weigh(known_carrier(text).is_some(), 1, "a carrier's name");
    weigh(bill.service_address.is_some(), 1, "a service address");
    BillReading {
        bill,
        strength,
        has_amount: amounts >= 1,
        evidence,
    }
}

/// True when a file's name says it is a bill (`statement.pdf`, `Factura_Oct.pdf`,
/// `scan0001.pdf` from a copier).
pub fn looks_named_as_a_bill(name: &str) -> bool {
    static NAMED: LazyLock<Pattern> = LazyLock::new(|| {
        pattern::compiled(r"(?i)bill|statement|invoice|factura|estado|scan|ebill|e-bill|recibo|receipt")
    });
    NAMED.is_match(name)
}

impl BillReading {
    /// True when the evidence is enough: an amount and, for a text not named as a
    /// bill, more of the rest.
    pub fn is_a_bill(&self, named_as_a_bill: bool) -> bool {
        let needed = if named_as_a_bill {
            STRENGTH_OF_A_NAMED_BILL
        } else {
            STRENGTH_OF_A_BILL
        };
        self.has_amount && self.strength >= needed
    }
}

/// Reads a bill's fields; `None` when the text is not a bill.
pub fn read_bill(text: &str) -> Option<Bill> {
    read_if_a_bill(text, false)
}

/// The bill a text holds, when it is one; a text without an amount is not read at all
/// (most mail is not a bill, and reading one costs more than looking for a `$`).
pub fn read_if_a_bill(text: &str, named_as_a_bill: bool) -> Option<Bill> {
    if !MONEY.is_match(text) {
        return None;
    }
    let reading = read(text);
    reading.is_a_bill(named_as_a_bill).then_some(reading.bill)
}

fn date_value(value: &str) -> Option<NaiveDate> {
    dates_in(value)
        .first()
        .filter(|d| d.start <= 12)
        .and_then(|d| d.year.and_then(|_| d.resolve(NaiveDate::MIN)))
}

/// The bill's date: under a label that names it (`Statement Date`, `Bill date`)
/// before one that says only `Date` (a forwarded message's own header says that too).
fn bill_date(lines: &[Line<'_>]) -> Option<NaiveDate> {
    let mut labels = fields::labels_of(lines, Field::BillDate);
    labels.sort_by_key(|at| {
        let cell = lines[at.line].cells[at.cell].text;
        labels::folded_words(&cell[..at.end]).len() == 1
    });
    labels
        .into_iter()
        .find_map(|at| fields::candidates(lines, at).into_iter().find_map(date_value))
}

/// A phone number at the start of a value.
fn number_value(value: &str) -> Option<PhoneNumber> {
    let v = value.trim_start();
    if !v.starts_with(|c: char| c.is_ascii_digit() || c == '(' || c == '+') {
        return None;
    }
    super::numbers::numbers_in_line_with(v, &NumberRules::default(), &NEVER)
        .into_iter()
        .next()
}

static NEVER: LazyLock<Pattern> = LazyLock::new(|| pattern::compiled(r"^\b$"));

/// The BTN: the number under a billing / main / primary label; else the number of the
/// line the bill marks as the main one (`214-728-8404  Main Line  $34.99`).
fn btn(lines: &[Line<'_>]) -> Option<PhoneNumber> {
    first_value(lines, Field::Btn, number_value).or_else(|| {
        lines.iter().find_map(|line| {
            let marked =
                line.cells.iter().skip(1).any(|c| {
                    is_label(c.text) && labels_at_start(c.text).first().is_some_and(|(f, _)| *f == Field::Btn)
                });
            marked
                .then(|| line.cells.iter().find_map(|c| number_value(c.text)))
                .flatten()
        })
    })
}

/// The carrier's name as printed when it is none we know: a company-like cell near
/// the top (no label, no digits, not a title), the one the bill names again further
/// down (its footer, its support line) when there are several, without a title such
/// as INVOICE run on after it.
fn printed_carrier(lines: &[Line<'_>]) -> Option<String> {
    let top: Vec<String> = lines
        .iter()
        .filter(|l| !l.is_blank())
        .take(8)
        .filter_map(|l| l.cell(0))
        .filter(|c| !c.chars().any(|ch| ch.is_ascii_digit()) && !c.contains(':') && !is_label(c))
        .filter(|c| labels_at_start(c).is_empty() && !is_heading(c))
        .filter_map(strip_title)
        .filter(|c| (1..=4).contains(&c.split_whitespace().count()))
        .collect();
    let text = lines
        .iter()
        .map(|l| l.text.to_lowercase())
        .collect::<Vec<_>>()
        .join("\n");
    let named_again = top.iter().find(|c| {
        let name = c.to_lowercase();
        find_word(&text, &name).is_some_and(|first| find_word(&text[first + name.len()..], &name).is_some())
    });
    named_again
        .or_else(|| {
            top.iter().find(|c| {
                c.split_whitespace().all(|w| {
                    w.chars()
                        .next()
                        .is_some_and(|ch| ch.is_uppercase() || !ch.is_alphabetic())
                })
            })
        })
        .cloned()
}

/// A cell without the titles a bill runs on after its name (`Mitel  Invoice` is two
/// cells, `HAWAIIAN TELCOM BUSINESS STATEMENT` one).
fn strip_title(cell: &str) -> Option<String> {
    const TITLES: &[&str] = &["invoice", "statement", "bill", "receipt", "e-statement", "tax"];
    let mut words: Vec<&str> = cell.split_whitespace().collect();
    let mut stripped = false;
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| TITLES.contains(&w.to_lowercase().as_str()))
    {
        words.pop();
        stripped = true;
    }
    if stripped && words.len() > 1 && words.last().is_some_and(|w| w.eq_ignore_ascii_case("business")) {
        words.pop();
    }
    let name = words.join(" ");
    let name = name.trim_matches(|c: char| !c.is_alphanumeric() && c != '&');
    (!name.is_empty() && !address::is_po_box(name) && !is_heading(name)).then(|| name.to_string())
}

/// Numbers the bill lists as lines or services: not support lines (a line naming the
/// carrier without a charge is its footer), not calls made.
fn billed_numbers(lines: &[Line<'_>], carrier: Option<&str>) -> Vec<PhoneNumber> {
    let rules = NumberRules::default();
    let carrier = carrier.map(str::to_lowercase);
    let mut in_call_detail = false;
    let mut out: Vec<PhoneNumber> = Vec::new();
    for line in lines.iter().map(|l| l.text) {
        let lower = line.trim().to_lowercase();
        let footer = carrier.as_deref().is_some_and(|c| find_word(&lower, c).is_some()) && !MONEY.is_match(line);
        if footer {
            continue;
        }
        if CALL_DETAIL_HEADINGS.iter().any(|h| lower.contains(h)) {
            in_call_detail = true;
            continue;
        }
        if in_call_detail && SECTION_HEADINGS.iter().any(|h| lower.starts_with(h)) {
            in_call_detail = false;
        }
        if in_call_detail || STARTS_WITH_DATE.is_match(line) {
            continue;
        }
        let masked = CALL_PRODUCTS.blank_out(line);
        let found = super::numbers::numbers_in_line_with(&masked, &rules, &BILL_CONTACT_CUE);
        if found.is_empty() && CALLS_HEADING.is_match(&masked) && !MONEY.is_match(line) {
            in_call_detail = true;
            continue;
        }
        for n in found {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

/// This module's patterns compiled now (`parse::compile_patterns`).
pub(in crate::parse) fn compile_patterns() {
    for pattern in [
        &MONEY,
        &BILL_WORDS,
        &BILL_CONTACT_CUE,
        &STARTS_WITH_DATE,
        &CALLS_HEADING,
        &CALL_PRODUCTS,
        &NEVER,
    ] {
        pattern.prepare();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_text_bill_is_read_field_by_field() {
        let text = "                 WINDSTREAM\n==========\nAccount Number:     078-4240-744          Bill Date:    10/01/2026\nBilling Number:     305-555-0171          Due Date:     10/22/2026\n\nCustomer:           Hialeah Tire & Lube\nService Location:   525 E 25TH ST STE 201\n                    HIALEAH, FL 33012\nPrevious Balance    $476.14\nTOTAL DUE   $109.05\nSERVICE DETAIL\n  305-555-0171   Business Line - Main   $39.99\n  305-555-0101   Remote Call Forwarding $24.99\nQuestions? Call Windstream at 1-866-349-1998 or visit windstreamenterprise.com\n";
        let bill = read_bill(text).unwrap();
        assert_eq!(bill.carrier.as_deref(), Some("Windstream"));
        assert_eq!(bill.account_number.as_deref(), Some("0784240744"));
        assert_eq!(bill.btn.unwrap().e164(), "+13055550171");
        assert_eq!(bill.account_name.as_deref(), Some("Hialeah Tire & Lube"));
        assert_eq!(
            bill.service_address.as_deref(),
            Some("525 E 25TH ST STE 201, HIALEAH, FL 33012")
        );
        assert_eq!(bill.invoice_date.unwrap().to_string(), "2026-10-01");
        let numbers: Vec<String> = bill.numbers.iter().map(|n| n.e164()).collect();
        assert_eq!(numbers, ["+13055550101", "+13055550171"]);
    }

    #[test]
    fn calls_made_are_not_lines_on_the_bill() {
        let text = "AT&T\nAccount Number: 870 939 225 439\nTotal Amount Due $109.61\nCurrent Charges $109.61\nDetail of Charges\n713-296-5280   Business Line - Main   $34.99\nLong Distance - Itemized Calls\n09/24   212-804-4843   OUT OF STATE   23   $1.61\n10/03   415-223-7466   OUT OF STATE   20   $1.40\n";
        let bill = read_bill(text).unwrap();
        assert_eq!(bill.numbers.len(), 1);
    }

    #[test]
    fn positions_survive_characters_whose_lower_case_is_longer() {
        let text =
            "İİİ  Account Number: 12345\nÚ İ  Statement Date: 01/02/2026\nTotal due $5.00\nPrevious balance $5.00\n";
        let bill = read_bill(text).unwrap();
        assert_eq!(bill.account_number.as_deref(), Some("12345"));
        assert_eq!(bill.invoice_date.unwrap().to_string(), "2026-01-02");
    }

    #[test]
    fn a_form_without_amounts_is_not_a_bill() {
        assert!(read_bill("LETTER OF AUTHORIZATION\nAccount Number: 12345678\nSignature: ____").is_none());
    }
}

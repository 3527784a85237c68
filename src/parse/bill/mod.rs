//! The losing carrier's bill, from a PDF, an HTML page, plain text or an e-bill in a
//! mail body: carrier, account number, BTN, account name, service address (not the
//! mailing address), bill date, and the numbers billed as lines (not the numbers
//! dialled in call detail). Labels come from `carriers`; one generic reader reads all.

pub mod carriers;
pub mod pdf;
mod pdf_fonts;

use super::dates::dates_in;
use super::numbers::NumberRules;
use crate::domain::{leading_number, Bill, PhoneNumber};
use carriers::*;
use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;

static MONEY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\$\s?\d[\d,]*\.\d\d").expect("money"));
static BILL_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)amount due|total due|balance due|total amount due|current charges|balance forward|previous balance|total this invoice|monthly charges|pay by|payment due|total a pagar|saldo").expect("bill words")
});
static CITY_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*?)[,\s]+([A-Za-z]{2})\.?\s+(\d{5})(?:-\d{4})?\s*$").expect("city line"));
static BILL_CONTACT_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bcall\b|questions|support|customer service|customer care|to reach us|visit|\btty\b|www\.|\w\.(com|net|org)\b|contact us|llame|atenci[oó]n al cliente|\bfax\s*:")
        .expect("bill cue")
});
static STARTS_WITH_DATE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*\d{1,2}/\d{1,2}\b").expect("date start"));

/// How sure we are that a text is a bill: amounts and billing words, not a form.
pub fn looks_like_a_bill(text: &str) -> bool {
    MONEY.find_iter(text).take(2).count() >= 2
        && BILL_WORDS.is_match(text)
        && label_value(text, ACCOUNT_LABELS, account_value).is_some()
}

/// Reads a bill's fields; `None` when the text is not a bill.
pub fn read_bill(text: &str) -> Option<Bill> {
    if !looks_like_a_bill(text) {
        return None;
    }
    let lines: Vec<&str> = text.lines().collect();
    let carrier = known_carrier(text)
        .map(str::to_string)
        .or_else(|| printed_carrier(&lines));
    let mut numbers = billed_numbers(&lines);
    numbers.sort();
    Some(Bill {
        carrier,
        account_number: label_value(text, ACCOUNT_LABELS, account_value),
        btn: label_value(text, BTN_LABELS, |v| leading_number(v).ok().map(|(n, _)| n)),
        account_name: account_name(&lines),
        service_address: service_address(&lines),
        invoice_date: label_value(text, DATE_LABELS, date_value),
        numbers,
    })
}

/// Lower case that keeps every character's byte length, so that a position found in
/// the folded text is the same position in the original (`İ` lowercases to 3 bytes
/// from 2; such a character is kept as it is).
pub fn fold_case(text: &str) -> String {
    text.chars()
        .map(|c| {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
                _ => c,
            }
        })
        .collect()
}

/// The cells of a line: text separated by tabs or runs of two or more spaces.
fn cells(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for tab_cell in line.split('\t') {
        let mut rest = tab_cell;
        while let Some(gap) = rest.find("  ") {
            out.push(rest[..gap].trim());
            rest = rest[gap..].trim_start();
        }
        out.push(rest.trim());
    }
    out.retain(|c| !c.is_empty());
    out
}

/// The first value one of `labels` introduces that `read` accepts. `read` gets the
/// rest of the line and takes what it needs from its start: PDF text often runs the
/// next cell on after a single space.
fn label_value<T>(text: &str, labels: &[&str], read: impl Fn(&str) -> Option<T>) -> Option<T> {
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let lower = fold_case(line);
        for label in labels {
            let Some(at) = find_word(&lower, label) else { continue };
            let after = &line[at + label.len()..];
            let value =
                after.trim_start_matches(|c: char| c == ':' || c == '#' || c == '.' || c.is_whitespace() || c == '-');
            if let Some(v) = read(value) {
                return Some(v);
            }
            // A row of labels over a row of values: the cell below, in the same column.
            let below = lines
                .get(i + 1)
                .and_then(|next| cells(next).get(column_of(line, at)).copied());
            if let Some(v) = below.and_then(&read) {
                return Some(v);
            }
        }
    }
    None
}

/// Like `label_value`, for free text (names): the label must end in a colon, a tab or
/// a wide gap, and the value is its cell.
fn label_cell(text: &str, labels: &[&str]) -> Option<String> {
    for line in text.lines() {
        let lower = fold_case(line);
        for label in labels {
            let Some(at) = find_label(&lower, label) else { continue };
            let after = &line[at + label.len()..];
            let separated = after.starts_with(':') || after.starts_with('\t') || after.starts_with("  ");
            let value = cells(after.trim_start_matches(':')).first().copied().unwrap_or("");
            if separated && !value.is_empty() && value.chars().any(char::is_alphabetic) {
                return Some(value.to_string());
            }
        }
    }
    None
}

/// Where a label starts a cell in a lower-case line.
fn find_label(lower: &str, label: &str) -> Option<usize> {
    let at = find_word(lower, label)?;
    let before = lower[..at].trim_end_matches([' ', '\t']);
    let starts_cell =
        before.is_empty() || lower[..at].ends_with("  ") || lower[..at].ends_with('\t') || before.ends_with([':', '|']);
    starts_cell.then_some(at)
}

/// The run of digit-bearing groups at the start of a value: `8495 32 723 6619606`,
/// `561 555-0117 135 9`, `647973769-26882` (then `Page 1 of 2` is the next cell).
fn account_value(value: &str) -> Option<String> {
    let groups: Vec<&str> = value
        .split_whitespace()
        .take_while(|t| {
            t.chars().any(|c| c.is_ascii_digit())
                && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
        })
        .collect();
    let joined = groups.join(" ");
    let digits = joined.chars().filter(char::is_ascii_digit).count();
    (digits >= 4 && groups.len() <= 6).then(|| crate::domain::bill::account_number_key(&joined))
}

fn date_value(value: &str) -> Option<NaiveDate> {
    dates_in(value)
        .first()
        .and_then(|d| d.year.and_then(|_| d.resolve(NaiveDate::MIN)))
}

fn is_address_line(cell: &str) -> bool {
    let lower = cell.to_lowercase();
    cell.starts_with(|c: char| c.is_ascii_digit()) || lower.starts_with("po box") || lower.starts_with("p.o. box")
}

/// The carrier's name as printed when it is none we know: the first line near the top
/// that reads like a company name (a few capitalised words, no label, no sentence),
/// without a title such as INVOICE that a PDF may run on after it.
fn printed_carrier(lines: &[&str]) -> Option<String> {
    let first = lines
        .iter()
        .take(15)
        .flat_map(|l| cells(l).into_iter().take(1))
        .find(|cell| {
            let words: Vec<&str> = cell.split_whitespace().collect();
            (1..=5).contains(&words.len())
                && !cell.contains(':')
                && !cell.ends_with(['.', '?', '!', ','])
                && !cell.chars().any(|c| c.is_ascii_digit())
                && words
                    .iter()
                    .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || !c.is_alphabetic()))
        })?;
    let mut name = first.trim();
    for title in [" INVOICE", " STATEMENT", " BILL", " Invoice", " Statement", " Bill"] {
        name = name.strip_suffix(title).unwrap_or(name);
    }
    let name = name.trim_end_matches(|c: char| !c.is_alphanumeric());
    (!name.is_empty() && !is_address_line(name)).then(|| name.to_string())
}

fn account_name(lines: &[&str]) -> Option<String> {
    let labelled = label_cell(&lines.join("\n"), NAME_LABELS).filter(|v| !v.to_lowercase().starts_with("service"));
    if labelled.is_some() {
        return labelled;
    }
    // The first line of a block under the service heading or "Bill To".
    for (i, line) in lines.iter().enumerate() {
        let lower = line.trim().to_lowercase();
        let heading = SERVICE_ADDRESS_LABELS.iter().any(|l| lower == *l) || lower.starts_with("bill to");
        if heading {
            if let Some(next) = next_cell(lines, i) {
                if !is_address_line(next) {
                    return Some(next.to_string());
                }
            }
        }
    }
    // A name line just above an address line near the top (the mailing block), an
    // "ATTN:" or "c/o" line allowed between them.
    let head: Vec<&str> = lines
        .iter()
        .take(15)
        .filter(|l| !MONEY.is_match(l))
        .filter_map(|l| cells(l).first().copied())
        .filter(|c| !c.to_lowercase().starts_with("attn") && !c.to_lowercase().starts_with("c/o"))
        .collect();
    head.windows(2)
        .find(|w| {
            !is_address_line(w[0]) && is_address_line(w[1]) && !w[0].contains(':') && known_carrier(w[0]).is_none()
        })
        .map(|w| w[0].to_string())
}

fn next_cell<'a>(lines: &[&'a str], i: usize) -> Option<&'a str> {
    lines[i + 1..].iter().filter_map(|l| cells(l).first().copied()).next()
}

fn service_address(lines: &[&str]) -> Option<String> {
    for (i, line) in lines.iter().enumerate() {
        let lower = fold_case(line);
        for label in SERVICE_ADDRESS_LABELS {
            let Some(at) = find_label(&lower, label) else { continue };
            let after = line[at + label.len()..].trim_start_matches(|c: char| c == ':' || c.is_whitespace());
            let value = cells(after).first().copied().unwrap_or("");
            let mut parts: Vec<String> = Vec::new();
            if !value.is_empty() {
                parts.push(value.to_string());
            }
            // The rest of the address below, in the label's own column (a bill may
            // print the mailing address beside it), until it ends in a ZIP.
            let column = column_of(line, at);
            for next in lines[i + 1..].iter().filter_map(|l| cell_in_column(l, column)).take(3) {
                if parts.last().is_some_and(|p| CITY_LINE.is_match(p)) {
                    break;
                }
                if parts.is_empty() && !is_address_line(next) {
                    continue; // the account name above the street
                }
                parts.push(next.to_string());
            }
            if parts.first().is_some_and(|p| is_po_box(p)) {
                continue; // a PO Box is where bills go, never where phones ring
            }
            if let Some(address) = one_line_address(&parts) {
                return Some(address);
            }
        }
    }
    None
}

/// Which cell of its line starts at byte `at`.
fn column_of(line: &str, at: usize) -> usize {
    cells(&line[..at]).len()
}

/// The cell of a line in `column`; a line with fewer cells has nothing there, except
/// that a line of one cell is read as continuing any column (an indented address).
fn cell_in_column(line: &str, column: usize) -> Option<&str> {
    let all = cells(line);
    match all.len() {
        0 => None,
        1 if column > 0 && line.starts_with(' ') => all.first().copied(),
        _ => all.get(column).copied(),
    }
}

fn is_po_box(cell: &str) -> bool {
    let lower = cell.to_lowercase().replace('.', "");
    lower.starts_with("po box") || lower.starts_with("p o box") || lower.starts_with("post office box")
}

/// `street, city, ST 12345` from address lines; ZIP+4 cut to five digits.
fn one_line_address(parts: &[String]) -> Option<String> {
    let joined = parts.join(", ");
    let c = CITY_LINE.captures(&joined)?;
    let head = c[1].trim().trim_end_matches(',').to_string();
    Some(format!("{head}, {} {}", c[2].to_uppercase(), &c[3]))
}

/// Numbers the bill lists as lines or services: not support lines, not calls made.
fn billed_numbers(lines: &[&str]) -> Vec<PhoneNumber> {
    let rules = NumberRules::default();
    let mut in_call_detail = false;
    let mut out: Vec<PhoneNumber> = Vec::new();
    for line in lines {
        let lower = line.trim().to_lowercase();
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
        for n in super::numbers::numbers_in_line_with(line, &rules, &BILL_CONTACT_CUE) {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
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
        assert_eq!(fold_case("İÚ ACCOUNT Número"), "İú account número");
        let text =
            "İİİ Account Number: 12345\nÚ İ Statement Date: 01/02/2026\nTotal due $5.00\nPrevious balance $5.00\n";
        let bill = read_bill(text).unwrap();
        assert_eq!(bill.account_number.as_deref(), Some("12345"));
        assert_eq!(bill.invoice_date.unwrap().to_string(), "2026-01-02");
    }

    #[test]
    fn a_form_without_amounts_is_not_a_bill() {
        assert!(read_bill("LETTER OF AUTHORIZATION\nAccount Number: 12345678\nSignature: ____").is_none());
    }
}

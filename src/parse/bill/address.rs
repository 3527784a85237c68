//! The service address and the account name: where the phones ring, and whose bill it
//! is. Read from their labels first; else from the shape of the page (a mailing block
//! of name over street over city, an address that is not where bills are mailed).

use super::fields::{candidates, labels_of, rest_after_label, LabelAt};
use super::labels::{is_label, labels_at_start, starts_with_label_word, Field};
use super::layout::Line;
use crate::parse::pattern;
use crate::parse::pattern::Pattern;
use std::sync::LazyLock;

static CITY_LINE: LazyLock<Pattern> =
    LazyLock::new(|| pattern::compiled(r"^(.*?)[,\s]+([A-Za-z]{2})\.?,?\s+(\d{5})(-\d{4})?\s*$"));
static STREET: LazyLock<Pattern> = LazyLock::new(|| pattern::compiled(r"^\d+[A-Za-z]?(-\d+)?\s+\S"));
static UNIT: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(
        r"(?i)^(suite|ste|unit|floor|fl|bldg|building|room|rm|apt|#)\b\.?\s*\S+$|^\d+(st|nd|rd|th) (floor|fl)$",
    )
});
static GREETING: LazyLock<Pattern> =
    LazyLock::new(|| pattern::compiled(r"(?i)^(hello|dear|hi|hola|estimado|estimada)\s+(.+?)[,:!]?$"));

pub fn is_po_box(cell: &str) -> bool {
    let lower = cell.to_lowercase().replace('.', "");
    lower.starts_with("po box") || lower.starts_with("p o box") || lower.starts_with("post office box")
}

fn is_street(cell: &str) -> bool {
    STREET.is_match(cell.trim()) && !cell.trim_start().starts_with('$')
}

/// `street, city, ST 12345` from address pieces; ZIP+4 cut to five digits. `None`
/// unless it starts with a street number and ends in a state and ZIP.
pub fn one_line_address(parts: &[&str]) -> Option<String> {
    let joined = parts
        .iter()
        .map(|p| p.trim().trim_end_matches(','))
        .collect::<Vec<_>>()
        .join(", ");
    let c = CITY_LINE.captures(&joined)?;
    let head = c[1].trim().trim_end_matches(',').to_string();
    (is_street(&head) && !is_po_box(&head)).then(|| format!("{head}, {} {}", c[2].to_uppercase(), &c[3]))
}

/// The cell of a line that continues an address set in column `column`: the cell in
/// that column, or a line's only cell, or (a shorter line) its last cell.
fn continuation<'a>(line: &Line<'a>, column: usize) -> Option<&'a str> {
    match line.cells.len() {
        0 => None,
        1 => line.cell(0),
        n if column < n => line.cell(column),
        n => line.cell(n - 1),
    }
}

/// An address that starts at `first` (a cell in `column` of line `li`) and runs down
/// the lines below until it ends in a ZIP.
fn address_from(lines: &[Line<'_>], li: usize, column: usize, first: Option<&str>) -> Option<String> {
    let mut parts: Vec<&str> = first.into_iter().filter(|f| !f.is_empty()).collect();
    let mut skipped_name = false;
    for line in lines[li + 1..].iter().take(5) {
        if parts.last().is_some_and(|p| CITY_LINE.is_match(p)) {
            break;
        }
        let Some(next) = continuation(line, column) else { break };
        if is_label(next) || labels_at_start(next).iter().any(|(f, _)| *f == Field::OtherAddress) {
            break;
        }
        if parts.is_empty() && !is_street(next) && !is_po_box(next) && !skipped_name {
            skipped_name = true; // the account name above the street
            continue;
        }
        if !(parts.is_empty() || CITY_LINE.is_match(next) || UNIT.is_match(next) || parts.len() == 1) {
            break;
        }
        parts.push(next);
    }
    if parts.first().is_some_and(|p| is_po_box(p)) {
        return None;
    }
    (1..=parts.len()).find_map(|n| one_line_address(&parts[..n]))
}

fn address_at(lines: &[Line<'_>], at: LabelAt) -> Option<String> {
    let rest = rest_after_label(lines, at);
    let line = &lines[at.line];
    if !rest.is_empty() {
        return address_from(lines, at.line, at.cell, Some(rest));
    }
    if let Some(next) = line.cell(at.cell + 1).filter(|c| !is_label(c)) {
        if let Some(a) = address_from(lines, at.line, at.cell + 1, Some(next)) {
            return Some(a);
        }
    }
    address_from(lines, at.line, at.cell, None)
}

/// The service address: under its label; else the first whole address on the page
/// that is not a PO Box, not under a mailing label and printed with a five-digit ZIP
/// (bills print ZIP+4 on the addresses they mail to).
pub fn service_address(lines: &[Line<'_>]) -> Option<String> {
    if let Some(a) = labels_of(lines, Field::ServiceAddress)
        .into_iter()
        .find_map(|at| address_at(lines, at))
    {
        return Some(a);
    }
    let mailing: Vec<usize> = labels_of(lines, Field::OtherAddress).iter().map(|at| at.line).collect();
    for (li, line) in lines.iter().enumerate() {
        if mailing.iter().any(|m| li >= *m && li <= m + 3) {
            continue;
        }
        for (ci, cell) in line.cells.iter().enumerate() {
            if !is_street(cell.text) {
                continue;
            }
            if let Some(a) = address_from(lines, li, ci, Some(cell.text)) {
                let plus4 = (li..(li + 4).min(lines.len())).any(|l| {
                    lines[l]
                        .cells
                        .iter()
                        .any(|c| c.text.trim_end().len() > 5 && plus_four(c.text))
                });
                if !plus4 {
                    return Some(a);
                }
            }
        }
    }
    None
}

fn plus_four(cell: &str) -> bool {
    static ZIP4: LazyLock<Pattern> = LazyLock::new(|| pattern::compiled(r"\b\d{5}-\d{4}\s*$"));
    ZIP4.is_match(cell)
}

/// A value that reads as a company or person's name.
fn name_value(value: &str, carrier: Option<&str>) -> Option<String> {
    let v = value.trim().trim_end_matches(',');
    let letters = v.chars().filter(|c| c.is_alphabetic()).count();
    let digits = v.chars().filter(|c| c.is_ascii_digit()).count();
    let lower = v.to_lowercase();
    let ok = letters >= 2
        && digits * 2 < letters
        && v.len() <= 80
        && !v.contains([':', '$', '@', '|'])
        && !lower.starts_with("attn")
        && !lower.starts_with("page ")
        && !lower.starts_with("c/o")
        && !lower.contains("www.")
        && ![".com", ".net", ".org"].iter().any(|d| lower.contains(d))
        && !is_street(v)
        && !is_po_box(v)
        && super::super::dates::dates_in(v).is_empty()
        && !super::carriers::is_heading(v)
        && carrier.is_none_or(|c| !lower.contains(&c.to_lowercase()));
    ok.then(|| v.to_string())
}

fn name_like(cell: &str) -> bool {
    const CONNECTORS: &[&str] = &[
        "&", "and", "of", "de", "del", "la", "el", "los", "las", "y", "the", "for", "-",
    ];
    let words: Vec<&str> = cell.split_whitespace().collect();
    (2..=7).contains(&words.len())
        && !cell.chars().any(|c| c.is_ascii_digit())
        && words.iter().all(|w| {
            CONNECTORS.contains(&w.to_lowercase().as_str()) || w.chars().next().is_some_and(|c| c.is_uppercase())
        })
        && !super::carriers::is_heading(cell)
}

/// The account name: under its label; else the name over the mailing block (street
/// then city, an ATTN line allowed between); else the greeting; else a name standing
/// alone near the top.
pub fn account_name(lines: &[Line<'_>], carrier: Option<&str>) -> Option<String> {
    // A label in a table row of numbers and charges (`Company  +1 312 642 6726`) is
    // a column's value, not the account's name.
    let labelled = labels_of(lines, Field::Name)
        .into_iter()
        .filter(|at| !lines[at.line].text.contains('$') && !lines[at.line].text.contains(['+', '(']))
        .find_map(|at| candidates(lines, at).into_iter().find_map(|c| name_value(c, carrier)));
    if labelled.is_some() {
        return labelled;
    }
    let head: Vec<&Line<'_>> = lines.iter().filter(|l| !l.is_blank()).take(25).collect();
    for (i, line) in head.iter().enumerate() {
        let Some(first) = line.cell(0) else { continue };
        if is_label(first) || !labels_at_start(first).is_empty() {
            continue;
        }
        // The street below, past an ATTN line or a labelled cell beside the block.
        let street_below = head[i + 1..]
            .iter()
            .take(3)
            .filter_map(|l| l.cell(0))
            .find(|c| {
                let lower = c.to_lowercase();
                !(lower.starts_with("attn") || lower.starts_with("c/o") || starts_with_label_word(c))
            })
            .is_some_and(|c| is_street(c) || is_po_box(c));
        if street_below && !is_street(first) && !super::carriers::is_heading(first) {
            if let Some(name) = name_value(first, carrier) {
                return Some(name);
            }
        }
    }
    for line in &head {
        if let Some(c) = line.cell(0).and_then(|c| GREETING.captures(c)) {
            if let Some(name) = name_value(&c[2], carrier) {
                return Some(name);
            }
        }
    }
    head.iter()
        .take(12)
        .filter_map(|l| l.cell(0))
        .filter(|c| name_like(c) && !is_label(c) && labels_at_start(c).is_empty())
        .find_map(|c| name_value(c, carrier))
}

/// This module's patterns compiled now (`parse::compile_patterns`).
pub(in crate::parse) fn compile_patterns() {
    for pattern in [&CITY_LINE, &STREET, &UNIT, &GREETING] {
        pattern.prepare();
    }
}

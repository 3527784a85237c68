//! Finding a field's value wherever a bill puts it: after its label in the same cell
//! (`Account: 123`, `Account Number NXV-5778387`), in the next cell of the line
//! (`ACCOUNT   9210-814862`), in the same column of the line below (a row of labels
//! over a row of values), or on the next line when the label stands alone. Each field
//! says what a value of its kind looks like, and the first value that fits wins.

use super::labels::{is_label, labels_at_start, Field};
use super::layout::Line;

/// A label found: its line, its cell, and where the label ends in the cell.
#[derive(Debug, Clone, Copy)]
pub struct LabelAt {
    pub line: usize,
    pub cell: usize,
    pub end: usize,
}

/// Every place a label of `field` starts a cell, in reading order.
pub fn labels_of(lines: &[Line<'_>], field: Field) -> Vec<LabelAt> {
    let mut out = Vec::new();
    for (li, line) in lines.iter().enumerate() {
        for (ci, cell) in line.cells.iter().enumerate() {
            // The longest label wins: `Billing Account` is the account, not `Billing`.
            if let Some((f, end)) = labels_at_start(cell.text).first() {
                if *f == field {
                    out.push(LabelAt {
                        line: li,
                        cell: ci,
                        end: *end,
                    });
                }
            }
        }
    }
    out
}

/// What stands after the label in its own cell, past separators and a parenthesis
/// such as `(E911)` or `(BTN)`.
pub fn rest_after_label<'a>(lines: &[Line<'a>], at: LabelAt) -> &'a str {
    let cell = lines[at.line].cells[at.cell].text;
    let mut rest = &cell[at.end..];
    loop {
        let trimmed = rest
            .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '#' | '.' | '-' | '–' | '=' | ')'));
        if let Some(inner) = trimmed.strip_prefix('(') {
            if let Some(close) = inner.find(')') {
                // `(E911)`, `(BTN)`: a note on the label; `(206)` is the value.
                if close <= 12 && inner[..close].chars().any(char::is_alphabetic) {
                    rest = &inner[close + 1..];
                    continue;
                }
            }
        }
        return trimmed;
    }
}

/// The places a label's value may stand, nearest first.
pub fn candidates<'a>(lines: &[Line<'a>], at: LabelAt) -> Vec<&'a str> {
    let mut out = Vec::new();
    let rest = rest_after_label(lines, at);
    if !rest.is_empty() {
        out.push(rest);
    }
    let line = &lines[at.line];
    if let Some(next) = line.cell(at.cell + 1) {
        if !is_label(next) {
            out.push(next);
        }
    }
    // The line below: the same column first, then (for a label alone or last on its
    // line) every cell of it in order.
    if let Some(below) = lines[at.line + 1..].iter().find(|l| !l.is_blank()) {
        if let Some(c) = below.cell(at.cell) {
            out.push(c);
        }
        if rest.is_empty() && at.cell + 1 == line.cells.len() {
            out.extend(below.cells.iter().map(|c| c.text));
        }
    }
    out.retain(|c| !is_label(c));
    out
}

/// The first value of `field` that `read` accepts.
pub fn first_value<T>(lines: &[Line<'_>], field: Field, read: impl Fn(&str) -> Option<T>) -> Option<T> {
    labels_of(lines, field)
        .into_iter()
        .find_map(|at| candidates(lines, at).into_iter().find_map(&read))
}

/// An account number: the run of ID-like groups at the start of a value (digits with
/// letters, hyphens, dots or slashes: `8495 32 723 6619606`, `GTC-8128950`,
/// `802-845-8317/620`), with enough digits to be one; letters and digits kept.
pub fn account_value(value: &str) -> Option<String> {
    if value.starts_with('$') || value.starts_with('(') {
        return None;
    }
    let groups: Vec<&str> = value
        .split_whitespace()
        .take_while(|t| {
            t.chars().any(|c| c.is_ascii_digit())
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/'))
        })
        .collect();
    let joined = groups.join(" ");
    let key = crate::domain::bill::account_number_key(&joined);
    let digits = key.chars().filter(char::is_ascii_digit).count();
    let looks_like_a_date = groups.len() == 1 && !super::super::dates::dates_in(&joined).is_empty() && digits <= 8;
    (digits >= 3 && key.len() >= 5 && key.len() <= 24 && groups.len() <= 6 && !looks_like_a_date).then_some(key)
}

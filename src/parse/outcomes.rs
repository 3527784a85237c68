//! Which numbers a completion notice says did not port. A partial completion names them
//! in a clause of their own ("0102 remains with AT&T", "except 0103", a CSV row
//! `+13055550102,FAILED`) or lists them under a heading ("Not ported:"); everything
//! else the notice completes.

use super::numbers::{numbers_in_line, NumberRules};
use crate::domain::PhoneNumber;
use crate::parse::pattern;
use crate::parse::pattern::Pattern;
use std::sync::LazyLock;

/// A number that stays behind: it remains with the old carrier, was not ported, failed,
/// is still pending or was left out.
static STAYS: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::caseless(
        r"\b(remain(s|ed|ing)?|stay(s|ed|ing)?|still( active| in service| working| live)?)\b[^.\n]{0,40}\b(with|at|on)\b|\bnot( yet)?( been| be)? (ported|activated|moved|transferred|completed|complete|included|portable|live)\b|\b(could|can|did|was|were|will|has|have)\s*(not|n't)( yet)?( be| been)? (port|ported|activate|activated|move|moved|complete|completed|transfer|transferred)\b|\bunable to (port|activate|complete|transfer)\b|\b(excluded|failed|failure|fallout|rejected|pending|outstanding|remaining|unported|held back|left behind|dropped)\b|\bexcept( for)?\b|\bno (fue|fueron|se pudo|se pudieron|ha sido|han sido) (portad|transferid|activad)|\bpermanece|\bsiguen? (con|en)\b|\bpendiente",
    )
});

/// A heading or row that says its numbers did port.
static PORTED: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::caseless(
        r"\b(ported|activated|completed?|live|active|moved|transferred|done|portad[oa]s?|activad[oa]s?)\b",
    )
});

/// Where one clause ends and the next, which may say the opposite, begins.
static CLAUSE_BREAK: LazyLock<Pattern> =
    LazyLock::new(|| pattern::caseless(r";|\.\s+|\s+(but|however|while|whereas|although|pero|excepto)\b|\s+except\b"));

/// The numbers `text` (a completion notice's new text) says did not port, sorted.
pub fn not_ported(text: &str, rules: &NumberRules) -> Vec<PhoneNumber> {
    let mut out = Vec::new();
    // Under a heading such as "Not ported:" the lines that follow are its list.
    let mut under_stays_heading = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            under_stays_heading = false;
            continue;
        }
        if numbers_in_line(line, rules).is_empty() {
            if line.trim_end().ends_with(':') || line.trim_end().ends_with("--") {
                under_stays_heading = STAYS.is_match(line);
            }
            continue;
        }
        for clause in clauses(line) {
            let numbers = numbers_in_line(clause, rules);
            if numbers.is_empty() {
                continue;
            }
            let stays = STAYS.is_match(clause) || (under_stays_heading && !PORTED.is_match(clause));
            if stays {
                out.extend(numbers);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A line cut where its sense may turn; the word that turns it ("except", "but") opens
/// the next clause.
fn clauses(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for m in CLAUSE_BREAK.find_iter(line) {
        // "305.555.0100" has no space after its dots: only a sentence's full stop breaks.
        let cut = if m.as_str().starts_with(['.', ';']) {
            m.end()
        } else {
            m.start()
        };
        if cut > start {
            out.push(&line[start..cut]);
        }
        start = cut;
    }
    out.push(&line[start..]);
    out
}

/// This module's patterns compiled now (`parse::compile_patterns`).
pub(in crate::parse) fn compile_patterns() {
    for pattern in [&STAYS, &PORTED, &CLAUSE_BREAK] {
        pattern.prepare();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stays(text: &str) -> Vec<String> {
        not_ported(text, &NumberRules::default())
            .iter()
            .map(|n| n.e164())
            .collect()
    }

    #[test]
    fn a_number_said_to_stay_behind_is_not_ported() {
        assert_eq!(
            stays("305-555-0100 and 305-555-0101 were ported, but 305-555-0102 remains with AT&T."),
            ["+13055550102"]
        );
        assert_eq!(
            stays("All numbers are now live except (305) 555-0103, which failed validation."),
            ["+13055550103"]
        );
        assert_eq!(
            stays("number,status\n+13055550100,COMPLETE\n+13055550101,FAILED"),
            ["+13055550101"]
        );
        assert_eq!(
            stays("Ported:\n305-555-0100\n\nNot ported:\n305-555-0101\n305-555-0102"),
            ["+13055550101", "+13055550102"]
        );
        assert_eq!(
            stays("El 305-555-0100 fue portado; el 305-555-0101 sigue con Movistar."),
            ["+13055550101"]
        );
    }

    #[test]
    fn a_completion_of_every_number_leaves_none_behind() {
        assert!(stays("Your port of 305-555-0100 thru 0102 is complete.").is_empty());
        assert!(stays("Numbers 305.555.0100, 305.555.0101 activated. No numbers remain pending.").is_empty());
        assert!(stays("PON 4411 for 305-555-0100: ported successfully").is_empty());
    }
}

//! The carrier's reason for a rejection and the reject code it means. The reason is
//! read where carriers put it (a `Reason:` or `Rejection text` label, a reason or
//! description column, an XML error element, the words after "unworked:" or "their
//! note:"), and the code from what the reason says, most specific first (a ZIP
//! mismatch is POSTAL_CODE_MISMATCH, not LOCATION_MISMATCH); carriers' jargon is data.

use crate::domain::RejectCode;
use crate::parse::pattern;
use crate::parse::pattern::Pattern;
use std::sync::LazyLock;

/// Carriers' and vendors' jargon for each code, tried in this order.
static RULES: LazyLock<Vec<(RejectCode, Pattern)>> = LazyLock::new(|| {
    let rule = |code, pattern: &str| (code, pattern::compiled(&format!("(?i){pattern}")));
    vec![
        rule(
            RejectCode::MainBtnPorting,
            r"partial port.{0,60}(btn|billing (tele)?phone|main (billing )?(number|tn|line)|account number)|(btn|billing number) is (on|part of|included in) (this|the) partial|(new|replacement) (btn|billing (tele)?phone number|billing number)|which remaining (line|number|tn) (becomes|will be)|new main number|main (billing )?number[^.]{0,60}\b(not all|remaining|lines that stay)|(btn|billing telephone number|billing number) is being ported|(btn|main (billing )?(number|tn|line)|billing telephone number).{0,60}(partial port|remaining (lines|numbers|tns)|new btn|designate)|new btn|designate (a )?new (btn|billing)",
        ),
        rule(
            RejectCode::PostalCodeMismatch,
            r"\bzip\b|postal code|zip code|c[oó]digo postal|code postal",
        ),
        rule(
            RejectCode::PasscodePinInvalid,
            r"\bpin\b|passcode|pass code|security code|password|account code|authori[sz]ation code|auth code|c[oó]digo de seguridad|\bnip\b|mot de passe",
        ),
        rule(
            RejectCode::AuthPersonMismatch,
            r"authori[sz]ed (user|person|signer|contact|party)|authori[sz]ing (party|person)|no authority|not the account owner|signed by someone|person signing|persona que autoriza|no tiene autoridad|personne autoris|not (an )?authori[sz]ed|signer|signature|authori[sz]ation name|authorizing|person (who )?signed|persona autorizada",
        ),
        rule(
            RejectCode::PhoneNumberNotPortable,
            r"not portable|non[- ]portable|cannot be ported|can'?t be ported|can ?not port|not eligible for port|porting not available|non[- ]lnp|rate cent(er|re)|not in (the |our )?(service|coverage|calling) area|outside[^.]{0,40}(area|region)|shared tenant|wireless|no portable|unable to port|no se puede portar",
        ),
        rule(
            RejectCode::PhoneNumberMismatch,
            r"\b(tns?|numbers?|lines?)\b[^.]{0,40}\bnot (part of|served under|associated with|listed (on|under)|found (on|under)|on|under) (this |the |that )?([\w']+ )?(account|csr)|(tn|number|telephone number)s? (is |are )?not (found|associated|listed|on)|does not belong|\b(number|tn|line)s?\b[^.]{0,40}\b(different|another) (account|customer)|tn not found|invalid tn|number not found|not on file|no pertenece",
        ),
        rule(
            RejectCode::BtnAtnMismatch,
            r"\bbtn\b|\batn\b|billing (tele)?phone( number)?|billing number|main (tele)?phone|main number|(main )?account (tele)?phone|billing tn",
        ),
        rule(
            RejectCode::AccountNumberMismatch,
            r"account (number|no|#|num)|acct|\bban\b|n[uú]mero de cuenta",
        ),
        rule(
            RejectCode::LsrPending,
            r"pending (order|lsr|request|port|change|service order|disconnect)|already pending|in progress|(already )?open (order|request|lsr)|(order|request|lsr) already open|other (order|request)s? (on|for) (the|this) account|until [^.]{0,60}(order|request)[^.]{0,40}(completes?|completed|closes?|closed)|en curso|en cours|another (order|port|carrier)|(order|lsr|request) (already )?pending|freeze|frozen|open order|in[- ]flight|existing order|conflicting order|duplicate (order|request)",
        ),
        rule(
            RejectCode::EntityNameMismatch,
            r"(end[- ]user|business|customer|account|company|subscriber|entity|listed)\s*name|name on the (request|order|loa)|nom (du|de l)|\bname (on|does not|doesn't|mismatch)|\bname\b.{0,30}(mismatch|match)|nombre",
        ),
        rule(
            RejectCode::LocationMismatch,
            r"service address|address|location|street|direcci[oó]n|\bsaddr\b|\bsano\b|\bsasn\b",
        ),
    ]
});

/// The code that fits `reason` most specifically, or `OTHER` when none does.
pub fn reject_code(reason: &str) -> RejectCode {
    code_for(reason).unwrap_or(RejectCode::Other)
}

fn code_for(reason: &str) -> Option<RejectCode> {
    RULES.iter().find(|(_, re)| re.is_match(reason)).map(|(code, _)| *code)
}

/// The carrier's reason in a rejection and the code it means. Where the notice
/// labels its reason, only that reason counts (a reason none of the codes fits is
/// OTHER); else the statements that say what is wrong.
pub fn reject_code_of(text: &str) -> (RejectCode, String) {
    let reasons = labelled_reasons(text);
    if let Some(first) = reasons.first() {
        let code = reasons.iter().find_map(|r| code_for(r)).unwrap_or(RejectCode::Other);
        return (code, first.clone());
    }
    let said: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| REJECTION_WORDS.is_match(l) && !l.to_lowercase().starts_with("subject"))
        .collect();
    let joined = said.join(". ");
    let reason: String = if said.is_empty() { text.trim() } else { &joined }
        .chars()
        .take(400)
        .collect();
    (code_for(&reason).unwrap_or(RejectCode::Other), reason)
}

static REASON_LABEL: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(
        r"(?i)(?:^|[.;]\s+|\t|\s{2,})\W*(reason( given| for (rejection|reject|jeopardy))?|reject(ion)? (reason|text)( from the carrier)?|rejection text from the carrier|carrier reason|jeopardy reason|error desc(ription)?|error text|error message|description|cause|motivo|raz[oó]n|raison|explanation|remarks?|comments?|their note)(?:\s*[:=]\s*|\t+\s*)(.+)$",
    )
});
static UNWORKED: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(
        r"(?i)\b(unworked|rejected|sent (it |this )?back|not accepted|returned|rechazad[ao]|rejet[ée]e?)\b\s*(because|:|-|–)\s*(.+)$",
    )
});
static XML_REASON: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(r"(?i)<(\w*(error|reason|desc|description|remark|message|text)\w*)\b[^>]*>([^<]{4,})</")
});
static JSON_REASON: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(r#"(?i)"(\w*(reason|description|error|message|remarks?)\w*)"\s*:\s*"([^"]{4,})""#)
});
static COLUMN_HEADING: LazyLock<Pattern> =
    LazyLock::new(|| pattern::compiled(r"(?i)^(.*\b)?(carrier )?(reason|description|desc|remarks?|error)\b"));
static REJECTION_WORDS: LazyLock<Pattern> = LazyLock::new(|| {
    pattern::compiled(
        r"(?i)reject|jeopardy|unable to|could not|cannot|does not match|doesn't match|mismatch|invalid|incorrect|not portable|pending|rechaz|no coincide|not (on|part of)",
    )
});

/// The reasons a notice gives under a label, in a reason column, in an XML or JSON
/// element, or after "unworked:" / "their note:" (the note on the next lines).
fn labelled_reasons(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut push = |r: &str| {
        let r = r.trim().trim_end_matches('.').trim();
        let words = r
            .split_whitespace()
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
            .count();
        let useful = words >= 2 && super::refs::order_ref(r).is_none_or(|_| words >= 4);
        if useful && !out.iter().any(|o| o == r) {
            out.push(r.to_string());
        }
    };
    for (i, line) in lines.iter().enumerate() {
        if let Some(c) = REASON_LABEL.captures(line) {
            let value = c.get(c.group_count() - 1).map_or("", |m| m.as_str());
            push(value);
        } else if let Some(c) = UNWORKED.captures(line) {
            push(&c[4]);
        } else if line.trim_end().ends_with(':') && REJECTION_WORDS.is_match(line)
            || line.to_lowercase().contains("note:")
        {
            // "Their note:" with the note indented below.
            if let Some(next) = lines[i + 1..].iter().find(|l| !l.trim().is_empty()) {
                push(next);
            }
        }
        for c in XML_REASON.captures_iter(line) {
            push(&c[3]);
        }
        for c in JSON_REASON.captures_iter(line) {
            push(&c[3]);
        }
        // A table whose heading row has a reason or description column.
        let cells = split_cells(line);
        if cells.len() >= 2 {
            if let Some(col) = cells.iter().position(|c| COLUMN_HEADING.is_match(c) && c.len() <= 30) {
                for row in lines[i + 1..].iter().take(20) {
                    let row_cells = split_cells(row);
                    if row_cells.len() < 2 {
                        break;
                    }
                    // The last column takes the rest: descriptions hold spaces.
                    let value = if col + 1 >= cells.len() {
                        row_cells[col.min(row_cells.len() - 1)..].join(" ")
                    } else {
                        row_cells.get(col).map(|s| s.to_string()).unwrap_or_default()
                    };
                    push(&value);
                }
            }
        }
    }
    out
}

fn split_cells(line: &str) -> Vec<&str> {
    static GAP: LazyLock<Pattern> = LazyLock::new(|| pattern::compiled(r"\t|\s{2,}|\s*\|\s*"));
    GAP.split(line.trim()).filter(|c| !c.is_empty()).collect()
}

/// This module's patterns compiled now (`parse::compile_patterns`).
pub(in crate::parse) fn compile_patterns() {
    for (_, rule) in RULES.iter() {
        rule.prepare();
    }
    for pattern in [
        &REASON_LABEL,
        &UNWORKED,
        &XML_REASON,
        &JSON_REASON,
        &COLUMN_HEADING,
        &REJECTION_WORDS,
    ] {
        pattern.prepare();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carriers_jargon_maps_to_the_most_specific_code() {
        let cases = [
            (
                "SERVICE ADDRESS ON LSR DOES NOT MATCH CSR",
                RejectCode::LocationMismatch,
            ),
            (
                "PARTIAL PORT OF BTN - DESIGNATE NEW BTN FOR REMAINING LINES",
                RejectCode::MainBtnPorting,
            ),
            (
                "ZIP code on the order does not match the service address on file",
                RejectCode::PostalCodeMismatch,
            ),
            ("Passcode invalid or missing", RejectCode::PasscodePinInvalid),
            ("ATN does not match", RejectCode::BtnAtnMismatch),
            (
                "Account number does not match our records",
                RejectCode::AccountNumberMismatch,
            ),
            ("End user name mismatch", RejectCode::EntityNameMismatch),
            (
                "The person who signed the LOA is not an authorized user on the account",
                RejectCode::AuthPersonMismatch,
            ),
            ("TN not found on CSR", RejectCode::PhoneNumberMismatch),
            (
                "Number is in a rate center we cannot serve",
                RejectCode::PhoneNumberNotPortable,
            ),
            ("There is a pending order on this account", RejectCode::LsrPending),
            ("Customer must call to release the port", RejectCode::Other),
        ];
        for (reason, code) in cases {
            assert_eq!(reject_code(reason), code, "{reason}");
        }
    }
}

//! The reject code a carrier's wording means, most specific reason first (a ZIP
//! mismatch is POSTAL_CODE_MISMATCH, not LOCATION_MISMATCH).

use crate::domain::RejectCode;
use regex::Regex;
use std::sync::LazyLock;

/// Carriers' and vendors' jargon for each code, tried in this order.
static RULES: LazyLock<Vec<(RejectCode, Regex)>> = LazyLock::new(|| {
    let rule = |code, pattern: &str| (code, Regex::new(&format!("(?i){pattern}")).expect("reject pattern"));
    vec![
        rule(
            RejectCode::MainBtnPorting,
            r"partial port.{0,60}(btn|billing (tele)?phone|main (billing )?(number|tn|line)|account number)|(btn|main (billing )?(number|tn|line)|billing telephone number).{0,60}(partial port|remaining (lines|numbers|tns)|new btn|designate)|new btn|designate (a )?new (btn|billing)",
        ),
        rule(
            RejectCode::PostalCodeMismatch,
            r"\bzip\b|postal code|zip code|c[oó]digo postal",
        ),
        rule(
            RejectCode::PasscodePinInvalid,
            r"\bpin\b|passcode|pass code|security code|password|account code|c[oó]digo de seguridad",
        ),
        rule(
            RejectCode::AuthPersonMismatch,
            r"authori[sz]ed (user|person|signer|contact|party)|not (an )?authori[sz]ed|signer|signature|authori[sz]ation name|authorizing|person (who )?signed|persona autorizada",
        ),
        rule(
            RejectCode::BtnAtnMismatch,
            r"\bbtn\b|\batn\b|billing (tele)?phone( number)?|billing number|main (tele)?phone|main number|account telephone|billing tn",
        ),
        rule(
            RejectCode::AccountNumberMismatch,
            r"account (number|no|#|num)|acct|\bban\b|n[uú]mero de cuenta",
        ),
        rule(
            RejectCode::PhoneNumberNotPortable,
            r"not portable|non[- ]portable|cannot be ported|can ?not port|rate cent(er|re)|not in (the |our )?(service|coverage) area|wireless|outside.{0,20}(area|region)|no portable|unable to port|portability",
        ),
        rule(
            RejectCode::PhoneNumberMismatch,
            r"not (found )?on (the )?(account|csr)|(tn|number|telephone number)s? (is |are )?not (found|associated|listed|on)|does not belong|not associated with|tn not found|invalid tn|number not found|not on file",
        ),
        rule(
            RejectCode::LsrPending,
            r"pending (order|lsr|request|port|change|service order|disconnect)|(order|lsr|request) (already )?pending|freeze|frozen|open order|in[- ]flight|existing order|conflicting order|duplicate (order|request)",
        ),
        rule(
            RejectCode::EntityNameMismatch,
            r"(end[- ]user|business|customer|account|company|subscriber|entity|listed)\s*name|\bname (on|does not|doesn't|mismatch)|\bname\b.{0,30}(mismatch|match)|nombre",
        ),
        rule(
            RejectCode::LocationMismatch,
            r"service address|address|location|street|direcci[oó]n|\bsaddr\b|\bsano\b|\bsasn\b",
        ),
    ]
});

/// The code that fits `reason` most specifically, or `OTHER` when none does.
pub fn reject_code(reason: &str) -> RejectCode {
    RULES
        .iter()
        .find(|(_, re)| re.is_match(reason))
        .map(|(code, _)| *code)
        .unwrap_or(RejectCode::Other)
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

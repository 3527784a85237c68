//! The carrier's reason for rejecting a port order, as the twelve codes of the parse
//! contract, each with what the customer must fix.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectCode {
    AccountNumberMismatch,
    PasscodePinInvalid,
    BtnAtnMismatch,
    EntityNameMismatch,
    AuthPersonMismatch,
    LocationMismatch,
    PostalCodeMismatch,
    PhoneNumberMismatch,
    PhoneNumberNotPortable,
    LsrPending,
    MainBtnPorting,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a reject code: use one of {codes}", codes = RejectCode::ALL.map(|c| c.code()).join(", "))]
pub struct RejectCodeError(pub String);

impl RejectCode {
    pub const ALL: [RejectCode; 12] = [
        Self::AccountNumberMismatch,
        Self::PasscodePinInvalid,
        Self::BtnAtnMismatch,
        Self::EntityNameMismatch,
        Self::AuthPersonMismatch,
        Self::LocationMismatch,
        Self::PostalCodeMismatch,
        Self::PhoneNumberMismatch,
        Self::PhoneNumberNotPortable,
        Self::LsrPending,
        Self::MainBtnPorting,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::AccountNumberMismatch => "ACCOUNT_NUMBER_MISMATCH",
            Self::PasscodePinInvalid => "PASSCODE_PIN_INVALID",
            Self::BtnAtnMismatch => "BTN_ATN_MISMATCH",
            Self::EntityNameMismatch => "ENTITY_NAME_MISMATCH",
            Self::AuthPersonMismatch => "AUTH_PERSON_MISMATCH",
            Self::LocationMismatch => "LOCATION_MISMATCH",
            Self::PostalCodeMismatch => "POSTAL_CODE_MISMATCH",
            Self::PhoneNumberMismatch => "PHONE_NUMBER_MISMATCH",
            Self::PhoneNumberNotPortable => "PHONE_NUMBER_NOT_PORTABLE",
            Self::LsrPending => "LSR_PENDING",
            Self::MainBtnPorting => "MAIN_BTN_PORTING",
            Self::Other => "OTHER",
        }
    }

    /// What the carrier's objection means, in the porting team's words.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::AccountNumberMismatch => "the account number does not match the carrier's records",
            Self::PasscodePinInvalid => "the account PIN / passcode is missing or wrong",
            Self::BtnAtnMismatch => "the billing telephone number (BTN) does not match",
            Self::EntityNameMismatch => "the account / business name does not match",
            Self::AuthPersonMismatch => "the person who signed the LOA is not authorised on the account",
            Self::LocationMismatch => "the service address does not match",
            Self::PostalCodeMismatch => "the ZIP code does not match",
            Self::PhoneNumberMismatch => "a number is not on the account",
            Self::PhoneNumberNotPortable => "a number cannot be ported",
            Self::LsrPending => "another order is pending on the account",
            Self::MainBtnPorting => "the main billing number is in a partial port: a new BTN must be named",
            Self::Other => "the carrier gave another reason",
        }
    }
}

impl fmt::Display for RejectCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for RejectCode {
    type Err = RejectCodeError;

    /// The code as written in the contract, in any case, with `-` or spaces for `_`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_uppercase().replace(['-', ' '], "_");
        Self::ALL
            .into_iter()
            .find(|c| c.code() == wanted)
            .ok_or_else(|| RejectCodeError(s.trim().to_string()))
    }
}

impl serde::Serialize for RejectCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_itself() {
        for code in RejectCode::ALL {
            assert_eq!(code.code().parse::<RejectCode>().unwrap(), code);
            assert_eq!(
                code.code()
                    .to_lowercase()
                    .replace('_', "-")
                    .parse::<RejectCode>()
                    .unwrap(),
                code
            );
        }
    }

    #[test]
    fn an_unknown_code_lists_the_known_ones() {
        let err = "ZIP_WRONG".parse::<RejectCode>().unwrap_err().to_string();
        assert!(
            err.contains("POSTAL_CODE_MISMATCH") && err.contains("ZIP_WRONG"),
            "{err}"
        );
    }
}

//! Our order reference, `PORT-<digits>`: how customers, carriers (as the PON) and staff
//! name an order.

use std::fmt;
use std::str::FromStr;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrderRef {
    digits: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an order reference: write it as PORT-1042")]
pub struct OrderRefError(pub String);

impl OrderRef {
    /// The reference of the order with this number in the store.
    pub fn from_number(n: i64) -> Self {
        Self { digits: n.to_string() }
    }

    /// The order's number in the store.
    pub fn number(&self) -> Option<i64> {
        self.digits.parse().ok()
    }
}

impl FromStr for OrderRef {
    type Err = OrderRefError;

    /// `PORT-1042`, `port 1042`, `PORT#1042`, `PORT1042`: the word PORT, then a hyphen,
    /// space, `#` or nothing, then 3 to 8 digits.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let err = || OrderRefError(text.to_string());
        let head = text.get(..4).ok_or_else(err)?;
        if !head.eq_ignore_ascii_case("port") {
            return Err(err());
        }
        let tail = &text[4..];
        let digits = tail.strip_prefix(['-', ' ', '#']).unwrap_or(tail);
        if !(3..=8).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        Ok(Self {
            digits: digits.to_string(),
        })
    }
}

impl fmt::Display for OrderRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PORT-{}", self.digits)
    }
}

impl fmt::Debug for OrderRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrderRef(PORT-{})", self.digits)
    }
}

impl serde::Serialize for OrderRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_read_however_they_are_written() {
        for (written, canonical) in [
            ("PORT-1042", "PORT-1042"),
            ("port 1042", "PORT-1042"),
            ("PORT#1042", "PORT-1042"),
            ("PORT1042", "PORT-1042"),
            ("Port-01042", "PORT-01042"),
            ("PORT-12345678", "PORT-12345678"),
        ] {
            assert_eq!(written.parse::<OrderRef>().unwrap().to_string(), canonical);
        }
    }

    #[test]
    fn things_that_are_not_references_are_refused() {
        for written in [
            "PORT-12",
            "PORT-123456789",
            "port 3 lines",
            "Port 1 of 2",
            "PORT-",
            "1042",
            "SPORT-1042",
            "PORT--1042",
        ] {
            assert!(written.parse::<OrderRef>().is_err(), "{written}");
        }
    }
}

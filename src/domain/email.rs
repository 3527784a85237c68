//! E-mail addresses of contacts and senders, compared case-insensitively.

use std::fmt;
use std::str::FromStr;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an e-mail address: write it as name@company.com")]
pub struct EmailAddressError(pub String);

impl EmailAddress {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

/// The addresses, each once, in the order first written.
pub fn each_once(list: Vec<EmailAddress>) -> Vec<EmailAddress> {
    let mut seen = std::collections::HashSet::new();
    list.into_iter().filter(|a| seen.insert(a.clone())).collect()
}

impl FromStr for EmailAddress {
    type Err = EmailAddressError;

    /// `maria@acme.example`, also written `<maria@acme.example>` or `mailto:...`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let written = s.trim();
        let bare = written
            .trim_start_matches("mailto:")
            .trim_start_matches('<')
            .trim_end_matches('>');
        let err = || EmailAddressError(written.to_string());
        let (local, domain) = bare.rsplit_once('@').ok_or_else(err)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && domain.len() <= 253
            && labels.iter().all(|l| {
                !l.is_empty()
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !(local_ok && domain_ok) {
            return Err(err());
        }
        Ok(Self(bare.to_ascii_lowercase()))
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.0)
    }
}

impl serde::Serialize for EmailAddress {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_kept_in_one_case() {
        let a: EmailAddress = " <Maria.Lopez@ACME.example> ".parse().unwrap();
        assert_eq!(a.as_str(), "maria.lopez@acme.example");
        assert_eq!(a.domain(), "acme.example");
        assert_eq!(
            "mailto:ops+port@acme.example".parse::<EmailAddress>().unwrap().as_str(),
            "ops+port@acme.example"
        );
    }

    #[test]
    fn an_address_written_twice_is_kept_once_where_it_first_came() {
        let list: Vec<EmailAddress> = [
            "ops@acme.example",
            "ap@acme.example",
            "OPS@acme.example",
            "ap@acme.example",
        ]
        .iter()
        .map(|a| a.parse().unwrap())
        .collect();
        let once = each_once(list);
        let written: Vec<&str> = once.iter().map(|a| a.as_str()).collect();
        assert_eq!(written, ["ops@acme.example", "ap@acme.example"]);
    }

    #[test]
    fn things_that_are_not_addresses_are_refused() {
        for written in [
            "",
            "maria",
            "maria@",
            "@acme.example",
            "maria@acme",
            "ma ria@acme.example",
            "maria@acme..example",
            ".m@acme.example",
            "m@-acme.example",
        ] {
            assert!(written.parse::<EmailAddress>().is_err(), "{written:?}");
        }
    }
}

//! Who a message is from, for the order it is about (the desk's `Trust` tells, once the
//! message's authentication is known).

/// Who a message is from, for the order it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sender {
    /// A carrier, porting-vendor or e-signature domain that proved it sent the message.
    Carrier(Speaker),
    /// Mail in a trusted domain's name that does not prove it came from there.
    Unproven {
        domain: String,
        why: String,
    },
    /// One of the order's contacts.
    Contact,
    /// A contact's address on mail that fails its own domain's DMARC policy, or that
    /// names more than one author.
    UnverifiedContact(String),
    Stranger,
    /// A person on the team attached the message to the order and vouches for it.
    Vouched,
}

/// A proven trusted domain, and the carriers it speaks for (none named: every carrier,
/// as porting vendors and e-signature services do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speaker {
    pub domain: String,
    pub carriers: Vec<String>,
}

impl Speaker {
    pub fn speaks_for(&self, carrier: &str) -> bool {
        self.carriers.is_empty() || self.carriers.iter().any(|c| same_carrier(c, carrier))
    }
}

/// "AT&T" names "AT&T Business" and "att"; "Comcast" names "Comcast Business".
pub(super) fn same_carrier(configured: &str, on_order: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.to_lowercase()
            .split(|c: char| c.is_whitespace() || c == ',' || c == '-' || c == '/')
            .map(|w| w.chars().filter(|c| c.is_alphanumeric()).collect::<String>())
            .filter(|w| !w.is_empty())
            .collect()
    };
    let (configured, on_order) = (words(configured), words(on_order));
    !configured.is_empty() && on_order.starts_with(&configured)
}

//! Whom the desk believes: the trusted domains (porting vendors and e-signature
//! services for every carrier, each carrier's own domains for its orders), and who a
//! message is from once its authentication is known.

use crate::auth::Authentication;
use crate::domain::message_id::MessageIds;
use crate::domain::{EmailAddress, Order, OrderRef};

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
fn same_carrier(configured: &str, on_order: &str) -> bool {
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

/// The domains whose notices the desk may act on, and the domain of our own Message-IDs
/// (a reply to our mail names its order in its thread).
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// Vendors and e-signature services: they speak for every carrier.
    vendors: Vec<String>,
    /// Each carrier's own domains.
    carriers: Vec<(String, Vec<String>)>,
    ids: Option<MessageIds>,
}

fn domain_list(domains: impl IntoIterator<Item = String>) -> Vec<String> {
    domains
        .into_iter()
        .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .collect()
}

fn within(domain: &str, of: &str) -> bool {
    domain == of || domain.ends_with(&format!(".{of}"))
}

impl Trust {
    /// `vendors` speak for every carrier.
    pub fn new(vendors: impl IntoIterator<Item = String>) -> Self {
        Self {
            vendors: domain_list(vendors),
            carriers: Vec::new(),
            ids: None,
        }
    }

    /// Each carrier's own domains, which speak only for that carrier's orders.
    pub fn with_carriers(mut self, carriers: impl IntoIterator<Item = (String, Vec<String>)>) -> Self {
        self.carriers = carriers.into_iter().map(|(c, d)| (c, domain_list(d))).collect();
        self
    }

    /// How our own Message-IDs name their order (signed, so a made-up one names nothing).
    pub fn with_message_ids(mut self, ids: MessageIds) -> Self {
        self.ids = Some(ids);
        self
    }

    /// The speaker a domain would be, were it proven: `None` for a domain we do not trust.
    pub fn speaker(&self, domain: &str) -> Option<Speaker> {
        let domain = domain.to_ascii_lowercase();
        if self.vendors.iter().any(|d| within(&domain, d)) {
            return Some(Speaker {
                domain,
                carriers: Vec::new(),
            });
        }
        let carriers: Vec<String> = self
            .carriers
            .iter()
            .filter(|(_, domains)| domains.iter().any(|d| within(&domain, d)))
            .map(|(carrier, _)| carrier.clone())
            .collect();
        (!carriers.is_empty()).then_some(Speaker { domain, carriers })
    }

    pub fn is_trusted(&self, from: &EmailAddress) -> bool {
        self.speaker(from.domain()).is_some()
    }

    /// The order named by the first of our own Message-IDs in a message's thread.
    pub fn reference_in_thread(&self, ids: &[String]) -> Option<OrderRef> {
        let ours = self.ids.as_ref()?;
        ids.iter().find_map(|id| ours.order_of(id))
    }

    /// A trusted domain (proven, or not) first, then the order's contacts.
    pub fn sender(&self, from: &EmailAddress, authentication: &Authentication, order: Option<&Order>) -> Sender {
        if let Some(speaker) = self.speaker(from.domain()) {
            return match authentication.proven_domain() {
                Some(proven) if proven.eq_ignore_ascii_case(from.domain()) => Sender::Carrier(speaker),
                _ => Sender::Unproven {
                    domain: speaker.domain,
                    why: match authentication.why() {
                        "" => "its From: is not the address that was proven".to_string(),
                        why => why.to_string(),
                    },
                },
            };
        }
        if order.is_some_and(|o| o.contacts.contains(from)) {
            if authentication.dmarc_failed() || authentication.author_unclear() {
                return Sender::UnverifiedContact(authentication.why().to_string());
            }
            return Sender::Contact;
        }
        Sender::Stranger
    }
}

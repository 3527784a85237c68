//! Whom the desk believes: the trusted domains (porting vendors and e-signature
//! services for every carrier, each carrier's own domains for its orders), and who a
//! message is from once its authentication is known.

use crate::auth::Authentication;
use crate::domain::inbound::{Sender, Speaker};
use crate::domain::message_id::MessageIds;
use crate::domain::{EmailAddress, Order, OrderRef};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::inbound::tests::{carrier, order, proven};

    #[test]
    fn notices_act_only_from_trusted_domains_that_proved_it() {
        let trust = Trust::new(["portflow.example".to_string(), "@docusign.net".to_string()])
            .with_carriers([("Comcast".to_string(), vec!["comcast.com".to_string()])]);
        let o = order(1001, "305-555-0100", "ops@acme.example");
        let who = |from: &str, auth: &Authentication| trust.sender(&from.parse().unwrap(), auth, Some(&o));
        assert_eq!(who("notify@portflow.example", &proven("portflow.example")), carrier());
        assert!(
            matches!(who("dse@na3.docusign.net", &proven("na3.docusign.net")), Sender::Carrier(s) if s.carriers.is_empty())
        );
        assert!(
            matches!(who("ports@comcast.com", &proven("comcast.com")), Sender::Carrier(s) if s.carriers == ["Comcast"])
        );
        let forged = Authentication::Unverified {
            domain: Some("portflow.example".into()),
            why: "DKIM signature of evil.test, not portflow.example".into(),
            dmarc_failed: true,
        };
        assert_eq!(
            who("notify@portflow.example", &forged),
            Sender::Unproven {
                domain: "portflow.example".into(),
                why: "DKIM signature of evil.test, not portflow.example".into()
            }
        );
        assert_eq!(who("ops@acme.example", &proven("acme.example")), Sender::Contact);
        assert!(matches!(who("ops@acme.example", &forged), Sender::UnverifiedContact(_)));
        let no_dmarc = Authentication::Unverified {
            domain: Some("acme.example".into()),
            why: "no DKIM signature".into(),
            dmarc_failed: false,
        };
        let two_froms = Authentication::Unverified {
            domain: None,
            why: "it has 2 From: addresses".into(),
            dmarc_failed: false,
        };
        assert_eq!(
            who("ops@acme.example", &two_froms),
            Sender::UnverifiedContact("it has 2 From: addresses".into())
        );
        assert_eq!(
            who("ops@acme.example", &no_dmarc),
            Sender::Contact,
            "a small business without DMARC is still its contact"
        );
        assert_eq!(
            who(
                "notify@portflow.example.evil.example",
                &proven("portflow.example.evil.example")
            ),
            Sender::Stranger
        );
        assert_eq!(who("someone@else.example", &proven("else.example")), Sender::Stranger);
    }
}

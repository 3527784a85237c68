//! Whom the desk believes. A message's `From:` domain counts as proven only when a DKIM
//! signature of that domain (or one aligned with it) verifies, or SPF passes for an
//! aligned envelope sender, or DMARC passes: checked here with mail-auth over a
//! configured resolver, or read from the `Authentication-Results:` of the provider's own
//! mail server. What the checks found (`Evidence`) is judged by a pure rule (`judge`);
//! only fetching DNS records is I/O.

pub mod headers;
mod results;
mod verify;

use headers::{Author, Field};
pub use verify::Verifier;

/// How inbound mail is authenticated (`[auth] mode`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// DKIM, SPF and DMARC checked here, DNS through the resolver.
    Verify { resolver: Resolver },
    /// The provider's mail server checked; its `Authentication-Results:` say.
    AuthenticationResults { authserv_id: String },
    /// Nothing checked: the `From:` domain is taken as written. Local mode only.
    Off,
}

/// Where DNS questions go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolver {
    /// The machine's own (`/etc/resolv.conf`).
    System,
    /// These servers (`IP` or `IP:PORT`), UDP then TCP.
    Servers(Vec<std::net::SocketAddr>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSettings {
    pub mode: Mode,
    /// How many `Received:` fields our own servers add (the outermost records the
    /// sending server's address, which SPF checks).
    pub received_hops: usize,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            mode: Mode::Off,
            received_hops: 1,
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Pass,
    /// Failed, with the reason the checker gave.
    Fail(String),
    None,
    /// DNS did not answer: neither pass nor fail.
    TempError(String),
}

/// One DKIM signature and whether it verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub domain: String,
    pub check: Check,
}

/// SPF for the envelope sender's (or HELO) domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpfCheck {
    pub domain: String,
    pub check: Check,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Dmarc {
    Pass,
    /// The `From:` domain publishes DMARC, and neither an aligned DKIM signature nor
    /// aligned SPF passed.
    Fail,
    /// The domain publishes no DMARC policy.
    NoPolicy,
    #[default]
    Unknown,
}

/// What the checks found about a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    pub dkim: Vec<Signature>,
    pub spf: Option<SpfCheck>,
    pub dmarc: Dmarc,
    /// Why nothing could be checked, when that is so.
    pub note: Option<String>,
}

/// Whether the message's `From:` domain is proven.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authentication {
    /// Checks are off (local mode): the domain is taken as written.
    Unchecked {
        domain: String,
    },
    Verified {
        domain: String,
        proof: String,
    },
    Unverified {
        domain: Option<String>,
        /// Why, in words staff act on.
        why: String,
        /// The domain publishes DMARC and the message fails it.
        dmarc_failed: bool,
    },
}

impl Authentication {
    /// The `From:` domain, when the desk may believe it.
    pub fn proven_domain(&self) -> Option<&str> {
        match self {
            Authentication::Unchecked { domain } | Authentication::Verified { domain, .. } => Some(domain),
            Authentication::Unverified { .. } => None,
        }
    }

    /// The message has no single `From:` address (none, or several): whoever it names
    /// is not believed.
    pub fn author_unclear(&self) -> bool {
        matches!(self, Authentication::Unverified { domain: None, .. })
    }

    pub fn dmarc_failed(&self) -> bool {
        matches!(self, Authentication::Unverified { dmarc_failed: true, .. })
    }

    /// Why the sender is not believed (empty when it is).
    pub fn why(&self) -> &str {
        match self {
            Authentication::Unverified { why, .. } => why,
            _ => "",
        }
    }

    /// What the timeline and `parse --explain` say of it.
    pub fn describe(&self) -> String {
        match self {
            Authentication::Unchecked { domain } => format!("{domain} (sender authentication is off)"),
            Authentication::Verified { domain, proof } => format!("{domain}, proven by {proof}"),
            Authentication::Unverified { why, .. } => format!("not proven: {why}"),
        }
    }
}

/// Judges what the checks found against the one `From:` domain.
pub fn judge(author: &Author, evidence: &Evidence) -> Authentication {
    let domain = match author {
        Author::One(_) => author.domain().unwrap_or_default().to_string(),
        Author::Missing => return unverified(None, "it has no From: address", false),
        Author::Several(n) => return unverified(None, &format!("it has {n} From: addresses"), false),
    };
    if let Some(signature) = evidence
        .dkim
        .iter()
        .find(|s| s.check == Check::Pass && aligned(&s.domain, &domain))
    {
        let proof = format!("a DKIM signature of {}", signature.domain);
        return Authentication::Verified { domain, proof };
    }
    if let Some(spf) = evidence
        .spf
        .as_ref()
        .filter(|s| s.check == Check::Pass && aligned(&s.domain, &domain))
    {
        let proof = format!("SPF for {}", spf.domain);
        return Authentication::Verified { domain, proof };
    }
    if evidence.dmarc == Dmarc::Pass {
        return Authentication::Verified {
            domain,
            proof: "DMARC".into(),
        };
    }
    let why = reasons(&domain, evidence).join("; ");
    unverified(Some(domain), &why, evidence.dmarc == Dmarc::Fail)
}

fn unverified(domain: Option<String>, why: &str, dmarc_failed: bool) -> Authentication {
    Authentication::Unverified {
        domain,
        why: why.to_string(),
        dmarc_failed,
    }
}

/// Why `domain` is not proven, one reason per check.
fn reasons(domain: &str, evidence: &Evidence) -> Vec<String> {
    let mut why = Vec::new();
    if let Some(note) = &evidence.note {
        why.push(note.clone());
    }
    for signature in &evidence.dkim {
        why.push(match &signature.check {
            Check::Pass => format!("DKIM signature of {}, not {domain}", signature.domain),
            Check::Fail(reason) => format!("the DKIM signature of {} does not verify ({reason})", signature.domain),
            Check::TempError(reason) => format!("the DKIM key of {} could not be fetched ({reason})", signature.domain),
            Check::None => format!("the DKIM signature of {} could not be checked", signature.domain),
        });
    }
    if evidence.dkim.is_empty() && evidence.note.is_none() {
        why.push("no DKIM signature".into());
    }
    match &evidence.spf {
        Some(SpfCheck {
            domain: d,
            check: Check::Pass,
        }) => why.push(format!("SPF passes for {d}, not {domain}")),
        Some(SpfCheck {
            domain: d,
            check: Check::Fail(result),
        }) => why.push(format!("SPF {result} for {d}")),
        Some(SpfCheck {
            domain: d,
            check: Check::TempError(_),
        }) => why.push(format!("SPF for {d} could not be checked (DNS)")),
        Some(SpfCheck {
            domain: d,
            check: Check::None,
        }) => why.push(format!("{d} publishes no SPF")),
        None => {}
    }
    if evidence.dmarc == Dmarc::Fail {
        why.push(format!("{domain} publishes DMARC and the message fails it"));
    }
    why
}

/// Relaxed alignment, kept on the safe side without a public-suffix list: the same
/// domain, or one a subdomain of the other, never a bare top-level name.
pub fn aligned(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim_end_matches('.'), b.trim_end_matches('.'));
    if !a.contains('.') || !b.contains('.') {
        return false;
    }
    a.eq_ignore_ascii_case(b)
        || a.to_ascii_lowercase()
            .ends_with(&format!(".{}", b.to_ascii_lowercase()))
        || b.to_ascii_lowercase()
            .ends_with(&format!(".{}", a.to_ascii_lowercase()))
}

/// Reads the evidence the mode allows: the server's results or our own checks.
pub async fn authenticate(verifier: &Verifier, raw: &[u8]) -> Authentication {
    let fields: Vec<Field> = headers::fields(raw);
    let author = Author::of(&fields);
    match verifier.settings().mode.clone() {
        Mode::Off => match author.domain() {
            Some(domain) => Authentication::Unchecked {
                domain: domain.to_string(),
            },
            None => judge(&author, &Evidence::default()),
        },
        Mode::AuthenticationResults { authserv_id } => {
            let evidence = results::read(&fields, &authserv_id, verifier.settings().received_hops);
            judge(&author, &evidence)
        }
        Mode::Verify { .. } => {
            if author.domain().is_none() {
                return judge(&author, &Evidence::default());
            }
            let evidence = verifier.check(raw, &fields, &author).await;
            judge(&author, &evidence)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn carrier() -> Author {
        Author::One("ports@carrier.example".into())
    }

    fn signed_by(domain: &str, check: Check) -> Evidence {
        Evidence {
            dkim: vec![Signature {
                domain: domain.into(),
                check,
            }],
            ..Evidence::default()
        }
    }

    #[test]
    fn an_aligned_signature_proves_the_domain() {
        let proven = judge(&carrier(), &signed_by("carrier.example", Check::Pass));
        assert_eq!(proven.proven_domain(), Some("carrier.example"));
        let sub = judge(&carrier(), &signed_by("mail.carrier.example", Check::Pass));
        assert_eq!(sub.proven_domain(), Some("carrier.example"));
    }

    #[test]
    fn another_domains_signature_proves_nothing_and_says_whose_it_is() {
        let judged = judge(&carrier(), &signed_by("evil.test", Check::Pass));
        assert_eq!(judged.proven_domain(), None);
        assert!(judged
            .why()
            .contains("DKIM signature of evil.test, not carrier.example"));
    }

    #[test]
    fn a_broken_signature_and_failing_spf_prove_nothing() {
        let mut evidence = signed_by("carrier.example", Check::Fail("body hash mismatch".into()));
        evidence.spf = Some(SpfCheck {
            domain: "carrier.example".into(),
            check: Check::Fail("fail".into()),
        });
        evidence.dmarc = Dmarc::Fail;
        let judged = judge(&carrier(), &evidence);
        assert!(judged.dmarc_failed());
        assert!(
            judged.why().contains("does not verify (body hash mismatch)"),
            "{judged:?}"
        );
        assert!(judged.why().contains("SPF fail for carrier.example"));
    }

    #[test]
    fn aligned_spf_proves_the_domain_without_a_signature() {
        let evidence = Evidence {
            spf: Some(SpfCheck {
                domain: "bounce.carrier.example".into(),
                check: Check::Pass,
            }),
            ..Evidence::default()
        };
        assert!(judge(&carrier(), &evidence).proven_domain().is_some());
    }

    #[test]
    fn several_authors_are_never_proven() {
        let judged = judge(&Author::Several(2), &signed_by("carrier.example", Check::Pass));
        assert_eq!(judged.why(), "it has 2 From: addresses");
    }

    #[test]
    fn alignment_never_reaches_a_bare_top_level_name() {
        assert!(aligned("carrier.example", "CARRIER.example"));
        assert!(!aligned("example", "carrier.example"));
        assert!(!aligned("notcarrier.example", "carrier.example"));
    }
}

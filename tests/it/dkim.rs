//! DKIM signing as the test domains' own mail servers would sign, with the private
//! halves of the keys `tests/fixtures/dns/zone.conf` publishes on the test DNS server
//! (`scripts/dns`, 127.0.0.1:5300).

use mail_auth::common::crypto::Ed25519Key;
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::DkimSigner;
use mail_parser::decoders::base64::base64_decode;

/// The test DNS server.
pub const RESOLVER: &str = "127.0.0.1:5300";

/// Domains whose genuine key (selector `portbot-test`) the test DNS publishes.
pub const GENUINE_DOMAINS: &[&str] = &[
    "portflow.example",
    "comcast.com",
    "docusign.net",
    "lineport.test",
    "othercarrier.test",
];

/// Whose key signs.
#[derive(Debug, Clone, Copy)]
pub enum Key {
    /// The genuine carriers' key, published for `GENUINE_DOMAINS`.
    Genuine,
    /// The attacker's own key, published for evil.test (selector `s1`).
    Evil,
}

impl Key {
    fn parts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Key::Genuine => (
                "ZuDL8LDYgZPWz/xaGy6i/GIkjBeHIXr7ROOoILaqvM4=",
                "U0CJxsQn2v59U5kj/ZPUSW+N1TfRZZoTPadOVyjQX/w=",
                "portbot-test",
            ),
            Key::Evil => (
                "9S14XdbUk+zX1WgcjdvUo/Ka78Aty5Gtj/Bep2NBCDA=",
                "7JBf/cs42yld2MU2LAc3Pf4scqP6Zt5/Yg2e2g/wDtI=",
                "s1",
            ),
        }
    }
}

/// `message` (CRLF line ends) with a DKIM signature of `domain` by `key` on top.
pub fn sign(message: &str, domain: &str, key: Key) -> String {
    let message = crlf(message);
    let (seed, public, selector) = key.parts();
    let key = Ed25519Key::from_seed_and_public_key(
        &base64_decode(seed.as_bytes()).expect("seed"),
        &base64_decode(public.as_bytes()).expect("public key"),
    )
    .expect("an Ed25519 key");
    let signature = DkimSigner::from_key(key)
        .domain(domain)
        .selector(selector)
        .headers(["From", "To", "Subject", "Date", "Message-ID"])
        .sign(message.as_bytes())
        .expect("signed");
    format!("{}{message}", signature.to_header())
}

/// Signed with the genuine key when the `From:` domain (or a parent) has it published;
/// as it is otherwise.
pub fn signed_if_genuine(message: &str) -> String {
    let from_domain = message
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .find_map(|l| l.strip_prefix("From:"))
        .and_then(|f| f.rsplit('@').next())
        .map(|d| d.trim().trim_end_matches('>').to_ascii_lowercase());
    let genuine = from_domain.and_then(|d| {
        GENUINE_DOMAINS
            .iter()
            .find(|g| d == **g || d.ends_with(&format!(".{g}")))
            .copied()
    });
    match genuine {
        Some(domain) => sign(message, domain, Key::Genuine),
        None => crlf(message),
    }
}

fn crlf(message: &str) -> String {
    message.replace("\r\n", "\n").replace('\n', "\r\n")
}

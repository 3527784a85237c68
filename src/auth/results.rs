//! `Authentication-Results:` (RFC 8601) as the provider's own mail server writes it:
//! only fields of the configured authserv-id, and only those our own servers added
//! (above our outermost `Received:`), count. Any other such field is the sender's
//! claim and is ignored.

use super::headers::{our_outermost_received, Field};
use super::{Check, Dmarc, Evidence, Signature, SpfCheck};

/// What the trusted `Authentication-Results:` fields of `fields` say.
pub fn read(fields: &[Field], authserv_id: &str, hops: usize) -> Evidence {
    let mut evidence = Evidence::default();
    // Fields below our outermost Received were in the message before it reached us.
    let Some(limit) = our_outermost_received(fields, hops) else {
        evidence.note = Some("it did not come through our mail server (no Received: field of ours)".into());
        return evidence;
    };
    let ours = fields[..limit]
        .iter()
        .filter(|f| f.name == "authentication-results")
        .filter_map(|f| Statement::parse(&f.value))
        .filter(|s| s.authserv_id.eq_ignore_ascii_case(authserv_id));
    let mut seen = false;
    for statement in ours {
        seen = true;
        for result in statement.results {
            result.add_to(&mut evidence);
        }
    }
    if !seen {
        evidence.note = Some(format!(
            "our mail server ({authserv_id}) recorded no Authentication-Results for it"
        ));
    }
    evidence
}

/// One `Authentication-Results:` field.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Statement {
    authserv_id: String,
    results: Vec<MethodResult>,
}

/// One `method=result` with its properties (`header.d=...`, `smtp.mailfrom=...`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct MethodResult {
    method: String,
    result: String,
    properties: Vec<(String, String)>,
}

impl Statement {
    fn parse(value: &str) -> Option<Self> {
        let text = without_comments(value);
        let mut parts = text.split(';');
        let authserv_id = parts.next()?.split_whitespace().next()?.to_string();
        let results = parts.filter_map(MethodResult::parse).collect();
        Some(Self { authserv_id, results })
    }
}

impl MethodResult {
    fn parse(part: &str) -> Option<Self> {
        let mut words = part.split_whitespace();
        let (method, result) = words.next()?.split_once('=')?;
        let properties = words
            .filter_map(|w| w.split_once('='))
            .map(|(k, v)| (k.to_ascii_lowercase(), v.trim_matches('"').to_string()))
            .collect();
        Some(Self {
            method: method.split('/').next().unwrap_or(method).to_ascii_lowercase(),
            result: result.to_ascii_lowercase(),
            properties,
        })
    }

    fn property(&self, key: &str) -> Option<&str> {
        self.properties.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn check(&self) -> Check {
        match self.result.as_str() {
            "pass" => Check::Pass,
            "none" => Check::None,
            "temperror" => Check::TempError(self.result.clone()),
            other => Check::Fail(other.to_string()),
        }
    }

    fn add_to(&self, evidence: &mut Evidence) {
        match self.method.as_str() {
            "dkim" => {
                let domain = self
                    .property("header.d")
                    .or_else(|| self.property("header.i").map(|i| i.rsplit('@').next().unwrap_or(i)));
                if let Some(domain) = domain {
                    evidence.dkim.push(Signature {
                        domain: domain.to_ascii_lowercase(),
                        check: self.check(),
                    });
                }
            }
            "spf" => {
                let identity = self.property("smtp.mailfrom").or_else(|| self.property("smtp.helo"));
                if let Some(identity) = identity {
                    let domain = identity.rsplit('@').next().unwrap_or(identity);
                    evidence.spf = Some(SpfCheck {
                        domain: domain.to_ascii_lowercase(),
                        check: self.check(),
                    });
                }
            }
            "dmarc" => {
                evidence.dmarc = match self.result.as_str() {
                    "pass" => Dmarc::Pass,
                    "fail" => Dmarc::Fail,
                    "none" => Dmarc::NoPolicy,
                    _ => Dmarc::Unknown,
                };
            }
            _ => {}
        }
    }
}

/// Removes `(comments)`, which may hold `;` and `=`.
fn without_comments(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let (mut depth, mut quoted) = (0usize, false);
    for c in value.chars() {
        match c {
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::headers::fields;
    use super::*;

    fn evidence(message: &str) -> Evidence {
        read(&fields(message.as_bytes()), "mx.voip.example", 1)
    }

    #[test]
    fn our_servers_results_are_read() {
        let e = evidence(
            "Authentication-Results: mx.voip.example (OpenDKIM);\n dkim=pass (2048-bit key) header.d=carrier.example header.s=s1;\n spf=pass smtp.mailfrom=bounces@carrier.example; dmarc=pass header.from=carrier.example\n\
             Received: from out.carrier.example ([192.0.2.1]) by mx.voip.example\nFrom: ports@carrier.example\n\n",
        );
        assert_eq!(
            e.dkim,
            vec![Signature {
                domain: "carrier.example".into(),
                check: Check::Pass
            }]
        );
        assert_eq!(e.spf.as_ref().map(|s| s.domain.as_str()), Some("carrier.example"));
        assert_eq!(e.dmarc, Dmarc::Pass);
    }

    #[test]
    fn another_servers_results_are_ignored() {
        let e = evidence(
            "Authentication-Results: mx.voip.example.evil.test; dkim=pass header.d=carrier.example\n\
             Received: from out.evil.test ([192.0.2.1]) by mx.voip.example\nFrom: ports@carrier.example\n\n",
        );
        assert!(e.dkim.is_empty());
        assert!(e.note.is_some());
    }

    #[test]
    fn results_written_before_the_message_reached_us_are_ignored() {
        let e = evidence(
            "Received: from out.evil.test ([192.0.2.1]) by mx.voip.example\n\
             Authentication-Results: mx.voip.example; dkim=pass header.d=carrier.example\nFrom: ports@carrier.example\n\n",
        );
        assert!(e.dkim.is_empty());
    }

    #[test]
    fn failures_carry_their_result() {
        let e = evidence(
            "Authentication-Results: mx.voip.example; dkim=fail header.i=@carrier.example; spf=softfail smtp.mailfrom=carrier.example; dmarc=fail\n\
             Received: from x ([192.0.2.1]) by mx.voip.example\n\n",
        );
        assert_eq!(e.dkim[0].check, Check::Fail("fail".into()));
        assert_eq!(e.spf.unwrap().check, Check::Fail("softfail".into()));
        assert_eq!(e.dmarc, Dmarc::Fail);
    }
}

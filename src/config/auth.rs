//! The `[auth]` section: how the desk learns whether a message really comes from the
//! domain in its `From:` (see `crate::auth`).

use super::inbox::number;
use super::InboxSource;
use crate::auth::{AuthSettings, Mode, Resolver};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAuth {
    mode: Option<String>,
    resolver: Option<String>,
    authserv_id: Option<String>,
    received_hops: Option<toml::Value>,
}

/// `verify` is the default for an IMAP inbox, `off` for the local inbox folder; `off`
/// with IMAP is refused.
pub(super) fn check(raw: RawAuth, source: &InboxSource) -> Result<AuthSettings, String> {
    let local = matches!(source, InboxSource::Folder { .. });
    let default_mode = if local { "off" } else { "verify" };
    let mode = match raw.mode.as_deref().unwrap_or(default_mode).trim() {
        "verify" => Mode::Verify {
            resolver: resolver(raw.resolver.as_deref().unwrap_or("system"))?,
        },
        "authentication-results" | "authentication_results" => Mode::AuthenticationResults {
            authserv_id: raw
                .authserv_id
                .map(|id| id.trim().to_string())
                .filter(|id| !id.is_empty() && !id.contains(char::is_whitespace))
                .ok_or(
                    "auth.authserv_id is missing: give the name your mail server writes first in its \
                     Authentication-Results header, e.g. mx.voip.example",
                )?,
        },
        "off" if local => Mode::Off,
        "off" => {
            return Err("auth.mode \"off\" is only for local mode (inbox.source = \"folder\"): \
                 with IMAP use \"verify\" or \"authentication-results\""
                .into())
        }
        other => {
            return Err(format!(
                "auth.mode '{other}' is not one of verify, authentication-results, off"
            ))
        }
    };
    let received_hops = number(raw.received_hops, "auth.received_hops", 1)?;
    if !(1..=10).contains(&received_hops) {
        return Err(format!(
            "auth.received_hops {received_hops} is not 1 to 10: count the Received: fields your own servers add"
        ));
    }
    Ok(AuthSettings {
        mode,
        received_hops: received_hops as usize,
    })
}

/// `system`, or DNS servers as `IP` or `IP:PORT`, comma-separated.
fn resolver(text: &str) -> Result<Resolver, String> {
    if text.trim() == "system" {
        return Ok(Resolver::System);
    }
    let servers = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<std::net::SocketAddr>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(|ip| (ip, 53).into()))
                .map_err(|_| format!("auth.resolver '{s}' is not \"system\" or a DNS server's IP[:PORT]"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if servers.is_empty() {
        return Err("auth.resolver is empty: use \"system\" or a DNS server's IP[:PORT]".into());
    }
    Ok(Resolver::Servers(servers))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::time::Duration;

    fn folder() -> InboxSource {
        InboxSource::Folder {
            path: PathBuf::from("data/inbox"),
            poll: Duration::from_secs(5),
        }
    }

    fn raw(mode: &str) -> RawAuth {
        RawAuth {
            mode: Some(mode.into()),
            ..RawAuth::default()
        }
    }

    #[test]
    fn the_local_inbox_checks_nothing_unless_told() {
        assert_eq!(check(RawAuth::default(), &folder()).unwrap().mode, Mode::Off);
        let verify = check(
            RawAuth {
                resolver: Some("127.0.0.1:5353".into()),
                ..raw("verify")
            },
            &folder(),
        )
        .unwrap();
        assert_eq!(
            verify.mode,
            Mode::Verify {
                resolver: Resolver::Servers(vec!["127.0.0.1:5353".parse().unwrap()])
            }
        );
    }

    #[test]
    fn authentication_results_need_the_servers_id() {
        let error = check(raw("authentication-results"), &folder()).unwrap_err();
        assert!(error.contains("auth.authserv_id is missing"), "{error}");
    }

    #[test]
    fn a_bad_resolver_is_named() {
        let error = resolver("dns.example").unwrap_err();
        assert!(error.contains("'dns.example'"), "{error}");
        assert_eq!(
            resolver("192.0.2.53").unwrap(),
            Resolver::Servers(vec!["192.0.2.53:53".parse().unwrap()])
        );
    }
}

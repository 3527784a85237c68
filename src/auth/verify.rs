//! DKIM, SPF and DMARC checked here with mail-auth, DNS through the configured
//! resolver: the only I/O of authentication. What it finds is `Evidence`; judging it
//! is `super::judge`.

use super::headers::{entry_hop, return_path, Author, Field};
use super::{AuthSettings, Check, Dmarc, Evidence, Mode, Resolver, Signature, SpfCheck};
use mail_auth::dmarc::verify::DmarcParameters;
use mail_auth::hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig, ResolverOpts};
use mail_auth::spf::verify::SpfParameters;
use mail_auth::{AuthenticatedMessage, DkimResult, DmarcResult, MessageAuthenticator, SpfResult};
use std::time::Duration;

/// The name our SPF checks give for this host (only used in SPF explanations).
const HOST: &str = "portbot";

/// Authenticates inbound mail as the settings say.
pub struct Verifier {
    settings: AuthSettings,
    dns: Option<MessageAuthenticator>,
}

impl Verifier {
    /// A verifier for the settings; in `verify` mode it builds its DNS resolver, which
    /// fails only when the system's resolver configuration cannot be read.
    pub fn new(settings: AuthSettings) -> Result<Self, String> {
        let dns = match &settings.mode {
            Mode::Verify { resolver } => Some(authenticator(resolver)?),
            _ => None,
        };
        Ok(Self { settings, dns })
    }

    /// Checks are off (local mode).
    pub fn off() -> Self {
        Self {
            settings: AuthSettings::default(),
            dns: None,
        }
    }

    pub fn settings(&self) -> &AuthSettings {
        &self.settings
    }

    /// DKIM of every signature, SPF of the envelope sender at our entry hop, DMARC of
    /// the `From:` domain.
    pub(super) async fn check(&self, raw: &[u8], fields: &[Field], author: &Author) -> Evidence {
        let Some(dns) = &self.dns else {
            return Evidence::default();
        };
        let Some(message) = AuthenticatedMessage::parse(raw) else {
            return Evidence {
                note: Some("its headers could not be read for authentication".into()),
                ..Evidence::default()
            };
        };
        let dkim_outputs = dns.verify_dkim(&message).await;
        let dkim = signatures(&dkim_outputs);
        let mut evidence = Evidence {
            dkim,
            ..Evidence::default()
        };
        let Some(hop) = entry_hop(fields, self.settings.received_hops) else {
            evidence.note = Some(format!(
                "it did not come through our mail server ({} Received: field(s) of ours expected), so SPF could not be checked",
                self.settings.received_hops
            ));
            return evidence;
        };
        let mail_from = return_path(fields).unwrap_or_default();
        let params = if mail_from.contains('@') {
            SpfParameters::verify_mail_from(hop.ip, &hop.helo, HOST, &mail_from)
        } else {
            SpfParameters::verify_ehlo(hop.ip, &hop.helo, HOST)
        };
        let spf_output = dns.verify_spf(params).await;
        let spf_domain = spf_output.domain().to_ascii_lowercase();
        evidence.spf = Some(SpfCheck {
            domain: spf_domain.clone(),
            check: spf_check(spf_output.result()),
        });
        if author.domain().is_some() {
            let dmarc = dns
                .verify_dmarc(DmarcParameters::new(&message, &dkim_outputs, &spf_domain, &spf_output))
                .await;
            evidence.dmarc = match (dmarc.dmarc_record(), dmarc.result()) {
                (_, DmarcResult::Pass) => Dmarc::Pass,
                (None, _) => Dmarc::NoPolicy,
                (Some(_), DmarcResult::Fail(_)) => Dmarc::Fail,
                (Some(_), _) => Dmarc::Unknown,
            };
        }
        evidence
    }
}

/// Each DKIM signature's domain and result.
fn signatures(outputs: &[mail_auth::DkimOutput<'_>]) -> Vec<Signature> {
    outputs
        .iter()
        .filter_map(|output| {
            let domain = output.signature()?.d.to_ascii_lowercase();
            let check = match output.result() {
                DkimResult::Pass => Check::Pass,
                DkimResult::TempError(e) => Check::TempError(e.to_string()),
                DkimResult::None => Check::None,
                DkimResult::Neutral(e) | DkimResult::Fail(e) | DkimResult::PermError(e) => Check::Fail(e.to_string()),
            };
            Some(Signature { domain, check })
        })
        .collect()
}

fn spf_check(result: SpfResult) -> Check {
    match result {
        SpfResult::Pass => Check::Pass,
        SpfResult::None => Check::None,
        SpfResult::TempError => Check::TempError("temperror".into()),
        SpfResult::Fail => Check::Fail("fail".into()),
        SpfResult::SoftFail => Check::Fail("softfail".into()),
        SpfResult::Neutral => Check::Fail("neutral".into()),
        SpfResult::PermError => Check::Fail("permerror".into()),
    }
}

/// The resolver the settings name; a DNS answer waits at most 5 s.
fn authenticator(resolver: &Resolver) -> Result<MessageAuthenticator, String> {
    let mut options = ResolverOpts::default();
    options.timeout = Duration::from_secs(5);
    options.attempts = 2;
    let config = match resolver {
        Resolver::System => {
            let (config, _) = mail_auth::hickory_resolver::system_conf::read_system_conf()
                .map_err(|e| format!("auth.resolver \"system\": /etc/resolv.conf could not be read ({e})"))?;
            config
        }
        Resolver::Servers(servers) => ResolverConfig::from_name_servers(
            servers
                .iter()
                .map(|server| {
                    let mut udp = ConnectionConfig::udp();
                    udp.port = server.port();
                    let mut tcp = ConnectionConfig::tcp();
                    tcp.port = server.port();
                    NameServerConfig::new(server.ip(), true, vec![udp, tcp])
                })
                .collect(),
        ),
    };
    MessageAuthenticator::new(config, options).map_err(|e| format!("the DNS resolver could not be built: {e}"))
}

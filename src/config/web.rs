//! `[web]`: the staff board and the customers' status pages.

use super::Secret;
use serde::Deserialize;

#[derive(Debug, Clone)]
pub struct WebSettings {
    pub listen: std::net::SocketAddr,
    /// The address customers and staff open, as the TLS proxy serves it
    /// (`https://porting.voip.example`): customer e-mails link to `{public_url}/p/TOKEN`.
    pub public_url: String,
    /// Signs the customers' status links.
    pub secret: Secret,
    /// How long a status link in an e-mail opens its page, in days.
    pub link_days: u32,
    /// Sign-in cookies only over HTTPS (behind a TLS proxy); off for plain loopback.
    pub secure_cookies: bool,
}

impl WebSettings {
    /// The links customer e-mails and the staff pages give to each order's status page.
    pub fn status_pages(&self) -> crate::domain::status_link::StatusPages {
        crate::domain::status_link::StatusPages {
            links: crate::domain::status_link::StatusLinks::new(self.secret.expose()),
            public_url: self.public_url.clone(),
            days: i64::from(self.link_days),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWeb {
    enabled: Option<toml::Value>,
    listen: Option<String>,
    public_url: Option<String>,
    secret: Option<String>,
    link_days: Option<u32>,
    secure_cookies: Option<bool>,
}

/// The board's settings when enabled; `signing_key` (the outbox's) signs links when
/// `web.secret` is not set.
pub(super) fn check(raw: RawWeb, signing_key: &Secret) -> Result<Option<WebSettings>, String> {
    if !super::switched_on(raw.enabled, "web.enabled")? {
        return Ok(None);
    }
    let listen_text = raw.listen.unwrap_or_else(|| "127.0.0.1:8090".into());
    let listen: std::net::SocketAddr = listen_text
        .parse()
        .map_err(|_| format!("web.listen '{listen_text}' is not an address and port, e.g. 127.0.0.1:8090"))?;
    let public_url = raw
        .public_url
        .unwrap_or_else(|| format!("http://{listen}"))
        .trim()
        .trim_end_matches('/')
        .to_string();
    if !(public_url.starts_with("https://") || public_url.starts_with("http://")) {
        return Err(format!(
            "web.public_url '{public_url}' must start with https:// (the address your TLS proxy serves)"
        ));
    }
    let secret = match raw.secret {
        Some(s) if s.len() >= 16 => Secret::new(s),
        Some(_) => return Err("web.secret must be at least 16 characters (set PORTBOT_WEB_SECRET)".into()),
        None => signing_key.clone(),
    };
    let link_days = match raw.link_days {
        None => 90,
        Some(days @ 1..=365) => days,
        Some(days) => return Err(format!("web.link_days is {days}: give 1 to 365 days (90 by default)")),
    };
    Ok(Some(WebSettings {
        listen,
        secure_cookies: raw.secure_cookies.unwrap_or(public_url.starts_with("https://")),
        public_url,
        secret,
        link_days,
    }))
}

//! The `[inbox]` and `[imap]` sections: where mail comes from, whom the desk believes,
//! and how the IMAP watcher talks to the server.

use super::Secret;
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct InboxSettings {
    pub source: InboxSource,
    /// The porting inbox's own address; our Message-IDs use its domain.
    pub address: String,
    /// Porting-vendor and e-signature domains: they speak for every carrier.
    pub trusted_domains: Vec<String>,
    /// Each losing carrier's own domains (`[inbox.carriers]`): they speak only for
    /// orders ported from that carrier.
    pub carrier_domains: Vec<(String, Vec<String>)>,
    /// Larger messages are kept for a person unread.
    pub max_message_bytes: usize,
    /// The time one message may take to read.
    pub read_budget: Duration,
}

impl InboxSettings {
    pub fn own_domain(&self) -> &str {
        self.address.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

#[derive(Debug, Clone)]
pub enum InboxSource {
    /// Local mode: `.eml` files dropped in a folder.
    Folder {
        path: PathBuf,
        poll: Duration,
    },
    Imap(ImapSettings),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (port 993).
    Tls,
    /// Plain, then STARTTLS before logging in (port 143).
    StartTls,
    /// No encryption: only for a server on loopback.
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterTaking {
    /// Flag the message `$PortbotDone` (and \Seen); it stays where it is.
    Flag,
    /// Move it to this folder (created if missing).
    Move(String),
}

#[derive(Debug, Clone)]
pub struct ImapSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    pub password: Secret,
    pub mailbox: String,
    pub after: AfterTaking,
    /// Wait with IDLE when the server offers it; else (or when false) poll.
    pub idle: bool,
    pub poll: Duration,
    /// Messages fetched per round trip.
    pub batch: u32,
    /// A PEM file of extra CA certificates (a private mail server's own CA).
    pub ca_file: Option<PathBuf>,
    /// How long one IDLE lasts before it is renewed (servers drop IDLE after 30 minutes).
    pub idle_renew: Duration,
    /// A command the server leaves unanswered this long: the connection is taken as
    /// stuck (a stopped server keeps the socket open), dropped and made again. A batch
    /// FETCH gets five times as long.
    pub command_timeout: Duration,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawInbox {
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    folder: Option<String>,
    #[serde(default)]
    poll_seconds: Option<toml::Value>,
    #[serde(default)]
    address: Option<String>,
    #[serde(default)]
    trusted_domains: Option<StringList>,
    #[serde(default)]
    carriers: Option<toml::Table>,
    #[serde(default)]
    max_message_bytes: Option<toml::Value>,
    #[serde(default)]
    read_seconds: Option<toml::Value>,
}

/// A list in the file, or a comma-separated string from the environment.
#[derive(Deserialize)]
#[serde(untagged)]
enum StringList {
    List(Vec<String>),
    Text(String),
}

impl StringList {
    fn items(self) -> Vec<String> {
        let items = match self {
            StringList::List(l) => l,
            StringList::Text(t) => t.split(',').map(str::to_string).collect(),
        };
        items
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawImap {
    host: Option<String>,
    port: Option<toml::Value>,
    security: Option<String>,
    user: Option<String>,
    password: Option<String>,
    mailbox: Option<String>,
    after: Option<String>,
    move_to: Option<String>,
    idle: Option<toml::Value>,
    poll_seconds: Option<toml::Value>,
    batch: Option<toml::Value>,
    ca_file: Option<String>,
    idle_renew_seconds: Option<toml::Value>,
    command_timeout_seconds: Option<toml::Value>,
}

/// A number from the file, or from the environment as text.
pub(super) fn number(value: Option<toml::Value>, key: &str, default: u64) -> Result<u64, String> {
    match value {
        None => Ok(default),
        Some(toml::Value::Integer(n)) if n >= 0 => Ok(n as u64),
        Some(toml::Value::String(s)) => s
            .trim()
            .parse()
            .map_err(|_| format!("{key} must be a whole number, not '{s}'")),
        Some(other) => Err(format!("{key} must be a whole number, not {other}")),
    }
}

fn flag(value: Option<toml::Value>, key: &str, default: bool) -> Result<bool, String> {
    match value {
        None => Ok(default),
        Some(toml::Value::Boolean(b)) => Ok(b),
        Some(toml::Value::String(s)) => match s.trim() {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" => Ok(false),
            _ => Err(format!("{key} must be true or false, not '{s}'")),
        },
        Some(other) => Err(format!("{key} must be true or false, not {other}")),
    }
}

pub(super) fn check(inbox: RawInbox, imap: Option<RawImap>) -> Result<InboxSettings, String> {
    let address = inbox.address.unwrap_or_else(|| "porting@portbot.invalid".to_string());
    if address.parse::<crate::domain::EmailAddress>().is_err() {
        return Err(format!(
            "inbox.address '{address}' is not an e-mail address: give the porting inbox's, e.g. porting@voip.example"
        ));
    }
    let trusted_domains = inbox.trusted_domains.map(StringList::items).unwrap_or_default();
    let carrier_domains = carriers(inbox.carriers.unwrap_or_default())?;
    let max_message_bytes = number(inbox.max_message_bytes, "inbox.max_message_bytes", 25_000_000)?.max(1_000) as usize;
    let read_budget = Duration::from_secs(number(inbox.read_seconds, "inbox.read_seconds", 10)?.clamp(1, 600));
    let poll_default = number(inbox.poll_seconds, "inbox.poll_seconds", 5)?.max(1);
    let source = match inbox.source.as_deref().unwrap_or("folder") {
        "folder" => InboxSource::Folder {
            path: PathBuf::from(inbox.folder.unwrap_or_else(|| "data/inbox".to_string())),
            poll: Duration::from_secs(poll_default),
        },
        "imap" => InboxSource::Imap(check_imap(imap.ok_or(
            "inbox.source is \"imap\" but there is no [imap] section: add host, user and password",
        )?)?),
        other => {
            return Err(format!(
                "inbox.source '{other}' is not available: use \"folder\" or \"imap\""
            ))
        }
    };
    Ok(InboxSettings {
        source,
        address,
        trusted_domains,
        carrier_domains,
        max_message_bytes,
        read_budget,
    })
}

/// `[inbox.carriers]`: `"AT&T" = ["att.com", "att-mail.com"]`.
fn carriers(table: toml::Table) -> Result<Vec<(String, Vec<String>)>, String> {
    table
        .into_iter()
        .map(|(carrier, domains)| {
            let domains: StringList = domains
                .try_into()
                .map_err(|_| format!("inbox.carriers.\"{carrier}\" must be a list of domains, e.g. [\"att.com\"]"))?;
            let domains = domains.items();
            if domains.is_empty() || domains.iter().any(|d| !d.contains('.') || d.contains('@')) {
                return Err(format!(
                    "inbox.carriers.\"{carrier}\" must list the carrier's mail domains, e.g. [\"att.com\"]"
                ));
            }
            Ok((carrier, domains))
        })
        .collect()
}

fn check_imap(raw: RawImap) -> Result<ImapSettings, String> {
    let host = raw
        .host
        .filter(|h| !h.trim().is_empty())
        .ok_or("imap.host is missing: the mail server's name, e.g. imap.voip.example")?;
    let security = match raw.security.as_deref().unwrap_or("tls") {
        "tls" => Security::Tls,
        "starttls" => Security::StartTls,
        "plain" => Security::Plain,
        other => return Err(format!("imap.security '{other}' is not one of tls, starttls, plain")),
    };
    let default_port = if security == Security::Tls { 993 } else { 143 };
    let port = number(raw.port, "imap.port", default_port)?;
    let port = u16::try_from(port).map_err(|_| format!("imap.port {port} is not a port number"))?;
    let user = raw.user.filter(|u| !u.is_empty()).ok_or("imap.user is missing")?;
    let password = raw
        .password
        .ok_or("imap.password is missing: set PORTBOT_IMAP_PASSWORD rather than writing it in the file")?;
    let after = match raw.after.as_deref().unwrap_or("flag") {
        "flag" => AfterTaking::Flag,
        "move" => AfterTaking::Move(raw.move_to.unwrap_or_else(|| "Processed".to_string())),
        other => return Err(format!("imap.after '{other}' is not one of flag, move")),
    };
    let batch = number(raw.batch, "imap.batch", 200)?.clamp(1, 5000) as u32;
    Ok(ImapSettings {
        host: host.trim().to_string(),
        port,
        security,
        user,
        password: Secret(password),
        mailbox: raw.mailbox.unwrap_or_else(|| "INBOX".to_string()),
        after,
        idle: flag(raw.idle, "imap.idle", true)?,
        poll: Duration::from_secs(number(raw.poll_seconds, "imap.poll_seconds", 60)?.max(1)),
        batch,
        ca_file: raw.ca_file.map(PathBuf::from),
        idle_renew: Duration::from_secs(number(raw.idle_renew_seconds, "imap.idle_renew_seconds", 300)?.clamp(1, 1500)),
        command_timeout: Duration::from_secs(
            number(raw.command_timeout_seconds, "imap.command_timeout_seconds", 60)?.clamp(1, 600),
        ),
    })
}

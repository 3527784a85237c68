//! Settings from `bot.toml`, then `PORTBOT_<SECTION>_<KEY>` environment variables (for
//! secrets such as a database password), checked once at start-up. An error names the
//! key and what is wrong with it. Secrets never show in `Debug`.

mod auth;
mod inbox;
mod outbox;
mod web;

use chrono_tz::Tz;
pub use inbox::{AfterTaking, ImapSettings, InboxSettings, InboxSource, Security};
pub use outbox::{OutboxSettings, ReminderSettings, SmtpSettings, Transport, LOCAL_SIGNING_KEY};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
pub use web::WebSettings;

/// Where the config is looked for when neither `--config` nor `$PORTBOT_CONFIG` says.
pub const DEFAULT_PATH: &str = "bot.toml";

/// Environment variables that are about portbot itself, or its tests and scripts, not
/// config keys (a test knob in the environment must not stop the bot).
const NOT_KEYS: &[&str] = &[
    "PORTBOT_CONFIG",
    "PORTBOT_LOG",
    "PORTBOT_SHARED",
    "PORTBOT_BLESS",
    "PORTBOT_MAILSTACK_DIR",
    "PORTBOT_DNS_DIR",
    "PORTBOT_REPLICA_SECONDS",
];

#[derive(Debug, Clone)]
pub struct Settings {
    pub store_url: Secret,
    /// Time zone of customers who have not given their own.
    pub time_zone: Tz,
    /// The oldest a customer's bill may be when it comes, in days.
    pub bill_max_age_days: u32,
    pub chat: ChatSettings,
    pub inbox: InboxSettings,
    /// How the desk learns who really sent a message.
    pub auth: crate::auth::AuthSettings,
    pub outbox: OutboxSettings,
    pub reminders: ReminderSettings,
    /// The HTTP API (portal intake, health, metrics), when enabled.
    pub api: Option<ApiSettings>,
    /// The staff board and the customers' status pages, when enabled.
    pub web: Option<WebSettings>,
}

#[derive(Debug, Clone)]
pub struct ApiSettings {
    pub listen: std::net::SocketAddr,
    /// The portal's bearer token.
    pub token: Secret,
}

#[derive(Debug, Clone)]
pub struct ChatSettings {
    pub mode: ChatMode,
    /// The name the timeline shows for commands typed at the terminal.
    pub terminal_user: String,
}

#[derive(Debug, Clone)]
pub enum ChatMode {
    Terminal,
    Discord(DiscordSettings),
}

#[derive(Debug, Clone)]
pub struct DiscordSettings {
    pub token: Secret,
    /// The porting channel: text commands are read and staff posts go here.
    pub channel_id: u64,
    /// Members with this role may change orders; others may only read.
    pub staff_role_id: u64,
    /// Another address for Discord's API (a proxy; the tests' fake Discord).
    pub api_url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDiscord {
    token: Option<String>,
    channel_id: Option<toml::Value>,
    staff_role_id: Option<toml::Value>,
    api_url: Option<String>,
}

impl RawDiscord {
    fn check(self) -> Result<DiscordSettings, String> {
        let id = |v: Option<toml::Value>, key: &str| -> Result<u64, String> {
            let text = match v {
                Some(toml::Value::Integer(n)) => n.to_string(),
                Some(toml::Value::String(s)) => s,
                _ => {
                    return Err(format!(
                        "discord.{key} is missing: copy it from Discord (Developer Mode, Copy ID)"
                    ))
                }
            };
            text.trim()
                .parse()
                .map_err(|_| format!("discord.{key} '{text}' is not a Discord id (digits only)"))
        };
        Ok(DiscordSettings {
            token: Secret(
                self.token
                    .filter(|t| !t.trim().is_empty())
                    .ok_or("discord.token is missing: set PORTBOT_DISCORD_TOKEN")?,
            ),
            channel_id: id(self.channel_id, "channel_id")?,
            staff_role_id: id(self.staff_role_id, "staff_role_id")?,
            api_url: self.api_url,
        })
    }
}

/// A value that must not be printed: the URL may hold a password.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(****)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no config file at {path}: copy bot.toml.example to bot.toml, or pass --config FILE")]
    Missing { path: String },
    #[error("{path} could not be read: {source}")]
    Unreadable { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    store: RawStore,
    #[serde(default)]
    desk: RawDesk,
    #[serde(default)]
    chat: RawChat,
    #[serde(default)]
    inbox: inbox::RawInbox,
    #[serde(default)]
    imap: Option<inbox::RawImap>,
    #[serde(default)]
    auth: auth::RawAuth,
    #[serde(default)]
    outbox: outbox::RawOutbox,
    #[serde(default)]
    smtp: Option<outbox::RawSmtp>,
    #[serde(default)]
    reminders: outbox::RawReminders,
    #[serde(default)]
    api: RawApi,
    #[serde(default)]
    web: web::RawWeb,
    #[serde(default)]
    discord: Option<RawDiscord>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawApi {
    enabled: Option<toml::Value>,
    listen: Option<String>,
    token: Option<String>,
}

impl RawApi {
    fn check(self) -> Result<Option<ApiSettings>, String> {
        if !switched_on(self.enabled, "api.enabled")? {
            return Ok(None);
        }
        let listen = self.listen.unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen = listen
            .parse()
            .map_err(|_| format!("api.listen '{listen}' is not an address and port, e.g. 127.0.0.1:8080"))?;
        let token = self
            .token
            .filter(|t| t.len() >= 16)
            .ok_or("api.token is missing or shorter than 16 characters: set PORTBOT_API_TOKEN")?;
        Ok(Some(ApiSettings {
            listen,
            token: Secret(token),
        }))
    }
}

/// An `enabled` key: true or false (from the environment: "true", "1" or "yes").
fn switched_on(value: Option<toml::Value>, key: &str) -> Result<bool, String> {
    match value {
        None => Ok(false),
        Some(toml::Value::Boolean(b)) => Ok(b),
        Some(toml::Value::String(s)) => Ok(matches!(s.trim(), "true" | "1" | "yes")),
        Some(other) => Err(format!("{key} must be true or false, not {other}")),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStore {
    url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDesk {
    #[serde(default = "default_tz")]
    time_zone: String,
    bill_max_age_days: Option<u32>,
}

impl Default for RawDesk {
    fn default() -> Self {
        Self {
            time_zone: default_tz(),
            bill_max_age_days: None,
        }
    }
}

fn default_tz() -> String {
    "America/New_York".to_string()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChat {
    #[serde(default = "default_chat_mode")]
    mode: String,
    #[serde(default = "default_terminal_user")]
    terminal_user: String,
}

impl Default for RawChat {
    fn default() -> Self {
        Self {
            mode: default_chat_mode(),
            terminal_user: default_terminal_user(),
        }
    }
}

fn default_chat_mode() -> String {
    "terminal".to_string()
}

fn default_terminal_user() -> String {
    "staff".to_string()
}

impl Settings {
    /// The config path: `--config`, else `$PORTBOT_CONFIG`, else `bot.toml`.
    pub fn path(flag: Option<PathBuf>) -> PathBuf {
        flag.or_else(|| std::env::var_os("PORTBOT_CONFIG").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_PATH))
    }

    /// Reads the file, applies the environment, checks every value.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => ConfigError::Missing { path: shown.clone() },
            _ => ConfigError::Unreadable {
                path: shown.clone(),
                source,
            },
        })?;
        Self::from_toml(&text, std::env::vars(), &shown)
    }

    /// The same from text and an environment, for tests.
    pub fn from_toml(
        text: &str,
        env: impl Iterator<Item = (String, String)>,
        shown: &str,
    ) -> Result<Self, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: shown.to_string(),
            message,
        };
        let mut value: toml::Table = toml::from_str(text).map_err(|e| invalid(e.message().to_string()))?;
        overlay_environment(&mut value, env).map_err(invalid)?;
        let raw: RawSettings = toml::Value::Table(value)
            .try_into()
            .map_err(|e: toml::de::Error| invalid(e.message().to_string()))?;
        let url = raw.store.url.trim().to_string();
        if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(invalid(
                "store.url must start with sqlite: or postgres:// (e.g. sqlite://data/portbot.db)".into(),
            ));
        }
        let time_zone = raw.desk.time_zone.parse::<Tz>().map_err(|_| {
            invalid(format!(
                "desk.time_zone '{}' is not an IANA time zone such as America/New_York",
                raw.desk.time_zone
            ))
        })?;
        let bill_max_age_days = match raw.desk.bill_max_age_days {
            None => crate::domain::bill::BILL_MAX_AGE_DAYS,
            Some(days @ 1..=3650) => days,
            Some(days) => {
                return Err(invalid(format!(
                    "desk.bill_max_age_days is {days}: give the days a bill may be old, 1 to 3650 (60 by default)"
                )))
            }
        };
        let chat = chat_settings(raw.chat, raw.discord).map_err(invalid)?;
        let inbox = inbox::check(raw.inbox, raw.imap).map_err(invalid)?;
        let auth = auth::check(raw.auth, &inbox.source).map_err(invalid)?;
        let outbox = outbox::check(raw.outbox, raw.smtp).map_err(invalid)?;
        let reminders = outbox::check_reminders(raw.reminders).map_err(invalid)?;
        let api = raw.api.check().map_err(invalid)?;
        let web = web::check(raw.web, &outbox.signing_key).map_err(invalid)?;
        Ok(Self {
            store_url: Secret(url),
            time_zone,
            bill_max_age_days,
            chat,
            inbox,
            auth,
            outbox,
            reminders,
            api,
            web,
        })
    }
}

/// `PORTBOT_SECTION_KEY=value` in the environment sets `key` in `[section]`.
fn overlay_environment(value: &mut toml::Table, env: impl Iterator<Item = (String, String)>) -> Result<(), String> {
    for (name, v) in env {
        if let Some(rest) = name.strip_prefix("PORTBOT_") {
            if NOT_KEYS.contains(&name.as_str()) || name.starts_with("PORTBOT_TEST_") {
                continue;
            }
            let (section, key) = rest
                .split_once('_')
                .ok_or_else(|| format!("environment variable {name} names no key: write PORTBOT_SECTION_KEY"))?;
            let section = value
                .entry(section.to_ascii_lowercase())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            let toml::Value::Table(section) = section else {
                return Err(format!("environment variable {name} does not name a section"));
            };
            section.insert(key.to_ascii_lowercase(), toml::Value::String(v));
        }
    }
    Ok(())
}

fn chat_settings(chat: RawChat, discord: Option<RawDiscord>) -> Result<ChatSettings, String> {
    let mode = match chat.mode.as_str() {
        "terminal" => ChatMode::Terminal,
        "discord" => ChatMode::Discord(discord.unwrap_or_default().check()?),
        other => {
            return Err(format!(
                "chat.mode '{other}' is not available: use \"terminal\" or \"discord\""
            ))
        }
    };
    let terminal_user = chat.terminal_user.trim().to_string();
    if terminal_user.is_empty() || terminal_user.contains(char::is_whitespace) {
        return Err("chat.terminal_user must be one word, e.g. \"staff\"".into());
    }
    Ok(ChatSettings { mode, terminal_user })
}

#[cfg(test)]
mod tests;

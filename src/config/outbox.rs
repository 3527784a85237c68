//! The `[outbox]`, `[smtp]` and `[reminders]` sections: how mail leaves, how Message-IDs
//! are signed, how many automatic e-mails an address may get, and the reminder cadence.

use super::inbox::{number, Security};
use super::Secret;
use crate::domain::reminders::Cadence;
use chrono::NaiveTime;
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

/// Used when `outbox.signing_key` is not set (local mode): fine on one machine, not in
/// production, where replies could then be made to look like they answer our mail.
pub const LOCAL_SIGNING_KEY: &str = "portbot-local-mode-key";

#[derive(Debug, Clone)]
pub struct OutboxSettings {
    pub transport: Transport,
    /// The name our mail is from; the address is `inbox.address`.
    pub from_name: String,
    pub signing_key: Secret,
    /// Automatic e-mails one address may get in 24 hours (loop and flood guard).
    pub daily_limit_per_address: i64,
    /// How often the sender looks for due mail.
    pub poll: Duration,
    /// At most this many attempts, when set (`outbox.max_attempts`); by default only
    /// the time horizon below ends the retries.
    pub max_attempts: Option<i64>,
    /// A message still not accepted this long after it was queued fails for good
    /// (`outbox.give_up_after_hours`, 24): a mail server out for hours loses nothing.
    pub give_up_after: Duration,
    /// How long a replica's claim on the e-mails it is sending lasts
    /// (`outbox.claim_seconds`, 60); no send starts in the last 7/12 of it.
    pub claim: Duration,
}

#[derive(Debug, Clone)]
pub enum Transport {
    /// Local mode: each e-mail is written to this folder as an `.eml` file.
    Folder(PathBuf),
    Smtp(SmtpSettings),
}

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    pub password: Option<Secret>,
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct ReminderSettings {
    pub cadence: Cadence,
    /// When the scheduler runs (the cron crate's six fields: seconds first).
    pub schedule: cron::Schedule,
    /// Business days a carrier takes to confirm a port when it has no history with us.
    pub default_estimate: (i64, i64),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOutbox {
    mode: Option<String>,
    folder: Option<String>,
    from_name: Option<String>,
    signing_key: Option<String>,
    daily_limit_per_address: Option<toml::Value>,
    poll_ms: Option<toml::Value>,
    max_attempts: Option<toml::Value>,
    give_up_after_hours: Option<toml::Value>,
    claim_seconds: Option<toml::Value>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSmtp {
    host: Option<String>,
    port: Option<toml::Value>,
    security: Option<String>,
    user: Option<String>,
    password: Option<String>,
    ca_file: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReminders {
    schedule: Option<String>,
    documents_days: Option<Vec<i32>>,
    documents_alert_day: Option<i32>,
    correction_days: Option<Vec<i32>>,
    correction_alert_day: Option<i32>,
    routing_days_before: Option<Vec<i32>>,
    routing_alert_days_before: Option<Vec<i32>>,
    carrier_silent_after: Option<i32>,
    carrier_silent_every: Option<i32>,
    ready_alert_days: Option<i32>,
    contract_days: Option<Vec<i64>>,
    window_opens: Option<String>,
    window_closes: Option<String>,
    digest_at: Option<String>,
    estimate_days: Option<Vec<i64>>,
}

pub(super) fn check(raw: RawOutbox, smtp: Option<RawSmtp>) -> Result<OutboxSettings, String> {
    let transport = match raw.mode.as_deref().unwrap_or("folder") {
        "folder" => Transport::Folder(PathBuf::from(raw.folder.unwrap_or_else(|| "data/outbox".into()))),
        "smtp" => Transport::Smtp(check_smtp(smtp.ok_or(
            "outbox.mode is \"smtp\" but there is no [smtp] section: add host (and user, password)",
        )?)?),
        other => {
            return Err(format!(
                "outbox.mode '{other}' is not available: use \"folder\" or \"smtp\""
            ))
        }
    };
    let signing_key = raw.signing_key.unwrap_or_else(|| LOCAL_SIGNING_KEY.to_string());
    if signing_key.len() < 16 {
        return Err("outbox.signing_key must be at least 16 characters (set PORTBOT_OUTBOX_SIGNING_KEY)".into());
    }
    Ok(OutboxSettings {
        transport,
        from_name: raw.from_name.unwrap_or_else(|| "Porting desk".into()),
        signing_key: Secret::new(signing_key),
        daily_limit_per_address: number(raw.daily_limit_per_address, "outbox.daily_limit_per_address", 6)? as i64,
        poll: Duration::from_millis(number(raw.poll_ms, "outbox.poll_ms", 500)?.max(50)),
        max_attempts: match raw.max_attempts {
            None => None,
            given => Some(number(given, "outbox.max_attempts", 8)?.max(1) as i64),
        },
        claim: Duration::from_secs(number(raw.claim_seconds, "outbox.claim_seconds", 60)?.clamp(2, 3600)),
        give_up_after: Duration::from_secs(
            3600 * number(raw.give_up_after_hours, "outbox.give_up_after_hours", 24)?.clamp(1, 24 * 14),
        ),
    })
}

fn check_smtp(raw: RawSmtp) -> Result<SmtpSettings, String> {
    let host = raw
        .host
        .filter(|h| !h.trim().is_empty())
        .ok_or("smtp.host is missing")?;
    let security = match raw.security.as_deref().unwrap_or("starttls") {
        "tls" => Security::Tls,
        "starttls" => Security::StartTls,
        "plain" => Security::Plain,
        other => return Err(format!("smtp.security '{other}' is not one of tls, starttls, plain")),
    };
    let default_port = match security {
        Security::Tls => 465,
        Security::StartTls => 587,
        Security::Plain => 25,
    };
    let port = number(raw.port, "smtp.port", default_port)?;
    Ok(SmtpSettings {
        host: host.trim().to_string(),
        port: u16::try_from(port).map_err(|_| format!("smtp.port {port} is not a port number"))?,
        security,
        user: raw.user.filter(|u| !u.is_empty()),
        password: raw.password.map(Secret::new),
        ca_file: raw.ca_file.map(PathBuf::from),
    })
}

pub(super) fn check_reminders(raw: RawReminders) -> Result<ReminderSettings, String> {
    let d = Cadence::default();
    let time = |value: Option<String>, key: &str, default: NaiveTime| match value {
        None => Ok(default),
        Some(v) => NaiveTime::parse_from_str(v.trim(), "%H:%M")
            .map_err(|_| format!("{key} '{v}' is not a time: write it as 08:00")),
    };
    let cadence = Cadence {
        documents_days: raw.documents_days.unwrap_or(d.documents_days),
        documents_alert_day: raw.documents_alert_day.unwrap_or(d.documents_alert_day),
        correction_days: raw.correction_days.unwrap_or(d.correction_days),
        correction_alert_day: raw.correction_alert_day.unwrap_or(d.correction_alert_day),
        routing_days_before: raw.routing_days_before.unwrap_or(d.routing_days_before),
        routing_alert_days_before: raw.routing_alert_days_before.unwrap_or(d.routing_alert_days_before),
        carrier_silent_after: raw.carrier_silent_after.unwrap_or(d.carrier_silent_after),
        carrier_silent_every: raw.carrier_silent_every.unwrap_or(d.carrier_silent_every).max(1),
        ready_alert_days: raw.ready_alert_days.unwrap_or(d.ready_alert_days).max(1),
        contract_days: raw.contract_days.unwrap_or(d.contract_days),
        window_opens: time(raw.window_opens, "reminders.window_opens", d.window_opens)?,
        window_closes: time(raw.window_closes, "reminders.window_closes", d.window_closes)?,
        digest_at: time(raw.digest_at, "reminders.digest_at", d.digest_at)?,
    };
    if cadence.window_opens >= cadence.window_closes {
        return Err("reminders.window_opens must be before reminders.window_closes".into());
    }
    let schedule_text = raw.schedule.unwrap_or_else(|| "0 */5 * * * *".into());
    let schedule = schedule_text.parse::<cron::Schedule>().map_err(|e| {
        format!(
            "reminders.schedule '{schedule_text}' is not a cron line with seconds first (e.g. \"0 */5 * * * *\"): {e}"
        )
    })?;
    let default_estimate = match raw.estimate_days.as_deref() {
        None => (3, 14),
        Some([low, high]) if low <= high && *low > 0 => (*low, *high),
        Some(_) => return Err("reminders.estimate_days must be [LOW, HIGH] business days, e.g. [3, 14]".into()),
    };
    Ok(ReminderSettings {
        cadence,
        schedule,
        default_estimate,
    })
}

//! Staff accounts on the web board and their sign-in sessions. The role is chat's:
//! staff change orders, read-only accounts look.

use chrono::{DateTime, Utc};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffRole {
    Staff,
    ReadOnly,
}

impl StaffRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::ReadOnly => "read-only",
        }
    }
}

impl FromStr for StaffRole {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "staff" => Ok(Self::Staff),
            "read-only" | "readonly" => Ok(Self::ReadOnly),
            other => Err(format!("'{other}' is not a role: staff or read-only")),
        }
    }
}

#[derive(Debug, Clone)]
pub struct StaffAccount {
    /// One word, as the timeline shows who acted.
    pub name: String,
    /// argon2id, as a PHC string.
    pub password_hash: String,
    pub role: StaffRole,
    pub created_at: DateTime<Utc>,
}

/// A name the timeline can show: 1 to 32 letters, digits, dots, dashes or underscores.
pub fn check_staff_name(name: &str) -> Result<(), String> {
    let fits = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    if name.is_empty() || name.len() > 32 || !name.chars().all(fits) {
        return Err(format!(
            "'{name}' cannot be a staff name: 1 to 32 letters, digits, dots, dashes or underscores"
        ));
    }
    Ok(())
}

/// A signed-in browser. The cookie holds the session id; the store only its SHA-256.
#[derive(Debug, Clone)]
pub struct WebSession {
    pub id_hash: String,
    pub staff_name: String,
    /// Sent back by every form of the session.
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A carrier's order, as the turnaround chart measures it: submitted, then confirmed
/// (FOC) and completed, when they happened.
#[derive(Debug, Clone)]
pub struct CarrierTurn {
    pub carrier: String,
    pub submitted_at: DateTime<Utc>,
    pub foc_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

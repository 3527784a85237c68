//! Who is signed in: argon2id passwords, sessions in HttpOnly SameSite cookies (the
//! database keeps only each session id's SHA-256), a CSRF token on every form, and
//! sign-in attempts limited per name and per address.

use crate::domain::staff::{StaffAccount, StaffRole, WebSession};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use ring::rand::{SecureRandom, SystemRandom};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

pub const SESSION_COOKIE: &str = "portbot_session";
/// The sign-in form's own CSRF token, before there is a session.
pub const SIGN_IN_COOKIE: &str = "portbot_sign_in";
/// How long a sign-in lasts.
pub const SESSION_HOURS: i64 = 12;

/// A random token of 32 bytes, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    SystemRandom::new()
        .fill(&mut bytes)
        .expect("the system's random source answers");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 of a session id, as the store keeps it.
pub fn id_hash(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(id.as_bytes()))
}

/// An argon2id hash of `password` with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    if password.chars().count() < 10 {
        return Err("a password is at least 10 characters".into());
    }
    let mut salt = [0u8; 16];
    SystemRandom::new()
        .fill(&mut salt)
        .map_err(|_| "the system's random source failed".to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn password_matches(account: &StaffAccount, password: &str) -> bool {
    verifies(&account.password_hash, password)
}

/// Spends the time a password check takes for a name with no account, so that the
/// answer's time does not tell a guesser which names exist.
pub fn check_nothing(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("no account has this password").unwrap_or_default());
    verifies(hash, password);
}

fn verifies(phc: &str, password: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

/// A new session for `account`; the id goes in the cookie, the rest to the store.
pub fn new_session(account: &StaffAccount, now: DateTime<Utc>) -> (String, WebSession) {
    let id = random_token();
    let session = WebSession {
        id_hash: id_hash(&id),
        staff_name: account.name.clone(),
        csrf_token: random_token(),
        created_at: now,
        expires_at: now + Duration::hours(SESSION_HOURS),
    };
    (id, session)
}

/// The signed-in staff member a request comes from.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub name: String,
    pub role: StaffRole,
    pub csrf_token: String,
    pub id_hash: String,
}

impl SignedIn {
    pub fn new(session: WebSession, account: StaffAccount) -> Self {
        Self {
            name: account.name,
            role: account.role,
            csrf_token: session.csrf_token,
            id_hash: session.id_hash,
        }
    }

    /// As chat sees the same person: staff change orders, read-only accounts look.
    pub fn caller(&self) -> crate::chat::Caller {
        crate::chat::Caller {
            name: self.name.clone(),
            is_staff: self.role == StaffRole::Staff,
        }
    }

    /// A form's token is this session's (compared in constant time).
    pub fn form_is_ours(&self, token: &str) -> bool {
        same(token, &self.csrf_token)
    }
}

pub fn same(a: &str, b: &str) -> bool {
    crate::domain::message_id::constant_time_eq(a.as_bytes(), b.as_bytes())
}

/// The value of cookie `name` in the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, the whole site, `Secure` behind TLS.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_seconds}{secure}")
}

/// Failed sign-ins allowed in `WINDOW` for one name, and for one address.
const PER_NAME: usize = 5;
const PER_ADDRESS: usize = 20;
const WINDOW_MINUTES: i64 = 15;

/// Failed sign-in attempts, kept in memory: a guesser is told to wait.
#[derive(Default)]
pub struct SignInLimiter {
    failures: Mutex<HashMap<String, Vec<DateTime<Utc>>>>,
}

impl SignInLimiter {
    /// `Some(minutes)` to wait when this name or address has failed too often lately.
    pub fn wait(&self, name: &str, address: Option<IpAddr>, now: DateTime<Utc>) -> Option<i64> {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let window = Duration::minutes(WINDOW_MINUTES);
        failures.retain(|_, times| {
            times.retain(|t| *t > now - window);
            !times.is_empty()
        });
        let over = |key: &str, limit: usize| {
            failures
                .get(key)
                .filter(|times| times.len() >= limit)
                .and_then(|times| times.first().copied())
        };
        let oldest =
            over(&name_key(name), PER_NAME).or_else(|| address.and_then(|a| over(&address_key(a), PER_ADDRESS)));
        oldest.map(|first| ((first + window - now).num_seconds() + 59).div_euclid(60).max(1))
    }

    pub fn failed(&self, name: &str, address: Option<IpAddr>, now: DateTime<Utc>) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.entry(name_key(name)).or_default().push(now);
        if let Some(address) = address {
            failures.entry(address_key(address)).or_default().push(now);
        }
    }

    pub fn succeeded(&self, name: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&name_key(name));
    }
}

fn name_key(name: &str) -> String {
    format!("name:{}", name.to_ascii_lowercase())
}

fn address_key(address: IpAddr) -> String {
    format!("address:{address}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn account(password: &str) -> StaffAccount {
        StaffAccount {
            name: "dana".into(),
            password_hash: hash_password(password).unwrap(),
            role: StaffRole::Staff,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_password_is_checked_against_its_hash_and_never_stored_plain() {
        let dana = account("correct horse battery");
        assert!(dana.password_hash.starts_with("$argon2id$"));
        assert!(!dana.password_hash.contains("correct horse"));
        assert!(password_matches(&dana, "correct horse battery"));
        assert!(!password_matches(&dana, "correct horse battery!"));
        assert!(hash_password("short").is_err());
    }

    #[test]
    fn five_failures_for_a_name_make_the_next_attempt_wait_and_the_window_passes() {
        let limiter = SignInLimiter::default();
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        for _ in 0..4 {
            limiter.failed("dana", None, at);
        }
        assert_eq!(limiter.wait("dana", None, at), None);
        limiter.failed("Dana", None, at);
        assert_eq!(limiter.wait("dana", None, at), Some(15));
        assert_eq!(limiter.wait("sam", None, at), None);
        assert_eq!(limiter.wait("dana", None, at + Duration::minutes(16)), None);
    }

    #[test]
    fn a_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; portbot_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }
}

//! The customer's status page link: `/p/TOKEN`, where the token names an order, the
//! language the page speaks and when the link expires, signed with HMAC-SHA256 so that
//! nobody can make one for another order or stretch its life. The token holds no PIN,
//! account number or address.

use super::language::Language;
use super::order_ref::OrderRef;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Bytes of the MAC kept in a link (128 bits).
const MAC_BYTES: usize = 16;

/// What a valid link opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLink {
    pub order: OrderRef,
    pub language: Language,
    pub expires_at: DateTime<Utc>,
}

/// Signs and checks links with the desk's key.
#[derive(Clone)]
pub struct StatusLinks {
    key: Vec<u8>,
}

impl StatusLinks {
    pub fn new(key: &str) -> Self {
        Self {
            key: key.as_bytes().to_vec(),
        }
    }

    /// The token for `link`: `ORDER.EXPIRES.LANGUAGE.MAC`.
    pub fn token(&self, link: &StatusLink) -> String {
        let number = link.order.number().unwrap_or_default();
        let body = format!("{number}.{}.{}", link.expires_at.timestamp(), link.language.as_str());
        format!("{body}.{}", self.mac(&body))
    }

    /// The link a token names, when it is whole, signed by this key and not expired.
    pub fn open(&self, token: &str, now: DateTime<Utc>) -> Option<StatusLink> {
        let (body, mac) = token.rsplit_once('.')?;
        let expected = self.mac(body);
        if !super::message_id::constant_time_eq(mac.as_bytes(), expected.as_bytes()) {
            return None;
        }
        let mut parts = body.split('.');
        let number: i64 = parts.next()?.parse().ok()?;
        let expires: i64 = parts.next()?.parse().ok()?;
        let language: Language = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        let expires_at = DateTime::from_timestamp(expires, 0)?;
        if expires_at <= now {
            return None;
        }
        Some(StatusLink {
            order: OrderRef::from_number(number),
            language,
            expires_at,
        })
    }

    fn mac(&self, body: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes a key of any length");
        mac.update(b"portbot status link\0");
        mac.update(body.as_bytes());
        URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..MAC_BYTES])
    }
}

impl std::fmt::Debug for StatusLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StatusLinks(key hidden)")
    }
}

/// Where customer e-mails point: `{public_url}/p/TOKEN`, open for `days` from sending.
#[derive(Debug, Clone)]
pub struct StatusPages {
    pub links: StatusLinks,
    pub public_url: String,
    pub days: i64,
}

impl StatusPages {
    pub fn url(&self, order: &OrderRef, language: Language, now: DateTime<Utc>) -> String {
        let link = StatusLink {
            order: order.clone(),
            language,
            expires_at: now + chrono::Duration::days(self.days),
        };
        format!("{}/p/{}", self.public_url, self.links.token(&link))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn link() -> StatusLink {
        StatusLink {
            order: OrderRef::from_number(1001),
            language: Language::Es,
            expires_at: Utc.with_ymd_and_hms(2027, 1, 31, 0, 0, 0).unwrap(),
        }
    }

    fn today() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_signed_link_opens_its_order_in_its_language() {
        let links = StatusLinks::new("a key of sixteen chars");
        let token = links.token(&link());
        assert_eq!(links.open(&token, today()), Some(link()));
    }

    #[test]
    fn a_link_for_another_order_or_a_longer_life_opens_nothing() {
        let links = StatusLinks::new("a key of sixteen chars");
        let token = links.token(&link());
        let other_order = token.replacen("1001", "1002", 1);
        assert_eq!(links.open(&other_order, today()), None);
        let (_, rest) = token.split_once('.').unwrap();
        let (expires, tail) = rest.split_once('.').unwrap();
        let later = format!("1001.{}.{tail}", expires.parse::<i64>().unwrap() + 86_400);
        assert_eq!(links.open(&later, today()), None);
        assert_eq!(links.open("1001", today()), None);
        assert_eq!(links.open("", today()), None);
    }

    #[test]
    fn a_link_past_its_expiry_or_signed_with_another_key_opens_nothing() {
        let links = StatusLinks::new("a key of sixteen chars");
        let token = links.token(&link());
        let after_expiry = Utc.with_ymd_and_hms(2027, 2, 1, 0, 0, 0).unwrap();
        assert_eq!(links.open(&token, after_expiry), None);
        assert_eq!(StatusLinks::new("another key entirely").open(&token, today()), None);
    }
}

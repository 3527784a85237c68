//! Our own Message-IDs: `<PORT-1042.NONCE.SIGNATURE@domain>`. A reply's In-Reply-To or
//! References then names its order, and the signature (HMAC-SHA256 with the desk's key,
//! shortened) makes an ID that someone made up name nothing.

use super::order_ref::OrderRef;
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Clone)]
pub struct MessageIds {
    key: Vec<u8>,
    domain: String,
}

impl std::fmt::Debug for MessageIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MessageIds(@{}, key ****)", self.domain)
    }
}

impl MessageIds {
    pub fn new(key: &[u8], domain: &str) -> Self {
        Self {
            key: key.to_vec(),
            domain: domain.trim().to_ascii_lowercase(),
        }
    }

    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// A new ID for a message about `reference`; `nonce` makes it unique (hex or digits).
    pub fn for_order(&self, reference: &OrderRef, nonce: &str) -> String {
        let local = format!("{reference}.{nonce}");
        format!("<{local}.{}@{}>", self.signature(&local), self.domain)
    }

    /// The order one of our IDs names, when it is ours and its signature holds.
    pub fn order_of(&self, id: &str) -> Option<OrderRef> {
        let id = id.trim().trim_start_matches('<').trim_end_matches('>');
        let (local, domain) = id.rsplit_once('@')?;
        if !domain.eq_ignore_ascii_case(&self.domain) {
            return None;
        }
        let (signed, signature) = local.rsplit_once('.')?;
        if !constant_time_eq(self.signature(signed).as_bytes(), signature.as_bytes()) {
            return None;
        }
        signed.split('.').next()?.parse().ok()
    }

    fn signature(&self, text: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes a key of any length");
        mac.update(text.as_bytes());
        mac.finalize().into_bytes()[..10]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Two secrets compared in constant time: a wrong guess learns nothing from the time taken.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_ids_name_their_order_and_forged_ones_name_nothing() {
        let ids = MessageIds::new(b"secret", "voip.example");
        let r: OrderRef = "PORT-1042".parse().unwrap();
        let id = ids.for_order(&r, "9f1c");
        assert!(
            id.starts_with("<PORT-1042.9f1c.") && id.ends_with("@voip.example>"),
            "{id}"
        );
        assert_eq!(ids.order_of(&id), Some(r));
        let forged = id.replace("PORT-1042", "PORT-1043");
        assert_eq!(ids.order_of(&forged), None);
        assert_eq!(ids.order_of("<PORT-1042.9f1c@voip.example>"), None);
        let other_key = MessageIds::new(b"other", "voip.example");
        assert_eq!(other_key.order_of(&id), None);
        assert_eq!(ids.order_of(&id.replace("voip.example", "evil.example")), None);
    }
}

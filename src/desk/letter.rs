//! An inbound message as the desk reads it: once (MIME and meaning), with its
//! Message-ID (or a hash of its bytes), sender, thread, the files it brought, and the
//! loop guards that say whether it may be answered.

use crate::domain::{Bill, Document, EmailAddress, InboundKey, InboundMessage, Language, Order, PhoneNumber};
use crate::parse::classify::Kind;
use crate::parse::{mime, parse_mail, Parsed};
use sha2::{Digest, Sha256};

/// How much reading one message may take.
#[derive(Debug, Clone)]
pub struct ReadingLimits {
    /// Larger messages are not read (`inbox.max_message_bytes`).
    pub max_bytes: usize,
    /// The time one message may take to read.
    pub budget: std::time::Duration,
    /// Messages read at once on the blocking pool.
    pub slots: std::sync::Arc<tokio::sync::Semaphore>,
}

impl Default for ReadingLimits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Self {
            max_bytes: 25_000_000,
            budget: std::time::Duration::from_secs(10),
            slots: std::sync::Arc::new(tokio::sync::Semaphore::new(cores)),
        }
    }
}

/// The header block of a message (up to its first empty line, at most 64 KB).
fn header_block(raw: &[u8]) -> Vec<u8> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|p| p + 2))
        .unwrap_or(raw.len());
    raw[..end.min(64 * 1024)].to_vec()
}

/// A message as read for the desk.
#[derive(Clone)]
pub struct Letter {
    pub(super) raw: Vec<u8>,
    pub(super) mail: Option<mime::Mail>,
    pub(super) parsed: Parsed,
    pub(super) message_id: String,
    pub(super) sender: Option<EmailAddress>,
    /// How long reading it took, when it was read.
    pub(super) read_in: Option<std::time::Duration>,
}

impl Letter {
    /// Reads a message; should the parser fail on it (a bug), the message is still
    /// kept, as one the bot could not read, for a person.
    pub(super) fn read(raw: &[u8]) -> Self {
        let started = std::time::Instant::now();
        let read = std::panic::catch_unwind(|| Self::parse(raw));
        let mut letter = read.unwrap_or_else(|_| {
            tracing::error!(bytes = raw.len(), "the parser failed on a message: kept for staff");
            Self::not_read(raw.to_vec(), "the bot failed while reading it")
        });
        letter.read_in = Some(started.elapsed());
        letter
    }

    /// Reads a message on the blocking pool, at most `limits.reading_slots` at once and
    /// within `limits.budget`: the async workers (the API, the chat, other mail) never
    /// wait on a slow message. A message over `limits.max_bytes`, or one that runs out of
    /// time, is kept for a person, unread, with only its header block.
    pub(super) async fn read_within(raw: &[u8], limits: &ReadingLimits) -> Self {
        if raw.len() > limits.max_bytes {
            return Self::too_large(&header_block(raw), raw.len(), limits.max_bytes);
        }
        let Ok(slot) = limits.slots.clone().acquire_owned().await else {
            return Self::not_read(raw.to_vec(), "the bot is stopping");
        };
        let owned = raw.to_vec();
        // The slot goes with the work: a read that outlives its budget still holds it,
        // so slow reads never pile up beyond the pool.
        let reading = tokio::task::spawn_blocking(move || {
            let letter = Self::read(&owned);
            drop(slot);
            letter
        });
        match tokio::time::timeout(limits.budget, reading).await {
            Ok(Ok(letter)) => letter,
            Ok(Err(_)) => Self::not_read(raw.to_vec(), "the bot failed while reading it"),
            Err(_) => {
                tracing::warn!(
                    bytes = raw.len(),
                    "a message ran out of its reading time: kept for staff"
                );
                let why = format!("reading it took longer than {} s", limits.budget.as_secs_f32());
                Self::not_read(header_block(raw), &why)
            }
        }
    }

    /// A message over the size limit, known by its header block: kept for a person.
    pub(super) fn too_large(header: &[u8], size: usize, max_bytes: usize) -> Self {
        let why = format!(
            "it is too large to read ({:.1} MB; at most {:.1} MB): open it in the mailbox",
            size as f64 / 1e6,
            max_bytes as f64 / 1e6
        );
        Self::not_read(header_block(header), &why)
    }

    /// A message kept as it is, for a person, with why the bot did not read it.
    pub(super) fn not_read(raw: Vec<u8>, why: &str) -> Self {
        let message_id = format!("<sha256-{:x}@no-message-id.invalid>", Sha256::digest(&raw));
        // The headers say who sent it and what it is about, even unread.
        let mail = crate::parse::mime::read(&header_block(&raw)).ok();
        let sender = mail.as_ref().and_then(|m| m.from_address.parse().ok());
        let message_id = mail
            .as_ref()
            .map(|m| m.message_id.trim_matches(|c| c == '<' || c == '>').to_string())
            .filter(|id| !id.is_empty())
            .map(|id| format!("<{id}>"))
            .unwrap_or(message_id);
        Self {
            raw,
            mail,
            parsed: Parsed::unknown("inbox", why),
            message_id,
            sender,
            read_in: None,
        }
    }

    fn parse(raw: &[u8]) -> Self {
        let mail = mime::read(raw).ok();
        let parsed = match &mail {
            Some(m) => parse_mail("inbox", m),
            None => crate::parse::parse_message("inbox", raw),
        };
        let message_id = mail
            .as_ref()
            .map(|m| m.message_id.trim_matches(|c| c == '<' || c == '>').to_string())
            .filter(|id| !id.is_empty())
            .map(|id| format!("<{id}>"))
            // A message without a Message-ID is known by its content.
            .unwrap_or_else(|| format!("<sha256-{:x}@no-message-id.invalid>", Sha256::digest(raw)));
        let sender = mail.as_ref().and_then(|m| m.from_address.parse().ok());
        Self {
            raw: raw.to_vec(),
            mail,
            parsed,
            message_id,
            sender,
            read_in: None,
        }
    }

    /// The language a person wrote in, when the parser could tell.
    /// The message as the inbox records it: where it was found, what it was, and what
    /// the desk did with it.
    pub(super) fn inbound_message(
        &self,
        origin: &super::Origin,
        outcome: String,
        now: chrono::DateTime<chrono::Utc>,
    ) -> InboundMessage {
        InboundMessage {
            key: InboundKey {
                mailbox: origin.mailbox.clone(),
                uidvalidity: origin.uidvalidity,
                uid: origin.uid,
                message_id: self.message_id.clone(),
            },
            sender: self.sender_text(),
            subject: self.subject().to_string(),
            kind: self.parsed.kind.as_str().to_string(),
            outcome,
            received_at: now,
        }
    }

    pub(super) fn language(&self) -> Option<Language> {
        self.parsed.language.and_then(|l| l.parse().ok())
    }

    /// Loop guards (RFC 3834): never answer automatic, bulk or list mail, bounces, mail
    /// without a sender, or our own mail.
    pub(super) fn may_answer(&self, own_address: &str) -> bool {
        let Some(mail) = &self.mail else { return false };
        let automatic = !matches!(mail.auto_submitted.as_str(), "" | "no")
            || mail.has_autoreply_header
            || mail.is_list
            || mail.is_delivery_report
            || matches!(mail.precedence.as_str(), "bulk" | "junk" | "list" | "auto_reply");
        let own = self
            .sender
            .as_ref()
            .is_some_and(|s| s.as_str().eq_ignore_ascii_case(own_address));
        !automatic && !own && self.sender.is_some() && !matches!(self.parsed.kind, Kind::AutoReply | Kind::Bounce)
    }

    pub(super) fn subject(&self) -> &str {
        self.mail.as_ref().map(|m| m.subject.as_str()).unwrap_or("")
    }

    pub(super) fn sender_text(&self) -> String {
        match (&self.sender, &self.mail) {
            (Some(s), _) => s.to_string(),
            (None, Some(m)) if !m.from_address.is_empty() => m.from_address.clone(),
            _ => "(no sender)".to_string(),
        }
    }

    pub(super) fn numbers(&self) -> Vec<PhoneNumber> {
        self.parsed.numbers.clone()
    }

    /// The subject and, for what people write, the start of their new text: what the
    /// timeline shows of the message.
    pub(super) fn summary(&self) -> String {
        let subject = self.subject().trim();
        let written = matches!(
            self.parsed.kind,
            Kind::RoutingConfirmation | Kind::CustomerReply | Kind::CancelRequest | Kind::StatusQuestion
        );
        let Some(mail) = self.mail.as_ref().filter(|_| written) else {
            return subject.to_string();
        };
        let split = crate::parse::quote::split(&mail.text);
        // Anyone in the channel reads the timeline: a PIN or account number the
        // customer wrote is masked there.
        let body = crate::domain::untrusted::mask_secrets(split.body());
        let body: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
        let excerpt: String = body.chars().take(400).collect();
        let more = if body.chars().count() > 400 { "…" } else { "" };
        format!("{subject}: \"{excerpt}{more}\"")
    }

    /// Whether the message's text names one of these addresses (an e-signature
    /// notice names its signer).
    pub(super) fn names_any(&self, addresses: &[EmailAddress]) -> bool {
        let Some(mail) = &self.mail else { return false };
        let text = mail.text.to_ascii_lowercase();
        addresses
            .iter()
            .any(|a| text.contains(&a.as_str().to_ascii_lowercase()))
    }

    /// The first failing recipient of a bounce that is a contact of the order.
    pub(super) fn failed_contact(&self, order: &Order) -> Option<EmailAddress> {
        let mail = self.mail.as_ref()?;
        mail.failed_recipients
            .iter()
            .filter_map(|a| a.parse::<EmailAddress>().ok())
            .find(|a| order.contacts.contains(a))
    }

    /// The attached files that read as bills, each with the bill it is (a reply may
    /// carry one bill for each carrier of a request).
    pub(super) fn bills(&self) -> Vec<(Bill, Document)> {
        self.documents()
            .into_iter()
            .filter_map(|d| {
                let text = crate::parse::bill_text(&d.name, &d.content_type, &d.bytes).ok()?;
                let named_as_a_bill = crate::parse::bill::looks_named_as_a_bill(&d.name);
                let bill = crate::parse::bill::read_if_a_bill(&text, named_as_a_bill)?;
                Some((bill, d))
            })
            .collect()
    }

    /// The files to keep with the order when this message is a bill.
    pub(super) fn documents(&self) -> Vec<Document> {
        let Some(mail) = &self.mail else { return Vec::new() };
        mail.attachments
            .iter()
            .chain(mail.forwarded.iter().flat_map(|f| f.attachments.iter()))
            .map(|a| Document {
                name: if a.name.is_empty() {
                    "attachment".to_string()
                } else {
                    a.name.clone()
                },
                content_type: a.content_type.clone(),
                bytes: a.bytes.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long_message(lines: usize) -> Vec<u8> {
        let mut m =
            "From: Maria <ops@acme.example>\r\nSubject: PORT-1001 lines\r\nMessage-ID: <long-1@acme.example>\r\n\r\n"
                .to_string();
        for i in 0..lines {
            m.push_str(&format!("line {i} of a very long message\r\n"));
        }
        m.into_bytes()
    }

    #[tokio::test]
    async fn a_message_over_the_size_limit_is_kept_unread_with_its_headers() {
        let limits = ReadingLimits {
            max_bytes: 10_000,
            ..ReadingLimits::default()
        };
        let letter = Letter::read_within(&long_message(1_000), &limits).await;
        assert_eq!(letter.parsed.kind, Kind::Unknown);
        assert!(letter
            .parsed
            .error
            .as_deref()
            .unwrap_or("")
            .contains("too large to read"));
        assert_eq!(letter.message_id, "<long-1@acme.example>");
        assert_eq!(letter.sender.as_ref().map(|s| s.as_str()), Some("ops@acme.example"));
        assert!(letter.raw.len() < 200, "only the header block is kept");
    }

    #[tokio::test]
    async fn a_message_that_runs_out_of_time_is_kept_for_a_person() {
        let limits = ReadingLimits {
            budget: std::time::Duration::from_nanos(1),
            ..ReadingLimits::default()
        };
        let letter = Letter::read_within(&long_message(50_000), &limits).await;
        assert!(
            letter
                .parsed
                .error
                .as_deref()
                .unwrap_or("")
                .contains("reading it took longer than"),
            "{:?}",
            letter.parsed.error
        );
        assert_eq!(letter.message_id, "<long-1@acme.example>");
        // With time enough, the same message is read.
        let read = Letter::read_within(&long_message(50_000), &ReadingLimits::default()).await;
        assert_ne!(read.parsed.error.as_deref(), letter.parsed.error.as_deref());
    }
}

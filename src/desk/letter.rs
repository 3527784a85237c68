//! An inbound message as the desk reads it: once (MIME and meaning), with its
//! Message-ID (or a hash of its bytes), sender, thread, the files it brought, and the
//! loop guards that say whether it may be answered.

use crate::domain::{Document, EmailAddress, Language, Order, PhoneNumber};
use crate::parse::classify::Kind;
use crate::parse::{mime, parse_mail, Parsed};
use sha2::{Digest, Sha256};

/// A message as read for the desk.
pub struct Letter {
    pub(super) raw: Vec<u8>,
    pub(super) mail: Option<mime::Mail>,
    pub(super) parsed: Parsed,
    pub(super) message_id: String,
    pub(super) sender: Option<EmailAddress>,
}

impl Letter {
    /// Reads a message; should the parser fail on it (a bug), the message is still
    /// kept, as one the bot could not read, for a person.
    pub(super) fn read(raw: &[u8]) -> Self {
        let started = std::time::Instant::now();
        let read = std::panic::catch_unwind(|| Self::parse(raw));
        crate::api::health::parse_time::record(started.elapsed());
        read.unwrap_or_else(|_| {
            tracing::error!(bytes = raw.len(), "the parser failed on a message: kept for staff");
            Self {
                raw: raw.to_vec(),
                mail: None,
                parsed: Parsed::unknown("inbox", "the bot failed while reading it"),
                message_id: format!("<sha256-{:x}@no-message-id.invalid>", Sha256::digest(raw)),
                sender: None,
            }
        })
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
        }
    }

    /// The language a person wrote in, when the parser could tell.
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

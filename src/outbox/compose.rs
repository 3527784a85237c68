//! An outbox e-mail as it goes on the wire: text and HTML alternatives, the port-day
//! invitation, our Message-ID, the thread it answers, `Auto-Submitted` (RFC 3834:
//! `auto-replied` for an answer to someone's message, `auto-generated` for mail nobody
//! asked for; either way auto-responders do not answer us) and Reply-To the porting inbox.

use crate::domain::OutboxMessage;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;
use std::time::SystemTime;

/// `Auto-Submitted: auto-replied` or `auto-generated`.
#[derive(Debug, Clone)]
pub struct AutoSubmitted(&'static str);

impl AutoSubmitted {
    /// Our answers to a person's message are replies; reminders and notices are not.
    fn of(message: &OutboxMessage) -> Self {
        match message.template.as_str() {
            "status_reply" | "cannot_share" => Self("auto-replied"),
            _ => Self("auto-generated"),
        }
    }
}

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(value: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        match value.trim() {
            "auto-replied" => Ok(Self("auto-replied")),
            _ => Ok(Self("auto-generated")),
        }
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.to_string())
    }
}

/// The longest Message-ID we repeat in our headers: a header line stays well under
/// RFC 5322's 998 characters. A longer one (only a hostile sender writes it) is dropped,
/// and the reply simply starts a new thread.
const MAX_MESSAGE_ID: usize = 250;
/// The most references we carry: the newest ones thread as well as all of them.
const MAX_REFERENCES: usize = 10;

fn fits_a_header(id: &str) -> bool {
    id.len() <= MAX_MESSAGE_ID && !id.contains(['\r', '\n'])
}

/// The references worth repeating: sane ones, the newest last.
fn threading(references: &[String]) -> Vec<String> {
    let sane: Vec<String> = references.iter().filter(|id| fits_a_header(id)).cloned().collect();
    sane[sane.len().saturating_sub(MAX_REFERENCES)..].to_vec()
}

/// Who our mail is from.
#[derive(Debug, Clone)]
pub struct Sender {
    pub from: Mailbox,
}

impl Sender {
    pub fn new(name: &str, address: &str) -> Result<Self, String> {
        let address = address
            .parse()
            .map_err(|e| format!("inbox.address '{address}' cannot be a sender: {e}"))?;
        Ok(Self {
            from: Mailbox::new(Some(name.to_string()), address),
        })
    }
}

/// Builds the message; an address or header that cannot be written is a permanent
/// failure of this message, said in words.
pub fn compose(message: &OutboxMessage, sender: &Sender, date: SystemTime) -> Result<Message, String> {
    let email = message
        .email
        .as_ref()
        .ok_or_else(|| format!("outbox message {} is not an e-mail", message.id))?;
    let to: Mailbox = message
        .to
        .parse()
        .map_err(|e| format!("'{}' is not an address mail can go to: {e}", message.to))?;
    let mut builder = Message::builder()
        .from(sender.from.clone())
        .reply_to(sender.from.clone())
        .to(to)
        .subject(message.subject.clone())
        .date(date)
        .message_id(Some(email.message_id.clone()))
        .header(AutoSubmitted::of(message));
    if let Some(id) = email.in_reply_to.as_ref().filter(|id| fits_a_header(id)) {
        builder = builder.in_reply_to(id.clone());
    }
    let references = threading(&email.references);
    if !references.is_empty() {
        builder = builder.references(references.join(" "));
    }
    let alternatives = MultiPart::alternative()
        .singlepart(SinglePart::plain(message.body.clone()))
        .singlepart(SinglePart::html(email.html.clone()));
    let body = match &email.calendar {
        Some(ics) => {
            let calendar = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                .map_err(|e| format!("calendar content type: {e}"))?;
            MultiPart::mixed()
                .multipart(alternatives)
                .singlepart(Attachment::new("port-day.ics".to_string()).body(ics.clone(), calendar))
        }
        None => alternatives,
    };
    builder
        .multipart(body)
        .map_err(|e| format!("outbox message {} cannot be written: {e}", message.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_monstrous_message_id_is_not_repeated() {
        let long = format!("<{}@evil.test>", "a".repeat(20_000));
        let refs = vec!["<ok-1@acme.example>".to_string(), long.clone()];
        assert_eq!(threading(&refs), vec!["<ok-1@acme.example>".to_string()]);
        assert!(!fits_a_header(&long));
        let many: Vec<String> = (0..30).map(|i| format!("<m{i}@acme.example>")).collect();
        let kept = threading(&many);
        assert_eq!(kept.len(), 10);
        assert_eq!(kept.last().map(String::as_str), Some("<m29@acme.example>"));
    }
}

//! An RFC 5322 message read into what the parser needs: the headers that decide its
//! kind, its own text (HTML turned into text), the returned original of a bounce, the
//! messages forwarded inside it, and its attachments. Every charset and transfer
//! encoding is mail-parser's job; LF and CRLF read the same.

use super::html;
use chrono::{DateTime, FixedOffset, TimeZone};
use mail_parser::{HeaderName, Message, MessageParser, MimeHeaders, PartType};
use std::sync::LazyLock;

/// How deep forwarded messages inside messages are followed.
const MAX_DEPTH: usize = 4;

#[derive(Debug, Default, Clone)]
pub struct Mail {
    /// Without angle brackets, as the header gives it; empty when the message has none.
    pub message_id: String,
    /// In-Reply-To then References: the Message-IDs this one answers.
    pub thread_ids: Vec<String>,
    /// The recipients a delivery report says failed (`Final-Recipient`), lower-cased.
    pub failed_recipients: Vec<String>,
    pub subject: String,
    pub from_address: String,
    pub from_name: String,
    pub date: Option<DateTime<FixedOffset>>,
    /// Lower-cased header values that mark automatic mail.
    pub auto_submitted: String,
    pub precedence: String,
    pub has_autoreply_header: bool,
    pub is_list: bool,
    /// `multipart/report` with a delivery-status (or a delivery-status part anywhere).
    pub is_delivery_report: bool,
    pub is_feedback_report: bool,
    /// The message's own text, quoted history included (see `quote`).
    pub text: String,
    /// The returned original inside a bounce, as text.
    pub returned: Option<Box<Mail>>,
    /// Messages attached as message/rfc822 (forwarded), in order.
    pub forwarded: Vec<Mail>,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
#[error("not an e-mail message: no header or body could be read")]
pub struct NotAMessage;

/// mail-parser's own choice of how to read each header this module asks for by meaning
/// (addresses, dates, Message-IDs, subject, MIME fields), and no reading of the others:
/// they are only ever taken raw (`header_raw`, from where they are in the message).
/// Tokenizing the relays' `Received:` trace fields alone was a twelfth of reading a
/// message; sender authentication reads the raw fields itself.
static PARSER: LazyLock<MessageParser> = LazyLock::new(|| {
    MessageParser::new()
        .with_mime_headers()
        .with_date_headers()
        .with_address_headers()
        .with_message_ids()
        .header_id(HeaderName::ReturnPath)
        .header_text(HeaderName::Subject)
        .header_text(HeaderName::Comments)
        .header_address(HeaderName::ListArchive)
        .header_address(HeaderName::ListHelp)
        .header_address(HeaderName::ListId)
        .header_address(HeaderName::ListOwner)
        .header_address(HeaderName::ListPost)
        .header_address(HeaderName::ListSubscribe)
        .header_address(HeaderName::ListUnsubscribe)
        .header_comma_separated(HeaderName::Keywords)
        .header_comma_separated(HeaderName::ContentLanguage)
        .default_header_ignore()
});

/// Reads a message. Only bytes with nothing that looks like a message are refused.
pub fn read(bytes: &[u8]) -> Result<Mail, NotAMessage> {
    let message = PARSER.parse(bytes).ok_or(NotAMessage)?;
    if message.headers().is_empty() && message.text_body_count() == 0 && message.attachment_count() == 0 {
        return Err(NotAMessage);
    }
    Ok(from_message(&message, 0))
}

fn from_message(message: &Message<'_>, depth: usize) -> Mail {
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_ascii_lowercase())
            .unwrap_or_default()
    };
    let (from_address, from_name) = message
        .from()
        .and_then(|a| a.first())
        .map(|a| {
            (
                a.address().unwrap_or_default().to_ascii_lowercase(),
                a.name().unwrap_or_default().to_string(),
            )
        })
        .unwrap_or_default();
    let root_type = message.root_part().content_type();
    let is_report = root_type.is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart") && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    let report_type = root_type
        .and_then(|ct| ct.attribute("report-type"))
        .unwrap_or_default()
        .to_ascii_lowercase();
    let ids = |v: &mail_parser::HeaderValue<'_>| -> Vec<String> {
        v.as_text_list()
            .map(|l| l.iter().map(|s| s.trim().to_string()).collect())
            .unwrap_or_default()
    };
    let mut thread_ids = ids(message.in_reply_to());
    thread_ids.extend(ids(message.references()));
    let mut mail = Mail {
        message_id: message.message_id().unwrap_or_default().trim().to_string(),
        thread_ids,
        subject: message.subject().unwrap_or_default().to_string(),
        from_address,
        from_name,
        date: message.date().and_then(to_chrono),
        auto_submitted: header("Auto-Submitted"),
        precedence: header("Precedence"),
        has_autoreply_header: message.header_raw("X-Autoreply").is_some()
            || message.header_raw("X-Autorespond").is_some()
            || message.header_raw("X-Autoresponder").is_some(),
        is_list: message.header_raw("List-Id").is_some() || message.header_raw("List-Unsubscribe").is_some(),
        is_delivery_report: is_report && report_type.contains("delivery-status"),
        is_feedback_report: is_report && report_type.contains("feedback-report"),
        ..Mail::default()
    };
    mail.text = own_text(message);
    for part in message.attachments() {
        take_part(&mut mail, part, is_report, depth);
    }
    mail
}

/// One attached part: a message inside (forwarded, or returned by a bounce), a
/// delivery or feedback report, or a file.
fn take_part(mail: &mut Mail, part: &mail_parser::MessagePart<'_>, is_report: bool, depth: usize) {
    let content_type = part
        .content_type()
        .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default()).to_ascii_lowercase())
        .unwrap_or_default();
    match &part.body {
        PartType::Message(inner) if depth < MAX_DEPTH => {
            let inner = from_message(inner, depth + 1);
            if is_report || mail.is_delivery_report {
                mail.returned = Some(Box::new(inner));
            } else {
                mail.forwarded.push(inner);
            }
        }
        PartType::Message(_) => {}
        body => {
            if content_type.contains("delivery-status") {
                mail.is_delivery_report = true;
                let status = match body {
                    PartType::Text(t) => t.to_string(),
                    PartType::Binary(b) | PartType::InlineBinary(b) => String::from_utf8_lossy(b).into_owned(),
                    _ => String::new(),
                };
                mail.failed_recipients.extend(failed_recipients(&status));
            }
            if content_type.contains("feedback-report") {
                mail.is_feedback_report = true;
            }
            if is_report && content_type.contains("rfc822-headers") {
                if let PartType::Text(t) = body {
                    mail.returned = Some(Box::new(Mail {
                        text: t.to_string(),
                        ..Mail::default()
                    }));
                }
                return;
            }
            let bytes: Vec<u8> = match body {
                PartType::Text(t) | PartType::Html(t) => t.as_bytes().to_vec(),
                PartType::Binary(b) | PartType::InlineBinary(b) => b.to_vec(),
                _ => return,
            };
            let name = part.attachment_name().unwrap_or_default().to_string();
            mail.attachments.push(Attachment {
                name,
                content_type,
                bytes,
            });
        }
    }
}

/// The text bodies, HTML turned into text where a part has no plain version.
fn own_text(message: &Message<'_>) -> String {
    let mut texts: Vec<String> = Vec::new();
    for id in &message.text_body {
        let Some(part) = message.parts.get(*id as usize) else {
            continue;
        };
        match &part.body {
            PartType::Text(t) => texts.push(t.to_string()),
            PartType::Html(h) => texts.push(html::to_text(h)),
            _ => {}
        }
    }
    // A body that is JSON (a vendor's webhook mailed as is) is text too.
    if texts.is_empty() {
        for id in &message.attachments {
            let Some(part) = message.parts.get(*id as usize) else {
                continue;
            };
            let is_json = part
                .content_type()
                .is_some_and(|ct| ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("json")));
            if is_json && part.attachment_name().is_none() {
                texts.push(String::from_utf8_lossy(part.contents()).into_owned());
            }
        }
    }
    if texts.iter().all(|t| t.trim().is_empty()) {
        texts.clear();
        for id in &message.html_body {
            if let Some(PartType::Html(h)) = message.parts.get(*id as usize).map(|p| &p.body) {
                texts.push(html::to_text(h));
            }
        }
    }
    texts.join("\n").replace("\r\n", "\n")
}

/// `Final-Recipient: rfc822; someone@example.com` lines of a delivery status whose
/// action is `failed` (or that give no action).
fn failed_recipients(status: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Each recipient is a block of fields separated by a blank line.
    for block in status.replace("\r\n", "\n").split("\n\n") {
        let field = |name: &str| {
            block.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
        };
        let Some(recipient) = field("Final-Recipient").or_else(|| field("Original-Recipient")) else {
            continue;
        };
        let failed = field("Action").is_none_or(|a| a.eq_ignore_ascii_case("failed"));
        let address = recipient.rsplit(';').next().unwrap_or_default().trim();
        let address = address.trim_matches(|c| c == '<' || c == '>').to_ascii_lowercase();
        if failed && address.contains('@') && !out.contains(&address) {
            out.push(address);
        }
    }
    out
}

fn to_chrono(d: &mail_parser::DateTime) -> Option<DateTime<FixedOffset>> {
    let offset_secs =
        (i32::from(d.tz_hour) * 3600 + i32::from(d.tz_minute) * 60) * if d.tz_before_gmt { -1 } else { 1 };
    let offset = FixedOffset::east_opt(offset_secs)?;
    offset
        .with_ymd_and_hms(
            i32::from(d.year),
            u32::from(d.month),
            u32::from(d.day),
            u32::from(d.hour),
            u32::from(d.minute),
            u32::from(d.second),
        )
        .single()
}

/// True when the first lines are RFC 5322 headers naming a sender, a subject or a date.
pub fn starts_with_mail_headers(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_lowercase();
    let header_block = head.split("\n\n").next().unwrap_or("");
    let first_is_header = header_block.lines().next().is_some_and(|l| {
        l.split_once(':')
            .is_some_and(|(name, _)| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            || l.starts_with("from ")
    });
    let known = [
        "from:",
        "subject:",
        "date:",
        "to:",
        "message-id:",
        "mime-version:",
        "received:",
        "content-type:",
    ];
    let names_mail = known
        .iter()
        .filter(|h| header_block.lines().any(|l| l.starts_with(*h)))
        .count();
    // A MIME entity may open with its content type alone.
    let opens_as_mime = ["content-type:", "mime-version:", "return-path:", "received:"]
        .iter()
        .any(|h| head.starts_with(h));
    first_is_header && (names_mail >= 2 || opens_as_mime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_only_raw_are_still_there() {
        let raw = "Received: from mx.example (mx.example [192.0.2.1]) by in.example; Mon, 30 Nov 2026 10:00:00 +0000\r\nFrom: Out Of Office <ooo@customer.example>\r\nSubject: Away\r\nX-Autoreply: yes\r\nAuto-Submitted: auto-replied\r\nList-Id: <team.customer.example>\r\n\r\nI am away.\r\n";
        let mail = read(raw.as_bytes()).unwrap();
        assert!(mail.has_autoreply_header);
        assert_eq!(mail.auto_submitted, "auto-replied");
        assert!(mail.is_list);
        assert_eq!(
            (mail.from_address.as_str(), mail.subject.as_str()),
            ("ooo@customer.example", "Away")
        );
    }

    #[test]
    fn a_bounce_keeps_the_returned_original_apart() {
        let raw = "From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered Mail\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: Sign your LOA (PORT-1897)\r\n\r\nHi, order PORT-1897.\r\n--b--\r\n";
        let mail = read(raw.as_bytes()).unwrap();
        assert!(mail.is_delivery_report);
        assert!(mail.text.contains("Could not deliver."));
        assert!(!mail.text.contains("PORT-1897"));
        assert!(mail.returned.unwrap().text.contains("order PORT-1897"));
    }

    #[test]
    fn html_only_mail_becomes_text_and_dates_keep_their_offset() {
        let raw = "Date: Sun, 11 Oct 2026 12:06:09 -0400\nFrom: Vendor <notify@portflow.example>\nContent-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n<p>Fecha de portaci=F3n</p><table><tr><td>FOC</td><td>10/21/2026</td></tr></table>\n";
        let mail = read(raw.as_bytes()).unwrap();
        assert_eq!(mail.text, "Fecha de portación\nFOC\t10/21/2026");
        assert_eq!(mail.date.unwrap().to_rfc3339(), "2026-10-11T12:06:09-04:00");
        assert_eq!(mail.from_address, "notify@portflow.example");
    }
}

//! `portbot parse`: what a message (or a bill on its own) says, as `spec/parse.md`
//! defines it. Pure: bytes in, meaning out; no database, no network.

mod ahead;
mod ascii_classes;
pub mod bill;
pub mod classify;
pub mod dates;
pub mod foc;
pub mod html;
pub mod language;
mod lowered;
pub mod mime;
pub mod notice;
pub mod numbers;
pub mod outcomes;
mod parsed_ahead;
pub mod pattern;
mod phrases;
pub use ahead::compile_patterns;
pub mod quote;
pub mod refs;
pub mod reject;
mod says_it;
mod sentences;

use crate::domain::{Bill, OrderRef, PhoneNumber, RejectCode};
use chrono::NaiveDate;
use classify::{classify, Evidence, Kind, Verdict};
use numbers::{numbers_in, NumberRules};
use serde::Serialize;

/// The contract's line for one file.
#[derive(Debug, Clone, Serialize)]
pub struct Parsed {
    pub file: String,
    pub kind: Kind,
    pub order_ref: Option<OrderRef>,
    pub foc_date: Option<NaiveDate>,
    pub reject_code: Option<RejectCode>,
    pub numbers: Vec<PhoneNumber>,
    pub invoice: Option<Bill>,
    /// The numbers a completion says did not port (remaining with the old carrier,
    /// failed, left out): the rest of the order completed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub numbers_not_ported: Vec<PhoneNumber>,
    /// The carrier's words for a rejection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reject_reason: Option<String>,
    /// `en` or `es`, for messages people wrote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<&'static str>,
    /// How sure the reading of `kind` is, 0 to 1: the desk acts on a notice only
    /// from `classify::SURE` up.
    pub confidence: f32,
    /// What decided the kind (`parse --explain`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Parsed {
    /// A line of the given kind with nothing found yet.
    pub fn empty(file: &str, kind: Kind) -> Self {
        Self {
            file: file.to_string(),
            kind,
            order_ref: None,
            foc_date: None,
            reject_code: None,
            numbers: Vec::new(),
            invoice: None,
            numbers_not_ported: Vec::new(),
            reject_reason: None,
            language: None,
            confidence: 1.0,
            evidence: Vec::new(),
            error: None,
        }
    }

    /// The reading in words for staff: `looks like a rejection (PASSCODE_PIN_INVALID),
    /// 0.62`.
    pub fn reading(&self) -> String {
        let what = match self.kind {
            Kind::PortCompleted => "a completion".to_string(),
            Kind::PortRejected => match self.reject_code {
                Some(code) => format!("a rejection ({})", code.code()),
                None => "a rejection".to_string(),
            },
            Kind::FocConfirmed => match &self.foc_date {
                Some(date) => format!("an FOC for {date}"),
                None => "an FOC without a date".to_string(),
            },
            Kind::LoaSigned => "an e-signature completion".to_string(),
            other => other.as_str().replace('_', " "),
        };
        format!("looks like {what}, {:.2}", self.confidence)
    }

    /// True when the reading is sure enough for a notice to change an order.
    pub fn is_sure(&self) -> bool {
        self.confidence >= classify::SURE
    }

    /// A file that could not be read, with the reason.
    pub fn unknown(file: &str, error: impl ToString) -> Self {
        Self {
            error: Some(error.to_string()),
            ..Self::empty(file, Kind::Unknown)
        }
    }
}

/// What a file holds, by its name: a bill on its own or a message.
pub fn parse_file_bytes(file: &str, bytes: &[u8]) -> Parsed {
    let lower = file.to_lowercase();
    // A .txt file that starts with mail headers is a saved message, not a bill.
    let saved_message = lower.ends_with(".txt") && mime::starts_with_mail_headers(bytes);
    if !saved_message
        && (lower.ends_with(".pdf") || lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".txt"))
    {
        return parse_bill_file(file, bytes);
    }
    parse_message(file, bytes)
}

/// A standalone bill: always an invoice when it can be read.
fn parse_bill_file(file: &str, bytes: &[u8]) -> Parsed {
    let text = match bill_text(file, "", bytes) {
        Ok(t) => t,
        Err(e) => return Parsed::unknown(file, e),
    };
    let reading = bill::read(&text);
    let numbers = reading.bill.numbers.clone();
    Parsed {
        numbers,
        invoice: Some(reading.bill),
        evidence: vec!["a bill file on its own".to_string()],
        ..Parsed::empty(file, Kind::Invoice)
    }
}

/// The text the parser reads from a file: a bill's text, or a message's new text (quotes
/// and signature cut), for checking by hand.
pub fn text_of_file(file: &str, bytes: &[u8]) -> String {
    let lower = file.to_lowercase();
    let is_bill =
        [".pdf", ".html", ".htm", ".txt"].iter().any(|e| lower.ends_with(e)) && !mime::starts_with_mail_headers(bytes);
    if is_bill {
        return bill_text(file, "", bytes).unwrap_or_else(|e| format!("(unreadable: {e})"));
    }
    match mime::read(bytes) {
        Ok(mail) => {
            let split = quote::split(&mail.text);
            let mut text = format!("Subject: {}\n\n{}", mail.subject, split.body());
            for a in &mail.attachments {
                let read =
                    bill_text(&a.name, &a.content_type, &a.bytes).unwrap_or_else(|e| format!("(unreadable: {e})"));
                text.push_str(&format!("\n--- attachment {} ({})\n{read}", a.name, a.content_type));
            }
            text
        }
        Err(e) => format!("(unreadable: {e})"),
    }
}

/// The text of a bill file or attachment, by its name or type.
pub fn bill_text(name: &str, content_type: &str, bytes: &[u8]) -> Result<String, String> {
    let lower = name.to_lowercase();
    if lower.ends_with(".pdf") || content_type.contains("pdf") || bytes.starts_with(b"%PDF") {
        return bill::pdf::pdf_text(bytes).map_err(|e| e.to_string());
    }
    let text = String::from_utf8_lossy(bytes);
    if lower.ends_with(".html")
        || lower.ends_with(".htm")
        || content_type.contains("html")
        || text.trim_start().starts_with('<')
    {
        return Ok(html::to_text(&text));
    }
    Ok(text.replace("\r\n", "\n"))
}

/// An e-mail message.
pub fn parse_message(file: &str, bytes: &[u8]) -> Parsed {
    match mime::read(bytes) {
        Ok(mail) => parse_mail(file, &mail),
        Err(e) => Parsed::unknown(file, e),
    }
}

/// A message already read (the inbox reads it once for its headers and its meaning).
pub fn parse_mail(file: &str, mail: &mime::Mail) -> Parsed {
    let rules = NumberRules::default();
    let split = quote::split(&mail.text);
    let forwarded = forwarded_texts(mail, &split);
    // Attachments count like the body (a per-number CSV, an XML response, a letter);
    // a bill among them is read as a bill instead.
    let attachments = read_attachments(mail);
    let body = format!("{}\n{}", split.body(), forwarded.join("\n"));
    let (bill, bill_in_body) = find_bill(mail, &attachments, &body).unzip();
    let bill_in_body = bill_in_body.unwrap_or(false);
    let attached: Vec<&str> = attachments.iter().filter_map(|a| a.text.as_deref()).collect();
    let new_text = format!("{}\n{body}\n{}", mail.subject, attached.join("\n"));
    let order_ref = order_ref_of(mail, &new_text, &split);
    let numbers = numbers_in(&new_text, &rules);
    // Underscores join words in JSON keys and values (`order_rejected`).
    let lower = new_text.to_lowercase().replace('_', " ");
    let Verdict {
        kind,
        confidence,
        mut evidence,
    } = classify(&Evidence {
        mail,
        new_text: &lower,
        has_bill: bill.is_some(),
        has_order_ref: order_ref.is_some(),
        has_numbers: !numbers.is_empty(),
    });
    let date_reference = mail.date.map(|d| d.date_naive());
    let foc_date = (kind == Kind::FocConfirmed)
        .then(|| foc::foc_date(&new_text, date_reference))
        .flatten();
    let (reject_code, reject_reason) = match kind {
        Kind::PortRejected => {
            let (code, reason) = reject::reject_code_of(&new_text);
            evidence.push(format!("reject code {code:?} from: {reason}"));
            (Some(code), Some(reason))
        }
        _ => (None, None),
    };
    let numbers_not_ported = match kind {
        Kind::PortCompleted => outcomes::not_ported(&new_text, &rules),
        _ => Vec::new(),
    };
    let numbers = numbers_of_kind(kind, numbers, bill.as_ref(), bill_in_body);
    Parsed {
        file: file.to_string(),
        kind,
        order_ref,
        foc_date,
        reject_code,
        numbers,
        invoice: if kind == Kind::Invoice { bill } else { None },
        numbers_not_ported,
        reject_reason,
        language: Some(language::language_of(&lower)),
        confidence,
        evidence,
        error: None,
    }
}

/// What a message forwards: attached messages, and the "original message" of a
/// forward (the message's own content, not a quote).
fn forwarded_texts(mail: &mime::Mail, split: &quote::Split) -> Vec<String> {
    let subject = mail.subject.trim_start().to_lowercase();
    // A forward's "original message" is the message's own content, not a quote.
    let is_forward = ["fw:", "fwd:", "rv:", "tr:", "wg:"]
        .iter()
        .any(|p| subject.starts_with(p));
    let mut forwarded: Vec<String> = mail
        .forwarded
        .iter()
        .map(|f| format!("{}\n{}", f.subject, f.text))
        .collect();
    if is_forward && !split.quoted.trim().is_empty() {
        forwarded.push(split.quoted.clone());
    }
    forwarded
}

/// Our reference: in what is new, else the signature, the quote, or the returned
/// message of a bounce.
fn order_ref_of(mail: &mime::Mail, new_text: &str, split: &quote::Split) -> Option<OrderRef> {
    refs::order_ref(new_text)
        .or_else(|| refs::order_ref(split.signature()))
        .or_else(|| refs::order_ref(&split.quoted))
        .or_else(|| {
            mail.returned
                .as_ref()
                .and_then(|r| refs::order_ref(&format!("{}\n{}", r.subject, r.text)))
        })
        .and_then(|r| r.parse::<OrderRef>().ok())
}

/// The numbers a message is about: none for mail that is not about a port; a bill's
/// billed lines, not the calls in its call detail.
fn numbers_of_kind(
    kind: Kind,
    mut numbers: Vec<PhoneNumber>,
    bill: Option<&Bill>,
    bill_in_body: bool,
) -> Vec<PhoneNumber> {
    match kind {
        Kind::Bounce | Kind::AutoReply | Kind::Unknown => numbers.clear(),
        // An e-bill in the body: its billed lines, not the calls in its call detail.
        Kind::Invoice if bill_in_body => numbers = bill.iter().flat_map(|b| b.numbers.clone()).collect(),
        Kind::Invoice => numbers.extend(bill.iter().flat_map(|b| b.numbers.iter().copied())),
        _ => {}
    }
    numbers.sort();
    numbers.dedup();
    numbers
}

/// An attachment read once: the bill it is, or else its text (a per-number CSV, an
/// XML response, a letter), which counts like the body.
struct Attached {
    bill: Option<Bill>,
    text: Option<String>,
}

/// Every attachment that reads as text (CSV, XML, JSON, plain text, HTML, a PDF);
/// images and other binaries have none.
fn read_attachments(mail: &mime::Mail) -> Vec<Attached> {
    mail.attachments
        .iter()
        .filter_map(|a| {
            let name = a.name.to_lowercase();
            let textual = a.content_type.starts_with("text/")
                || ["xml", "json", "pdf", "csv"].iter().any(|t| a.content_type.contains(t))
                || [".txt", ".csv", ".xml", ".json", ".pdf", ".html", ".htm"]
                    .iter()
                    .any(|e| name.ends_with(e))
                || a.bytes.starts_with(b"%PDF");
            let text = textual
                .then(|| bill_text(&a.name, &a.content_type, &a.bytes).ok())
                .flatten()?;
            Some(
                match bill::read_if_a_bill(&text, bill::looks_named_as_a_bill(&a.name)) {
                    Some(bill) => Attached {
                        bill: Some(bill),
                        text: None,
                    },
                    None => Attached {
                        bill: None,
                        text: Some(text),
                    },
                },
            )
        })
        .collect()
}

/// The bill a message carries: an attachment, a forwarded message's attachment, or an
/// e-bill in the body; the one with the most fields wins. True when it was the body.
fn find_bill(mail: &mime::Mail, attached: &[Attached], body: &str) -> Option<(Bill, bool)> {
    let mut candidates: Vec<(Bill, bool)> = attached
        .iter()
        .filter_map(|a| a.bill.clone())
        .map(|b| (b, false))
        .collect();
    for f in &mail.forwarded {
        candidates.extend(
            read_attachments(f)
                .into_iter()
                .filter_map(|a| a.bill)
                .map(|b| (b, false)),
        );
    }
    candidates.extend(bill::read_bill(body).map(|b| (b, true)));
    candidates.into_iter().max_by_key(|(b, _)| filled_fields(b))
}

fn filled_fields(b: &Bill) -> usize {
    [
        b.carrier.is_some(),
        b.account_number.is_some(),
        b.btn.is_some(),
        b.account_name.is_some(),
        b.service_address.is_some(),
        b.invoice_date.is_some(),
        !b.numbers.is_empty(),
    ]
    .iter()
    .filter(|x| **x)
    .count()
}

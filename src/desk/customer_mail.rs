//! E-mails to customers: which text for which moment, to which contacts, in their
//! language, threaded to their last message, with our signed Message-ID, held for the
//! sending window when nobody asked for them, and never more than the daily limit per
//! address. Each becomes an outbox draft saved with the change that caused it.

use super::customer_letter::render_linked;
use super::{Desk, DeskError};
use crate::domain::calendar::{business_days_between, next_sending_time_in};
use crate::domain::customer_mail::{Addressing, CustomerMail};
use crate::domain::message_id::MessageIds;
use crate::domain::reminders::Cadence;
use crate::domain::{Channel, EmailAddress, EmailParts, Language, Order, OutboxDraft};
use crate::store::MailHistory;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What the desk needs to write to customers.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub ids: MessageIds,
    /// The porting inbox: our From and Reply-To.
    pub inbox_address: String,
    pub daily_limit: i64,
    pub cadence: Cadence,
    /// Business days a carrier with no history takes to confirm a port.
    pub default_estimate: (i64, i64),
    /// The time zone of a new customer account that names none.
    pub default_time_zone: chrono_tz::Tz,
    /// Each customer e-mail links to the order's status page, when the board serves them.
    pub status_pages: Option<crate::domain::status_link::StatusPages>,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            ids: MessageIds::new(crate::config::LOCAL_SIGNING_KEY.as_bytes(), "portbot.invalid"),
            inbox_address: "porting@portbot.invalid".into(),
            daily_limit: 6,
            cadence: Cadence::default(),
            default_estimate: (3, 14),
            default_time_zone: chrono_tz::America::New_York,
            status_pages: None,
        }
    }
}

/// `cannot_share` reads nothing: not the order, not the sender's own words.
#[derive(Debug, Serialize)]
struct NothingOfTheOrder {}

/// What writing to an order's contacts needs from the store, loaded with the order
/// before anything is decided.
#[derive(Debug, Clone, Default)]
pub struct MailFacts {
    /// The contacts' last message on the order: our mail answers it, in its thread.
    answers: Option<String>,
    /// Business days the carrier usually takes ("3–14").
    estimate: String,
    /// E-mails each working contact got in the last 24 hours (the saving transaction
    /// counts again).
    pub(super) sent_today: std::collections::HashMap<EmailAddress, i64>,
}

impl MailFacts {
    /// `history` answers for the order's working contacts, in their order.
    fn from_history(order: &Order, history: MailHistory, estimate: String) -> Self {
        MailFacts {
            answers: history.last_message,
            estimate,
            sent_today: order.working_contacts().cloned().zip(history.sent_since).collect(),
        }
    }
}

/// Since when the daily limit counts a contact's e-mails.
pub(super) fn daily_limit_since(now: DateTime<Utc>) -> DateTime<Utc> {
    now - chrono::Duration::hours(24)
}

impl Desk {
    /// Loads what `customer_mail` needs to write about `order` now.
    pub(super) async fn mail_facts(&self, order: &Order, now: DateTime<Utc>) -> Result<MailFacts, DeskError> {
        let estimate = self.estimate(&order.carrier).await?;
        self.mail_facts_with(order, now, estimate).await
    }

    /// The same, with the carrier's estimate already known (a tick reads it once a carrier).
    pub(super) async fn mail_facts_with(
        &self,
        order: &Order,
        now: DateTime<Utc>,
        estimate: String,
    ) -> Result<MailFacts, DeskError> {
        let working: Vec<EmailAddress> = order.working_contacts().cloned().collect();
        let history = self
            .store
            .mail_history(&order.reference, &order.contacts, &working, daily_limit_since(now))
            .await?;
        Ok(MailFacts::from_history(order, history, estimate))
    }

    /// The same from the history read with the order (`order_with_mail_history`).
    pub(super) async fn mail_facts_from(&self, order: &Order, history: MailHistory) -> Result<MailFacts, DeskError> {
        let estimate = self.estimate(&order.carrier).await?;
        Ok(MailFacts::from_history(order, history, estimate))
    }

    /// Drafts `mail` for the order's contacts (those under the daily limit), rendered
    /// in each contact's language.
    pub(super) fn customer_mail(
        &self,
        order: &Order,
        mail: CustomerMail,
        addressing: &Addressing,
        facts: &MailFacts,
        now: DateTime<Utc>,
    ) -> Result<Vec<OutboxDraft>, DeskError> {
        let recipients: Vec<EmailAddress> = match &addressing.only {
            Some(one) => vec![one.clone()],
            None => order.working_contacts().cloned().collect(),
        };
        let answers = addressing.answers.clone().or_else(|| facts.answers.clone());
        let mut drafts = Vec::new();
        for to in recipients {
            if facts.sent_today.get(&to).copied().unwrap_or(0) >= self.mail.daily_limit {
                tracing::warn!(order = %order.reference, "daily e-mail limit reached for a contact: not sent");
                continue;
            }
            let language = order.language_of(&to);
            let status_page = self
                .mail
                .status_pages
                .as_ref()
                .map(|p| p.url(&order.reference, language, now));
            let letter = render_linked(&self.texts, order, mail, language, &facts.estimate, status_page)
                .map_err(DeskError::Text)?;
            let calendar = calendar_for(mail).zip(order.foc_date).map(|(invitation, foc)| {
                crate::domain::ics::port_day(
                    order,
                    foc,
                    invitation,
                    self.mail.ids.domain(),
                    &self.mail.inbox_address,
                    now,
                )
            });
            let send_after = mail.waits_for_window().then(|| {
                let c = &self.mail.cadence;
                next_sending_time_in(now, order.time_zone, c.window_opens, c.window_closes)
            });
            drafts.push(OutboxDraft {
                channel: Channel::Email,
                to: to.to_string(),
                template: mail.template().to_string(),
                subject: letter.subject,
                body: letter.text,
                email: Some(EmailParts {
                    html: letter.html,
                    message_id: self.new_message_id(order, &to, mail.template(), now),
                    in_reply_to: answers.clone(),
                    references: answers.iter().cloned().collect(),
                    calendar,
                    send_after,
                    daily_limit: Some(self.mail.daily_limit),
                }),
            });
        }
        Ok(drafts)
    }

    /// The polite refusal to a sender who is not a contact: nothing about the order.
    /// Held to the daily limit by the saving transaction.
    pub(super) fn cannot_share(
        &self,
        to: &EmailAddress,
        answers: &str,
        language: Language,
        now: DateTime<Utc>,
    ) -> Result<OutboxDraft, DeskError> {
        // Never the sender's own subject or words: a forged sender must not turn the desk
        // into a relay of its text (backscatter).
        let template = format!("email/{}/cannot_share", language.as_str());
        let rendered = self
            .texts
            .message(&template, NothingOfTheOrder {})
            .map_err(DeskError::Text)?;
        let html = self
            .texts
            .html_page(&rendered.subject, &rendered.body, "", language)
            .map_err(DeskError::Text)?;
        let nonce = hex_digest(&[to.as_str(), answers, &now.to_rfc3339()]);
        Ok(OutboxDraft {
            channel: Channel::Email,
            to: to.to_string(),
            template: "cannot_share".into(),
            subject: rendered.subject,
            body: rendered.body,
            email: Some(EmailParts {
                html,
                message_id: format!("<reply.{}@{}>", &nonce[..20], self.mail.ids.domain()),
                in_reply_to: Some(answers.to_string()),
                references: vec![answers.to_string()],
                calendar: None,
                send_after: None,
                daily_limit: Some(self.mail.daily_limit),
            }),
        })
    }

    /// "3–14" business days with no history; else the range this carrier took lately
    /// (read again every few minutes, and after this desk records a port date).
    pub(super) async fn estimate(&self, carrier: &str) -> Result<String, DeskError> {
        let now = self.clock.now();
        if let Some(known) = self.estimates.get(carrier, now) {
            return Ok(known);
        }
        let estimate = self.estimate_from_history(carrier).await?;
        self.estimates.keep(carrier, now, &estimate);
        Ok(estimate)
    }

    async fn estimate_from_history(&self, carrier: &str) -> Result<String, DeskError> {
        let mut days: Vec<i64> = self
            .store
            .carrier_turnarounds(carrier)
            .await?
            .into_iter()
            .map(|(submitted, confirmed)| business_days_between(submitted.date_naive(), confirmed.date_naive()).max(1))
            .collect();
        days.sort_unstable();
        let (low, high) = match days.as_slice() {
            [] => self.mail.default_estimate,
            [one] => (*one, *one),
            many => (many[many.len() / 4], many[many.len() * 3 / 4]),
        };
        Ok(if low == high {
            low.to_string()
        } else {
            format!("{low}–{high}")
        })
    }

    fn new_message_id(&self, order: &Order, to: &EmailAddress, template: &str, now: DateTime<Utc>) -> String {
        let nonce = hex_digest(&[
            &order.reference.to_string(),
            to.as_str(),
            template,
            &now.timestamp_nanos_opt().unwrap_or_default().to_string(),
            &order.version.to_string(),
        ]);
        self.mail.ids.for_order(&order.reference, &nonce[..16])
    }
}

fn hex_digest(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for p in parts {
        hash.update(p.as_bytes());
        hash.update([0]);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The FOC e-mail puts the port day in the customer's calendar; the cancellation takes
/// it out again.
fn calendar_for(mail: CustomerMail) -> Option<crate::domain::ics::Invitation> {
    use crate::domain::ics::Invitation;
    match mail {
        CustomerMail::FocConfirmed => Some(Invitation::PortDay),
        CustomerMail::PortCancelled => Some(Invitation::Cancelled),
        _ => None,
    }
}

//! A customer e-mail rendered: the order as customer texts read it, in the contact's
//! language, with the footer (and its status-page link).

use super::dates::long_date;
use crate::domain::customer_mail::CustomerMail;
use crate::domain::{Language, NumberStatus, Order};
use serde::Serialize;

/// The order as customer texts read it.
#[derive(Debug, Serialize)]
pub(super) struct MailOrder {
    reference: String,
    company: String,
    /// "Hello Acme Dental Group," with the account's name, a plain "Hello," without
    /// (never the account's id).
    greeting: String,
    carrier: String,
    count: usize,
    numbers: Vec<String>,
    /// The numbers that now ring with us.
    ported: Vec<String>,
    /// Numbers a partial port left with the old carrier.
    left_behind: Vec<String>,
    /// Numbers the carrier says cannot be ported.
    not_portable: Vec<String>,
    state: &'static str,
    loa_signed: bool,
    invoice_received: bool,
    mismatches: Vec<crate::domain::MismatchField>,
    reject_code: Option<&'static str>,
    reject_reason: Option<String>,
    foc_date: Option<String>,
    contract_end: Option<String>,
    routing_confirmed: bool,
    routing: Vec<MailNumber>,
    estimate: Option<String>,
}

/// What every customer e-mail's template (and its footer) reads.
#[derive(Debug, Serialize)]
struct MailContext {
    order: MailOrder,
    /// "reminder 2 of 3", for reminders.
    reminder: Option<ReminderCount>,
    /// The order's status page for this contact (the footer links to it).
    status_page: Option<String>,
}

#[derive(Debug, Serialize)]
struct ReminderCount {
    n: usize,
    of: usize,
}

#[derive(Debug, Serialize)]
struct MailNumber {
    number: String,
    #[serde(rename = "type")]
    number_type: &'static str,
    route: Option<String>,
}

/// A customer e-mail as rendered: subject, text part (with its footer) and HTML part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Renders `mail` about `order` in `language`; `estimate` is the business days the
/// carrier usually takes ("3–14").
pub fn render(
    texts: &crate::texts::Texts,
    order: &Order,
    mail: CustomerMail,
    language: Language,
    estimate: &str,
) -> anyhow::Result<Letter> {
    render_linked(texts, order, mail, language, estimate, None)
}

/// The same, with the link to the order's status page in the footer.
pub fn render_linked(
    texts: &crate::texts::Texts,
    order: &Order,
    mail: CustomerMail,
    language: Language,
    estimate: &str,
    status_page: Option<String>,
) -> anyhow::Result<Letter> {
    let context = MailContext {
        order: mail_order(order, language, estimate),
        reminder: mail.reminder().map(|(n, of)| ReminderCount { n, of }),
        status_page,
    };
    let rendered = texts.message(&format!("email/{}/{}", language.as_str(), mail.template()), &context)?;
    let footer = texts.render(&format!("email/{}/footer", language.as_str()), &context)?;
    let html = texts.html_page(&rendered.subject, &rendered.body, &footer, language)?;
    Ok(Letter {
        text: format!("{}\n\n-- \n{footer}", rendered.body),
        subject: rendered.subject,
        html,
    })
}

fn greeting(name: Option<&str>, language: Language) -> String {
    match (language, name.map(str::trim).filter(|n| !n.is_empty())) {
        (Language::En, Some(name)) => format!("Hello {name},"),
        (Language::En, None) => "Hello,".to_string(),
        (Language::Es, Some(name)) => format!("Hola, {name}:"),
        (Language::Es, None) => "Hola:".to_string(),
    }
}

fn pretty_where(order: &Order, status: impl Fn(NumberStatus) -> bool) -> Vec<String> {
    order
        .numbers
        .iter()
        .filter(|n| status(n.status))
        .map(|n| n.number.pretty())
        .collect()
}

fn mail_order(order: &Order, language: Language, estimate: &str) -> MailOrder {
    MailOrder {
        reference: order.reference.to_string(),
        company: order
            .account
            .account_name
            .clone()
            .unwrap_or_else(|| order.customer.clone()),
        greeting: greeting(order.account.account_name.as_deref(), language),
        carrier: order.carrier.clone(),
        count: order.numbers.len(),
        numbers: order.numbers.iter().map(|n| n.number.pretty()).collect(),
        ported: pretty_where(order, |s| s == NumberStatus::Ported),
        left_behind: pretty_where(order, |s| s == NumberStatus::Remaining),
        not_portable: pretty_where(order, |s| s == NumberStatus::NotPortable),
        state: order.state.as_str(),
        loa_signed: order.loa_signed_at.is_some(),
        invoice_received: order.has_current_bill(),
        mismatches: order.mismatches().into_iter().map(|m| m.field).collect(),
        reject_code: order.rejection.as_ref().map(|r| r.code.code()),
        reject_reason: order
            .rejection
            .as_ref()
            .map(|r| crate::domain::untrusted::without_links(&r.reason)),
        foc_date: order.foc_date.map(|d| long_date(d, language)),
        contract_end: order.contract_end.map(|d| long_date(d, language)),
        routing_confirmed: order.routing_confirmed(),
        routing: order
            .numbers
            .iter()
            .filter(|n| n.is_live())
            .map(|n| MailNumber {
                number: n.number.pretty(),
                number_type: n.number_type.as_str(),
                route: n.route.as_ref().map(|r| r.to_string()),
            })
            .collect(),
        estimate: Some(estimate.to_string()),
    }
}

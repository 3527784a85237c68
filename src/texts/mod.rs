//! Every text a customer or staff member reads, rendered from the templates in
//! `prompts/` (built into the binary). A template's first line is its subject (or the
//! chat post's title); the rest is the body.

use minijinja::Environment;
use serde::Serialize;

mod posts;
mod replies;
pub use posts::{AcknowledgedOrder, Acknowledgement, Alert, DigestLine, HeldRequest, StaffPost};
pub use replies::{ChatReply, ListRow};

const TEMPLATES: &[(&str, &str)] = &[
    ("chat/new_order", include_str!("../../prompts/chat/new_order.md")),
    (
        "chat/bill_mismatch",
        include_str!("../../prompts/chat/bill_mismatch.md"),
    ),
    ("chat/rejection", include_str!("../../prompts/chat/rejection.md")),
    ("chat/foc_set", include_str!("../../prompts/chat/foc_set.md")),
    ("chat/completed", include_str!("../../prompts/chat/completed.md")),
    (
        "chat/partly_completed",
        include_str!("../../prompts/chat/partly_completed.md"),
    ),
    ("chat/cancelled", include_str!("../../prompts/chat/cancelled.md")),
    ("chat/reopened", include_str!("../../prompts/chat/reopened.md")),
    ("chat/order_card", include_str!("../../prompts/chat/order_card.md")),
    ("chat/order_list", include_str!("../../prompts/chat/order_list.md")),
    ("chat/help", include_str!("../../prompts/chat/help.md")),
    ("chat/done", include_str!("../../prompts/chat/done.md")),
    ("chat/needs_person", include_str!("../../prompts/chat/needs_person.md")),
    ("chat/inbox", include_str!("../../prompts/chat/inbox.md")),
    ("chat/inbox_item", include_str!("../../prompts/chat/inbox_item.md")),
    ("chat/email_failed", include_str!("../../prompts/chat/email_failed.md")),
    (
        "chat/email_waiting",
        include_str!("../../prompts/chat/email_waiting.md"),
    ),
    (
        "chat/documents_overdue",
        include_str!("../../prompts/chat/documents_overdue.md"),
    ),
    (
        "chat/rejection_unfixed",
        include_str!("../../prompts/chat/rejection_unfixed.md"),
    ),
    (
        "chat/routing_unconfirmed",
        include_str!("../../prompts/chat/routing_unconfirmed.md"),
    ),
    (
        "chat/carrier_silent",
        include_str!("../../prompts/chat/carrier_silent.md"),
    ),
    (
        "chat/contract_ending",
        include_str!("../../prompts/chat/contract_ending.md"),
    ),
    ("chat/ready_idle", include_str!("../../prompts/chat/ready_idle.md")),
    ("chat/foc_passed", include_str!("../../prompts/chat/foc_passed.md")),
    (
        "chat/scheduler_down",
        include_str!("../../prompts/chat/scheduler_down.md"),
    ),
    (
        "email/en/loa_reminder",
        include_str!("../../prompts/email/en/loa_reminder.md"),
    ),
    (
        "email/en/bill_reminder",
        include_str!("../../prompts/email/en/bill_reminder.md"),
    ),
    (
        "email/en/rejection_notice",
        include_str!("../../prompts/email/en/rejection_notice.md"),
    ),
    (
        "email/en/reject_fix",
        include_str!("../../prompts/email/en/reject_fix.md"),
    ),
    (
        "email/en/correction_reminder",
        include_str!("../../prompts/email/en/correction_reminder.md"),
    ),
    (
        "email/en/routing_request",
        include_str!("../../prompts/email/en/routing_request.md"),
    ),
    (
        "email/en/foc_confirmed",
        include_str!("../../prompts/email/en/foc_confirmed.md"),
    ),
    (
        "email/en/port_completed",
        include_str!("../../prompts/email/en/port_completed.md"),
    ),
    (
        "email/en/port_partly_completed",
        include_str!("../../prompts/email/en/port_partly_completed.md"),
    ),
    (
        "email/en/keep_service_active",
        include_str!("../../prompts/email/en/keep_service_active.md"),
    ),
    (
        "email/es/keep_service_active",
        include_str!("../../prompts/email/es/keep_service_active.md"),
    ),
    (
        "email/en/order_opened",
        include_str!("../../prompts/email/en/order_opened.md"),
    ),
    (
        "email/es/order_opened",
        include_str!("../../prompts/email/es/order_opened.md"),
    ),
    (
        "email/en/port_cancelled",
        include_str!("../../prompts/email/en/port_cancelled.md"),
    ),
    (
        "email/en/completion_withdrawn",
        include_str!("../../prompts/email/en/completion_withdrawn.md"),
    ),
    (
        "email/en/status_reply",
        include_str!("../../prompts/email/en/status_reply.md"),
    ),
    (
        "email/en/cannot_share",
        include_str!("../../prompts/email/en/cannot_share.md"),
    ),
    ("email/en/footer", include_str!("../../prompts/email/en/footer.md")),
    (
        "email/es/loa_reminder",
        include_str!("../../prompts/email/es/loa_reminder.md"),
    ),
    (
        "email/es/bill_reminder",
        include_str!("../../prompts/email/es/bill_reminder.md"),
    ),
    (
        "email/es/rejection_notice",
        include_str!("../../prompts/email/es/rejection_notice.md"),
    ),
    (
        "email/es/reject_fix",
        include_str!("../../prompts/email/es/reject_fix.md"),
    ),
    (
        "email/es/correction_reminder",
        include_str!("../../prompts/email/es/correction_reminder.md"),
    ),
    (
        "email/es/routing_request",
        include_str!("../../prompts/email/es/routing_request.md"),
    ),
    (
        "email/es/foc_confirmed",
        include_str!("../../prompts/email/es/foc_confirmed.md"),
    ),
    (
        "email/es/port_completed",
        include_str!("../../prompts/email/es/port_completed.md"),
    ),
    (
        "email/es/port_partly_completed",
        include_str!("../../prompts/email/es/port_partly_completed.md"),
    ),
    (
        "email/es/port_cancelled",
        include_str!("../../prompts/email/es/port_cancelled.md"),
    ),
    (
        "email/es/completion_withdrawn",
        include_str!("../../prompts/email/es/completion_withdrawn.md"),
    ),
    (
        "email/es/status_reply",
        include_str!("../../prompts/email/es/status_reply.md"),
    ),
    (
        "email/es/cannot_share",
        include_str!("../../prompts/email/es/cannot_share.md"),
    ),
    ("email/es/footer", include_str!("../../prompts/email/es/footer.md")),
    (
        "email/en/acknowledgement",
        include_str!("../../prompts/email/en/acknowledgement.md"),
    ),
    (
        "email/en/request_held",
        include_str!("../../prompts/email/en/request_held.md"),
    ),
    (
        "email/es/acknowledgement",
        include_str!("../../prompts/email/es/acknowledgement.md"),
    ),
    (
        "email/es/request_held",
        include_str!("../../prompts/email/es/request_held.md"),
    ),
    (
        "chat/customer_card",
        include_str!("../../prompts/chat/customer_card.md"),
    ),
    ("chat/digest", include_str!("../../prompts/chat/digest.md")),
    ("chat/request_held", include_str!("../../prompts/chat/request_held.md")),
    (
        "chat/held_released",
        include_str!("../../prompts/chat/held_released.md"),
    ),
    ("email/layout.html", include_str!("../../prompts/email/layout.html")),
];

pub struct Texts {
    env: Environment<'static>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

impl Default for Texts {
    fn default() -> Self {
        Self::new()
    }
}

impl Texts {
    pub fn new() -> Self {
        let mut env = Environment::new();
        env.set_trim_blocks(false);
        env.set_keep_trailing_newline(true);
        // A name a template reads that its context lacks is an error, never a blank
        // (the card once printed "bill not received" for every order that way).
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("template prompts/{name} does not parse: {e}"));
        }
        Self { env }
    }

    /// The whole rendering, for chat replies.
    pub fn render(&self, name: &str, context: impl Serialize) -> anyhow::Result<String> {
        let template = self.env.get_template(name)?;
        Ok(template.render(context)?.trim_end().to_string())
    }

    /// A post for the staff channel: its title and its text.
    pub fn post(&self, post: &StaffPost) -> anyhow::Result<Rendered> {
        self.message(post.template(), post)
    }

    /// An answer in the chat.
    pub fn reply(&self, reply: &ChatReply) -> anyhow::Result<String> {
        self.render(reply.template(), reply)
    }

    /// Split into subject (first line) and body (the rest), for messages.
    pub fn message(&self, name: &str, context: impl Serialize) -> anyhow::Result<Rendered> {
        let text = self.render(name, context)?;
        let (subject, body) = text.split_once('\n').unwrap_or((&text, ""));
        Ok(Rendered {
            subject: subject.trim().to_string(),
            body: body.trim().to_string(),
        })
    }
}

/// A paragraph of an e-mail, or a list (lines starting with "- ").
#[derive(Serialize)]
struct Block {
    text: String,
    items: Vec<String>,
}

impl Texts {
    /// The HTML part of an e-mail: the text part's paragraphs and lists in the layout
    /// (`prompts/email/layout.html`, escaped by minijinja).
    pub fn html_page(
        &self,
        subject: &str,
        body: &str,
        footer: &str,
        language: crate::domain::Language,
    ) -> anyhow::Result<String> {
        let blocks: Vec<Block> = body
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .flat_map(|p| {
                let (items, text): (Vec<&str>, Vec<&str>) = p.lines().partition(|l| l.starts_with("- "));
                let mut out = Vec::new();
                if !text.is_empty() {
                    out.push(Block {
                        text: text.join(" "),
                        items: Vec::new(),
                    });
                }
                if !items.is_empty() {
                    out.push(Block {
                        text: String::new(),
                        items: items.iter().map(|i| i.trim_start_matches("- ").to_string()).collect(),
                    });
                }
                out
            })
            .collect();
        let context = minijinja::context! {
            subject => subject, blocks => blocks, footer => footer.trim(), language => language.as_str(),
        };
        self.render("email/layout.html", context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        let texts = Texts::new();
        for (name, _) in TEMPLATES {
            assert!(texts.env.get_template(name).is_ok(), "{name}");
        }
    }
}

//! Every text a customer or staff member reads, rendered from the templates in
//! `prompts/` (built into the binary). A template's first line is its subject (or the
//! chat post's title); the rest is the body.

use minijinja::Environment;
use serde::Serialize;

const TEMPLATES: &[(&str, &str)] = &[
    ("chat/new_order", include_str!("../prompts/chat/new_order.md")),
    ("chat/bill_mismatch", include_str!("../prompts/chat/bill_mismatch.md")),
    ("chat/rejection", include_str!("../prompts/chat/rejection.md")),
    ("chat/foc_set", include_str!("../prompts/chat/foc_set.md")),
    ("chat/completed", include_str!("../prompts/chat/completed.md")),
    ("chat/cancelled", include_str!("../prompts/chat/cancelled.md")),
    ("chat/order_card", include_str!("../prompts/chat/order_card.md")),
    ("chat/order_list", include_str!("../prompts/chat/order_list.md")),
    ("chat/help", include_str!("../prompts/chat/help.md")),
    ("chat/done", include_str!("../prompts/chat/done.md")),
    ("chat/needs_person", include_str!("../prompts/chat/needs_person.md")),
    ("chat/inbox", include_str!("../prompts/chat/inbox.md")),
    ("chat/inbox_item", include_str!("../prompts/chat/inbox_item.md")),
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

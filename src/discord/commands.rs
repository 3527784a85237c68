//! The slash commands: one per chat command, with typed options, turned back into the
//! command line the chat core reads; autocomplete for order references and reject codes.

use crate::desk::Desk;
use crate::domain::{OrderState, RejectCode};
use crate::store::OrderFilter;
use serenity::all::{CommandData, CommandDataOptionValue, CommandOptionType, CreateCommand, CreateCommandOption};

/// (name, description, options: (name, description, required, autocomplete))
type Spec = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, bool, bool)],
);

const ORDER: (&str, &str, bool, bool) = ("order", "PORT-1042", true, true);

const SPECS: &[Spec] = &[
    (
        "status",
        "An order's card, by reference or number",
        &[("target", "PORT-1042 or 305-555-0100", true, true)],
    ),
    (
        "list",
        "The latest orders",
        &[("state", "awaiting_documents, ready, submitted, ...", false, false)],
    ),
    (
        "open",
        "Open an order",
        &[
            ("customer", "ACME-001", true, false),
            ("carrier", "The losing carrier", true, false),
            ("numbers", "305-555-0100 thru 0103", true, false),
            ("contact", "ops@acme.example", true, false),
            (
                "details",
                "More key=value pairs (account=, pin=, btn=, name=, address=...)",
                false,
                false,
            ),
        ],
    ),
    (
        "set",
        "Change a detail",
        &[
            ORDER,
            ("field", "account, pin, btn, name, address, ...", true, false),
            ("value", "The new value", true, false),
        ],
    ),
    ("loa-signed", "The customer signed the e-LOA", &[ORDER]),
    ("submit", "Send a ready order to the carrier", &[ORDER]),
    (
        "foc",
        "The carrier confirmed the port date",
        &[ORDER, ("date", "YYYY-MM-DD", true, false)],
    ),
    (
        "reject",
        "The carrier rejected the order",
        &[
            ORDER,
            ("code", "The reject code", true, true),
            ("reason", "The carrier's words", true, false),
        ],
    ),
    (
        "route",
        "Where a number rings",
        &[
            ORDER,
            ("number", "305-555-0100 or all", true, false),
            (
                "target",
                "ext 201, ring-group Sales, ivr Main, fax-ata, efax x@y.com",
                true,
                false,
            ),
        ],
    ),
    ("complete", "The carrier finished the port", &[ORDER]),
    ("cancel", "Cancel the order", &[ORDER, ("reason", "Why", false, false)]),
    (
        "reopen",
        "Take back a completion or cancellation made in error",
        &[ORDER, ("why", "Why it is reopened", true, false)],
    ),
    (
        "bill",
        "A bill that came another way",
        &[ORDER, ("text", "The bill's text", true, false)],
    ),
    (
        "note",
        "A note on the timeline",
        &[ORDER, ("text", "The note", true, false)],
    ),
    (
        "inbox",
        "E-mails waiting for a person",
        &[
            ("action", "show, attach or dismiss", false, false),
            ("item", "The inbox item number", false, false),
            ("extra", "PORT-1042 to attach to, or why dismissed", false, false),
        ],
    ),
    ("remind", "Remind the customer now", &[ORDER]),
    ("digest", "The daily digest, now", &[]),
    (
        "customer",
        "Customer accounts",
        &[
            ("action", "add, show, onboard, contact, temporary", true, false),
            ("account", "ACME-001", true, false),
            ("rest", "company=\"...\", EMAIL language=es, numbers...", false, false),
        ],
    ),
    ("help", "What the bot can do", &[]),
];

pub fn definitions() -> Vec<CreateCommand> {
    SPECS
        .iter()
        .map(|(name, description, options)| {
            options.iter().fold(
                CreateCommand::new(*name).description(*description),
                |command, (o, d, required, auto)| {
                    command.add_option(
                        CreateCommandOption::new(CommandOptionType::String, *o, *d)
                            .required(*required)
                            .set_autocomplete(*auto),
                    )
                },
            )
        })
        .collect()
}

/// The command line a slash command stands for: its name, then its options in order.
pub fn command_line(data: &CommandData) -> String {
    let mut line = data.name.clone();
    for option in &data.options {
        let value = match &option.value {
            CommandDataOptionValue::String(s) => s.clone(),
            CommandDataOptionValue::Integer(n) => n.to_string(),
            CommandDataOptionValue::Number(n) => n.to_string(),
            CommandDataOptionValue::Boolean(b) => b.to_string(),
            _ => continue,
        };
        // `open` takes key=value pairs; the rest take words in order.
        let value = match (data.name.as_str(), option.name.as_str()) {
            ("open", "details") => value,
            ("open", key) => format!("{key}=\"{}\"", value.replace('"', "")),
            _ => value,
        };
        line.push(' ');
        line.push_str(&value);
    }
    line
}

/// Choices for the option being typed: open orders by reference, or reject codes.
pub async fn suggestions(desk: &Desk, data: &CommandData) -> Vec<(String, String)> {
    let Some(focused) = data.autocomplete() else {
        return Vec::new();
    };
    let typed = focused.value.to_ascii_uppercase();
    if focused.name == "code" {
        return RejectCode::ALL
            .iter()
            .filter(|c| c.code().contains(&typed))
            .take(25)
            .map(|c| (format!("{}: {}", c.code(), c.meaning()), c.code().to_string()))
            .collect();
    }
    let mut out = Vec::new();
    for state in [
        OrderState::AwaitingDocuments,
        OrderState::Ready,
        OrderState::Submitted,
        OrderState::Rejected,
        OrderState::FocConfirmed,
    ] {
        let filter = OrderFilter {
            state: Some(state),
            limit: 100,
        };
        for order in desk.list(&filter).await.unwrap_or_default() {
            let reference = order.reference.to_string();
            if reference.contains(&typed) || order.customer.to_ascii_uppercase().contains(&typed) {
                out.push((format!("{reference} · {} · {}", order.customer, order.state), reference));
            }
        }
    }
    out.sort();
    out.truncate(25);
    out
}

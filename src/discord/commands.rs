//! The slash commands: one per row of the chat core's command table (`chat::verbs`),
//! their options written back into the line that row reads; autocomplete for order
//! references and reject codes.

use crate::chat::verbs::{find, VERBS};
use crate::desk::Desk;
use crate::domain::{OrderState, RejectCode};
use crate::store::OrderFilter;
use serenity::all::{CommandData, CommandDataOptionValue, CommandOptionType, CreateCommand, CreateCommandOption};

pub fn definitions() -> Vec<CreateCommand> {
    VERBS
        .iter()
        .map(|verb| {
            verb.options.iter().fold(
                CreateCommand::new(verb.name).description(verb.description),
                |command, option| {
                    command.add_option(
                        CreateCommandOption::new(CommandOptionType::String, option.name, option.description)
                            .required(option.required)
                            .set_autocomplete(option.suggested),
                    )
                },
            )
        })
        .collect()
}

/// The command line a slash command stands for, written by its row in the table.
pub fn command_line(data: &CommandData) -> String {
    let given: Vec<(&str, String)> = data
        .options
        .iter()
        .filter_map(|option| {
            let value = match &option.value {
                CommandDataOptionValue::String(s) => s.clone(),
                CommandDataOptionValue::Integer(n) => n.to_string(),
                CommandDataOptionValue::Number(n) => n.to_string(),
                CommandDataOptionValue::Boolean(b) => b.to_string(),
                _ => return None,
            };
            Some((option.name.as_str(), value))
        })
        .collect();
    match find(&data.name) {
        Some(verb) => verb.line(&given),
        // Not ours (a command left registered by an older build): the chat core says so.
        None => data.name.clone(),
    }
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
            ..OrderFilter::default()
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

//! Every answer the chat core writes from a template: one variant per template, each
//! holding exactly what its template reads.

use crate::domain::{Customer, StaffItem};
use crate::views::OrderCard;
use serde::Serialize;

/// A row of `list`.
#[derive(Debug, Clone, Serialize)]
pub struct ListRow {
    pub reference: String,
    pub state: &'static str,
    pub customer: String,
    pub carrier: String,
    pub count: usize,
    pub foc_date: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum ChatReply {
    /// What a change did, and what the order waits for now.
    Done {
        order: OrderCard,
        done: String,
    },
    OrderCard {
        order: OrderCard,
    },
    OrderList {
        orders: Vec<ListRow>,
        /// The state asked for, if any.
        state: Option<&'static str>,
    },
    Help {
        /// Each command's line, from the command table.
        commands: Vec<&'static str>,
        states: String,
        codes: String,
        fields: &'static str,
    },
    Inbox {
        items: Vec<StaffItem>,
    },
    /// One item of the staff queue, with the e-mail's text.
    InboxItem {
        item: StaffItem,
        text: String,
    },
    CustomerCard {
        c: Customer,
        /// The temporary numbers, written for reading.
        numbers: Vec<String>,
    },
}

impl ChatReply {
    /// The template in `prompts/` it is written by.
    pub fn template(&self) -> &'static str {
        match self {
            ChatReply::Done { .. } => "chat/done",
            ChatReply::OrderCard { .. } => "chat/order_card",
            ChatReply::OrderList { .. } => "chat/order_list",
            ChatReply::Help { .. } => "chat/help",
            ChatReply::Inbox { .. } => "chat/inbox",
            ChatReply::InboxItem { .. } => "chat/inbox_item",
            ChatReply::CustomerCard { .. } => "chat/customer_card",
        }
    }
}

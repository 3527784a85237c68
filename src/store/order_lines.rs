//! One order read in one statement (`statements::ORDER_WITH_LINES`, `ORDER_WITH_MAIL`):
//! the order's columns repeated on each row, beside one of its numbers or contacts.

use super::rows::{LineRow, OrderRow};
use super::MailHistory;
use crate::domain::Order;

/// The line half of one row: a number or a contact, all NULL for an order with none.
#[derive(Debug, sqlx::FromRow)]
pub struct LineColumns {
    pub line_position: Option<i64>,
    pub line_contact: Option<bool>,
    pub line_value: Option<String>,
    pub line_number_type: Option<String>,
    pub line_status: Option<String>,
    pub line_note: Option<String>,
    pub line_flag: Option<bool>,
    /// A contact's e-mails since the daily limit's start (0 where not asked).
    pub line_sent: Option<i64>,
}

impl LineColumns {
    /// The line of order `order_id`, with the e-mails it was sent; none on a row
    /// standing for an order with no lines.
    fn into_line(self, order_id: i64) -> Option<(LineRow, i64)> {
        let line = LineRow {
            order_id,
            position: self.line_position?,
            contact: self.line_contact.unwrap_or_default(),
            value: self.line_value?,
            number_type: self.line_number_type,
            status: self.line_status,
            note: self.line_note,
            flag: self.line_flag.unwrap_or_default(),
        };
        Some((line, self.line_sent.unwrap_or_default()))
    }
}

/// The order its rows hold, and what its contacts last said and were sent (the
/// e-mails of each working contact in the order's contact order, as `mail_history`
/// answers for `Order::working_contacts`).
pub fn order_from_rows(
    order: OrderRow,
    last_message: Option<String>,
    lines: Vec<LineColumns>,
) -> anyhow::Result<(Order, MailHistory)> {
    let id = order.id;
    let mut lines: Vec<(LineRow, i64)> = lines.into_iter().filter_map(|l| l.into_line(id)).collect();
    lines.sort_by_key(|(line, _)| (line.contact, line.position));
    let sent_since = lines
        .iter()
        .filter(|(line, _)| line.contact && !line.flag)
        .map(|(_, sent)| *sent)
        .collect();
    let (numbers, contacts) = LineRow::split(lines.into_iter().map(|(line, _)| line).collect());
    let order = order.into_order(numbers, contacts)?;
    Ok((
        order,
        MailHistory {
            last_message,
            sent_since,
        },
    ))
}

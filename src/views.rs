//! What staff and tools see of an order: the JSON of `order show --json` (cli.md's
//! keys) and the order card of chat. Pure functions of the order and its timeline;
//! PINs never appear, account numbers only masked on the card.

use crate::domain::{Blocker, Order, TimelineEntry};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct NumberView {
    pub number: String,
    pub pretty: String,
    #[serde(rename = "type")]
    pub number_type: &'static str,
    pub status: &'static str,
    pub route: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct MismatchView {
    pub field: &'static str,
    pub label: &'static str,
    pub order: String,
    pub invoice: String,
}

/// An order as `order show --json` prints it; the card reads the same fields.
#[derive(Debug, Serialize)]
pub struct OrderView {
    #[serde(rename = "ref")]
    pub reference: String,
    pub state: &'static str,
    pub state_plain: &'static str,
    pub customer: String,
    pub carrier: String,
    pub kind: &'static str,
    pub kind_plain: &'static str,
    pub contacts: Vec<String>,
    /// Contacts whose mail bounced.
    pub failing_contacts: Vec<String>,
    pub numbers: Vec<NumberView>,
    pub loa_signed: bool,
    pub invoice_received: bool,
    pub mismatches: Vec<MismatchView>,
    pub foc_date: Option<String>,
    /// The port date asked of the carrier, when staff asked for one (`supp ... date`).
    pub requested_date: Option<String>,
    /// How many supplements changed the order after submission.
    pub supplements: i64,
    /// The billing number the account keeps at the losing carrier (a partial port).
    pub new_btn: Option<String>,
    pub reject_code: Option<String>,
    pub reject_reason: Option<String>,
    pub routing_confirmed: bool,
    pub fee_total: f64,
    pub account_number: Option<String>,
    pub btn: Option<String>,
    pub pin_on_file: bool,
    pub account_name: Option<String>,
    pub service_address: Option<String>,
    pub authorized_name: Option<String>,
    pub contract_end: Option<String>,
    pub time_zone: String,
    pub opened_at: String,
    pub blockers: Vec<Blocker>,
    pub timeline: Vec<TimelineEntry>,
    /// The files customers sent for the order (their bills), without their bytes.
    pub documents: Vec<crate::domain::DocumentInfo>,
}

pub fn order_view(order: &Order, timeline: Vec<TimelineEntry>) -> OrderView {
    OrderView {
        reference: order.reference.to_string(),
        state: order.state.as_str(),
        state_plain: order.state.plain(),
        customer: order.customer.clone(),
        carrier: order.carrier.clone(),
        kind: order.kind.as_str(),
        kind_plain: match order.kind {
            crate::domain::OrderKind::Local => "local",
            crate::domain::OrderKind::TollFree => "toll-free",
        },
        contacts: order.contacts.iter().map(|c| c.to_string()).collect(),
        failing_contacts: order.failing_contacts.iter().map(|c| c.to_string()).collect(),
        numbers: order
            .numbers
            .iter()
            .map(|n| NumberView {
                number: n.number.e164(),
                pretty: n.number.pretty(),
                number_type: n.number_type.as_str(),
                status: n.status.as_str(),
                route: n.route.as_ref().map(|r| r.to_string()),
            })
            .collect(),
        loa_signed: order.loa_signed_at.is_some(),
        invoice_received: order.bill.is_some(),
        mismatches: order
            .mismatches()
            .into_iter()
            .map(|m| MismatchView {
                field: field_key(m.field),
                label: m.field.label(),
                order: m.order,
                invoice: m.invoice,
            })
            .collect(),
        foc_date: order.foc_date.map(|d| d.to_string()),
        requested_date: order.requested_date.map(|d| d.to_string()),
        supplements: order.supplements,
        new_btn: order.new_btn.map(|n| n.e164()),
        reject_code: order.rejection.as_ref().map(|r| r.code.code().to_string()),
        reject_reason: order.rejection.as_ref().map(|r| r.reason.clone()),
        routing_confirmed: order.routing_confirmed(),
        fee_total: order.fee_total_cents() as f64 / 100.0,
        account_number: order.account.account_number.clone(),
        btn: order.account.btn.map(|n| n.e164()),
        pin_on_file: order.pin.is_some(),
        account_name: order.account.account_name.clone(),
        service_address: order.account.service_address.clone(),
        authorized_name: order.authorized_name.clone(),
        contract_end: order.contract_end.map(|d| d.to_string()),
        time_zone: order.time_zone.name().to_string(),
        opened_at: order.opened_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        blockers: order.blockers(),
        timeline,
        documents: Vec::new(),
    }
}

fn field_key(field: crate::domain::MismatchField) -> &'static str {
    use crate::domain::MismatchField as F;
    match field {
        F::AccountNumber => "account_number",
        F::Btn => "btn",
        F::AccountName => "account_name",
        F::ServiceAddress => "service_address",
        F::Numbers => "numbers",
        F::BillDate => "bill_date",
    }
}

/// The card staff read in chat: the view plus what only the card shows.
#[derive(Debug, Serialize)]
pub struct OrderCard {
    #[serde(flatten)]
    pub view: OrderView,
    pub reference: String,
    pub fee: String,
    pub account_masked: Option<String>,
    pub reject_meaning: Option<&'static str>,
    pub ported: usize,
    /// Numbers a partial port left with the old carrier.
    pub left_behind: Vec<String>,
    /// The billing number written like the other numbers.
    pub btn_pretty: Option<String>,
    pub recent: Vec<CardEntry>,
}

/// A timeline entry as the card shows it: its time in the desk's time zone, to the minute.
#[derive(Debug, Serialize)]
pub struct CardEntry {
    pub at: String,
    pub source: String,
    pub text: String,
}

/// How many timeline entries the card shows.
pub const CARD_RECENT: usize = 5;

/// The card, its times in `desk_tz`.
pub fn order_card(order: &Order, timeline: Vec<TimelineEntry>, desk_tz: chrono_tz::Tz) -> OrderCard {
    let recent = card_entries(&timeline[timeline.len().saturating_sub(CARD_RECENT)..], desk_tz);
    let mut view = order_view(order, Vec::new());
    // The card never shows the full account number.
    let account_masked = view.account_number.take().map(|a| mask(&a));
    OrderCard {
        reference: view.reference.clone(),
        fee: format!("${:.2}", view.fee_total),
        account_masked,
        reject_meaning: order.rejection.as_ref().map(|r| r.code.meaning()),
        ported: order
            .numbers
            .iter()
            .filter(|n| n.status == crate::domain::NumberStatus::Ported)
            .count(),
        left_behind: order.left_behind().iter().map(|n| n.e164()).collect(),
        btn_pretty: order.account.btn.map(|n| n.pretty()),
        recent,
        view,
    }
}

/// Timeline entries as the card shows them.
pub fn card_entries(timeline: &[TimelineEntry], desk_tz: chrono_tz::Tz) -> Vec<CardEntry> {
    timeline
        .iter()
        .map(|e| CardEntry {
            at: e.at.with_timezone(&desk_tz).format("%a %-d %b %H:%M").to_string(),
            source: e.source.clone(),
            text: e.text.clone(),
        })
        .collect()
}

/// `877410123456789` → `•••6789`.
pub fn mask(account: &str) -> String {
    let chars: Vec<char> = account.chars().filter(|c| c.is_alphanumeric()).collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("•••{tail}")
}

//! What stands between an order and its next step, and who must act: computed from the
//! order as it is, never stored.

use super::bill::MismatchField;
use super::order::{Blocker, NumberStatus, Order, OrderState, Party};

impl Order {
    /// What stands between the order and its next step, and who must act.
    pub fn blockers(&self) -> Vec<Blocker> {
        let r = &self.reference;
        let mut out = Vec::new();
        let mut add = |who, what: String| out.push(Blocker { what, who });
        let open = !matches!(self.state, OrderState::Completed | OrderState::Cancelled);
        if open && self.working_contacts().next().is_none() {
            add(
                Party::Staff,
                format!("mail to every contact bounces: find a working address and set {r} contacts ..."),
            );
        }
        match self.state {
            OrderState::AwaitingDocuments | OrderState::Ready | OrderState::Rejected => {
                out.extend(self.before_submission());
            }
            OrderState::Submitted => add(
                Party::Carrier,
                format!("{} to send the FOC date or a rejection", self.carrier),
            ),
            OrderState::FocConfirmed => {
                for b in self.left_behind_blockers() {
                    add(b.who, b.what);
                }
                if !self.routing_confirmed() {
                    add(Party::Customer, "confirm where each number will ring".to_string());
                }
                add(
                    Party::Carrier,
                    format!("{} to port the numbers on the FOC date", self.carrier),
                );
            }
            OrderState::Completed | OrderState::Cancelled => {}
        }
        out
    }

    /// A partial port: what became of the numbers the carrier did not port is staff's call.
    fn left_behind_blockers(&self) -> Vec<Blocker> {
        let left = self.left_behind();
        if left.is_empty() {
            return Vec::new();
        }
        let list: Vec<String> = left.iter().map(|n| n.e164()).collect();
        vec![Blocker {
            who: Party::Staff,
            what: format!(
                "{} did not port ({}): ask {} to port it, or drop it with `supp {} drop {}`",
                list.join(", "),
                if left.len() == 1 {
                    "it stays with the carrier"
                } else {
                    "they stay with the carrier"
                },
                self.carrier,
                self.reference,
                list.join(" ")
            ),
        }]
    }

    /// What an order still being put together waits for: the customer's documents
    /// and a fixed rejection, then staff's checks and the submission.
    fn before_submission(&self) -> Vec<Blocker> {
        let r = &self.reference;
        let mut out = Vec::new();
        let mut add = |who, what: String| out.push(Blocker { what, who });
        let not_portable: Vec<String> = self
            .numbers
            .iter()
            .filter(|n| n.status == NumberStatus::NotPortable)
            .map(|n| n.number.e164())
            .collect();
        if let (OrderState::Rejected, Some(rej)) = (self.state, &self.rejection) {
            if not_portable.is_empty() {
                add(
                    Party::Customer,
                    format!("fix the rejection: {} ({})", rej.code.meaning(), rej.reason),
                );
            }
        }
        if !not_portable.is_empty() {
            add(
                Party::Staff,
                format!(
                    "{} cannot be ported: drop it with `supp {r} drop {}`, then submit again",
                    not_portable.join(", "),
                    not_portable.join(" ")
                ),
            );
        }
        if self.loa_signed_at.is_none() {
            add(Party::Customer, "sign the e-LOA".to_string());
        }
        match (&self.bill, self.bill_too_old()) {
            (None, _) => add(
                Party::Customer,
                "send the latest bill from the losing carrier".to_string(),
            ),
            (Some(bill), Some(days)) => add(
                Party::Customer,
                format!(
                    "send the latest bill from the losing carrier: the one sent is dated {}, more than {days} days old",
                    bill.invoice_date.map(|d| d.to_string()).unwrap_or_default()
                ),
            ),
            _ => {}
        }
        for m in self
            .mismatches()
            .into_iter()
            .filter(|m| m.field != MismatchField::BillDate)
        {
            add(
                Party::Staff,
                format!(
                    "{} differs from the bill: order '{}', bill '{}'",
                    m.field.label(),
                    m.order,
                    m.invoice
                ),
            );
        }
        // The request left out this carrier's account: the customer gives it (staff
        // record it with `set`).
        let missing = self.missing_details();
        if !missing.is_empty() {
            let what: Vec<&str> = missing.iter().map(|(_, what)| *what).collect();
            let keys: Vec<&str> = missing.iter().map(|(key, _)| *key).collect();
            add(
                Party::Customer,
                format!(
                    "send the {} of the {} account (staff: set {r} {} ...)",
                    what.join(", "),
                    self.carrier,
                    keys.join("/")
                ),
            );
        }
        if self.state == OrderState::Ready {
            add(Party::Staff, format!("submit it to {}: submit {r}", self.carrier));
        }
        out
    }
}

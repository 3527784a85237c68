//! Taking back a completion or cancellation made in error (a forged notice, a slip):
//! the order returns to where it stood before it closed, its ported numbers to
//! pending, and the timeline says why.

use super::lifecycle::{settle, wrong_state, NotAllowed, Notice};
use super::order::{NumberStatus, Order, OrderState};

/// What reopening `order` does to `next` (its copy): the timeline name, text and notice.
pub(super) fn reopen(
    order: &Order,
    next: &mut Order,
    reason: &str,
) -> Result<(&'static str, String, Option<Notice>), NotAllowed> {
    let reason = reason.trim();
    if order.state.is_open() {
        return Err(wrong_state(
            order,
            "reopening",
            "It is open: only a completed or cancelled order can be reopened.",
        ));
    }
    if let Some(why) = super::limits::too_long("the reason", reason, super::limits::MAX_NOTE) {
        return Err(NotAllowed::TooLong(why));
    }
    if reason.is_empty() {
        return Err(NotAllowed::Empty(
            "say why it is reopened, e.g. `reopen PORT-1042 the completion notice was forged`",
        ));
    }
    let mut back = 0;
    if order.state == OrderState::Completed {
        for line in next.numbers.iter_mut().filter(|l| l.status == NumberStatus::Ported) {
            line.status = NumberStatus::Pending;
            back += 1;
        }
    }
    next.state = state_before_closing(next);
    settle(next, false);
    let (text, notice) = match order.state {
        OrderState::Completed => (
            format!(
                "reopened, the completion taken back ({back} number(s) pending again, now {}): {reason}",
                next.state
            ),
            Notice::CompletionWithdrawn,
        ),
        _ => (
            format!("reopened, the cancellation taken back (now {}): {reason}", next.state),
            Notice::Reopened,
        ),
    };
    Ok(("reopened", text, Some(notice)))
}

/// Where an order stood before it closed, from what it kept: not submitted (its
/// documents decide), rejected, confirmed for a date, or waiting for the carrier.
fn state_before_closing(order: &Order) -> OrderState {
    match (order.submitted_at, &order.rejection, order.foc_date) {
        (None, _, _) => OrderState::AwaitingDocuments,
        (Some(_), Some(_), _) => OrderState::Rejected,
        (Some(_), None, Some(_)) => OrderState::FocConfirmed,
        (Some(_), None, None) => OrderState::Submitted,
    }
}

//! Which of a customer's open orders a bill is for, from what the bill is: its account
//! number, the numbers it bills and its carrier. A reply to one order's mail may carry
//! another carrier's bill (a request that opened an order per carrier): the bill goes to
//! the order it fits, and when none or several fit equally, to a person.

use super::Match;
use crate::domain::bill::account_number_key;
use crate::domain::{Bill, Order, OrderRef};

/// How strongly a bill speaks for an order: the account number weighs most, then the
/// numbers it bills, then the carrier's name. Zero when it tells nothing or contradicts.
fn fit(bill: &Bill, order: &Order) -> u8 {
    let same_account = match (&bill.account_number, &order.account.account_number) {
        (Some(b), Some(o)) => Some(account_number_key(b) == account_number_key(o)),
        _ => None,
    };
    let same_numbers = (!bill.numbers.is_empty()).then(|| {
        order
            .numbers
            .iter()
            .any(|line| line.is_live() && bill.numbers.contains(&line.number))
    });
    let same_carrier = bill
        .carrier
        .as_deref()
        .map(|c| super::sender::same_carrier(c, &order.carrier) || super::sender::same_carrier(&order.carrier, c));
    // Another carrier's bill is not this order's, whatever else it shares.
    if same_carrier == Some(false) && same_account != Some(true) {
        return 0;
    }
    4 * u8::from(same_account == Some(true))
        + 2 * u8::from(same_numbers == Some(true))
        + u8::from(same_carrier == Some(true))
}

/// The order among `open` (the sender's open orders) that the bill fits best. `named`
/// is the order the message named (its reference or thread): it keeps the bill unless
/// another order fits it better, or when the bill tells nothing to go by. Else
/// `Unmatched` when none fits (another carrier's bill) and `Ambiguous` when several fit alike.
pub fn order_for_bill(bill: &Bill, open: &[Order], named: Option<&OrderRef>) -> Match {
    let scored: Vec<(u8, &OrderRef)> = open.iter().map(|o| (fit(bill, o), &o.reference)).collect();
    let best = scored.iter().map(|(s, _)| *s).max().unwrap_or(0);
    let top: Vec<&OrderRef> = scored
        .iter()
        .filter(|(s, _)| *s == best && best > 0)
        .map(|(_, r)| *r)
        .collect();
    let says_nothing = bill.carrier.is_none() && bill.account_number.is_none() && bill.numbers.is_empty();
    match (top.as_slice(), named) {
        (_, Some(n)) if top.contains(&n) => Match::Found(n.clone()),
        ([], Some(n)) if says_nothing => Match::Found(n.clone()),
        ([one], _) => Match::Found((*one).clone()),
        ([], _) => Match::Unmatched,
        (many, _) => Match::Ambiguous(many.iter().map(|r| (*r).clone()).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::order;

    fn bill(carrier: &str, account: &str, numbers: &[&str]) -> Bill {
        Bill {
            carrier: Some(carrier.into()),
            account_number: Some(account.into()),
            numbers: numbers.iter().map(|n| n.parse().unwrap()).collect(),
            ..Bill::default()
        }
    }

    /// Acme's request opened an order per carrier: Comcast, AT&T, Verizon.
    fn desk_of_three() -> Vec<Order> {
        let at = |n, numbers, carrier: &str, account: &str| {
            let mut o = order(n, numbers, "ops@acme.example");
            o.carrier = carrier.into();
            o.account.account_number = Some(account.into());
            o
        };
        vec![
            at(
                1,
                "305-555-0100, 305-555-0101",
                "Comcast Business",
                "8774 1012 3456 789",
            ),
            at(2, "305-555-0300", "AT&T", "99-1234"),
            at(3, "305-555-0400", "Verizon Business", "5550001"),
        ]
    }

    #[test]
    fn an_att_bill_in_a_reply_to_the_comcast_order_goes_to_the_att_order() {
        let open = desk_of_three();
        let named: OrderRef = OrderRef::from_number(1);
        let att = bill("AT&T", "991234", &["305-555-0300"]);
        assert_eq!(
            order_for_bill(&att, &open, Some(&named)),
            Match::Found(OrderRef::from_number(2))
        );
        let verizon = bill("Verizon", "5550001", &[]);
        assert_eq!(
            order_for_bill(&verizon, &open, None),
            Match::Found(OrderRef::from_number(3))
        );
    }

    #[test]
    fn a_bill_that_says_nothing_stays_on_the_named_order_and_a_stranger_goes_to_staff() {
        let open = desk_of_three();
        let named: OrderRef = OrderRef::from_number(1);
        assert_eq!(
            order_for_bill(&Bill::default(), &open, Some(&named)),
            Match::Found(named.clone())
        );
        assert_eq!(order_for_bill(&Bill::default(), &open, None), Match::Unmatched);
        let stranger = bill("Spectrum", "000", &["212-555-0199"]);
        assert_eq!(order_for_bill(&stranger, &open, None), Match::Unmatched);
        assert_eq!(
            order_for_bill(&stranger, &open, Some(&named)),
            Match::Unmatched,
            "another carrier's bill does not stay where the reply points"
        );
    }

    #[test]
    fn two_orders_at_one_carrier_that_the_bill_fits_alike_go_to_a_person() {
        let mut open = desk_of_three();
        let mut second = open[1].clone();
        second.reference = OrderRef::from_number(4);
        open.push(second);
        let att = bill("AT&T", "991234", &[]);
        assert!(matches!(order_for_bill(&att, &open, None), Match::Ambiguous(refs) if refs.len() == 2));
    }
}

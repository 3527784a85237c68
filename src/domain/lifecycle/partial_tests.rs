//! Partial ports and supplements, told as the porting team lives them.

use super::*;
use crate::domain::Party;

fn completed_except(o: &Order, remaining: &[&str]) -> Result<Applied, NotAllowed> {
    let remaining = remaining.iter().map(|r| n(r)).collect();
    apply(o, Event::Completed { remaining }, now())
}

fn status_of(o: &Order, number: &str) -> NumberStatus {
    o.number(&n(number)).unwrap().status
}

#[test]
fn a_completion_that_leaves_a_number_with_the_carrier_keeps_the_order_open() {
    let o = order_in(S::FocConfirmed);
    let partly = completed_except(&o, &["305-555-0103"]).unwrap();
    assert_eq!(
        partly.order.state,
        S::FocConfirmed,
        "not complete while a number stays behind"
    );
    assert_eq!(partly.notice, Some(Notice::PartlyCompleted));
    assert_eq!(partly.event, "partly_completed");
    assert_eq!(status_of(&partly.order, "305-555-0100"), NumberStatus::Ported);
    assert_eq!(status_of(&partly.order, "305-555-0103"), NumberStatus::Remaining);
    assert!(partly.text.contains("+13055550103"), "{}", partly.text);
    let blockers = partly.order.blockers();
    assert!(
        blockers
            .iter()
            .any(|b| b.who == Party::Staff && b.what.contains("supp PORT-1001 drop +13055550103")),
        "{blockers:?}"
    );

    // The carrier ports the last number later: the order completes.
    let rest = completed_except(&partly.order, &[]).unwrap();
    assert_eq!(rest.order.state, S::Completed);
    assert_eq!(rest.notice, Some(Notice::Completed));
    assert_eq!(status_of(&rest.order, "305-555-0103"), NumberStatus::Ported);
}

#[test]
fn a_completion_that_ports_nothing_is_refused() {
    let o = order_in(S::FocConfirmed);
    let all = ["305-555-0100", "305-555-0101", "305-555-0102", "305-555-0103"];
    assert!(completed_except(&o, &all).is_err());
    assert!(
        completed_except(&o, &["212-555-0100"]).is_err(),
        "a number not on the order"
    );
}

#[test]
fn dropping_what_stayed_behind_finishes_the_port_and_the_fee_stays() {
    let o = order_in(S::FocConfirmed);
    let partly = completed_except(&o, &["305-555-0103"]).unwrap().order;
    let dropped = apply(&partly, Event::Supplemented(Supp::Drop(vec![n("305-555-0103")])), now()).unwrap();
    assert_eq!(dropped.order.state, S::Completed);
    assert_eq!(dropped.notice, Some(Notice::Completed));
    assert_eq!(status_of(&dropped.order, "305-555-0103"), NumberStatus::Removed);
    assert_eq!(
        dropped.order.fee_total_cents(),
        4 * 2500,
        "$25 for every number requested"
    );
}

#[test]
fn a_number_that_cannot_port_is_dropped_and_the_order_is_ready_to_submit_again() {
    let o = order_in(S::Submitted);
    let rejected = apply(&o, not_portable(), now()).unwrap().order;
    assert!(rejected
        .blockers()
        .iter()
        .any(|b| b.what.contains("supp PORT-1001 drop +13055550103")));
    let supp = apply(
        &rejected,
        Event::Supplemented(Supp::Drop(vec![n("305-555-0103")])),
        now(),
    )
    .unwrap();
    assert_eq!(supp.order.state, S::Ready);
    assert_eq!(supp.order.supplements, 1);
    assert_eq!(supp.event, "supplemented");
    assert!(supp.text.starts_with("SUPP 1: dropped +13055550103"), "{}", supp.text);
    let resubmitted = apply(&supp.order, Event::Submitted, now()).unwrap().order;
    assert_eq!(resubmitted.state, S::Submitted);
    assert_eq!(resubmitted.rejection, None);
}

#[test]
fn a_supp_with_a_new_btn_goes_back_to_the_carrier_and_counts_its_version() {
    let o = order_in(S::FocConfirmed);
    let porting = Detail::NewBtn(n("305-555-0101"));
    let refused = apply(&o, Event::Supplemented(Supp::Detail(porting)), now()).unwrap_err();
    assert!(refused.to_string().contains("stays with Comcast Business"), "{refused}");
    let btn = apply(
        &o,
        Event::Supplemented(Supp::Detail(Detail::NewBtn(n("305-555-0199")))),
        now(),
    )
    .unwrap();
    assert_eq!(btn.order.new_btn, Some(n("305-555-0199")));
    assert_eq!(
        btn.order.account.btn,
        Some(n("305-555-0100")),
        "the bill's BTN is still the account's"
    );
    assert_eq!(btn.order.state, S::Ready, "the SUPP must be sent");
    assert_eq!(btn.order.foc_date, None, "the carrier confirms a new date");
    let date = apply(
        &btn.order,
        Event::Supplemented(Supp::DueDate("2026-12-15".parse().unwrap())),
        now(),
    )
    .unwrap();
    assert_eq!(date.order.requested_date, Some("2026-12-15".parse().unwrap()));
    assert!(
        date.text.starts_with("SUPP 2: port date 2026-12-15 requested"),
        "{}",
        date.text
    );
}

#[test]
fn a_supp_refuses_what_it_cannot_do() {
    let o = order_in(S::Submitted);
    let all = parse_number_list("305-555-0100 thru 0103").unwrap();
    let every = apply(&o, Event::Supplemented(Supp::Drop(all)), now()).unwrap_err();
    assert!(every.to_string().contains("cancel"), "{every}");
    let contacts = Detail::Contacts(vec!["new@acme.example".parse().unwrap()]);
    let not_sent = apply(&o, Event::Supplemented(Supp::Detail(contacts)), now()).unwrap_err();
    assert!(not_sent.to_string().contains("set PORT-1001"), "{not_sent}");
    let done = order_in(S::Completed);
    assert!(apply(&done, Event::Supplemented(Supp::Drop(vec![n("305-555-0100")])), now()).is_err());
    let partly = completed_except(&order_in(S::FocConfirmed), &["305-555-0103"])
        .unwrap()
        .order;
    let ported = apply(&partly, Event::Supplemented(Supp::Drop(vec![n("305-555-0100")])), now()).unwrap_err();
    assert!(ported.to_string().contains("already ported"), "{ported}");
}

#[test]
fn an_foc_date_no_carrier_would_port_on_needs_staff_to_confirm_it() {
    let today: chrono::NaiveDate = "2026-11-30".parse().unwrap();
    let doubt = |d: &str| foc_doubt(d.parse().unwrap(), today);
    assert!(doubt("2026-11-27").unwrap().contains("past"));
    assert!(doubt("2026-12-25").unwrap().contains("Christmas"));
    assert!(doubt("2026-12-05").unwrap().contains("Saturday"));
    assert!(doubt("2027-02-01").unwrap().contains("63 days away"));
    assert_eq!(doubt("2026-12-08"), None, "a Tuesday next week is a port day");

    let o = order_in(S::Submitted);
    let saturday = "2026-12-05".parse().unwrap();
    let refused = apply(&o, Event::FocConfirmed(saturday), now()).unwrap_err();
    assert!(
        refused.to_string().contains("foc PORT-1001 2026-12-05 confirm"),
        "{refused}"
    );
    let confirmed = apply(&o, Event::FocChecked(saturday), now()).unwrap();
    assert_eq!(confirmed.order.foc_date, Some(saturday));
    assert_eq!(confirmed.notice, Some(Notice::FocSet));
}

#[test]
fn a_bill_older_than_the_limit_asks_for_the_latest_one() {
    let signed = apply(&opened(), Event::LoaSigned, now()).unwrap().order;
    let mut old = matching_bill();
    old.invoice_date = Some("2025-10-01".parse().unwrap());
    let taken = apply(&signed, Event::BillReceived(old.clone()), now()).unwrap();
    assert_eq!(
        taken.order.state,
        S::AwaitingDocuments,
        "not ready on a bill a year old"
    );
    assert_eq!(taken.notice, Some(Notice::BillMismatch));
    assert!(taken.text.contains("bill date"), "{}", taken.text);
    assert!(!taken.order.has_current_bill());
    let blockers = taken.order.blockers();
    assert!(
        blockers
            .iter()
            .any(|b| b.who == Party::Customer && b.what.contains("dated 2025-10-01, more than 60 days old")),
        "{blockers:?}"
    );

    // The latest bill clears it; a bill the desk took with no limit is never too old.
    let latest = apply(&taken.order, Event::BillReceived(matching_bill()), now()).unwrap();
    assert_eq!(latest.order.state, S::Ready);
    old.max_age_days = None;
    let unlimited = apply(&signed, Event::BillReceived(old), now()).unwrap();
    assert!(unlimited.order.has_current_bill());
}

use super::*;
use crate::domain::bill::AccountDetails;
use crate::domain::order::{OrderKind, Pin};
use crate::domain::phone::parse_number_list;
use crate::domain::request::{PortRequest, RequestError};
use crate::domain::route::NumberType;
use crate::domain::NumberStatus;
use OrderState as S;

fn now() -> DateTime<Utc> {
    "2026-11-23T15:00:00Z".parse().unwrap()
}

fn n(text: &str) -> PhoneNumber {
    text.parse().unwrap()
}

fn request() -> PortRequest {
    PortRequest {
        customer: "ACME-001".into(),
        carrier: "Comcast Business".into(),
        numbers: parse_number_list("305-555-0100 thru 0103").unwrap(),
        number_type: NumberType::Voice,
        kind: None,
        contacts: vec!["ops@acme.example".parse().unwrap()],
        account: AccountDetails {
            account_number: Some("8774 1012 3456 789".into()),
            btn: Some(n("305-555-0100")),
            account_name: Some("Acme Dental Group".into()),
            service_address: Some("100 Main St, Miami, FL 33130".into()),
        },
        pin: Some(Pin::new("1234").unwrap()),
        authorized_name: Some("Maria Lopez".into()),
        contract_end: None,
        time_zone: chrono_tz::America::New_York,
    }
}

fn matching_bill() -> Bill {
    Bill {
        carrier: Some("Comcast Business".into()),
        account_number: Some("877410123456789".into()),
        btn: Some(n("305-555-0100")),
        account_name: Some("ACME DENTAL GROUP".into()),
        service_address: Some("100 Main Street, Miami, FL 33130-2201".into()),
        invoice_date: Some("2026-10-28".parse().unwrap()),
        numbers: parse_number_list("305-555-0100 thru 0105").unwrap(),
        max_age_days: Some(60),
    }
}

fn opened() -> Order {
    request().open(OrderRef::from_number(1001), now()).unwrap()
}

/// An order brought to `state` the way the desk would.
fn order_in(state: OrderState) -> Order {
    let mut o = opened();
    let mut step = |e: Event| o = apply(&o, e, now()).unwrap().order;
    if state == S::AwaitingDocuments {
        return o;
    }
    step(Event::LoaSigned);
    step(Event::BillReceived(matching_bill()));
    match state {
        S::Ready => {}
        S::Cancelled => step(Event::Cancelled {
            reason: "customer changed their mind".into(),
        }),
        _ => {
            step(Event::Submitted);
            match state {
                S::FocConfirmed => step(Event::FocConfirmed("2026-12-03".parse().unwrap())),
                S::Rejected => step(Event::Rejected {
                    code: RejectCode::LsrPending,
                    reason: "pending order".into(),
                    numbers: vec![],
                }),
                S::Completed => step(Event::Completed { remaining: vec![] }),
                _ => {}
            }
        }
    }
    assert_eq!(o.state, state);
    o
}

#[derive(Debug)]
enum Expect {
    Goes(OrderState),
    Refused(&'static str),
}
use Expect::*;

fn foc() -> Event {
    Event::FocConfirmed("2026-12-03".parse().unwrap())
}
fn reject() -> Event {
    Event::Rejected {
        code: RejectCode::AccountNumberMismatch,
        reason: "acct no mismatch".into(),
        numbers: vec![],
    }
}
fn cancel() -> Event {
    Event::Cancelled { reason: String::new() }
}
fn set_address() -> Event {
    Event::DetailSet(Detail::ServiceAddress("100 Main St, Miami, FL 33130".into()))
}
fn route_all() -> Event {
    Event::Routed {
        numbers: Numbers::All,
        route: "ext 201".parse().unwrap(),
    }
}

#[test]
fn every_transition_follows_the_design_table() {
    type MakeEvent = fn() -> Event;
    let table: Vec<(OrderState, MakeEvent, Expect)> = vec![
        // Documents in, consistent: ready. Anything else stays waiting.
        (S::AwaitingDocuments, || Event::LoaSigned, Goes(S::AwaitingDocuments)),
        (
            S::AwaitingDocuments,
            || Event::BillReceived(matching_bill()),
            Goes(S::AwaitingDocuments),
        ),
        (
            S::AwaitingDocuments,
            || Event::Submitted,
            Refused("cannot be submitted yet"),
        ),
        (S::AwaitingDocuments, foc, Refused("awaiting_documents")),
        (S::AwaitingDocuments, reject, Refused("awaiting_documents")),
        (
            S::AwaitingDocuments,
            || Event::Completed { remaining: vec![] },
            Refused("awaiting_documents"),
        ),
        (S::AwaitingDocuments, cancel, Goes(S::Cancelled)),
        (S::AwaitingDocuments, route_all, Goes(S::AwaitingDocuments)),
        (S::Ready, || Event::Submitted, Goes(S::Submitted)),
        (S::Ready, || Event::LoaSigned, Refused("already signed")),
        (
            S::Ready,
            || Event::DetailSet(Detail::AccountNumber("999".into())),
            Goes(S::AwaitingDocuments),
        ),
        (S::Ready, foc, Refused("ready")),
        (S::Ready, cancel, Goes(S::Cancelled)),
        // With the carrier.
        (S::Submitted, foc, Goes(S::FocConfirmed)),
        (S::Submitted, reject, Goes(S::Rejected)),
        (
            S::Submitted,
            || Event::Completed { remaining: vec![] },
            Goes(S::Completed),
        ),
        (S::Submitted, || Event::Submitted, Refused("submitted")),
        (S::Submitted, set_address, Refused("changing the account details")),
        (
            S::Submitted,
            || Event::BillReceived(matching_bill()),
            Refused("submitted"),
        ),
        (
            S::Submitted,
            || Event::DetailSet(Detail::ContractEnd("2027-01-15".parse().unwrap())),
            Goes(S::Submitted),
        ),
        (S::Submitted, cancel, Goes(S::Cancelled)),
        // A correction makes a rejected order ready again; only then may it go back.
        (S::Rejected, set_address, Goes(S::Ready)),
        (
            S::Rejected,
            || Event::DetailSet(Detail::AccountNumber("999".into())),
            Goes(S::AwaitingDocuments),
        ),
        (S::Rejected, || Event::BillReceived(matching_bill()), Goes(S::Ready)),
        (S::Rejected, || Event::LoaSigned, Goes(S::Ready)),
        (S::Rejected, || Event::Submitted, Refused("Correct the details first")),
        (
            S::Rejected,
            || Event::Noted("called the customer".into()),
            Goes(S::Rejected),
        ),
        (S::Rejected, route_all, Goes(S::Rejected)),
        (S::Rejected, foc, Refused("rejected")),
        (S::Rejected, cancel, Goes(S::Cancelled)),
        // The port date is set; it may move, or the carrier may still reject.
        (S::FocConfirmed, foc, Goes(S::FocConfirmed)),
        (
            S::FocConfirmed,
            || Event::FocConfirmed("2026-12-07".parse().unwrap()),
            Goes(S::FocConfirmed),
        ),
        (S::FocConfirmed, reject, Goes(S::Rejected)),
        (
            S::FocConfirmed,
            || Event::Completed { remaining: vec![] },
            Goes(S::Completed),
        ),
        (S::FocConfirmed, route_all, Goes(S::FocConfirmed)),
        (S::FocConfirmed, cancel, Goes(S::Cancelled)),
        // Closed orders take notes and nothing else.
        (S::Completed, foc, Refused("already ported")),
        (S::Completed, cancel, Refused("already ported")),
        (S::Completed, reject, Refused("completed")),
        (
            S::Completed,
            || Event::Noted("customer happy".into()),
            Goes(S::Completed),
        ),
        (S::Cancelled, foc, Refused("cancelled order stays closed")),
        (
            S::Cancelled,
            || Event::Completed { remaining: vec![] },
            Refused("cancelled"),
        ),
        (S::Cancelled, || Event::LoaSigned, Refused("cancelled")),
        (S::Cancelled, cancel, Refused("cancelled")),
        (S::Cancelled, route_all, Refused("cancelled")),
        (
            S::Cancelled,
            || Event::Noted("closed by request".into()),
            Goes(S::Cancelled),
        ),
    ];
    for (from, event, expect) in table {
        let order = order_in(from);
        let event = event();
        let label = format!("{from} + {event:?}");
        match (apply(&order, event, now()), expect) {
            (Ok(applied), Goes(to)) => assert_eq!(applied.order.state, to, "{label}"),
            (Err(e), Refused(words)) => assert!(e.to_string().contains(words), "{label}: {e}"),
            (result, expect) => panic!("{label}: expected {expect:?}, got {result:?}"),
        }
    }
}

#[test]
fn an_order_is_ready_only_with_the_loa_the_bill_and_no_mismatch() {
    let signed = apply(&opened(), Event::LoaSigned, now()).unwrap().order;
    let mut bill = matching_bill();
    bill.service_address = Some("200 Main St, Miami, FL 33130".into());
    let applied = apply(&signed, Event::BillReceived(bill), now()).unwrap();
    assert_eq!(applied.order.state, S::AwaitingDocuments);
    assert_eq!(applied.notice, Some(Notice::BillMismatch));
    assert!(applied.text.contains("service address"), "{}", applied.text);

    let fixed = apply(
        &applied.order,
        Event::DetailSet(Detail::ServiceAddress("200 Main Street, Miami, FL 33130".into())),
        now(),
    )
    .unwrap();
    assert_eq!(fixed.order.state, S::Ready);
    assert!(fixed.text.contains("now matches the bill"), "{}", fixed.text);
}

#[test]
fn submitting_an_unsigned_order_names_what_is_missing() {
    let mut o = apply(&opened(), Event::BillReceived(matching_bill()), now())
        .unwrap()
        .order;
    o.account.account_name = None;
    let err = apply(&o, Event::Submitted, now()).unwrap_err().to_string();
    assert!(
        err.contains("sign the e-LOA") && err.contains("send the account name of the Comcast Business account"),
        "{err}"
    );
}

#[test]
fn the_seed_rules_hold_when_an_order_opens() {
    let mut mixed = request();
    mixed.numbers.push(n("800-555-0199"));
    assert!(matches!(
        mixed.open(OrderRef::from_number(1), now()),
        Err(RequestError::MixedKinds { .. })
    ));

    let mut wrong = request();
    wrong.kind = Some(OrderKind::TollFree);
    assert!(matches!(
        wrong.open(OrderRef::from_number(1), now()),
        Err(RequestError::WrongKind { .. })
    ));

    let mut nobody = request();
    nobody.contacts.clear();
    assert_eq!(
        nobody.open(OrderRef::from_number(1), now()).unwrap_err(),
        RequestError::NoContacts
    );

    let mut toll_free = request();
    toll_free.numbers = vec![n("1-800-555-0199")];
    assert_eq!(
        toll_free.open(OrderRef::from_number(1), now()).unwrap().kind,
        OrderKind::TollFree
    );

    assert_eq!(opened().fee_total_cents(), 4 * 2500);
}

/// The carrier says 305-555-0103 cannot port.
fn not_portable() -> Event {
    Event::Rejected {
        code: RejectCode::PhoneNumberNotPortable,
        reason: "rate center".into(),
        numbers: vec![n("305-555-0103")],
    }
}

#[test]
fn a_number_that_cannot_port_is_still_charged() {
    let o = order_in(S::Submitted);
    let applied = apply(&o, not_portable(), now()).unwrap();
    let line = applied.order.number(&n("305-555-0103")).unwrap();
    assert_eq!(line.status, NumberStatus::NotPortable);
    assert_eq!(applied.order.fee_total_cents(), 4 * 2500);
    assert!(applied.text.contains("+13055550103"));
}

#[test]
fn a_later_foc_replaces_the_earlier_one_and_says_so() {
    let o = order_in(S::FocConfirmed);
    let moved = apply(&o, Event::FocConfirmed("2026-12-08".parse().unwrap()), now()).unwrap();
    assert_eq!(moved.order.foc_date, Some("2026-12-08".parse().unwrap()));
    assert_eq!(moved.event, "foc_changed");
    assert!(moved.text.contains("2026-12-03") && moved.text.contains("2026-12-08"));
    let again = apply(&moved.order, Event::FocConfirmed("2026-12-08".parse().unwrap()), now()).unwrap();
    assert_eq!(again.notice, None);
    let past = apply(&o, Event::FocConfirmed("2026-11-20".parse().unwrap()), now()).unwrap_err();
    assert!(matches!(past, NotAllowed::FocDoubtful { .. }));
}

#[test]
fn routing_is_confirmed_when_every_live_number_has_a_place_to_ring() {
    let o = order_in(S::FocConfirmed);
    assert!(!o.routing_confirmed());
    let one = apply(
        &o,
        Event::Routed {
            numbers: Numbers::One(n("305-555-0100")),
            route: "ivr Main".parse().unwrap(),
        },
        now(),
    )
    .unwrap();
    assert!(!one.order.routing_confirmed());
    let all = apply(&one.order, route_all(), now()).unwrap();
    assert!(all.order.routing_confirmed());
    let fax = apply(
        &o,
        Event::Routed {
            numbers: Numbers::All,
            route: "fax-ata".parse().unwrap(),
        },
        now(),
    )
    .unwrap_err();
    assert!(fax.to_string().contains("voice number"), "{fax}");
    let stranger = apply(
        &o,
        Event::Routed {
            numbers: Numbers::One(n("305-555-0199")),
            route: "ext 1".parse().unwrap(),
        },
        now(),
    );
    assert!(matches!(stranger, Err(NotAllowed::UnknownNumber { .. })));
}

#[test]
fn completion_ports_every_pending_number() {
    let done = apply(
        &order_in(S::FocConfirmed),
        Event::Completed { remaining: vec![] },
        now(),
    )
    .unwrap();
    assert!(done.order.numbers.iter().all(|l| l.status == NumberStatus::Ported));
    assert_eq!(done.notice, Some(Notice::Completed));
}

#[path = "partial_tests.rs"]
mod partial;

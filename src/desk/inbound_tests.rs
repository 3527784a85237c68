use super::*;
use crate::domain::{parse_number_list, AccountDetails, NumberType, PortRequest};

fn parsed(kind: Kind) -> Parsed {
    Parsed {
        file: "m.eml".into(),
        kind,
        order_ref: Some("PORT-1001".parse().unwrap()),
        foc_date: (kind == Kind::FocConfirmed).then(|| "2026-12-15".parse().unwrap()),
        reject_code: (kind == Kind::PortRejected).then_some(RejectCode::LocationMismatch),
        numbers: vec!["+13055550100".parse().unwrap()],
        invoice: (kind == Kind::Invoice).then(|| Bill {
            account_number: Some("123456".into()),
            ..Bill::default()
        }),
        reject_reason: (kind == Kind::PortRejected).then(|| "SERVICE ADDRESS DOES NOT MATCH".to_string()),
        language: None,
        confidence: 0.9,
        evidence: Vec::new(),
        error: None,
    }
}

fn order(n: i64, numbers: &str, contact: &str) -> Order {
    PortRequest {
        customer: "ACME-001".into(),
        carrier: "Comcast Business".into(),
        numbers: parse_number_list(numbers).unwrap(),
        number_type: NumberType::Voice,
        kind: None,
        contacts: vec![contact.parse().unwrap()],
        account: AccountDetails::default(),
        pin: None,
        authorized_name: None,
        contract_end: None,
        time_zone: chrono_tz::America::New_York,
    }
    .open(OrderRef::from_number(n), "2026-11-23T15:00:00Z".parse().unwrap())
    .unwrap()
}

#[test]
fn notices_act_only_from_trusted_domains() {
    let trust = Trust::new(["portflow.example".to_string(), "@docusign.net".to_string()]);
    let o = order(1001, "305-555-0100", "ops@acme.example");
    let who = |from: &str| trust.sender(&from.parse().unwrap(), Some(&o));
    assert_eq!(who("notify@portflow.example"), Sender::Carrier);
    assert_eq!(who("dse@na3.docusign.net"), Sender::Carrier);
    assert_eq!(who("ops@acme.example"), Sender::Contact);
    assert_eq!(who("notify@portflow.example.evil.example"), Sender::Stranger);
    assert_eq!(who("someone@else.example"), Sender::Stranger);
}

#[test]
fn each_kind_does_what_the_lifecycle_says() {
    type Check = fn(&Decision) -> bool;
    let table: Vec<(Kind, Sender, Check)> = vec![
        (Kind::FocConfirmed, Sender::Carrier, |d| {
            matches!(d.outcome, Some(Outcome::Event(Event::FocConfirmed(_)))) && d.staff.is_none()
        }),
        (
            Kind::PortRejected,
            Sender::Carrier,
            |d| matches!(&d.outcome, Some(Outcome::Event(Event::Rejected { code: RejectCode::LocationMismatch, numbers, .. })) if numbers.len() == 1),
        ),
        (Kind::PortCompleted, Sender::Carrier, |d| {
            matches!(d.outcome, Some(Outcome::Event(Event::Completed)))
        }),
        (Kind::LoaSigned, Sender::Carrier, |d| {
            matches!(d.outcome, Some(Outcome::Event(Event::LoaSigned)))
        }),
        (Kind::Invoice, Sender::Contact, |d| {
            matches!(d.outcome, Some(Outcome::Event(Event::BillReceived(_))))
        }),
        (Kind::CancelRequest, Sender::Contact, |d| {
            d.outcome.is_some() && matches!(d.staff, Some(StaffReason::NeedsAPerson(_)))
        }),
        (Kind::RoutingConfirmation, Sender::Contact, |d| {
            d.outcome.is_some() && d.staff.is_some()
        }),
        (Kind::StatusQuestion, Sender::Contact, |d| {
            matches!(
                d.outcome,
                Some(Outcome::Timeline {
                    event: "status_question",
                    ..
                })
            ) && d.staff.is_none()
        }),
        (Kind::CustomerReply, Sender::Contact, |d| {
            d.outcome.is_some() && d.staff.is_some()
        }),
        (Kind::AutoReply, Sender::Stranger, |d| {
            d.outcome.is_some() && d.staff.is_none()
        }),
        (Kind::Unknown, Sender::Contact, |d| {
            d.outcome.is_none() && matches!(d.staff, Some(StaffReason::NotUnderstood(_)))
        }),
        // Spoofed notices and strangers change nothing and reach a person.
        (Kind::FocConfirmed, Sender::Contact, |d| {
            d.outcome.is_none() && d.staff == Some(StaffReason::UntrustedNotice)
        }),
        (Kind::PortCompleted, Sender::Stranger, |d| {
            d.outcome.is_none() && d.staff == Some(StaffReason::UntrustedNotice)
        }),
        (Kind::Invoice, Sender::Stranger, |d| {
            d.outcome.is_none() && d.staff == Some(StaffReason::NotAContact)
        }),
        (Kind::StatusQuestion, Sender::Stranger, |d| {
            d.outcome.is_none() && d.staff == Some(StaffReason::NotAContact)
        }),
    ];
    for (kind, sender, check) in table {
        let decision = decide(&parsed(kind), sender, "subject", None);
        assert!(check(&decision), "{kind:?} from {sender:?}: {decision:?}");
    }
}

#[test]
fn a_bounce_marks_the_failing_contact_when_known() {
    let d = decide(
        &parsed(Kind::Bounce),
        Sender::Stranger,
        "Undelivered",
        Some("old@acme.example".parse().unwrap()),
    );
    assert!(matches!(d.outcome, Some(Outcome::ContactFailing(ref a)) if a.as_str() == "old@acme.example"));
    assert!(d.staff.is_some());
}

#[test]
fn an_foc_without_a_date_goes_to_a_person() {
    let mut p = parsed(Kind::FocConfirmed);
    p.foc_date = None;
    let d = decide(&p, Sender::Carrier, "FOC", None);
    assert!(d.outcome.is_none() && matches!(d.staff, Some(StaffReason::NotUnderstood(_))));
}

#[test]
fn without_a_reference_the_senders_order_with_those_numbers_is_the_match() {
    let a = order(1001, "305-555-0100 thru 0101", "ops@acme.example");
    let b = order(1002, "305-555-0200", "ops@acme.example");
    let n = |s: &str| s.parse::<PhoneNumber>().unwrap();
    assert_eq!(
        match_order(Some(&b), std::slice::from_ref(&a), &[]),
        Match::Found(b.reference.clone())
    );
    assert_eq!(
        match_order(None, &[a.clone(), b.clone()], &[n("305-555-0101")]),
        Match::Found(a.reference.clone())
    );
    assert_eq!(
        match_order(None, &[a.clone(), b.clone()], &[]),
        Match::Ambiguous(vec![a.reference.clone(), b.reference.clone()])
    );
    assert_eq!(
        match_order(None, &[a.clone(), b.clone()], &[n("305-555-0999")]),
        Match::Unmatched
    );
    assert_eq!(
        match_order(None, std::slice::from_ref(&a), &[]),
        Match::Found(a.reference.clone())
    );
    assert_eq!(match_order(None, &[], &[n("305-555-0100")]), Match::Unmatched);
}

#[test]
fn a_notice_read_without_enough_confidence_goes_to_staff_with_its_reading() {
    let mut unsure = parsed(Kind::PortRejected);
    unsure.confidence = 0.62;
    let d = decide(&unsure, Sender::Carrier, "PORT-1001 update", None);
    assert!(d.outcome.is_none(), "nothing changes on the order");
    match d.staff {
        Some(StaffReason::Unsure(reading)) => {
            assert_eq!(reading, "looks like a rejection (LOCATION_MISMATCH), 0.62")
        }
        other => panic!("{other:?}"),
    }
    let mut sure = parsed(Kind::PortRejected);
    sure.confidence = 0.9;
    assert!(decide(&sure, Sender::Carrier, "PORT-1001 update", None)
        .outcome
        .is_some());
}

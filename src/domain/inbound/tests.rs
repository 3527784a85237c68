use super::*;
use crate::auth::Authentication;

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
        numbers_not_ported: Vec::new(),
        reject_reason: (kind == Kind::PortRejected).then(|| "SERVICE ADDRESS DOES NOT MATCH".to_string()),
        language: None,
        confidence: 0.9,
        evidence: Vec::new(),
        error: None,
    }
}

pub(crate) use crate::domain::testing::order;

pub(crate) fn carrier() -> Sender {
    Sender::Carrier(Speaker {
        domain: "portflow.example".into(),
        carriers: Vec::new(),
    })
}

/// The order of the table below has its FOC date today, so a completion fits it.
fn facts(order: &Order, sender: Sender) -> Facts<'_> {
    Facts {
        order,
        sender,
        named: true,
        names_a_contact: false,
        today: "2026-12-15".parse().unwrap(),
        summary: "subject".into(),
        failed_recipient: None,
    }
}

fn with_foc(mut order: Order, date: &str) -> Order {
    order.foc_date = Some(date.parse().unwrap());
    order.state = crate::domain::OrderState::FocConfirmed;
    order
}

pub(crate) fn proven(domain: &str) -> Authentication {
    Authentication::Verified {
        domain: domain.into(),
        proof: format!("a DKIM signature of {domain}"),
    }
}

#[test]
fn a_carrier_speaks_only_for_its_own_orders() {
    let comcast = Speaker {
        domain: "comcast.com".into(),
        carriers: vec!["Comcast".into()],
    };
    assert!(comcast.speaks_for("Comcast Business"));
    assert!(!comcast.speaks_for("AT&T"));
    let att = Speaker {
        domain: "att.com".into(),
        carriers: vec!["AT&T".into()],
    };
    assert!(att.speaks_for("AT&T Business") && att.speaks_for("at&t"));
    let o = with_foc(order(1001, "305-555-0100", "ops@acme.example"), "2026-12-15");
    let d = decide(&parsed(Kind::PortCompleted), &facts(&o, Sender::Carrier(att)));
    assert!(d.outcome.is_none());
    assert_eq!(
        d.staff,
        Some(StaffReason::NotItsCarrier {
            domain: "att.com".into(),
            carrier: "Comcast Business".into()
        })
    );
}

#[test]
fn a_proven_notice_must_still_fit_its_order() {
    let o = order(1001, "305-555-0100 thru 0102", "ops@acme.example");
    let not_fitting = |p: &Parsed, o: &Order, named: bool| match decide(
        p,
        &Facts {
            named,
            ..facts(o, carrier())
        },
    ) {
        Decision {
            outcome:
                Some(Outcome::Timeline {
                    event: "notice_not_applied",
                    ..
                }),
            staff: Some(StaffReason::DoesNotFit(why)),
        } => why,
        other => panic!("{other:?}"),
    };
    // A completion with no FOC date, or days before it.
    assert!(not_fitting(&parsed(Kind::PortCompleted), &o, true).contains("no confirmed FOC date"));
    let early = with_foc(o.clone(), "2026-12-22");
    assert!(not_fitting(&parsed(Kind::PortCompleted), &early, true).contains("long before the FOC date 2026-12-22"));
    let eve = with_foc(o.clone(), "2026-12-16");
    assert!(decide(&parsed(Kind::PortCompleted), &facts(&eve, carrier()))
        .outcome
        .is_some());
    // A number that is not on the order.
    let mut stray = parsed(Kind::PortCompleted);
    stray.numbers = vec!["+13055550999".parse().unwrap()];
    let due = with_foc(o.clone(), "2026-12-15");
    assert_eq!(
        not_fitting(&stray, &due, true),
        "it names +13055550999 which is not on PORT-1001"
    );
    // An e-signature notice naming neither the order nor a contact.
    let mut signed = parsed(Kind::LoaSigned);
    signed.numbers.clear();
    assert!(not_fitting(&signed, &o, false).contains("names neither PORT-1001 nor one of its contacts"));
    let for_a_contact = Facts {
        named: false,
        names_a_contact: true,
        ..facts(&o, carrier())
    };
    assert!(decide(&signed, &for_a_contact).outcome.is_some());
}

#[test]
fn each_kind_does_what_the_lifecycle_says() {
    type Check = fn(&Decision) -> bool;
    let o = with_foc(order(1001, "305-555-0100", "ops@acme.example"), "2026-12-15");
    let table: Vec<(Kind, Sender, Check)> = vec![
        (Kind::FocConfirmed, carrier(), |d| {
            matches!(d.outcome, Some(Outcome::Event(Event::FocConfirmed(_)))) && d.staff.is_none()
        }),
        (
            Kind::PortRejected,
            carrier(),
            |d| matches!(&d.outcome, Some(Outcome::Event(Event::Rejected { code: RejectCode::LocationMismatch, numbers, .. })) if numbers.len() == 1),
        ),
        (Kind::PortCompleted, carrier(), |d| {
            matches!(d.outcome, Some(Outcome::Event(Event::Completed { .. })))
        }),
        (Kind::LoaSigned, carrier(), |d| {
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
        (
            Kind::PortCompleted,
            Sender::Unproven {
                domain: "portflow.example".into(),
                why: "no DKIM signature".into(),
            },
            |d| d.outcome.is_none() && matches!(d.staff, Some(StaffReason::Unproven { .. })),
        ),
        (Kind::Invoice, Sender::Stranger, |d| {
            d.outcome.is_none() && d.staff == Some(StaffReason::NotAContact)
        }),
        (Kind::StatusQuestion, Sender::Stranger, |d| {
            d.outcome.is_none() && d.staff == Some(StaffReason::NotAContact)
        }),
        // A cancellation in a contact's name that fails its domain's DMARC.
        (Kind::CancelRequest, Sender::UnverifiedContact("dmarc".into()), |d| {
            d.outcome.is_none() && matches!(d.staff, Some(StaffReason::UnverifiedContact(_)))
        }),
    ];
    for (kind, sender, check) in table {
        let decision = decide(&parsed(kind), &facts(&o, sender.clone()));
        assert!(check(&decision), "{kind:?} from {sender:?}: {decision:?}");
    }
}

#[test]
fn a_bounce_marks_the_failing_contact_when_known() {
    let o = order(1001, "305-555-0100", "old@acme.example");
    let bounce = Facts {
        failed_recipient: Some("old@acme.example".parse().unwrap()),
        ..facts(&o, Sender::Stranger)
    };
    let d = decide(&parsed(Kind::Bounce), &bounce);
    assert!(matches!(d.outcome, Some(Outcome::ContactFailing(ref a)) if a.as_str() == "old@acme.example"));
    assert!(d.staff.is_some());
}

#[test]
fn an_foc_without_a_date_goes_to_a_person() {
    let mut p = parsed(Kind::FocConfirmed);
    p.foc_date = None;
    let o = order(1001, "305-555-0100", "ops@acme.example");
    let d = decide(&p, &facts(&o, carrier()));
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
    let o = order(1001, "305-555-0100", "ops@acme.example");
    let d = decide(&unsure, &facts(&o, carrier()));
    assert!(d.outcome.is_none(), "nothing changes on the order");
    match d.staff {
        Some(StaffReason::Unsure(reading)) => {
            assert_eq!(reading, "looks like a rejection (LOCATION_MISMATCH), 0.62")
        }
        other => panic!("{other:?}"),
    }
    let mut sure = parsed(Kind::PortRejected);
    sure.confidence = 0.9;
    assert!(decide(&sure, &facts(&o, carrier())).outcome.is_some());
}

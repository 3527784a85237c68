use super::*;
use crate::domain::inbound::tests::{carrier, order};
use crate::domain::inbound::Facts;
use crate::domain::OrderState;

fn now() -> DateTime<Utc> {
    "2026-11-24T15:00:00Z".parse().unwrap()
}

fn reading(kind: Kind) -> Parsed {
    Parsed {
        confidence: 0.9,
        ..Parsed::empty("m.eml", kind)
    }
}

fn from<'a>(parsed: &'a Parsed, sender: &'a EmailAddress, proven: bool) -> Message<'a> {
    Message {
        parsed,
        sender: Some(sender),
        sender_text: sender.to_string(),
        message_id: "<q1@acme.example>",
        language: Some(Language::Es),
        may_answer: true,
        proven,
    }
}

fn facts(order: &crate::domain::Order, sender: Sender) -> Facts<'_> {
    Facts {
        order,
        sender,
        named: false,
        names_a_contact: false,
        today: "2026-11-24".parse().unwrap(),
        summary: "Where is our port?".into(),
        failed_recipient: None,
    }
}

#[test]
fn a_contacts_question_is_answered_to_them_alone_in_its_thread_and_in_their_language() {
    let o = order(1001, "305-555-0100", "ops@acme.example");
    let ops: EmailAddress = "ops@acme.example".parse().unwrap();
    let question = reading(Kind::StatusQuestion);
    let found = Match::Found(o.reference.clone());
    let plan = plan(
        &from(&question, &ops, true),
        &found,
        Some(&facts(&o, Sender::Contact)),
        now(),
    );
    assert_eq!(plan.mails.len(), 1);
    let (mail, addressing) = &plan.mails[0];
    assert_eq!(*mail, CustomerMail::StatusReply);
    assert_eq!(addressing.only.as_ref(), Some(&ops));
    assert_eq!(addressing.answers.as_deref(), Some("<q1@acme.example>"));
    let applied = plan.applied.expect("the question is on the timeline");
    assert_eq!(
        applied.order.language_of(&ops),
        Language::Es,
        "their language is remembered"
    );
    assert!(matches!(plan.taken, Taken::Applied { ref event, .. } if event == "status_question"));
    assert!(plan.refuse.is_none());
}

#[test]
fn a_stranger_who_proved_their_address_is_told_politely_and_a_forger_gets_nothing() {
    let stranger: EmailAddress = "someone@else.example".parse().unwrap();
    let question = reading(Kind::StatusQuestion);
    let proven = plan(&from(&question, &stranger, true), &Match::Unmatched, None, now());
    assert_eq!(proven.refuse.as_ref(), Some(&stranger));
    assert!(proven.applied.is_none() && proven.mails.is_empty());
    assert!(matches!(proven.taken, Taken::HandedToStaff { order: None, .. }));
    let forged = plan(&from(&question, &stranger, false), &Match::Unmatched, None, now());
    assert!(forged.refuse.is_none(), "no backscatter to a forged sender");
    let mut looping = from(&question, &stranger, true);
    looping.may_answer = false;
    assert!(plan(&looping, &Match::Unmatched, None, now()).refuse.is_none());
}

#[test]
fn a_notice_the_order_refuses_is_recorded_and_handed_to_staff() {
    // An FOC for an order that was never submitted: the lifecycle refuses it.
    let o = order(1001, "305-555-0100", "ops@acme.example");
    assert_eq!(o.state, OrderState::AwaitingDocuments);
    let ports: EmailAddress = "notify@portflow.example".parse().unwrap();
    let mut foc = reading(Kind::FocConfirmed);
    foc.foc_date = Some("2026-12-15".parse().unwrap());
    let found = Match::Found(o.reference.clone());
    let plan = plan(&from(&foc, &ports, true), &found, Some(&facts(&o, carrier())), now());
    let logged = plan.applied.expect("the timeline keeps what was heard");
    assert_eq!(logged.event, "notice_not_applied");
    assert_eq!(logged.order.state, OrderState::AwaitingDocuments, "nothing changed");
    match plan.taken {
        Taken::HandedToStaff { order, reason } => {
            assert_eq!(order, Some(o.reference));
            assert!(reason.starts_with("it does not fit the order"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn mail_that_matches_no_order_says_why_a_person_must_look() {
    let someone: EmailAddress = "someone@else.example".parse().unwrap();
    let unknown = reading(Kind::Unknown);
    let plan = plan(&from(&unknown, &someone, true), &Match::Unmatched, None, now());
    assert!(matches!(plan.taken, Taken::HandedToStaff { ref reason, .. } if reason.contains("not a porting message")));
    let refs = vec![OrderRef::from_number(1001), OrderRef::from_number(1002)];
    let bill = reading(Kind::Invoice);
    let plan = super::plan(&from(&bill, &someone, true), &Match::Ambiguous(refs), None, now());
    assert!(
        matches!(plan.taken, Taken::HandedToStaff { ref reason, .. } if reason.contains("PORT-1001 or PORT-1002")),
        "{:?}",
        plan.taken
    );
}

#[test]
fn an_out_of_office_in_another_language_leaves_the_contacts_language_alone() {
    let o = order(1001, "305-555-0100", "ops@acme.example");
    let ops: EmailAddress = "ops@acme.example".parse().unwrap();
    let found = Match::Found(o.reference.clone());
    for kind in [Kind::AutoReply, Kind::Bounce] {
        let machine = reading(kind);
        let plan = plan(
            &from(&machine, &ops, true),
            &found,
            Some(&facts(&o, Sender::Contact)),
            now(),
        );
        if let Some(applied) = plan.applied {
            assert_eq!(applied.order.language_of(&ops), Language::En, "{kind:?}");
        }
    }
}

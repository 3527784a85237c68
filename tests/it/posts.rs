//! Golden files pin every post for the staff channel and every templated chat answer
//! (`tests/golden/chat/`), as `texts` pins the customer e-mails. After a deliberate
//! change to a text, run the tests with `PORTBOT_BLESS=1` and review the diff.

use crate::texts::{at, documents_in, foc_confirmed, golden_in, order, rejected};
use portbot::domain::{
    Customer, Event, Notice, Order, OrderRef, RejectCode, StaffItem, StaffItemStatus, TimelineEntry, INBOX_ITEM_MARK,
};
use portbot::texts::{Alert, ChatReply, DigestLine, HeldRequest, ListRow, StaffPost, Texts};
use portbot::views::{order_card, OrderCard};

const DESK_TZ: chrono_tz::Tz = chrono_tz::America::New_York;

fn card(order: &Order) -> OrderCard {
    let entry = TimelineEntry {
        at: at("2026-11-24T15:00:00Z"),
        source: "chat:dana".into(),
        event: "noted".into(),
        text: "called the customer".into(),
    };
    order_card(order, vec![entry], DESK_TZ)
}

fn item() -> StaffItem {
    StaffItem {
        id: 7,
        message_id: "<q1@acme.example>".into(),
        order_ref: Some(OrderRef::from_number(1042)),
        sender: "ops@acme.example".into(),
        subject: "Our port".into(),
        kind: "customer_reply".into(),
        reason: "the customer wrote".into(),
        status: StaffItemStatus::Open,
        created_at: at("2026-11-24T15:00:00Z"),
        resolved_by: None,
        raw: Vec::new(),
    }
}

fn line(why: &str, routing: bool) -> DigestLine {
    DigestLine {
        reference: "PORT-1042".into(),
        customer: "ACME-001".into(),
        carrier: "Comcast Business".into(),
        routing,
        why: why.into(),
    }
}

/// One of each post, named for its golden file.
fn posts() -> Vec<(&'static str, StaffPost)> {
    let opened = order(vec![]);
    let mismatch = order(vec![Event::BillReceived(crate::story::bill_at(
        "200 Other Ave, Miami, FL 33130",
    ))]);
    let completed = {
        let o = foc_confirmed();
        portbot::domain::lifecycle::apply(&o, Event::Completed { remaining: vec![] }, at("2026-12-08T20:00:00Z"))
            .unwrap()
            .order
    };
    let mut with_documents = documents_in();
    with_documents.push(Event::Submitted);
    let submitted = order(with_documents);
    let mut ending = submitted.clone();
    ending.contract_end = Some("2026-12-20".parse().unwrap());
    let notice = |notice, o: &Order| StaffPost::Notice { notice, order: card(o) };
    let alert = |alert, o: &Order, days| StaffPost::Alert {
        alert,
        order: card(o),
        days,
    };
    vec![
        ("new_order", StaffPost::NewOrder { order: card(&opened) }),
        ("bill_mismatch", notice(Notice::BillMismatch, &mismatch)),
        (
            "rejection",
            notice(Notice::Rejection, &rejected(RejectCode::LocationMismatch)),
        ),
        ("foc_set", notice(Notice::FocSet, &foc_confirmed())),
        (
            "partly_completed",
            notice(Notice::PartlyCompleted, &crate::texts::partly_completed()),
        ),
        (
            "rejection_not_portable",
            notice(Notice::Rejection, &crate::texts::not_portable()),
        ),
        ("completed", notice(Notice::Completed, &completed)),
        ("documents_overdue", alert(Alert::DocumentsOverdue, &opened, 0)),
        (
            "rejection_unfixed",
            alert(Alert::RejectionUnfixed, &rejected(RejectCode::PasscodePinInvalid), 3),
        ),
        (
            "routing_unconfirmed",
            alert(Alert::RoutingUnconfirmed, &foc_confirmed(), 1),
        ),
        ("carrier_silent", alert(Alert::CarrierSilent, &submitted, 6)),
        ("contract_ending", alert(Alert::ContractEnding, &ending, 5)),
        ("foc_passed", alert(Alert::FocPassed, &foc_confirmed(), 2)),
        ("ready_idle", alert(Alert::ReadyIdle, &order(documents_in()), 3)),
        ("cancelled", notice(Notice::Cancelled, &opened)),
        ("reopened", notice(Notice::Reopened, &completed)),
        ("needs_person", StaffPost::needs_person(item())),
        (
            "email_failed",
            StaffPost::EmailFailed {
                to: "ops@acme.example".into(),
                subject: "[PORT-1042] Please sign".into(),
                error: "550 5.1.1 no such user".into(),
                order: Some(card(&opened)),
            },
        ),
        (
            "email_waiting",
            StaffPost::EmailWaiting {
                to: "ops@acme.example".into(),
                subject: "[PORT-1042] Please sign".into(),
                error: "connection refused".into(),
                reference: Some(OrderRef::from_number(1042)),
            },
        ),
        (
            "scheduler_down",
            StaffPost::SchedulerDown {
                since: "Tuesday, December 1, 2026 08:00 EST".into(),
                error: "the store cannot be reached: connection refused".into(),
            },
        ),
        (
            "digest",
            StaffPost::Digest {
                date: "Tuesday, December 1, 2026".into(),
                today: vec![line("", false)],
                tomorrow: vec![],
                rejected: vec![line("the service address does not match", true)],
                stuck: vec![line("documents missing for 6 business days", true)],
                unhandled: 2,
            },
        ),
        (
            "request_held",
            StaffPost::RequestHeld(HeldRequest {
                request_id: "req-88".into(),
                account: "ACME-001".into(),
                company: "Acme Dental".into(),
                count: 3,
                submitted_by: "ops@acme.example".into(),
            }),
        ),
        (
            "held_released",
            StaffPost::HeldReleased {
                account: "ACME-001".into(),
                lines: vec![
                    "req-88: opened PORT-1042, PORT-1043; the customer is told".into(),
                    "req-89: still held: (305) 555-0100 is already on PORT-1040 (submitted): open the rest by hand"
                        .into(),
                ],
            },
        ),
    ]
}

#[test]
fn every_staff_post_reads_as_its_golden_file() {
    let texts = Texts::new();
    for (name, post) in posts() {
        let rendered = texts.post(&post).unwrap_or_else(|e| panic!("{name}: {e:#}"));
        assert!(!rendered.subject.is_empty() && !rendered.body.is_empty(), "{name}");
        golden_in(
            "chat",
            &format!("{name}.md"),
            &format!("{}\n{}\n", rendered.subject, rendered.body),
        );
    }
}

#[test]
fn a_needs_person_post_leaves_a_mark_for_the_item_number_the_store_gives() {
    let rendered = Texts::new().post(&StaffPost::needs_person(item())).unwrap();
    assert!(
        rendered.body.contains(&format!("inbox show {INBOX_ITEM_MARK}")),
        "{}",
        rendered.body
    );
}

#[test]
fn every_chat_answer_reads_as_its_golden_file() {
    let texts = Texts::new();
    let customer = Customer {
        account: "ACME-001".into(),
        company: "Acme Dental".into(),
        onboarded: false,
        contacts: vec![portbot::domain::CustomerContact {
            email: "ops@acme.example".parse().unwrap(),
            name: Some("Dana Ortiz".into()),
            language: portbot::domain::Language::Es,
        }],
        time_zone: chrono_tz::America::Chicago,
        temporary_numbers: vec![],
        created_at: at("2026-11-20T15:00:00Z"),
    };
    let replies = vec![
        (
            "done",
            ChatReply::Done {
                order: card(&foc_confirmed()),
                done: "FOC 2026-12-08".into(),
            },
        ),
        (
            "order_card",
            ChatReply::OrderCard {
                order: card(&rejected(RejectCode::EntityNameMismatch)),
            },
        ),
        (
            "order_list",
            ChatReply::OrderList {
                orders: vec![ListRow {
                    reference: "PORT-1042".into(),
                    state: "foc_confirmed",
                    customer: "ACME-001".into(),
                    carrier: "Comcast Business".into(),
                    count: 3,
                    foc_date: Some("2026-12-08".into()),
                }],
                state: None,
            },
        ),
        (
            "order_list_empty",
            ChatReply::OrderList {
                orders: vec![],
                state: Some("rejected"),
            },
        ),
        ("inbox", ChatReply::Inbox { items: vec![item()] }),
        (
            "inbox_item",
            ChatReply::InboxItem {
                item: item(),
                text: "Where is our port?".into(),
            },
        ),
        (
            "customer_card",
            ChatReply::CustomerCard {
                c: customer,
                numbers: vec!["(305) 555-0199".into()],
            },
        ),
    ];
    for (name, reply) in replies {
        let text = texts.reply(&reply).unwrap_or_else(|e| panic!("{name}: {e:#}"));
        golden_in("chat", &format!("reply_{name}.md"), &format!("{text}\n"));
    }
}

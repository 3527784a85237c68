//! Golden files pin every customer e-mail in English and Spanish
//! (`tests/golden/email/`). After a deliberate change to a text, run the tests with
//! `PORTBOT_BLESS=1` and review the diff of the golden files.

use crate::story::{acme_request, bill_at};
use chrono::{DateTime, Utc};
use portbot::desk::{render_customer_mail, CustomerMail};
use portbot::domain::lifecycle::apply;
use portbot::domain::{Event, Language, NumberType, Order, OrderRef, RejectCode, Route};
use portbot::texts::Texts;
use std::path::PathBuf;

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Acme's order with a voice, a fax and an e-fax number, moved along by `events`.
pub fn order(events: Vec<Event>) -> Order {
    let mut order = acme_request("305-555-0100 thru 0102")
        .open(OrderRef::from_number(1042), at("2026-11-23T15:00:00Z"))
        .unwrap();
    order.numbers[1].number_type = NumberType::Fax;
    order.numbers[2].number_type = NumberType::Efax;
    for event in events {
        order = apply(&order, event, at("2026-11-24T15:00:00Z")).unwrap().order;
    }
    order
}

pub fn documents_in() -> Vec<Event> {
    vec![
        Event::LoaSigned,
        Event::BillReceived(bill_at("100 Main St, Miami, FL 33130")),
    ]
}

pub fn rejected(code: RejectCode) -> Order {
    let mut events = documents_in();
    events.push(Event::Submitted);
    events.push(Event::Rejected {
        code,
        reason: "SERVICE ADDRESS DOES NOT MATCH CSR".into(),
        numbers: vec![],
    });
    order(events)
}

/// On the port day two numbers ported and the e-fax line stayed with the carrier.
pub fn partly_completed() -> Order {
    let remaining = vec!["305-555-0102".parse().unwrap()];
    apply(
        &foc_confirmed(),
        Event::Completed { remaining },
        at("2026-12-08T20:00:00Z"),
    )
    .unwrap()
    .order
}

/// Rejected because one number (the e-fax line) cannot port.
pub fn not_portable() -> Order {
    let mut events = documents_in();
    events.push(Event::Submitted);
    events.push(Event::Rejected {
        code: RejectCode::PhoneNumberNotPortable,
        reason: "TN NOT PORTABLE - RATE CENTER".into(),
        numbers: vec!["305-555-0102".parse().unwrap()],
    });
    order(events)
}

pub fn foc_confirmed() -> Order {
    let mut events = documents_in();
    events.push(Event::Submitted);
    events.push(Event::FocConfirmed("2026-12-08".parse().unwrap()));
    events.push(Event::Routed {
        numbers: portbot::domain::Numbers::One("305-555-0100".parse().unwrap()),
        route: "ext 201".parse::<Route>().unwrap(),
    });
    order(events)
}

/// Every moment, in the order state it is sent in.
fn moments() -> Vec<(&'static str, Order, CustomerMail)> {
    let awaiting_mismatch = order(vec![Event::BillReceived(bill_at("200 Other Ave, Miami, FL 33130"))]);
    let submitted = {
        let mut events = documents_in();
        events.push(Event::Submitted);
        order(events)
    };
    let completed = {
        let mut o = foc_confirmed();
        o = apply(&o, Event::Completed { remaining: vec![] }, at("2026-12-08T20:00:00Z"))
            .unwrap()
            .order;
        o
    };
    let cancelled = apply(
        &foc_confirmed(),
        Event::Cancelled {
            reason: "customer staying with the carrier".into(),
        },
        at("2026-12-02T16:00:00Z"),
    )
    .unwrap()
    .order;
    let mut ending = order(vec![]);
    ending.contract_end = Some("2026-12-15".parse().unwrap());
    vec![
        (
            "loa_reminder_1",
            order(vec![]),
            CustomerMail::LoaReminder { n: 1, of: 3 },
        ),
        (
            "loa_reminder_3",
            order(vec![]),
            CustomerMail::LoaReminder { n: 3, of: 3 },
        ),
        (
            "bill_reminder_2",
            order(vec![Event::LoaSigned]),
            CustomerMail::BillReminder { n: 2, of: 3 },
        ),
        (
            "rejection_notice",
            rejected(RejectCode::LocationMismatch),
            CustomerMail::RejectionNotice,
        ),
        (
            "correction_reminder",
            rejected(RejectCode::PasscodePinInvalid),
            CustomerMail::CorrectionReminder { n: 1, of: 2 },
        ),
        ("routing_request", foc_confirmed(), CustomerMail::RoutingRequest),
        ("foc_confirmed", foc_confirmed(), CustomerMail::FocConfirmed),
        ("port_completed", completed.clone(), CustomerMail::PortCompleted),
        ("completion_withdrawn", completed, CustomerMail::CompletionWithdrawn),
        (
            "port_partly_completed",
            partly_completed(),
            CustomerMail::PortPartlyCompleted,
        ),
        ("rejection_not_portable", not_portable(), CustomerMail::RejectionNotice),
        ("port_cancelled", cancelled, CustomerMail::PortCancelled),
        ("order_opened", order(vec![]), CustomerMail::OrderOpened),
        ("keep_service_active", ending, CustomerMail::KeepServiceActive),
        ("status_reply_awaiting", awaiting_mismatch, CustomerMail::StatusReply),
        ("status_reply_submitted", submitted, CustomerMail::StatusReply),
        (
            "status_reply_rejected",
            rejected(RejectCode::EntityNameMismatch),
            CustomerMail::StatusReply,
        ),
        ("status_reply_foc", foc_confirmed(), CustomerMail::StatusReply),
    ]
}

fn golden(path: &str, actual: &str) {
    golden_in("email", path, actual)
}

/// Compares `actual` with `tests/golden/{dir}/{path}`, or writes it there when blessing.
pub fn golden_in(dir: &str, path: &str, actual: &str) {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(dir)
        .join(path);
    if std::env::var_os("PORTBOT_BLESS").is_some() {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&file)
        .unwrap_or_else(|_| panic!("{} is missing: run with PORTBOT_BLESS=1 to write it", file.display()));
    assert_eq!(
        actual, expected,
        "{path} changed: if on purpose, run with PORTBOT_BLESS=1 and review"
    );
}

#[test]
fn every_customer_email_reads_as_its_golden_file_in_both_languages() {
    let texts = Texts::new();
    for (name, order, mail) in moments() {
        for language in Language::ALL {
            let letter = render_customer_mail(&texts, &order, mail, *language, "3–14").unwrap();
            assert!(letter.subject.starts_with("[PORT-1042]"), "{name}: {}", letter.subject);
            assert!(!letter.text.contains("{{") && !letter.html.contains("{{"), "{name}");
            golden(
                &format!("{}/{name}.txt", language.as_str()),
                &format!("Subject: {}\n\n{}\n", letter.subject, letter.text),
            );
            if name == "foc_confirmed" {
                golden(&format!("{}/{name}.html", language.as_str()), &letter.html);
            }
        }
    }
    // A request leaving two carriers, one of them without its account details.
    let acknowledgement = portbot::texts::Acknowledgement {
        request_id: "PR-58213".into(),
        company: "Acme Dental Group".into(),
        count: 2,
        orders: vec![
            portbot::texts::AcknowledgedOrder {
                reference: "PORT-1042".into(),
                carrier: "Comcast Business".into(),
                kind: "local",
                numbers: vec!["(305) 555-0100".into()],
                missing: vec![],
                status_page: Some("https://porting.voip.example/p/1042.1798761600.en.sg9V3wWq0f8kB4ZfZ1r2Aw".into()),
            },
            portbot::texts::AcknowledgedOrder {
                reference: "PORT-1043".into(),
                carrier: "AT&T".into(),
                kind: "local",
                numbers: vec!["(305) 555-0300".into()],
                missing: vec!["account", "address"],
                status_page: Some("https://porting.voip.example/p/1043.1798761600.en.Qm1pX8tRk2nB5vYc7dLa0w".into()),
            },
        ],
        carriers: "Comcast Business / AT&T".into(),
        estimate: "3–14".into(),
        fee_total: "$50.00".into(),
        temporary_numbers: false,
        temporary_list: vec![],
    };
    for language in Language::ALL {
        let ack = texts
            .message(
                &format!("email/{}/acknowledgement", language.as_str()),
                &acknowledgement,
            )
            .unwrap();
        golden(
            &format!("{}/acknowledgement_missing_account.txt", language.as_str()),
            &format!("Subject: {}\n\n{}\n", ack.subject, ack.body),
        );
    }
    for language in Language::ALL {
        let refusal = texts
            .message(
                &format!("email/{}/cannot_share", language.as_str()),
                minijinja::context! { subject => "Where is PORT-1042?" },
            )
            .unwrap();
        assert!(
            !refusal.body.contains("PORT-1042") && !refusal.subject.contains("PORT-1042"),
            "the refusal says nothing about the order, nor repeats the sender's subject"
        );
        golden(
            &format!("{}/cannot_share.txt", language.as_str()),
            &format!("Subject: {}\n\n{}\n", refusal.subject, refusal.body),
        );
    }
}

#[test]
fn every_reject_code_tells_the_customer_what_to_fix_in_both_languages() {
    let texts = Texts::new();
    for language in Language::ALL {
        let fix = |code| {
            render_customer_mail(
                &texts,
                &rejected(code),
                CustomerMail::RejectionNotice,
                *language,
                "3–14",
            )
            .unwrap()
            .text
        };
        let generic = fix(RejectCode::Other);
        let mut seen = std::collections::HashSet::new();
        for code in RejectCode::ALL.iter().filter(|c| **c != RejectCode::Other) {
            let text = fix(*code);
            assert_ne!(text, generic, "{code:?} in {language}: no specific fix");
            assert!(
                seen.insert(text),
                "{code:?} in {language}: the same fix as another code"
            );
        }
    }
}

#[test]
fn routing_requests_ask_each_number_type_the_right_question() {
    let texts = Texts::new();
    let letter = render_customer_mail(
        &texts,
        &foc_confirmed(),
        CustomerMail::RoutingRequest,
        Language::En,
        "3–14",
    )
    .unwrap();
    assert!(
        letter
            .text
            .contains("(305) 555-0100: an extension, a ring group, or the auto-attendant (IVR) (we have: ext 201)"),
        "{}",
        letter.text
    );
    assert!(
        letter
            .text
            .contains("(305) 555-0101: which fax machine or fax adapter (ATA) port"),
        "{}",
        letter.text
    );
    assert!(
        letter
            .text
            .contains("(305) 555-0102: the e-mail address that should receive its faxes"),
        "{}",
        letter.text
    );
}

#[test]
fn a_customer_without_an_account_name_is_greeted_plainly_and_one_number_is_one() {
    let texts = Texts::new();
    let mut request = acme_request("305-555-0100");
    request.account.account_name = None;
    let order = request
        .open(OrderRef::from_number(1042), at("2026-11-23T15:00:00Z"))
        .unwrap();
    for (language, greeting, one) in [
        (Language::En, "Hello,\n", "your 1 number from"),
        (Language::Es, "Hola:\n", "su 1 número desde"),
    ] {
        let letter = render_customer_mail(
            &texts,
            &order,
            CustomerMail::LoaReminder { n: 1, of: 3 },
            language,
            "3–14",
        )
        .unwrap();
        assert!(letter.text.starts_with(greeting), "{}", letter.text);
        assert!(
            !letter.text.contains("ACME-001"),
            "never the account's id: {}",
            letter.text
        );
        assert!(letter.text.contains(one), "{}", letter.text);
        assert!(!letter.text.contains("(s)"), "{}", letter.text);
    }
}

#[test]
fn a_mail_without_a_footer_has_no_empty_footer_paragraph() {
    let texts = Texts::new();
    let html = texts
        .html_page(
            "Your message to our porting desk",
            "Hello,\n\nThank you.",
            "",
            Language::En,
        )
        .unwrap();
    assert!(!html.contains("font-size: 12px"), "{html}");
    let with = texts
        .html_page(
            "Subject",
            "Hello,\n\nThank you.",
            "This is an automatic message.",
            Language::En,
        )
        .unwrap();
    assert!(with.contains("This is an automatic message."));
}

#[test]
fn a_customer_email_ends_with_its_status_page_link_in_the_contacts_language() {
    let texts = Texts::new();
    let (_, order, mail) = moments()
        .into_iter()
        .find(|(name, _, _)| *name == "foc_confirmed")
        .unwrap();
    let link = "https://porting.voip.example/p/1042.1798761600.es.sg9V3wWq0f8kB4ZfZ1r2Aw";
    let letter =
        portbot::desk::render_customer_mail_linked(&texts, &order, mail, Language::Es, "3–14", Some(link.into()))
            .unwrap();
    let footer = letter.text.rsplit("-- \n").next().unwrap();
    assert!(
        footer.contains(&format!("El estado de su portabilidad, en cualquier momento: {link}")),
        "{footer}"
    );
    assert!(
        letter.html.contains("El estado de su portabilidad"),
        "the HTML part too"
    );
    let english = render_customer_mail(&texts, &order, mail, Language::En, "3–14").unwrap();
    assert!(
        !english.text.contains("/p/"),
        "no link when the board does not serve status pages"
    );
}

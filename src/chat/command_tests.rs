use super::*;
use crate::domain::{Detail, NumberType, OrderKind};

fn read(text: &str) -> Result<Command, CommandError> {
    parse(text, chrono_tz::America::New_York)
}

#[test]
fn commands_read_the_way_staff_type_them() {
    type Check = fn(&Command) -> bool;
    let cases: Vec<(&str, Check)> = vec![
        ("help", |c| matches!(c, Command::Help)),
        ("", |c| matches!(c, Command::Help)),
        (
            "!port status PORT-1042",
            |c| matches!(c, Command::Status(Target::Order(r)) if r.to_string() == "PORT-1042"),
        ),
        ("/status port#1042", |c| matches!(c, Command::Status(Target::Order(_)))),
        (
            "STATUS 1-305-555-0100",
            |c| matches!(c, Command::Status(Target::Number(n)) if n.e164() == "+13055550100"),
        ),
        ("list foc-confirmed", |c| {
            matches!(c, Command::List(Some(OrderState::FocConfirmed)))
        }),
        (
            "set PORT-1001 address 1 Main St, Miami, FL 33130",
            |c| matches!(c, Command::Set(_, Detail::ServiceAddress(a)) if a == "1 Main St, Miami, FL 33130"),
        ),
        ("set PORT-1001 contract_end 2027-01-15", |c| {
            matches!(c, Command::Set(_, Detail::ContractEnd(_)))
        }),
        (
            "foc PORT-1001 2026-12-03",
            |c| matches!(c, Command::Foc(_, d, false) if d.to_string() == "2026-12-03"),
        ),
        (
            "reject PORT-1001 phone-number-not-portable numbers=\"305-555-0102 thru 0103\" rate center",
            |c| matches!(c, Command::Reject { code: RejectCode::PhoneNumberNotPortable, numbers, reason, .. } if numbers.len() == 2 && reason == "rate center"),
        ),
        (
            "route PORT-1001 all ext 201",
            |c| matches!(c, Command::Route(_, Numbers::All, Route::Extension(x)) if x == "201"),
        ),
        (
            "route PORT-1001 (305) 555-0101 efax fax@acme.example",
            |c| matches!(c, Command::Route(_, Numbers::One(n), Route::Efax(_)) if n.e164() == "+13055550101"),
        ),
        (
            "cancel PORT-1001",
            |c| matches!(c, Command::Cancel(_, reason) if reason.is_empty()),
        ),
        (
            "open customer=A carrier='AT&T' numbers=\"800-555-0199\" contact=a@b.example kind=toll-free type=fax",
            |c| matches!(c, Command::Open(r, false) if r.carrier == "AT&T" && r.kind == Some(OrderKind::TollFree) && r.number_type == NumberType::Fax),
        ),
    ];
    for (text, expected) in cases {
        let command = read(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert!(expected(&command), "{text}: {command:?}");
    }
}

#[test]
fn only_reading_commands_are_open_to_everyone() {
    for (text, changes) in [
        ("status PORT-1001", false),
        ("list", false),
        ("help", false),
        ("note PORT-1001 x", true),
        ("submit PORT-1001", true),
        ("inbox", false),
        ("inbox attach 3 PORT-1001", true),
        ("inbox dismiss 3", true),
    ] {
        assert_eq!(read(text).unwrap().changes_an_order(), changes, "{text}");
    }
    assert!(
        read("inbox show 3").unwrap().needs_staff(),
        "a customer's whole e-mail is for staff"
    );
    assert!(!read("inbox").unwrap().needs_staff());
}

#[test]
fn inbox_commands_read_their_item_and_order() {
    assert!(matches!(read("inbox").unwrap(), Command::Inbox { all: false }));
    assert!(matches!(read("inbox all").unwrap(), Command::Inbox { all: true }));
    assert!(matches!(read("inbox show #4").unwrap(), Command::InboxShow(4)));
    assert!(matches!(read("inbox attach 4").unwrap(), Command::InboxAttach(4, None)));
    assert!(matches!(
        read("inbox attach 4 port-1042").unwrap(),
        Command::InboxAttach(4, Some(_))
    ));
    assert!(
        matches!(read("inbox dismiss 4 spam offer").unwrap(), Command::InboxDismiss(4, ref why) if why == "spam offer")
    );
    for bad in ["inbox show", "inbox attach x", "inbox attach 4 1042", "inbox burn 4"] {
        assert!(matches!(read(bad), Err(CommandError::Usage { .. })), "{bad}");
    }
}

#[test]
fn a_command_that_cannot_be_read_gives_its_usage() {
    for (text, usage_line) in [
        ("foc PORT-1001", USAGE_FOC),
        ("foc", USAGE_FOC),
        ("route PORT-1001 everything ext 1", USAGE_ROUTE),
        ("list pending", USAGE_LIST),
    ] {
        match read(text) {
            Err(CommandError::Usage { usage, .. }) => assert_eq!(usage, usage_line, "{text}"),
            other => panic!("{text}: {other:?}"),
        }
    }
}

use super::*;

fn acme() -> Customer {
    let mut c = Customer::new(
        "ACME-001".into(),
        "Acme Dental Group".into(),
        chrono_tz::America::New_York,
        "2026-11-01T12:00:00Z".parse().unwrap(),
    );
    c.onboarded = true;
    c.set_contact(crate::domain::CustomerContact {
        email: "ops@acme.example".parse().unwrap(),
        name: Some("Ops".into()),
        language: crate::domain::Language::En,
    })
    .unwrap();
    c
}

fn form(json: &str) -> IntakeForm {
    serde_json::from_str(json).unwrap()
}

const EXAMPLE: &str = r#"{"request_id": "PR-58213", "customer": "ACME-001", "submitted_by": "maria@acme.example",
 "carrier": "Comcast Business", "numbers": ["305-555-0100", "(305) 555-0101", "1-800-555-0199"],
 "number_type": "voice", "btn": "305-555-0100", "account_number": "8774 1012 3456 789",
 "pin": "1234", "account_name": "Acme Dental Group",
 "service_address": "100 Main St, Miami, FL 33130", "authorized_name": "Maria Lopez",
 "contract_end": "2027-01-15", "temporary_numbers": true}"#;

#[test]
fn the_portal_example_splits_toll_free_from_local_numbers() {
    let intake = read(&form(EXAMPLE), &acme()).unwrap();
    assert_eq!(intake.request_id, "PR-58213");
    assert!(intake.wants_temporary_numbers);
    assert_eq!(intake.orders.len(), 2);
    assert_eq!(intake.orders[0].kind, Some(OrderKind::Local));
    assert_eq!(intake.orders[0].numbers.len(), 2);
    assert_eq!(intake.orders[1].kind, Some(OrderKind::TollFree));
    let contacts: Vec<&str> = intake.orders[0].contacts.iter().map(|c| c.as_str()).collect();
    assert_eq!(contacts, ["maria@acme.example", "ops@acme.example"]);
}

#[test]
fn numbers_from_two_carriers_make_two_orders() {
    let json = EXAMPLE.replace(
        r#"["305-555-0100", "(305) 555-0101", "1-800-555-0199"]"#,
        r#"["305-555-0100", {"number": "305-555-0300", "carrier": "AT&T"}]"#,
    );
    let intake = read(&form(&json), &acme()).unwrap();
    let carriers: Vec<&str> = intake.orders.iter().map(|o| o.carrier.as_str()).collect();
    assert_eq!(carriers, ["Comcast Business", "AT&T"]);
}

#[test]
fn every_problem_is_listed_at_once() {
    let bad = r#"{"request_id": "PR-1", "customer": "ACME-001", "submitted_by": "maria at acme",
        "carrier": "Comcast", "numbers": ["305-555-01", "305-555-0100", "305-555-0100"], "pin": "12 34",
        "contract_end": "15/01/2027", "number_type": "pager"}"#;
    let problems = read(&form(bad), &acme()).unwrap_err();
    let text = problems.join("\n");
    for expected in [
        "account_number is missing",
        "account_name is missing",
        "service_address is missing",
        "authorized_name is missing",
        "submitted_by:",
        "number_type:",
        "pin:",
        "contract_end '15/01/2027'",
        "numbers: ",
        "listed twice",
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
}

#[test]
fn ids_come_first_and_say_what_is_missing() {
    assert_eq!(
        ids(&form(r#"{"customer": "ACME-001"}"#)).unwrap_err(),
        ["request_id is missing"]
    );
    assert!(ids(&form(r#"{"request_id": "x", "customer": "ACME 001!"}"#)).unwrap_err()[0].starts_with("customer:"));
    assert_eq!(
        ids(&form(EXAMPLE)).unwrap(),
        ("PR-58213".to_string(), "ACME-001".to_string())
    );
}

#[test]
fn each_carrier_keeps_its_own_account_and_one_left_out_opens_without_one() {
    let json = r#"{"request_id": "PR-2", "customer": "ACME-001", "submitted_by": "maria@acme.example",
        "authorized_name": "Maria Lopez",
        "numbers": [{"number": "305-555-0100", "carrier": "Comcast Business"},
                    {"number": "305-555-0300", "carrier": "at&t"}, {"number": "1-800-555-0199", "carrier": "Verizon"}],
        "accounts": [{"carrier": "AT&T", "account_number": "99-1234", "pin": "8642", "btn": "305-555-0300"},
                     {"carrier": "Comcast Business", "account_number": "8774", "pin": "1234"}]}"#;
    let intake = read(&form(json), &acme()).unwrap();
    let accounts: Vec<Option<&str>> = intake
        .orders
        .iter()
        .map(|o| o.account.account_number.as_deref())
        .collect();
    assert_eq!(accounts, [Some("8774"), Some("99-1234"), None]);
    assert_eq!(intake.orders[1].pin.as_ref().unwrap().expose(), "8642");
    assert!(
        intake.orders[2].pin.is_none(),
        "Verizon's order does not borrow another PIN"
    );
}

#[test]
fn an_accounts_list_says_what_does_not_add_up() {
    let json = r#"{"request_id": "PR-3", "customer": "ACME-001", "submitted_by": "maria@acme.example",
        "authorized_name": "Maria Lopez", "numbers": ["305-555-0100", {"number": "305-555-0300", "carrier": "AT&T"}],
        "accounts": [{"carrier": "AT&T", "pin": "86 42"}, {"carrier": "at&t"}, {"carrier": "Spectrum"}, {}]}"#;
    let text = read(&form(json), &acme()).unwrap_err().join("\n");
    for expected in [
        "AT&T: pin:",
        "at&t is listed twice",
        "no number in the request leaves Spectrum",
        "accounts[3]: name its carrier",
        "numbers: 305-555-0100 names no carrier",
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
}

use super::*;

fn e164(text: &str) -> String {
    text.parse::<PhoneNumber>()
        .map(|n| n.e164())
        .unwrap_or_else(|e| format!("error: {e}"))
}

#[test]
fn every_common_way_of_writing_a_number_reads_the_same() {
    for written in [
        "(305) 555-0123",
        "305.555.0123",
        "+1 305 555 0123",
        "1-305-555-0123",
        "3055550123",
        "+13055550123",
        "305-555-0123",
        "1 (305) 555-0123",
        "305/555-0123",
        " 305 555 0123 ",
    ] {
        assert_eq!(e164(written), "+13055550123", "{written}");
    }
}

#[test]
fn impossible_numbers_are_refused_with_the_reason() {
    type Check = fn(&PhoneError) -> bool;
    let cases: &[(&str, Check)] = &[
        ("(055) 555-0123", |e| matches!(e, PhoneError::BadAreaCode(_))),
        ("(155) 555-0123", |e| matches!(e, PhoneError::BadAreaCode(_))),
        ("(305) 055-0123", |e| matches!(e, PhoneError::BadExchange(_))),
        ("(305) 155-0123", |e| matches!(e, PhoneError::BadExchange(_))),
        ("(411) 555-0123", |e| matches!(e, PhoneError::ServiceCode(_))),
        ("(305) 911-0123", |e| matches!(e, PhoneError::ServiceCode(_))),
        ("305-555-012", |e| matches!(e, PhoneError::WrongLength(_, 9))),
        ("30555501234", |e| matches!(e, PhoneError::WrongLength(_, 11))),
        ("+44 20 7946 0958", |e| matches!(e, PhoneError::NotNanp(_))),
        ("call me", |e| matches!(e, PhoneError::NotANumber(_))),
        ("305-555-0123 ext 4", |e| matches!(e, PhoneError::NotANumber(_))),
    ];
    for (written, expected) in cases {
        let err = written.parse::<PhoneNumber>().expect_err(written);
        assert!(expected(&err), "{written}: {err:?}");
    }
}

#[test]
fn toll_free_is_told_from_local() {
    for (written, toll_free) in [
        ("800-555-0199", true),
        ("1-833-555-0199", true),
        ("(844) 555-0199", true),
        ("855 555 0199", true),
        ("866.555.0199", true),
        ("877-555-0199", true),
        ("888-555-0199", true),
        ("305-555-0199", false),
        ("(809) 555-0199", false),
        ("822-555-0199", false),
    ] {
        let n: PhoneNumber = written.parse().unwrap();
        assert_eq!(n.is_toll_free(), toll_free, "{written}");
    }
}

fn list(text: &str) -> Vec<String> {
    parse_number_list(text).unwrap().iter().map(|n| n.e164()).collect()
}

#[test]
fn ranges_expand_to_every_number() {
    assert_eq!(list("305-555-0100 thru 0119").len(), 20);
    assert_eq!(list("305-555-0100 thru 0119")[19], "+13055550119");
    assert_eq!(list("(954) 555-0200 to -0209").len(), 10);
    assert_eq!(list("(954) 555-0200 to -0209")[9], "+19545550209");
    assert_eq!(
        list("3055550100-0103"),
        ["+13055550100", "+13055550101", "+13055550102", "+13055550103"]
    );
    assert_eq!(list("305-555-0100 - 305-555-0102").len(), 3);
    assert_eq!(list("305-555-0100 through 305-555-0101").len(), 2);
    assert_eq!(list("305 555 0108-09"), ["+13055550108", "+13055550109"]);
    assert_eq!(list("305-555-0100 al 0101").len(), 2);
}

#[test]
fn text_that_starts_with_a_wide_character_is_not_a_number_and_no_panic() {
    assert!(matches!(
        leading_number("é305-555-0100"),
        Err(PhoneError::NotANumber(_))
    ));
    assert!(matches!("€".parse::<PhoneNumber>(), Err(PhoneError::NotANumber(_))));
    assert!(parse_number_list("ñ").is_err());
}

#[test]
fn a_number_can_lead_a_longer_text() {
    let (n, rest) = leading_number(" (305) 555-0100 ext 201").unwrap();
    assert_eq!((n.e164().as_str(), rest), ("+13055550100", " ext 201"));
    assert!(leading_number("all ext 201").is_err());
}

#[test]
fn lists_take_any_separator_and_drop_repeats() {
    assert_eq!(
        list("305-555-0100, (305) 555-0101; 305.555.0102\n3055550103 and 1-305-555-0100"),
        ["+13055550100", "+13055550101", "+13055550102", "+13055550103"]
    );
    assert_eq!(list("305 555 0100 305 555 0101"), ["+13055550100", "+13055550101"]);
}

#[test]
fn bad_lists_say_what_is_wrong() {
    let err = |t: &str| parse_number_list(t).unwrap_err();
    assert!(matches!(err("305-555-0119 thru 0100"), NumberListError::Backwards(_)));
    assert!(matches!(
        err("305-555-0100 thru 305-556-0100"),
        NumberListError::CrossesExchange(_)
    ));
    assert!(matches!(err("305-555-0000 thru 9999"), NumberListError::TooLong(_)));
    assert!(matches!(err("305-555-0100, lots more"), NumberListError::Stray(_)));
    assert!(matches!(err(" , "), NumberListError::Empty(_)));
    assert!(matches!(
        err("305-555-01"),
        NumberListError::Number(PhoneError::WrongLength(..))
    ));
}

use super::*;
use crate::parse::mime::Mail;

fn kind_of(subject: &str, body: &str) -> Kind {
    let mail = Mail {
        subject: subject.to_string(),
        from_address: "someone@example.com".into(),
        text: body.into(),
        ..Mail::default()
    };
    let text = format!("{subject}\n{body}").to_lowercase().replace('_', " ");
    classify(&Evidence {
        mail: &mail,
        new_text: &text,
        has_bill: false,
        has_order_ref: text.contains("port-"),
        has_numbers: false,
    })
    .kind
}

#[test]
fn notices_are_told_by_what_they_state() {
    let cases = [
        (
            "Port update PORT-1001",
            "Your port-in has been completed. The numbers now ring on your new service.",
            Kind::PortCompleted,
        ),
        (
            "PORT-1001",
            "The numbers have been ported successfully.",
            Kind::PortCompleted,
        ),
        (
            "PORT-1001",
            "Your port will complete on 12/15/2026 between 9 AM and noon.",
            Kind::FocConfirmed,
        ),
        ("PORT-1001", "Porting is set for Dec 15, 2026.", Kind::FocConfirmed),
        (
            "PORT-1001",
            "We were unable to process your request: the account number does not match.",
            Kind::PortRejected,
        ),
        (
            "PORT-1001 supplement needed",
            "Clarification required: provide the authorized name.",
            Kind::PortRejected,
        ),
    ];
    for (subject, body, kind) in cases {
        assert_eq!(kind_of(subject, body), kind, "{body}");
    }
}

#[test]
fn customers_asking_are_not_notices() {
    let cases = [
        ("Re: PORT-1001", "Is the port complete yet?", Kind::StatusQuestion),
        (
            "Re: PORT-1001",
            "Was our port rejected? Nobody told us.",
            Kind::StatusQuestion,
        ),
        (
            "Re: PORT-1001",
            "Can we cancel our old AT&T account after the port?",
            Kind::CustomerReply,
        ),
        (
            "Re: PORT-1001",
            "Please cancel the port, we are staying with Verizon.",
            Kind::CancelRequest,
        ),
        (
            "Re: PORT-1001",
            "Cancelen la portabilidad por favor.",
            Kind::CancelRequest,
        ),
        (
            "Re: PORT-1001",
            "Please ring 305-555-0100 to the front desk and the rest to voicemail.",
            Kind::RoutingConfirmation,
        ),
        ("Re: PORT-1001", "Can you route calls to an IVR?", Kind::CustomerReply),
        ("Re: PORT-1001", "Thanks, we got it.", Kind::CustomerReply),
        ("Lunch?", "Want to grab lunch tomorrow?", Kind::Unknown),
    ];
    for (subject, body, kind) in cases {
        assert_eq!(kind_of(subject, body), kind, "{body}");
    }
}

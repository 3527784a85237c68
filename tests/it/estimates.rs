//! The port-date estimate in status answers: days from submission to the carrier's
//! confirmation, as the carrier has taken them lately, a new confirmation included at once.

use crate::harness::{Backend, TestDesk};
use crate::inbox::arrives;
use crate::letters::{foc, mail};
use crate::story::acme_request;
use portbot::domain::Source;

async fn the_estimate_counts_days_from_submission_to_the_carriers_confirmation(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let desk = &t.app.desk;
    // Comcast took two business days to confirm the first order (Mon → Wed), for a
    // port day two weeks later: the estimate is the two days, not the fortnight.
    let first = desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap()
        .reference;
    crate::story::submitted(desk, &first).await;
    t.at("2026-11-25T15:00:00Z");
    arrives(&t, &foc(&first.to_string(), "2026-12-09")).await;
    let second = desk
        .open_order(acme_request("305-555-0101"), Source::Cli)
        .await
        .unwrap()
        .reference;
    crate::story::submitted(desk, &second).await;
    let question = mail(
        "Maria Lopez <ops@acme.example>",
        &format!("Where is {second}?"),
        "Any news on our port?",
    );
    arrives(&t, &question).await;
    let outbox = desk.outbox(true).await.unwrap();
    let reply = outbox
        .iter()
        .find(|m| m.template == "status_reply")
        .expect("the status reply");
    assert!(
        reply
            .body
            .contains("usually confirms a port date within 2 business days"),
        "{}",
        reply.body
    );
    t.finish().await;
}

on_both_backends!(the_estimate_counts_days_from_submission_to_the_carriers_confirmation);

async fn a_port_date_just_recorded_is_in_the_next_estimate(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let desk = &t.app.desk;
    let mut orders = Vec::new();
    for number in ["305-555-0100", "305-555-0101"] {
        let order = desk
            .open_order(acme_request(number), Source::Cli)
            .await
            .unwrap()
            .reference;
        crate::story::submitted(desk, &order).await;
        orders.push(order);
    }
    let asks = |minute: u32| {
        mail(
            "Maria Lopez <ops@acme.example>",
            &format!("Where is {}? ({minute})", orders[1]),
            "Any news on our port?",
        )
    };
    let last_status_reply = || async {
        let outbox = desk.outbox(true).await.unwrap();
        let replies: Vec<_> = outbox.into_iter().filter(|m| m.template == "status_reply").collect();
        replies.last().expect("a status reply").body.clone()
    };
    // Wednesday: no history yet, so the usual range; a minute later Comcast confirms
    // the first order, two business days after its submission.
    t.at("2026-11-25T15:00:00Z");
    arrives(&t, &asks(0)).await;
    assert!(last_status_reply().await.contains("3–14 business days"));
    t.at("2026-11-25T15:01:00Z");
    arrives(&t, &foc(&orders[0].to_string(), "2026-12-09")).await;
    t.at("2026-11-25T15:02:00Z");
    arrives(&t, &asks(2)).await;
    let reply = last_status_reply().await;
    assert!(reply.contains("within 2 business days"), "{reply}");
    t.finish().await;
}

on_both_backends!(a_port_date_just_recorded_is_in_the_next_estimate);

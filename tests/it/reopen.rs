//! `reopen`: staff take back a completion or cancellation made in error (issue #12).

use crate::harness::{Backend, TestDesk};
use crate::letters::completion;
use crate::story::{acme_request, submitted};
use portbot::desk::Origin;
use portbot::domain::{NumberStatus, OrderState, Source};

async fn a_wrong_completion_is_taken_back_and_the_customer_told(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let desk = &t.app.desk;
    let order = desk
        .open_order(acme_request("305-555-0100 thru 0102"), Source::Cli)
        .await
        .unwrap();
    let r = order.reference.to_string();
    submitted(desk, &order.reference).await;
    assert!(t.staff_says(&format!("foc {r} 2026-11-24")).await.ok);
    // The completion arrives (in local mode nothing is authenticated) and the
    // customer is told it is safe to cancel their old service.
    let notice = completion(&r);
    desk.take_email(notice.as_bytes(), Origin::file(notice.as_bytes()))
        .await
        .unwrap();
    assert_eq!(desk.order(&order.reference).await.unwrap().state, OrderState::Completed);

    let without_why = t.staff_says(&format!("reopen {r}")).await;
    assert!(
        !without_why.ok && without_why.text.contains("say why"),
        "{}",
        without_why.text
    );
    let reply = t
        .staff_says(&format!("reopen {r} the completion notice was forged"))
        .await;
    assert!(reply.ok, "{}", reply.text);
    let after = desk.order(&order.reference).await.unwrap();
    assert_eq!(after.state, OrderState::FocConfirmed, "back where it stood");
    assert!(after.numbers.iter().all(|n| n.status == NumberStatus::Pending));
    let timeline = t.app.store.timeline(&order.reference).await.unwrap();
    let last = timeline.last().unwrap();
    assert_eq!(last.event, "reopened");
    assert!(last.text.contains("the completion notice was forged") && last.text.contains("3 number(s)"));
    let outbox = desk.outbox(true).await.unwrap();
    let correction = outbox
        .iter()
        .find(|m| m.template == "completion_withdrawn")
        .expect("the customer is told the completion was sent in error");
    assert_eq!(correction.to, "ops@acme.example");
    assert!(correction.body.contains("do not cancel"), "{}", correction.body);
    let post = outbox
        .iter()
        .find(|m| m.template == "chat/reopened")
        .expect("staff are told it is open again");
    assert!(
        post.body.contains("the completion notice was forged"),
        "the post says why: {}",
        post.body
    );
    // Open again, it cannot be reopened; completing it again works as before.
    assert!(!t.staff_says(&format!("reopen {r} again")).await.ok);
    assert!(t.staff_says(&format!("complete {r}")).await.ok);
    t.finish().await;
}

on_both_backends!(a_wrong_completion_is_taken_back_and_the_customer_told);

async fn a_cancellation_is_taken_back_unless_its_numbers_moved_on(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let desk = &t.app.desk;
    let first = desk
        .open_order(acme_request("305-555-0300"), Source::Cli)
        .await
        .unwrap()
        .reference;
    assert!(
        t.staff_says(&format!("cancel {first} customer changed their mind"))
            .await
            .ok
    );
    let reply = t.staff_says(&format!("reopen {first} cancelled the wrong order")).await;
    assert!(reply.ok, "{}", reply.text);
    assert_eq!(desk.order(&first).await.unwrap().state, OrderState::AwaitingDocuments);
    let outbox = desk.outbox(true).await.unwrap();
    assert!(
        !outbox.iter().any(|m| m.template == "completion_withdrawn"),
        "no completion e-mail went out, so no correction"
    );
    // Cancelled again, and its number is now on a new order: reopening would put the
    // number on two open orders, so it is refused with where the number is.
    assert!(t.staff_says(&format!("cancel {first} really")).await.ok);
    let second = desk
        .open_order(acme_request("305-555-0300"), Source::Cli)
        .await
        .unwrap()
        .reference;
    let refused = t.staff_says(&format!("reopen {first} oops")).await;
    assert!(!refused.ok, "{}", refused.text);
    assert!(refused.text.contains(&second.to_string()), "{}", refused.text);
    assert_eq!(desk.order(&first).await.unwrap().state, OrderState::Cancelled);
    t.finish().await;
}

on_both_backends!(a_cancellation_is_taken_back_unless_its_numbers_moved_on);

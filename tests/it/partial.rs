//! What real ports do after the happy path: a carrier that ports some numbers and not
//! others, a number that cannot port, and supplements (SUPPs) sent after submission.

use crate::harness::{Backend, TestDesk};
use crate::letters::mail;
use crate::story::{acme_request, bill_at};
use portbot::desk::Origin;
use portbot::domain::{Event, NumberStatus, OrderRef, OrderState, OutboxMessage, Source};

/// Acme's order for 305-555-0100 thru 0102, documents in and submitted.
async fn submitted(t: &TestDesk) -> OrderRef {
    submitted_with(t, "305-555-0100 thru 0102").await
}

/// Acme's order for `numbers`, documents in and submitted.
pub async fn submitted_with(t: &TestDesk, numbers: &str) -> OrderRef {
    let desk = &t.app.desk;
    let order = desk.open_order(acme_request(numbers), Source::Cli).await.unwrap();
    let r = order.reference;
    let customer = Source::Email("ops@acme.example".into());
    desk.act(&r, Event::LoaSigned, customer.clone()).await.unwrap();
    let bill = bill_at("100 Main St, Miami, FL 33130");
    desk.act(&r, Event::BillReceived(bill), customer).await.unwrap();
    let reply = t.staff_says(&format!("submit {r}")).await;
    assert!(reply.ok, "{}", reply.text);
    r
}

async fn sent(t: &TestDesk, template: &str) -> Vec<OutboxMessage> {
    let all = t.app.desk.outbox(true).await.unwrap();
    all.into_iter().filter(|m| m.template == template).collect()
}

/// The first message of `template` in the outbox says `words`.
async fn first_says(t: &TestDesk, template: &str, words: &str) {
    let messages = sent(t, template).await;
    let first = messages
        .first()
        .unwrap_or_else(|| panic!("no {template} in the outbox"));
    assert!(
        first.body.contains(words),
        "{template} does not say '{words}': {}",
        first.body
    );
}

/// Staff run `command` in chat, and it works.
pub async fn staff_do(t: &TestDesk, command: &str) {
    let reply = t.staff_says(command).await;
    assert!(reply.ok, "{command}: {}", reply.text);
}

async fn status_of(t: &TestDesk, r: &OrderRef, number: &str) -> NumberStatus {
    let order = t.app.desk.order(r).await.unwrap();
    order.number(&number.parse().unwrap()).unwrap().status
}

async fn a_partial_completion_keeps_the_old_service_for_the_number_left_behind(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let r = submitted(&t).await;
    assert!(t.staff_says(&format!("foc {r} 2026-12-08")).await.ok);

    // On the port day the carrier ports two numbers; the third stays with Comcast.
    t.at("2026-12-08T17:00:00Z");
    let notice = mail(
        "Port Desk <notify@portflow.example>",
        &format!("Port activation - PON {r}"),
        &format!(
            "PON: {r}\n305-555-0100 and 305-555-0101 have been ported successfully.\n\
             305-555-0102 remains with Comcast Business: it was not included in this activation.\n"
        ),
    );
    t.app
        .desk
        .take_email(notice.as_bytes(), Origin::file(notice.as_bytes()))
        .await
        .unwrap();
    let order = t.app.desk.order(&r).await.unwrap();
    assert_eq!(
        order.state,
        OrderState::FocConfirmed,
        "open while a number stays behind"
    );
    assert_eq!(status_of(&t, &r, "305-555-0100").await, NumberStatus::Ported);
    assert_eq!(status_of(&t, &r, "305-555-0102").await, NumberStatus::Remaining);
    assert!(
        sent(&t, "port_completed").await.is_empty(),
        "never 'safe to cancel' yet"
    );
    let partly = sent(&t, "port_partly_completed").await;
    assert_eq!(partly.len(), 1);
    first_says(
        &t,
        "port_partly_completed",
        "keep your Comcast Business service active for (305) 555-0102",
    )
    .await;
    first_says(&t, "chat/partly_completed", &format!("supp {r} drop +13055550102")).await;

    // Staff drop the number that stayed (the customer keeps it with Comcast): done.
    staff_do(&t, &format!("supp {r} drop 305-555-0102")).await;
    let order = t.app.desk.order(&r).await.unwrap();
    assert_eq!(order.state, OrderState::Completed);
    assert_eq!(order.fee_total_cents(), 3 * 2500, "$25 for every number requested");
    let done = sent(&t, "port_completed").await;
    assert_eq!(done.len(), 1);
    assert!(done[0].body.contains("(305) 555-0101"), "{}", done[0].body);
    assert!(!done[0].body.contains("(305) 555-0102"), "{}", done[0].body);
    t.finish().await;
}

on_both_backends!(a_partial_completion_keeps_the_old_service_for_the_number_left_behind);

async fn a_number_that_cannot_port_is_dropped_by_a_supp_and_the_order_resubmitted(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let r = submitted(&t).await;
    let reply = t
        .staff_says(&format!(
            "reject {r} PHONE_NUMBER_NOT_PORTABLE numbers=\"305-555-0102\" rate center not portable"
        ))
        .await;
    assert!(reply.ok, "{}", reply.text);
    // The customer is told which number; staff how to go on.
    first_says(&t, "rejection_notice", "(305) 555-0102 cannot be ported").await;
    first_says(&t, "chat/rejection", &format!("supp {r} drop +13055550102")).await;

    staff_do(&t, &format!("supp {r} drop 305-555-0102")).await;
    assert_eq!(t.app.desk.order(&r).await.unwrap().state, OrderState::Ready);
    staff_do(&t, &format!("submit {r}")).await;
    let file = t.app.desk.order_file(&r).await.unwrap();
    assert_eq!(file.order.state, OrderState::Submitted);
    assert_eq!(file.order.supplements, 1);
    let supp = file.timeline.iter().find(|e| e.event == "supplemented").unwrap();
    assert!(supp.text.starts_with("SUPP 1: dropped +13055550102"), "{}", supp.text);
    // The dropped number is free for another order.
    let elsewhere = t.app.desk.open_order(acme_request("305-555-0102"), Source::Cli).await;
    assert!(elsewhere.is_ok(), "{elsewhere:?}");
    t.finish().await;
}

on_both_backends!(a_number_that_cannot_port_is_dropped_by_a_supp_and_the_order_resubmitted);

async fn a_supp_names_a_new_btn_and_a_port_date_and_goes_back_to_the_carrier(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let r = submitted(&t).await;
    let reply = t
        .staff_says(&format!(
            "reject {r} MAIN_BTN_PORTING BTN is porting, provide a new BTN"
        ))
        .await;
    assert!(reply.ok, "{}", reply.text);
    let refused = t.staff_says(&format!("supp {r} new-btn 305-555-0100")).await;
    assert!(
        !refused.ok && refused.text.contains("must be a number that stays"),
        "{}",
        refused.text
    );
    assert!(t.staff_says(&format!("supp {r} new-btn 305-555-0199")).await.ok);
    let reply = t.staff_says(&format!("supp {r} date 2026-12-15")).await;
    assert!(reply.ok, "{}", reply.text);
    let order = t.app.desk.order(&r).await.unwrap();
    assert_eq!(order.state, OrderState::Ready);
    assert_eq!(order.supplements, 2);
    assert_eq!(order.new_btn, Some("305-555-0199".parse().unwrap()));
    assert_eq!(order.requested_date, Some("2026-12-15".parse().unwrap()));
    assert!(t.staff_says(&format!("submit {r}")).await.ok);
    let unknown = t.staff_says(&format!("supp {r} colour blue")).await;
    assert!(
        !unknown.ok && unknown.text.contains("supp PORT-1042 drop"),
        "{}",
        unknown.text
    );
    t.finish().await;
}

on_both_backends!(a_supp_names_a_new_btn_and_a_port_date_and_goes_back_to_the_carrier);

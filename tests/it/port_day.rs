//! The port date as the customer lives it: a doubtful date checked by staff first, one
//! confirmation per correction with one calendar event, mail that no longer fits
//! withdrawn before it leaves, and a cancellation that clears the calendar.

use crate::harness::{Backend, TestDesk};
use crate::letters::foc;
use crate::partial::{staff_do, submitted_with};
use portbot::desk::Origin;
use portbot::domain::{OrderRef, OrderState, OutboxMessage, OutboxStatus};

/// Acme's order for 305-555-0100 and 0101, documents in and submitted.
async fn submitted(t: &TestDesk) -> OrderRef {
    submitted_with(t, "305-555-0100 thru 0101").await
}

async fn mails(t: &TestDesk, template: &str) -> Vec<OutboxMessage> {
    let all = t.app.desk.outbox(true).await.unwrap();
    all.into_iter().filter(|m| m.template == template).collect()
}

fn calendar(m: &OutboxMessage) -> String {
    m.email.as_ref().and_then(|e| e.calendar.clone()).unwrap_or_default()
}

async fn a_holiday_foc_goes_to_staff_and_is_taken_once_they_confirm_it(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let r = submitted(&t).await;

    // The carrier's notice names Thanksgiving: staff hear of it, the order waits.
    let notice = foc(&r.to_string(), "11/26/2026");
    t.app
        .desk
        .take_email(notice.as_bytes(), Origin::file(notice.as_bytes()))
        .await
        .unwrap();
    assert_eq!(t.app.desk.order(&r).await.unwrap().state, OrderState::Submitted);
    let queue = t.app.desk.staff_queue(false).await.unwrap();
    assert!(queue.iter().any(|i| i.reason.contains("Thanksgiving")), "{queue:?}");

    // Typed by hand it is refused too, with the way to say it is right.
    let refused = t.staff_says(&format!("foc {r} 2026-11-26")).await;
    assert!(!refused.ok, "{}", refused.text);
    assert!(
        refused.text.contains(&format!("foc {r} 2026-11-26 confirm")),
        "{}",
        refused.text
    );
    let weekend = t.staff_says(&format!("foc {r} 2026-12-05")).await;
    assert!(!weekend.ok && weekend.text.contains("Saturday"), "{}", weekend.text);
    let far = t.staff_says(&format!("foc {r} 2027-11-29")).await;
    assert!(!far.ok && far.text.contains("days away"), "{}", far.text);

    staff_do(&t, &format!("foc {r} 2026-11-26 confirm")).await;
    let order = t.app.desk.order(&r).await.unwrap();
    assert_eq!(order.foc_date, Some("2026-11-26".parse().unwrap()));
    t.finish().await;
}

on_both_backends!(a_holiday_foc_goes_to_staff_and_is_taken_once_they_confirm_it);

async fn a_corrected_foc_is_mailed_once_and_moves_the_same_calendar_event(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let r = submitted(&t).await;
    // Saturday: customer mail waits for Monday's window, so the corrections meet it.
    t.at("2026-11-28T15:00:00Z");
    for date in ["2026-12-08", "2026-12-09", "2026-12-10"] {
        staff_do(&t, &format!("foc {r} {date}")).await;
    }
    let focs = mails(&t, "foc_confirmed").await;
    let waiting: Vec<&OutboxMessage> = focs.iter().filter(|m| m.status == OutboxStatus::Pending).collect();
    assert_eq!(waiting.len(), 1, "one confirmation goes out: {focs:?}");
    assert!(calendar(waiting[0]).contains("DTSTART;VALUE=DATE:20261210"));
    let withdrawn = focs.iter().filter(|m| m.status == OutboxStatus::Withdrawn).count();
    assert_eq!(withdrawn, 2);
    let uids: std::collections::HashSet<String> = focs
        .iter()
        .map(|m| calendar(m).lines().find(|l| l.starts_with("UID:")).unwrap().to_string())
        .collect();
    assert_eq!(uids.len(), 1, "one event for the order: {uids:?}");
    t.finish().await;
}

on_both_backends!(a_corrected_foc_is_mailed_once_and_moves_the_same_calendar_event);

async fn a_correction_request_is_withdrawn_when_staff_fix_and_resubmit_first(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let r = submitted(&t).await;
    // Saturday: the rejection is told to the customer on Monday 08:00...
    t.at("2026-11-28T15:00:00Z");
    staff_do(&t, &format!("reject {r} PASSCODE_PIN_INVALID PIN does not match")).await;
    assert_eq!(mails(&t, "rejection_notice").await[0].status, OutboxStatus::Pending);
    // ...but staff fix it and resubmit the same day.
    staff_do(&t, &format!("set {r} pin 4821")).await;
    staff_do(&t, &format!("submit {r}")).await;
    let notice = &mails(&t, "rejection_notice").await[0];
    assert_eq!(
        notice.status,
        OutboxStatus::Withdrawn,
        "no 'needs a correction' after the fix"
    );
    let waiting = t.app.desk.outbox(false).await.unwrap();
    assert!(waiting.iter().all(|m| m.template != "rejection_notice"), "{waiting:?}");
    t.finish().await;
}

on_both_backends!(a_correction_request_is_withdrawn_when_staff_fix_and_resubmit_first);

async fn a_cancelled_port_is_confirmed_to_the_customer_and_leaves_their_calendar(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let r = submitted(&t).await;
    staff_do(&t, &format!("foc {r} 2026-12-08")).await;
    staff_do(&t, &format!("cancel {r} customer is staying with Comcast")).await;
    let cancelled = mails(&t, "port_cancelled").await;
    assert_eq!(cancelled.len(), 1);
    assert!(
        cancelled[0].body.contains("Keep your service with Comcast Business"),
        "{}",
        cancelled[0].body
    );
    let ics = calendar(&cancelled[0]);
    assert!(
        ics.contains("METHOD:CANCEL") && ics.contains(&format!("UID:{r}@")),
        "{ics}"
    );
    let foc_uid = calendar(&mails(&t, "foc_confirmed").await[0]);
    assert!(foc_uid.contains(&format!("UID:{r}@")));
    t.finish().await;
}

on_both_backends!(a_cancelled_port_is_confirmed_to_the_customer_and_leaves_their_calendar);

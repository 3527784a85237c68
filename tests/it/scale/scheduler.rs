//! The scheduler's failures seen (`/healthz`, one staff alert) and the digest's list.

use super::opened;
use crate::harness::{Backend, TestDesk};
use crate::story::submitted;
use portbot::domain::{Event, Source};

/// The messages queued with this template, sent or not.
async fn queued(t: &TestDesk, template: &str) -> Vec<portbot::domain::OutboxMessage> {
    let outbox = t.app.desk.outbox(true).await.unwrap();
    outbox.into_iter().filter(|m| m.template == template).collect()
}

fn scheduler_up(t: &TestDesk) -> bool {
    t.app.desk.health().snapshot()["scheduler"].up
}

async fn a_failing_tick_sets_the_scheduler_down_and_tells_staff_once(backend: Backend) {
    let t = TestDesk::start(backend).await;
    t.at("2026-11-24T15:00:00Z");
    opened(&t, "305-555-0100").await;
    t.app.desk.scheduled_tick().await.unwrap();
    assert!(scheduler_up(&t));
    // The tick's queue cannot be read: every tick fails until it can.
    t.execute("ALTER TABLE order_attention RENAME COLUMN attention_at TO attention_lost")
        .await;
    for at in ["2026-11-24T15:05:00Z", "2026-11-24T15:10:00Z", "2026-11-24T15:15:00Z"] {
        t.at(at);
        assert!(t.app.desk.scheduled_tick().await.is_err());
    }
    assert!(!scheduler_up(&t));
    let down = &t.app.desk.health().snapshot()["scheduler"];
    assert!(down.detail.contains("attention_at"), "{}", down.detail);
    assert_eq!(
        down.since,
        "2026-11-24T15:05:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap()
    );
    assert_eq!(
        queued(&t, "chat/scheduler_down").await.len(),
        1,
        "staff are told once, not at every tick"
    );
    let post = queued(&t, "chat/scheduler_down").await.pop();
    assert!(
        post.unwrap().body.contains("10:05 EST"),
        "the time it went down, in the desk's zone"
    );
    // Mended: up again; broken again later: told again.
    t.execute("ALTER TABLE order_attention RENAME COLUMN attention_lost TO attention_at")
        .await;
    t.at("2026-11-24T15:20:00Z");
    t.app.desk.scheduled_tick().await.unwrap();
    assert!(scheduler_up(&t));
    t.execute("ALTER TABLE order_attention RENAME COLUMN attention_at TO attention_lost")
        .await;
    t.at("2026-11-24T16:00:00Z");
    assert!(t.app.desk.scheduled_tick().await.is_err());
    assert_eq!(queued(&t, "chat/scheduler_down").await.len(), 2);
    t.finish().await;
}

on_both_backends!(a_failing_tick_sets_the_scheduler_down_and_tells_staff_once);

async fn the_digest_lists_only_what_is_due_for_it(backend: Backend) {
    let t = TestDesk::start(backend).await;
    // Opened on the Monday before Thanksgiving: six business days without documents by
    // Wednesday 2 December. Opened that Tuesday: not yet late.
    t.at("2026-11-23T15:00:00Z");
    let late = opened(&t, "305-555-0300").await;
    let port_day = opened(&t, "305-555-0100").await;
    submitted(&t.app.desk, &port_day.reference).await;
    let foc = Event::FocConfirmed("2026-12-02".parse().unwrap());
    t.app
        .desk
        .act(&port_day.reference, foc, Source::Chat("dana".into()))
        .await
        .unwrap();
    t.at("2026-12-01T15:00:00Z");
    let fresh = opened(&t, "305-555-0400").await;
    t.at("2026-12-02T15:00:00Z");
    let digest = t.app.desk.digest().await.unwrap();
    let text = format!("{}\n{}", digest.subject, digest.body);
    assert!(
        text.contains(&format!("{}", late.reference)) && text.contains("documents missing for 6 business days"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{}", port_day.reference)),
        "today's port day: {text}"
    );
    assert!(!text.contains(&format!("{}", fresh.reference)), "not late yet: {text}");
    t.finish().await;
}

on_both_backends!(the_digest_lists_only_what_is_due_for_it);

/// An order whose attention time is missing (one copied in by SQL, say) is claimed by
/// no tick, but not lost: its next change writes the time again, and the reminder it is
/// due goes at the next tick.
async fn an_order_without_an_attention_time_gets_one_at_its_next_change(backend: Backend) {
    let t = TestDesk::start(backend).await;
    t.at("2026-11-23T15:00:00Z");
    let order = opened(&t, "305-555-0100").await;
    let id = order.reference.number().expect("a desk reference");
    t.execute(&format!("DELETE FROM order_attention WHERE order_id = {id}"))
        .await;
    let loa_reminders = |outbox: Vec<portbot::domain::OutboxMessage>| {
        outbox.iter().filter(|m| m.template.contains("loa_reminder")).count()
    };
    // A business day later the first LOA reminder is due.
    t.at("2026-11-24T15:00:00Z");
    t.app.desk.scheduled_tick().await.unwrap();
    assert_eq!(
        loa_reminders(t.app.desk.outbox(true).await.unwrap()),
        0,
        "no tick claims it"
    );
    let question = crate::letters::mail(
        "Maria Lopez <ops@acme.example>",
        &format!("Where is my port? {}", order.reference),
        "Any news?",
    );
    crate::inbox::arrives(&t, &question).await;
    t.at("2026-11-24T15:05:00Z");
    t.app.desk.scheduled_tick().await.unwrap();
    assert_eq!(
        loa_reminders(t.app.desk.outbox(true).await.unwrap()),
        1,
        "the question's change wrote the time again"
    );
    t.finish().await;
}

on_both_backends!(an_order_without_an_attention_time_gets_one_at_its_next_change);

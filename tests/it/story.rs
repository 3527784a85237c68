//! The porting story from first request to ported numbers, on both backends.

use crate::harness::{Backend, TestDesk};
use portbot::desk::{Origin, Taken};
use portbot::domain::{
    parse_number_list, AccountDetails, Bill, Event, NumberStatus, NumberType, OrderState, PortRequest, Source,
    TimelineEntry,
};
use portbot::store::{OrderChange, StoreError};

/// Runs a scenario as two tests, `scenario::on_sqlite` and `scenario::on_postgres`.
macro_rules! on_both_backends {
    ($scenario:ident) => {
        mod $scenario {
            use crate::harness::Backend;

            #[tokio::test]
            async fn on_sqlite() {
                super::$scenario(Backend::Sqlite).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                super::$scenario(Backend::Postgres).await;
            }
        }
    };
}

pub fn acme_request(numbers: &str) -> PortRequest {
    PortRequest {
        customer: "ACME-001".into(),
        carrier: "Comcast Business".into(),
        numbers: parse_number_list(numbers).unwrap(),
        number_type: NumberType::Voice,
        kind: None,
        contacts: vec!["ops@acme.example".parse().unwrap()],
        account: AccountDetails {
            account_number: Some("8774 1012 3456 789".into()),
            btn: Some("305-555-0100".parse().unwrap()),
            account_name: Some("Acme Dental Group".into()),
            service_address: Some("100 Main St, Miami, FL 33130".into()),
        },
        pin: None,
        authorized_name: Some("Maria Lopez".into()),
        contract_end: None,
        time_zone: chrono_tz::America::New_York,
    }
}

pub fn bill_at(address: &str) -> Bill {
    Bill {
        carrier: Some("Comcast Business".into()),
        account_number: Some("877410123456789".into()),
        btn: Some("+13055550100".parse().unwrap()),
        account_name: Some("ACME DENTAL GROUP".into()),
        service_address: Some(address.into()),
        invoice_date: Some("2026-10-28".parse().unwrap()),
        numbers: parse_number_list("305-555-0100 thru 0105").unwrap(),
        max_age_days: None,
    }
}

async fn a_port_goes_from_request_to_ported_numbers(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let desk = &t.app.desk;

    let order = desk
        .open_order(acme_request("305-555-0100 thru 0103"), Source::Cli)
        .await
        .unwrap();
    let r = order.reference.clone();
    assert_eq!(r.to_string(), "PORT-1001");
    assert_eq!(order.state, OrderState::AwaitingDocuments);

    // A second order for one of its numbers is refused while this one is open.
    let overlap = desk
        .open_order(acme_request("305-555-0103, 305-555-0104"), Source::Cli)
        .await
        .unwrap_err();
    assert!(
        overlap.to_string().contains("+13055550103 is already on PORT-1001"),
        "{overlap}"
    );

    // The customer's bill shows another service address: the order shows the mismatch.
    t.at("2026-11-24T14:00:00Z");
    let bill = bill_at("2100 Ponce de Leon Blvd, Coral Gables, FL 33134");
    let outcome = desk
        .act(&r, Event::BillReceived(bill), Source::Email("ops@acme.example".into()))
        .await
        .unwrap();
    let mismatches = outcome.order.mismatches();
    assert_eq!(mismatches.len(), 1);
    assert_eq!(mismatches[0].order, "100 Main St, Miami, FL 33130");

    // Staff correct it in chat; the signed LOA makes the order ready.
    let reply = t
        .staff_says("set PORT-1001 address 2100 Ponce de Leon Boulevard, Coral Gables, FL 33134")
        .await;
    assert!(
        reply.ok && reply.text.contains("now matches the bill"),
        "{}",
        reply.text
    );
    let reply = t.staff_says("loa-signed PORT-1001").await;
    assert!(reply.ok && reply.text.contains("Now ready to submit"), "{}", reply.text);

    // Submitted; the carrier rejects; a correction makes it ready again; resubmitted.
    assert!(t.staff_says("submit PORT-1001").await.ok);
    t.at("2026-11-27T16:00:00Z");
    let reply = t
        .staff_says("reject PORT-1001 ACCOUNT_NUMBER_MISMATCH acct no does not match CSR")
        .await;
    assert!(reply.ok, "{}", reply.text);
    assert_eq!(desk.order(&r).await.unwrap().state, OrderState::Rejected);
    let reply = t.staff_says("submit PORT-1001").await;
    assert!(
        !reply.ok && reply.text.contains("Correct the details first"),
        "{}",
        reply.text
    );
    assert!(t.staff_says("set PORT-1001 account 8774 1012 3456 789").await.ok);
    assert_eq!(desk.order(&r).await.unwrap().state, OrderState::Ready);
    assert!(t.staff_says("submit PORT-1001").await.ok);

    // The FOC arrives; routing is confirmed; the port completes.
    let reply = t.staff_says("foc PORT-1001 2026-12-03").await;
    assert!(reply.ok, "{}", reply.text);
    assert!(t.staff_says("route PORT-1001 all ring-group Front Desk").await.ok);
    let reply = t.staff_says("route PORT-1001 (305) 555-0100 ivr Main menu").await;
    assert!(reply.ok, "{}", reply.text);
    t.at("2026-12-03T17:00:00Z");
    assert!(t.staff_says("complete PORT-1001").await.ok);

    let file = desk.order_file(&r).await.unwrap();
    assert_eq!(file.order.state, OrderState::Completed);
    assert!(file.order.routing_confirmed());
    assert!(file.order.numbers.iter().all(|n| n.status == NumberStatus::Ported));
    assert_eq!(file.order.fee_total_cents(), 10_000);
    let events: Vec<&str> = file.timeline.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(
        events,
        [
            "opened",
            "bill_received",
            "detail_set",
            "loa_signed",
            "submitted",
            "rejected",
            "detail_set",
            "submitted",
            "foc_confirmed",
            "routed",
            "routed",
            "completed"
        ]
    );
    assert_eq!(file.timeline[3].source, "chat:dana");
    assert_eq!(
        file.timeline[1].at,
        "2026-11-24T14:00:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap()
    );

    // Each moment staff must hear of was queued once, in order.
    let posts: Vec<String> = desk
        .outbox(true)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.template)
        .collect();
    assert_eq!(
        posts,
        [
            "chat/new_order",
            "chat/bill_mismatch",
            "chat/rejection",
            "rejection_notice",
            "chat/foc_set",
            "foc_confirmed",
            "chat/completed",
            "port_completed",
        ]
    );

    // Once ported, the numbers are free for another order.
    assert!(desk.open_order(acme_request("305-555-0103"), Source::Cli).await.is_ok());
    t.finish().await;
}

on_both_backends!(a_port_goes_from_request_to_ported_numbers);

async fn a_change_saved_from_a_stale_copy_is_refused(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let order = t
        .app
        .desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap();
    let change = |text: &str| OrderChange {
        lines_changed: true,
        ..change_with_entry(order.clone(), entry_at(t.app.desk.now(), "test", "note", text))
    };
    t.app.store.save(change("first writer")).await.unwrap();
    let second = t.app.store.save(change("second writer")).await.unwrap_err();
    assert!(matches!(second, StoreError::Conflict(_)), "{second}");
    let timeline = t.app.store.timeline(&order.reference).await.unwrap();
    assert_eq!(timeline.iter().filter(|e| e.event == "note").count(), 1);
    t.finish().await;
}

on_both_backends!(a_change_saved_from_a_stale_copy_is_refused);

async fn a_reminder_saved_twice_under_its_key_is_refused_the_second_time(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let opened = t
        .app
        .desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap();
    let reminder = |order: portbot::domain::Order| OrderChange {
        once: Some(format!("loa-reminder-1:{}", opened.reference)),
        ..change_with_entry(
            order,
            entry_at(t.app.desk.now(), "scheduler", "reminder_sent", "LOA reminder 1 of 3"),
        )
    };
    t.app.store.save(reminder(opened.clone())).await.unwrap();
    // A second replica, with the order as it is now saved: the key is already taken.
    let now_saved = t.app.store.order(&opened.reference).await.unwrap().unwrap();
    let second = t.app.store.save(reminder(now_saved)).await.unwrap_err();
    assert!(matches!(second, StoreError::AlreadyApplied(_)), "{second}");
    let timeline = t.app.store.timeline(&opened.reference).await.unwrap();
    assert_eq!(timeline.iter().filter(|e| e.event == "reminder_sent").count(), 1);
    t.finish().await;
}

on_both_backends!(a_reminder_saved_twice_under_its_key_is_refused_the_second_time);

/// A change that only adds `entry` to `order`'s timeline: no e-mail, no key, no files.
pub fn change_with_entry(order: portbot::domain::Order, entry: TimelineEntry) -> OrderChange {
    OrderChange {
        documents: Vec::new(),
        order,
        entry,
        outbox: vec![],
        lines_changed: false,
        once: None,
        attention_at: None,
        withdraw: Vec::new(),
    }
}

pub fn entry_at(at: chrono::DateTime<chrono::Utc>, source: &str, event: &str, text: &str) -> TimelineEntry {
    TimelineEntry {
        at,
        source: source.into(),
        event: event.into(),
        text: text.into(),
    }
}

async fn an_inbound_message_is_applied_once(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let order = t
        .app
        .desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap();
    let signed = format!(
        "From: DocuSign <dse@na3.docusign.net>\nTo: porting@voip.example\nMessage-ID: <loa-1@esign.example>\n\
         Subject: Completed: LOA for {r}\n\nAll parties have completed the envelope LOA for {r}.\n",
        r = order.reference
    );
    let at = Origin::imap("INBOX", 7, 42);
    let first = t.app.desk.take_email(signed.as_bytes(), at.clone()).await.unwrap();
    assert!(
        matches!(first, Taken::Applied { ref event, .. } if event == "loa_signed"),
        "{first:?}"
    );
    // The same message again, at the same place or another, changes nothing.
    assert_eq!(
        t.app.desk.take_email(signed.as_bytes(), at).await.unwrap(),
        Taken::AlreadySeen
    );
    let elsewhere = Origin::imap("INBOX", 7, 43);
    assert_eq!(
        t.app.desk.take_email(signed.as_bytes(), elsewhere).await.unwrap(),
        Taken::AlreadySeen
    );
    let timeline = t.app.store.timeline(&order.reference).await.unwrap();
    assert_eq!(timeline.iter().filter(|e| e.event == "loa_signed").count(), 1);
    let checkpoint = t.app.store.checkpoint("INBOX").await.unwrap().unwrap();
    assert_eq!((checkpoint.uidvalidity, checkpoint.last_uid), (7, 43));
    t.finish().await;
}

on_both_backends!(an_inbound_message_is_applied_once);

async fn the_mailbox_checkpoint_moves_with_each_message_recorded(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let stranger = |n: u32| {
        format!(
            "From: someone@else.example\nTo: porting@voip.example\nMessage-ID: <toner-{n}@else.example>\n\
             Subject: Toner {n}\n\nDo you sell toner?\n"
        )
    };
    let checkpoint = || async {
        t.app
            .store
            .checkpoint("INBOX")
            .await
            .unwrap()
            .map(|c| (c.uidvalidity, c.last_uid))
    };
    // A file dropped in the inbox folder has no mailbox place: no checkpoint.
    let dropped = stranger(1);
    t.app
        .desk
        .take_email(dropped.as_bytes(), Origin::file(dropped.as_bytes()))
        .await
        .unwrap();
    assert_eq!(checkpoint().await, None);
    assert!(t.app.store.checkpoint("file").await.unwrap().is_none());
    let take = |n: u32, uidvalidity: u32, uid: u32| {
        let desk = t.app.desk.clone();
        async move {
            let origin = Origin::imap("INBOX", uidvalidity, uid);
            desk.take_email(stranger(n).as_bytes(), origin).await.unwrap()
        }
    };
    // Each message handed to staff is recorded with the checkpoint at its UID.
    take(2, 7, 42).await;
    assert_eq!(checkpoint().await, Some((7, 42)));
    take(3, 7, 44).await;
    assert_eq!(checkpoint().await, Some((7, 44)));
    // A message at a lower UID, taken after, does not move it back.
    take(4, 7, 43).await;
    assert_eq!(checkpoint().await, Some((7, 44)));
    // A new UIDVALIDITY (the mailbox was rebuilt) starts over.
    take(5, 8, 3).await;
    assert_eq!(checkpoint().await, Some((8, 3)));
    assert_eq!(t.app.store.inbound_count().await.unwrap(), 5);
    assert_eq!(t.app.store.staff_queue(false, 10).await.unwrap().len(), 5);
    t.finish().await;
}

on_both_backends!(the_mailbox_checkpoint_moves_with_each_message_recorded);

async fn timelines_of_several_orders_come_back_each_to_its_own_order(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let a = t
        .app
        .desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap()
        .reference;
    let b = t
        .app
        .desk
        .open_order(acme_request("305-555-0200"), Source::Cli)
        .await
        .unwrap()
        .reference;
    t.app
        .desk
        .act(&a, Event::Noted("call back Monday".into()), Source::Cli)
        .await
        .unwrap();
    let all = t.app.store.timelines(&[a.clone(), b.clone()]).await.unwrap();
    let events = |r| all[r].iter().map(|e| e.event.as_str()).collect::<Vec<_>>();
    assert_eq!(events(&a), ["opened", "note"]);
    assert_eq!(events(&b), ["opened"]);
    assert_eq!(t.app.store.timeline(&a).await.unwrap(), all[&a]);
    t.finish().await;
}

on_both_backends!(timelines_of_several_orders_come_back_each_to_its_own_order);

/// Staff take an order through a signed LOA, a matching bill and submission.
pub async fn submitted(desk: &portbot::desk::Desk, r: &portbot::domain::OrderRef) {
    for event in [
        Event::LoaSigned,
        Event::BillReceived(bill_at("100 Main St, Miami, FL 33130")),
        Event::Submitted,
    ] {
        desk.act(r, event, Source::Chat("dana".into())).await.unwrap();
    }
}

//! The inbox at the desk: each message taken once, matched to its order, acted on only
//! when its sender may act, and handed to staff when the bot cannot tell.

use crate::harness::{Backend, TestDesk};
use crate::letters::{bill_from_customer, bounce, completion, foc, loa_signed, mail, mail_with, rejection};
use crate::story::acme_request;
use portbot::desk::{Origin, Taken};
use portbot::domain::{Order, OrderState, Source};

/// A Message-ID of ours, as a customer's reply would quote it.
pub fn our_message_id(reference: &portbot::domain::OrderRef) -> String {
    let ids =
        portbot::domain::message_id::MessageIds::new(portbot::config::LOCAL_SIGNING_KEY.as_bytes(), "voip.example");
    ids.for_order(reference, "a1b2")
}

pub async fn opened(t: &TestDesk) -> Order {
    t.app
        .desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap()
}

pub async fn arrives(t: &TestDesk, message: &str) -> Taken {
    t.app
        .desk
        .take_email(message.as_bytes(), Origin::file(message.as_bytes()))
        .await
        .unwrap()
}

async fn the_story_by_email_from_bill_to_completion(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let order = opened(&t).await;
    let r = order.reference.to_string();
    arrives(&t, &bill_from_customer(&r, "200 Other Ave, Miami, FL 33130")).await;
    let now = t.app.desk.order(&order.reference).await.unwrap();
    assert_eq!(now.mismatches().len(), 1, "{:?}", now.mismatches());
    let documents = t.app.store.documents(&order.reference).await.unwrap();
    assert_eq!(documents[0].name, "bill.txt");
    assert!(
        t.staff_says(&format!("set {r} address 200 Other Ave, Miami, FL 33130"))
            .await
            .ok
    );
    arrives(&t, &loa_signed(&r)).await;
    assert_eq!(
        t.app.desk.order(&order.reference).await.unwrap().state,
        OrderState::Ready
    );
    assert!(t.staff_says(&format!("submit {r}")).await.ok);
    arrives(&t, &rejection(&r)).await;
    assert_eq!(
        t.app.desk.order(&order.reference).await.unwrap().state,
        OrderState::Rejected
    );
    assert!(t.staff_says(&format!("set {r} pin 4821")).await.ok);
    assert!(t.staff_says(&format!("submit {r}")).await.ok);
    arrives(&t, &foc(&r, "2026-12-08")).await;
    let now = t.app.desk.order(&order.reference).await.unwrap();
    assert_eq!(now.state, OrderState::FocConfirmed);
    assert_eq!(now.foc_date.unwrap().to_string(), "2026-12-08");
    // The carrier completes on the port day.
    t.at("2026-12-08T17:00:00Z");
    arrives(&t, &completion(&r)).await;
    assert_eq!(
        t.app.desk.order(&order.reference).await.unwrap().state,
        OrderState::Completed
    );
    assert!(t.app.desk.staff_queue(false).await.unwrap().is_empty());
    t.finish().await;
}

on_both_backends!(the_story_by_email_from_bill_to_completion);

async fn spoofed_notices_strangers_and_unmatched_mail_change_nothing_and_wait_for_staff(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let order = opened(&t).await;
    let r = order.reference.to_string();
    let spoofed = foc(&r, "2026-12-08").replace("notify@portflow.example", "notify@portflow.example.evil.example");
    let stranger = mail(
        "Someone <someone@else.example>",
        &format!("Where is {r}?"),
        "When will my port be done?",
    );
    let unmatched = mail(
        "Bob <bob@nowhere.example>",
        "Porting",
        "I want to move my numbers to you.",
    );
    for message in [&spoofed, &stranger, &unmatched] {
        assert!(matches!(arrives(&t, message).await, Taken::HandedToStaff { .. }));
    }
    let after = t.app.desk.order(&order.reference).await.unwrap();
    assert_eq!(after.state, OrderState::AwaitingDocuments);
    assert_eq!(after.version, order.version, "nothing was saved on the order");
    let timeline = t.app.store.timeline(&order.reference).await.unwrap();
    assert_eq!(timeline.len(), 1, "only the opening: {timeline:?}");
    let queue = t.app.desk.staff_queue(false).await.unwrap();
    assert_eq!(queue.len(), 3);
    assert!(queue[0].reason.contains("check it is genuine"), "{}", queue[0].reason);
    assert!(queue[1].reason.contains("not a contact"), "{}", queue[1].reason);
    assert!(queue[2].reason.contains("no order matches"), "{}", queue[2].reason);
    let listed = t.staff_says("inbox").await;
    assert!(
        listed.text.starts_with("3 e-mail(s) wait for a person"),
        "{}",
        listed.text
    );
    let posts = t.app.desk.outbox(false).await.unwrap();
    assert_eq!(posts.iter().filter(|p| p.template == "chat/needs_person").count(), 3);
    t.finish().await;
}

on_both_backends!(spoofed_notices_strangers_and_unmatched_mail_change_nothing_and_wait_for_staff);

async fn staff_attach_a_message_to_its_order_and_dismiss_another(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let order = opened(&t).await;
    let r = order.reference.to_string();
    let no_reference = mail(
        "DocuSign <dse@na3.docusign.net>",
        "Completed: Letter of Authorization",
        "All parties have completed the envelope. The LOA has been signed.",
    );
    arrives(&t, &no_reference).await;
    arrives(&t, &mail("Bob <bob@nowhere.example>", "Hello", "Buy our toner.")).await;
    let read = t.staff_says("inbox show 1").await;
    assert!(
        read.ok && read.text.contains("All parties have completed"),
        "{}",
        read.text
    );
    let attach = t.staff_says("inbox attach 1").await;
    assert!(
        !attach.ok && attach.text.contains("inbox attach 1 PORT-1042"),
        "{}",
        attach.text
    );
    let attach = t.staff_says(&format!("inbox attach 1 {r}")).await;
    assert!(attach.ok, "{}", attach.text);
    assert!(t
        .app
        .desk
        .order(&order.reference)
        .await
        .unwrap()
        .loa_signed_at
        .is_some());
    let again = t.staff_says(&format!("inbox attach 1 {r}")).await;
    assert!(!again.ok && again.text.contains("already attached"), "{}", again.text);
    let reader = portbot::chat::Caller {
        name: "guest".into(),
        is_staff: false,
    };
    assert!(!t.app.chat.handle(&reader, "inbox dismiss 2").await.ok);
    assert!(
        t.app.chat.handle(&reader, "inbox").await.ok,
        "the inbox's list is open to all"
    );
    assert!(
        !t.app.chat.handle(&reader, "inbox show 2").await.ok,
        "a customer's e-mail is for staff"
    );
    assert!(t.staff_says("inbox dismiss 2 spam").await.ok);
    assert!(t.staff_says("inbox").await.text.contains("No e-mail waits"));
    assert!(!t.staff_says("inbox show 99").await.ok);
    let all = t.app.desk.staff_queue(true).await.unwrap();
    assert_eq!(all[1].resolved_by.as_deref(), Some("dana (spam)"));
    t.finish().await;
}

on_both_backends!(staff_attach_a_message_to_its_order_and_dismiss_another);

async fn a_bounce_marks_the_contact_failing_and_tells_staff(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let order = opened(&t).await;
    let taken = arrives(&t, &bounce("ops@acme.example", &order.reference.to_string())).await;
    assert!(
        matches!(taken, Taken::HandedToStaff { order: Some(_), .. }),
        "{taken:?}"
    );
    let after = t.app.desk.order(&order.reference).await.unwrap();
    assert_eq!(after.failing_contacts, vec!["ops@acme.example".parse().unwrap()]);
    assert!(after.blockers().iter().any(|b| b.what.contains("bounces")));
    t.finish().await;
}

on_both_backends!(a_bounce_marks_the_contact_failing_and_tells_staff);

async fn a_notice_that_does_not_fit_the_state_changes_nothing_and_alerts_staff(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let order = opened(&t).await;
    let taken = arrives(&t, &completion(&order.reference.to_string())).await;
    assert!(matches!(taken, Taken::HandedToStaff { .. }), "{taken:?}");
    let after = t.app.desk.order(&order.reference).await.unwrap();
    assert_eq!(after.state, OrderState::AwaitingDocuments);
    let timeline = t.app.store.timeline(&order.reference).await.unwrap();
    assert_eq!(timeline.last().unwrap().event, "notice_not_applied");
    t.finish().await;
}

on_both_backends!(a_notice_that_does_not_fit_the_state_changes_nothing_and_alerts_staff);

async fn replies_find_their_order_by_thread_or_by_the_numbers_named(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let first = opened(&t).await;
    let second = t
        .app
        .desk
        .open_order(acme_request("305-555-0200"), Source::Cli)
        .await
        .unwrap();
    let threaded = mail_with(
        "Maria Lopez <ops@acme.example>",
        "Re: your port",
        &format!("In-Reply-To: {}\n", our_message_id(&second.reference)),
        "Thanks, we will sign today.",
    );
    let taken = arrives(&t, &threaded).await;
    assert_eq!(
        taken,
        Taken::HandedToStaff {
            order: Some(second.reference.clone()),
            reason: "the customer wrote".into()
        }
    );
    let by_number = mail(
        "Maria Lopez <ops@acme.example>",
        "Routing",
        "Please ring 305-555-0100 at extension 201.",
    );
    let taken = arrives(&t, &by_number).await;
    assert!(
        matches!(taken, Taken::HandedToStaff { order: Some(ref o), .. } if *o == first.reference),
        "{taken:?}"
    );
    let timeline = t.app.store.timeline(&first.reference).await.unwrap();
    assert!(timeline.last().unwrap().text.contains("extension 201"), "{timeline:?}");
    let vague = mail("Maria Lopez <ops@acme.example>", "Hello", "Any news?");
    let taken = arrives(&t, &vague).await;
    assert!(
        matches!(taken, Taken::HandedToStaff { order: None, ref reason } if reason.contains(" or ")),
        "{taken:?}"
    );
    t.finish().await;
}

on_both_backends!(replies_find_their_order_by_thread_or_by_the_numbers_named);

async fn every_public_corpus_message_is_kept_applied_or_handed_to_staff(backend: Backend) {
    let t = TestDesk::start(backend).await;
    opened(&t).await;
    let files = crate::parse::files_under(&crate::parse::shared().join("corpora"));
    let mut distinct = std::collections::HashSet::new();
    for path in &files {
        let raw = std::fs::read(path).unwrap();
        let taken = t.app.desk.take_email(&raw, Origin::file(&raw)).await;
        let taken = taken.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if taken != Taken::AlreadySeen {
            distinct.insert(path.clone());
        }
    }
    // Nothing dropped: each message is in the inbound log, and all but the applied
    // ones wait for a person.
    let recorded = t.app.store.inbound_count().await.unwrap() as usize;
    assert_eq!(recorded, distinct.len());
    assert!(recorded > 500, "{recorded} of {} files", files.len());
    t.finish().await;
}

on_both_backends!(every_public_corpus_message_is_kept_applied_or_handed_to_staff);

async fn a_contact_writing_in_spanish_is_answered_in_spanish(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let order = opened(&t).await;
    let question = mail(
        "Maria Lopez <ops@acme.example>",
        &format!("¿Cómo va la portabilidad? {}", order.reference),
        "Hola, ¿cuándo estarán listos nuestros números? Gracias.",
    );
    arrives(&t, &question).await;
    let reply = t
        .app
        .desk
        .outbox(true)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.template == "status_reply")
        .unwrap();
    assert!(reply.subject.contains("Estado de su portabilidad"), "{}", reply.subject);
    let after = t.app.desk.order(&order.reference).await.unwrap();
    assert_eq!(
        after.language_of(&"ops@acme.example".parse().unwrap()),
        portbot::domain::Language::Es
    );
    assert!(t.staff_says(&format!("set {} language en", order.reference)).await.ok);
    let after = t.app.desk.order(&order.reference).await.unwrap();
    assert_eq!(
        after.language_of(&"ops@acme.example".parse().unwrap()),
        portbot::domain::Language::En
    );
    t.finish().await;
}

on_both_backends!(a_contact_writing_in_spanish_is_answered_in_spanish);

async fn the_needs_person_post_names_the_item_staff_then_open(backend: Backend) {
    let t = TestDesk::start(backend).await;
    // Two messages for a person: the second post must name item 2, not 0.
    for n in 0..2 {
        let stranger = mail(
            "Someone <someone@elsewhere.example>",
            &format!("A question {n}"),
            "Hello, who are you?",
        );
        arrives(&t, &stranger).await;
    }
    let queue = t.app.desk.staff_queue(false).await.unwrap();
    let second = queue.iter().find(|i| i.subject == "A question 1").expect("queued");
    let posts = t.app.desk.outbox(true).await.unwrap();
    let post = posts
        .iter()
        .find(|m| m.template == "chat/needs_person" && m.subject.contains("A question 1"))
        .expect("the post for the second message");
    let command = format!("inbox show {}", second.id);
    assert!(second.id > 0 && post.body.contains(&command), "{}", post.body);
    // What the post says to type works in the real chat core.
    let shown = t.staff_says(&command).await;
    assert!(shown.ok && shown.text.contains("A question 1"), "{}", shown.text);
    t.finish().await;
}

on_both_backends!(the_needs_person_post_names_the_item_staff_then_open);

#[tokio::test]
async fn the_time_spent_reading_each_message_is_counted_for_metrics() {
    let t = TestDesk::start(Backend::Sqlite).await;
    let order = opened(&t).await;
    let question = mail(
        "Maria Lopez <ops@acme.example>",
        &format!("Where is my port? {}", order.reference),
        "Any news?",
    );
    arrives(&t, &question).await;
    arrives(&t, &mail("Bob <bob@nowhere.example>", "Toner", "Do you sell toner?")).await;
    let (seconds, read) = t.app.desk.health().reading_time();
    assert_eq!(read, 2);
    assert!(seconds > 0.0);
    t.finish().await;
}

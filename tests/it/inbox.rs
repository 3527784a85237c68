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

async fn opened(t: &TestDesk) -> Order {
    t.app
        .desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap()
}

async fn arrives(t: &TestDesk, message: &str) -> Taken {
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

#[tokio::test]
async fn the_local_inbox_folder_takes_each_file_once_and_keeps_it() {
    use portbot::inbox::folder::FolderWatcher;
    let t = TestDesk::start(Backend::Sqlite).await;
    let order = opened(&t).await;
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("1-signed.eml"),
        loa_signed(&order.reference.to_string()),
    )
    .unwrap();
    std::fs::write(folder.path().join("2-garbage.eml"), [0u8, 159, 146, 150, 0, 1]).unwrap();
    // A bill saved straight into the folder, not as an e-mail.
    std::fs::write(
        folder.path().join("scan.txt"),
        "COMCAST BUSINESS\nAccount Number: 8774 1012 3456 789\nBilling Telephone Number: 305-555-0100\n\
         Service Address: 100 Main St, Miami, FL 33130\nTotal due $109.05\n",
    )
    .unwrap();
    let watcher = FolderWatcher::new(
        t.app.desk.clone(),
        folder.path().into(),
        std::time::Duration::from_secs(1),
    );
    let stop = tokio_util::sync::CancellationToken::new();
    let taken = watcher.run_once(&stop).await.unwrap();
    assert_eq!(taken.len(), 3);
    assert!(matches!(taken[0].1, Taken::Applied { .. }), "{taken:?}");
    assert!(
        matches!(taken[1].1, Taken::HandedToStaff { .. }),
        "unreadable mail is kept for a person"
    );
    assert!(folder.path().join("processed/1-signed.eml").exists());
    assert!(
        matches!(taken[2].1, Taken::HandedToStaff { .. }),
        "a file that is not mail is kept for a person: {taken:?}"
    );
    assert!(folder.path().join("processed/scan.txt").exists());
    assert!(watcher.run_once(&stop).await.unwrap().is_empty());
    // The same file dropped again is recognised.
    std::fs::write(
        folder.path().join("3-again.eml"),
        loa_signed(&order.reference.to_string()),
    )
    .unwrap();
    std::fs::copy(
        folder.path().join("processed/1-signed.eml"),
        folder.path().join("4-copy.eml"),
    )
    .unwrap();
    let again = watcher.run_once(&stop).await.unwrap();
    assert!(matches!(again[1].1, Taken::AlreadySeen), "{again:?}");
    let queue = t.app.desk.staff_queue(false).await.unwrap();
    let garbage = queue.iter().find(|i| i.subject.is_empty()).expect("the garbage");
    assert!(garbage.reason.contains("could not understand"), "{}", garbage.reason);
    // Staff attach the dropped bill to its order: the order has its bill.
    let scan = queue
        .iter()
        .find(|i| i.subject == "A file dropped in the inbox folder: scan.txt")
        .expect("the dropped file waits for a person");
    let attached = t
        .staff_says(&format!("inbox attach {} {}", scan.id, order.reference))
        .await;
    assert!(attached.ok, "{}", attached.text);
    let billed = t.app.desk.order(&order.reference).await.unwrap();
    assert_eq!(
        billed.bill.and_then(|b| b.account_number).as_deref(),
        Some("877410123456789")
    );
    t.finish().await;
}

async fn a_chatty_contact_gets_no_more_than_the_daily_limit_and_list_mail_gets_nothing(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let order = opened(&t).await;
    let r = order.reference.to_string();
    for i in 0..8 {
        let question = mail(
            "Maria Lopez <ops@acme.example>",
            &format!("Where is my port? {r} ({i})"),
            "Any news?",
        );
        arrives(&t, &question).await;
    }
    let bulk = mail_with(
        "Maria Lopez <ops@acme.example>",
        &format!("Where is my port? {r}"),
        "Precedence: bulk\n",
        "Any news?",
    );
    arrives(&t, &bulk).await;
    let replies = t
        .app
        .desk
        .outbox(true)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.template == "status_reply");
    assert_eq!(replies.count(), 6, "outbox.daily_limit_per_address is 6 by default");
    let timeline = t.app.store.timeline(&order.reference).await.unwrap();
    assert_eq!(
        timeline.iter().filter(|e| e.event == "status_question").count(),
        8,
        "every question is heard"
    );
    // The first question past the limit goes to a person (one is enough while it
    // waits), with the bulk mail.
    let queue = t.app.desk.staff_queue(false).await.unwrap();
    let over_the_limit = queue.iter().filter(|i| i.reason.contains("the daily limit")).count();
    assert_eq!(over_the_limit, 1, "{queue:?}");
    assert_eq!(queue.len(), 2, "bulk mail is not answered: a person looks at it");
    t.finish().await;
}

on_both_backends!(a_chatty_contact_gets_no_more_than_the_daily_limit_and_list_mail_gets_nothing);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_answering_one_contact_at_once_keep_to_the_daily_limit() {
    let t = TestDesk::start(Backend::Postgres).await;
    let other = t.replica().await;
    // One contact on two orders: each replica saves its answer on its own order, so
    // nothing but the limit itself stands between them.
    let first = opened(&t).await.reference;
    let second = t
        .app
        .desk
        .open_order(acme_request("305-555-0177"), Source::Cli)
        .await
        .unwrap()
        .reference;
    // One answer first, so that a pair of questions arrives with five answers sent.
    arrives(
        &t,
        &mail(
            "Maria Lopez <ops@acme.example>",
            &format!("Where is my port? {first}"),
            "Hi",
        ),
    )
    .await;
    for i in 0..8 {
        let question = |order: &portbot::domain::OrderRef| {
            mail(
                "Maria Lopez <ops@acme.example>",
                &format!("Where is my port? {order} ({i})"),
                "Any news?",
            )
        };
        let (to_one, to_other) = (question(&first), question(&second));
        let (a, b) = tokio::join!(
            t.app
                .desk
                .take_email(to_one.as_bytes(), Origin::file(to_one.as_bytes())),
            other
                .desk
                .take_email(to_other.as_bytes(), Origin::file(to_other.as_bytes())),
        );
        a.unwrap();
        b.unwrap();
    }
    let outbox = t.app.desk.outbox(true).await.unwrap();
    let replies = outbox.iter().filter(|m| m.template == "status_reply").count();
    assert_eq!(
        replies, 6,
        "outbox.daily_limit_per_address is 6, whichever replica answers"
    );
    let timelines = t.app.store.timelines(&[first, second]).await.unwrap();
    let heard = timelines
        .values()
        .flatten()
        .filter(|e| e.event == "status_question")
        .count();
    assert_eq!(heard, 17, "every question is heard");
    drop(other);
    t.finish().await;
}

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

#[tokio::test]
async fn a_file_the_folder_cannot_read_is_told_to_staff_and_blocks_nothing() {
    use portbot::inbox::folder::FolderWatcher;
    let t = TestDesk::start(Backend::Sqlite).await;
    let order = opened(&t).await;
    let folder = tempfile::tempdir().unwrap();
    // A file that cannot be read (even by root): a link to a file whose read fails.
    std::os::unix::fs::symlink("/proc/self/mem", folder.path().join("0-broken.eml")).unwrap();
    std::fs::write(
        folder.path().join("1-signed.eml"),
        loa_signed(&order.reference.to_string()),
    )
    .unwrap();
    let watcher = FolderWatcher::new(
        t.app.desk.clone(),
        folder.path().into(),
        std::time::Duration::from_secs(1),
    );
    let stop = tokio_util::sync::CancellationToken::new();
    let taken = watcher.run_once(&stop).await.unwrap();
    assert_eq!(taken.len(), 2, "{taken:?}");
    assert!(
        matches!(taken[1].1, Taken::Applied { .. }),
        "the next file goes on: {taken:?}"
    );
    let queue = t.app.desk.staff_queue(false).await.unwrap();
    assert!(
        queue
            .iter()
            .any(|i| i.subject == "A file in the inbox folder cannot be read: 0-broken.eml"),
        "{queue:#?}"
    );
    // The same name again later: kept beside the first, never over it.
    std::fs::write(
        folder.path().join("1-signed.eml"),
        mail("Someone <a@b.example>", "hi", "hello"),
    )
    .unwrap();
    watcher.run_once(&stop).await.unwrap();
    assert!(folder.path().join("processed/1-signed.eml").exists());
    assert!(folder.path().join("processed/1-signed-2.eml").exists());
    assert_ne!(
        std::fs::read(folder.path().join("processed/1-signed.eml")).unwrap(),
        std::fs::read(folder.path().join("processed/1-signed-2.eml")).unwrap()
    );
    t.finish().await;
}

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

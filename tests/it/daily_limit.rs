//! The daily limit of e-mails to one address: a chatty contact, two replicas answering
//! at once and one change carrying more e-mails than the limit has room for are all
//! kept to it, and every question is still heard.

use crate::harness::{Backend, TestDesk};
use crate::inbox::{arrives, opened};
use crate::letters::{mail, mail_with};
use crate::story::{acme_request, change_with_entry, entry_at};
use portbot::desk::Origin;
use portbot::domain::EmailAddress;
use portbot::domain::Source;
use portbot::store::{MailHistory, OrderChange};

/// The e-mails queued (sent or not) whose template starts with `template`, in the
/// order queued.
async fn queued(t: &TestDesk, template: &str) -> Vec<portbot::domain::OutboxMessage> {
    let outbox = t.app.desk.outbox(true).await.unwrap();
    outbox
        .into_iter()
        .filter(|m| m.template.starts_with(template))
        .collect()
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
    let replies = queued(&t, "status_reply").await;
    assert_eq!(replies.len(), 6, "outbox.daily_limit_per_address is 6 by default");
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
    let replies = queued(&t, "status_reply").await.len();
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

/// An e-mail a test change carries, `note_N`, to `to`, under `daily_limit` if any.
fn note(to: &str, n: i64, daily_limit: Option<i64>) -> portbot::domain::OutboxDraft {
    portbot::domain::OutboxDraft {
        channel: portbot::domain::Channel::Email,
        to: to.into(),
        template: format!("note_{n}"),
        subject: format!("Note {n}"),
        body: "About your port".into(),
        email: Some(portbot::domain::EmailParts {
            html: "<p>About your port</p>".into(),
            message_id: format!("<note-{n}@portbot.invalid>"),
            in_reply_to: None,
            references: Vec::new(),
            calendar: None,
            send_after: None,
            daily_limit,
        }),
    }
}

/// What the store counts of ops@ on `order` since a day before the desk's clock.
async fn ops_history(t: &TestDesk, order: &portbot::domain::Order, working: &[EmailAddress]) -> MailHistory {
    let since = t.app.desk.now() - chrono::Duration::hours(24);
    t.app
        .store
        .mail_history(&order.reference, &order.contacts, working, since)
        .await
        .unwrap()
}

async fn one_change_queues_a_contacts_emails_only_up_to_the_daily_limit(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let opened = opened(&t).await;
    let ops: EmailAddress = "ops@acme.example".parse().unwrap();
    // Room for two more e-mails to ops@ today, whatever opening the order sent.
    let limit = ops_history(&t, &opened, std::slice::from_ref(&ops)).await.sent_since[0] + 2;
    let change = OrderChange {
        outbox: vec![
            note("ops@acme.example", 1, Some(limit)),
            note("ops@acme.example", 2, Some(limit)),
            note("ops@acme.example", 3, Some(limit)),
            note("ap@acme.example", 4, Some(limit)),
        ],
        ..change_with_entry(
            opened.clone(),
            entry_at(t.app.desk.now(), "test", "note", "four e-mails"),
        )
    };
    t.app.store.save(change).await.unwrap();
    let notes: Vec<String> = queued(&t, "note_")
        .await
        .into_iter()
        .map(|m| format!("{} to {}", m.template, m.to))
        .collect();
    assert_eq!(
        notes,
        [
            "note_1 to ops@acme.example",
            "note_2 to ops@acme.example",
            "note_4 to ap@acme.example"
        ],
        "the third e-mail to ops@ would pass the limit; ap@ has its own"
    );
    let after = ops_history(&t, &opened, std::slice::from_ref(&ops)).await;
    assert_eq!(after.sent_since, [limit], "ops@ is at the limit now");
    // Every contact bounced: nobody to count for, the last message still looked for.
    let bounced = ops_history(&t, &opened, &[]).await;
    assert_eq!(bounced, MailHistory::default(), "no message from them yet");
    t.finish().await;
}

on_both_backends!(one_change_queues_a_contacts_emails_only_up_to_the_daily_limit);

/// More e-mails than one statement binds (`DRAFTS_PER_STATEMENT`): all are queued,
/// the daily limit counted across the statements, in the one transaction.
async fn a_change_with_thousands_of_emails_is_queued_in_several_statements(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let opened = opened(&t).await;
    let ops: EmailAddress = "ops@acme.example".parse().unwrap();
    let sent = ops_history(&t, &opened, std::slice::from_ref(&ops)).await.sent_since[0];
    let per_statement = portbot::store::statements::DRAFTS_PER_STATEMENT as i64;
    // Room for two and a half statements' worth to ops@, four statements' worth asked.
    let room = 2 * per_statement + per_statement / 2;
    let mut outbox: Vec<_> = (0..4 * per_statement)
        .map(|n| note("ops@acme.example", n, Some(sent + room)))
        .collect();
    outbox.extend((0..200).map(|n| note("ap@acme.example", 100_000 + n, None)));
    let change = OrderChange {
        outbox,
        ..change_with_entry(
            opened.clone(),
            entry_at(t.app.desk.now(), "test", "note", "thousands of e-mails"),
        )
    };
    t.app.store.save(change).await.unwrap();
    let notes = queued(&t, "note_").await;
    let to = |who: &str| notes.iter().filter(|m| m.to == who).count() as i64;
    assert_eq!(
        to("ops@acme.example"),
        room,
        "ops@ gets what its limit has room for, no more"
    );
    assert_eq!(to("ap@acme.example"), 200, "ap@ has no limit");
    let kept = |n: i64| notes.iter().any(|m| m.template == format!("note_{n}"));
    assert!(kept(room - 1) && !kept(room), "the first e-mails are the ones kept");
    t.finish().await;
}

on_both_backends!(a_change_with_thousands_of_emails_is_queued_in_several_statements);

/// The Message-ID a test letter carries.
fn message_id_of(letter: &str) -> String {
    let line = letter.lines().find(|l| l.starts_with("Message-ID: ")).unwrap();
    line["Message-ID: ".len()..].to_string()
}

async fn an_order_read_with_its_mail_history_says_what_the_two_reads_say(backend: Backend) {
    let t = TestDesk::start(backend).await;
    let mut request = acme_request("305-555-0100, 305-555-0101, 305-555-0102");
    request.contacts = ["ops@acme.example", "ap@acme.example", "it@acme.example"]
        .map(|a| a.parse().unwrap())
        .to_vec();
    let order = t.app.desk.open_order(request, Source::Cli).await.unwrap();
    let r = order.reference.to_string();
    for (from, i) in [("ops@acme.example", 1), ("ops@acme.example", 2), ("ap@acme.example", 3)] {
        arrives(&t, &mail(from, &format!("Where is my port? {r} ({i})"), "Any news?")).await;
    }
    let last_question = mail("ap@acme.example", &format!("Re: {r}"), "Thanks, we will wait.");
    arrives(&t, &last_question).await;
    // A stranger's word on the order and a bounce come after: neither is a contact's.
    arrives(&t, &mail("someone@else.example", &format!("About {r}"), "Hello")).await;
    arrives(&t, &crate::letters::bounce("it@acme.example", &r)).await;

    let since = t.app.desk.now() - chrono::Duration::hours(24);
    let (read, history) = t
        .app
        .store
        .order_with_mail_history(&order.reference, since)
        .await
        .unwrap()
        .expect("the order is there");
    let alone = t.app.store.order(&order.reference).await.unwrap().unwrap();
    assert!(read == alone, "the same order either way");
    assert_eq!(read.numbers.len(), 3);
    assert_eq!(
        read.failing_contacts,
        vec!["it@acme.example".parse::<EmailAddress>().unwrap()]
    );
    let working: Vec<EmailAddress> = read.working_contacts().cloned().collect();
    assert_eq!(working.len(), 2, "the bounced contact is not written to");
    let separately = t
        .app
        .store
        .mail_history(&read.reference, &read.contacts, &working, since)
        .await
        .unwrap();
    assert_eq!(history, separately);
    assert_eq!(
        history.last_message.as_deref(),
        Some(message_id_of(&last_question).as_str())
    );
    assert!(history.sent_since[0] >= 2, "ops@ was answered twice: {history:?}");
    assert!(history.sent_since[1] >= 1, "ap@ was answered: {history:?}");
    // An order that is not there, and one whose history is older than the day.
    let missing = "PORT-999999".parse().unwrap();
    assert!(t
        .app
        .store
        .order_with_mail_history(&missing, since)
        .await
        .unwrap()
        .is_none());
    let an_hour_on = t.app.desk.now() + chrono::Duration::hours(1);
    let (_, later) = t
        .app
        .store
        .order_with_mail_history(&order.reference, an_hour_on)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(later.sent_since, vec![0, 0], "nothing was sent after the hour to come");
    assert_eq!(later.last_message, history.last_message);
    t.finish().await;
}

on_both_backends!(an_order_read_with_its_mail_history_says_what_the_two_reads_say);

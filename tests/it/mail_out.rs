//! Customers' mail end to end: the desk's e-mails leave by SMTP through Postfix and
//! land in the customer's Dovecot mailbox; the customer's mail comes back the same way.

use crate::harness::{Backend, TestDesk};
use crate::letters::{foc, mail, mail_with};
use crate::mailstack::{self, imap_settings, imap_toml, new_address, send};
use crate::story::acme_request;
use futures::TryStreamExt;
use mail_parser::{MessageParser, MimeHeaders};
use portbot::config::Security;
use portbot::domain::{EmailAddress, OrderState, Source};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// A desk that reads its inbox over IMAP and sends through Postfix.
struct MailingDesk {
    t: TestDesk,
    inbox: String,
    stop: CancellationToken,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl MailingDesk {
    async fn start() -> Self {
        mailstack::ensure_running();
        let inbox = new_address("porting");
        let toml = format!(
            "{}[outbox]\nmode = \"smtp\"\npoll_ms = 100\nsigning_key = \"test-signing-key-0123456789\"\n\
             [smtp]\nhost = \"127.0.0.1\"\nport = 2525\nsecurity = \"plain\"\n",
            imap_toml(&inbox, "").replace("porting@voip.example", &inbox)
        );
        let t = TestDesk::start_with(Backend::Sqlite, Some(&toml)).await;
        let stop = CancellationToken::new();
        let settings = &t.app.settings;
        let sender = portbot::outbox::EmailSender::from_settings(
            t.app.desk.sending(),
            &settings.outbox,
            &settings.inbox.address,
        )
        .unwrap();
        let watcher = portbot::inbox::watch(t.app.desk.clone(), settings.inbox.source.clone(), stop.clone());
        let stop_sender = stop.clone();
        let tasks = vec![
            tokio::spawn(watcher),
            tokio::spawn(async move { sender.run(stop_sender).await }),
        ];
        Self { t, inbox, stop, tasks }
    }

    async fn stop(self) -> TestDesk {
        self.stop.cancel();
        for task in self.tasks {
            task.await.unwrap();
        }
        self.t
    }
}

/// The messages in a mailbox, parsed, waiting until there are `count` (or failing).
async fn mailbox(address: &str, count: usize) -> Vec<Vec<u8>> {
    let started = Instant::now();
    loop {
        let mut session = portbot::inbox::imap::connect(&imap_settings(address, Security::Plain))
            .await
            .unwrap();
        session.select("INBOX").await.unwrap();
        let fetched: Vec<Vec<u8>> = session
            .fetch("1:*", "BODY.PEEK[]")
            .await
            .unwrap()
            .try_filter_map(|f| async move { Ok(f.body().map(|b| b.to_vec())) })
            .try_collect()
            .await
            .unwrap_or_default();
        let _ = session.logout().await;
        if fetched.len() >= count {
            return fetched;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{address} got {} of {count} messages",
            fetched.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn header(raw: &[u8], name: &str) -> String {
    let message = MessageParser::default().parse(raw).unwrap();
    message.header_raw(name).unwrap_or_default().trim().to_string()
}

fn text(raw: &[u8]) -> String {
    let message = MessageParser::default().parse(raw).unwrap();
    message.body_text(0).unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_customer_gets_answers_the_foc_invitation_and_their_reply_finds_the_order() {
    let w = MailingDesk::start().await;
    let customer = new_address("maria");
    let mut request = acme_request("305-555-0100");
    request.contacts = vec![customer.parse::<EmailAddress>().unwrap()];
    let order = w.t.app.desk.open_order(request, Source::Cli).await.unwrap();
    let r = order.reference.clone();

    // A status question from the contact is answered, threaded to the question.
    let question = mail(
        &format!("Maria <{customer}>"),
        &format!("Where is my port? {r}"),
        "Any news?",
    );
    let question_id = header(question.as_bytes(), "Message-ID");
    let asked = Instant::now();
    send(&w.inbox, &question).await;
    let answers = mailbox(&customer, 1).await;
    let answered_in = asked.elapsed();
    let reply = &answers[0];
    assert_eq!(header(reply, "In-Reply-To"), question_id);
    assert_eq!(header(reply, "Auto-Submitted"), "auto-replied");
    assert!(header(reply, "Subject").starts_with(&format!("[{r}]")));
    assert!(text(reply).contains("waiting for documents"), "{}", text(reply));
    eprintln!("status question answered through Postfix and Dovecot in {answered_in:?}");

    // Port day confirmed by the carrier: the customer gets the date and the invitation.
    crate::story::submitted(&w.t.app.desk, &r).await;
    send(&w.inbox, &foc(&r.to_string(), "2026-12-08")).await;
    let both = mailbox(&customer, 2).await;
    let foc_mail = both
        .iter()
        .find(|m| header(m, "Subject").contains("confirmed"))
        .expect("the FOC e-mail");
    assert_eq!(
        header(foc_mail, "In-Reply-To"),
        question_id,
        "threaded to the customer's last message"
    );
    assert_eq!(
        header(foc_mail, "Auto-Submitted"),
        "auto-generated",
        "nobody asked for it (RFC 3834)"
    );
    assert!(header(foc_mail, "Reply-To").contains(&w.inbox));
    let parsed = MessageParser::default().parse(foc_mail.as_slice()).unwrap();
    let invite = parsed
        .attachments()
        .find(|a| a.attachment_name() == Some("port-day.ics"))
        .expect("the .ics");
    assert!(String::from_utf8_lossy(invite.contents()).contains("DTSTART;VALUE=DATE:20261208"));
    assert!(parsed.body_html(0).is_some(), "an HTML part too");

    // The customer answers it without our reference: the thread finds the order.
    let foc_id = header(foc_mail, "Message-ID");
    let answer = mail_with(
        &format!("Maria <{customer}>"),
        "Re: port day",
        &format!("In-Reply-To: {foc_id}\nReferences: {foc_id}\n"),
        "Great, all numbers ring at reception, extension 100.",
    );
    send(&w.inbox, &answer).await;
    let started = Instant::now();
    loop {
        let timeline = w.t.app.store.timeline(&r).await.unwrap();
        if timeline.iter().any(|e| e.text.contains("extension 100")) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{timeline:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(w.t.app.desk.order(&r).await.unwrap().state, OrderState::FocConfirmed);
    w.stop().await.finish().await;
}

#[tokio::test]
async fn a_stranger_asking_about_an_order_learns_nothing_about_it() {
    let w = MailingDesk::start().await;
    let order =
        w.t.app
            .desk
            .open_order(acme_request("305-555-0710"), Source::Cli)
            .await
            .unwrap();
    let stranger = new_address("eve");
    let r = order.reference.to_string();
    send(
        &w.inbox,
        &mail(
            &format!("Eve <{stranger}>"),
            &format!("Status of {r}?"),
            "Where is my port?",
        ),
    )
    .await;
    let got = mailbox(&stranger, 1).await;
    let body = text(&got[0]);
    assert!(
        body.contains("only share the status of a port with the contacts"),
        "{body}"
    );
    for secret in [r.as_str(), "Comcast", "555-0710", "Acme"] {
        assert!(
            !body.contains(secret) && !header(&got[0], "Subject").contains("Comcast"),
            "{secret} in {body}"
        );
    }
    // An auto-reply from the stranger is not answered: no loop.
    let auto = mail_with(
        &format!("Eve <{stranger}>"),
        "Out of office: Status",
        "Auto-Submitted: auto-replied\n",
        "I am out until Monday. Where is my port?",
    );
    send(&w.inbox, &auto).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(mailbox(&stranger, 1).await.len(), 1, "nothing answers an auto-reply");
    let after = w.t.app.desk.order(&order.reference).await.unwrap();
    assert_eq!(after.version, order.version);
    w.stop().await.finish().await;
}

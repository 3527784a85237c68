//! Believing only what carriers really sent (issue #12), against real servers: notices
//! signed with the test domains' own keys (or forged), the keys, SPF and DMARC records
//! on the test DNS server, delivered through Postfix and Dovecot and read by the IMAP
//! watcher. A genuine notice acts; each forgery changes nothing and reaches staff with
//! its reason. The same table runs where the provider's mail server authenticates and
//! writes `Authentication-Results:`.

use crate::dkim::{sign, Key, RESOLVER};
use crate::harness::{Backend, TestDesk};
use crate::letters::mail;
use crate::mailstack::{self, new_address, send_as_is};
use crate::story::{acme_request, bill_at};
use portbot::domain::{Event, NumberStatus, Order, OrderRef, OrderState, Source};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// Our mail server's name in its Authentication-Results (the MX in front of Postfix).
const AUTHSERV_ID: &str = "mx.voip.example";

/// How the desk authenticates.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// DKIM, SPF and DMARC checked by portbot against the test DNS.
    Verify,
    /// The MX in front checked; portbot reads its Authentication-Results.
    AuthenticationResults,
}

impl Mode {
    fn toml(self) -> String {
        match self {
            Mode::Verify => format!("[auth]\nmode = \"verify\"\nresolver = \"{RESOLVER}\"\nreceived_hops = 2\n"),
            // The MX, Postfix and Dovecot each add a Received: field.
            Mode::AuthenticationResults => {
                format!(
                    "[auth]\nmode = \"authentication-results\"\nauthserv_id = \"{AUTHSERV_ID}\"\nreceived_hops = 3\n"
                )
            }
        }
    }
}

/// A desk watching its own mailbox over IMAP, trusting Lineport's and Other Carrier's
/// domains for their own orders and DocuSign for every order.
struct WatchedDesk {
    t: TestDesk,
    address: String,
    mode: Mode,
    stop: CancellationToken,
    watcher: tokio::task::JoinHandle<()>,
}

impl WatchedDesk {
    async fn start(mode: Mode, backend: Backend) -> Self {
        mailstack::ensure_running();
        let address = new_address("porting");
        let toml = format!(
            "[inbox]\nsource = \"imap\"\naddress = \"porting@voip.example\"\ntrusted_domains = [\"docusign.net\"]\n\
             [inbox.carriers]\nLineport = [\"lineport.test\"]\n\"Other Carrier\" = [\"othercarrier.test\"]\n{}\
             [imap]\nhost = \"127.0.0.1\"\nport = 1143\nsecurity = \"plain\"\nuser = \"{address}\"\npassword = \"secret\"\n",
            mode.toml()
        );
        let t = TestDesk::start_with(backend, Some(&toml)).await;
        let stop = CancellationToken::new();
        let watcher = tokio::spawn(portbot::inbox::watch(
            t.app.desk.clone(),
            t.app.settings.inbox.source.clone(),
            stop.clone(),
        ));
        Self {
            t,
            address,
            mode,
            stop,
            watcher,
        }
    }

    /// A Lineport order for numbers on the test bill (305-555-0100 to 0105), submitted;
    /// with its FOC date when given.
    async fn lineport_order(&self, numbers: &str, foc: Option<&str>) -> OrderRef {
        let mut request = acme_request(numbers);
        request.carrier = "Lineport".into();
        request.contacts = vec!["ops@acme-dmarc.test".parse().unwrap()];
        let desk = &self.t.app.desk;
        let r = desk.open_order(request, Source::Cli).await.unwrap().reference;
        let mut events = vec![
            Event::LoaSigned,
            Event::BillReceived(bill_at("100 Main St, Miami, FL 33130")),
            Event::Submitted,
        ];
        if let Some(date) = foc {
            events.push(Event::FocConfirmed(date.parse().unwrap()));
        }
        for event in events {
            desk.act(&r, event, Source::Chat("dana".into())).await.unwrap();
        }
        r
    }

    /// Delivers `message` as it would reach us: in `authentication-results` mode
    /// through our MX, which records `verdict` (and a forger's claims stay below it).
    async fn deliver(&self, message: &str, verdict: &str) {
        let message = match self.mode {
            Mode::Verify => message.to_string(),
            Mode::AuthenticationResults => through_our_mx(message, verdict),
        };
        send_as_is(&self.address, &message).await;
    }

    /// Waits for the message to be handed to staff; returns the reason given.
    async fn staff_reason(&self, message: &str) -> String {
        let id = message_id(message);
        let started = Instant::now();
        loop {
            let queue = self.t.app.desk.staff_queue(true).await.unwrap();
            if let Some(item) = queue.iter().find(|i| i.message_id == id) {
                return item.reason.clone();
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{id} never reached staff: {queue:#?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    async fn order(&self, r: &OrderRef) -> Order {
        self.t.app.desk.order(r).await.unwrap()
    }

    async fn stop(self) -> TestDesk {
        self.stop.cancel();
        self.watcher.await.unwrap();
        self.t
    }
}

/// The headers our MX adds in front: its verdict above its own Received: field, as
/// OpenDKIM/OpenDMARC or rspamd write them, and a forger's results from another
/// server on top (ignored: not our authserv-id).
fn through_our_mx(message: &str, verdict: &str) -> String {
    format!(
        "Authentication-Results: mx.voip.example.evil.test; dkim=pass header.d=lineport.test; spf=pass \
         smtp.mailfrom=lineport.test; dmarc=pass header.from=lineport.test\r\n\
         Authentication-Results: {AUTHSERV_ID}; {verdict}\r\n\
         Received: from out.sender.test (out.sender.test [192.0.2.7])\r\n\tby {AUTHSERV_ID} (Postfix) with ESMTPS id 4F1X; \
         Mon, 23 Nov 2026 10:00:01 -0500\r\n{message}"
    )
}

fn message_id(message: &str) -> String {
    let line = message
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID: "))
        .expect("a Message-ID");
    line.trim().to_string()
}

/// A completion of `reference` in `from`'s name; `extra` goes in the body.
fn completion_from(from: &str, reference: &OrderRef, extra: &str) -> String {
    // A forger also writes results our MX would have written, below its Received:
    // they must count for nothing.
    mail(
        from,
        &format!("Port completed - PON {reference}"),
        &format!(
            "PON: {reference}\nThe port has been completed. The numbers are now active on the new carrier.\n{extra}"
        ),
    )
    .replacen(
        "MIME-Version",
        &format!("Authentication-Results: {AUTHSERV_ID}; dkim=pass header.d=lineport.test; dmarc=pass\nMIME-Version"),
        1,
    )
}

/// What a case's message is, what an honest MX says of it, and what staff must read.
struct Forgery {
    what: &'static str,
    message: String,
    verdict: &'static str,
    reason: &'static str,
}

fn forgeries(on_foc: &OrderRef, before_foc: &OrderRef) -> Vec<Forgery> {
    let carrier = "Lineport Porting <ports@lineport.test>";
    let signed = |m: String| sign(&m, "lineport.test", Key::Genuine);
    let altered = signed(completion_from(carrier, on_foc, "")).replace(
        "The port has been completed.",
        "The port has been completed. Confirm your PIN at https://lineport-verify.test/pin.",
    );
    let two_froms = signed(completion_from(carrier, on_foc, "")).replacen(
        "From: ",
        "From: Stranger <someone@evil.test>\r\nFrom: ",
        1,
    );
    vec![
        Forgery {
            what: "no signature, from a vendor without SPF",
            message: completion_from("DocuSign <dse@na3.docusign.net>", on_foc, ""),
            verdict: "dkim=none; spf=none smtp.mailfrom=na3.docusign.net; dmarc=none header.from=na3.docusign.net",
            reason: "does not prove it came from there",
        },
        Forgery {
            what: "SPF fail and no DKIM",
            message: completion_from(carrier, on_foc, ""),
            verdict: "dkim=none; spf=fail smtp.mailfrom=lineport.test; dmarc=fail header.from=lineport.test",
            reason: "SPF fail for lineport.test",
        },
        Forgery {
            what: "a signature of another domain",
            message: sign(&completion_from(carrier, on_foc, ""), "evil.test", Key::Evil),
            verdict: "dkim=pass header.d=evil.test; spf=fail smtp.mailfrom=lineport.test; dmarc=fail header.from=lineport.test",
            reason: "DKIM signature of evil.test, not lineport.test",
        },
        Forgery {
            what: "a body altered after signing",
            message: altered,
            verdict: "dkim=fail (body hash did not verify) header.d=lineport.test; spf=fail smtp.mailfrom=lineport.test; dmarc=fail",
            reason: "the DKIM signature of lineport.test does not verify",
        },
        Forgery {
            what: "two From: headers",
            message: two_froms,
            verdict: "dkim=pass header.d=lineport.test; dmarc=pass header.from=lineport.test",
            reason: "it has 2 From: addresses",
        },
        Forgery {
            what: "a look-alike domain",
            message: sign(
                &completion_from("Lineport <ports@llneport.test>", on_foc, ""),
                "evil.test",
                Key::Evil,
            ),
            verdict: "dkim=pass header.d=evil.test; dmarc=none",
            reason: "not a trusted carrier",
        },
        Forgery {
            what: "another carrier's genuine notice",
            message: sign(
                &completion_from("Other Carrier <ports@othercarrier.test>", on_foc, ""),
                "othercarrier.test",
                Key::Genuine,
            ),
            verdict: "dkim=pass header.d=othercarrier.test; dmarc=pass header.from=othercarrier.test",
            reason: "does not speak for Lineport",
        },
        Forgery {
            what: "a completion naming a number not on the order",
            message: signed(completion_from(carrier, on_foc, "TN: 305-555-0999 activated\n")),
            verdict: "dkim=pass header.d=lineport.test; dmarc=pass header.from=lineport.test",
            reason: "+13055550999 which is not on",
        },
        Forgery {
            what: "a completion before any FOC",
            message: signed(completion_from(carrier, before_foc, "")),
            verdict: "dkim=pass header.d=lineport.test; dmarc=pass header.from=lineport.test",
            reason: "no confirmed FOC date",
        },
    ]
}

/// The table: every forgery changes nothing and reaches staff with its reason; then
/// the carrier's genuine notice completes the order.
async fn believes_only_the_carrier(mode: Mode) {
    let w = WatchedDesk::start(mode, Backend::Sqlite).await;
    let on_foc = w.lineport_order("305-555-0100 thru 0102", Some("2026-11-24")).await;
    let before_foc = w.lineport_order("305-555-0103", None).await;
    for case in forgeries(&on_foc, &before_foc) {
        w.deliver(&case.message, case.verdict).await;
        let reason = w.staff_reason(&case.message).await;
        assert!(
            reason.contains(case.reason),
            "{mode:?}, {}: staff read {reason:?}, not {:?}",
            case.what,
            case.reason
        );
        for r in [&on_foc, &before_foc] {
            let order = w.order(r).await;
            assert!(
                order.state.is_open(),
                "{mode:?}, {}: {r} changed: {:?}",
                case.what,
                order.state
            );
            assert!(order.numbers.iter().all(|n| n.status == NumberStatus::Pending));
        }
    }
    let genuine = sign(
        &completion_from("Lineport Porting <ports@lineport.test>", &on_foc, ""),
        "lineport.test",
        Key::Genuine,
    );
    w.deliver(
        &genuine,
        "dkim=pass header.d=lineport.test; dmarc=pass header.from=lineport.test",
    )
    .await;
    let started = Instant::now();
    while w.order(&on_foc).await.state != OrderState::Completed {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{mode:?}: the genuine completion did not act: {:#?}",
            w.t.app.desk.staff_queue(true).await.unwrap()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    w.stop().await.finish().await;
}

#[tokio::test]
async fn only_the_carriers_own_signed_notice_acts_when_portbot_verifies() {
    believes_only_the_carrier(Mode::Verify).await;
}

#[tokio::test]
async fn only_the_carriers_own_notice_acts_by_our_mail_servers_authentication_results() {
    believes_only_the_carrier(Mode::AuthenticationResults).await;
}

#[tokio::test]
async fn forged_senders_get_no_answer_no_link_and_change_nothing() {
    let w = WatchedDesk::start(Mode::Verify, Backend::Sqlite).await;
    let submitted = w.lineport_order("305-555-0104", None).await;

    // A forged "where is my port?" in the name of an address whose domain says it
    // never sends from here: no refusal goes back to the victim (no backscatter).
    let forged_question = mail(
        "CEO <boss@victim.test>",
        "Where is my port? Pay the invoice at http://evil.test/pay",
        "Any news?",
    );
    send_as_is(&w.address, &forged_question).await;
    w.staff_reason(&forged_question).await;
    // A real stranger asking (SPF passes for asker.test) is politely refused, without
    // their subject repeated.
    let stranger_question = mail(
        "Pat <pat@asker.test>",
        "Where is PORT-9999? Visit http://asker.test/x",
        "Hello, any news?",
    );
    send_as_is(&w.address, &stranger_question).await;
    w.staff_reason(&stranger_question).await;
    let outbox = w.t.app.desk.outbox(true).await.unwrap();
    assert!(
        !outbox.iter().any(|m| m.to.contains("victim.test")),
        "no backscatter to a forged sender: {outbox:#?}"
    );
    let refusal = outbox
        .iter()
        .find(|m| m.to.contains("pat@asker.test"))
        .expect("the real stranger gets the refusal");
    assert_eq!(refusal.template, "cannot_share");
    assert!(!refusal.subject.contains("asker.test") && !refusal.body.contains("http"));

    // A cancellation in the contact's name that fails its domain's DMARC: unverified.
    let forged_cancel = mail(
        "Acme Ops <ops@acme-dmarc.test>",
        &format!("Cancel {submitted}"),
        "Please cancel the port request, we are staying with Lineport.",
    );
    send_as_is(&w.address, &forged_cancel).await;
    assert!(w.staff_reason(&forged_cancel).await.starts_with("unverified"));

    // A forged rejection carrying a phishing link: the order is not rejected and the
    // customer is mailed nothing.
    let forged_rejection = mail(
        "Lineport Porting <ports@lineport.test>",
        &format!("Port request rejected - PON {submitted}"),
        &format!(
            "PON: {submitted}\nStatus: REJECTED\nReason: Invalid passcode/PIN. Confirm your PIN at \
             https://lineport-verify.test/pin?o=1 or write to pins@lineport-verify.test\n"
        ),
    );
    send_as_is(&w.address, &forged_rejection).await;
    assert!(w
        .staff_reason(&forged_rejection)
        .await
        .contains("does not prove it came from there"));
    assert_eq!(w.order(&submitted).await.state, OrderState::Submitted);
    // The same words in the carrier's genuine rejection: the customer's notice keeps
    // the reason and loses the link and the address.
    let genuine = sign(
        &forged_rejection.replace("<t", "<genuine-t"),
        "lineport.test",
        Key::Genuine,
    );
    send_as_is(&w.address, &genuine).await;
    let started = Instant::now();
    while w.order(&submitted).await.state != OrderState::Rejected {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the genuine rejection did not act"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let outbox = w.t.app.desk.outbox(true).await.unwrap();
    let notices: Vec<_> = outbox.iter().filter(|m| m.template == "rejection_notice").collect();
    assert_eq!(notices.len(), 1, "{outbox:#?}");
    assert!(notices[0].body.contains("Invalid passcode/PIN"), "{}", notices[0].body);
    assert!(
        !notices[0].body.contains("lineport-verify") && notices[0].body.contains("[link removed]"),
        "{}",
        notices[0].body
    );
    w.stop().await.finish().await;
}

//! The web board in a real browser: staff sign in and see the desk by state and its
//! port days, run a command from an order's page (a read-only account cannot), and a
//! customer's link opens their order in their language while a tampered one shows
//! nothing. Each page's screenshot is saved under target/screenshots.

use crate::browser::{raw_request, set_cookie, Browser, Served};
use crate::harness::Backend;
use crate::letters::bill_from_customer;
use crate::partial::{staff_do, submitted_with};
use crate::story::acme_request;
use portbot::desk::Origin;
use portbot::domain::staff::StaffRole;
use portbot::domain::{OrderRef, OrderState, Source};

const DANA: &str = "dana's long password";
const SAM: &str = "sam's long password";

/// Three orders: one waiting for documents (its bill came, as a file), one submitted,
/// one with its port day on 2026-12-08 (routing not confirmed).
async fn seeded(backend: Backend) -> (Served, [OrderRef; 3]) {
    let served = Served::start(backend).await;
    served.account("dana", DANA, StaffRole::Staff).await;
    served.account("sam", SAM, StaffRole::ReadOnly).await;
    let t = &served.t;
    let waiting = t
        .app
        .desk
        .open_order(acme_request("305-555-0200"), Source::Cli)
        .await
        .unwrap();
    let bill = bill_from_customer(&waiting.reference.to_string(), "100 Main St, Miami, FL 33130");
    let taken = t
        .app
        .desk
        .take_email(bill.as_bytes(), Origin::file(bill.as_bytes()))
        .await
        .unwrap();
    assert!(
        matches!(taken, portbot::desk::Taken::Applied { .. }),
        "the bill is filed: {taken:?}"
    );
    let submitted = submitted_with(t, "305-555-0100 thru 0101").await;
    let port_day = submitted_with(t, "305-555-0102").await;
    staff_do(t, &format!("foc {port_day} 2026-12-08")).await;
    (served, [waiting.reference, submitted, port_day])
}

async fn staff_sign_in_and_see_the_desk_by_state_and_its_port_days(backend: Backend) {
    let (served, [waiting, submitted, port_day]) = seeded(backend).await;
    let browser = Browser::open().await;
    let base = &served.base;

    // The board is behind the sign-in, and a wrong password is told so.
    browser.goto(base).await;
    browser.wait_for("#sign-in").await;
    browser.screenshot("sign_in").await;
    browser.sign_in(base, "dana", "not the password").await;
    browser.wait_for("#problem").await;
    assert!(browser.text_of("#problem").await.contains("do not match"));

    browser.sign_in(base, "dana", DANA).await;
    browser.wait_for("#orders").await;
    let counts = browser.text_of("#counts").await;
    assert!(counts.contains("1\nwaiting for documents"), "{counts}");
    assert!(counts.contains("1\nsubmitted, waiting for the carrier"), "{counts}");
    assert!(counts.contains("1\nport date confirmed"), "{counts}");
    let orders = browser.text_of("#orders").await;
    for r in [&waiting, &submitted, &port_day] {
        assert!(orders.contains(&r.to_string()), "{r} is listed: {orders}");
    }
    browser.screenshot("board").await;

    // One state at a time, and a search by number.
    browser.click_to_new_page("a[data-state=submitted]", "#orders").await;
    let only = browser.text_of("#orders tbody").await;
    assert!(
        only.contains(&submitted.to_string()) && !only.contains(&waiting.to_string()),
        "{only}"
    );
    browser.goto(&format!("{base}/?q=305-555-0102")).await;
    let found = browser.text_of("#orders tbody").await;
    assert!(
        found.contains(&port_day.to_string()) && !found.contains(&submitted.to_string()),
        "{found}"
    );

    // December's calendar holds the port day, flagged: routing is not confirmed.
    browser.goto(&format!("{base}/calendar?month=2026-12")).await;
    let day = browser.text_of("td[data-date='2026-12-08']").await;
    assert!(day.contains(&port_day.to_string()) && day.contains("routing?"), "{day}");
    browser.screenshot("calendar").await;

    browser.goto(&format!("{base}/charts")).await;
    browser.wait_for("#states-chart").await;
    browser.screenshot("charts").await;
    browser.goto(&format!("{base}/queue")).await;
    browser.wait_for("#queue").await;
    browser.screenshot("queue").await;
    browser.close().await;
    served.finish().await;
}
on_both_backends!(staff_sign_in_and_see_the_desk_by_state_and_its_port_days);

async fn an_order_page_runs_a_command_for_staff_and_refuses_a_read_only_account(backend: Backend) {
    let (served, [waiting, submitted, _]) = seeded(backend).await;
    let base = &served.base;
    let browser = Browser::open().await;
    browser.sign_in(base, "dana", DANA).await;
    browser.wait_for("#orders").await;
    browser.goto(&format!("{base}/orders/{submitted}")).await;
    let reply = browser.run_command(&format!("foc {submitted} 2026-12-10")).await;
    assert!(reply.contains("2026-12-10") || reply.contains("December 10"), "{reply}");
    assert_eq!(browser.text_of("#state").await, "port date confirmed");
    let timeline = browser.text_of("#timeline").await;
    assert!(
        timeline.contains("dana") && timeline.contains("2026-12-10"),
        "{timeline}"
    );
    browser.screenshot("order").await;

    // The bill the customer sent opens in the browser, as they sent it.
    browser.goto(&format!("{base}/orders/{waiting}")).await;
    let documents = browser.text_of("#documents").await;
    assert!(documents.contains("bill.txt"), "{documents}");
    browser.goto(&format!("{base}/orders/{waiting}/documents/0")).await;
    let shown = browser.client.source().await.unwrap();
    assert!(
        shown.contains("COMCAST BUSINESS") && shown.contains("Acme Dental Group"),
        "{shown}"
    );
    browser.close().await;

    // Sam may look, not change: the same box answers with chat's refusal.
    let browser = Browser::open().await;
    browser.sign_in(base, "sam", SAM).await;
    browser.wait_for("#orders").await;
    browser.goto(&format!("{base}/orders/{submitted}")).await;
    let refusal = browser
        .run_command(&format!("cancel {submitted} customer changed their mind"))
        .await;
    assert!(refusal.contains("needs the staff role"), "{refusal}");
    let order = served.t.app.desk.order(&submitted).await.unwrap();
    assert_eq!(order.state, OrderState::FocConfirmed, "nothing changed");
    // Reading is still allowed.
    let card = browser.run_command(&format!("status {submitted}")).await;
    assert!(card.contains(&submitted.to_string()), "{card}");
    browser.close().await;
    served.finish().await;
}
on_both_backends!(an_order_page_runs_a_command_for_staff_and_refuses_a_read_only_account);

async fn a_customer_link_shows_its_order_in_spanish_and_a_tampered_one_shows_nothing(backend: Backend) {
    let (served, [_, _, port_day]) = seeded(backend).await;
    let t = &served.t;
    staff_do(t, &format!("set {port_day} language es")).await;
    staff_do(t, &format!("remind {port_day}")).await;
    let mails = t.app.desk.outbox(true).await.unwrap();
    let reminder = mails
        .iter()
        .rev()
        .find(|m| m.order_ref.as_ref() == Some(&port_day) && m.body.contains("/p/"))
        .unwrap_or_else(|| panic!("a customer e-mail links to the status page: {mails:#?}"));
    let link = reminder
        .body
        .split_whitespace()
        .find(|w| w.starts_with(&served.base) && w.contains("/p/"))
        .expect("the footer's link")
        .to_string();
    assert!(
        reminder.body.contains("El estado de su portabilidad"),
        "{}",
        reminder.body
    );

    let browser = Browser::open().await;
    browser.goto(&link).await;
    browser.wait_for("#steps").await;
    let page = browser.client.source().await.unwrap();
    assert!(page.contains("lang=\"es\""), "the page speaks Spanish");
    let steps = browser.text_of("#steps").await;
    assert!(steps.contains("Enviada a su operador actual"), "{steps}");
    assert!(
        steps.contains("Díganos dónde debe sonar cada número"),
        "routing asked: {steps}"
    );
    assert!(
        browser.text_of("#port-date").await.contains("diciembre"),
        "the port date in Spanish"
    );
    assert!(browser.text_of("#numbers").await.contains("(305) 555-0102"));
    // Never the account number or the PIN.
    let order = t.app.desk.order(&port_day).await.unwrap();
    let account = order.account.account_number.clone().unwrap();
    assert!(
        !page.contains(&account) && !page.contains(&account.replace(' ', "")),
        "no account number"
    );
    browser.screenshot("status_page").await;

    // A link changed by hand (another order, a longer life, a forged signature) shows nothing.
    let tampered = link.replacen(&format!("/p/{}", port_day.number().unwrap()), "/p/1001", 1);
    for bad in [tampered, format!("{link}x"), format!("{}/p/nonsense", served.base)] {
        browser.goto(&bad).await;
        let page = browser.client.source().await.unwrap();
        assert!(page.contains("expired or is not valid"), "{bad}");
        assert!(
            !page.contains("555-0102") && !page.contains("555-0200"),
            "{bad} shows nothing of an order"
        );
    }
    browser.close().await;
    served.finish().await;
}
on_both_backends!(a_customer_link_shows_its_order_in_spanish_and_a_tampered_one_shows_nothing);

async fn the_charts_read_each_days_moves_and_each_carriers_history(backend: Backend) {
    let (served, [_, submitted, port_day]) = seeded(backend).await;
    let t = &served.t;
    t.at("2026-12-08T20:00:00Z");
    staff_do(t, &format!("complete {port_day}")).await;
    let history = t.app.store.carrier_history(100).await.unwrap();
    let turn = history
        .iter()
        .find(|h| h.completed_at.is_some())
        .expect("the completed order's turn");
    assert_eq!(turn.carrier, "Comcast Business");
    assert!(turn.foc_at.is_some(), "{history:?}");
    assert!(
        history.iter().all(|h| h.carrier == "Comcast Business"),
        "{submitted}: {history:?}"
    );

    let days = t.app.store.state_days("2026-11-01".parse().unwrap()).await.unwrap();
    let completed: i64 = days.iter().filter(|d| d.state == "completed").map(|d| d.entered).sum();
    assert_eq!(completed, 1, "{days:?}");
    let opened: i64 = days
        .iter()
        .filter(|d| d.state == "awaiting_documents")
        .map(|d| d.entered)
        .sum();
    assert_eq!(opened, 3, "three orders opened: {days:?}");
    served.finish().await;
}
on_both_backends!(the_charts_read_each_days_moves_and_each_carriers_history);

async fn a_guesser_is_made_to_wait_and_a_form_from_elsewhere_changes_nothing(backend: Backend) {
    let (served, [_, submitted, _]) = seeded(backend).await;
    let base = &served.base;
    let (_, page) = raw_request(base, "GET", "/sign-in", "", "").await;
    let token = set_cookie(&page, "portbot_sign_in").expect("the sign-in form's own token");
    let cookie = format!("portbot_sign_in={token}");
    let attempt = |password: &str, csrf: &str| format!("name=dana&password={password}&csrf={csrf}");

    // A form without the page's token is refused before the password is looked at.
    let (status, _) = raw_request(base, "POST", "/sign-in", &cookie, &attempt("x", "forged")).await;
    assert_eq!(status, 403);
    // Five wrong passwords, then even the right one waits.
    for _ in 0..5 {
        let (status, _) = raw_request(base, "POST", "/sign-in", &cookie, &attempt("guess", &token)).await;
        assert_eq!(status, 401);
    }
    let right = DANA.replace(' ', "+").replace('\'', "%27");
    let (status, answer) = raw_request(base, "POST", "/sign-in", &cookie, &attempt(&right, &token)).await;
    assert_eq!(status, 429, "{answer}");
    assert!(answer.contains("try again in 15 minutes"), "{answer}");

    // Sam's session, but a form without its CSRF token (a page elsewhere posting it).
    let (_, page) = raw_request(base, "GET", "/sign-in", "", "").await;
    let token = set_cookie(&page, "portbot_sign_in").unwrap();
    let sam = SAM.replace(' ', "+").replace('\'', "%27");
    let login = format!("name=sam&password={sam}&csrf={token}");
    let (status, answer) = raw_request(base, "POST", "/sign-in", &format!("portbot_sign_in={token}"), &login).await;
    assert_eq!(status, 303, "{answer}");
    let session = set_cookie(&answer, "portbot_session").expect("a session cookie");
    assert!(answer.contains("HttpOnly; SameSite=Strict"), "{answer}");
    let forged = format!("csrf=nope&command=status+{submitted}");
    let path = format!("/orders/{submitted}/command");
    let (status, _) = raw_request(base, "POST", &path, &format!("portbot_session={session}"), &forged).await;
    assert_eq!(status, 403);
    served.finish().await;
}
on_both_backends!(a_guesser_is_made_to_wait_and_a_form_from_elsewhere_changes_nothing);

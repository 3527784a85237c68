//! A request that leaves three carriers: each order keeps its own carrier's account,
//! and the bills the customer sends back in one reply each land on their own order.

use crate::api::onboarded_acme;
use crate::harness::{Backend, TestDesk};
use portbot::desk::intake::IntakeAnswer;
use portbot::desk::Origin;
use portbot::domain::{Order, OrderRef, Party};
use serde_json::json;

/// Acme leaves Comcast (its main line), AT&T (the fax line) and Verizon (its toll-free
/// number), each account with its own number, PIN and billing number.
fn three_carriers(verizon: serde_json::Value) -> serde_json::Value {
    json!({"request_id": "PR-3C", "customer": "ACME-001", "submitted_by": "maria@acme.example",
    "carrier": "Comcast Business",
    "numbers": ["305-555-0100", {"number": "305-555-0300", "carrier": "AT&T"},
                {"number": "1-800-555-0199", "carrier": "Verizon"}],
    "authorized_name": "Maria Lopez",
    "accounts": [
        {"carrier": "Comcast Business", "account_number": "8774 1012 3456 789", "pin": "1234",
         "btn": "305-555-0100", "account_name": "Acme Dental Group",
         "service_address": "100 Main St, Miami, FL 33130"},
        {"carrier": "AT&T", "account_number": "99-1234-567", "pin": "8642", "btn": "305-555-0300",
         "account_name": "Acme Dental Group", "service_address": "100 Main St, Miami, FL 33130"},
        verizon
    ]})
}

fn verizon_account() -> serde_json::Value {
    json!({"carrier": "Verizon", "account_number": "555000111", "pin": "7777",
        "account_name": "Acme Dental Group", "service_address": "100 Main St, Miami, FL 33130"})
}

async fn opened(t: &TestDesk, request: serde_json::Value) -> Vec<Order> {
    let answer = t
        .app
        .desk
        .take_port_request(request.to_string().as_bytes())
        .await
        .unwrap();
    let IntakeAnswer::Taken { receipt, .. } = answer else {
        panic!("not taken: {answer:?}")
    };
    let mut orders = Vec::new();
    for o in receipt.orders {
        let r: OrderRef = o.reference.parse().unwrap();
        orders.push(t.app.desk.order(&r).await.unwrap());
    }
    orders
}

/// A bill as the carrier prints it, attached as text.
fn bill(header: &str, account: &str, number: &str) -> String {
    bill_dated(header, account, number, "11/01/2026")
}

fn bill_dated(header: &str, account: &str, number: &str, date: &str) -> String {
    format!(
        "                            {header}\n\
Account Number:     {account}      Bill Date:    {date}\n\
Billing Number:     {number}            Due Date:     11/22/2026\n\n\
Customer:           Acme Dental Group\n\
Service Location:   100 Main St\n\
                    Miami, FL 33130\n\
ACCOUNT SUMMARY\n  Current Charges                                                    $109.05\n\
SERVICE DETAIL\n  TELEPHONE NUMBER      DESCRIPTION                                   AMOUNT\n\
  {number}          Business Line                                  $39.99\n"
    )
}

async fn take(t: &TestDesk, message: &str) {
    let raw = message.as_bytes();
    t.app.desk.take_email(raw, Origin::file(raw)).await.unwrap();
}

/// Maria answers the acknowledgement (which names the first order) with every bill.
fn reply_with_bills(reference: &OrderRef, bills: &[(&str, String)]) -> String {
    let mut parts = String::new();
    for (name, text) in bills {
        parts.push_str(&format!(
            "--b1\nContent-Type: text/plain; name=\"{name}\"\nContent-Disposition: attachment; filename=\"{name}\"\n\n{text}\n"
        ));
    }
    format!(
        "From: Maria Lopez <maria@acme.example>\nTo: porting@voip.example\n\
         Subject: Re: [{reference}] We received your port request PR-3C\n\
         Message-ID: <bills.{}@acme.example>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n\
         --b1\nContent-Type: text/plain\n\nHere are our three bills.\n\n{parts}--b1--\n",
        std::process::id()
    )
}

async fn a_three_carrier_request_keeps_each_account_and_files_each_bill_on_its_order(backend: Backend) {
    let t = TestDesk::start(backend).await;
    onboarded_acme(&t).await;

    // Three orders, each with its own carrier's account, PIN and billing number.
    let orders = opened(&t, three_carriers(verizon_account())).await;
    let carriers: Vec<&str> = orders.iter().map(|o| o.carrier.as_str()).collect();
    assert_eq!(carriers, ["Comcast Business", "AT&T", "Verizon"]);
    let accounts: Vec<&str> = orders
        .iter()
        .map(|o| o.account.account_number.as_deref().unwrap())
        .collect();
    assert_eq!(accounts, ["8774 1012 3456 789", "99-1234-567", "555000111"]);
    let pins: Vec<&str> = orders.iter().map(|o| o.pin.as_ref().unwrap().expose()).collect();
    assert_eq!(pins, ["1234", "8642", "7777"]);
    assert_eq!(orders[1].account.btn.unwrap().e164(), "+13055550300");
    assert_eq!(orders[2].account.btn, None, "Verizon's entry gave no billing number");

    // One reply to the acknowledgement (it names the Comcast order) brings all three bills.
    let reply = reply_with_bills(
        &orders[0].reference,
        &[
            ("att-bill.txt", bill("AT&T", "99-1234-567", "305-555-0300")),
            (
                "comcast-bill.txt",
                bill("COMCAST BUSINESS", "8774 1012 3456 789", "305-555-0100"),
            ),
            (
                "verizon-bill.txt",
                bill("VERIZON BUSINESS", "555000111", "800-555-0199"),
            ),
        ],
    );
    take(&t, &reply).await;
    for (order, file) in orders
        .iter()
        .zip(["comcast-bill.txt", "att-bill.txt", "verizon-bill.txt"])
    {
        let now = t.app.desk.order(&order.reference).await.unwrap();
        let bill = now
            .bill
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no bill", order.reference));
        assert_eq!(
            bill.account_number
                .as_deref()
                .map(portbot::domain::bill::account_number_key),
            order
                .account
                .account_number
                .as_deref()
                .map(portbot::domain::bill::account_number_key),
            "{} got another carrier's bill",
            order.reference
        );
        assert!(now.mismatches().is_empty(), "{:?}", now.mismatches());
        let documents = t.app.store.documents(&order.reference).await.unwrap();
        let names: Vec<&str> = documents.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, [file], "{} keeps its own bill only", order.reference);
    }
    assert!(t.app.desk.staff_queue(false).await.unwrap().is_empty());
    t.finish().await;
}

on_both_backends!(a_three_carrier_request_keeps_each_account_and_files_each_bill_on_its_order);

async fn a_carrier_without_its_account_asks_the_customer_and_a_stray_bill_goes_to_staff(backend: Backend) {
    let t = TestDesk::start(backend).await;
    onboarded_acme(&t).await;
    let mut request = three_carriers(json!({"carrier": "Verizon"}));
    request["request_id"] = json!("PR-3D");
    let orders = opened(&t, request).await;

    // Verizon's account was left out: the customer is asked, in the (Spanish) acknowledgement too.
    let verizon = &orders[2];
    assert_eq!(verizon.account.account_number, None);
    assert!(verizon.pin.is_none());
    let asks = verizon.blockers();
    assert!(
        asks.iter()
            .any(|b| b.who == Party::Customer && b.what.contains("account number") && b.what.contains("Verizon")),
        "{asks:?}"
    );
    let outbox = t.app.desk.outbox(true).await.unwrap();
    let ack = outbox.iter().find(|m| m.template == "acknowledgement").unwrap();
    assert!(
        ack.body.contains("la solicitud no incluía el número de cuenta"),
        "{}",
        ack.body
    );

    // A Spectrum bill fits none of Acme's orders: filed nowhere, handed to a person.
    let reply = reply_with_bills(
        &orders[0].reference,
        &[
            (
                "comcast-bill.txt",
                bill("COMCAST BUSINESS", "8774 1012 3456 789", "305-555-0100"),
            ),
            (
                "spectrum-bill.txt",
                bill("SPECTRUM BUSINESS", "4455667788", "212-555-0199"),
            ),
        ],
    );
    take(&t, &reply).await;
    assert!(t.app.desk.order(&orders[0].reference).await.unwrap().bill.is_some());
    let queue = t.app.desk.staff_queue(false).await.unwrap();
    assert!(
        queue
            .iter()
            .any(|i| i.reason.contains("spectrum-bill.txt") && i.reason.contains("fits none")),
        "{queue:?}"
    );
    t.finish().await;
}

on_both_backends!(a_carrier_without_its_account_asks_the_customer_and_a_stray_bill_goes_to_staff);

async fn a_bill_a_year_old_is_not_enough_and_the_latest_one_is_asked_for(backend: Backend) {
    let t = TestDesk::start(backend).await;
    onboarded_acme(&t).await;
    let orders = opened(&t, three_carriers(verizon_account())).await;
    let att = &orders[1];
    let reply = reply_with_bills(
        &att.reference,
        &[(
            "att-bill.txt",
            bill_dated("AT&T", "99-1234-567", "305-555-0300", "10/01/2025"),
        )],
    );
    take(&t, &reply).await;
    let now = t.app.desk.order(&att.reference).await.unwrap();
    assert_eq!(now.bill_too_old(), Some(60), "desk.bill_max_age_days is 60 by default");
    assert!(!now.has_current_bill());
    let outbox = t.app.desk.outbox(true).await.unwrap();
    let post = outbox
        .iter()
        .find(|m| m.template == "chat/bill_mismatch")
        .unwrap_or_else(|| {
            panic!(
                "staff hear of it: {:?}",
                outbox.iter().map(|m| (&m.template, &m.body)).collect::<Vec<_>>()
            )
        });
    assert!(post.body.contains("too old"), "{}", post.body);
    t.finish().await;
}

on_both_backends!(a_bill_a_year_old_is_not_enough_and_the_latest_one_is_asked_for);

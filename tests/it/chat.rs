//! Staff conversations with the bot: every command, who may use it, and what it says
//! when something is wrong.

use crate::harness::{Backend, TestDesk};
use portbot::chat::Caller;

const OPEN: &str = "open customer=ACME-001 carrier=\"Comcast Business\" numbers=\"305-555-0100 thru 0103\" \
    contact=ops@acme.example account=\"8774 1012 3456 789\" btn=305-555-0100 name=\"Acme Dental Group\" \
    address=\"100 Main St, Miami, FL 33130\" authorized=\"Maria Lopez\" pin=1234 contract-end=2027-01-15";

async fn desk_with_an_order() -> TestDesk {
    let t = TestDesk::start(Backend::Sqlite).await;
    let reply = t.staff_says(OPEN).await;
    assert!(reply.ok, "{}", reply.text);
    assert!(reply.text.starts_with("Opened PORT-1001"), "{}", reply.text);
    t
}

#[tokio::test]
async fn staff_open_an_order_and_read_its_card_by_reference_or_number() {
    let t = desk_with_an_order().await;
    let card = t.staff_says("status PORT-1001").await;
    assert!(card.ok);
    for line in [
        "**PORT-1001**",
        "waiting for documents",
        "Comcast Business",
        "fee $100.00",
        "(305) 555-0103 voice, pending",
        "customer: sign the e-LOA",
        "Contract ends 2027-01-15",
    ] {
        assert!(card.text.contains(line), "missing {line:?} in:\n{}", card.text);
    }
    // The card never shows the PIN or the whole account number.
    assert!(
        card.text.contains("Account •••6789") && !card.text.contains("877410123456789") && !card.text.contains("1234"),
        "{}",
        card.text
    );
    let by_number = t.staff_says("status (305) 555-0102").await;
    assert_eq!(by_number.text, card.text);
    assert_eq!(t.staff_says("!port status port 1001").await.text, card.text);
}

#[tokio::test]
async fn staff_walk_an_order_through_every_command() {
    let t = desk_with_an_order().await;
    let steps = [
        (
            "note PORT-1001 customer will email the bill today",
            "PORT-1001: customer will email the bill today",
        ),
        (
            "set PORT-1001 contacts ops@acme.example, maria@acme.example, OPS@acme.example",
            "contacts set to ops@acme.example, maria@acme.example",
        ),
        ("set PORT-1001 btn (305) 555-0101", "BTN set to +13055550101"),
        ("set PORT-1001 btn 305-555-0100", "BTN set to +13055550100"),
        ("set PORT-1001 pin 9876", "PIN changed"),
        ("loa-signed PORT-1001", "LOA signed. Now waiting for documents"),
        ("list", "PORT-1001 · awaiting_documents · ACME-001"),
        ("list awaiting_documents", "PORT-1001"),
        ("list completed", "No orders in state completed."),
        (
            "cancel PORT-1001 customer is staying with Comcast",
            "cancelled: customer is staying with Comcast",
        ),
        ("status PORT-1001", "cancelled"),
    ];
    for (command, expected) in steps {
        let reply = t.staff_says(command).await;
        assert!(reply.ok, "{command}: {}", reply.text);
        assert!(
            reply.text.contains(expected),
            "{command}: expected {expected:?} in\n{}",
            reply.text
        );
    }
    let contacts = t
        .app
        .desk
        .order_file(&"PORT-1001".parse().unwrap())
        .await
        .unwrap()
        .order
        .contacts;
    assert_eq!(
        contacts.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        ["ops@acme.example", "maria@acme.example"],
        "a contact written twice is kept once"
    );
}

#[tokio::test]
async fn mistakes_get_a_reply_that_says_what_to_do() {
    let t = desk_with_an_order().await;
    let cases = [
        ("status PORT-9999", "PORT-9999 does not exist: check the reference"),
        ("status 212-555-0100", "no order has the number (212) 555-0100"),
        ("status PORT-12", "not an order reference: write it as PORT-1042"),
        ("status 555-0100", "has 7 digits"),
        ("foc PORT-1001 next tuesday", "is not a date: write it as YYYY-MM-DD"),
        (
            "foc PORT-1001 2026-12-03",
            "PORT-1001 is awaiting_documents: setting an FOC date is not possible now",
        ),
        (
            "submit PORT-1001",
            "PORT-1001 cannot be submitted yet: sign the e-LOA; send the latest bill",
        ),
        (
            "reject PORT-1001 WRONG_ZIP zip does not match",
            "'WRONG_ZIP' is not a reject code: use one of ACCOUNT_NUMBER_MISMATCH",
        ),
        ("reject PORT-1001 OTHER", "give the carrier's reason"),
        (
            "route PORT-1001 all fax-ata",
            "is a voice number: it can ring an extension, a ring group or an IVR",
        ),
        ("route PORT-1001 305-555-0199 ext 1", "+13055550199 is not on PORT-1001"),
        ("route PORT-1001 all voicemail", "is not a routing target"),
        (
            "set PORT-1001 colour blue",
            "'colour' is not a field: use one of account, pin",
        ),
        ("set PORT-1001 address", "give the new address"),
        (
            "open customer=ACME-001 carrier=AT&T numbers=305-555-0103 contact=a@b.example",
            "+13055550103 is already on PORT-1001",
        ),
        (
            "open customer=ACME-002 carrier=AT&T numbers=\"305-555-0200, 800-555-0199\" contact=a@b.example",
            "toll-free numbers go on their own order",
        ),
        (
            "open customer=ACME-002 carrier=AT&T numbers=305-555-0200",
            "add at least one contact",
        ),
        ("open customer=ACME-002 carrier AT&T", "is not a key=value pair"),
        ("complete PORT-1001", "completing is not possible now"),
        ("submit PORT-1001 now please", "is more than the command takes"),
        ("note PORT-1001", "a note needs some text"),
        ("dance PORT-1001", "'dance' is not a command: type `help` for the list"),
    ];
    for (command, expected) in cases {
        let reply = t.staff_says(command).await;
        assert!(!reply.ok, "{command} should fail, said: {}", reply.text);
        assert!(
            reply.text.contains(expected),
            "{command}: expected {expected:?} in\n{}",
            reply.text
        );
    }
    let crowd: Vec<String> = (0..26).map(|i| format!("staff{i}@acme.example")).collect();
    let reply = t
        .staff_says(&format!("set PORT-1001 contacts {}", crowd.join(", ")))
        .await;
    assert!(!reply.ok, "{}", reply.text);
    assert!(
        reply.text.contains("26 contacts on one order: at most 25"),
        "{}",
        reply.text
    );
    // Nothing above changed the order.
    let timeline = t
        .app
        .desk
        .order_file(&"PORT-1001".parse().unwrap())
        .await
        .unwrap()
        .timeline;
    assert_eq!(timeline.len(), 1);
}

#[tokio::test]
async fn only_staff_change_orders_but_anyone_may_read() {
    let t = desk_with_an_order().await;
    let guest = Caller {
        name: "visitor".into(),
        is_staff: false,
    };
    assert!(t.app.chat.handle(&guest, "status PORT-1001").await.ok);
    assert!(t.app.chat.handle(&guest, "list").await.ok);
    assert!(t.app.chat.handle(&guest, "help").await.ok);
    for command in ["loa-signed PORT-1001", "cancel PORT-1001", "note PORT-1001 hi", OPEN] {
        let reply = t.app.chat.handle(&guest, command).await;
        assert!(
            !reply.ok && reply.text.contains("visitor may only read"),
            "{command}: {}",
            reply.text
        );
    }
}

#[tokio::test]
async fn help_lists_every_command() {
    let t = TestDesk::start(Backend::Sqlite).await;
    let help = t.staff_says("help").await.text;
    for command in [
        "status",
        "list",
        "open",
        "set",
        "loa-signed",
        "submit",
        "foc",
        "reject",
        "route",
        "complete",
        "cancel",
        "note",
        "help",
    ] {
        assert!(help.contains(&format!("`{command}")), "help lacks {command}:\n{help}");
    }
    assert!(help.contains("PHONE_NUMBER_NOT_PORTABLE") && help.contains("foc_confirmed"));
}

#[tokio::test]
async fn staff_set_up_a_customer_account_in_chat() {
    let t = TestDesk::start(Backend::Sqlite).await;
    let added = t
        .staff_says("customer add ACME-001 company=\"Acme Dental Group\" time-zone=America/Chicago")
        .await;
    assert!(added.ok && added.text.contains("NOT onboarded"), "{}", added.text);
    let early = t.staff_says("customer onboard ACME-001").await;
    assert!(
        !early.ok && early.text.contains("customer contact ACME-001"),
        "{}",
        early.text
    );
    let contact = t
        .staff_says("customer contact ACME-001 maria@acme.example name=\"Maria Lopez\" language=es")
        .await;
    assert!(
        contact.ok && contact.text.contains("maria@acme.example (Maria Lopez) [es]"),
        "{}",
        contact.text
    );
    assert!(t.staff_says("customer temporary ACME-001 305-555-0900").await.ok);
    let onboarded = t.staff_says("customer onboard ACME-001").await;
    assert!(
        onboarded.ok && onboarded.text.contains("onboarded") && onboarded.text.contains("(305) 555-0900"),
        "{}",
        onboarded.text
    );
    // Maria is the only contact: she stays until someone else is named.
    let alone = t
        .staff_says("customer remove-contact ACME-001 maria@acme.example")
        .await;
    assert!(
        !alone.ok
            && alone
                .text
                .contains("maria@acme.example is ACME-001's only contact: add another first"),
        "{}",
        alone.text
    );
    assert!(t.staff_says("customer contact ACME-001 ap@acme.example").await.ok);
    let removed = t
        .staff_says("customer remove-contact ACME-001 maria@acme.example")
        .await;
    assert!(
        removed.ok && removed.text.contains("ap@acme.example") && !removed.text.contains("maria@"),
        "{}",
        removed.text
    );
    let extra = t
        .staff_says("customer remove-contact ACME-001 ap@acme.example maria@acme.example")
        .await;
    assert!(
        !extra.ok
            && extra
                .text
                .contains("'maria@acme.example' is more than the command takes"),
        "{}",
        extra.text
    );
    let stranger = t.staff_says("customer remove-contact ACME-001 bob@acme.example").await;
    assert!(
        !stranger.ok
            && stranger
                .text
                .contains("ACME-001 has no contact bob@acme.example: its contacts are ap@acme.example"),
        "{}",
        stranger.text
    );
    let guest = portbot::chat::Caller {
        name: "guest".into(),
        is_staff: false,
    };
    assert!(t.app.chat.handle(&guest, "customer show ACME-001").await.ok);
    assert!(!t.app.chat.handle(&guest, "customer onboard ACME-001").await.ok);
    let unknown = t.staff_says("customer show NOPE").await;
    assert!(
        !unknown.ok && unknown.text.contains("customer add NOPE"),
        "{}",
        unknown.text
    );
    let bad = t.staff_says("customer frobnicate ACME-001").await;
    assert!(!bad.ok && bad.text.contains("Usage"), "{}", bad.text);
    t.finish().await;
}

#[tokio::test]
async fn staff_ask_for_a_reminder_and_read_the_digest() {
    let t = TestDesk::start(Backend::Sqlite).await;
    let open = "open customer=ACME-001 carrier=Verizon numbers=\"305-555-0100\" contact=ops@acme.example";
    assert!(t.staff_says(open).await.ok);
    let reminded = t.staff_says("remind PORT-1001").await;
    assert!(
        reminded.ok
            && reminded
                .text
                .contains("LOA reminder and bill reminder e-mailed to ops@acme.example (asked by dana)"),
        "{}",
        reminded.text
    );
    let emails: Vec<String> = t
        .app
        .desk
        .outbox(false)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.template)
        .collect();
    assert!(emails.contains(&"loa_reminder".to_string()) && emails.contains(&"bill_reminder".to_string()));
    assert!(t.staff_says("loa-signed PORT-1001").await.ok);
    assert!(
        t.staff_says("set PORT-1001 address 1 Main St, Miami, FL 33130")
            .await
            .ok
    );
    let digest = t.staff_says("digest").await;
    assert!(
        digest.ok && digest.text.starts_with("Daily digest for Monday, November 23, 2026"),
        "{}",
        digest.text
    );
    assert!(
        digest.text.contains("**E-mails waiting for a person**: 0"),
        "{}",
        digest.text
    );
    t.finish().await;
}

#[tokio::test]
async fn the_digest_goes_to_the_staff_channel_once_each_business_morning() {
    let t = TestDesk::start(Backend::Sqlite).await;
    for at in [
        "2026-11-23T13:00:00Z",
        "2026-11-23T14:00:00Z",
        "2026-11-23T14:30:00Z",
        "2026-11-26T15:00:00Z",
        "2026-11-27T14:05:00Z",
    ] {
        t.at(at);
        t.app.desk.tick().await.unwrap();
    }
    let digests: Vec<_> = t
        .app
        .desk
        .outbox(true)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.template == "chat/digest")
        .map(|m| m.subject)
        .collect();
    // 08:00 is too early; 09:00 Monday posts; again Monday nothing; Thanksgiving nothing; Friday posts.
    assert_eq!(
        digests,
        [
            "Daily digest for Monday, November 23, 2026",
            "Daily digest for Friday, November 27, 2026"
        ]
    );
    t.finish().await;
}

#[tokio::test]
async fn the_card_says_when_the_bill_came_and_reads_like_the_rest() {
    let t = desk_with_an_order().await;
    let before = t.staff_says("status PORT-1001").await.text;
    assert!(before.contains("bill not received"), "{before}");
    assert!(
        before.contains("BTN (305) 555-0100"),
        "the BTN reads like the other numbers: {before}"
    );
    // A bill that came another way: its text pasted in.
    let bill = "bill PORT-1001\nCOMCAST BUSINESS\nAccount Number: 8774 1012 3456 789\n\
        Billing Telephone Number: 305-555-0100\nService Address: 100 Main St, Miami, FL 33130\nTotal due $109.05";
    let reply = t.staff_says(bill).await;
    assert!(reply.ok, "{}", reply.text);
    let after = t.staff_says("status PORT-1001").await.text;
    assert!(after.contains("bill received"), "{after}");
    // Times on the card: the desk's zone (New York), to the minute.
    assert!(after.contains("Mon 23 Nov 10:00"), "{after}");
    assert!(!after.contains("+00:00") && !after.contains("UTC"), "{after}");
    let documents = t.app.store.documents(&"PORT-1001".parse().unwrap()).await.unwrap();
    assert_eq!(documents.len(), 1, "the bill is kept with the order");
    // A file on the bot's machine works the same; something that is no bill is refused.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("statement.txt");
    std::fs::write(
        &file,
        "Account Number: 8774 1012 3456 789\nService Address: 100 Main St, Miami, FL 33130\nTotal due $109.05\n",
    )
    .unwrap();
    assert!(t.staff_says(&format!("bill PORT-1001 {}", file.display())).await.ok);
    let refused = t.staff_says("bill PORT-1001 hello there").await;
    assert!(
        !refused.ok && refused.text.contains("no bill could be read"),
        "{}",
        refused.text
    );
}

#[tokio::test]
async fn staff_say_what_the_numbers_are_and_routes_read_plainly() {
    let t = desk_with_an_order().await;
    let routed = t.staff_says("route PORT-1001 all ring-group Sales").await;
    assert!(routed.ok, "{}", routed.text);
    assert!(routed.text.contains("all 4 numbers routed to"), "{}", routed.text);
    let fax = t.staff_says("set PORT-1001 type 305-555-0103 fax").await;
    assert!(fax.ok, "{}", fax.text);
    assert!(
        fax.text.contains("+13055550103 now fax; 1 route(s) no longer fit"),
        "{}",
        fax.text
    );
    let card = t.staff_says("status PORT-1001").await.text;
    assert!(card.contains("(305) 555-0103 fax, pending"), "{card}");
    let pin = t.staff_says("set PORT-1001 pin 9876").await;
    assert!(pin.ok && !pin.text.contains("matches the bill"), "{}", pin.text);
    let help = t.staff_says("help").await.text;
    assert!(
        help.contains("`quit`") && help.contains("numbers=") && help.contains("`reopen"),
        "{help}"
    );
}

#[tokio::test]
async fn endless_text_is_refused_with_its_length() {
    let t = desk_with_an_order().await;
    let note = t.staff_says(&format!("note PORT-1001 {}", "n".repeat(20_000))).await;
    assert!(
        !note.ok && note.text.contains("20000 characters long: at most 4000"),
        "{}",
        &note.text[..100]
    );
    let route = t
        .staff_says(&format!("route PORT-1001 all ring-group {}", "g".repeat(500)))
        .await;
    assert!(
        !route.ok && route.text.contains("at most 100 characters"),
        "{}",
        &route.text[..100.min(route.text.len())]
    );
    let name = t.staff_says(&format!("set PORT-1001 name {}", "a".repeat(300))).await;
    assert!(
        !name.ok && name.text.contains("at most 200"),
        "{}",
        &name.text[..100.min(name.text.len())]
    );
    let timeline = t.app.store.timeline(&"PORT-1001".parse().unwrap()).await.unwrap();
    assert_eq!(timeline.len(), 1, "nothing was stored");
}

#[tokio::test]
async fn a_bill_listing_other_numbers_is_not_fixed_with_set() {
    let t = desk_with_an_order().await;
    // The bill lists only the main number: the order's other three are not on it.
    let bill = "bill PORT-1001\nCOMCAST BUSINESS\nAccount Number: 8774 1012 3456 789\n\
        Service Address: 100 Main St, Miami, FL 33130\nTELEPHONE NUMBER   DESCRIPTION   AMOUNT\n\
        305-555-0100   Business Line   $39.99\nTotal due $39.99";
    assert!(t.staff_says(bill).await.ok);
    let posts = t.app.desk.outbox(true).await.unwrap();
    let mismatch = posts
        .iter()
        .find(|m| m.template == "chat/bill_mismatch")
        .expect("the mismatch post");
    assert!(
        mismatch.body.contains("Numbers cannot be changed on an order"),
        "{}",
        mismatch.body
    );
}

#[tokio::test]
async fn an_account_id_follows_one_rule_everywhere() {
    let t = TestDesk::start(Backend::Sqlite).await;
    let lower = t
        .staff_says("open customer=acme-001 carrier=Verizon numbers=\"305-555-0700\" contact=ops@acme.example")
        .await;
    assert!(lower.ok, "{}", lower.text);
    assert!(
        lower.text.contains("ACME-001"),
        "written as everywhere else: {}",
        lower.text
    );
    let bad = t
        .staff_says("open customer=\"acme 001!\" carrier=Verizon numbers=\"305-555-0701\" contact=ops@acme.example")
        .await;
    assert!(!bad.ok && bad.text.contains("is not an account id"), "{}", bad.text);
}

#[tokio::test]
async fn an_order_staff_open_is_acknowledged_to_its_contact_unless_quiet() {
    let t = desk_with_an_order().await;
    let outbox = t.app.desk.outbox(true).await.unwrap();
    let told: Vec<_> = outbox.iter().filter(|m| m.template == "order_opened").collect();
    assert_eq!(told.len(), 1, "one acknowledgement, to the one contact");
    assert_eq!(told[0].to, "ops@acme.example");
    assert!(told[0].subject.contains("[PORT-1001]"), "{}", told[0].subject);
    for words in ["Comcast Business", "$100.00", "letter of authorization", "latest bill"] {
        assert!(told[0].body.contains(words), "{words:?} not in:\n{}", told[0].body);
    }

    let quiet = t
        .staff_says("open customer=ACME-001 carrier=AT&T numbers=305-555-0300 contact=ops@acme.example quiet")
        .await;
    assert!(quiet.ok, "{}", quiet.text);
    let outbox = t.app.desk.outbox(true).await.unwrap();
    assert_eq!(
        outbox.iter().filter(|m| m.template == "order_opened").count(),
        1,
        "quiet: nothing more"
    );
}

//! The real serenity client against a fake Discord on loopback: text and slash commands
//! are answered by the chat core with its permission rules, and staff posts from the
//! outbox arrive in the porting channel as embeds.

use crate::fake_discord::{channel_message, direct_message, slash_command, FakeDiscord, CHANNEL, STAFF_ROLE};
use crate::harness::{Backend, TestDesk};
use crate::story::acme_request;
use portbot::config::{DiscordSettings, Secret};
use portbot::domain::{OrderState, Source};
use tokio_util::sync::CancellationToken;

#[tokio::test]
async fn staff_use_slash_and_text_commands_in_discord_and_read_the_posts() {
    let t = TestDesk::start(Backend::Sqlite).await;
    let order = t
        .app
        .desk
        .open_order(acme_request("305-555-0100"), Source::Cli)
        .await
        .unwrap();
    let r = order.reference.clone();
    crate::story::submitted(&t.app.desk, &r).await;
    // The posts queued so far are not this test's subject.
    let old: Vec<i64> = t.app.desk.outbox(false).await.unwrap().iter().map(|m| m.id).collect();
    for id in old {
        t.app.desk.sending().sent(id).await.unwrap();
    }
    let fake = FakeDiscord::start().await;
    let settings = DiscordSettings {
        token: Secret::new("fake-bot-token"),
        channel_id: CHANNEL,
        staff_role_id: STAFF_ROLE,
        api_url: Some(fake.url.clone()),
    };
    let stop = CancellationToken::new();
    let client = tokio::spawn(portbot::discord::run(
        t.app.chat.clone(),
        t.app.desk.clone(),
        settings.clone(),
        stop.clone(),
    ));
    let sink = std::sync::Arc::new(portbot::discord::DiscordSink::new(
        portbot::discord::http(&settings),
        CHANNEL,
    ));
    let poster =
        portbot::chat::poster::ChatPoster::new(t.app.desk.sending(), sink, std::time::Duration::from_millis(50));
    let poster_stop = stop.clone();
    let posting = tokio::spawn(async move { poster.run(poster_stop).await });

    // Ready: the slash commands are registered.
    let registered = fake
        .wait_for("the slash commands", |c| {
            c.method == "PUT" && c.path.ends_with("/commands")
        })
        .await;
    let names: Vec<&str> = registered
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for name in [
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
        "inbox",
        "remind",
        "digest",
        "help",
    ] {
        assert!(names.contains(&name), "/{name} missing: {names:?}");
    }

    // A text command from staff in the porting channel.
    fake.push(
        "MESSAGE_CREATE",
        channel_message("201", "dana", &[STAFF_ROLE], &format!("!port status {r}")),
    );
    let card = fake
        .wait_for("the order card", |c| {
            c.path.ends_with(&format!("/channels/{CHANNEL}/messages"))
                && c.body["embeds"][0]["footer"]["text"].as_str() == Some("PORT-1001")
        })
        .await;
    assert_eq!(
        card.body["allowed_mentions"]["parse"],
        serde_json::json!([]),
        "nothing pings"
    );
    let shown = card.body["embeds"][0].to_string();
    assert!(shown.contains("Comcast"), "{shown}");
    assert!(
        !shown.contains("8774 1012 3456 789") && !shown.contains("877410123456789"),
        "masked: {shown}"
    );

    // Autocomplete offers reject codes.
    let mut typing = slash_command(
        "403",
        "dana",
        &[STAFF_ROLE],
        "reject",
        &[("order", "PORT-10"), ("code", "PIN")],
    );
    typing["type"] = serde_json::json!(4);
    typing["data"]["options"][1]["focused"] = serde_json::json!(true);
    fake.push("INTERACTION_CREATE", typing);
    let offered = fake
        .wait_for("the code suggestions", |c| c.path.contains("/interactions/403/"))
        .await;
    assert_eq!(offered.body["type"], 8, "{:?}", offered.body);
    assert_eq!(offered.body["data"]["choices"][0]["value"], "PASSCODE_PIN_INVALID");

    // A slash command from staff: the FOC date.
    fake.push(
        "INTERACTION_CREATE",
        slash_command(
            "401",
            "dana",
            &[STAFF_ROLE],
            "foc",
            &[("order", &r.to_string()), ("date", "2026-12-08")],
        ),
    );
    let answered = fake
        .wait_for("the /foc answer", |c| c.path.contains("/interactions/401/"))
        .await;
    let shown = answered.body["data"]["embeds"][0].to_string();
    assert!(shown.contains("2026-12-08"), "{:?}", answered.body);
    assert_eq!(t.app.desk.order(&r).await.unwrap().state, OrderState::FocConfirmed);

    // The FOC-set post leaves the outbox as an embed in the porting channel.
    let post = fake
        .wait_for("the FOC post", |c| {
            c.body["embeds"][0]["title"].as_str().is_some_and(|t| t.contains("FOC"))
        })
        .await;
    assert!(post.path.ends_with(&format!("/channels/{CHANNEL}/messages")));

    // Someone without the staff role may read but not change.
    fake.push(
        "INTERACTION_CREATE",
        slash_command("402", "guest", &[], "complete", &[("order", &r.to_string())]),
    );
    let refused = fake
        .wait_for("the refusal", |c| c.path.contains("/interactions/402/"))
        .await;
    assert!(refused.body["data"]["content"]
        .as_str()
        .unwrap()
        .contains("needs the staff role"));
    assert_eq!(t.app.desk.order(&r).await.unwrap().state, OrderState::FocConfirmed);

    // A direct message is refused without reading anything.
    fake.push(
        "MESSAGE_CREATE",
        direct_message("202", "stranger", &format!("!port status {r}")),
    );
    let dm = fake
        .wait_for("the DM refusal", |c| c.path.ends_with("/channels/77/messages"))
        .await;
    assert!(dm.body["content"].as_str().unwrap().contains("porting channel only"));

    stop.cancel();
    client.await.unwrap();
    posting.await.unwrap();
    t.finish().await;
}

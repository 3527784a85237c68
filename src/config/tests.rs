//! The settings' tests: loading, environment overrides and the checks.

use super::*;

fn load(text: &str, env: &[(&str, &str)]) -> Result<Settings, String> {
    let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string()));
    Settings::from_toml(text, env, "bot.toml").map_err(|e| e.to_string())
}

#[test]
fn the_example_config_loads_as_shipped() {
    let text = include_str!("../../bot.toml.example");
    let settings = load(text, &[]).unwrap();
    assert!(settings.store_url.expose().starts_with("sqlite:"));
    assert_eq!(settings.time_zone, chrono_tz::America::New_York);
    assert!(matches!(settings.chat.mode, ChatMode::Terminal));
    // The example spells out the defaults.
    assert_eq!(settings.reminders.cadence, crate::domain::reminders::Cadence::default());
    assert_eq!(settings.reminders.default_estimate, (3, 14));
    assert!(matches!(settings.outbox.transport, Transport::Folder(_)));
    assert!(matches!(settings.inbox.source, InboxSource::Folder { .. }));
}

#[test]
fn the_environment_overrides_the_file_and_secrets_stay_hidden() {
    let text = include_str!("../../bot.toml.example");
    let settings = load(
        text,
        &[
            ("PORTBOT_STORE_URL", "postgres://bot:hunter2@db/portbot"),
            ("PORTBOT_CONFIG", "x"),
        ],
    )
    .unwrap();
    assert_eq!(settings.store_url.expose(), "postgres://bot:hunter2@db/portbot");
    let knobs = [("PORTBOT_SHARED", "../shared"), ("PORTBOT_TEST_PG", "postgres://x")];
    assert!(
        load(text, &knobs).is_ok(),
        "test knobs in the environment are not config keys"
    );
    assert!(!format!("{settings:?}").contains("hunter2"));
}

#[test]
fn a_bad_config_names_the_key() {
    let cases = [
        ("[store]\nurl = \"mysql://x\"", "store.url"),
        (
            "[store]\nurl = \"sqlite://x.db\"\n[desk]\ntime_zone = \"Mars/Base\"",
            "desk.time_zone",
        ),
        (
            "[store]\nurl = \"sqlite://x.db\"\n[desk]\ntimezone = \"UTC\"",
            "timezone",
        ),
        ("[store]\nurl = \"sqlite://x.db\"\n[chat]\nmode = \"irc\"", "chat.mode"),
        ("[desk]\ntime_zone = \"UTC\"", "store"),
        ("[store\nurl = 1", "bot.toml"),
        (
            "[store]\nurl = \"sqlite://x.db\"\n[reminders]\nschedule = \"*/5 * * * *\"",
            "reminders.schedule",
        ),
        (
            "[store]\nurl = \"sqlite://x.db\"\n[reminders]\nwindow_opens = \"8am\"",
            "reminders.window_opens",
        ),
        ("[store]\nurl = \"sqlite://x.db\"\n[outbox]\nmode = \"smtp\"", "[smtp]"),
        ("[store]\nurl = \"sqlite://x.db\"\n[inbox]\nsource = \"imap\"", "[imap]"),
        (
            "[store]\nurl = \"sqlite://x.db\"\n[outbox]\nsigning_key = \"short\"",
            "outbox.signing_key",
        ),            (
            "[store]\nurl = \"sqlite://x.db\"\n[inbox]\nsource = \"imap\"\n[imap]\nhost = \"mx\"\nuser = \"u\"\npassword = \"p\"\n[auth]\nmode = \"off\"",
            "only for local mode",
        ),
        ("[store]\nurl = \"sqlite://x.db\"\n[auth]\nmode = \"trust-me\"", "auth.mode"),
    ];
    for (text, key) in cases {
        let err = load(text, &[]).unwrap_err();
        assert!(err.contains(key), "{text:?}: {err}");
    }
    let err = load("[store]\nurl = \"sqlite://x.db\"", &[("PORTBOT_NOSUCHKEY", "1")]).unwrap_err();
    assert!(err.contains("PORTBOT_NOSUCHKEY"), "{err}");
}

#[test]
fn the_web_board_is_off_as_shipped_and_checked_when_on() {
    let text = include_str!("../../bot.toml.example");
    assert!(load(text, &[]).unwrap().web.is_none(), "off in the example");
    let on = "[store]\nurl = \"sqlite://x.db\"\n[web]\nenabled = true\n";
    let web = load(on, &[]).unwrap().web.unwrap();
    assert_eq!(web.listen.to_string(), "127.0.0.1:8090");
    assert_eq!(web.public_url, "http://127.0.0.1:8090");
    assert!(!web.secure_cookies, "plain loopback");
    assert_eq!(
        web.secret.expose(),
        LOCAL_SIGNING_KEY,
        "the outbox key signs links when web.secret is not set"
    );
    let proxied = load(
        on,
        &[
            ("PORTBOT_WEB_PUBLIC_URL", "https://porting.voip.example/"),
            ("PORTBOT_WEB_SECRET", "a secret of sixteen+"),
        ],
    )
    .unwrap()
    .web
    .unwrap();
    assert_eq!(proxied.public_url, "https://porting.voip.example");
    assert!(proxied.secure_cookies, "https: cookies only over TLS");
    for (key, value, named) in [
        ("PORTBOT_WEB_SECRET", "short", "web.secret"),
        ("PORTBOT_WEB_PUBLIC_URL", "porting.voip.example", "web.public_url"),
        ("PORTBOT_WEB_LISTEN", "8090", "web.listen"),
    ] {
        let err = load(on, &[(key, value)]).unwrap_err();
        assert!(err.contains(named), "{key}={value}: {err}");
    }
}

//! `/metrics` from tallies kept with each change: they agree with a count of the tables,
//! and each PostgreSQL connection counts into a shard of its own.

use super::opened;
use crate::harness::{Backend, TestDesk};
use crate::story::submitted;
use portbot::clock::Clock;
use portbot::domain::{Event, Source};
use portbot::store::statements;
use sqlx::{Connection, Executor};

/// Counts straight from the tables: what the tallies must agree with (of the staff queue,
/// `/metrics` reports the open items).
async fn counted(t: &TestDesk, backend: Backend) -> Vec<(String, String, i64)> {
    let sql = "SELECT 'orders', state, COUNT(*) FROM orders GROUP BY state \
        UNION ALL SELECT 'inbound', kind, COUNT(*) FROM inbound_messages GROUP BY kind \
        UNION ALL SELECT 'outbox', channel || ':' || status, COUNT(*) FROM outbox GROUP BY channel, status \
        UNION ALL SELECT 'timeline', event, COUNT(*) FROM timeline \
            WHERE event IN ('reminder_sent', 'staff_alerted') GROUP BY event \
        UNION ALL SELECT 'staff_queue', status, COUNT(*) FROM staff_queue WHERE status = 'open' GROUP BY status";
    let rows = match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&t.store_url).await.unwrap();
            sqlx::query_as::<_, (String, String, i64)>(sql)
                .fetch_all(&mut c)
                .await
                .unwrap()
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&t.store_url).await.unwrap();
            sqlx::query_as::<_, (String, String, i64)>(sql)
                .fetch_all(&mut c)
                .await
                .unwrap()
        }
    };
    let mut rows = rows;
    rows.sort();
    rows
}

/// The store's tallies, without the ones at zero (a state no order is in any more).
async fn tallied(t: &TestDesk) -> Vec<(String, String, i64)> {
    let m = t.app.store.metrics().await.unwrap();
    let mut rows: Vec<(String, String, i64)> = Vec::new();
    rows.extend(m.orders_by_state.into_iter().map(|(l, v)| ("orders".to_string(), l, v)));
    rows.extend(
        m.inbound_by_kind
            .into_iter()
            .map(|(l, v)| ("inbound".to_string(), l, v)),
    );
    rows.extend(
        m.outbox
            .into_iter()
            .map(|(c, s, v)| ("outbox".to_string(), format!("{c}:{s}"), v)),
    );
    rows.push(("timeline".into(), "reminder_sent".into(), m.reminders_sent));
    rows.push(("timeline".into(), "staff_alerted".into(), m.staff_alerts));
    rows.push(("staff_queue".into(), "open".into(), m.staff_queue_open));
    rows.retain(|(_, _, v)| *v != 0);
    rows.sort();
    rows
}

async fn the_metrics_tallies_agree_with_a_count_of_the_tables(backend: Backend) {
    let t = TestDesk::start(backend).await;
    t.at("2026-11-23T15:00:00Z");
    let first = opened(&t, "305-555-0100").await;
    let second = opened(&t, "305-555-0200").await;
    opened(&t, "305-555-0300").await;
    submitted(&t.app.desk, &first.reference).await;
    let foc = Event::FocConfirmed("2026-12-08".parse().unwrap());
    t.app
        .desk
        .act(&first.reference, foc, Source::Chat("dana".into()))
        .await
        .unwrap();
    t.app
        .desk
        .act(
            &second.reference,
            Event::Cancelled {
                reason: "customer changed their mind".into(),
            },
            Source::Chat("dana".into()),
        )
        .await
        .unwrap();
    // Reminders, alerts and the digest over two weeks.
    for day in 24..=30 {
        t.at(&format!("2026-11-{day}T15:00:00Z"));
        t.app.desk.tick().await.unwrap();
    }
    // A message from nobody the desk knows waits for a person; staff dismiss it.
    let stranger = "From: someone@else.example\r\nTo: porting@voip.example\r\nSubject: hello\r\n\
        Message-ID: <s1@else.example>\r\n\r\nWho are you?\r\n";
    let origin = portbot::desk::Origin::file(stranger.as_bytes());
    t.app.desk.take_email(stranger.as_bytes(), origin).await.unwrap();
    let store = &t.app.store;
    let item = store.staff_queue(false, 10).await.unwrap().remove(0);
    store
        .resolve_staff_item(portbot::store::Resolution {
            id: item.id,
            status: portbot::domain::StaffItemStatus::Dismissed,
            by: "dana".into(),
            at: t.clock.now(),
            message_id: item.message_id.clone(),
            documents: Vec::new(),
            change: None,
        })
        .await
        .unwrap();
    // The sender takes two e-mails and sends one; the other fails for a while.
    let claim = portbot::store::OutboxClaim {
        channel: portbot::domain::Channel::Email,
        now: t.clock.now() + chrono::Duration::days(1),
        lease: std::time::Duration::from_secs(60),
        worker: "test".into(),
        limit: 2,
    };
    let taken = store.claim_outbox(&claim).await.unwrap();
    assert_eq!(taken.len(), 2, "two e-mails were due");
    let sent = portbot::store::Settled::Sent { at: claim.now };
    store.settle_outbox(taken[0].id, sent).await.unwrap();
    let retry = portbot::store::Settled::Retry {
        error: "421 try later".into(),
        next: claim.now + chrono::Duration::minutes(5),
    };
    store.settle_outbox(taken[1].id, retry).await.unwrap();
    assert_eq!(tallied(&t).await, counted(&t, backend).await);
    assert!(
        tallied(&t).await.iter().any(|(m, _, _)| m == "timeline"),
        "the ticks sent reminders"
    );
    t.finish().await;
}

on_both_backends!(the_metrics_tallies_agree_with_a_count_of_the_tables);

/// On PostgreSQL each of the desk's connections counts its tallies into a shard of its
/// own (migration 17). Shards were the backend's pid modulo 16: two connections often
/// shared one, and then each waited for the other's commit to count every reminder.
#[tokio::test]
async fn each_postgres_connection_counts_into_a_tally_shard_of_its_own() {
    let t = TestDesk::start(Backend::Postgres).await;
    // The desk's own pool takes its shards as it opens connections.
    let filter = portbot::store::OrderFilter {
        limit: 10,
        ..Default::default()
    };
    let desk = &t.app.desk;
    let lists = tokio::join!(
        desk.list(&filter),
        desk.list(&filter),
        desk.list(&filter),
        desk.list(&filter)
    );
    for listed in [lists.0, lists.1, lists.2, lists.3] {
        listed.unwrap();
    }
    let mut c = sqlx::PgConnection::connect(&t.store_url).await.unwrap();
    let taken: bool = sqlx::query_scalar("SELECT is_called FROM tally_shards")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert!(taken, "the desk's connections took no tally shard");

    // Sixteen connections (two replicas' pools) opened as the desk opens its own count
    // into sixteen shards, and `/metrics` adds them all up.
    let mut connections = vec![c];
    for _ in 1..16 {
        connections.push(sqlx::PgConnection::connect(&t.store_url).await.unwrap());
    }
    let mut taken = Vec::new();
    for c in &mut connections {
        c.execute(statements::TAKE_TALLY_SHARD).await.unwrap();
        c.execute("SELECT tally('timeline', 'reminder_sent', 1)").await.unwrap();
        let shard: String = sqlx::query_scalar("SELECT current_setting('portbot.tally_shard')")
            .fetch_one(&mut *c)
            .await
            .unwrap();
        taken.push(shard.parse::<i32>().expect("a shard taken"));
    }
    taken.sort();
    let shards: Vec<i32> = sqlx::query_scalar("SELECT shard FROM tallies WHERE label = 'reminder_sent' ORDER BY shard")
        .fetch_all(&mut connections[0])
        .await
        .unwrap();
    assert_eq!(shards, taken, "each connection counts into the shard it took");
    assert_eq!(shards.len(), 16, "{shards:?}");
    assert_eq!(t.app.store.metrics().await.unwrap().reminders_sent, 16);
    for c in connections {
        c.close().await.unwrap();
    }
    t.finish().await;
}

/// A deployment whose database user was granted the tables and their id sequences but
/// not the tally-shard sequence: the desk still connects (warning that it counts into a
/// shared shard), takes no shard, and what it counts lands in its connection's pid's
/// shard, which `/metrics` adds up with the rest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_user_who_may_not_take_a_tally_shard_still_counts() {
    let t = TestDesk::start(Backend::Postgres).await;
    let user = format!("portbot_no_shard_{}", std::process::id());
    crate::harness::run_admin(&format!("DROP ROLE IF EXISTS {user}")).await;
    crate::harness::run_admin(&format!("CREATE ROLE {user} LOGIN PASSWORD 'no-shard'")).await;
    for grant in [
        format!("GRANT USAGE ON SCHEMA public TO {user}"),
        format!("GRANT ALL ON ALL TABLES IN SCHEMA public TO {user}"),
        format!("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {user}"),
        format!("REVOKE ALL ON SEQUENCE tally_shards FROM {user}"),
    ] {
        t.execute(&grant).await;
    }
    let shards_taken = || async {
        let mut c = sqlx::PgConnection::connect(&t.store_url).await.unwrap();
        let last: i64 = sqlx::query_scalar("SELECT last_value FROM tally_shards")
            .fetch_one(&mut c)
            .await
            .unwrap();
        last
    };
    let before = shards_taken().await;

    let store = portbot::store::PgStore::connect(&as_user(&t.store_url, &user, "no-shard"))
        .await
        .expect("the desk connects without a shard of its own");
    let post = portbot::domain::OutboxDraft {
        channel: portbot::domain::Channel::Chat,
        to: "staff".into(),
        template: "test".into(),
        subject: "a post".into(),
        body: "counted in a shared shard".into(),
        email: None,
    };
    use portbot::store::{MetricsStore, OutboxStore};
    store
        .queue_once("no-shard-of-its-own", &[post], t.clock.now())
        .await
        .expect("the post is queued");

    assert_eq!(shards_taken().await, before, "a user without the sequence took a shard");
    let mut c = sqlx::PgConnection::connect(&t.store_url).await.unwrap();
    let counted: Vec<(i32, i64)> =
        sqlx::query_as("SELECT shard, value FROM tallies WHERE metric = 'outbox' AND label = 'chat:pending'")
            .fetch_all(&mut c)
            .await
            .unwrap();
    assert!(
        matches!(counted.as_slice(), [(shard, 1)] if (0..64).contains(shard)),
        "the post counted once, in a pid's shard: {counted:?}"
    );
    let pending = |m: portbot::store::StoreMetrics| {
        m.outbox
            .into_iter()
            .find(|(channel, status, _)| channel == "chat" && status == "pending")
            .map(|(_, _, n)| n)
    };
    assert_eq!(pending(store.metrics().await.unwrap()), Some(1));
    assert_eq!(pending(t.app.store.metrics().await.unwrap()), Some(1));
    c.close().await.unwrap();
    drop(store);
    t.finish().await;
    crate::harness::run_admin(&format!("DROP ROLE IF EXISTS {user}")).await;
}

/// The same database URL, signing in as another user.
fn as_user(url: &str, user: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let server = rest.rsplit_once('@').map_or(rest, |(_, server)| server);
    format!("{scheme}://{user}:{password}@{server}")
}

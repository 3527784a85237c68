//! A desk of a million orders (issue #18), on SQLite and on PostgreSQL: seven template
//! orders are taken through the desk (awaiting documents, ready, submitted, rejected,
//! FOC confirmed, completed, cancelled), then cloned by bulk SQL into a realistic mix
//! (mostly completed, 2 % open), with their numbers, contacts, timelines and the e-mails
//! they were sent, and five inbound messages an order. Then it measures, by the desk's
//! own calls:
//!
//! - a tick with nothing due (before the sending window, and after the digest is out);
//! - business-morning ticks with a batch of orders due (two reminders each), and on
//!   PostgreSQL the same batch size taken by two replicas at once, in alternating rounds
//!   (three; the medians are reported), with how busy the machine's cores were, how
//!   much CPU a reminder took in the desk's process and in the rest of the machine (the
//!   database), how the reminders split between the two replicas, and so the most a
//!   second replica could add on these cores;
//! - `/metrics` (the store's tallies), `order show`, `status NUMBER`, the digest;
//! - each page of the web board, over HTTP (issue #17: under 50 ms at 100,000 orders);
//! - whether each hot statement's plan for a real call, from this desk's statistics,
//!   looks up or reads a whole table (`support/hot_plans.rs`).
//!
//! Run it so:
//!
//!     cargo bench --bench desk_scale                        # 1,000,000 orders, both
//!     PORTBOT_SCALE_ORDERS=10000 cargo bench --bench desk_scale
//!     PORTBOT_SCALE_BACKENDS=postgres cargo bench --bench desk_scale
//!     PORTBOT_SCALE_BATCH=500 cargo bench --bench desk_scale   (due orders a morning)
//!     PORTBOT_SCALE_ROUNDS=5 cargo bench --bench desk_scale    (mornings of each kind)
//!
//! The SQLite desk is built anew in target/bench/, the PostgreSQL one in a database of
//! its own on `PORTBOT_TEST_PG` (default postgres://postgres@127.0.0.1:5432/postgres).

use chrono::{DateTime, Utc};
use portbot::app::App;
use portbot::chat::Caller;
use portbot::clock::FixedClock;
use portbot::config::Settings;
use portbot::domain::OrderRef;
use portbot::views::order_view;
use sqlx::{Connection, Executor};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "support/board_pages.rs"]
mod board_pages;
#[path = "support/cpu.rs"]
mod cpu;
#[path = "support/db.rs"]
mod db;
#[path = "support/hot_plans.rs"]
mod hot_plans;
#[path = "support/seed.rs"]
mod seed;

use cpu::{cpu_times, own_cpu_ticks, TICKS_A_SECOND};
use db::Db;
use seed::{clone_number, come_due, seed, templates, BASE};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 time")
}

fn main() {
    let orders: i64 = std::env::var("PORTBOT_SCALE_ORDERS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let backends = std::env::var("PORTBOT_SCALE_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    for name in backends.split(',') {
        let backend = match name.trim() {
            "sqlite" => Backend::Sqlite,
            "postgres" => Backend::Postgres,
            other => panic!("PORTBOT_SCALE_BACKENDS: '{other}' is not sqlite or postgres"),
        };
        runtime.block_on(measure(backend, orders));
    }
}

/// The batch of due orders a morning tick takes: 5,000 (10,000 reminders) on a big desk,
/// or `PORTBOT_SCALE_BATCH` (to compare one reminder's cost on desks of different sizes
/// with the same batch: on PostgreSQL it grew with the batch before the daily limit's
/// count had its own index).
fn batch_for(orders: i64, batches: i64) -> i64 {
    let chosen = std::env::var("PORTBOT_SCALE_BATCH")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok());
    chosen
        .unwrap_or((orders / 20).clamp(50, 5_000))
        .min(orders / (2 * batches))
        .max(1)
}

/// How many mornings of each kind (`PORTBOT_SCALE_ROUNDS`, 3): the figures are their
/// medians.
fn rounds() -> i64 {
    std::env::var("PORTBOT_SCALE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1)
}

/// One morning: how long its ticks took, and how busy the machine's cores were meanwhile
/// (the bench and the database together: what a second replica has left to use).
#[derive(Debug, Clone, Copy)]
struct Morning {
    elapsed: Duration,
    busy: f64,
    /// The CPU time the desk's own process took (both replicas, when two), and the rest
    /// of the machine's busy time (PostgreSQL, mostly).
    desk_cpu: Duration,
    other_cpu: Duration,
}

impl Morning {
    fn median(mornings: &[Morning]) -> Morning {
        let mut sorted = mornings.to_vec();
        sorted.sort_by_key(|m| m.elapsed);
        sorted[sorted.len() / 2]
    }
}

type Tick = tokio::task::JoinHandle<Result<portbot::desk::TickReport, portbot::desk::DeskError>>;

/// Waits for the ticks started, timing them together.
async fn timed(ticks: Vec<Tick>) -> (Morning, Vec<portbot::desk::TickReport>) {
    let before = cpu_times();
    let own_before = own_cpu_ticks();
    let started = Instant::now();
    let mut reports = Vec::new();
    for tick in ticks {
        reports.push(tick.await.expect("the tick ran").expect("the morning tick"));
    }
    let elapsed = started.elapsed();
    let after = cpu_times();
    let own = own_cpu_ticks().saturating_sub(own_before);
    let (busy_ticks, all) = (after.0.saturating_sub(before.0), after.1.saturating_sub(before.1));
    let busy = if all > 0 { busy_ticks as f64 / all as f64 } else { 0.0 };
    let tick = |n: u64| Duration::from_millis(n * 1000 / TICKS_A_SECOND);
    let morning = Morning {
        elapsed,
        busy,
        desk_cpu: tick(own),
        other_cpu: tick(busy_ticks.saturating_sub(own)),
    };
    (morning, reports)
}

fn reminders(reports: &[portbot::desk::TickReport]) -> i64 {
    reports
        .iter()
        .map(|r| (r.customer_reminders + r.staff_alerts) as i64)
        .sum()
}

async fn measure(backend: Backend, orders: i64) {
    let rounds = rounds();
    let due_batches = match backend {
        Backend::Sqlite => rounds,
        Backend::Postgres => 2 * rounds,
    };
    let batch = batch_for(orders, due_batches);
    let started = Instant::now();
    let (url, settings) = fresh_desk(backend, orders).await;
    let clock = Arc::new(FixedClock::new(at("2026-11-23T15:00:00Z")));
    let app = App::start(settings.clone(), clock.clone())
        .await
        .expect("the desk starts");
    let templates = templates(&app, &clock).await;
    let mut db = Db::connect(backend, &url).await;
    let ranges = seed(&mut db, backend, &templates, orders, (batch, due_batches)).await;
    println!(
        "{backend:?}: {orders} orders ({} open) and {} inbound messages seeded in {:.1?}",
        ranges.open,
        orders * 5,
        started.elapsed()
    );
    println!("  size of the desk:                     {}", db.size().await);

    // Nothing due: 07:00 in New York, before the sending window and the digest.
    clock.set(at("2026-11-24T12:00:00Z"));
    let idle_early = median_of(10, || async { checked_tick(&app, 0).await }).await;

    // The digest, then the mornings: a batch comes due at 10:00 in New York and one
    // replica ticks; on PostgreSQL the next batch is taken by two replicas at once. The
    // rounds alternate, so that a slow spell of the machine falls on both.
    clock.set(at("2026-11-24T15:00:00Z"));
    let digest = median_of(3, || async { app.desk.digest().await.expect("the digest") }).await;
    app.desk.tick().await.expect("the tick that posts the digest");
    if std::env::var_os("PORTBOT_SCALE_TRACE").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("sqlx=debug,portbot=debug")
            .try_init();
    }
    let other = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(
            App::start(settings.clone(), clock.clone())
                .await
                .expect("a second replica"),
        ),
    };
    let mut batches = ranges.batches.iter().cloned();
    let (mut ones, mut twos) = (Vec::new(), Vec::new());
    // How many reminders each of the two replicas sent, a morning.
    let mut shares: Vec<Vec<i64>> = Vec::new();
    for _ in 0..rounds {
        let due = batches.next().expect("a batch for the round");
        come_due(&mut db, due, ranges.due_template).await;
        let desk = app.desk.clone();
        let (morning, reports) = timed(vec![tokio::spawn(async move { desk.tick().await })]).await;
        assert_eq!(
            reminders(&reports),
            2 * batch,
            "every due order reminded of its LOA and its bill"
        );
        ones.push(morning);
        if let Some(other) = &other {
            let due = batches.next().expect("a batch for the two replicas");
            come_due(&mut db, due, ranges.due_template).await;
            // Each replica on its own task, so that both workers run them as two
            // processes would (`join!` would poll both on one thread).
            let (desk_one, desk_two) = (app.desk.clone(), other.desk.clone());
            let ticks = vec![
                tokio::spawn(async move { desk_one.tick().await }),
                tokio::spawn(async move { desk_two.tick().await }),
            ];
            let (morning, reports) = timed(ticks).await;
            assert_eq!(reminders(&reports), 2 * batch, "each reminder once between the two");
            shares.push(
                reports
                    .iter()
                    .map(|r| reminders(std::slice::from_ref(r)))
                    .collect::<Vec<_>>(),
            );
            twos.push(morning);
        }
    }
    let idle_late = median_of(10, || async { checked_tick(&app, 0).await }).await;

    let metrics = median_of(20, || async { app.store.metrics().await.expect("metrics") }).await;
    let middle = OrderRef::from_number(BASE + orders / 2);
    let show = median_of(50, || async {
        let file = app.desk.order_file(&middle).await.expect("the order");
        serde_json::to_string(&order_view(&file.order, file.timeline)).expect("its JSON")
    })
    .await;
    let number = portbot::domain::PhoneNumber::from_national(clone_number(orders / 2) as u64, "bench")
        .expect("a clone's number");
    let status_text = format!("status {}", number.pretty());
    let status = median_of(50, || async {
        let reply = app.chat.handle(&Caller::staff("bench"), &status_text).await;
        assert!(reply.ok, "{}", reply.text);
    })
    .await;

    let reminders = 2 * batch;
    let one = Morning::median(&ones);
    let per_reminder = one.elapsed / reminders as u32;
    println!("{backend:?}, {orders} orders:");
    println!("  tick, nothing due (07:00):            {}", ms(idle_early));
    println!("  tick, nothing due (digest out):       {}", ms(idle_late));
    println!(
        "  morning tick, {reminders} reminders:        {} ({:.0} reminders/s, {} a reminder; cores {:.0} % busy)",
        ms(one.elapsed),
        reminders as f64 / one.elapsed.as_secs_f64(),
        us(per_reminder),
        one.busy * 100.0
    );
    let cpu_split = |m: &Morning| match backend {
        // SQLite runs inside the desk's process.
        Backend::Sqlite => format!(
            "{} of the desk's CPU (SQLite's included), {} of the rest's a reminder",
            us(m.desk_cpu / reminders as u32),
            us(m.other_cpu / reminders as u32)
        ),
        Backend::Postgres => format!(
            "{} of the desk's CPU and {} of the rest's (PostgreSQL) a reminder",
            us(m.desk_cpu / reminders as u32),
            us(m.other_cpu / reminders as u32)
        ),
    };
    println!("  CPU, one replica:                     {}", cpu_split(&one));
    if !twos.is_empty() {
        let two = Morning::median(&twos);
        println!(
            "  two replicas, {reminders} reminders:         {} ({:.0} reminders/s, {:.2}x one; cores {:.0} % busy)",
            ms(two.elapsed),
            reminders as f64 / two.elapsed.as_secs_f64(),
            one.elapsed.as_secs_f64() / two.elapsed.as_secs_f64(),
            two.busy * 100.0
        );
        println!("  CPU, two replicas:                    {}", cpu_split(&two));
    }
    let each = |mornings: &[Morning]| {
        let times: Vec<String> = mornings
            .iter()
            .map(|m| format!("{:.2} s", m.elapsed.as_secs_f64()))
            .collect();
        times.join(", ")
    };
    println!(
        "  mornings, one replica:                {} (the median above)",
        each(&ones)
    );
    if !twos.is_empty() {
        println!("  mornings, two replicas:               {}", each(&twos));
        let split: Vec<String> = shares
            .iter()
            .map(|s| s.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" + "))
            .collect();
        println!("  reminders each replica sent:          {}", split.join(", "));
        // The cores one replica left unused are all a second can add: the ceiling of
        // the ratio on this machine, with PostgreSQL on the same cores.
        println!(
            "  most two replicas can gain here:      {:.2}x (one replica left {:.0} % of the cores unused)",
            1.0 / one.busy.max(0.01),
            (1.0 - one.busy) * 100.0
        );
    }
    println!("  /metrics (store tallies):             {}", ms(metrics));
    println!("  order show --json:                    {}", ms(show));
    println!("  chat status NUMBER:                   {}", ms(status));
    println!("  digest:                               {}", ms(digest));
    for (page, time) in board_pages::measure(&app, &middle, &number.e164()).await {
        println!("  web board GET {page:<48} {}", ms(time));
    }
    for (what, sql) in hot_plans::queries() {
        let plan = db.plan(&sql).await;
        let whole = hot_plans::whole_table_steps(&plan);
        let verdict = match whole.is_empty() {
            true => "looked up".to_string(),
            false => format!("READS A WHOLE TABLE: {}", whole.join("; ").trim()),
        };
        println!("  plan for a real call, {what:<26} {verdict}");
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

async fn checked_tick(app: &App, due: usize) {
    let report = app.desk.tick().await.expect("a tick");
    assert_eq!(report.orders_checked, due, "{report:?}");
}

/// The median time of `runs` runs of `work`.
async fn median_of<F, Fut, T>(runs: usize, work: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        std::hint::black_box(work().await);
        times.push(started.elapsed());
    }
    times.sort();
    times[runs / 2]
}

/// An empty desk of the backend's kind, and its settings.
async fn fresh_desk(backend: Backend, orders: i64) -> (String, Settings) {
    let url = match backend {
        Backend::Sqlite => {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench");
            std::fs::create_dir_all(dir).expect("target/bench");
            let file = format!("{dir}/desk-{orders}.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{file}{suffix}"));
            }
            format!("sqlite://{file}")
        }
        Backend::Postgres => {
            let admin = std::env::var("PORTBOT_TEST_PG")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string());
            let name = format!("portbot_bench_desk_{orders}");
            let mut c = sqlx::PgConnection::connect(&admin)
                .await
                .expect("PostgreSQL on 127.0.0.1:5432");
            c.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await
                .expect("drop");
            c.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create");
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            format!("{base}/{name}")
        }
    };
    let toml = format!(
        "[store]\nurl = \"{url}\"\n[desk]\ntime_zone = \"America/New_York\"\n[outbox]\nfolder = \"{}\"\n",
        concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench/outbox")
    );
    let settings = Settings::from_toml(&toml, std::iter::empty(), "bench").expect("bench settings");
    (url, settings)
}

//! `order show` and `status <number>` against a SQLite store holding 100,000 orders.
//! The store is seeded once into target/bench/ and reused by later runs.
//!
//!     cargo bench --bench store

use criterion::{criterion_group, criterion_main, Criterion};
use portbot::app::App;
use portbot::chat::Caller;
use portbot::clock::SystemClock;
use portbot::config::Settings;
use portbot::domain::{AccountDetails, NumberType, OrderRef, PhoneNumber, PortRequest, Source};
use portbot::store::OrderFilter;
use portbot::views::order_view;
use std::sync::Arc;
use std::time::Instant;

const ORDERS: usize = 100_000;

/// The i-th seeded number: (305) 2XX-YYYY, unique for i below 100,000.
fn number(i: usize) -> PhoneNumber {
    let national = 3_050_000_000 + (200 + i as u64 / 10_000) * 10_000 + i as u64 % 10_000;
    PhoneNumber::from_national(national, "bench").expect("a valid seeded number")
}

fn request(i: usize) -> PortRequest {
    PortRequest {
        customer: format!("CUST-{:05}", i % 5000),
        carrier: ["Comcast Business", "AT&T", "Verizon", "Spectrum"][i % 4].to_string(),
        numbers: vec![number(i)],
        number_type: NumberType::Voice,
        kind: None,
        contacts: vec![format!("ops{i}@customer.example").parse().unwrap()],
        account: AccountDetails {
            account_number: Some(format!("8774{i:011}")),
            btn: Some(number(i)),
            account_name: Some(format!("Customer {i} LLC")),
            service_address: Some(format!("{i} Main St, Miami, FL 33130")),
        },
        pin: None,
        authorized_name: None,
        contract_end: None,
        time_zone: chrono_tz::America::New_York,
    }
}

async fn seeded_app() -> App {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/target/bench");
    std::fs::create_dir_all(dir).unwrap();
    let url = format!("sqlite://{dir}/store-100k.db");
    let settings = Settings::from_toml(&format!("[store]\nurl = \"{url}\"\n"), std::iter::empty(), "bench").unwrap();
    let app = App::start(settings, Arc::new(SystemClock)).await.unwrap();
    let have = app
        .desk
        .list(&OrderFilter {
            limit: 1,
            ..OrderFilter::default()
        })
        .await
        .unwrap();
    let seeded = have.first().and_then(|o| o.reference.number()).unwrap_or(1000) as usize - 1000;
    if seeded < ORDERS {
        let started = Instant::now();
        for i in seeded..ORDERS {
            app.desk.open_order(request(i), Source::Cli).await.unwrap();
        }
        eprintln!("seeded {} orders in {:.1?}", ORDERS - seeded, started.elapsed());
    }
    app
}

fn store_lookups(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(seeded_app());
    let middle: OrderRef = OrderRef::from_number(1000 + ORDERS as i64 / 2);
    // Give the order a timeline of a realistic length.
    runtime.block_on(async {
        if app.store.timeline(&middle).await.unwrap().len() < 8 {
            for k in 0..7 {
                let event = portbot::domain::Event::Noted(format!("call {k} with the customer"));
                app.desk.act(&middle, event, Source::Cli).await.unwrap();
            }
        }
    });
    let status_text = format!("status {}", number(ORDERS / 2 + 1).pretty());

    c.bench_function("order show --json (100k orders)", |b| {
        b.to_async(&runtime).iter(|| async {
            let file = app.desk.order_file(&middle).await.unwrap();
            serde_json::to_string(&order_view(&file.order, file.timeline)).unwrap()
        })
    });
    c.bench_function("chat status <number> (100k orders)", |b| {
        b.to_async(&runtime).iter(|| async {
            let reply = app.chat.handle(&Caller::staff("bench"), &status_text).await;
            assert!(reply.ok, "{}", reply.text);
            reply
        })
    });
}

criterion_group!(benches, store_lookups);
criterion_main!(benches);

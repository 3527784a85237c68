//! The HTTP API over real HTTP: the portal's port requests (idempotent, split, refused
//! with reasons, nothing half-written), health and metrics.

use crate::harness::{Backend, TestDesk};
use portbot::api::{serve, Api};
use portbot::desk::CustomerChange;
use portbot::domain::{Language, OrderState};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "portal-token-0123456789";

/// A desk serving its API on a free loopback port.
struct Served {
    t: TestDesk,
    address: std::net::SocketAddr,
    stop: CancellationToken,
}

impl Served {
    async fn start(backend: Backend) -> Self {
        let t = TestDesk::start(backend).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let api = Api {
            desk: t.app.desk.clone(),
            store: t.app.store.clone(),
            health: t.app.desk.health().clone(),
            token: portbot::config::Secret::new(TOKEN),
        };
        let stop = CancellationToken::new();
        tokio::spawn(serve(api, listener, stop.clone()));
        Self { t, address, stop }
    }

    async fn finish(self) {
        self.stop.cancel();
        self.t.finish().await;
    }
}

/// One HTTP/1.1 request; returns the status and the body.
pub async fn http(
    address: std::net::SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: portbot\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

async fn post(s: &Served, body: &Value) -> (u16, Value) {
    let (status, text) = http(s.address, "POST", "/api/port-requests", Some(TOKEN), &body.to_string()).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| json!({ "raw": text })),
    )
}

fn example() -> Value {
    json!({"request_id": "PR-58213", "customer": "ACME-001", "submitted_by": "maria@acme.example",
        "carrier": "Comcast Business", "numbers": ["305-555-0100", "(305) 555-0101", "1-800-555-0199"],
        "number_type": "voice", "btn": "305-555-0100", "account_number": "8774 1012 3456 789",
        "pin": "1234", "account_name": "Acme Dental Group",
        "service_address": "100 Main St, Miami, FL 33130", "authorized_name": "Maria Lopez",
        "contract_end": "2027-01-15", "temporary_numbers": true})
}

/// Acme, onboarded, with Maria (Spanish) as its contact.
pub async fn onboarded_acme(t: &TestDesk) {
    let desk = &t.app.desk;
    let add = CustomerChange::Add {
        company: "Acme Dental Group".into(),
        time_zone: None,
    };
    desk.change_customer("ACME-001", add).await.unwrap();
    let contact = CustomerChange::Contact {
        email: "maria@acme.example".parse().unwrap(),
        name: Some("Maria Lopez".into()),
        language: Language::Es,
    };
    desk.change_customer("ACME-001", contact).await.unwrap();
    desk.change_customer("ACME-001", CustomerChange::Onboard).await.unwrap();
}

async fn orders(t: &TestDesk) -> usize {
    t.app
        .desk
        .list(&portbot::store::OrderFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .len()
}

async fn a_portal_request_opens_its_orders_once_and_tells_the_customer(backend: Backend) {
    let s = Served::start(backend).await;
    onboarded_acme(&s.t).await;
    let (status, body) = post(&s, &example()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "opened");
    let opened = body["orders"].as_array().unwrap();
    assert_eq!(opened.len(), 2, "toll-free numbers get their own order: {body}");
    assert_eq!(opened[0]["kind"], "local");
    assert_eq!(opened[1]["kind"], "toll_free");
    assert_eq!(body["fee_total"], 75.0);
    let order =
        s.t.app
            .desk
            .order(&opened[0]["ref"].as_str().unwrap().parse().unwrap())
            .await
            .unwrap();
    assert_eq!(order.state, OrderState::AwaitingDocuments);
    assert_eq!(order.pin.as_ref().map(|p| p.expose()), Some("1234"));
    let outbox = s.t.app.desk.outbox(false).await.unwrap();
    let ack = outbox
        .iter()
        .find(|m| m.template == "acknowledgement")
        .expect("the acknowledgement");
    assert_eq!(ack.to, "maria@acme.example");
    assert!(
        ack.subject.starts_with("[PORT-") && ack.subject.contains("Recibimos"),
        "Maria writes in Spanish: {}",
        ack.subject
    );
    assert!(
        ack.body.contains("$75.00") && ack.body.contains("números temporales"),
        "{}",
        ack.body
    );
    // The portal retries: the same answer, nothing opened twice.
    let (again, replay) = post(&s, &example()).await;
    assert_eq!(again, 200);
    assert_eq!(replay["replayed"], true);
    assert_eq!(replay["orders"], body["orders"]);
    assert_eq!(orders(&s.t).await, 2);
    // The same request_id for something else is refused.
    let mut other = example();
    other["numbers"] = json!(["305-555-0200"]);
    assert_eq!(post(&s, &other).await.0, 409);
    s.finish().await;
}

on_both_backends!(a_portal_request_opens_its_orders_once_and_tells_the_customer);

async fn bad_requests_get_the_right_status_and_change_nothing(backend: Backend) {
    let s = Served::start(backend).await;
    onboarded_acme(&s.t).await;
    let (status, text) = http(s.address, "POST", "/api/port-requests", Some(TOKEN), "{not json").await;
    assert_eq!(status, 400, "{text}");
    let mut missing = example();
    missing.as_object_mut().unwrap().remove("account_number");
    missing["pin"] = json!("12 34");
    let (status, body) = post(&s, &missing).await;
    assert_eq!(status, 400);
    let problems = body["problems"].to_string();
    assert!(
        problems.contains("account_number is missing") && problems.contains("pin:"),
        "{problems}"
    );
    let mut unknown = example();
    unknown["customer"] = json!("NOPE-404");
    let (status, body) = post(&s, &unknown).await;
    assert_eq!(status, 404, "{body}");
    assert!(body["problems"][0].as_str().unwrap().contains("customer add NOPE-404"));
    // Requests that could never succeed are refused at once with the reason.
    let mut huge = example();
    let many: Vec<String> = (0..1_500)
        .map(|i| format!("305-55{}-{:04}", 5 + i / 10_000, i % 10_000))
        .collect();
    huge["numbers"] = json!(many);
    let (status, body) = post(&s, &huge).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["problems"][0]
            .as_str()
            .unwrap()
            .contains("1500 listed, at most 1000 in one request"),
        "{body}"
    );
    let mut long = example();
    long["carrier"] = json!("C".repeat(100_000));
    let (status, body) = post(&s, &long).await;
    assert_eq!(status, 400, "{}", &body.to_string()[..200.min(body.to_string().len())]);
    let answer = body["problems"][0].as_str().unwrap();
    assert!(
        answer.contains("100000 characters long: at most 200") && answer.len() < 300,
        "{answer}"
    );
    let (status, _) = http(s.address, "POST", "/api/port-requests", None, &example().to_string()).await;
    assert_eq!(status, 401);
    let (status, _) = http(
        s.address,
        "POST",
        "/api/port-requests",
        Some("wrong-token-0123456789"),
        &example().to_string(),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(orders(&s.t).await, 0);
    // A number already on an open order: 409, and the request's other order is not left behind.
    let mut first = example();
    first["request_id"] = json!("PR-1");
    first["numbers"] = json!(["1-800-555-0199"]);
    assert_eq!(post(&s, &first).await.0, 201);
    let mut overlapping = example();
    overlapping["request_id"] = json!("PR-2");
    let (status, body) = post(&s, &overlapping).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["order"], "PORT-1001");
    assert_eq!(orders(&s.t).await, 1, "nothing half-written");
    // Fixed, the same request_id goes through.
    overlapping["numbers"] = json!(["305-555-0100"]);
    assert_eq!(post(&s, &overlapping).await.0, 201);
    s.finish().await;
}

on_both_backends!(bad_requests_get_the_right_status_and_change_nothing);

async fn a_customer_not_onboarded_is_held_and_told_why(backend: Backend) {
    let s = Served::start(backend).await;
    let add = CustomerChange::Add {
        company: "Acme Dental Group".into(),
        time_zone: None,
    };
    s.t.app.desk.change_customer("ACME-001", add).await.unwrap();
    let (status, body) = post(&s, &example()).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "held");
    assert!(body["reason"].as_str().unwrap().contains("not onboarded"));
    assert_eq!(orders(&s.t).await, 0);
    let outbox = s.t.app.desk.outbox(false).await.unwrap();
    let templates: Vec<&str> = outbox.iter().map(|m| m.template.as_str()).collect();
    assert_eq!(templates, ["chat/request_held", "request_held"]);
    // Staff may not open orders by hand for it either, until it is onboarded.
    let open =
        "open customer=ACME-001 carrier=\"Comcast Business\" numbers=\"305-555-0100\" contact=maria@acme.example";
    let refused = s.t.staff_says(open).await;
    assert!(
        !refused.ok && refused.text.contains("customer onboard ACME-001"),
        "{}",
        refused.text
    );

    // Staff finish onboarding: the held request opens its orders, as the customer was
    // told, with the acknowledgement; staff hear what opened.
    let contact = CustomerChange::Contact {
        email: "maria@acme.example".parse().unwrap(),
        name: None,
        language: Language::En,
    };
    s.t.app.desk.change_customer("ACME-001", contact).await.unwrap();
    let onboarded = s.t.staff_says("customer onboard ACME-001").await;
    assert!(onboarded.ok, "{}", onboarded.text);
    assert_eq!(orders(&s.t).await, 2, "a local and a toll-free order");
    let outbox = s.t.app.desk.outbox(false).await.unwrap();
    let acknowledgement = outbox.iter().find(|m| m.template == "acknowledgement").unwrap();
    assert_eq!(acknowledgement.to, "maria@acme.example");
    let staff = outbox.iter().find(|m| m.template == "chat/held_released").unwrap();
    assert!(
        staff.body.contains("PR-58213: opened PORT-1001, PORT-1002"),
        "{}",
        staff.body
    );
    // The portal retrying the same request hears that it opened; nothing opens twice.
    let (status, body) = post(&s, &example()).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("opened")), "{body}");
    assert_eq!(orders(&s.t).await, 2);
    s.finish().await;
}

on_both_backends!(a_customer_not_onboarded_is_held_and_told_why);

#[tokio::test]
async fn health_and_metrics_answer_over_http() {
    let s = Served::start(Backend::Sqlite).await;
    onboarded_acme(&s.t).await;
    assert_eq!(post(&s, &example()).await.0, 201);
    // Anyone may ask whether it is up; what is down and why is for the token holder.
    let (status, body) = http(s.address, "GET", "/healthz", None, "").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), json!({"status": "ok"}));
    let (status, body) = http(s.address, "GET", "/healthz", Some(TOKEN), "").await;
    assert_eq!(status, 200, "{body}");
    let health: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["components"]["store"]["up"], true);
    assert!(health["components"]["store"]["since"].is_string());
    let (status, metrics) = http(s.address, "GET", "/metrics", None, "").await;
    assert_eq!(status, 200);
    for line in [
        "# TYPE portbot_orders gauge",
        "portbot_orders{state=\"awaiting_documents\"} 2",
        "portbot_outbox_messages{channel=\"email\",status=\"pending\"} 1",
        "# TYPE portbot_parse_seconds summary",
        "portbot_component_up{component=\"store\"} 1",
    ] {
        assert!(metrics.contains(line), "{line} not in:\n{metrics}");
    }
    s.finish().await;
}

#[tokio::test]
async fn slow_and_too_many_clients_do_not_take_the_api_down() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = Served::start(Backend::Sqlite).await;
    // 270 clients that connect and send half a request line, then nothing (slowloris).
    let mut idle = Vec::new();
    for _ in 0..270 {
        let mut stream = tokio::net::TcpStream::connect(s.address).await.unwrap();
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x").await.unwrap();
        idle.push(stream);
    }
    // One over the cap is told to come back rather than left hanging...
    let mut refused = Vec::new();
    let mut extra = tokio::net::TcpStream::connect(s.address).await.unwrap();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), extra.read_to_end(&mut refused)).await;
    let refused = String::from_utf8_lossy(&refused);
    assert!(
        refused.starts_with("HTTP/1.1 503") && refused.contains("Retry-After"),
        "{refused}"
    );
    // ...and once the slow clients run out of their time for headers, the API answers.
    drop(extra);
    let started = std::time::Instant::now();
    loop {
        let answer = tokio::time::timeout(
            std::time::Duration::from_secs(2),
            http(s.address, "GET", "/healthz", None, ""),
        )
        .await;
        if let Ok((200, _)) = answer {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "the API never answered again"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    drop(idle);
    s.finish().await;
}

#[tokio::test]
async fn a_database_that_stops_answering_shows_in_healthz_at_once() {
    use crate::harness::{pg_admin_url, run_admin};
    let name = format!("portbot_test_hung_{}", std::process::id());
    run_admin(&format!("DROP DATABASE IF EXISTS {name}")).await;
    run_admin(&format!("CREATE DATABASE {name}")).await;
    // The test's own connections reach PostgreSQL through a relay that can freeze.
    let admin = pg_admin_url();
    let server = admin
        .rsplit_once('@')
        .map(|(_, s)| s)
        .unwrap_or("127.0.0.1:5432/postgres");
    let port: u16 = server
        .split('/')
        .next()
        .and_then(|h| h.rsplit_once(':'))
        .and_then(|(_, p)| p.parse().ok())
        .unwrap_or(5432);
    let relay = crate::relay::FreezableRelay::start(port).await;
    let store = portbot::store::connect(&format!("postgres://postgres@127.0.0.1:{}/{name}", relay.port))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let desk = std::sync::Arc::new(portbot::desk::Desk::new(
        store.clone(),
        std::sync::Arc::new(portbot::clock::SystemClock),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let api = Api {
        desk: desk.clone(),
        store: store.clone(),
        health: desk.health().clone(),
        token: portbot::config::Secret::new(TOKEN),
    };
    let stop = CancellationToken::new();
    tokio::spawn(serve(api, listener, stop.clone()));
    assert_eq!(http(address, "GET", "/healthz", Some(TOKEN), "").await.0, 200);
    relay.freeze(true);
    let asked = std::time::Instant::now();
    let (status, body) = http(address, "GET", "/healthz", Some(TOKEN), "").await;
    // Answered before the pool's own ten-second wait would have ended.
    assert!(
        asked.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        asked.elapsed()
    );
    assert_eq!(status, 503, "{body}");
    let health: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["components"]["store"]["up"], false, "{health}");
    relay.freeze(false);
    stop.cancel();
    drop(desk);
    drop(store);
    run_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
}

//! The web board's pages on the bench's desk (issue #17: each under 50 ms at 100,000
//! orders): served on loopback as `portbot run` serves them, asked for over HTTP with a
//! signed-in session, the median of 20 answers each.

use portbot::app::App;
use portbot::config::{Secret, WebSettings};
use portbot::domain::staff::{StaffAccount, StaffRole};
use portbot::domain::status_link::{StatusLink, StatusLinks};
use portbot::domain::{Language, OrderRef};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SECRET: &str = "the bench's status link key";

/// (page, median time) for each of the board's pages, about `order` and `number`.
pub async fn measure(app: &App, order: &OrderRef, number: &str) -> Vec<(String, Duration)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("its address");
    let settings = WebSettings {
        listen: address,
        public_url: format!("http://{address}"),
        secret: Secret::new(SECRET),
        link_days: 90,
        secure_cookies: false,
    };
    let board = Arc::new(portbot::web::Board::new(
        app.desk.clone(),
        app.store.clone(),
        app.chat.clone(),
        settings,
        app.settings.time_zone,
    ));
    let stop = tokio_util::sync::CancellationToken::new();
    tokio::spawn(portbot::web::serve(board, listener, stop.clone()));

    let account = StaffAccount {
        name: "bench".into(),
        password_hash: portbot::web::session::hash_password("the bench's password").expect("a hash"),
        role: StaffRole::Staff,
        created_at: app.desk.now(),
    };
    app.store
        .save_staff_account(&account)
        .await
        .expect("the bench's account");
    let (id, session) = portbot::web::session::new_session(&account, app.desk.now());
    app.store.open_session(&session).await.expect("the bench's session");
    let cookie = format!("{}={id}", portbot::web::session::SESSION_COOKIE);
    let token = StatusLinks::new(SECRET).token(&StatusLink {
        order: order.clone(),
        language: Language::Es,
        expires_at: app.desk.now() + chrono::Duration::days(30),
    });

    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<axum::body::Body>();
    let pages = [
        "/".to_string(),
        "/?state=submitted".to_string(),
        "/?carrier=Comcast%20Business&state=foc_confirmed".to_string(),
        "/?stuck=1".to_string(),
        "/?routing=1".to_string(),
        format!("/?q={}", number.replace('+', "%2B")),
        format!("/?q={order}"),
        "/calendar?month=2026-12".to_string(),
        format!("/orders/{order}"),
        "/queue".to_string(),
        "/charts".to_string(),
        "/charts/states.svg".to_string(),
        "/charts/carriers.svg".to_string(),
        format!("/p/{token}"),
    ];
    let mut out = Vec::new();
    for page in pages {
        let get = || async {
            let request = hyper::Request::get(format!("http://{address}{page}"))
                .header("cookie", &cookie)
                .body(axum::body::Body::empty())
                .expect("a request");
            let response = client.request(request).await.expect("the board answers");
            let status = response.status();
            let body = axum::body::to_bytes(axum::body::Body::new(response.into_body()), usize::MAX)
                .await
                .expect("the page");
            assert!(
                status.is_success(),
                "{page}: {status} {}",
                String::from_utf8_lossy(&body)
            );
            body.len()
        };
        get().await;
        let mut times = Vec::new();
        for _ in 0..20 {
            let started = Instant::now();
            get().await;
            times.push(started.elapsed());
        }
        times.sort();
        out.push((page.replace(&token, "TOKEN"), times[times.len() / 2]));
    }
    stop.cancel();
    out
}

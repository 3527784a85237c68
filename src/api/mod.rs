//! The HTTP face: the billing portal's intake (`POST /api/port-requests`, bearer token),
//! `GET /healthz` and `GET /metrics` (Prometheus text). Thin: the desk decides.
//!
//! It holds under load and abuse: at most `MAX_CONNECTIONS` connections (one more is
//! told `503` and closed), a client has `HEADER_TIMEOUT` to send its headers (a
//! slowloris client is dropped), at most `MAX_IN_FLIGHT` requests run at once and each
//! is answered within `REQUEST_TIMEOUT` (else `503` with `Retry-After`).

mod metrics;

use crate::desk::intake::{IntakeAnswer, ReceiptStatus, Refusal};
use crate::desk::Desk;
use crate::health::Health;
use crate::store::MetricsStore;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

#[derive(Clone)]
pub struct Api {
    pub desk: Arc<Desk>,
    /// Only what `/metrics` and `/healthz` count.
    pub store: Arc<dyn MetricsStore>,
    pub health: Arc<Health>,
    pub token: crate::config::Secret,
}

/// Connections served at once.
const MAX_CONNECTIONS: usize = 256;
/// Requests handled at once.
const MAX_IN_FLIGHT: usize = 64;
/// The time a client has to send a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The time a request (its body included) has to be answered.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest a connection is kept, however busy.
const CONNECTION_LIFETIME: Duration = Duration::from_secs(120);

pub fn router(api: Api) -> Router {
    with_limits(
        Router::new()
            .route("/api/port-requests", post(port_request))
            .route("/healthz", get(healthz))
            .route("/metrics", get(metrics))
            .with_state(api),
    )
}

/// At most `MAX_IN_FLIGHT` requests of `app` at once, each answered within `REQUEST_TIMEOUT`.
pub fn with_limits(app: Router) -> Router {
    let in_flight = Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT));
    app.layer(axum::middleware::from_fn_with_state(in_flight, within_limits))
}

/// Serves on `listener` until shutdown.
pub async fn serve(api: Api, listener: tokio::net::TcpListener, shutdown: CancellationToken) -> std::io::Result<()> {
    serve_app(router(api), "the HTTP API", listener, shutdown).await
}

/// Serves `app` on `listener` until shutdown, within the connection limits above.
pub async fn serve_app(
    app: Router,
    what: &'static str,
    listener: tokio::net::TcpListener,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let address = listener.local_addr()?;
    tracing::info!(%address, "{what} listens");
    let connections = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let (stream, peer) = tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, most likely: wait for some to free.
                    tracing::warn!(error = %e, "{what} could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            tokio::spawn(refuse(stream));
            continue;
        };
        // The peer's address for handlers that ask (`ConnectInfo`: sign-in limits).
        let app = app.clone().layer(axum::Extension(axum::extract::ConnectInfo(peer)));
        let service = hyper_util::service::TowerToHyperService::new(app);
        let stop = shutdown.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = stop.cancelled() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(REQUEST_TIMEOUT, connection.as_mut()).await;
                }
                _ = tokio::time::sleep(CONNECTION_LIFETIME) => {
                    connection.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(REQUEST_TIMEOUT, connection.as_mut()).await;
                }
            }
        });
    }
}

/// One connection too many: told to come back, and closed.
async fn refuse(mut stream: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let answer = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        // Read what the client sent, so that closing does not reset the connection
        // before it has read the answer.
        let mut sink = [0u8; 4096];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<_, std::io::Error>(())
    })
    .await;
}

/// At most `MAX_IN_FLIGHT` requests at once, each answered within `REQUEST_TIMEOUT`.
async fn within_limits(
    State(in_flight): State<Arc<tokio::sync::Semaphore>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let Ok(_permit) = in_flight.try_acquire() else {
        return busy("the API is busy");
    };
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => busy("the request took too long"),
    }
}

fn busy(why: &str) -> Response {
    let body = json!({ "error": "unavailable", "problems": [format!("{why}: try again in a second")] });
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "1")],
        Json(body),
    )
        .into_response()
}

fn authorized(headers: &HeaderMap, token: &str) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .trim();
    crate::domain::message_id::constant_time_eq(given.as_bytes(), token.as_bytes())
}

async fn port_request(State(api): State<Api>, headers: HeaderMap, body: Bytes) -> Response {
    if !authorized(&headers, api.token.expose()) {
        let body =
            json!({ "error": "unauthorized", "problems": ["send the portal's token as Authorization: Bearer TOKEN"] });
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            Json(body),
        )
            .into_response();
    }
    match api.desk.take_port_request(&body).await {
        Ok(answer) => intake_response(answer),
        Err(e) => {
            tracing::error!(error = %e, "a port request could not be taken");
            let body = json!({ "error": "unavailable", "problems": [format!("{e}: try again shortly")] });
            (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
        }
    }
}

/// The desk's answer to a port request, in HTTP: `201` opened, `202` held, `200` a
/// retry's same answer (`"replayed": true`); `400`, `404` and `409` with the problems.
fn intake_response(answer: IntakeAnswer) -> Response {
    let problems = |status: StatusCode, error: &str, problems: Vec<String>| {
        (status, Json(json!({ "error": error, "problems": problems }))).into_response()
    };
    match answer {
        IntakeAnswer::Taken { receipt, replayed } => {
            let status = match (receipt.status, replayed) {
                (ReceiptStatus::Held, _) => StatusCode::ACCEPTED,
                (ReceiptStatus::Opened, false) => StatusCode::CREATED,
                (ReceiptStatus::Opened, true) => StatusCode::OK,
            };
            let mut body = serde_json::to_value(&receipt).unwrap_or_default();
            if replayed {
                body["replayed"] = json!(true);
            }
            (status, Json(body)).into_response()
        }
        IntakeAnswer::Refused(Refusal::Unreadable(why)) => problems(StatusCode::BAD_REQUEST, "bad request", why),
        IntakeAnswer::Refused(Refusal::UnknownCustomer(why)) => {
            problems(StatusCode::NOT_FOUND, "unknown customer", vec![why])
        }
        IntakeAnswer::Refused(Refusal::RequestIdReused(why)) => {
            problems(StatusCode::CONFLICT, "request_id reused", vec![why])
        }
        IntakeAnswer::Refused(Refusal::NumberTaken {
            number,
            reference,
            state,
        }) => {
            let why = format!(
                "{} is already on {reference} ({state}): a number can be on one open order at a time",
                number.pretty()
            );
            let body = json!({
                "error": "number already on an open order",
                "problems": [why],
                "number": number.e164(),
                "order": reference.to_string(),
            });
            (StatusCode::CONFLICT, Json(body)).into_response()
        }
    }
}

/// How long `/healthz` waits for the database.
const HEALTH_CHECK_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

async fn healthz(State(api): State<Api>, headers: HeaderMap) -> Response {
    // A database that does not answer within a second is down for this answer: the
    // health check itself never hangs on the pool's own (longer) wait.
    match tokio::time::timeout(HEALTH_CHECK_WAIT, api.store.inbound_count()).await {
        Ok(Ok(_)) => api.health.report("store", true, "answering"),
        Ok(Err(e)) => api.health.report("store", false, format!("{e}")),
        Err(_) => api.health.report(
            "store",
            false,
            format!("no answer within {} s", HEALTH_CHECK_WAIT.as_secs()),
        ),
    }
    let components = api.health.snapshot();
    let all_up = components.values().all(|c| c.up);
    let status = if all_up {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let summary = if all_up { "ok" } else { "degraded" };
    // Who is down and why is for the portal's token holder; anyone sees up or down.
    let body = if authorized(&headers, api.token.expose()) {
        json!({ "status": summary, "components": components })
    } else {
        json!({ "status": summary })
    };
    (status, Json(body)).into_response()
}

async fn metrics(State(api): State<Api>) -> Response {
    let snapshot = match api.store.metrics().await {
        Ok(s) => s,
        Err(e) => return (StatusCode::SERVICE_UNAVAILABLE, format!("# the database failed: {e}\n")).into_response(),
    };
    let text = metrics::exposition(&snapshot, &api.health);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

//! A fake Discord on loopback for the real serenity client: REST calls are recorded and
//! answered, the gateway speaks HELLO / IDENTIFY / READY / heartbeat and then replays the
//! events a test pushes (MESSAGE_CREATE, INTERACTION_CREATE).

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

pub const GUILD: &str = "1";
pub const CHANNEL: u64 = 10;
pub const STAFF_ROLE: u64 = 50;
pub const APPLICATION: &str = "100";

/// A REST call the client made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub body: Value,
}

/// Gateway events waiting for the connected client: (event name, payload).
type Events = mpsc::UnboundedReceiver<(String, Value)>;

#[derive(Clone)]
struct Shared {
    base: String,
    calls: Arc<Mutex<Vec<Call>>>,
    events: Arc<Mutex<Option<Events>>>,
}

pub struct FakeDiscord {
    pub url: String,
    calls: Arc<Mutex<Vec<Call>>>,
    events: mpsc::UnboundedSender<(String, Value)>,
}

impl FakeDiscord {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (events, receiver) = mpsc::unbounded_channel();
        let shared = Shared {
            base: url.replace("http://", "ws://"),
            calls: Arc::default(),
            events: Arc::new(Mutex::new(Some(receiver))),
        };
        let calls = shared.calls.clone();
        let app = Router::new()
            .route("/api/v10/gateway", get(gateway))
            .route("/api/v10/gateway/bot", get(gateway))
            .route("/ws", get(websocket))
            .fallback(rest)
            .with_state(shared);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, calls, events }
    }

    /// A gateway event, sent once the client is connected.
    pub fn push(&self, name: &str, payload: Value) {
        self.events.send((name.to_string(), payload)).unwrap();
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// Waits for a REST call matching `wanted`.
    pub async fn wait_for(&self, what: &str, wanted: impl Fn(&Call) -> bool) -> Call {
        let started = std::time::Instant::now();
        loop {
            if let Some(call) = self.calls().into_iter().find(|c| wanted(c)) {
                return call;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "no {what}: {:#?}",
                self.calls()
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

async fn gateway(State(s): State<Shared>) -> Json<Value> {
    Json(json!({
        "url": format!("{}/ws", s.base),
        "shards": 1,
        "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
    }))
}

async fn rest(State(s): State<Shared>, request: Request) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let bytes = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    s.calls.lock().unwrap().push(Call {
        method: method.clone(),
        path: path.clone(),
        body: body.clone(),
    });
    if path.ends_with("/callback") {
        return axum::http::StatusCode::NO_CONTENT.into_response();
    }
    if path.contains("/commands") {
        return Json(json!([])).into_response();
    }
    if path.contains("/messages") {
        let channel = path.split('/').nth(4).unwrap_or("10");
        let mut message = message_json(channel, "999", "portbot", "");
        message["content"] = body["content"].clone();
        message["embeds"] = json!([]);
        message["author"]["bot"] = json!(true);
        return Json(message).into_response();
    }
    Json(json!({})).into_response()
}

async fn websocket(State(s): State<Shared>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |socket| session(s, socket))
}

async fn session(s: Shared, mut socket: WebSocket) {
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}});
    if socket.send(Message::Text(hello.to_string().into())).await.is_err() {
        return;
    }
    let mut events = s.events.lock().unwrap().take();
    let mut sequence = 0u64;
    let mut ready = false;
    loop {
        let next_event = async {
            match (&mut events, ready) {
                (Some(rx), true) => rx.recv().await,
                _ => std::future::pending().await,
            }
        };
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(message)) = incoming else { break };
                let text = match message {
                    Message::Text(t) => t.to_string(),
                    Message::Binary(b) => String::from_utf8_lossy(&b).into_owned(),
                    Message::Close(_) => break,
                    _ => continue,
                };
                let payload: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                match payload["op"].as_u64() {
                    Some(2) => {
                        sequence += 1;
                        let ready_event = json!({"op": 0, "t": "READY", "s": sequence, "d": {
                            "v": 10,
                            "user": {"id": APPLICATION, "username": "portbot", "discriminator": "0", "avatar": null, "bot": true},
                            "guilds": [],
                            "session_id": "session-1",
                            "resume_gateway_url": format!("{}/ws", s.base),
                            "application": {"id": APPLICATION, "flags": 0}
                        }});
                        if socket.send(Message::Text(ready_event.to_string().into())).await.is_err() {
                            break;
                        }
                        ready = true;
                    }
                    Some(1) => {
                        let ack = json!({"op": 11});
                        let _ = socket.send(Message::Text(ack.to_string().into())).await;
                    }
                    _ => {}
                }
            }
            event = next_event => {
                let Some((name, payload)) = event else { break };
                sequence += 1;
                let dispatch = json!({"op": 0, "t": name, "s": sequence, "d": payload});
                if socket.send(Message::Text(dispatch.to_string().into())).await.is_err() {
                    break;
                }
            }
        }
    }
    // Hand the events back for a reconnecting client.
    *s.events.lock().unwrap() = events;
}

fn user(id: &str, name: &str) -> Value {
    json!({"id": id, "username": name, "discriminator": "0", "avatar": null})
}

fn member(roles: &[u64]) -> Value {
    json!({"roles": roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(), "joined_at": "2026-01-01T00:00:00.000000+00:00",
        "deaf": false, "mute": false, "flags": 0})
}

fn message_json(channel: &str, id: &str, author: &str, content: &str) -> Value {
    json!({"id": id, "channel_id": channel, "author": user("300", author), "content": content,
        "timestamp": "2026-11-25T15:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
        "pinned": false, "type": 0})
}

/// A text message typed in the porting channel by a member with these roles.
pub fn channel_message(id: &str, author: &str, roles: &[u64], content: &str) -> Value {
    let mut m = message_json(&CHANNEL.to_string(), id, author, content);
    m["guild_id"] = json!(GUILD);
    m["member"] = member(roles);
    m
}

/// A direct message to the bot.
pub fn direct_message(id: &str, author: &str, content: &str) -> Value {
    message_json("77", id, author, content)
}

/// A slash command used in the porting channel.
pub fn slash_command(id: &str, author: &str, roles: &[u64], name: &str, options: &[(&str, &str)]) -> Value {
    let mut m = member(roles);
    m["user"] = user("300", author);
    json!({"id": id, "application_id": APPLICATION, "type": 2,
        "data": {"id": "500", "name": name, "type": 1,
                 "options": options.iter().map(|(n, v)| json!({"name": n, "type": 3, "value": v})).collect::<Vec<_>>()},
        "guild_id": GUILD, "channel_id": CHANNEL.to_string(), "member": m, "token": format!("token-{id}"),
        "version": 1, "app_permissions": "0", "locale": "en-US", "entitlements": [], "attachment_size_limit": 8388608,
        "authorizing_integration_owners": {}, "context": 0})
}

//! The web board: the porting team's pages (orders by state, the port-day calendar, one
//! page per order with the chat's command box, the staff queue, charts) behind staff
//! sign-in, and each customer's status page at `/p/TOKEN`. Server-rendered HTML from
//! templates; thin, like chat: the desk decides, the chat core runs the commands.

// A handler's early answer (the sign-in page, a problem page) is a whole `Response`.
#![allow(clippy::result_large_err)]

mod charts;
mod order_page;
mod pages;
pub mod session;
mod status_page;

use crate::chat::ChatCore;
use crate::config::WebSettings;
use crate::desk::Desk;
use crate::domain::status_link::StatusPages;
use crate::store::Store;
use axum::extract::{ConnectInfo, Form, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use minijinja::Environment;
use serde::Deserialize;
use session::{SignInLimiter, SignedIn, SESSION_COOKIE, SIGN_IN_COOKIE};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;

/// What every page handler shares.
pub struct Board {
    pub desk: Arc<Desk>,
    pub store: Arc<dyn Store>,
    pub chat: Arc<ChatCore>,
    pub settings: WebSettings,
    pub desk_tz: chrono_tz::Tz,
    pages: StatusPages,
    limiter: SignInLimiter,
    /// The answer to a session's last command, shown once on the next page.
    flashes: Mutex<HashMap<String, (bool, String)>>,
    templates: Environment<'static>,
}

type Shared = State<Arc<Board>>;

/// Commands' answers waiting to be shown, at most (one a session).
const MAX_FLASHES: usize = 10_000;

impl Board {
    pub fn new(
        desk: Arc<Desk>,
        store: Arc<dyn Store>,
        chat: Arc<ChatCore>,
        settings: WebSettings,
        desk_tz: chrono_tz::Tz,
    ) -> Self {
        Self {
            pages: settings.status_pages(),
            desk,
            store,
            chat,
            settings,
            desk_tz,
            limiter: SignInLimiter::default(),
            flashes: Mutex::new(HashMap::new()),
            templates: templates(),
        }
    }

    /// A page from its template, or the error page when it cannot be drawn.
    fn page(&self, name: &str, context: minijinja::Value) -> Response {
        match self.templates.get_template(name).and_then(|t| t.render(context)) {
            Ok(html) => Html(html).into_response(),
            Err(e) => {
                tracing::error!(error = %e, template = name, "a page could not be drawn");
                problem(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "This page could not be drawn; the log says why.",
                )
            }
        }
    }

    /// The staff member the request's session cookie names, or the sign-in page.
    async fn signed_in(&self, headers: &HeaderMap) -> Result<SignedIn, Response> {
        let to_sign_in = || Redirect::to("/sign-in").into_response();
        let Some(id) = session::cookie(headers, SESSION_COOKIE) else {
            return Err(to_sign_in());
        };
        match self.store.session(&session::id_hash(&id), self.desk.now()).await {
            Ok(Some((session, account))) => Ok(SignedIn::new(session, account)),
            Ok(None) => Err(to_sign_in()),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// The staff member sending a form, when the form carries their session's CSRF token.
    async fn signed_form(&self, headers: &HeaderMap, csrf: &str) -> Result<SignedIn, Response> {
        let who = self.signed_in(headers).await?;
        if !who.form_is_ours(csrf) {
            return Err(problem(
                StatusCode::FORBIDDEN,
                "That form is from another session: reload the page and try again.",
            ));
        }
        Ok(who)
    }

    fn flash(&self, who: &SignedIn, ok: bool, text: String) {
        let mut flashes = self.flashes.lock().unwrap_or_else(|p| p.into_inner());
        // Answers nobody came back for do not pile up.
        if flashes.len() >= MAX_FLASHES {
            flashes.clear();
        }
        flashes.insert(who.id_hash.clone(), (ok, text));
    }

    fn take_flash(&self, who: &SignedIn) -> Option<(bool, String)> {
        self.flashes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&who.id_hash)
    }
}

fn templates() -> Environment<'static> {
    let mut env = Environment::new();
    for (name, text) in [
        ("layout.html", include_str!("templates/layout.html")),
        ("sign_in.html", include_str!("templates/sign_in.html")),
        ("board.html", include_str!("templates/board.html")),
        ("calendar.html", include_str!("templates/calendar.html")),
        ("order.html", include_str!("templates/order.html")),
        ("queue.html", include_str!("templates/queue.html")),
        ("charts.html", include_str!("templates/charts.html")),
        ("status.html", include_str!("templates/status.html")),
    ] {
        env.add_template(name, text).expect("the board's templates are valid");
    }
    env
}

pub fn router(board: Arc<Board>) -> Router {
    let pages = Router::new()
        .route("/", get(pages::board))
        .route("/calendar", get(pages::calendar))
        .route("/queue", get(pages::queue))
        .route("/charts", get(charts::page))
        .route("/charts/states.svg", get(charts::states_svg))
        .route("/charts/carriers.svg", get(charts::carriers_svg))
        .route("/orders/{reference}", get(order_page::show))
        .route("/orders/{reference}/command", post(order_page::command))
        .route("/orders/{reference}/documents/{index}", get(order_page::document))
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
        .route("/p/{token}", get(status_page::show))
        .route("/p/{token}/port-day.ics", get(status_page::calendar_file))
        .with_state(board);
    crate::api::with_limits(pages).layer(axum::middleware::from_fn(guarded))
}

/// Serves the board on `listener` until shutdown.
pub async fn serve(
    board: Arc<Board>,
    listener: tokio::net::TcpListener,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    crate::api::serve_app(router(board), "the web board", listener, shutdown).await
}

/// Every page: not cached, not framed, no scripts from elsewhere, and no address of the
/// page (a customer's link is a key) sent to another site.
async fn guarded(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name: &'static str, value: &'static str| {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(headers, "content-security-policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'");
    set(headers, "x-frame-options", "DENY");
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "referrer-policy", "no-referrer");
    set(headers, "cache-control", "no-store");
    response
}

/// A short page saying what went wrong and what to do.
pub(crate) fn problem(status: StatusCode, text: &str) -> Response {
    let html = format!(
        "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>\
         <title>portbot</title><p>{}</p><p><a href=\"/\">Back to the board</a></p>",
        minijinja::HtmlEscape(text)
    );
    (status, Html(html)).into_response()
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "the web board could not read the desk");
    problem(
        StatusCode::SERVICE_UNAVAILABLE,
        &format!("The desk's database did not answer ({e}). Try again in a moment."),
    )
}

async fn sign_in_page(State(board): Shared) -> Response {
    sign_in_form(&board, None, StatusCode::OK)
}

fn sign_in_form(board: &Board, problem: Option<String>, status: StatusCode) -> Response {
    let token = session::random_token();
    let mut response = board.page(
        "sign_in.html",
        minijinja::context! { csrf => &token, problem => problem },
    );
    *response.status_mut() = status;
    let cookie = session::set_cookie(SIGN_IN_COOKIE, &token, 3600, board.settings.secure_cookies);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[derive(Deserialize)]
struct SignInForm {
    name: String,
    password: String,
    csrf: String,
}

async fn sign_in(
    State(board): Shared,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let expected = session::cookie(&headers, SIGN_IN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !session::same(&form.csrf, &expected) {
        return sign_in_form(
            &board,
            Some("The form had expired. Sign in again.".into()),
            StatusCode::FORBIDDEN,
        );
    }
    let now = board.desk.now();
    let name = form.name.trim();
    if let Some(minutes) = board.limiter.wait(name, Some(peer.ip()), now) {
        let why = format!("Too many failed sign-ins for this name or address: try again in {minutes} minutes.");
        return sign_in_form(&board, Some(why), StatusCode::TOO_MANY_REQUESTS);
    }
    let account = match board.store.staff_account(name).await {
        Ok(account) => account,
        Err(e) => return unavailable(e),
    };
    if account.is_none() {
        session::check_nothing(&form.password);
    }
    let Some(account) = account.filter(|a| session::password_matches(a, &form.password)) else {
        board.limiter.failed(name, Some(peer.ip()), now);
        let why =
            "That name and password do not match an account. Staff accounts are added with `portbot staff add NAME`.";
        return sign_in_form(&board, Some(why.into()), StatusCode::UNAUTHORIZED);
    };
    board.limiter.succeeded(name);
    let (id, new_session) = session::new_session(&account, now);
    if let Err(e) = board.store.open_session(&new_session).await {
        return unavailable(e);
    }
    tracing::info!(staff = %account.name, "signed in to the web board");
    let max_age = session::SESSION_HOURS * 3600;
    let mut response = Redirect::to("/").into_response();
    for cookie in [
        session::set_cookie(SESSION_COOKIE, &id, max_age, board.settings.secure_cookies),
        session::set_cookie(SIGN_IN_COOKIE, "", 0, board.settings.secure_cookies),
    ] {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn sign_out(State(board): Shared, headers: HeaderMap, Form(form): Form<CsrfForm>) -> Response {
    let who = match board.signed_form(&headers, &form.csrf).await {
        Ok(who) => who,
        Err(page) => return page,
    };
    if let Err(e) = board.store.close_session(&who.id_hash).await {
        return unavailable(e);
    }
    let mut response = Redirect::to("/sign-in").into_response();
    let cookie = session::set_cookie(SESSION_COOKIE, "", 0, board.settings.secure_cookies);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

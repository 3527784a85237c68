//! Real headless Chromium, driven over WebDriver (chromedriver, installed by
//! `scripts/services`), for the web board's tests; and the board itself, served on
//! loopback from a test desk.

use crate::harness::{Backend, TestDesk};
use fantoccini::{Client, ClientBuilder, Locator};
use portbot::domain::staff::{StaffAccount, StaffRole};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// A desk with its web board listening, and where to open it.
pub struct Served {
    pub t: TestDesk,
    pub base: String,
    stop: CancellationToken,
}

impl Served {
    /// A test desk (its clock at 2026-11-23 15:00 UTC) with the board on a free port;
    /// customer e-mails link to it.
    pub async fn start(backend: Backend) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let web = format!(
            "[web]\nenabled = true\nlisten = \"{}\"\npublic_url = \"{base}\"\n",
            listener.local_addr().unwrap()
        );
        let t = TestDesk::start_configured(backend, None, &web).await;
        let settings = t.app.settings.web.clone().expect("the [web] section is on");
        let board = Arc::new(portbot::web::Board::new(
            t.app.desk.clone(),
            t.app.store.clone(),
            t.app.chat.clone(),
            settings,
            t.app.settings.time_zone,
        ));
        let stop = CancellationToken::new();
        tokio::spawn(portbot::web::serve(board, listener, stop.clone()));
        Self { t, base, stop }
    }

    /// A staff account (or a read-only one) with this password.
    pub async fn account(&self, name: &str, password: &str, role: StaffRole) {
        let account = StaffAccount {
            name: name.into(),
            password_hash: portbot::web::session::hash_password(password).unwrap(),
            role,
            created_at: self.t.app.desk.now(),
        };
        self.t.app.store.save_staff_account(&account).await.unwrap();
    }

    pub async fn finish(self) {
        self.stop.cancel();
        self.t.finish().await;
    }
}

/// One Chromium, headless, and its chromedriver.
pub struct Browser {
    pub client: Client,
    driver: Child,
}

impl Browser {
    pub async fn open() -> Self {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap().port()
        };
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (scripts/services installs Debian's chromium-driver)");
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,1000", "--lang=en-US"]
            }
        });
        let capabilities = capabilities.as_object().unwrap().clone();
        let mut last_error = String::new();
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => return Self { client, driver },
                Err(e) => last_error = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("Chromium did not start under chromedriver: {last_error}");
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    /// The text of the element `css` finds. A page that a submitted form is replacing
    /// can hand out an element that is gone before its text is read: it is found again
    /// on the new page.
    pub async fn text_of(&self, css: &str) -> String {
        let mut tries = 0;
        loop {
            let element = self
                .client
                .find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("{css}: {e}"));
            match element.text().await {
                Ok(text) => return text,
                Err(e) if is_stale(&e) && tries < 50 => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("{css}: {e}"),
            }
        }
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }

    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Waits for `css` on the page (after a form is sent).
    pub async fn wait_for(&self, css: &str) {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} never showed: {e}"));
    }

    /// Signs in on the board's sign-in page.
    pub async fn sign_in(&self, base: &str, name: &str, password: &str) {
        self.goto(&format!("{base}/sign-in")).await;
        self.type_into("#name", name).await;
        self.type_into("#password", password).await;
        self.click("#sign-in").await;
    }

    /// Types `command` into the order page's command box, runs it, and reads the answer.
    pub async fn run_command(&self, command: &str) -> String {
        self.type_into("#command", command).await;
        self.click_to_new_page("#run", "#reply").await;
        self.text_of("#reply").await
    }

    /// Clicks `css` (a link or a form's button) and waits for the page it brings, with
    /// `shown` on it. The page before is marked first, so that an element of the same
    /// name it already shows (the board's list, an earlier command's reply) is not taken
    /// for the new page's: only the page brought back is unmarked.
    pub async fn click_to_new_page(&self, css: &str, shown: &str) {
        self.client
            .execute("document.documentElement.dataset.sent = 'yes'", vec![])
            .await
            .unwrap();
        self.click(css).await;
        self.wait_for(&format!("html:not([data-sent]) {shown}")).await;
    }

    /// Saves a PNG of the page as `target/screenshots/NAME.png` (the README shows them).
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// One HTTP/1.1 request to the board without a browser (a script, an attacker): the
/// status and the whole answer, headers included.
pub async fn raw_request(base: &str, method: &str, path: &str, cookie: &str, form: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

/// The value of `name` in an answer's `Set-Cookie` headers.
pub fn set_cookie(answer: &str, name: &str) -> Option<String> {
    answer
        .lines()
        .filter_map(|l| l.strip_prefix("set-cookie: "))
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_string())
}

/// The element was on a page the browser has since left.
fn is_stale(error: &fantoccini::error::CmdError) -> bool {
    matches!(
        error,
        fantoccini::error::CmdError::Standard(e)
            if e.error == fantoccini::error::ErrorStatus::StaleElementReference
    )
}

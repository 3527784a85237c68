//! Starts the app on a fresh database with a clock the test moves.

use portbot::app::App;
use portbot::chat::{Caller, Reply};
use portbot::clock::FixedClock;
use portbot::config::Settings;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the tests create their databases on.
pub fn pg_admin_url() -> String {
    std::env::var("PORTBOT_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

pub struct TestDesk {
    pub app: App,
    pub clock: Arc<FixedClock>,
    settings: Settings,
    /// The database the desk runs on, for tests that look under it.
    pub store_url: String,
    pg_database: Option<String>,
    _dir: tempfile::TempDir,
}

/// The carrier and e-signature domains the test desk believes.
pub const TRUSTED: &str = r#"["portflow.example", "comcast.com", "docusign.net"]"#;

static NEXT: AtomicUsize = AtomicUsize::new(0);

impl TestDesk {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, None).await
    }

    /// The same with its own `[inbox]` (and `[imap]`) sections.
    pub async fn start_with(backend: Backend, inbox_toml: Option<&str>) -> Self {
        Self::start_configured(backend, inbox_toml, "").await
    }

    /// The same with more sections after the rest (`[web]`, say).
    pub async fn start_configured(backend: Backend, inbox_toml: Option<&str>, more_toml: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, pg_database) = match backend {
            Backend::Sqlite => (format!("sqlite://{}", dir.path().join("portbot.db").display()), None),
            Backend::Postgres => {
                let name = format!(
                    "portbot_test_{}_{}",
                    std::process::id(),
                    NEXT.fetch_add(1, Ordering::SeqCst)
                );
                run_admin(&format!("DROP DATABASE IF EXISTS {name}")).await;
                run_admin(&format!("CREATE DATABASE {name}")).await;
                let admin = pg_admin_url();
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                (format!("{base}/{name}"), Some(name))
            }
        };
        let inbox = match inbox_toml {
            Some(toml) => toml.to_string(),
            None => format!(
                "[inbox]\nfolder = \"{}\"\naddress = \"porting@voip.example\"\ntrusted_domains = {TRUSTED}\n",
                dir.path().join("inbox").display()
            ),
        };
        let mut toml = format!("[store]\nurl = \"{url}\"\n[desk]\ntime_zone = \"America/New_York\"\n{inbox}");
        if !toml.contains("[outbox]") {
            toml.push_str(&format!(
                "[outbox]\nfolder = \"{}\"\n",
                dir.path().join("outbox").display()
            ));
        }
        toml.push_str(more_toml);
        let settings = Settings::from_toml(&toml, std::iter::empty(), "test.toml").expect("test settings");
        let clock = Arc::new(FixedClock::new("2026-11-23T15:00:00Z".parse().unwrap()));
        let app = App::start(settings.clone(), clock.clone())
            .await
            .expect("the app starts on a fresh database");
        Self {
            app,
            clock,
            settings,
            store_url: url,
            pg_database,
            _dir: dir,
        }
    }

    /// A second replica of the bot on the same database, with the same clock.
    pub async fn replica(&self) -> App {
        App::start(self.settings.clone(), self.clock.clone())
            .await
            .expect("a second replica starts")
    }

    pub fn at(&self, time: &str) {
        self.clock.set(time.parse().expect("an RFC 3339 time"));
    }

    /// A staff member (dana) types a command in the team chat.
    pub async fn staff_says(&self, text: &str) -> Reply {
        self.app.chat.handle(&Caller::staff("dana"), text).await
    }

    /// Runs one statement on the desk's database, under the store (a test breaking it).
    pub async fn execute(&self, sql: &str) {
        use sqlx::Connection;
        if self.store_url.starts_with("sqlite:") {
            let mut c = sqlx::SqliteConnection::connect(&self.store_url)
                .await
                .expect("the test database");
            sqlx::Executor::execute(&mut c, sql)
                .await
                .expect("the test's statement");
        } else {
            let mut c = sqlx::PgConnection::connect(&self.store_url)
                .await
                .expect("the test database");
            sqlx::Executor::execute(&mut c, sql)
                .await
                .expect("the test's statement");
        }
    }

    /// Drops the PostgreSQL database the test made.
    pub async fn finish(self) {
        let Self { app, pg_database, .. } = self;
        drop(app);
        if let Some(name) = pg_database {
            run_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

pub async fn run_admin(sql: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&pg_admin_url())
        .await
        .expect("PostgreSQL must run on 127.0.0.1:5432 for the tests (scripts/services start postgres starts it)");
    sqlx::Executor::execute(&mut conn, sql).await.expect("admin statement");
}

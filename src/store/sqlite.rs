//! The embedded store: one SQLite file in WAL mode. Writes take the write lock at
//! BEGIN (IMMEDIATE), so two processes on one file wait for each other, never deadlock.

use super::customers::impl_customer_sql;
use super::inbound_sql::impl_inbound_sql;
use super::orders_sql::impl_orders_sql;
use super::outbox_sql::impl_outbox_sql;
use super::sql::impl_store;
use super::web_sql::impl_web_sql;
use super::StoreError;
use crate::domain::OrderRef;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    pool: SqlitePool,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

impl SqliteStore {
    /// One writer at a time: the claim's transaction is enough.
    const DUE_OUTBOX: &'static str = super::statements::DUE_OUTBOX;
    const CLAIM_ATTENTION: &'static str = super::statements::CLAIM_ATTENTION;
    const SET_ATTENTION: &'static str = super::statements::SET_ATTENTION;
    /// Not looked up by state: read newest first, as PostgreSQL does.
    pub const ROUTING_UNCONFIRMED: &'static str = super::statements::ROUTING_UNCONFIRMED_SQLITE;
    /// Writers take turns: a second one would only wait.
    const WRITERS: usize = 1;
    /// Writers take turns already (`BEGIN IMMEDIATE`): nothing more to lock.
    const LOCK_RECIPIENT: Option<&'static str> = None;
    /// No data-modifying `WITH` in SQLite: the order, its entry, once-key and attention time as four
    /// statements in one round trip.
    const UPDATE_WITH_ENTRY: &'static str = super::statements::UPDATE_ORDER_WITH_ENTRY_SQLITE;
    /// The message and the mailbox checkpoint: two statements in one round trip.
    const INBOUND_AND_CHECKPOINT: &'static str = super::statements::INSERT_INBOUND_AND_CHECKPOINT_SQLITE;

    /// Opens (creating if needed) the database file of a `sqlite://FILE` URL.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        create_parent_folder(url)?;
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // A file on this machine does not go away under an open connection; pinging
            // it at every acquire was a round trip to its thread for each statement.
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }

    async fn run_migrations(&self) -> Result<Vec<String>, StoreError> {
        let before = applied(&self.pool).await;
        MIGRATOR.run(&self.pool).await?;
        Ok(newly_applied(&MIGRATOR, &before))
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    async fn next_ref(&self) -> Result<OrderRef, StoreError> {
        let id: i64 = sqlx::query_scalar("INSERT INTO order_refs DEFAULT VALUES RETURNING id")
            .fetch_one(&self.pool)
            .await?;
        Ok(OrderRef::from_number(id))
    }
}

/// `sqlite://data/portbot.db` needs `data/` to exist before SQLite can create the file.
fn create_parent_folder(url: &str) -> Result<(), StoreError> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(":memory:") {
        return Ok(());
    }
    match std::path::Path::new(path).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Unavailable(anyhow::anyhow!(
                "cannot create the folder {} for store.url: {e}",
                dir.display()
            ))
        }),
        _ => Ok(()),
    }
}

/// The versions already applied (none before the first migration).
pub(super) async fn applied<'e, E>(executor: E) -> Vec<i64>
where
    E: sqlx::Executor<'e>,
    i64: sqlx::Type<E::Database> + for<'r> sqlx::Decode<'r, E::Database>,
    for<'q> <E::Database as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, E::Database>,
    usize: sqlx::ColumnIndex<<E::Database as sqlx::Database>::Row>,
{
    sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
        .fetch_all(executor)
        .await
        .unwrap_or_default()
}

pub(super) fn newly_applied(migrator: &sqlx::migrate::Migrator, before: &[i64]) -> Vec<String> {
    migrator
        .iter()
        .filter(|m| !before.contains(&m.version))
        .map(|m| format!("{} {}", m.version, m.description))
        .collect()
}

impl_store!(SqliteStore, sqlx::Sqlite);
impl_customer_sql!(SqliteStore, sqlx::Sqlite);
impl_outbox_sql!(SqliteStore, sqlx::Sqlite);
impl_inbound_sql!(SqliteStore, sqlx::Sqlite);
impl_orders_sql!(SqliteStore, sqlx::Sqlite);
impl_web_sql!(SqliteStore, sqlx::Sqlite);

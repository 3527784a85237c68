//! The team store: PostgreSQL, for several bot replicas on one database.

use super::customers::impl_customer_sql;
use super::inbound_sql::impl_inbound_sql;
use super::orders_sql::impl_orders_sql;
use super::outbox_sql::impl_outbox_sql;
use super::sql::impl_store;
use super::sqlite::{applied, newly_applied};
use super::web_sql::impl_web_sql;
use super::StoreError;
use crate::domain::OrderRef;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Connection, Executor};
use std::str::FromStr;
use std::time::Duration;

pub struct PgStore {
    pool: PgPool,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl PgStore {
    /// Transactions queueing mail to the same address take turns (until they end).
    const LOCK_RECIPIENT: Option<&'static str> = Some("SELECT pg_advisory_xact_lock(hashtext($1))");
    /// Replicas share the table: a row another replica is claiming is skipped, not waited for.
    const DUE_OUTBOX: &'static str = "SELECT id FROM outbox WHERE channel = $3 AND status = 'pending' \
        AND (send_after IS NULL OR send_after <= $4) AND (next_attempt_at IS NULL OR next_attempt_at <= $4) \
        AND (claimed_until IS NULL OR claimed_until <= $4) ORDER BY id LIMIT $5 FOR UPDATE SKIP LOCKED";

    /// Replicas share a tick's pages: an order another replica is claiming is skipped.
    const CLAIM_ATTENTION: &'static str = "UPDATE order_attention SET attention_at = $2 WHERE order_id IN (\
        SELECT order_id FROM order_attention WHERE attention_at IS NOT NULL AND attention_at <= $1 \
        ORDER BY attention_at, order_id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING order_id";

    /// An order's attention time, typed.
    const SET_ATTENTION: &'static str = super::statements::SET_ATTENTION_POSTGRES;

    /// Read newest first off the table, stopping at the page.
    const ROUTING_UNCONFIRMED: &'static str = super::statements::ROUTING_UNCONFIRMED;

    /// An order's change, once-key and timeline entry in one round trip.
    const UPDATE_WITH_ENTRY: &'static str = super::statements::UPDATE_ORDER_WITH_ENTRY;
    /// The message and the mailbox checkpoint in one round trip.
    const INBOUND_AND_CHECKPOINT: &'static str = super::statements::INSERT_INBOUND_AND_CHECKPOINT;

    /// Saves at once, leaving the pool's other connections to the rest of the bot.
    const WRITERS: usize = 4;

    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        // One direct attempt first: a server that is down should say so at once, not
        // after the pool's retries.
        sqlx::PgConnection::connect(url)
            .await
            .map_err(|e| unreachable_server(url, e))?
            .close()
            .await?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(|connection, _| {
                Box::pin(async move {
                    // Without a shard of its own (a user who may not use the sequence)
                    // the connection counts into its pid's: slower, never wrong.
                    if let Err(e) = connection.execute(super::statements::TAKE_TALLY_SHARD).await {
                        tracing::warn!("this connection counts its tallies into a shared shard: {e}");
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        Ok(Self { pool })
    }
}

/// A server that cannot be reached, named (never with its password) with what to check.
fn unreachable_server(url: &str, e: sqlx::Error) -> StoreError {
    let (host, port, database) = sqlx::postgres::PgConnectOptions::from_str(url)
        .map(|o| {
            (
                o.get_host().to_string(),
                o.get_port(),
                o.get_database().unwrap_or("postgres").to_string(),
            )
        })
        .unwrap_or_else(|_| ("?".into(), 5432, "?".into()));
    let why = match &e {
        sqlx::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    };
    StoreError::Unavailable(anyhow::anyhow!(
        "PostgreSQL at {host}:{port} (database {database}) cannot be reached: {why}. Is it running there, and is store.url right?"
    ))
}

impl PgStore {
    async fn run_migrations(&self) -> Result<Vec<String>, StoreError> {
        let before = applied(&self.pool).await;
        MIGRATOR.run(&self.pool).await?;
        Ok(newly_applied(&MIGRATOR, &before))
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        Ok(self.pool.begin().await?)
    }

    async fn next_ref(&self) -> Result<OrderRef, StoreError> {
        let id: i64 = sqlx::query_scalar("SELECT nextval('order_refs')")
            .fetch_one(&self.pool)
            .await?;
        Ok(OrderRef::from_number(id))
    }
}

impl_store!(PgStore, sqlx::Postgres);
impl_customer_sql!(PgStore, sqlx::Postgres);
impl_outbox_sql!(PgStore, sqlx::Postgres);
impl_inbound_sql!(PgStore, sqlx::Postgres);
impl_orders_sql!(PgStore, sqlx::Postgres);
impl_web_sql!(PgStore, sqlx::Postgres);

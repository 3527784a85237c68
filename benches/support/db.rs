//! The bench's own connection under the desk, for the bulk SQL and the plans.

use crate::Backend;
use sqlx::{Connection, Executor, Row};
use std::time::Instant;

/// The bench's own connection under the desk, for the bulk SQL.
pub(crate) enum Db {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Db {
    pub(crate) async fn connect(backend: Backend, url: &str) -> Self {
        match backend {
            Backend::Sqlite => Db::Sqlite(sqlx::SqliteConnection::connect(url).await.expect("the SQLite file")),
            Backend::Postgres => Db::Postgres(sqlx::PgConnection::connect(url).await.expect("the bench database")),
        }
    }

    pub(crate) async fn execute(&mut self, sql: &str) {
        let started = Instant::now();
        let done = match self {
            Db::Sqlite(c) => c.execute(sql).await.map(|_| ()),
            Db::Postgres(c) => c.execute(sql).await.map(|_| ()),
        };
        done.unwrap_or_else(|e| panic!("{e}: {sql}"));
        if std::env::var_os("PORTBOT_SCALE_VERBOSE").is_some() {
            eprintln!("{:>8.1?}  {}", started.elapsed(), &sql[..sql.len().min(90)]);
        }
    }

    /// What the database would do for `sql`, a line a step (its plan for these values).
    pub(crate) async fn plan(&mut self, sql: &str) -> Vec<String> {
        let rows = match self {
            Db::Sqlite(c) => sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
                .fetch_all(c)
                .await
                .map(|rows| rows.iter().map(|r| r.get::<String, _>("detail")).collect()),
            Db::Postgres(c) => sqlx::query(&format!("EXPLAIN {sql}"))
                .fetch_all(c)
                .await
                .map(|rows| rows.iter().map(|r| r.get::<String, _>(0)).collect()),
        };
        rows.unwrap_or_else(|e| panic!("{e}: EXPLAIN {sql}"))
    }

    /// How big the desk's database is, and (PostgreSQL) the server's own cache beside it:
    /// a desk that does not fit in `shared_buffers` reads and writes through the kernel.
    pub(crate) async fn size(&mut self) -> String {
        let mb = |bytes: i64| format!("{} MB", bytes / (1024 * 1024));
        match self {
            Db::Sqlite(c) => {
                let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
                    .fetch_one(&mut *c)
                    .await
                    .expect("page_count");
                let size: i64 = sqlx::query_scalar("PRAGMA page_size")
                    .fetch_one(c)
                    .await
                    .expect("page_size");
                format!("file {}", mb(pages * size))
            }
            Db::Postgres(c) => {
                let (database, buffers): (i64, String) =
                    sqlx::query_as("SELECT pg_database_size(current_database()), current_setting('shared_buffers')")
                        .fetch_one(c)
                        .await
                        .expect("the database's size");
                format!("database {}, shared_buffers {buffers}", mb(database))
            }
        }
    }

    /// The columns of `table` (read off one of its rows), but those named in `without`.
    pub(crate) async fn columns(&mut self, table: &str, without: &[&str]) -> Vec<String> {
        let probe = format!("SELECT * FROM {table} LIMIT 1");
        let names: Vec<String> = match self {
            Db::Sqlite(c) => sqlx::query(&probe).fetch_one(c).await.map(|r| names(&r)),
            Db::Postgres(c) => sqlx::query(&probe).fetch_one(c).await.map(|r| names(&r)),
        }
        .unwrap_or_else(|e| panic!("{table} has a row to read its columns off: {e}"));
        names.into_iter().filter(|c| !without.contains(&c.as_str())).collect()
    }
}

fn names<R: Row>(row: &R) -> Vec<String> {
    row.columns()
        .iter()
        .map(|c| sqlx::Column::name(c).to_string())
        .collect()
}

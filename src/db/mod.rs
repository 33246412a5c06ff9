//! One codebase over SQLite and PostgreSQL: the backend is chosen by `DATABASE_URL`'s scheme.

pub mod schema;

use std::path::Path;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::{Connection, PgConnection, QueryResult, RunQueryDsl, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::AppError;

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<ConnectionManager>;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(database_url: &str) -> Backend {
        if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// `sqlite://data/x.db`, `sqlite:data/x.db` or a bare path, to the path SQLite opens.
fn sqlite_path(database_url: &str) -> &str {
    database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .unwrap_or(database_url)
}

/// Opens one connection. Unlike the derived `AnyConnection::establish`, it keeps the real
/// error (wrong password, missing database, unwritable folder) for the log.
pub fn establish(database_url: &str) -> Result<AnyConnection, diesel::ConnectionError> {
    match Backend::of(database_url) {
        Backend::Postgres => PgConnection::establish(database_url).map(AnyConnection::Postgresql),
        Backend::Sqlite => {
            let path = sqlite_path(database_url);
            if let Some(parent) = Path::new(path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
            {
                std::fs::create_dir_all(parent).map_err(|e| {
                    diesel::ConnectionError::BadConnection(format!(
                        "cannot create {}: {e}",
                        parent.display()
                    ))
                })?;
            }
            let mut conn = SqliteConnection::establish(path)?;
            // busy_timeout first, so the WAL switch itself waits for a concurrent opener.
            conn.batch_execute(
                "PRAGMA busy_timeout = 5000;
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;",
            )
            .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
            Ok(AnyConnection::Sqlite(conn))
        }
    }
}

pub struct ConnectionManager {
    database_url: String,
}

impl ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        establish(&self.database_url).map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        ping(conn).map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut AnyConnection) -> bool {
        false
    }
}

pub fn ping(conn: &mut AnyConnection) -> Result<(), diesel::result::Error> {
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}

/// SQLite allows one writer at a time; one pooled connection serialises writes without
/// `SQLITE_BUSY` upgrades and measured fastest here. PostgreSQL gets a real pool.
pub fn default_pool_size(backend: Backend) -> u32 {
    match backend {
        Backend::Sqlite => 1,
        Backend::Postgres => 10,
    }
}

pub fn build_pool(database_url: &str, size: Option<u32>) -> Result<Pool, String> {
    let size = size.unwrap_or_else(|| default_pool_size(Backend::of(database_url)));
    r2d2::Pool::builder()
        .max_size(size)
        .connection_timeout(Duration::from_secs(10))
        .build(ConnectionManager {
            database_url: database_url.to_owned(),
        })
        .map_err(|e| {
            // r2d2 reports only a timeout; connect once more to log the real reason.
            match establish(database_url) {
                Err(cause) => format!("cannot connect to the database: {cause}"),
                Ok(_) => format!("cannot build the connection pool: {e}"),
            }
        })
}

/// Refreshes SQLite's query-planner statistics where they are missing or stale, reading a
/// bounded sample of each index (`analysis_limit`), so a large table costs milliseconds.
/// Without statistics SQLite may pick an index that reads every row of a site. PostgreSQL's
/// autovacuum keeps its own statistics, so there it does nothing.
pub fn optimize(conn: &mut AnyConnection) -> QueryResult<()> {
    match conn {
        AnyConnection::Sqlite(sqlite) => {
            sqlite.batch_execute("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")
        }
        AnyConnection::Postgresql(_) => Ok(()),
    }
}

/// Applies pending migrations of the connection's backend; returns the versions applied.
pub fn run_migrations(conn: &mut AnyConnection) -> Result<Vec<String>, String> {
    let applied = match conn {
        AnyConnection::Postgresql(pg) => pg.run_pending_migrations(POSTGRES_MIGRATIONS),
        AnyConnection::Sqlite(sqlite) => sqlite.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|e| format!("migration failed: {e}"))?;
    Ok(applied.iter().map(|v| v.to_string()).collect())
}

/// Runs one use case that writes, on a pooled connection off the async workers, in one
/// transaction. On SQLite it begins IMMEDIATE: taking the write lock up front lets
/// `busy_timeout` queue concurrent writers, where a deferred transaction that read first
/// would fail at once with SQLITE_BUSY when it tries to write.
pub async fn transaction<T, F>(pool: &Pool, use_case: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut pooled = pool.get()?;
        let conn: &mut AnyConnection = &mut pooled;
        match conn {
            AnyConnection::Sqlite(_) => immediate(conn, use_case),
            AnyConnection::Postgresql(_) => conn.transaction(use_case),
        }
    })
    .await?
}

/// Runs one use case that only reads, in one (deferred) transaction, so readers never wait
/// for the write lock.
pub async fn read<T, F>(pool: &Pool, use_case: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut pooled = pool.get()?;
        let conn: &mut AnyConnection = &mut pooled;
        conn.transaction(use_case)
    })
    .await?
}

/// `BEGIN IMMEDIATE` ... `COMMIT`, rolled back on error, panic or a failed COMMIT, so the
/// pooled connection never goes back with a transaction open.
fn immediate<T>(
    conn: &mut AnyConnection,
    use_case: impl FnOnce(&mut AnyConnection) -> Result<T, AppError>,
) -> Result<T, AppError> {
    use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
    conn.batch_execute("BEGIN IMMEDIATE")?;
    match catch_unwind(AssertUnwindSafe(|| use_case(&mut *conn))) {
        Ok(Ok(value)) => match conn.batch_execute("COMMIT") {
            Ok(()) => Ok(value),
            Err(err) => {
                // A failed COMMIT (a deferred constraint, a full disk) leaves the
                // transaction open; close it before the connection returns to the pool.
                let _ = conn.batch_execute("ROLLBACK");
                Err(err.into())
            }
        },
        Ok(Err(err)) => {
            conn.batch_execute("ROLLBACK")?;
            Err(err)
        }
        Err(panic) => {
            let _ = conn.batch_execute("ROLLBACK");
            resume_unwind(panic)
        }
    }
}

/// Current UTC time as stored in `Timestamp` columns.
pub fn utc(at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    at.naive_utc()
}

/// The query plans (`EXPLAIN QUERY PLAN`, its steps joined by "; ") of every SELECT that
/// `run` sends, on a fresh migrated SQLite database: tests check that lists use their
/// indexes. Bound parameters are left unbound; SQLite plans without their values.
#[cfg(test)]
pub fn sqlite_plans(run: impl FnOnce(&mut AnyConnection)) -> Vec<String> {
    use std::sync::{Arc, Mutex};

    use diesel::connection::InstrumentationEvent;

    #[derive(diesel::QueryableByName)]
    struct Step {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }

    let dir = tempfile::tempdir().unwrap();
    let mut conn = establish(&dir.path().join("plans.db").display().to_string()).unwrap();
    run_migrations(&mut conn).unwrap();
    let sent = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&sent);
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            record.lock().unwrap().push(query.to_string());
        }
    });
    run(&mut conn);
    conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
    let sent = sent.lock().unwrap().clone();
    sent.iter()
        .filter(|sql| sql.trim_start().starts_with("SELECT"))
        .map(|sql| {
            let sql = sql.split(" -- binds:").next().unwrap_or(sql);
            let steps: Vec<Step> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .load(&mut conn)
                .unwrap();
            steps
                .into_iter()
                .map(|s| s.detail)
                .collect::<Vec<_>>()
                .join("; ")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(conn: &mut AnyConnection, sql: &str) -> i64 {
        diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(sql))
            .get_result(conn)
            .unwrap()
    }

    #[test]
    fn optimize_gives_sqlite_statistics_for_tables_that_have_none() {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("stats.db").display().to_string();
        let mut conn = establish(&url).unwrap();
        conn.batch_execute(
            "CREATE TABLE items (id INTEGER PRIMARY KEY, site BIGINT NOT NULL);
             CREATE INDEX items_site ON items (site);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
             INSERT INTO items (site) SELECT i % 7 FROM n;",
        )
        .unwrap();
        let stats = "(SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1')";
        assert_eq!(count(&mut conn, stats), 0);
        optimize(&mut conn).unwrap();
        let rows = "(SELECT count(*) FROM sqlite_stat1 WHERE idx = 'items_site')";
        assert_eq!(count(&mut conn, rows), 1);
    }

    #[test]
    fn a_failed_commit_is_rolled_back_and_leaves_no_transaction_open() {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("commit.db").display().to_string();
        let mut conn = establish(&url).unwrap();
        // A deferred foreign key is checked only at COMMIT, so COMMIT itself fails.
        conn.batch_execute(
            "CREATE TABLE parent (id INTEGER PRIMARY KEY);
             CREATE TABLE child (id INTEGER PRIMARY KEY,
                 parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);",
        )
        .unwrap();
        let result = immediate(&mut conn, |conn| {
            conn.batch_execute("INSERT INTO child (id, parent_id) VALUES (1, 99)")?;
            Ok(())
        });
        assert!(result.is_err(), "the COMMIT must fail");
        // Inside a still-open transaction, BEGIN would fail.
        conn.batch_execute("BEGIN; ROLLBACK;")
            .expect("no transaction is left open");
        let children = count(&mut conn, "(SELECT count(*) FROM child)");
        assert_eq!(children, 0, "the failed work is not kept");
    }
}

//! One codebase over SQLite and PostgreSQL: the backend is chosen by `DATABASE_URL`'s scheme.

pub mod schema;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
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
    /// Open SQLite connections read-only, so a use case run as a read can never write.
    read_only: bool,
    /// PostgreSQL's `statement_timeout`: a statement still running after it is cancelled.
    statement_timeout: Duration,
}

/// A pooled connection, and whether a failure found it dead (a restarted database), so the
/// pool drops it instead of handing it out again. Derefs to the connection.
pub struct Checked {
    conn: AnyConnection,
    broken: bool,
}

impl std::ops::Deref for Checked {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Checked {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

impl ConnectionManager {
    fn open(&self) -> Result<AnyConnection, r2d2::Error> {
        let mut conn = establish(&self.database_url).map_err(r2d2::Error::ConnectionError)?;
        let settings = match conn {
            AnyConnection::Sqlite(_) if self.read_only => "PRAGMA query_only = ON".to_owned(),
            AnyConnection::Sqlite(_) => return Ok(conn),
            AnyConnection::Postgresql(_) => format!(
                "SET statement_timeout = {}",
                self.statement_timeout.as_millis()
            ),
        };
        conn.batch_execute(&settings)
            .map_err(r2d2::Error::QueryError)?;
        Ok(conn)
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = Checked;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<Checked, r2d2::Error> {
        Ok(Checked {
            conn: self.open()?,
            broken: false,
        })
    }

    fn is_valid(&self, conn: &mut Checked) -> Result<(), r2d2::Error> {
        ping(conn).map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut Checked) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.broken || conn.conn.is_broken()
    }
}

pub fn ping(conn: &mut AnyConnection) -> Result<(), diesel::result::Error> {
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}

/// How the pool is sized and how long a request waits for it.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// PostgreSQL: connections. SQLite: reader connections beside the one writer.
    pub size: u32,
    /// How long a request waits for a connection before it is answered 503.
    pub wait: Duration,
    /// PostgreSQL cancels a statement that runs longer.
    pub statement_timeout: Duration,
}

impl PoolSettings {
    /// Measured on 2 cores: more PostgreSQL connections than about twice the cores only
    /// queue in the database (`/readyz` p99 209 ms at 10 connections, 13 ms at 4); SQLite
    /// readers in WAL mode never wait for the writer, and a few keep one slow read from
    /// holding up the rest.
    pub const DEFAULT_SIZE: u32 = 4;
}

/// The connections of one database. SQLite allows one writer at a time, so it gets one
/// writing connection (writes queue for it, never fail with `SQLITE_BUSY`) and a pool of
/// read-only connections that, in WAL mode, read beside it; PostgreSQL one pool for both.
#[derive(Clone)]
pub struct Pool {
    writer: r2d2::Pool<ConnectionManager>,
    readers: Option<r2d2::Pool<ConnectionManager>>,
}

pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

impl Pool {
    /// A connection that may write (on SQLite the one writer): for use cases and tools.
    pub fn get(&self) -> Result<PooledConnection, r2d2::PoolError> {
        self.writer.get()
    }

    /// A connection for a use case that only reads.
    pub fn get_reader(&self) -> Result<PooledConnection, r2d2::PoolError> {
        self.readers.as_ref().unwrap_or(&self.writer).get()
    }
}

pub fn build_pool(database_url: &str, settings: &PoolSettings) -> Result<Pool, String> {
    let pool = |size: u32, read_only: bool| {
        r2d2::Pool::builder()
            .max_size(size)
            .connection_timeout(settings.wait)
            // A `SELECT 1` before every request would cost a round trip each; `run`
            // checks a connection only after a failure.
            .test_on_check_out(false)
            .build(ConnectionManager {
                database_url: database_url.to_owned(),
                read_only,
                statement_timeout: settings.statement_timeout,
            })
            .map_err(|e| {
                // r2d2 reports only a timeout; connect once more to log the real reason.
                match establish(database_url) {
                    Err(cause) => format!("cannot connect to the database: {cause}"),
                    Ok(_) => format!("cannot build the connection pool: {e}"),
                }
            })
    };
    match Backend::of(database_url) {
        Backend::Postgres => Ok(Pool {
            writer: pool(settings.size, false)?,
            readers: None,
        }),
        Backend::Sqlite => {
            // The writer first: it creates the file and switches it to WAL.
            let writer = pool(1, false)?;
            Ok(Pool {
                writer,
                readers: Some(pool(settings.size, true)?),
            })
        }
    }
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

/// Marks a use case abandoned when the request that wanted it is dropped (its client
/// disconnected, so actix dropped the handler): work still queued for a connection is then
/// not started. Dropped after the work too, when it no longer matters.
struct AbandonOnDrop(Arc<AtomicBool>);

impl Drop for AbandonOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Runs `use_case` off the async workers on a connection from `get`, unless its request
/// was abandoned while it waited for one.
async fn run<T, F>(
    pool: &Pool,
    get: fn(&Pool) -> Result<PooledConnection, r2d2::PoolError>,
    use_case: F,
) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
{
    let pool = pool.clone();
    let abandoned = Arc::new(AtomicBool::new(false));
    let _guard = AbandonOnDrop(Arc::clone(&abandoned));
    actix_web::web::block(move || {
        let mut pooled = get(&pool)?;
        if abandoned.load(Ordering::Relaxed) {
            return Err(AppError::Unavailable("the request was abandoned".into()));
        }
        let result = use_case(&mut pooled);
        // No `SELECT 1` on every checkout: only a failure makes the connection suspect.
        if matches!(result, Err(AppError::Internal { .. })) && ping(&mut pooled).is_err() {
            pooled.broken = true;
        }
        result
    })
    .await?
}

/// Runs one use case that writes, on a pooled connection off the async workers, in one
/// transaction. On SQLite it begins IMMEDIATE: taking the write lock up front lets
/// concurrent writers queue, where a deferred transaction that read first would fail at
/// once with SQLITE_BUSY when it tries to write.
pub async fn transaction<T, F>(pool: &Pool, use_case: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
{
    run(pool, Pool::get, move |conn| match conn {
        AnyConnection::Sqlite(_) => immediate(conn, use_case),
        AnyConnection::Postgresql(_) => conn.transaction(use_case),
    })
    .await
}

/// Runs one use case that only reads, in one (deferred) transaction on a reader, so readers
/// never wait for the writer.
pub async fn read<T, F>(pool: &Pool, use_case: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
{
    run(pool, Pool::get_reader, move |conn| {
        conn.transaction(use_case)
    })
    .await
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

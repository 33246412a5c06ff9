//! Writing generated rows fast: multi-row INSERTs of as many rows as SQLite's 32 766 bind
//! parameters allow, on the connection's own backend (the derived `AnyConnection` writes a
//! batch one row at a time), and the odds and ends the generators share.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::connection::SimpleConnection;
use rand::rngs::SmallRng;
use rand::Rng;

use crate::db::AnyConnection;
use crate::error::AppError;

/// Bind parameters in one statement: SQLite's limit (PostgreSQL allows 65 535).
const MAX_BINDS: usize = 32_766;

/// A generated row: how many columns (bind parameters) each one takes.
pub trait BulkRow {
    const COLUMNS: usize;
}

/// Rows of `T` per INSERT statement.
pub fn per_statement<T: BulkRow>(_rows: &[T]) -> usize {
    (MAX_BINDS / T::COLUMNS).max(1)
}

/// Inserts a `Vec` of rows into a table, as few multi-row statements as the bind limit
/// allows, on whichever backend the connection is. Row structs say
/// `treat_none_as_default_value = false`, so a `None` is a NULL and SQLite gets one
/// statement per chunk instead of one per row.
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        let per = $crate::seed::load::bulk::per_statement(&rows);
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<_> = rows.by_ref().take(per).collect();
            match &mut *$conn {
                $crate::db::AnyConnection::Sqlite(c) => {
                    diesel::RunQueryDsl::execute(diesel::insert_into($table).values(chunk), c)
                }
                $crate::db::AnyConnection::Postgresql(c) => {
                    diesel::RunQueryDsl::execute(diesel::insert_into($table).values(chunk), c)
                }
            }?;
        }
    }};
}
pub(crate) use insert_all;

/// Settings of the seeding connection only: a large page cache so that the indexes of a
/// million rows stay in memory while they grow.
pub fn tune(conn: &mut AnyConnection) -> Result<(), AppError> {
    if let AnyConnection::Sqlite(_) = conn {
        conn.batch_execute("PRAGMA cache_size = -524288; PRAGMA temp_store = MEMORY;")?;
    }
    Ok(())
}

/// PostgreSQL identity columns do not move when rows are inserted with explicit ids: set
/// each to the largest id, so the API's own inserts continue after the seeded rows.
/// PostgreSQL is also vacuumed and analysed, as autovacuum would do soon after a bulk load:
/// planner statistics, and the visibility map without which an index-only scan (the boards'
/// counts) still reads every row it counts from the table. (SQLite keeps `INTEGER PRIMARY
/// KEY` in step by itself, and the server refreshes its statistics at start.)
pub fn finish(conn: &mut AnyConnection, tables: &[&str]) -> Result<(), AppError> {
    if let AnyConnection::Postgresql(_) = conn {
        for table in tables {
            conn.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))?;
        }
        conn.batch_execute("VACUUM ANALYZE")?;
    }
    Ok(())
}

/// Picks an index by weight.
pub fn weighted(rng: &mut SmallRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut roll = rng.random_range(0..total);
    for (i, w) in weights.iter().enumerate() {
        if roll < *w {
            return i;
        }
        roll -= w;
    }
    weights.len() - 1
}

/// Picks one of `items` by the weight paired with it.
pub fn pick<T: Copy>(rng: &mut SmallRng, items: &[(T, u32)]) -> T {
    let weights: Vec<u32> = items.iter().map(|(_, w)| *w).collect();
    items[weighted(rng, &weights)].0
}

/// A random duration between `min` and `max` minutes.
pub fn minutes(rng: &mut SmallRng, min: i64, max: i64) -> Duration {
    Duration::seconds(rng.random_range(min * 60..=max * 60))
}

/// An exponentially distributed duration of the given mean, in seconds.
pub fn exponential(rng: &mut SmallRng, mean: Duration) -> Duration {
    let u: f64 = rng.random_range(0.0..1.0);
    Duration::seconds((-(1.0 - u).ln() * mean.num_seconds() as f64) as i64)
}

/// An instant as `Timestamp` columns store it (UTC).
pub fn stored(at: DateTime<Utc>) -> NaiveDateTime {
    crate::db::utc(at)
}

const SURNAMES: [(&str, &str); 20] = [
    ("Wang", "王"),
    ("Li", "李"),
    ("Zhang", "张"),
    ("Liu", "刘"),
    ("Chen", "陈"),
    ("Yang", "杨"),
    ("Zhao", "赵"),
    ("Huang", "黄"),
    ("Zhou", "周"),
    ("Wu", "吴"),
    ("Xu", "徐"),
    ("Sun", "孙"),
    ("Hu", "胡"),
    ("Zhu", "朱"),
    ("Gao", "高"),
    ("Lin", "林"),
    ("He", "何"),
    ("Guo", "郭"),
    ("Ma", "马"),
    ("Luo", "罗"),
];

const GIVEN: [(&str, &str); 20] = [
    ("Wei", "伟"),
    ("Fang", "芳"),
    ("Na", "娜"),
    ("Min", "敏"),
    ("Jing", "静"),
    ("Li", "丽"),
    ("Qiang", "强"),
    ("Lei", "磊"),
    ("Jun", "军"),
    ("Yang", "洋"),
    ("Yong", "勇"),
    ("Yan", "艳"),
    ("Jie", "杰"),
    ("Juan", "娟"),
    ("Tao", "涛"),
    ("Ming", "明"),
    ("Chao", "超"),
    ("Xiulan", "秀兰"),
    ("Xia", "霞"),
    ("Ping", "平"),
];

/// A person's display name, `Wang Wei 王伟`.
pub fn person_name(rng: &mut SmallRng) -> String {
    let (s, sh) = SURNAMES[rng.random_range(0..SURNAMES.len())];
    let (g, gh) = GIVEN[rng.random_range(0..GIVEN.len())];
    format!("{s} {g} {sh}{gh}")
}

/// A mobile number no account uses: accounts get `138`/`139` and their id.
pub fn stranger_phone(rng: &mut SmallRng) -> String {
    format!("137{:08}", rng.random_range(0..100_000_000u32))
}

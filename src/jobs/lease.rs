//! A job's lease: one row per job, claimed by a conditional UPDATE that only succeeds once
//! the previous holder's lease has run out.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::job_leases;
use crate::db::{utc, AnyConnection};

/// Claims `name` for `holder` until `until` if nobody holds it at `now`; whether it did.
/// `name` is one of the jobs' static names, so it is safe to splice into the first-time
/// insert (which needs `ON CONFLICT`, not available through diesel's MultiConnection DSL).
pub fn claim(
    conn: &mut AnyConnection,
    name: &'static str,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> QueryResult<bool> {
    debug_assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    diesel::sql_query(format!(
        "INSERT INTO job_leases (name, holder, leased_until) \
         VALUES ('{name}', '', '1970-01-01 00:00:00') ON CONFLICT (name) DO NOTHING"
    ))
    .execute(conn)?;
    let claimed = diesel::update(
        job_leases::table
            .filter(job_leases::name.eq(name))
            .filter(job_leases::leased_until.le(utc(now))),
    )
    .set((
        job_leases::holder.eq(holder),
        job_leases::leased_until.eq(utc(until)),
    ))
    .execute(conn)?;
    Ok(claimed == 1)
}

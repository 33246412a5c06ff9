//! Readable numbers for the phone and the paper form: `PREFIX-YYYYMMDD-NNNN`, counted per
//! site, prefix and local day (`BX` repair tickets, `TS` complaints); receipts
//! `PREFIX-YYYY-NNNNNN`, counted per site and local year (`RS` hot-water payments).

use chrono::NaiveDate;
use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};

use crate::db::AnyConnection;
use crate::error::AppError;
use crate::ids::SiteId;

#[derive(QueryableByName)]
struct Counter {
    #[diesel(sql_type = BigInt)]
    last_value: i64,
}

/// Takes the next number. The upsert is atomic on both backends, so concurrent intakes on
/// several instances never share a number. The counter's row then stays locked until the
/// transaction ends, so every other intake of the site that day waits: take the number
/// last, just before the record's own inserts, and build responses after the commit. Only
/// integers and a static prefix are spliced into the SQL, which is why no bind parameters
/// are needed.
pub fn next(
    conn: &mut AnyConnection,
    site_id: SiteId,
    prefix: &'static str,
    day: NaiveDate,
) -> Result<String, AppError> {
    let day = day.format("%Y%m%d").to_string();
    let n = take(conn, site_id, prefix, &day)?;
    Ok(format(prefix, &day, n))
}

/// Takes the next receipt number of the site's `year`. Taken in the transaction of the
/// payment it numbers, so a payment that fails gives its number back: the numbers of a year
/// have no gaps.
pub fn next_receipt(
    conn: &mut AnyConnection,
    site_id: SiteId,
    prefix: &'static str,
    year: i32,
) -> Result<String, AppError> {
    let n = take(conn, site_id, prefix, &year.to_string())?;
    Ok(format!("{prefix}-{year}-{n:06}"))
}

/// The next value of the counter of `site_id`, `prefix` and `period` (a day or a year, as
/// digits).
fn take(
    conn: &mut AnyConnection,
    site_id: SiteId,
    prefix: &'static str,
    period: &str,
) -> Result<i64, AppError> {
    debug_assert!(period.bytes().all(|b| b.is_ascii_digit()));
    let counter: Counter = diesel::sql_query(format!(
        "INSERT INTO number_sequences (site_id, prefix, day, last_value) \
         VALUES ({site_id}, '{prefix}', '{period}', 1) \
         ON CONFLICT (site_id, prefix, day) \
         DO UPDATE SET last_value = number_sequences.last_value + 1 \
         RETURNING last_value"
    ))
    .get_result(conn)?;
    Ok(counter.last_value)
}

fn format(prefix: &str, day: &str, n: i64) -> String {
    format!("{prefix}-{day}-{n:04}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_zero_padded_to_four_digits() {
        assert_eq!(super::format("BX", "20261123", 7), "BX-20261123-0007");
        assert_eq!(super::format("TS", "20261123", 12345), "TS-20261123-12345");
    }
}

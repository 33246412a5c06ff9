//! What the reports count (R-CMP-18): events of a period by dimension, headline counts, and
//! major and common-interest events. Merged duplicates are not events (R-CMP-16).

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer};

use super::ComplaintRow;
use crate::complaints::model::ComplaintStatus;
use crate::db::schema::complaints;
use crate::db::{AnyConnection, MultiBackend};
use crate::ids::SiteId;

/// The complaints of a period that agree in every dimension a report counts by, and what
/// they add to its headline counts. A period's summary is one grouped query over these.
#[derive(Debug, Queryable)]
pub struct Group {
    pub class: String,
    pub subject: String,
    pub channel: String,
    pub root_cause: Option<String>,
    pub department: Option<String>,
    /// Complaints received, duplicates included.
    pub complaints: i64,
    /// The rest count events only: complaints not merged into another (R-CMP-16).
    pub events: i64,
    /// People who complained about those events.
    pub complainants: i64,
    pub responded_on_time: i64,
    pub closed: i64,
    pub major: i64,
}

/// `SUM(CASE WHEN <event and condition> THEN <value> ELSE 0 END)`, portable to both
/// databases, so that one pass over the period counts every figure.
macro_rules! events_summing {
    ($condition:expr, $value:expr) => {
        diesel::dsl::sum(
            diesel::dsl::case_when(complaints::merged_into.is_null().and($condition), $value)
                .otherwise(0.into_sql::<Integer>()),
        )
    };
    ($condition:expr) => {
        events_summing!($condition, 1.into_sql::<Integer>())
    };
}

/// The period's complaints of a site received in `[from, to)`, grouped by the report's
/// dimensions.
pub fn groups(
    conn: &mut AnyConnection,
    site_id: SiteId,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Group>> {
    complaints::table
        .filter(complaints::site_id.eq(site_id))
        .filter(complaints::created_at.ge(from))
        .filter(complaints::created_at.lt(to))
        .group_by((
            complaints::class,
            complaints::subject,
            complaints::channel,
            complaints::root_cause,
            complaints::department,
        ))
        // A group has rows, so none of its sums is NULL.
        .select((
            complaints::class,
            complaints::subject,
            complaints::channel,
            complaints::root_cause,
            complaints::department,
            count_star(),
            events_summing!(true.into_sql::<Bool>()).assume_not_null(),
            events_summing!(true.into_sql::<Bool>(), complaints::complainant_count)
                .assume_not_null(),
            events_summing!(complaints::responded_at
                .le(complaints::respond_by.nullable())
                .assume_not_null())
            .assume_not_null(),
            events_summing!(complaints::status.eq(ComplaintStatus::Closed.as_str()))
                .assume_not_null(),
            events_summing!(complaints::major).assume_not_null(),
        ))
        .load(conn)
}

/// Months of trend in the monthly report, its own month included.
pub const TREND_MONTHS: usize = 6;

/// Events received in each month `[bounds[i], bounds[i + 1])`, in one pass over them all.
pub fn events_by_month(
    conn: &mut AnyConnection,
    site_id: SiteId,
    bounds: [NaiveDateTime; TREND_MONTHS + 1],
) -> QueryResult<[i64; TREND_MONTHS]> {
    macro_rules! month {
        ($i:literal) => {
            events_summing!(complaints::created_at
                .ge(bounds[$i])
                .and(complaints::created_at.lt(bounds[$i + 1])))
        };
    }
    let counts: [Option<i64>; TREND_MONTHS] = complaints::table
        .filter(complaints::site_id.eq(site_id))
        .filter(complaints::created_at.ge(bounds[0]))
        .filter(complaints::created_at.lt(bounds[TREND_MONTHS]))
        .select((
            month!(0),
            month!(1),
            month!(2),
            month!(3),
            month!(4),
            month!(5),
        ))
        .first::<(_, _, _, _, _, _)>(conn)
        .map(|(a, b, c, d, e, f)| [a, b, c, d, e, f])?;
    Ok(counts.map(|count| count.unwrap_or(0)))
}

/// Counted events (merged duplicates are not events) of a site received in `[from, to)`.
fn events(
    site_id: SiteId,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> complaints::BoxedQuery<'static, MultiBackend> {
    complaints::table
        .filter(complaints::site_id.eq(site_id))
        .filter(complaints::created_at.ge(from))
        .filter(complaints::created_at.lt(to))
        .filter(complaints::merged_into.is_null())
        .into_boxed()
}

/// Events of a period matching `filter`, oldest first, at most `limit`.
pub fn events_where(
    conn: &mut AnyConnection,
    site_id: SiteId,
    from: NaiveDateTime,
    to: NaiveDateTime,
    filter: EventFilter,
    limit: i64,
) -> QueryResult<Vec<ComplaintRow>> {
    let mut query = events(site_id, from, to);
    match filter {
        EventFilter::Major => query = query.filter(complaints::major.eq(true)),
        // Common interest: about public areas, or raised by more than one person.
        EventFilter::CommonInterest => {
            query = query.filter(
                complaints::unit_id
                    .is_null()
                    .or(complaints::complainant_count.gt(1)),
            )
        }
    }
    query
        .order((complaints::created_at.asc(), complaints::id.asc()))
        .limit(limit)
        .load(conn)
}

pub enum EventFilter {
    Major,
    CommonInterest,
}
